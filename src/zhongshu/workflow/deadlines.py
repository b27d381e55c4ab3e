"""Due dates in working days that never fail for a year whose holiday arrangement is
not entered yet: such a date is computed provisionally and marked so, and recomputed
when the year is entered (docs/workflow.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zhongshu.kernel.calendar import CalendarYearUnknown, WorkCalendar


@dataclass(frozen=True)
class Due:
    date: dt.date
    provisional: bool = False


def _weekdays_after(start: dt.date, workdays: int) -> dt.date:
    day, left = start, workdays
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def due_in(start: dt.date, workdays: int, calendar: WorkCalendar | None = None) -> Due:
    """``workdays`` working days after ``start``."""
    calendar = calendar or WorkCalendar.load()
    try:
        return Due(calendar.add_workdays(start, workdays))
    except CalendarYearUnknown:
        return Due(_weekdays_after(start, workdays), provisional=True)
