"""Search every table of the test database for a text, as someone reading the raw tables
would: every column of every table (text, JSON, binary and search columns alike), on SQLite and
on PostgreSQL. For checks that something is gone from everywhere (anonymisation)."""

from django.db import connection


def _columns() -> list[tuple[str, str, str]]:
    """(table, column, type) of every column of every table of the current database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
            )
            return list(cursor.fetchall())
        found = []
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'PRAGMA table_info("{table}")')
            found.extend((table, row[1], row[2].lower()) for row in cursor.fetchall())
        return found


def _as_text(column: str, data_type: str) -> str:
    if connection.vendor == "postgresql" and data_type == "bytea":
        return f"encode(\"{column}\", 'escape')"
    return f'CAST("{column}" AS TEXT)'


def where_is(text: str) -> list[str]:
    """ "table.column" of every column that holds `text` somewhere (any case)."""
    like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    hits = []
    with connection.cursor() as cursor:
        for table, column, data_type in _columns():
            # Names from the database's own catalogue, quoted; the text is a parameter.
            value = _as_text(column, data_type)
            query = f'SELECT 1 FROM "{table}" WHERE {value} {like} %s LIMIT 1'  # noqa: S608
            cursor.execute(query, [f"%{text}%"])
            if cursor.fetchone():
                hits.append(f"{table}.{column}")
    return hits


def table_count() -> int:
    return len({table for table, _column, _type in _columns()})
