"""Sending an in-app notification without depending on the app that keeps them.

Apps below the inbox (workflow's reminders, documents' 催收) must notify people, but the
inbox sits above them in the dependency order (ARCHITECTURE §4). The inbox registers
its sender here from its ``ready``; everyone else calls ``send``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhongshu.org.models import Person


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One message to one person. ``key`` names the item ("workflow.task:42"): a notice
    is sent at most once per person, key, day and kind, whoever sends it."""

    recipient: Person
    kind: str  # inbox.NotificationKind value
    key: str
    day: dt.date
    title: str
    body: str = ""
    url: str = ""


Sender = Callable[[Notice], bool]
_sender: Sender | None = None


def register_sender(sender: Sender) -> None:
    global _sender
    _sender = sender


def send(notice: Notice) -> bool:
    """Deliver ``notice``; True when it was new (not already sent today)."""
    if _sender is None:
        log.warning("no notification sender registered; dropped %s", notice.key)
        return False
    return _sender(notice)
