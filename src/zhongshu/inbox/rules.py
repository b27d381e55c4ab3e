"""Object-level decisions of the inbox, called only through ``access.policy.can``."""

from __future__ import annotations

from typing import Any


def may_view_inbox(person: Any, obj: Any = None) -> bool:
    # Everyone has their own inbox; providers only ever list the person's own items.
    return True


def may_read_notification(person: Any, notification: Any) -> bool:
    return getattr(notification, "recipient_id", None) == person.pk
