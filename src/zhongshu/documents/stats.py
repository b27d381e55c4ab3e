"""Statistics of 办文 over what the viewer may see: time per stage and per unit and
documents per type per month (发文), and the ten slowest open items (发文 and 收文).

Everything is computed in the database — averages and counts are SQL aggregates, and
the slowest items are read oldest first with ORDER BY … LIMIT — so the page costs the
same at a thousand documents and at a million."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from zhongshu.documents.incoming import selectors as incoming
from zhongshu.kernel.calendar import CalendarYearUnknown, WorkCalendar
from zhongshu.kernel.queries import Probe
from zhongshu.workflow.models import Step, StepStatus

from .models import OutgoingDocument
from .selectors import documents_visible

SLOWEST = 10


def _hours(td: dt.timedelta | None) -> float:
    return round(td.total_seconds() / 3600, 1) if td is not None else 0.0


@dataclass
class SlowItem:
    """An open document and how long its current stage has been waiting."""

    kind: str  # 发文 / 收文
    title: str
    url: str
    stage: str
    waiting_for: list[str]
    since: dt.datetime
    deadline: dt.date | None
    workdays: int | None = None  # working days waited, by the kernel calendar
    overdue: int | None = None  # working days past the deadline; None without one

    @property
    def waiting_for_text(self) -> str:
        names = self.waiting_for
        return "、".join(names) if len(names) <= 3 else f"{'、'.join(names[:3])}等{len(names)}人"


def _oldest_outgoing(docs, limit: int) -> list[SlowItem]:
    """Open 发文 (routing) by how long their open stage has waited.

    Reads pending steps oldest first through the (status, activated_at) index with
    ORDER BY … LIMIT rather than ranking every document: pending steps are a few
    thousand among millions, and the walk stops once ``limit`` documents are found.
    A document's wait is its oldest pending step (all pending steps belong to the one
    open stage; a sequential stage's clock restarts with each person)."""
    ct = ContentType.objects.get_for_model(OutgoingDocument)
    # Visibility is probed per pending step, not as ``IN (visible set)`` (built in full).
    steps = (Step.objects.filter(Probe(docs.filter(pk=OuterRef("route__object_id"))),
                                 status=StepStatus.PENDING, activated_at__isnull=False,
                                 route__content_type=ct)
             .only("id", "route_id", "stage_name", "activated_at").order_by("activated_at", "id"))
    first = incoming.first_per_key(steps, "route_id", limit)
    if not first:
        return []
    holders: dict[int, list[str]] = {}
    deadlines: dict[int, dt.date] = {}
    doc_of: dict[int, int] = {}
    for route_id, doc_id, name, due in (
            Step.objects.filter(route_id__in=[s.route_id for s in first], status=StepStatus.PENDING)
            .order_by("route_id", "order", "id")
            .values_list("route_id", "route__object_id", "assignee__full_name", "due_date")):
        doc_of[route_id] = doc_id
        holders.setdefault(route_id, []).append(name)
        if due and (route_id not in deadlines or due < deadlines[route_id]):
            deadlines[route_id] = due
    titles = dict(OutgoingDocument.objects.filter(pk__in=doc_of.values()).values_list("pk", "title"))
    return [SlowItem("发文", titles.get(doc_of[s.route_id], ""),
                     reverse("documents:detail", args=[doc_of[s.route_id]]), s.stage_name,
                     holders[s.route_id], s.activated_at, deadlines.get(s.route_id))
            for s in first if s.route_id in doc_of]


def _oldest_incoming(viewer: Any, year: int | None, limit: int) -> list[SlowItem]:
    return [SlowItem("收文", w.incoming.title, reverse("incoming:detail", args=[w.incoming.pk]),
                     w.stage, w.holders, w.since, w.deadline)
            for w in incoming.oldest_open(viewer, year=year, limit=limit)]


def slowest_open(viewer: Any, *, year: int | None = None, now: dt.datetime | None = None,
                 limit: int = SLOWEST) -> list[SlowItem]:
    """The ``limit`` open documents, 发文 and 收文 together, whose current stage has
    waited longest, with the working days waited and past the deadline. Ranking by the
    moment the wait began is ranking by working days waited (ties: the earlier first)."""
    docs = documents_visible(viewer)
    if year:
        docs = docs.filter(created_at__year=year)
    items = sorted(_oldest_outgoing(docs, limit) + _oldest_incoming(viewer, year, limit),
                   key=lambda i: i.since)[:limit]
    today = timezone.localdate(now or timezone.now())
    calendar = WorkCalendar.load()
    for item in items:
        try:
            item.workdays = max(0, calendar.workdays_between(timezone.localdate(item.since), today))
            if item.deadline is not None:
                item.overdue = max(0, calendar.workdays_between(item.deadline, today))
        except CalendarYearUnknown:
            pass  # shown as “—”: a count on a guessed calendar would mislead
    return items


# The averages read every step of every visible document: at a million documents that is
# seconds (docs/benchmarks/documents.md). Statistics need not be live to the second, so a
# viewer's aggregates are kept this long; the slowest open items are always read afresh.
AGGREGATES_SECONDS = 600


def _key(viewer: Any, year: int | None) -> str:
    return f"documents.stats:{viewer.pk}:{year or 'all'}"


def aggregates_kept(viewer: Any, year: int | None) -> dict | None:
    """The viewer's averages and counts if computed in the last ten minutes, else None
    (the page then asks for them in a second request, showing that it is counting)."""
    return cache.get(_key(viewer, year))


def aggregates(viewer: Any, year: int | None) -> dict:
    """Averages per stage and per unit, documents per type per month and the total,
    computed now or within the last ten minutes."""
    data = aggregates_kept(viewer, year)
    if data is None:
        data = {**_aggregates(viewer, year), "computed_at": timezone.now()}
        cache.set(_key(viewer, year), data, AGGREGATES_SECONDS)
    return data


def _aggregates(viewer: Any, year: int | None) -> dict:
    docs = documents_visible(viewer)
    if year:
        docs = docs.filter(created_at__year=year)
    ct = ContentType.objects.get_for_model(OutgoingDocument)
    steps = (Step.objects.filter(route__content_type=ct, route__object_id__in=docs.values("pk"),
                                 activated_at__isnull=False, acted_at__isnull=False)
             .exclude(status=StepStatus.CLOSED))
    took = Avg(ExpressionWrapper(F("acted_at") - F("activated_at"), output_field=DurationField()))

    def averages(grouped) -> list[tuple[str, float, int]]:
        # GROUP BY in SQL: one row per stage or unit comes back, never one per step.
        rows = grouped.annotate(took=took, n=Count("id")).order_by().values_list("name", "took", "n")
        return sorted(((name or "—", _hours(avg), n) for name, avg, n in rows), key=lambda r: (-r[1], r[0]))

    per_stage = averages(steps.annotate(name=F("stage_name")).values("name"))
    per_unit = averages(steps.annotate(name=Coalesce("unit__name", "assignee__unit__name"))
                        .values("name"))

    monthly = list(docs.annotate(month=TruncMonth("created_at")).values("month", "doc_type")
                   .annotate(n=Count("id")).order_by("month", "doc_type"))
    months = sorted({row["month"].strftime("%Y-%m") for row in monthly if row["month"]})
    types = sorted({row["doc_type"] for row in monthly})
    table = {t: [0] * len(months) for t in types}
    for row in monthly:
        if row["month"]:
            table[row["doc_type"]][months.index(row["month"].strftime("%Y-%m"))] = row["n"]
    return {"per_stage": per_stage, "per_unit": per_unit, "months": months,
            "per_type": [{"name": t, "data": table[t]} for t in types], "total": docs.count()}
