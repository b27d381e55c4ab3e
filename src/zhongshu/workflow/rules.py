"""Object-level decisions of the routing engine. Called only through
``zhongshu.access.policy.can``, which has already refused anonymous and inactive people.
Every answer asks the item's registered hooks; an item nobody registered is refused."""

from __future__ import annotations

from typing import Any

from zhongshu.access.classification import Classified, clearance_covers
from zhongshu.org.models import Person

from . import registry
from .models import Route, RouteStatus, Step, StepStatus


def may_start_route(person: Person, obj: Any) -> bool:
    """Whether a person may send an item on a route is the item's own business (a
    draft's drafter, a review's supervisor …); the purpose is checked by the service."""
    hooks = registry.item_hooks(type(obj)) if obj is not None else None
    if hooks is None:
        return False
    return any(hooks.may_start(person, obj, p.code) for p in registry.purposes_for(type(obj)))


def may_view_route(person: Person, route: Route) -> bool:
    """People on a route see it if they are cleared for its item; beyond them the item
    decides."""
    from .selectors import route_participants

    if not isinstance(route, Route):
        return False
    hooks = registry.item_hooks(route.content_type.model_class())
    if hooks is None:
        return False
    subject = route.subject
    if subject is None or not clearance_covers(person, hooks.classification(subject)):
        return False
    if isinstance(subject, Classified):
        # A classifiable item's route is seen by whoever may see the item, by the same
        # policy as the item's own pages (issue 11 §3): clearance and need-to-know.
        return _sees_item(person, subject)
    if person.pk in route_participants(route).person_ids:
        return True
    return bool(hooks.may_view(person, subject))


def _sees_item(person: Person, subject: Classified) -> bool:
    from zhongshu.access.policy import Action, can

    return can(person, Action.OBJECT_VIEW, subject)


def may_act_on_step(person: Person, step: Step) -> bool:
    """The assignee of a pending step on a running route, cleared for the item, never the
    route's author on a stage that reviews his work, and what the item adds (签发 needs
    the authority to sign that issuer's documents)."""
    if not (isinstance(step, Step) and step.status == StepStatus.PENDING
            and step.assignee_id == person.pk and step.route.status == RouteStatus.RUNNING):
        return False
    route = step.route
    purpose = registry.purpose(route.purpose)
    hooks = registry.item_hooks(route.content_type.model_class())
    if purpose is None or hooks is None:
        return False
    subject = route.subject
    if subject is None or not clearance_covers(person, hooks.classification(subject)):
        return False
    # The route's act URL asks what the item's own page asks (issue 11 §3).
    if isinstance(subject, Classified) and not _sees_item(person, subject):
        return False
    if person.pk == route.drafter_id and step.stage_key not in purpose.author_keys():
        return False
    return bool(hooks.may_act(person, subject, step, step.stage_key))


def acts_for_leader(person: Person, leader: Any) -> bool:
    """Handling a leader's step is preparing the leader's opinion (拟办意见), under his
    delegation; stages that may never be delegated (签发, 批示) are refused by the engine
    itself, by key."""
    from zhongshu.access import delegation
    from zhongshu.access.policy import Action

    return isinstance(leader, Person) and delegation.active_delegation(
        delegate=person, delegator=leader, action=Action.OPINION_PREPARE) is not None
