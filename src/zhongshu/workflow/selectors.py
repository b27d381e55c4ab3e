"""Reads of the routing engine that leave the app, always for a given viewer (or, for
``participants``, for the access app's need-to-know hook)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, OuterRef, Prefetch, Q, QuerySet

from zhongshu.access.policy import can
from zhongshu.kernel.queries import Probe
from zhongshu.workflow.actions import WorkflowAction

from .models import Opinion, Route, RouteTemplate, Step, StepStatus

if TYPE_CHECKING:
    from zhongshu.org.models import Person



@dataclass(frozen=True)
class Participants:
    """Everyone a route has touched: drafter, starter, every assignee (also of closed and
    transferred steps) and every opinion's author and principal, plus the units the
    steps answered for."""

    person_ids: frozenset[int]
    unit_ids: frozenset[int]


def _collect(routes: QuerySet[Route]) -> Participants:
    people: set[int] = set()
    units: set[int] = set()
    for drafter, starter in routes.values_list("drafter_id", "started_by_id"):
        people.update((drafter, starter))
    steps = Step.objects.filter(route__in=routes)
    for assignee, unit in steps.values_list("assignee_id", "unit_id"):
        people.add(assignee)
        if unit is not None:
            units.add(unit)
    for author, principal in Opinion.objects.filter(route__in=routes).values_list(
            "author_id", "on_behalf_of_id"):
        people.add(author)
        if principal is not None:
            people.add(principal)
    return Participants(frozenset(people), frozenset(units))


def participants(obj: Any) -> Participants:
    """The people and units on every route of ``obj``: the implicit need-to-know that
    routing creates, for the access app's grant hook."""
    ct = ContentType.objects.get_for_model(obj)
    return _collect(Route.objects.filter(content_type=ct, object_id=obj.pk))


def route_participants(route: Route) -> Participants:
    cached = getattr(route, "_participants", None)
    if cached is None:
        cached = _collect(Route.objects.filter(pk=route.pk))
        setattr(route, "_participants", cached)  # noqa: B010 (a per-instance cache)
    return cached


def routes_of(obj: Model, purpose: str | None = None) -> QuerySet[Route]:
    """Every route of ``obj`` (of one purpose), newest first. For the item's own app,
    which has already decided the viewer may see the item."""
    ct = ContentType.objects.get_for_model(type(obj))
    qs = Route.objects.filter(content_type=ct, object_id=obj.pk)
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    return qs.order_by("-id")


def current_route(obj: Model, purpose: str) -> Route | None:
    """The item's newest route of ``purpose`` (a returned draft sent again starts a new
    one), with its template version."""
    return routes_of(obj, purpose).select_related("template_version").first()


def on_route_q(model: type[Model], person: Person) -> Q:
    """A Q over ``model``'s rows: the person has (or had) a step on one of the row's
    routes. A correlated EXISTS probe of indexed columns, applied in place (decision
    0901): an ``IN`` list of a busy person's steps would be built in full every time."""
    ct = ContentType.objects.get_for_model(model)
    return Q(Probe(Step.objects.filter(route__content_type=ct, route__object_id=OuterRef("pk"),
                                       assignee_id=person.pk)))


def pending_step_of(person: Person, obj: Model, purpose: str | None = None) -> Step | None:
    """The person's pending step on ``obj``'s running routes (of ``purpose``), if any."""
    ct = ContentType.objects.get_for_model(type(obj))
    qs = Step.objects.filter(route__content_type=ct, route__object_id=obj.pk,
                             route__status="running", assignee_id=person.pk,
                             status=StepStatus.PENDING)
    if purpose is not None:
        qs = qs.filter(route__purpose=purpose)
    return qs.select_related("route").order_by("id").first()


def routes_for(viewer: Person, obj: Any) -> list[Route]:
    ct = ContentType.objects.get_for_model(obj)
    routes = Route.objects.filter(content_type=ct, object_id=obj.pk).select_related(
        "template_version__template")
    return [r for r in routes if can(viewer, WorkflowAction.ROUTE_VIEW, r)]


def route_get(viewer: Person, pk: int) -> Route | None:
    """The route if the viewer may see it; None otherwise, so that callers answer 404."""
    route = (Route.objects.select_related("template_version__template", "drafter", "started_by",
                                          "content_type").filter(pk=pk).first())
    if route is None or not can(viewer, WorkflowAction.ROUTE_VIEW, route):
        return None
    return route


def route_timeline(route: Route) -> dict[str, Any]:
    """Stages with their steps and opinions, in order, for a route the caller may see."""
    stages = list(route.template_version.stages.all())
    steps = list(route.steps.select_related("assignee", "unit").order_by("round", "position", "order", "id"))
    opinions = list(route.opinions.select_related("author", "on_behalf_of", "target_person", "step"))
    return {"stages": stages, "steps": steps, "opinions": opinions}


def pending_steps(person: Person) -> QuerySet[Step]:
    """The person's own open steps (待办), each visible to them by construction."""
    return (Step.objects.filter(assignee=person, status=StepStatus.PENDING)
            .select_related("route"))


def my_pending_step(viewer: Person, route: Route) -> Step | None:
    step = (route.steps.filter(assignee=viewer, status=StepStatus.PENDING)
            .select_related("route").order_by("id").first())
    return step if step and can(viewer, WorkflowAction.STEP_ACT, step) else None


def templates_list(viewer: Person) -> QuerySet[RouteTemplate]:
    if not can(viewer, WorkflowAction.TEMPLATE_VIEW):
        return RouteTemplate.objects.none()
    return RouteTemplate.objects.prefetch_related(
        Prefetch("versions", to_attr="all_versions")).order_by("name", "id")


def withdrawable_step(person: Person, route: Route) -> Step | None:
    """撤回: the step ``person`` agreed last on ``route``, when it is the route's latest
    act and nobody of the stage it opened has acted yet; None otherwise."""
    from .models import ACTED_STEP_STATUSES, Opinion, RouteStatus, StepAction

    if route.status != RouteStatus.RUNNING or route.current_position is None:
        return None
    last = Opinion.objects.filter(route=route).select_related("step").order_by("-created_at", "-id").first()
    if (last is None or last.author_id != person.pk or last.on_behalf_of_id is not None
            or last.action not in (StepAction.AGREE, StepAction.AGREE_WITH_OPINION)):
        return None
    step = last.step
    if route.current_position <= step.position:
        return None  # his own stage is still open (others of a 会签 have not acted)
    acted = route.steps.filter(round=route.round, position=route.current_position,
                               status__in=ACTED_STEP_STATUSES).exists()
    return None if acted else step


@dataclass(frozen=True)
class NextChoice:
    """Who the person acting may send the item to: the next stage allows a choice and has
    more than one possible handler."""

    stage_name: str
    single: bool
    candidates: list[tuple[int, str]]


def completes_stage(step: Step) -> bool:
    """Whether agreeing on ``step`` ends its stage: any one suffices, or nobody else of
    the stage is still to act."""
    from .models import OPEN_STEP_STATUSES, StageMode

    stage = step.route.template_version.stages.get(position=step.position)
    if stage.mode == StageMode.ANY:
        return True
    return not step.route.steps.filter(round=step.round, position=step.position,
                                       status__in=OPEN_STEP_STATUSES).exclude(pk=step.pk).exists()


def next_choice(step: Step) -> NextChoice | None:
    """The choice offered when ``step`` is agreed, if the next stage is choosable."""
    from django.core.exceptions import ValidationError

    from . import assignees
    from .models import StageMode

    route = step.route
    if not completes_stage(step):
        return None
    stage = route.template_version.stages.filter(position__gt=step.position).order_by("position").first()
    if stage is None or not stage.choosable:
        return None
    from . import registry

    purpose = registry.purpose(route.purpose)
    author_keys = purpose.author_keys() if purpose is not None else frozenset()
    hooks = registry.item_hooks(type(route.subject) if route.subject is not None else None)
    ctx = assignees.Context(author=route.drafter, author_stage=stage.key in author_keys,
                            level=hooks.classification(route.subject) if hooks is not None else None,
                            stage_name=stage.name,
                            subject=route.subject, route=route)
    try:
        found = assignees.resolve(stage.assignees, ctx)
    except ValidationError:
        return None
    if len(found) < 2:
        return None
    return NextChoice(stage.name, stage.mode == StageMode.SINGLE,
                      [(a.person.pk, f"{a.person.full_name}（{a.person.position or a.unit or ''}）") for a in found])
