"""On PostgreSQL, opinions are append-only in the database itself: a trigger refuses
UPDATE and DELETE, so not even raw SQL through the application's connection can rewrite
an opinion. (TRUNCATE, used only to empty test databases, is not affected. SQLite
relies on the model's guard: its test flush deletes row by row.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflow_opinion_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '意见一经提交不可修改或删除 (workflow_opinion is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflow_opinion_append_only
    BEFORE UPDATE OR DELETE ON workflow_opinion
    FOR EACH ROW EXECUTE FUNCTION workflow_opinion_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS workflow_opinion_append_only ON workflow_opinion;
DROP FUNCTION IF EXISTS workflow_opinion_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
