"""What the issue asks to show: a fresh demo database already holds a chain of events;
`zhongshu audit verify` passes on it and fails, naming the event, after any single row
is changed with raw SQL (SQLite and PostgreSQL)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zhongshu.audit.models import AuditEvent
from zhongshu.org.models import Person, Unit


@pytest.fixture
def demo(db):
    call_command("demo")


def _tamper(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # an attacker with database rights
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)


def test_fresh_demo_database_holds_a_verified_chain(demo, capsys):
    events = AuditEvent.objects.count()
    assert events >= Person.objects.count() + Unit.objects.count()  # every create is an event
    # The organisation is loaded by the system; the demo's business data (plans on
    # their routes) is entered by the demo's people, as the office would.
    assert set(AuditEvent.objects.filter(action__startswith="org.").values_list(
        "actor_name", flat=True)) == {"系统"}
    call_command("audit", "verify")
    assert f"审计链完整：共 {events} 条事件" in capsys.readouterr().out


@pytest.mark.parametrize("column,value", [("actor_name", "许立新"), ("details", '{"roles": []}'),
                                          ("object_repr", "某人")])
def test_changing_any_single_demo_event_is_named(demo, column, value):
    target = AuditEvent.objects.filter(action="org.person.create").order_by("seq")[57]
    _tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, target.pk])
    with pytest.raises(CommandError, match=f"事件 #{target.seq}（"):
        call_command("audit", "verify")
