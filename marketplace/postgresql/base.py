"""Django's PostgreSQL backend, with one limit that server-side binding brings.

Kiezmarkt binds parameters on the server (settings: server_side_binding), so a statement may
carry at most 65,535 of them, as on Oracle. Django splits bulk inserts and cascading deletes
by `bulk_batch_size()` but assumes no limit for PostgreSQL; here they are split as Django
splits them for Oracle.
"""

from django.db.backends.postgresql import base, features, operations


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = 2**16 - 1


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        if fields:
            return max(self.connection.features.max_query_params // len(fields), 1)
        return len(objs)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
