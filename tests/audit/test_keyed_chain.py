"""Issue 11 §13: the audit chain is keyed (HMAC-SM3 under a key outside the database),
older unkeyed events keep verifying, keys rotate without breaking older events, and
anchors exported outside the database pin the chain. The tester's rewrite — delete
three events and recompute the hashes with plain SM3 — passed `audit verify` before
(test_deleting_three_events_and_recomputing_with_plain_sm3_fails) and fails now."""

import hashlib
import hmac
import io
import json
import os
import stat

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import connection

from zhongshu.audit import chain, keys
from zhongshu.audit import services as audit
from zhongshu.audit.models import AuditEvent, ChainHead

PLAIN = "sm3" if chain.sm3_available() else "sha256"


@pytest.fixture
def keyring_file(settings, tmp_path):
    """A fresh keyring for the test, as the first start of an installation makes it."""
    path = tmp_path / "audit-chain.key"
    assert keys.ensure_keyring(path)
    settings.AUDIT_KEY_FILE = str(path)
    return path


@pytest.fixture
def legacy(db, keyring_file, monkeypatch):
    """Three events recorded before the chain was keyed (plain digests, no key)."""
    with monkeypatch.context() as m:
        m.setattr(chain, "ALGORITHM", PLAIN)
        for i in range(3):
            audit.record(actor=None, action="test.legacy", object_repr=f"旧事件{i}")
    assert chain.keyring().keyed_from is None
    return list(AuditEvent.objects.order_by("seq"))


def _events(n, start=0):
    for i in range(n):
        audit.record(actor=None, action="test.keyed", object_repr=f"事件{start + i}")


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def _rewrite_from(seq, *, algorithm, secret=None, key_id=""):
    """What someone with database access does: renumber and recompute every event from
    ``seq`` on, then point the chain head at the new last event."""
    prev = AuditEvent.objects.filter(seq__lt=seq).order_by("-seq").first()
    prev_hash = prev.hash if prev else chain.GENESIS
    expected = (prev.seq if prev else 0) + 1
    for event in list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq")):
        event.seq, event.prev_hash, event.algorithm, event.key_id = expected, prev_hash, algorithm, key_id
        body = chain.material(event)
        if secret is None:
            event.hash = hashlib.new(algorithm, body).hexdigest()
        else:
            event.hash = hmac.new(secret, body, algorithm.removeprefix("hmac-")).hexdigest()
        _sql("UPDATE audit_auditevent SET seq = %s, prev_hash = %s, algorithm = %s, key_id = %s, "
             "hash = %s WHERE id = %s",
             [event.seq, event.prev_hash, event.algorithm, event.key_id, event.hash, event.pk])
        prev_hash, expected = event.hash, expected + 1
    ChainHead.objects.filter(pk=1).update(last_seq=expected - 1, last_hash=prev_hash)


def _fails(*args):
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify", *args)
    return str(exc.value)


def _ok(*args):
    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_new_events_are_keyed_and_older_unkeyed_ones_keep_verifying(legacy):
    _events(4)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.algorithm for e in events] == [PLAIN] * 3 + [chain.ALGORITHM] * 4
    ring = chain.keyring()
    assert {e.key_id for e in events[3:]} == {ring.current}
    assert ring.current_key.first_seq == 4  # written down at first use
    assert "共 7 条事件" in _ok()


def test_the_key_file_is_private_to_the_service(keyring_file):
    assert stat.S_IMODE(keyring_file.stat().st_mode) == 0o600
    assert not keys.ensure_keyring(keyring_file)  # a second start keeps it


def test_deleting_three_events_and_recomputing_with_plain_sm3_fails(legacy):
    _events(8)
    doomed = list(AuditEvent.objects.filter(seq__in=[6, 7, 8]).values_list("pk", flat=True))
    _sql("DELETE FROM audit_auditevent WHERE id IN (%s, %s, %s)", doomed)
    _rewrite_from(9, algorithm=PLAIN)
    assert AuditEvent.objects.count() == 8
    message = _fails()
    assert "事件 #6" in message and "没有使用审计链密钥" in message


def test_rewriting_the_whole_chain_unkeyed_fails_too(db, keyring_file):
    _events(6)
    _sql("DELETE FROM audit_auditevent WHERE seq IN (2, 3, 4)")
    _rewrite_from(1, algorithm=PLAIN)
    # The keyring, outside the database, remembers the chain is keyed from event #1.
    assert "事件 #1" in _fails()


def test_recomputing_with_a_guessed_key_fails(db, keyring_file):
    _events(6)
    _sql("DELETE FROM audit_auditevent WHERE seq IN (2, 3, 4)")
    _rewrite_from(2, algorithm=chain.ALGORITHM, secret=b"guess" * 8, key_id=chain.keyring().current)
    assert "已被修改" in _fails()


def test_a_missing_or_foreign_keyring_fails_verify_with_a_message(db, keyring_file):
    _events(2)
    keyring_file.unlink()
    assert "无法读取审计链密钥文件" in _fails()
    keys.ensure_keyring(keyring_file)  # another installation's key
    assert "不在密钥环中" in _fails()


def test_rotation_keeps_older_events_verifying(legacy, keyring_file):
    _events(3)
    out = io.StringIO()
    call_command("audit", "rotate-key", "--reason", "年度轮换", stdout=out)
    assert "审计链密钥已轮换" in out.getvalue()
    _events(3, start=3)
    ring = chain.keyring()
    events = list(AuditEvent.objects.order_by("seq"))
    rotate = next(e for e in events if e.action == "audit.key_rotate")
    old, new = rotate.details["old_key_id"], rotate.details["new_key_id"]
    assert rotate.key_id == old and ring.current == new and rotate.details["reason"] == "年度轮换"
    assert ring.keys[old].last_seq == rotate.seq and ring.keys[new].first_seq == rotate.seq + 1
    assert {e.key_id for e in events if e.seq > rotate.seq} == {new}
    assert "共 10 条事件" in _ok()
    assert stat.S_IMODE(keyring_file.stat().st_mode) == 0o600


def test_a_stolen_retired_key_cannot_sign_after_its_retirement(legacy):
    _events(2)
    retired = chain.keyring().current_key
    call_command("audit", "rotate-key", "--reason", "密钥疑似泄露", stdout=io.StringIO())
    _events(3)
    # The thief rewrites the newest events with the key he stole.
    last = AuditEvent.objects.order_by("-seq").first().seq
    _rewrite_from(last - 1, algorithm=chain.ALGORITHM, secret=retired.secret, key_id=retired.id)
    assert "已在事件" in _fails() and "停用" in _fails()


def test_anchor_is_signed_and_verify_checks_it(legacy, tmp_path):
    _events(3)
    anchor_file = tmp_path / "anchors.jsonl"
    out = io.StringIO()
    call_command("audit", "anchor", "--output", str(anchor_file), stdout=out)
    anchor = json.loads(out.getvalue())
    assert anchor["seq"] == 6 and anchor["hash"] == AuditEvent.objects.get(seq=6).hash
    assert anchor["key_id"] == chain.keyring().current and anchor["mac"] and anchor["at"]
    assert stat.S_IMODE(os.stat(anchor_file).st_mode) == 0o600
    _events(2)
    call_command("audit", "anchor", "--output", str(anchor_file), stdout=io.StringIO())
    assert len(anchor_file.read_text().splitlines()) == 2
    assert "与 2 个锚点相符" in _ok("--anchor", str(anchor_file))


def test_an_anchor_catches_a_rewrite_by_someone_who_holds_the_key(legacy, tmp_path):
    _events(5)
    anchor_file = tmp_path / "anchors.jsonl"
    call_command("audit", "anchor", "--output", str(anchor_file), stdout=io.StringIO())
    _events(2)
    # Someone with the database and the key file deletes three events and recomputes.
    key = chain.keyring().current_key
    _sql("DELETE FROM audit_auditevent WHERE seq IN (5, 6, 7)")
    _rewrite_from(8, algorithm=chain.ALGORITHM, secret=key.secret, key_id=key.id)
    assert "审计链完整" in _ok()  # the key alone cannot tell …
    message = _fails("--anchor", str(anchor_file))  # … the anchor kept outside can
    assert "锚点" in message and "事件 #8" in message


def test_a_forged_anchor_is_refused(legacy, tmp_path):
    _events(2)
    out = io.StringIO()
    call_command("audit", "anchor", stdout=out)
    anchor = json.loads(out.getvalue())
    anchor["seq"] = 3
    forged = tmp_path / "forged.jsonl"
    forged.write_text(json.dumps(anchor) + "\n")
    assert "签名不符" in _fails("--anchor", str(forged))
    empty = tmp_path / "empty.txt"
    empty.write_text("2026-12-07 值班记录\n")
    assert "没有锚点" in _fails("--anchor", str(empty))


def test_anchor_refuses_a_broken_chain(db, keyring_file):
    _events(3)
    _sql("UPDATE audit_auditevent SET object_repr = 'x' WHERE seq = 2")
    with pytest.raises(CommandError, match="不导出锚点"):
        call_command("audit", "anchor", stdout=io.StringIO())


def test_system_check_warns_when_sm3_is_missing(db, keyring_file, monkeypatch):
    ids = {m.id for m in run_checks()}
    assert "audit.W001" not in ids or not hashlib.algorithms_available & {"sm3"}
    monkeypatch.setattr(chain, "sm3_available", lambda: False)
    messages = [m for m in run_checks() if m.id == "audit.W001"]
    assert messages and "SM3" in messages[0].msg


def test_system_check_flags_a_readable_or_missing_keyring(db, keyring_file):
    keyring_file.chmod(0o644)
    assert "audit.W002" in {m.id for m in run_checks()}
    keyring_file.unlink()
    assert "audit.E001" in {m.id for m in run_checks()}
