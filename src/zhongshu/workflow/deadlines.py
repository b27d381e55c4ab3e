"""Due dates in working days that never fail for a year whose holiday arrangement is
not entered yet: such a date is computed provisionally by the kernel calendar and marked
so (``provisional``), and recomputed when the year is entered (``recompute_year``,
registered with ``kernel.calendar.on_year_known``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zhongshu.kernel.calendar import WorkCalendar


@dataclass(frozen=True)
class Due:
    date: dt.date
    provisional: bool = False


def due_in(start: dt.date, workdays: int, calendar: WorkCalendar | None = None) -> Due:
    """``workdays`` working days after ``start``; provisional across an unknown year."""
    found = (calendar or WorkCalendar.load()).due_date(start, workdays)
    return Due(found.date, found.provisional)


def recompute_year(year: int) -> int:
    """The kernel's hook: a year's arrangement was entered; due dates counted
    provisionally over it are counted again (tasks with a record on their timeline)."""
    from .tasking import recompute_provisional

    return recompute_provisional(years={year})
