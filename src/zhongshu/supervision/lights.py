"""督办灯: the one rule that colours a supervised task.

- red: overdue (today is after the due date);
- yellow: at most ``warn_days`` working days remain, or a progress report is late;
- green: otherwise.

Working days left are counted as ``zhongshu calendar between TODAY DUE``: the working
days after today up to and including the due date. Because that count only grows with
the due date, "at most N left" is the same as "due before the (N+1)-th working day after
today". ``LightRule`` computes those two boundary dates once from the calendar; its
``of()`` answers for one task (the CLI, a task's change) and its ``expression()`` is the
same comparison as SQL (the daily recomputation of every task in one UPDATE), so the
worker and the CLI can never disagree.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import Expression

from zhongshu.kernel.calendar import WorkCalendar

from .models import Light

DEFAULT_WARN_DAYS = 3


def warn_days() -> int:
    """The office's yellow threshold (``ZHONGSHU_SUPERVISION_WARN_DAYS``, default 3)."""
    value = getattr(settings, "SUPERVISION_WARN_DAYS", None) or os.environ.get(
        "ZHONGSHU_SUPERVISION_WARN_DAYS", "")
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return DEFAULT_WARN_DAYS


@dataclass(frozen=True)
class LightRule:
    today: dt.date
    warn_days: int
    # The first due date that is NOT yellow any more: the (N+1)-th working day after today.
    green_from: dt.date
    provisional: bool = False

    @classmethod
    def for_day(cls, today: dt.date, warn: int | None = None,
                calendar: WorkCalendar | None = None) -> LightRule:
        warn = warn_days() if warn is None else warn
        if warn < 0:
            raise ValueError("warn_days must be at least 0")
        found = (calendar or WorkCalendar.load()).due_date(today, warn + 1)
        return cls(today=today, warn_days=warn, green_from=found.date, provisional=found.provisional)

    def of(self, due: dt.date | None, next_report_due: dt.date | None = None) -> str:
        """The light of an open task due on ``due`` whose next report is due on
        ``next_report_due``."""
        if due is not None and due < self.today:
            return Light.RED
        if (due is not None and due < self.green_from) or (
                next_report_due is not None and next_report_due < self.today):
            return Light.YELLOW
        return Light.GREEN

    def expression(self, due: str = "due_date", report: str = "next_report_due") -> Expression:
        """``of()`` as SQL over the named date columns."""
        return Case(
            When(Q(**{f"{due}__lt": self.today}), then=Value(Light.RED.value)),
            When(Q(**{f"{due}__lt": self.green_from}) | Q(**{f"{report}__lt": self.today}),
                 then=Value(Light.YELLOW.value)),
            default=Value(Light.GREEN.value))


def light(due: dt.date, today: dt.date, warn: int | None = None, *,
          next_report_due: dt.date | None = None, calendar: WorkCalendar | None = None) -> str:
    """The light of a task due on ``due``, seen on ``today`` (the CLI's answer)."""
    return LightRule.for_day(today, warn, calendar).of(due, next_report_due)
