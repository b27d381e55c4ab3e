"""Writes to the office's calendar corrections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhongshu.access.policy import Action, can
from zhongshu.audit import services as audit

from .calendar import is_known_year
from .calendar_import import Arrangement
from .calendar_tasks import schedule_recompute
from .events import KernelEvent
from .models import CalendarOverride, CalendarRecompute, CalendarYear

if TYPE_CHECKING:  # the kernel sits below org; only the type is named here
    from zhongshu.org.models import Person


def _check(actor: Person) -> None:
    # The calendar is data the kernel owns but the office edits; who may edit it is
    # the policy's decision (docs/decisions/0002).
    if not can(actor, Action.CALENDAR_MANAGE):
        raise PermissionDenied


@transaction.atomic
def calendar_override_set(*, actor: Person, day: dt.date, is_workday: bool, note: str = "") -> CalendarOverride:
    _check(actor)
    override, _ = CalendarOverride.objects.update_or_create(
        day=day, defaults={"is_workday": is_workday, "note": note})
    audit.record(actor=actor, action=KernelEvent.CALENDAR_OVERRIDE_SET, obj=override,
                 details={"day": day.isoformat(), "is_workday": is_workday, "note": note})
    return override


@transaction.atomic
def calendar_override_remove(*, actor: Person, day: dt.date) -> None:
    _check(actor)
    deleted, _ = CalendarOverride.objects.filter(day=day).delete()
    if deleted:
        audit.record(actor=actor, action=KernelEvent.CALENDAR_OVERRIDE_REMOVE,
                     object_type="kernel.calendaroverride", object_repr=day.isoformat(),
                     details={"day": day.isoformat()})


@transaction.atomic
def calendar_year_declare(*, actor: Person, year: int, source: str = "") -> CalendarYear:
    """The office says its overrides for ``year`` are complete. When the year becomes
    known by this, what was computed provisionally for it is recomputed in the background."""
    _check(actor)
    entry, created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source})
    if created:
        audit.record(actor=actor, action=KernelEvent.CALENDAR_YEAR_DECLARE, obj=entry,
                     details={"year": year, "source": source})
        schedule_recompute(year, requested_by=actor)
    return entry


@dataclass(frozen=True)
class ImportResult:
    year: int
    added: int
    changed: int
    unchanged: int
    removed: int
    newly_known: bool


@transaction.atomic
def calendar_year_import(*, actor: Person, arrangement: Arrangement, source: str = "",
                         replace: bool = False) -> ImportResult:
    """Apply a checked arrangement (``calendar_import.parse_arrangement``) for its year in
    one transaction: set every day it lists, remove the year's other overrides when
    ``replace``, declare the year complete, and recompute in the background what was
    computed provisionally for it."""
    _check(actor)
    if arrangement.errors or not arrangement.days:
        raise ValidationError("安排有错误，未导入。")
    year = arrangement.year
    current = {o.day: o for o in CalendarOverride.objects.select_for_update().filter(
        day__in=list(arrangement.days))}
    added = changed = unchanged = 0
    for entry in arrangement.entries():
        old = current.get(entry.day)
        if old is None:
            CalendarOverride.objects.create(day=entry.day, is_workday=entry.is_workday, note=entry.note)
            added += 1
        elif old.is_workday != entry.is_workday or old.note != entry.note:
            old.is_workday, old.note = entry.is_workday, entry.note
            old.save(update_fields=["is_workday", "note", "updated_at"])
            changed += 1
        else:
            unchanged += 1
    removed_days: list[str] = []
    if replace:
        others = CalendarOverride.objects.filter(day__year=year).exclude(day__in=list(arrangement.days))
        removed_days = [d.isoformat() for d in others.values_list("day", flat=True)]
        others.delete()
    year_entry, newly_known = CalendarYear.objects.get_or_create(year=year, defaults={"source": source})
    if not newly_known and source and year_entry.source != source:
        year_entry.source = source
        year_entry.save(update_fields=["source"])
    audit.record(actor=actor, action=KernelEvent.CALENDAR_YEAR_IMPORT, obj=year_entry, details={
        "year": year, "source": source, "replace": replace,
        "days": [[e.day.isoformat(), e.is_workday, e.note] for e in arrangement.entries()],
        "added": added, "changed": changed, "removed": removed_days,
    })
    # Also when the year was known already: a corrected arrangement changes deadlines,
    # and the hooks are idempotent.
    schedule_recompute(year, requested_by=actor)
    return ImportResult(year=year, added=added, changed=changed, unchanged=unchanged,
                        removed=len(removed_days), newly_known=newly_known)


@transaction.atomic
def calendar_recompute_request(*, actor: Person, year: int) -> CalendarRecompute:
    """Run the recompute hooks for a known year again (after a failed run, or after the
    holiday package was upgraded with a new year)."""
    _check(actor)
    if not is_known_year(year):
        raise ValidationError(f"{year}年的节假日安排尚未录入，无法重算期限。")
    job = schedule_recompute(year, requested_by=actor)
    audit.record(actor=actor, action=KernelEvent.CALENDAR_RECOMPUTE, obj=job, details={"year": year})
    return job
