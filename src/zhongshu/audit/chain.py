"""The hash chain: how an event's digest is computed, and the walk that checks it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from .models import AuditEvent, ChainHead

GENESIS = "0" * 64


def _available(name: str) -> bool:
    try:
        hashlib.new(name)
    except ValueError:
        return False
    return True


# SM3 (GB/T 32905) is what government systems are expected to use; OpenSSL 1.1.1+ and
# 3.x carry it. SHA-256 only where the local OpenSSL lacks it; each event names its own
# algorithm, so a chain may span a change of machine.
ALGORITHM = "sm3" if _available("sm3") else "sha256"
KNOWN_ALGORITHMS = {"sm3", "sha256"}


def material(event: AuditEvent) -> bytes:
    """The bytes an event's digest covers: every stored field except the digest itself,
    including its position and the previous digest, in a canonical form that reads back
    identically from SQLite and PostgreSQL."""
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
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(event: AuditEvent) -> str:
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


def verify(*, chunk_size: int = 2000) -> Verdict:
    """Walk every event in chain order. The first event whose digest does not match its
    content, or whose link does not match the event before it, is reported."""
    prev_hash, expected_seq, count, last = GENESIS, 1, 0, None
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.algorithm not in KNOWN_ALGORITHMS or not _available(event.algorithm):
            return Verdict(False, count, prev_hash, event.seq,
                           f"{describe(event)}：摘要算法“{event.algorithm}”未知或本机不可用")
        if digest(event) != event.hash:
            return Verdict(False, count, prev_hash, event.seq,
                           f"{describe(event)}：内容与摘要不符，该事件已被修改")
        if event.seq != expected_seq or event.prev_hash != prev_hash:
            return Verdict(False, count, prev_hash, event.seq,
                           f"{describe(event)}：与前一事件（应为 #{expected_seq - 1}）链接不符，"
                           f"其前面的事件已被删除、替换或顺序被改变")
        prev_hash, expected_seq, count, last = event.hash, event.seq + 1, count + 1, event
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != (last.seq if last else 0) or head.last_hash != prev_hash):
        return Verdict(False, count, prev_hash, head.last_seq,
                       f"链尾应为事件 #{head.last_seq}，实际最后一条为 "
                       f"#{last.seq if last else 0}：链尾的事件已被删除或修改")
    return Verdict(True, count, prev_hash)
