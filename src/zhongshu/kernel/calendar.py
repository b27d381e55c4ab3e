"""The working-day calendar of mainland China (工作日, with 调休).

The `chinesecalendar` package carries the State Council's yearly arrangements; the
office's override table corrects or extends it, and the office declares (or imports) a
year the package does not know yet.

A year known to neither is answered in two ways:

- the strict functions (``is_workday``, ``add_workdays``, ``workdays_between``) refuse
  it with ``CalendarYearUnknown``: for the CLI and any code that must not guess;
- the provisional ones (``day_status``, ``due_date``, ``workday_count``) never raise: they
  count Monday to Friday minus the statutory holidays the `holidays` package computes
  for that year (with the 补假 the law gives when a holiday falls on a weekend), and say
  so (``provisional``, ``years``, ``note``). They cannot know the 调休 working Saturdays
  and Sundays, which only the State Council's notice fixes.

A deadline stored from a provisional answer is recomputed when its year becomes known:
apps register a hook with ``on_year_known`` (from their ``AppConfig.ready``), and the
kernel runs every hook in the background when a year is declared or imported. The
kernel imports no app.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import chinese_calendar
import holidays

from .models import CalendarOverride, CalendarYear

logger = logging.getLogger(__name__)

# From this day of the year on, next year's arrangement is due: the State Council
# usually publishes it in late October or November, and an administrator is warned.
WARN_FROM = (11, 1)


class CalendarYearUnknown(LookupError):
    """The calendar has no data for a year, so working days cannot be counted."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年的节假日安排尚未录入，无法计算工作日。"
            f"请系统管理员在“工作日历”中录入{year}年的放假和调休安排。"
        )


def provisional_note(years: Iterable[int]) -> str:
    """The one sentence shown wherever an answer is provisional, e.g.
    "2027年节假日安排未录入，暂按周一至周五及法定节假日计算（未含调休上班日），录入后自动重算"."""
    listed = "、".join(str(y) for y in sorted(set(years)))
    if not listed:
        return ""
    return (f"{listed}年节假日安排未录入，暂按周一至周五及法定节假日计算"
            f"（未含调休上班日），录入后自动重算")


class _Provisional:
    """What every provisional answer says about itself."""

    provisional: bool
    # The unknown years the answer was guessed for (empty when it is exact).
    years: frozenset[int]

    @property
    def note(self) -> str:
        """The provisional note in Chinese, or "" when the answer is exact."""
        return provisional_note(self.years) if self.provisional else ""


@dataclass(frozen=True)
class Due(_Provisional):
    """A deadline: the date, and whether it was computed provisionally."""

    date: dt.date
    provisional: bool
    years: frozenset[int]


@dataclass(frozen=True)
class WorkdayCount(_Provisional):
    """Working days after one date up to another (as ``workdays_between``)."""

    days: int
    provisional: bool
    years: frozenset[int]


@dataclass(frozen=True)
class DayStatus(_Provisional):
    """Whether one day is a working day."""

    is_workday: bool
    provisional: bool
    years: frozenset[int]


@cache
def package_years() -> range:
    """Years the holiday package has the State Council's arrangement for."""
    return range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


@cache
def package_days() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The package's rest days that fall on weekdays and working days that fall on weekends
    (调休), as ``chinese_calendar.is_workday`` decides with them. Read once: its
    ``is_workday`` checks the date's range against every entry first (40 µs a day), and
    counting the working days a document has waited walks every day since."""
    return frozenset(chinese_calendar.holidays), frozenset(chinese_calendar.workdays)


@cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of ``year`` as the `holidays` package computes them
    (元旦, 春节 from 除夕, 清明, 劳动节, 端午, 中秋, 国庆, and 补假 on the next weekday when
    one falls on a weekend), by date, with their Chinese names. It has no 调休 working
    weekend days for a year the State Council has not announced."""
    return dict(holidays.China(years=year, language="zh_CN").items())


def known_years() -> set[int]:
    return set(package_years()) | set(CalendarYear.objects.values_list("year", flat=True))


def is_known_year(year: int) -> bool:
    return year in package_years() or CalendarYear.objects.filter(year=year).exists()


class WorkCalendar:
    """A snapshot of overrides and known years, so that long walks over many days cost
    two queries instead of one per day."""

    def __init__(self, overrides: dict[dt.date, bool], years: Iterable[int]) -> None:
        self._overrides = overrides
        self._years = set(years)
        self._package = package_years()

    @classmethod
    def load(cls) -> WorkCalendar:
        overrides = dict(CalendarOverride.objects.values_list("day", "is_workday"))
        return cls(overrides, known_years())

    def is_known(self, year: int) -> bool:
        return year in self._years

    def _is_workday(self, day: dt.date, guessed: set[int] | None) -> bool:
        """Strict when ``guessed`` is None; otherwise a day of an unknown year is
        answered provisionally and its year added to ``guessed``."""
        if day in self._overrides:
            return self._overrides[day]
        if day.year in self._years:
            if day.year in self._package:
                rest, work = package_days()  # chinese_calendar.is_workday's own rule
                return day in work or (day.weekday() < 5 and day not in rest)
            # A year the office declared complete: everything it did not override is an
            # ordinary week.
            return day.weekday() < 5
        if guessed is None:
            raise CalendarYearUnknown(day.year)
        guessed.add(day.year)
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def _add(self, start: dt.date, n: int, guessed: set[int] | None) -> dt.date:
        step = 1 if n >= 0 else -1
        day = start
        if n == 0:
            while not self._is_workday(day, guessed):
                day += dt.timedelta(days=1)
            return day
        remaining = abs(n)
        while remaining:
            day += dt.timedelta(days=step)
            if self._is_workday(day, guessed):
                remaining -= 1
        return day

    def _between(self, a: dt.date, b: dt.date, guessed: set[int] | None) -> int:
        if b < a:
            return -self._between(b, a, guessed)
        count = 0
        day = a
        while day < b:
            day += dt.timedelta(days=1)
            if self._is_workday(day, guessed):
                count += 1
        return count

    # --- strict: raise CalendarYearUnknown for a year without data -----------------

    def is_workday(self, day: dt.date) -> bool:
        return self._is_workday(day, None)

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (before it when n is negative).
        With n = 0, ``start`` itself if it is a working day, else the next one."""
        return self._add(start, n, None)

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when b < a.
        So ``workdays_between(a, add_workdays(a, n)) == n``."""
        return self._between(a, b, None)

    # --- provisional: never raise; say when a year was guessed ----------------------

    def day_status(self, day: dt.date) -> DayStatus:
        guessed: set[int] = set()
        answer = self._is_workday(day, guessed)
        return DayStatus(is_workday=answer, provisional=bool(guessed), years=frozenset(guessed))

    def due_date(self, start: dt.date, workdays: int) -> Due:
        """``add_workdays`` that never raises."""
        guessed: set[int] = set()
        day = self._add(start, workdays, guessed)
        return Due(date=day, provisional=bool(guessed), years=frozenset(guessed))

    def workday_count(self, a: dt.date, b: dt.date) -> WorkdayCount:
        """``workdays_between`` that never raises."""
        guessed: set[int] = set()
        days = self._between(a, b, guessed)
        return WorkdayCount(days=days, provisional=bool(guessed), years=frozenset(guessed))


def is_workday(day: dt.date) -> bool:
    return WorkCalendar.load().is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    return WorkCalendar.load().add_workdays(start, n)


def workdays_between(a: dt.date, b: dt.date) -> int:
    return WorkCalendar.load().workdays_between(a, b)


def day_status(day: dt.date) -> DayStatus:
    return WorkCalendar.load().day_status(day)


def due_date(start: dt.date, workdays: int) -> Due:
    return WorkCalendar.load().due_date(start, workdays)


def workday_count(a: dt.date, b: dt.date) -> WorkdayCount:
    return WorkCalendar.load().workday_count(a, b)


def missing_years(today: dt.date) -> list[int]:
    """The years an administrator must be told to enter: this year when unknown, and
    from 1 November next year when unknown (the State Council usually publishes next
    year's arrangement in November)."""
    known = known_years()
    due = [today.year]
    if (today.month, today.day) >= WARN_FROM:
        due.append(today.year + 1)
    return [y for y in due if y not in known]


# --- recompute hooks: what apps do when a year becomes known ---------------------------

# Called with the year whose arrangement was just declared or imported. A hook recomputes
# what its app stored provisionally for that year, is idempotent (it may run again, for
# the same year, at any time), and returns how many items it changed (or None).
YearKnownHook = Callable[[int], int | None]

_hooks: dict[str, YearKnownHook] = {}


def on_year_known(hook: YearKnownHook, *, key: str | None = None) -> YearKnownHook:
    """Register ``hook`` to run (in the background) whenever a year's arrangement is
    declared or imported. Call it from ``AppConfig.ready``; registering the same key
    again replaces the hook, so a repeated ``ready`` does no harm. Usable as a decorator."""
    _hooks[key or f"{hook.__module__}.{hook.__qualname__}"] = hook
    return hook


def year_known_hooks() -> dict[str, YearKnownHook]:
    """The registered hooks by key, in registration order."""
    return dict(_hooks)
