"""Object-level decisions of the routing engine. Called only through
``zhongshu.access.policy.can``, which has already refused anonymous and inactive people."""

from __future__ import annotations

from typing import Any

from .models import Route, RouteStatus, Step, StepStatus


def may_start_route(person: Any, obj: Any) -> bool:
    """Whether a person may send an item on a route is the item's own business (a
    draft's drafter, a review's supervisor …): the engine asks the item, and refuses
    items that do not say."""
    decide = getattr(obj, "workflow_may_start", None)
    return bool(decide(person)) if callable(decide) else False


def may_view_route(person: Any, route: Route) -> bool:
    """People on a route see it (implicit need-to-know); beyond them the item decides."""
    from .selectors import route_participants

    if not isinstance(route, Route):
        return False
    if person.pk in route_participants(route).person_ids:
        return True
    decide = getattr(route.subject, "workflow_may_view", None)
    return bool(decide(person)) if callable(decide) else False


def may_act_on_step(person: Any, step: Step) -> bool:
    if not (isinstance(step, Step) and step.status == StepStatus.PENDING
            and step.assignee_id == person.pk and step.route.status == RouteStatus.RUNNING):
        return False
    # The item may add its own condition (签发 needs the leader's sign-off right).
    decide = getattr(step.route.subject, "workflow_may_act", None)
    return bool(decide(person, step)) if callable(decide) else True
