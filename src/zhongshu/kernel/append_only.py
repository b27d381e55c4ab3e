"""Evidence that is appended, never edited (ARCHITECTURE §6): opinions, versions,
instructions, timelines. One abstract base refuses to save an existing row again or to
delete one; one migration helper adds the same refusal to the database itself on
PostgreSQL, so not even raw SQL through the application's connection rewrites it.

TRUNCATE (used only to empty test databases) is not affected. SQLite relies on the
model's guard.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


class ImmutableRecord(Exception):
    """An attempt to change or delete appended evidence."""


class AppendOnly(models.Model):
    """Saving an existing row again, or deleting one, raises ``ImmutableRecord`` with the
    subclass's ``immutable_message`` (in Chinese: people may read it)."""

    immutable_message = "该记录一经保存不可修改或删除。"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert") and not self._state.adding:
            raise ImmutableRecord(self.immutable_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(self.immutable_message)


def append_only_trigger(table: str, message: str) -> migrations.RunPython:
    """A migration operation: on PostgreSQL, a trigger refusing UPDATE and DELETE of
    ``table``'s rows with ``message``. Reversible; does nothing on SQLite."""
    name = f"{table}_append_only"
    quoted = message.replace("'", "''")
    create = [
        f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{quoted} ({table} is append-only)'
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql
        """,
        f"""
        CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {name}()
        """,
    ]
    drop = [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in create:
                schema_editor.execute(sql, params=None)

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in drop:
                schema_editor.execute(sql, params=None)

    return migrations.RunPython(forwards, backwards)
