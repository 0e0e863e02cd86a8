"""The search index of each database: an FTS5 table on SQLite; on PostgreSQL a stored
tsvector (title words weight A, body words weight B, 'simple' configuration) generated from
the jieba-segmented text, with a GIN index."""

from django.db import migrations


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS portal_search USING fts5("
            "title, body, tokenize = 'unicode61')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE portal_articlesearch ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', title_words), 'A') || "
            "setweight(to_tsvector('simple', body_words), 'B')) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX portal_search_vector_gin ON portal_articlesearch USING gin (vector)"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS portal_search")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS portal_search_vector_gin")
        schema_editor.execute("ALTER TABLE portal_articlesearch DROP COLUMN IF EXISTS vector")


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_portal")]
    operations = [migrations.RunPython(create, drop)]
