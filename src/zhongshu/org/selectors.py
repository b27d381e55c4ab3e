"""Reads of units and people that leave the app."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from .models import Person, Unit


@dataclass
class UnitNode:
    unit: Unit
    depth: int
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(*, include_inactive: bool = True) -> list[UnitNode]:
    """The whole tree in one query, flattened depth-first in display order."""
    units = Unit.objects.annotate(people_count=Count("people")).order_by("sort_order", "id")
    if not include_inactive:
        units = units.filter(is_active=True)
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    flat: list[UnitNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in by_parent.get(parent_id, []):
            flat.append(UnitNode(unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return flat


def unit_search(q: str) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("parent").annotate(people_count=Count("people"))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q)
                       | Q(issuer_code__icontains=q))
    return qs.order_by("sort_order", "id")


def person_search(*, q: str = "", unit_id: int | None = None, role: str = "") -> QuerySet[Person]:
    qs = Person.objects.select_related("unit").prefetch_related("roles")
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(username__icontains=q)
                       | Q(position__icontains=q) | Q(phone__icontains=q))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if role:
        qs = qs.filter(roles__code=role)
    return qs.order_by("unit__sort_order", "unit_id", "sort_order", "id").distinct()
