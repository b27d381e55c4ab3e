"""Names of the inbox's audit events. Permanent once shipped: the auditor searches by
them and old events keep the name they were recorded with."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.audit.events import register


@register
class InboxEvent(StrEnum):
    REMINDER_SEND = "inbox.reminder.send"
    NOTIFICATION_READ = "inbox.notification.read"
    NOTIFICATION_READ_ALL = "inbox.notification.read_all"
