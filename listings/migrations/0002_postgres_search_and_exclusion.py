"""PostgreSQL-only parts of listings; on SQLite these operations do nothing.

- `search_vector`: German full text of title (A), keywords (B) and description (C), kept by a
  trigger (not a generated column, so later migrations can still alter those columns), with a
  GIN index.
- a trigram GIN index on `search_text`, for word parts of compounds ("tisch" in
  "biertischgarnitur").
- the exclusion constraint that no unit of an item is allocated twice at any instant: the last
  line of defence behind listings.capacity.

They are kept out of the model state on purpose: SQLite rebuilds tables from it.
"""

from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension
from django.db import migrations

FORWARDS = [
    "ALTER TABLE listings_listing ADD COLUMN search_vector tsvector",
    """
CREATE FUNCTION listings_listing_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('german'::regconfig, coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('german'::regconfig, coalesce(NEW.keywords, '')), 'B') ||
        setweight(to_tsvector('german'::regconfig, coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER listings_listing_search_vector
    BEFORE INSERT OR UPDATE OF title, keywords, description ON listings_listing
    FOR EACH ROW EXECUTE FUNCTION listings_listing_search_vector()
""",
    "CREATE INDEX listing_search_vector_gin ON listings_listing USING gin (search_vector)",
    "CREATE INDEX listing_search_text_trgm ON listings_listing USING gin (search_text gin_trgm_ops)",
    """
ALTER TABLE listings_equipmentallocation
    ADD CONSTRAINT allocation_unit_no_overlap
    EXCLUDE USING gist (
        item_id WITH =,
        unit_number WITH =,
        daterange("start", "end", '[)') WITH &&
    )
""",
]

BACKWARDS = [
    "ALTER TABLE listings_equipmentallocation DROP CONSTRAINT IF EXISTS allocation_unit_no_overlap",
    "DROP INDEX IF EXISTS listing_search_text_trgm",
    "DROP INDEX IF EXISTS listing_search_vector_gin",
    "DROP TRIGGER IF EXISTS listings_listing_search_vector ON listings_listing",
    "DROP FUNCTION IF EXISTS listings_listing_search_vector()",
    "ALTER TABLE listings_listing DROP COLUMN IF EXISTS search_vector",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        TrigramExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
