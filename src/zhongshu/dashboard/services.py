"""Every write of the home page: publishing, changing and withdrawing 通知公告."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhongshu.access.policy import can
from zhongshu.audit import services as audit

from .actions import DashboardAction
from .models import Announcement

if TYPE_CHECKING:
    import datetime as dt

    from zhongshu.org.models import Person


class AnnouncementEvent:
    PUBLISH = "dashboard.announcement.publish"
    UPDATE = "dashboard.announcement.update"
    WITHDRAW = "dashboard.announcement.withdraw"


def _check(actor: Person) -> None:
    if not can(actor, DashboardAction.ANNOUNCEMENT_MANAGE):
        raise PermissionDenied("只有办公室主任和秘书可以发布通知公告。")


def _clean(title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise ValidationError("请填写标题和正文。")
    return title, body


def announcement_publish(*, actor: Person, title: str, body: str, pinned: bool = False,
                         expires_on: dt.date | None = None) -> Announcement:
    _check(actor)
    title, body = _clean(title, body)
    with transaction.atomic():
        item = Announcement.objects.create(
            title=title, body=body, pinned=pinned, expires_on=expires_on, author=actor,
            unit_name=actor.unit.name if getattr(actor, "unit_id", None) else "",
            published_at=timezone.now())
        audit.record(actor=actor, action=AnnouncementEvent.PUBLISH, obj=item,
                     details={"pinned": pinned, "expires_on": expires_on.isoformat() if expires_on else None})
    return item


def announcement_update(*, actor: Person, announcement: Announcement, title: str, body: str,
                        pinned: bool = False, expires_on: dt.date | None = None) -> Announcement:
    _check(actor)
    title, body = _clean(title, body)
    with transaction.atomic():
        item = Announcement.objects.select_for_update().get(pk=announcement.pk)
        changed = audit.changes(item, {"title": title, "body": body, "pinned": pinned})
        if item.expires_on != expires_on:
            changed["expires_on"] = [d.isoformat() if d else None for d in (item.expires_on, expires_on)]
        item.title, item.body, item.pinned, item.expires_on = title, body, pinned, expires_on
        item.updated_at = timezone.now()
        item.save()
        audit.record(actor=actor, action=AnnouncementEvent.UPDATE, obj=item, details={"changes": changed})
    return item


def announcement_withdraw(*, actor: Person, announcement: Announcement) -> Announcement:
    _check(actor)
    with transaction.atomic():
        updated = Announcement.objects.filter(pk=announcement.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now())
        item = Announcement.objects.get(pk=announcement.pk)
        if updated:
            audit.record(actor=actor, action=AnnouncementEvent.WITHDRAW, obj=item)
    return item
