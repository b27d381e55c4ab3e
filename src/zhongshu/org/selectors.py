"""Reads of units and people that leave the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from django.db.models import Count, Q, QuerySet

from .models import Person, Unit, UnitKind


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
        # A unit's name (全称或简称) finds its people too (issue 10, minor).
        qs = qs.filter(Q(full_name__icontains=q) | Q(username__icontains=q)
                       | Q(position__icontains=q) | Q(phone__icontains=q)
                       | Q(unit__name__icontains=q) | Q(unit__short_name__icontains=q))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if role:
        qs = qs.filter(roles__code=role)
    return qs.order_by("unit__sort_order", "unit_id", "sort_order", "id").distinct()


# --- whom an office works for ---------------------------------------------------------

# Kinds of unit whose staff work for the unit above them: an organ's office and its
# internal departments. A subordinate unit has its own office and its own documents.
WORKS_FOR_PARENT = frozenset({UnitKind.DEPARTMENT, UnitKind.ORGAN})


def office_units(unit: Unit) -> list[int]:
    """The unit and the units below it whose staff handle its documents (its office and
    departments), not its subordinate units."""
    ids = [unit.pk]
    frontier = [unit.pk]
    while frontier:
        children = list(Unit.objects.filter(parent_id__in=frontier, kind__in=WORKS_FOR_PARENT,
                                            is_active=True).values_list("pk", flat=True))
        children = [c for c in children if c not in ids]
        ids += children
        frontier = children
    return ids


def served_units(person: Person | None) -> list[Unit]:
    """The units whose documents ``person`` may handle: their own unit and, climbing
    through offices and departments, the units those work for. Nearest first.

    Every need-to-know test asks it, several times a page, so it is kept on the person
    object (one request) for as long as their unit stays the same."""
    memo = person.__dict__.get("_served_units") if person is not None else None
    if memo is not None and person is not None and memo[0] == person.unit_id:
        return cast("list[Unit]", memo[1])
    out: list[Unit] = []
    unit = person.unit if person is not None and getattr(person, "unit_id", None) else None
    while unit is not None:
        out.append(unit)
        if unit.kind not in WORKS_FOR_PARENT or unit.parent_id is None:
            break
        unit = unit.parent
    if person is not None and hasattr(person, "__dict__"):
        person.__dict__["_served_units"] = (getattr(person, "unit_id", None), out)
    return out


def headed_unit_ids(person: Person) -> list[int]:
    """The units ``person`` heads. The inbox counts, the navigation and the supervision
    rules ask it several times a page, so it is kept on the person object (one request:
    the signed-in person is loaded afresh for every request)."""
    memo = person.__dict__.get("_headed_units")
    if memo is None:
        memo = list(Unit.objects.filter(head_id=person.pk).values_list("pk", flat=True))
        person.__dict__["_headed_units"] = memo
    return list(cast("list[int]", memo))


def organ_office_unit_ids(person: Person) -> list[int]:
    """``office_units`` of the organ ``person`` works for (the farthest of their served
    units), kept on the person object like ``served_units``."""
    memo = person.__dict__.get("_organ_office_units")
    if memo is None or memo[0] != person.unit_id:
        served = served_units(person)
        memo = (person.unit_id, office_units(served[-1]) if served else [])
        person.__dict__["_organ_office_units"] = memo
    return cast("list[int]", memo[1])
