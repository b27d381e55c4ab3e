"""Reads of inspection plans, always for a viewer: the list, one plan's overlaps, the
office's review of every overlapping pair, and the burden of each unit by month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings as django_settings
from django.db.models import Q, QuerySet

from zhongshu.access.policy import visible
from zhongshu.org.models import Person, Unit

from . import similarity
from .models import ACTIVE_STATUSES, InspectionPlan, InspectionSettings

DEFAULT_THRESHOLD = Decimal("0.50")
DEFAULT_WINDOW_DAYS = 90


# --- settings ----------------------------------------------------------------------------

def current_settings() -> InspectionSettings:
    """The office's thresholds; until the office saves its own, the deployment's
    (``INSPECTIONS_SIMILARITY_THRESHOLD``, ``INSPECTIONS_SIMILAR_WINDOW_DAYS``)."""
    found = InspectionSettings.objects.filter(pk=1).first()
    if found is not None:
        return found
    threshold = Decimal(str(getattr(django_settings, "INSPECTIONS_SIMILARITY_THRESHOLD",
                                    DEFAULT_THRESHOLD))).quantize(Decimal("0.01"))
    window = int(getattr(django_settings, "INSPECTIONS_SIMILAR_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))
    return InspectionSettings(pk=1, similarity_threshold=threshold, similar_window_days=window)


# --- lists -------------------------------------------------------------------------------

def plans_visible(viewer: Person) -> QuerySet[InspectionPlan]:
    return visible(viewer, InspectionPlan.objects.all())


@dataclass
class PlanFilters:
    q: str = ""
    status: str = ""
    form: str = ""
    organiser: int | None = None
    unit: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    errors: list[str] = field(default_factory=list)


def plan_list(viewer: Person, filters: PlanFilters) -> QuerySet[InspectionPlan]:
    qs = plans_visible(viewer).select_related("organiser", "registered_by")
    if filters.q:
        qs = qs.filter(Q(topic__icontains=filters.q) | Q(description__icontains=filters.q))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.form:
        qs = qs.filter(form=filters.form)
    if filters.organiser:
        qs = qs.filter(organiser_id=filters.organiser)
    if filters.unit:
        qs = qs.filter(pk__in=InspectionPlan.units.through.objects.filter(
            unit_id=filters.unit).values("inspectionplan_id"))
    # Plans whose period touches the range asked for.
    if filters.date_from:
        qs = qs.filter(ends_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(starts_on__lte=filters.date_to)
    return qs.prefetch_related("units").order_by("-starts_on", "-id")


# --- overlaps ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Overlap:
    """Another plan that burdens the same units: in an overlapping period by another
    body (``same_time``), and/or on a similar topic within the office's window
    (``similar``, with the score and the words shared)."""

    other: InspectionPlan
    units: tuple[Unit, ...]
    same_time: bool
    similar: bool
    score: float
    shared_words: tuple[str, ...]

    @property
    def kinds(self) -> list[str]:
        out = []
        if self.same_time:
            out.append("时间重叠")
        if self.similar:
            out.append("主题相近")
        return out


def _periods_overlap(a: InspectionPlan, b: InspectionPlan) -> bool:
    return a.starts_on <= b.ends_on and b.starts_on <= a.ends_on


def _gap_days(a: InspectionPlan, b: InspectionPlan) -> int:
    """Days between the two periods (0 when they overlap)."""
    if _periods_overlap(a, b):
        return 0
    return (max(a.starts_on, b.starts_on) - min(a.ends_on, b.ends_on)).days


def _compare(plan: InspectionPlan, other: InspectionPlan, units: tuple[Unit, ...],
             conf: InspectionSettings) -> Overlap | None:
    organisers = {plan.organiser_id}
    same_time = other.organiser_id not in organisers and _periods_overlap(plan, other)
    score = similarity.similarity(plan.topic_words.split(), other.topic_words.split())
    similar = (score >= float(conf.similarity_threshold)
               and _gap_days(plan, other) <= conf.similar_window_days)
    if not same_time and not similar:
        return None
    return Overlap(other=other, units=units, same_time=same_time, similar=similar,
                   score=round(score, 2),
                   shared_words=tuple(similarity.shared(plan.topic_words.split(),
                                                        other.topic_words.split())))


def overlaps_of(plan: InspectionPlan, *, viewer: Person | None = None,
                conf: InspectionSettings | None = None) -> list[Overlap]:
    """The active plans (under approval or approved) that visit one of ``plan``'s units
    in an overlapping period by another body, or on a similar topic within the window.
    With a viewer, only the plans he may see."""
    conf = conf or current_settings()
    window = dt.timedelta(days=conf.similar_window_days)
    unit_ids = list(plan.units.values_list("pk", flat=True))
    if not unit_ids:
        return []
    through = InspectionPlan.units.through
    candidates = (InspectionPlan.objects.filter(status__in=ACTIVE_STATUSES)
                  .exclude(pk=plan.pk)
                  .filter(pk__in=through.objects.filter(unit_id__in=unit_ids)
                          .values("inspectionplan_id"))
                  # Nothing further apart than the window can be flagged.
                  .filter(starts_on__lte=plan.ends_on + window, ends_on__gte=plan.starts_on - window))
    if viewer is not None:
        candidates = candidates.filter(pk__in=plans_visible(viewer).values("pk"))
    candidates = candidates.select_related("organiser").prefetch_related("units")
    mine = set(unit_ids)
    found = []
    for other in candidates.order_by("starts_on", "id"):
        common = tuple(u for u in other.units.all() if u.pk in mine)
        hit = _compare(plan, other, common, conf)
        if hit is not None:
            found.append(hit)
    return found


@dataclass(frozen=True)
class OverlapPair:
    first: InspectionPlan
    second: InspectionPlan
    overlap: Overlap


def overlap_pairs(viewer: Person, *, date_from: dt.date, date_to: dt.date,
                  conf: InspectionSettings | None = None) -> list[OverlapPair]:
    """Every pair of active plans the viewer may see, touching the range, that overlap —
    for the office's review page. Pairs are found per shared unit, so the work grows with
    the plans of each unit, not with the square of all plans."""
    conf = conf or current_settings()
    plans = list(plans_visible(viewer).filter(status__in=ACTIVE_STATUSES, ends_on__gte=date_from,
                                              starts_on__lte=date_to)
                 .select_related("organiser").prefetch_related("units").order_by("starts_on", "id"))
    by_unit: dict[int, list[InspectionPlan]] = defaultdict(list)
    for plan in plans:
        for unit in plan.units.all():
            by_unit[unit.pk].append(plan)
    seen: set[tuple[int, int]] = set()
    pairs = []
    for group in by_unit.values():
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                key = (first.pk, second.pk)
                if key in seen:
                    continue
                seen.add(key)
                second_units = {u.pk for u in second.units.all()}
                common = tuple(u for u in first.units.all() if u.pk in second_units)
                hit = _compare(first, second, common, conf)
                if hit is not None:
                    pairs.append(OverlapPair(first, second, hit))
    return pairs


# --- burden --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Burden:
    """Visits per unit and month: ``cells[(unit_id, month)]`` counts the active plans
    whose period touches that month at that unit."""

    year: int
    months: tuple[int, ...]
    units: tuple[Unit, ...]
    cells: dict[tuple[int, int], int]
    totals: dict[int, int]

    def row(self, unit: Unit) -> list[int]:
        return [self.cells.get((unit.pk, m), 0) for m in self.months]

    def total(self, unit: Unit) -> int:
        """Plans at the unit in the period (a plan across two months counts once)."""
        return self.totals.get(unit.pk, 0)

    def chart(self) -> dict:
        """The heat map's data for ECharts: x months, y units, [x, y, count] cells."""
        return {"months": [f"{m}月" for m in self.months],
                "units": [u.display_name for u in self.units],
                "cells": [[x, y, self.cells.get((u.pk, m), 0)]
                          for y, u in enumerate(self.units) for x, m in enumerate(self.months)],
                "max": max(self.cells.values(), default=0)}


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))


def burden(viewer: Person, *, year: int, quarter: int | None = None) -> Burden:
    """Each unit's inspection burden by month, in a quarter (1–4) or the whole year.
    Counts active plans (under approval and approved); units with no visit are left out."""
    months = tuple(range(3 * quarter - 2, 3 * quarter + 1)) if quarter else tuple(range(1, 13))
    first, last = dt.date(year, months[0], 1), _month_end(year, months[-1])
    through = InspectionPlan.units.through
    plan_ids = plans_visible(viewer).filter(status__in=ACTIVE_STATUSES, ends_on__gte=first,
                                            starts_on__lte=last).values("pk")
    rows = (through.objects.filter(inspectionplan_id__in=plan_ids)
            .values_list("unit_id", "inspectionplan_id", "inspectionplan__starts_on",
                         "inspectionplan__ends_on"))
    cells: dict[tuple[int, int], int] = defaultdict(int)
    totals: dict[int, set[int]] = defaultdict(set)
    for unit_id, plan_id, starts, ends in rows:
        totals[unit_id].add(plan_id)
        for m in months:
            if starts <= _month_end(year, m) and ends >= dt.date(year, m, 1):
                cells[(unit_id, m)] += 1
    units = tuple(Unit.objects.filter(pk__in=totals).order_by("sort_order", "id"))
    return Burden(year=year, months=months, units=units, cells=dict(cells),
                  totals={k: len(v) for k, v in totals.items()})
