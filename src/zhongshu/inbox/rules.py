"""Object-level decisions of the inbox, called only through ``access.policy.can``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhongshu.org.models import Person



def may_view_inbox(person: Person, obj: object = None) -> bool:
    # Everyone has their own inbox; providers only ever list the person's own items.
    return True


def may_read_notification(person: Person, notification: object) -> bool:
    return bool(getattr(notification, "recipient_id", None) == person.pk)
