"""The inbox's actions and their decisions (registered from ``apps.ready``)."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy


class InboxAction(StrEnum):
    VIEW = "inbox.view"
    NOTIFICATION_READ = "inbox.notification.read"


def policy() -> AppPolicy:
    from . import rules

    return AppPolicy(app="inbox", actions=InboxAction,
                     rules={InboxAction.VIEW: rules.may_view_inbox,
                            InboxAction.NOTIFICATION_READ: rules.may_read_notification})
