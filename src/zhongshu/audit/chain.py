"""The hash chain: how an event's digest is computed, the walk that checks it, and the
anchors that pin it from outside the database.

Since issue 11 the chain is keyed: each event's digest is an HMAC (SM3 where OpenSSL
has it) under a key kept outside the database (``keys.py``). Events recorded before
keep their plain digest and keep verifying, because each event names its algorithm
(and, when keyed, its key). See docs/audit.md and docs/security-admin.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import keys
from .models import AuditEvent, ChainHead

GENESIS = "0" * 64


def _available(name: str) -> bool:
    try:
        hashlib.new(name)
    except ValueError:
        return False
    return True


def sm3_available() -> bool:
    """SM3 (GB/T 32905) is what government systems are expected to use; OpenSSL 1.1.1+
    and 3.x usually carry it. The system check ``audit.W001`` warns when it does not."""
    return _available("sm3")


# The hash under the HMAC. SHA-256 only where the local OpenSSL lacks SM3.
HASH = "sm3" if sm3_available() else "sha256"
ALGORITHM = f"hmac-{HASH}"
# Unkeyed algorithms of the events recorded before the chain was keyed.
PLAIN_ALGORITHMS = {"sm3", "sha256"}
KEYED_ALGORITHMS = {"hmac-sm3", "hmac-sha256"}
KNOWN_ALGORITHMS = PLAIN_ALGORITHMS | KEYED_ALGORITHMS


def keyring_path() -> Path:
    return Path(settings.AUDIT_KEY_FILE)


def keyring() -> keys.Keyring:
    return keys.load(keyring_path())


def _hash_name(algorithm: str) -> str:
    return algorithm.removeprefix("hmac-")


def material(event: AuditEvent) -> bytes:
    """The bytes an event's digest covers: every stored field except the digest itself,
    including its position and the previous digest, in a canonical form that reads back
    identically from SQLite and PostgreSQL. Keyed events also cover their key's id;
    unkeyed ones keep exactly the material they were recorded with."""
    occurred = event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    data = {
        "seq": event.seq,
        "occurred_at": occurred,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "on_behalf_of_id": event.on_behalf_of_id,
        "on_behalf_of_name": event.on_behalf_of_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "classification": event.classification,
        "ip_address": event.ip_address,
        "outcome": event.outcome,
        "details": event.details,
        "algorithm": event.algorithm,
        "prev_hash": event.prev_hash,
    }
    if event.algorithm in KEYED_ALGORITHMS:
        data["key_id"] = event.key_id
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


class UnknownKey(Exception):
    pass


def digest(event: AuditEvent, ring: keys.Keyring | None = None) -> str:
    if event.algorithm in KEYED_ALGORITHMS:
        ring = ring or keyring()
        key = ring.keys.get(event.key_id)
        if key is None:
            raise UnknownKey(event.key_id)
        return hmac.new(key.secret, material(event), _hash_name(event.algorithm)).hexdigest()
    h = hashlib.new(event.algorithm)
    h.update(material(event))
    return h.hexdigest()


def describe(event: AuditEvent) -> str:
    when = event.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"事件 #{event.seq}（id={event.pk}，{when}，{event.action}，{event.actor_name}）"


@dataclass
class Verdict:
    ok: bool
    count: int
    head_hash: str
    broken_seq: int | None = None
    message: str = ""
    anchors_checked: int = 0


def _event_problem(event: AuditEvent, ring: keys.Keyring, seen_keyed: bool) -> str | None:
    """Why ``event`` cannot be trusted on its own, or None."""
    if event.algorithm not in KNOWN_ALGORITHMS or not _available(_hash_name(event.algorithm)):
        return f"摘要算法“{event.algorithm}”未知或本机不可用"
    if event.algorithm in PLAIN_ALGORITHMS:
        keyed_from = ring.keyed_from
        if seen_keyed or (keyed_from is not None and event.seq >= keyed_from):
            # The downgrade a rewriter without the key would try: recompute plain digests.
            return "该事件没有使用审计链密钥，而此前的事件已经使用：事件已被删除后用无密钥摘要重算"
        return None
    key = ring.keys.get(event.key_id)
    if key is None:
        return f"签名密钥“{event.key_id}”不在密钥环中（密钥文件 {keyring_path()} 不是本系统的，或缺少轮换前的旧密钥）"
    if key.last_seq is not None and event.seq > key.last_seq:
        return f"签名密钥“{key.id}”已在事件 #{key.last_seq} 之后停用，不应再签名"
    return None


def verify(*, chunk_size: int = 2000, anchors: Iterable[dict[str, Any]] = ()) -> Verdict:
    """Walk every event in chain order. The first event whose digest does not match its
    content, whose key or algorithm is not allowed there, or whose link does not match
    the event before it, is reported. Each anchor must then match the stored chain."""
    try:
        ring = keyring()
    except keys.KeyringError as exc:
        return Verdict(False, 0, GENESIS, None, str(exc))
    prev_hash, expected_seq, count, last, seen_keyed = GENESIS, 1, 0, None, False
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        problem = _event_problem(event, ring, seen_keyed)
        if problem:
            return Verdict(False, count, prev_hash, event.seq, f"{describe(event)}：{problem}")
        if digest(event, ring) != event.hash:
            return Verdict(False, count, prev_hash, event.seq,
                           f"{describe(event)}：内容与摘要不符，该事件已被修改")
        if event.seq != expected_seq or event.prev_hash != prev_hash:
            return Verdict(False, count, prev_hash, event.seq,
                           f"{describe(event)}：与前一事件（应为 #{expected_seq - 1}）链接不符，"
                           f"其前面的事件已被删除、替换或顺序被改变")
        seen_keyed = seen_keyed or event.algorithm in KEYED_ALGORITHMS
        prev_hash, expected_seq, count, last = event.hash, event.seq + 1, count + 1, event
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != (last.seq if last else 0) or head.last_hash != prev_hash):
        return Verdict(False, count, prev_hash, head.last_seq,
                       f"链尾应为事件 #{head.last_seq}，实际最后一条为 "
                       f"#{last.seq if last else 0}：链尾的事件已被删除或修改")
    checked = 0
    for anchor in anchors:
        problem = anchor_problem(anchor, ring)
        if problem:
            return Verdict(False, count, prev_hash, anchor.get("seq"), problem, checked)
        checked += 1
    return Verdict(True, count, prev_hash, anchors_checked=checked)


# --- anchors (锚点) --------------------------------------------------------------
# The head of the chain, exported daily and kept outside the database (printed into the
# duty log, copied to removable media). A rewrite of the whole chain by someone who also
# holds the key still changes every digest after the rewritten event, so it no longer
# matches an anchor taken before.

ANCHOR_TYPE = "zhongshu-audit-anchor"
_ANCHOR_FIELDS = ("type", "seq", "hash", "count", "at", "algorithm", "key_id")


def _anchor_mac(anchor: dict[str, Any], key: keys.ChainKey) -> str:
    body = json.dumps({k: anchor.get(k) for k in _ANCHOR_FIELDS}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key.secret, body, _hash_name(anchor["algorithm"])).hexdigest()


def anchor_make() -> dict[str, Any]:
    """The current head as an anchor, signed with the current key."""
    ring = keyring()
    head = ChainHead.objects.filter(pk=1).first()
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    seq, head_hash = (last.seq, last.hash) if last else (0, GENESIS)
    if head is not None and head.last_seq != seq:
        seq, head_hash = head.last_seq, head.last_hash
    anchor = {"type": ANCHOR_TYPE, "seq": seq, "hash": head_hash,
              "count": AuditEvent.objects.filter(seq__lte=seq).count(),
              "at": timezone.localtime().isoformat(timespec="seconds"),
              "algorithm": ALGORITHM, "key_id": ring.current}
    anchor["mac"] = _anchor_mac(anchor, ring.current_key)
    return anchor


def anchor_line(anchor: dict[str, Any]) -> str:
    return json.dumps(anchor, ensure_ascii=False, separators=(",", ":"))


def anchors_read(text: str) -> list[dict[str, Any]]:
    """Anchors from a file: one JSON object a line; other lines (notes) are skipped."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("type") == ANCHOR_TYPE:
                out.append(data)
    return out


def anchor_problem(anchor: dict[str, Any], ring: keys.Keyring) -> str | None:
    where = f"锚点（事件 #{anchor.get('seq')}，{anchor.get('at')}）"
    key = ring.keys.get(str(anchor.get("key_id")))
    if key is None or anchor.get("algorithm") not in KEYED_ALGORITHMS:
        return f"{where}：签名密钥不在密钥环中，无法确认锚点真实"
    if not hmac.compare_digest(str(anchor.get("mac", "")), _anchor_mac(anchor, key)):
        return f"{where}：锚点的签名不符，锚点本身已被改动"
    seq = anchor.get("seq")
    if seq == 0:
        return None
    event = AuditEvent.objects.filter(seq=seq).only("hash").first() if seq is not None else None
    if event is None:
        return f"{where}：链中已没有该事件，锚定之前的事件已被删除"
    if event.hash != anchor.get("hash"):
        return f"{where}：该事件的摘要与锚点不符，锚定之前的审计链已被改写"
    return None
