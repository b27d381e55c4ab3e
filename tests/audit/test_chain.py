"""The hash chain: fresh chains verify; altering, deleting or reordering any stored
event makes `zhongshu audit verify` fail naming the event (SQLite and PostgreSQL)."""

import hashlib
import hmac

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zhongshu import cli
from zhongshu.audit import chain
from zhongshu.audit import services as audit
from zhongshu.audit.models import AuditEvent, ChainHead
from zhongshu.org import services as org


def _org_by_the_system():
    """What the demo loader does: org services with actor=None (the system)."""
    org.roles_ensure()
    root = org.unit_create(actor=None, name="市委办公室", code="SWBGS", kind="organ")
    dept = org.unit_create(actor=None, name="秘书科", code="MSK", kind="department", parent=root)
    org.unit_update(actor=None, unit=dept, short_name="秘书")
    person = org.person_create(actor=None, username="zhang", full_name="张三", unit=dept,
                               roles=["secretary"], clearance="general",
                               password="Another-Pass-2026")
    org.person_update(actor=None, person=person, position="科员")
    org.person_set_password(actor=None, person=person, password="Third-Pass-2026!")
    return person


@pytest.fixture
def events(db):
    _org_by_the_system()
    return list(AuditEvent.objects.order_by("seq"))


def _raw(sql, params=()):
    """Change stored rows as an attacker with database access would. On PostgreSQL the
    append-only trigger is switched off first (the test user is a superuser); the
    change is inside the test's transaction and rolled back afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def _verify_fails_naming(seq):
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert f"事件 #{seq}" in str(exc.value)
    return str(exc.value)


def test_the_system_acting_through_services_leaves_a_verified_chain(events, capsys):
    assert [e.action for e in events] == [
        "org.unit.create", "org.unit.create", "org.unit.update", "org.person.create",
        "org.person.update", "org.person.password_set"]
    assert {e.actor_name for e in events} == {"系统"} and {e.actor_id for e in events} == {None}
    assert [e.seq for e in events] == list(range(1, 7))
    assert events[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    call_command("audit", "verify")
    assert "审计链完整：共 6 条事件" in capsys.readouterr().out


def test_sm3_is_used_where_openssl_has_it(events):
    try:
        hashlib.new("sm3")
    except ValueError:
        pytest.skip("this machine's OpenSSL has no SM3; SHA-256 is the recorded fallback")
    assert {e.algorithm for e in events} == {"hmac-sm3"}
    key = chain.keyring().keys[events[0].key_id]
    assert chain.digest(events[0]) == hmac.new(key.secret, chain.material(events[0]), "sm3").hexdigest()


def test_passwords_never_reach_the_trail(events):
    text = " ".join(str(e.details) for e in events)
    assert "Another-Pass-2026" not in text and "Third-Pass-2026" not in text


def test_a_changed_row_is_named(events):
    target = events[3]
    _raw("UPDATE audit_auditevent SET object_repr = %s WHERE id = %s", ["李四", target.pk])
    message = _verify_fails_naming(target.seq)
    assert "已被修改" in message


def test_a_changed_detail_or_time_is_named(events):
    target = events[1]
    _raw("UPDATE audit_auditevent SET occurred_at = %s WHERE id = %s",
         [target.occurred_at.replace(year=2020), target.pk])
    _verify_fails_naming(target.seq)


def test_a_deleted_row_is_named_by_the_event_after_it(events):
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    message = _verify_fails_naming(events[3].seq)
    assert "删除" in message


def test_a_deleted_last_row_is_caught_by_the_chain_head(events):
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    message = _verify_fails_naming(events[-1].seq)
    assert "链尾" in message


def test_reordered_rows_are_named(events):
    a, b = events[1], events[4]
    _raw("UPDATE audit_auditevent SET seq = 1000000 WHERE id = %s", [a.pk])
    _raw("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _raw("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    _verify_fails_naming(a.seq)


def test_a_recomputed_row_still_breaks_the_link_to_the_next(events):
    """An attacker who rewrites one event and its digest still breaks the next link."""
    target = events[2]
    target.object_repr = "伪造"
    forged = chain.digest(target)
    _raw("UPDATE audit_auditevent SET object_repr = %s, hash = %s WHERE id = %s",
         ["伪造", forged, target.pk])
    _verify_fails_naming(events[3].seq)


def test_cli_exits_non_zero_naming_the_event(events, capsys, monkeypatch):
    # A management command closes the connections when it ends; here that would end
    # the test's own transaction on PostgreSQL, so closing is held back.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    assert cli.main(["audit", "verify"]) == 0
    assert "审计链完整" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["org.unit.delete", events[0].pk])
    with pytest.raises(SystemExit) as exc:
        cli.main(["audit", "verify"])
    assert exc.value.code == 1
    assert f"事件 #{events[0].seq}" in capsys.readouterr().err


def test_the_chain_continues_after_the_head_row_is_recreated(events):
    """Test databases are emptied with TRUNCATE; the head is rebuilt from the last event."""
    ChainHead.objects.all().delete()
    audit.record(actor=None, action="test.event")
    call_command("audit", "verify")


@pytest.mark.postgres_only
def test_postgresql_refuses_update_and_delete_of_events(events):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the trigger does not exist on SQLite")
    from django.db import DatabaseError, transaction

    for sql in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=events[0].pk).update(action="x")
    assert AuditEvent.objects.count() == len(events)
    call_command("audit", "verify")
