"""Reads behind the picker's dialog: one level of the tree, a search, the office's
groups and a person's recent choices, each limited to what the picker's scope offers
(active people and units only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet

from zhongshu.org.models import Person, PickGroup, RecentPick, Unit

from .scope import INTERNAL_KINDS, PickerScope, person_matches, unit_matches

SEARCH_LIMIT = 50
RECENT_LIMIT = 20


@dataclass(frozen=True)
class Choice:
    """One thing a person may pick, as the dialog and the chips show it."""

    pk: int
    label: str
    detail: str = ""


def person_choice(person: Person) -> Choice:
    unit = person.unit.display_name if person.unit_id and person.unit else ""
    detail = " · ".join(x for x in (unit, person.position) if x)
    return Choice(person.pk, person.full_name or person.username, detail)


def unit_choice(unit: Unit) -> Choice:
    return Choice(unit.pk, unit.display_name, unit.name if unit.short_name and unit.short_name != unit.name else "")


def choice_of(scope: PickerScope, obj: Person | Unit) -> Choice:
    return person_choice(obj) if isinstance(obj, Person) else unit_choice(obj)


@dataclass
class TreeNode:
    unit: Unit
    has_children: bool
    selectable: bool


def _unit_nodes(scope: PickerScope, units: QuerySet[Unit]) -> list[TreeNode]:
    """Units of one level, each marked with whether it opens (child units, or for a
    people picker, people in it) and whether it may itself be chosen."""
    offered = scope.queryset()
    child_units = Unit.objects.filter(parent_id=OuterRef("pk"), is_active=True)
    units = units.annotate(opens=Exists(child_units))
    if scope.people:
        units = units.annotate(staff=Exists(offered.filter(unit_id=OuterRef("pk"))))
    offered_units = set() if scope.people else set(offered.filter(
        pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    nodes = [TreeNode(u, bool(u.opens or getattr(u, "staff", False)), u.pk in offered_units)
             for u in units]
    # A unit that neither opens nor may be chosen is clutter (an external organ in a
    # people picker, a department of no one).
    return [n for n in nodes if n.has_children or n.selectable]


def _level(scope: PickerScope, units: QuerySet[Unit]) -> QuerySet[Unit]:
    units = units.filter(is_active=True).order_by("sort_order", "id")
    if not scope.people and scope.internal_only:
        units = units.filter(kind__in=INTERNAL_KINDS)
    return units


def tree_roots(scope: PickerScope) -> list[TreeNode]:
    return _unit_nodes(scope, _level(scope, Unit.objects.filter(parent__isnull=True)))


def tree_level(scope: PickerScope, unit_id: int) -> tuple[list[TreeNode], list[Choice]]:
    """The active child units of ``unit_id`` and, in a people picker, its people."""
    units = _level(scope, Unit.objects.filter(parent_id=unit_id))
    people: list[Choice] = []
    if scope.people:
        people = [person_choice(p) for p in scope.queryset().filter(unit_id=unit_id)]
    return _unit_nodes(scope, units), people


def search(scope: PickerScope, q: str) -> tuple[list[Choice], bool]:
    """Matches of ``q`` (a person's name, account or unit name; a unit's name), at most
    ``SEARCH_LIMIT``; the flag says there were more."""
    q = q.strip()[:50]
    if not q:
        return [], False
    qs = scope.queryset()
    qs = qs.filter(person_matches(q) if scope.people else unit_matches(q))
    rows = list(qs[:SEARCH_LIMIT + 1])
    more = len(rows) > SEARCH_LIMIT
    return [choice_of(scope, o) for o in rows[:SEARCH_LIMIT]], more


@dataclass
class GroupView:
    group: PickGroup
    members: list[Choice]


def groups(scope: PickerScope) -> list[GroupView]:
    """The office's active groups of the picker's kind, each with the members the
    picker offers (an inactive person in a group is left out, never shown)."""
    out: list[GroupView] = []
    offered = scope.queryset()
    for group in PickGroup.objects.filter(kind=scope.kind, is_active=True):
        if scope.people:
            members = offered.filter(pk__in=group.people.values("pk"))
        else:
            members = offered.filter(pk__in=group.units.values("pk"))
        choices = [choice_of(scope, m) for m in members]
        if choices:
            out.append(GroupView(group, choices))
    return out


def recent(scope: PickerScope, person: Person) -> list[Choice]:
    """What ``person`` chose lately in this picker, most recent first, still offered."""
    row = RecentPick.objects.filter(person=person, key=scope.key, kind=scope.kind).first()
    if row is None or not row.ids:
        return []
    found = {o.pk: o for o in scope.queryset().filter(pk__in=row.ids)}
    return [choice_of(scope, found[i]) for i in row.ids if i in found]


def chosen(scope: PickerScope, ids: list[int]) -> list[Choice]:
    """Choices for the ids a form holds, in the order given (any, even no longer
    offered: they are the form's value and the field's validation judges them)."""
    qs: QuerySet[Person] | QuerySet[Unit]
    if scope.people:
        qs = Person.objects.filter(pk__in=ids).select_related("unit")
    else:
        qs = Unit.objects.filter(pk__in=ids)
    found = {o.pk: o for o in qs}
    return [choice_of(scope, found[i]) for i in ids if i in found]


def group_counts() -> QuerySet[PickGroup]:
    # Ordered as the model orders groups: an annotation drops the default ordering.
    return PickGroup.objects.annotate(n_people=Count("people", distinct=True),
                                      n_units=Count("units", distinct=True)).order_by("sort_order", "id")
