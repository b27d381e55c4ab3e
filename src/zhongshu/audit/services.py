"""Recording audit events. ``record`` is called by every service that writes, inside
the service's own transaction, so the event exists exactly when the change does.

This module imports no other app of the project: every app, the kernel included, may
call it (see docs/decisions/0302)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from . import chain, keys
from .context import current_ip
from .events import AuditLogEvent
from .models import AuditEvent, ChainHead, Outcome

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zhongshu.org.models import Person


SYSTEM_NAME = "系统"
ANONYMOUS_NAME = "未登录用户"

# Classification levels from 秘密 (2) up are "classified": reading one is an event.
CLASSIFIED_FROM = 2


def _name(person: Person | AnonymousUser | None) -> str:
    if person is None:
        return SYSTEM_NAME
    if not getattr(person, "is_authenticated", False):
        return ANONYMOUS_NAME
    return (getattr(person, "full_name", "") or person.get_username())[:50]


def level_of(obj: Any) -> int | None:
    """The classification an event about ``obj`` carries: the object's own, or for
    things that have none but are about an item (a route, a step, a task, an opinion)
    the item's (issue 11 §7: a route event names the document's title, so it carries
    the document's level and is masked like it)."""
    for _hop in range(3):
        if obj is None:
            return None
        level = getattr(obj, "classification", None)
        if level is not None:
            return int(level)
        nxt = None
        for attr in ("subject", "route", "task"):
            try:
                nxt = getattr(obj, attr, None)
            except Exception:  # noqa: BLE001 (a dangling generic relation: no level to carry)
                nxt = None
            if nxt is not None:
                break
        obj = nxt
    return None


def _lock_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # First event ever, or the tables were emptied (test flushes): start the head
        # from whatever the last stored event is. Two processes may race here; the
        # insert is idempotent and both then queue on the row lock.
        last = AuditEvent.objects.order_by("-seq").first()
        ChainHead.objects.bulk_create(
            [ChainHead(pk=1, last_seq=last.seq if last else 0,
                       last_hash=last.hash if last else chain.GENESIS)],
            ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def record(*, actor: Person | AnonymousUser | None, action: str | StrEnum,
           obj: models.Model | None = None,
           outcome: str = Outcome.SUCCESS, details: dict[str, Any] | None = None,
           on_behalf_of: Person | None = None, object_type: str = "", object_id: str | int = "",
           object_repr: str = "", classification: int | None = None,
           ip: str | None = None) -> AuditEvent:
    """Append one event. ``actor=None`` is the system itself (migrations, the demo
    loader, background jobs with no person behind them)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
        if classification is None:
            classification = level_of(obj)
    # Normalised through JSON once, so what is hashed is exactly what reads back.
    clean_details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        # On PostgreSQL the row lock serialises writers until they commit; on SQLite
        # the IMMEDIATE transaction already holds the database's write lock.
        head = _lock_head()
        # Read under the lock: a key rotation in another process takes the same lock,
        # so no event is signed with a key retired before it.
        ring = chain.keyring()
        event = AuditEvent(
            seq=head.last_seq + 1,
            occurred_at=timezone.now(),
            actor_id=actor.pk if authenticated and actor is not None else None,
            actor_name=_name(actor),
            on_behalf_of_id=on_behalf_of.pk if on_behalf_of is not None else None,
            on_behalf_of_name=_name(on_behalf_of) if on_behalf_of is not None else "",
            action=str(action)[:64],
            object_type=object_type[:100],
            object_id=str(object_id)[:64],
            object_repr=object_repr[:200],
            classification=int(classification) if classification is not None else None,
            ip_address=ip if ip is not None else current_ip.get(),
            outcome=str(outcome),
            details=clean_details,
            algorithm=chain.ALGORITHM,
            key_id=ring.current if chain.ALGORITHM in chain.KEYED_ALGORITHMS else "",
            prev_hash=head.last_hash,
        )
        event.hash = chain.digest(event, ring)
        event.save(force_insert=True)
        ChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
        if event.key_id and ring.current_key.first_seq is None:
            keys.mark_first_use(chain.keyring_path(), ring, event.seq)
    return event


def chain_key_rotate(*, reason: str) -> tuple[str, str]:
    """Retire the chain's current key and sign from now on with a fresh one, from the
    server's console (``zhongshu audit rotate-key``). The rotation is itself the last
    event signed with the old key; the old key stays in the keyring, so every older
    event keeps verifying. Returns the old and the new key's ids."""
    if not reason.strip():
        raise ValueError("请写明轮换原因。")
    with transaction.atomic():
        _lock_head()
        old = chain.keyring().current
        new = keys.new_key()
        event = record(actor=None, action=AuditLogEvent.AUDIT_KEY_ROTATE, details={
            "old_key_id": old, "new_key_id": new.id, "reason": reason.strip()[:200]})
        keys.save(chain.keyring_path(), keys.rotated(chain.keyring(), new, last_seq=event.seq))
    return old, new.id


def record_access(*, actor: Person | None, obj: models.Model, download: bool = False,
                  on_behalf_of: Person | None = None, details: dict[str, Any] | None = None) -> AuditEvent | None:
    """For later apps: call when a person opens or downloads an object. Only classified
    objects (秘密 and above) are recorded; reading ordinary items is not an event."""
    level = getattr(obj, "classification", None)
    if level is None or int(level) < CLASSIFIED_FROM:
        return None
    return record(actor=actor,
                  action=AuditLogEvent.OBJECT_DOWNLOAD if download else AuditLogEvent.OBJECT_VIEW,
                  obj=obj, on_behalf_of=on_behalf_of, details=details)


def changes(instance: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs, for event details.
    Model instances are stored by primary key and name."""
    out: dict[str, list[Any]] = {}
    for key, new in fields.items():
        old = getattr(instance, key, None)
        if old != new:
            out[key] = [_plain(old), _plain(new)]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": str(value)}
    return value
