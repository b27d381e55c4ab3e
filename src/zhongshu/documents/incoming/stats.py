"""收文统计: for a period, by 承办单位 (handling unit), how many documents were given to
it, how many it closed (办结率) and how many ran past their deadline (超期率), over the
documents the viewer may see. Counted in the database (one grouped query).

The period is the documents' 来文时间 (``created_at``): the documents that came in
between the two dates, inclusive. A document is overdue (超期) when it was closed on a
day after its deadline, or is still open and its deadline has passed. The rates are
shares of the documents given to the unit, to one decimal place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhongshu.access.policy import visible
from zhongshu.org.models import Person

from .models import IncomingDocument, Status


@dataclass(frozen=True)
class UnitRow:
    unit: str
    total: int
    completed: int
    overdue: int

    @property
    def completion_rate(self) -> float:
        return round(100 * self.completed / self.total, 1) if self.total else 0.0

    @property
    def overdue_rate(self) -> float:
        return round(100 * self.overdue / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class IncomingStats:
    date_from: dt.date
    date_to: dt.date
    received: int  # every visible document that came in during the period
    rows: list[UnitRow]  # by handling unit, most documents first
    total: UnitRow  # the rows added up


def incoming_stats(viewer: Person, *, date_from: dt.date, date_to: dt.date,
                   today: dt.date | None = None) -> IncomingStats:
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tz)
    docs = visible(viewer, IncomingDocument.objects.all()).filter(created_at__gte=start,
                                                                  created_at__lt=end)
    received = docs.count()
    late = (Q(status=Status.COMPLETED, deadline__isnull=False)
            & Q(completed_on__gt=F("deadline"))) | (
        Q(status=Status.HANDLING, deadline__lt=today))
    grouped = (docs.filter(handling_unit__isnull=False)
               .annotate(completed_on=TruncDate("completed_at", tzinfo=tz))
               .values("handling_unit_id", "handling_unit__name")
               .annotate(total=Count("id"),
                         completed=Count("id", filter=Q(status=Status.COMPLETED)),
                         overdue=Count("id", filter=late))
               .order_by("-total", "handling_unit__name"))
    rows = [UnitRow(r["handling_unit__name"], r["total"], r["completed"], r["overdue"])
            for r in grouped]
    total = UnitRow("合计", sum(r.total for r in rows), sum(r.completed for r in rows),
                    sum(r.overdue for r in rows))
    return IncomingStats(date_from, date_to, received, rows, total)
