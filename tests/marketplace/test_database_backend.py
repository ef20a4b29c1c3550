"""The database as Kiezmarkt configures it (marketplace/settings/base.py): on PostgreSQL the
parameters are bound on the server, which allows at most 65,535 per statement, and statements
a connection runs often are prepared. Large writes and repeated reads must still work."""

import pytest
from django.db import connection

from notifications.models import Notification

pytestmark = pytest.mark.django_db

PARAMETERS_PER_STATEMENT = 2**16 - 1


def test_a_bulk_insert_beyond_one_statements_parameters_is_split_and_complete():
    per_row = len([f for f in Notification._meta.concrete_fields if not f.primary_key])
    rows = PARAMETERS_PER_STATEMENT // per_row + 500  # more than one statement can carry

    Notification.objects.bulk_create(
        Notification(email=f"person{n}@example.org", kind="mail_test", event_key=f"bulk:{n}")
        for n in range(rows)
    )

    assert Notification.objects.filter(event_key__startswith="bulk:").count() == rows


def test_a_statement_run_again_and_again_keeps_answering_with_the_current_rows():
    # psycopg prepares it after DATABASE_PREPARE_THRESHOLD runs; the answers stay current.
    seen = []
    for n in range(12):
        Notification.objects.create(email=f"p{n}@example.org", kind="mail_test", event_key="r")
        seen.append(Notification.objects.filter(event_key="r").count())
    assert seen == list(range(1, 13))


def test_postgresql_binds_on_the_server_and_prepares_what_runs_often():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite binds its parameters itself")
    options = connection.settings_dict["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    assert connection.features.max_query_params == PARAMETERS_PER_STATEMENT
