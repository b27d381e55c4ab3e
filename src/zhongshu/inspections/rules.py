"""Who may do what with inspection plans. Called through ``access.policy.can`` (which
has already refused anonymous and inactive people) and ``visible`` (the scope).

Plans are not classified: they say who visits whom, when, on what. They are seen by the
coordinating office and the leaders (all of them), by their registrant and the staff of
their organiser, by the people on their approval route, and — once approved — by the
staff of the units to be visited, who can then prepare."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhongshu.access import admins
from zhongshu.org.models import Person, RoleCode

from .actions import COORDINATORS

SEE_ALL = COORDINATORS | {RoleCode.LEADER}


def _works(person: Person) -> bool:
    return person.unit_id is not None and not admins.is_admin(person)


def is_coordinator(person: Person) -> bool:
    return _works(person) and bool(person.role_codes & COORDINATORS)


def plans_scope(person: Person, qs: QuerySet) -> QuerySet:
    from zhongshu.workflow.selectors import on_route_q

    from .models import InspectionPlan, PlanStatus

    if not _works(person) or person.unit_id is None:  # _works: the person has a unit
        return qs.none()
    if person.role_codes & SEE_ALL:
        return qs
    return qs.filter(
        Q(registered_by_id=person.pk) | Q(organiser_id=person.unit_id)
        | Q(pk__in=InspectionPlan.units.through.objects.filter(unit_id=person.unit_id).filter(
            inspectionplan__status=PlanStatus.APPROVED).values("inspectionplan_id"))
        | on_route_q(InspectionPlan, person))


def may_list(person: Person, obj: Any = None) -> bool:
    """Everyone who works in a unit keeps his unit's plans; administrators see no content."""
    return _works(person)


def may_create(person: Person, obj: Any = None) -> bool:
    return _works(person)


def may_view(person: Person, plan: Any) -> bool:
    from .models import InspectionPlan

    if not isinstance(plan, InspectionPlan):
        return False
    return plans_scope(person, InspectionPlan.objects.filter(pk=plan.pk)).exists()


def may_edit(person: Person, plan: Any) -> bool:
    """The registrant, while the plan is a draft or was not approved."""
    from .models import EDITABLE_STATUSES, InspectionPlan

    return (isinstance(plan, InspectionPlan) and _works(person)
            and plan.registered_by_id == person.pk and plan.status in EDITABLE_STATUSES)


def may_submit(person: Person, plan: Any) -> bool:
    return may_edit(person, plan)


def may_decide(person: Person, plan: Any) -> bool:
    """The coordinating office merges or refuses a plan that is under approval or approved."""
    from .models import InspectionPlan

    return isinstance(plan, InspectionPlan) and is_coordinator(person) and plan.is_active
