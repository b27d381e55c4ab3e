"""The working-day calendar of mainland China (工作日, with 调休).

The `chinesecalendar` package carries the State Council's yearly arrangements; the
office's override table corrects or extends it. A year known to neither is refused
with ``CalendarYearUnknown`` rather than guessed as Monday-to-Friday, because a
deadline computed on a guess is a deadline missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import chinese_calendar

from .models import CalendarOverride, CalendarYear


class CalendarYearUnknown(LookupError):
    """The calendar has no data for a year, so working days cannot be counted."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的节假日安排尚未录入，无法计算工作日。"
            f"请系统管理员在“工作日历”中录入{year}年的放假和调休安排。"
        )


def package_years() -> range:
    """Years the holiday package has data for."""
    return range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


def known_years() -> set[int]:
    return set(package_years()) | set(CalendarYear.objects.values_list("year", flat=True))


class WorkCalendar:
    """A snapshot of overrides and known years, so that long walks over many days cost
    two queries instead of one per day."""

    def __init__(self, overrides: dict[dt.date, bool], years: Iterable[int]) -> None:
        self._overrides = overrides
        self._years = set(years)

    @classmethod
    def load(cls) -> WorkCalendar:
        overrides = dict(CalendarOverride.objects.values_list("day", "is_workday"))
        return cls(overrides, known_years())

    def is_workday(self, day: dt.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        if day.year not in self._years:
            raise CalendarYearUnknown(day.year)
        if day.year in package_years():
            return chinese_calendar.is_workday(day)
        # A year the office declared complete: everything it did not override is an
        # ordinary week.
        return day.weekday() < 5

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (before it when n is negative).
        With n = 0, ``start`` itself if it is a working day, else the next one."""
        step = 1 if n >= 0 else -1
        day = start
        if n == 0:
            while not self.is_workday(day):
                day += dt.timedelta(days=1)
            return day
        remaining = abs(n)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when b < a.
        So ``workdays_between(a, add_workdays(a, n)) == n``."""
        if b < a:
            return -self.workdays_between(b, a)
        count = 0
        day = a
        while day < b:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


def is_workday(day: dt.date) -> bool:
    return WorkCalendar.load().is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    return WorkCalendar.load().add_workdays(start, n)


def workdays_between(a: dt.date, b: dt.date) -> int:
    return WorkCalendar.load().workdays_between(a, b)


def missing_years(today: dt.date) -> list[int]:
    """This year and next year when unknown: what an administrator must enter soon
    (the State Council usually publishes next year's arrangement in November)."""
    known = known_years()
    return [y for y in (today.year, today.year + 1) if y not in known]
