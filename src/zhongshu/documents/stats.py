"""Statistics of outgoing documents over what the viewer may see: time per stage and
per unit, documents per type per month, the ten slowest open items."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zhongshu.workflow.models import Step, StepStatus

from .models import OutgoingDocument, OutgoingStatus
from .selectors import documents_visible

OPEN = (OutgoingStatus.DRAFT, OutgoingStatus.ROUTING, OutgoingStatus.SIGNED_OFF)


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 1)


def outgoing_stats(viewer: Any, *, year: int | None = None) -> dict:
    docs = documents_visible(viewer)
    if year:
        docs = docs.filter(created_at__year=year)
    ct = ContentType.objects.get_for_model(OutgoingDocument)
    steps = (Step.objects.filter(route__content_type=ct, route__object_id__in=docs.values("pk"),
                                 activated_at__isnull=False, acted_at__isnull=False)
             .exclude(status=StepStatus.CLOSED)
             .values_list("stage_name", "unit__name", "assignee__unit__name", "activated_at", "acted_at"))
    per_stage: dict[str, list[float]] = defaultdict(list)
    per_unit: dict[str, list[float]] = defaultdict(list)
    for stage, unit, own_unit, start, end in steps.iterator(chunk_size=2000):
        seconds = (end - start).total_seconds()
        per_stage[stage].append(seconds)
        per_unit[unit or own_unit or "—"].append(seconds)

    def averages(rows):
        return sorted(((name, _hours(sum(v) / len(v)), len(v)) for name, v in rows.items()),
                      key=lambda r: -r[1])

    monthly = (docs.annotate(month=TruncMonth("created_at")).values("month", "doc_type")
               .annotate(n=Count("id")).order_by("month", "doc_type"))
    months = sorted({row["month"].strftime("%Y-%m") for row in monthly if row["month"]})
    types = sorted({row["doc_type"] for row in monthly})
    table = {t: [0] * len(months) for t in types}
    for row in monthly:
        if row["month"]:
            table[row["doc_type"]][months.index(row["month"].strftime("%Y-%m"))] = row["n"]
    now = timezone.now()
    slowest = list(docs.filter(status__in=OPEN).select_related("owner_unit").order_by("created_at")[:10])
    for doc in slowest:
        doc.open_days = (now - doc.created_at).days
    return {"per_stage": averages(per_stage), "per_unit": averages(per_unit), "months": months,
            "per_type": [{"name": t, "data": table[t]} for t in types], "slowest": slowest,
            "total": docs.count()}
