"""Writes to the office's calendar corrections."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhongshu.access.policy import Action, can
from zhongshu.audit import services as audit
from zhongshu.audit.events import Event

from .models import CalendarOverride, CalendarYear


def _check(actor) -> None:
    # The calendar is data the kernel owns but the office edits; who may edit it is
    # the policy's decision (docs/decisions/0002).
    if not can(actor, Action.CALENDAR_MANAGE):
        raise PermissionDenied


@transaction.atomic
def calendar_override_set(*, actor, day: dt.date, is_workday: bool, note: str = "") -> CalendarOverride:
    _check(actor)
    override, _ = CalendarOverride.objects.update_or_create(
        day=day, defaults={"is_workday": is_workday, "note": note})
    audit.record(actor=actor, action=Event.CALENDAR_OVERRIDE_SET, obj=override,
                 details={"day": day.isoformat(), "is_workday": is_workday, "note": note})
    return override


@transaction.atomic
def calendar_override_remove(*, actor, day: dt.date) -> None:
    _check(actor)
    deleted, _ = CalendarOverride.objects.filter(day=day).delete()
    if deleted:
        audit.record(actor=actor, action=Event.CALENDAR_OVERRIDE_REMOVE,
                     object_type="kernel.calendaroverride", object_repr=day.isoformat(),
                     details={"day": day.isoformat()})


@transaction.atomic
def calendar_year_declare(*, actor, year: int, source: str = "") -> CalendarYear:
    _check(actor)
    entry, created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source})
    if created:
        audit.record(actor=actor, action=Event.CALENDAR_YEAR_DECLARE, obj=entry,
                     details={"year": year, "source": source})
    return entry
