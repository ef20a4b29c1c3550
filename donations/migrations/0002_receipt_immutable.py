"""A receipt never changes once issued: the database refuses any UPDATE that touches what was
printed (number, donor, amount, dates, PDF and its hash) or takes back a cancellation. Only the
cancellation fields may be filled in, once."""

from django.db import migrations

GUARDED = [
    "organisation_id",
    "year",
    "sequence",
    "number",
    "kind",
    "donor_organisation_id",
    "donor_key",
    "donor_name",
    "donor_address",
    "amount",
    "period_year",
    "issued_on",
    "issued_at",
    "machine_signed",
    "pdf",
    "sha256",
    "replaces_id",
]


def _changed(old: str, new: str) -> str:
    return " OR ".join(f"{new}.{column} IS DISTINCT FROM {old}.{column}" for column in GUARDED)


def _changed_sqlite() -> str:
    return " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in GUARDED)


POSTGRES_UP = f"""
CREATE FUNCTION donations_receipt_immutable() RETURNS trigger AS $$
BEGIN
    IF {_changed("OLD", "NEW")}
       OR (OLD.cancelled_at IS NOT NULL AND NEW.cancelled_at IS DISTINCT FROM OLD.cancelled_at)
    THEN
        RAISE EXCEPTION 'receipt %% was issued and cannot be changed', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
---
CREATE TRIGGER donations_receipt_immutable BEFORE UPDATE ON donations_receipt
    FOR EACH ROW EXECUTE FUNCTION donations_receipt_immutable();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS donations_receipt_immutable ON donations_receipt;
---
DROP FUNCTION IF EXISTS donations_receipt_immutable();
"""

SQLITE_UP = f"""
CREATE TRIGGER donations_receipt_immutable BEFORE UPDATE ON donations_receipt
WHEN {_changed_sqlite()}
    OR (OLD.cancelled_at IS NOT NULL AND NEW.cancelled_at IS NOT OLD.cancelled_at)
BEGIN
    SELECT RAISE(ABORT, 'receipt was issued and cannot be changed');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS donations_receipt_immutable;"


def _run(schema_editor, script: str) -> None:
    for statement in script.split("---"):
        schema_editor.execute(statement.strip())


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("donations", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
