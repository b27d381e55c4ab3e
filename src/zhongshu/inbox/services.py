"""Writes of the inbox: reminders (催办) and marking notifications read."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhongshu.access.policy import can
from zhongshu.audit.services import record
from zhongshu.inbox.actions import InboxAction
from zhongshu.kernel.calendar import CalendarYearUnknown, WorkCalendar
from zhongshu.kernel.notify import Notice

from . import registry
from .events import InboxEvent
from .models import Notification, NotificationKind
from .registry import InboxItem

if TYPE_CHECKING:
    from zhongshu.org.models import Person


log = logging.getLogger(__name__)


def _audit(*, actor: Person | None, action: InboxEvent, obj: Notification | None, **details: Any) -> None:
    """Record an audit event in the caller's transaction."""
    record(actor=actor, action=action, obj=obj, details=details)


@dataclass
class ReminderRun:
    considered: int = 0
    sent: int = 0
    emailed: int = 0
    skipped: int = 0


def _kind(item: InboxItem, today: dt.date) -> str:
    assert item.deadline is not None  # reminders skip items without a deadline
    if item.deadline < today:
        return NotificationKind.OVERDUE
    if item.deadline == today:
        return NotificationKind.DUE_TODAY
    return NotificationKind.DUE_SOON


def _text(item: InboxItem, kind: str, today: dt.date) -> tuple[str, str]:
    assert item.deadline is not None  # reminders skip items without a deadline
    deadline = f"{item.deadline.year}年{item.deadline.month}月{item.deadline.day}日"
    if kind == NotificationKind.OVERDUE:
        days = (today - item.deadline).days
        return f"【超期催办】{item.title}", f"“{item.title}”的办理期限为{deadline}，已超期{days}天，请尽快办理。"
    if kind == NotificationKind.DUE_TODAY:
        return f"【今日到期】{item.title}", f"“{item.title}”今天（{deadline}）到期，请及时办理。"
    return f"【即将到期】{item.title}", f"“{item.title}”将于{deadline}到期，请及时办理。"


def _insert_once(person: Person, item: InboxItem, kind: str, today: dt.date) -> Notification | None:
    """Insert the reminder, or skip when another worker already did today. The unique
    constraint decides; on PostgreSQL a concurrent second insert waits for the first
    to commit and then fails, on SQLite writers are serialised."""
    title, body = _text(item, kind, today)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=person, kind=kind, item_key=item.key, day=today,
                title=title[:200], body=body, url=item.url[:300])
            # The system sends reminders; there is no acting person.
            _audit(actor=None, action=InboxEvent.REMINDER_SEND, obj=notification)
            return notification
    except IntegrityError:
        return None


def notice_send(notice: Notice) -> bool:
    """The inbox's sender for ``kernel.notify``: an in-app notification (once per person,
    key, day and kind, whoever sends it and however many workers run), audited, and an
    e-mail when the person has an address."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=notice.recipient, kind=notice.kind, item_key=notice.key[:100],
                day=notice.day, title=notice.title[:200], body=notice.body, url=notice.url[:300])
            _audit(actor=None, action=InboxEvent.REMINDER_SEND, obj=notification)
    except IntegrityError:
        return False
    if getattr(notice.recipient, "email", ""):
        _email(notification, notice.recipient.email)
    return True


def reminders_send(*, today: dt.date | None = None, days_before: int | None = None) -> ReminderRun:
    """Remind everyone of open items due within ``days_before`` working days, due today,
    or overdue: an in-app notification, and an e-mail when the person has an address.
    Idempotent per day: running it again, or in several workers at once, sends nothing
    twice."""
    today = today or timezone.localdate()
    if days_before is None:
        days_before = settings.ZHONGSHU_REMINDER_DAYS_BEFORE
    try:
        horizon = WorkCalendar.load().add_workdays(today, days_before) if days_before else today
    except CalendarYearUnknown:
        # Better to remind of what is due today and late than of nothing at all.
        log.warning("reminders: working-day calendar incomplete; only due and overdue items")
        horizon = today
    run = ReminderRun()
    # What today's earlier runs already sent is skipped without a write; the unique
    # constraint still decides between runs that overlap.
    already = set(Notification.objects.filter(day=today).values_list("recipient_id", "item_key", "kind"))
    for provider in registry.providers():
        for person, item in provider.due_items(until=horizon):
            if item.deadline is None or not person.is_active:
                continue
            run.considered += 1
            kind = _kind(item, today)
            if (person.pk, item.key, kind) in already:
                run.skipped += 1
                continue
            notification = _insert_once(person, item, kind, today)
            if notification is None:
                run.skipped += 1
                continue
            run.sent += 1
            if person.email and _email(notification, person.email):
                run.emailed += 1
    # Providers that chase by their own rules (the task model's reminders as data).
    for provider in registry.providers():
        chase = getattr(provider, "chase", None)
        if callable(chase):
            run.sent += int(chase(today))
    return run


def _email(notification: Notification, address: str) -> bool:
    try:
        send_mail(notification.title, f"{notification.body}\n\n{notification.url}",
                  settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:  # a mail server down must not stop the other reminders
        log.exception("reminder e-mail to %s failed", address)
        return False
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@transaction.atomic
def notification_mark_read(*, actor: Person, notification: Notification) -> None:
    if not can(actor, InboxAction.NOTIFICATION_READ, notification):
        raise PermissionDenied
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    _audit(actor=actor, action=InboxEvent.NOTIFICATION_READ, obj=notification)


@transaction.atomic
def notifications_mark_all_read(*, actor: Person) -> int:
    if not can(actor, InboxAction.VIEW):
        raise PermissionDenied
    count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now())
    _audit(actor=actor, action=InboxEvent.NOTIFICATION_READ_ALL, obj=None, count=count)
    return count
