"""A trigram GIN index on the folded search text, on PostgreSQL only.

Search is one `search_text LIKE '%word%'` per word (the same on every database); pg_trgm lets
PostgreSQL answer those from an index instead of reading every row, and gives word_similarity()
for ranking. SQLite has neither and needs nothing: this migration does nothing there.
pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it.
"""

from django.db import migrations

INDEX = "initiative_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON initiatives_initiative USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0002_published_order_indexes")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
