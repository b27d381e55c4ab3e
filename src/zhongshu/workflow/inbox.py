"""The platform as the inbox's providers: a pending step is 待办 (labelled with its route's
purpose and linking to its item's own page), an acted step is 已办; an open task is 待办
or 待阅 for its person or for its unit's contacts, a finished one 已办/已阅."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from zhongshu.inbox.registry import Box, InboxItem

from . import chasing, registry
from .models import ACTED_STEP_STATUSES, ACTIVE_TASK_STATUSES, Step, StepStatus, Task, TaskStatus

if TYPE_CHECKING:
    from zhongshu.org.models import Person



def _url_of(content_type_id: int, object_id: int, cache: dict[int, registry.ItemHooks | None]) -> str:
    if content_type_id not in cache:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        cache[content_type_id] = registry.item_hooks(model) if model is not None else None
    hooks = cache[content_type_id]
    return hooks.url(object_id) if hooks is not None else ""


def _step_item(step: Step, cache: dict[int, registry.ItemHooks | None], *, done: bool = False) -> InboxItem:
    route = step.route
    purpose = registry.purpose(route.purpose)
    return InboxItem(
        key=f"workflow.step:{step.pk}", kind=route.purpose,
        kind_label=purpose.label if purpose else "流转审批", box=Box.TODO,
        title=f"{route.title}（{step.stage_name}）",
        url=_url_of(route.content_type_id, route.object_id, cache),
        urgency=route.urgency, deadline=step.due_date, importance=route.importance,
        created=step.activated_at, done_at=step.acted_at if done else None)


class WorkflowInboxProvider:
    kind = "workflow"
    label = "流转审批"

    def kinds(self) -> list[tuple[str, str]]:
        return [(p.code, p.label) for p in registry.purposes()]

    def open_items(self, person: Person) -> Iterable[InboxItem]:
        steps = Step.objects.filter(assignee=person, status=StepStatus.PENDING).select_related("route")
        cache: dict[int, registry.ItemHooks | None] = {}
        return [_step_item(s, cache) for s in steps]

    def open_counts(self, person: Person) -> dict[str, int]:
        return {Box.TODO: Step.objects.filter(assignee=person, status=StepStatus.PENDING).count(),
                Box.TOREAD: 0}

    def done_items(self, person: Person, box: str, *, limit: int) -> Iterable[InboxItem]:
        if box != Box.TODO:
            return []
        steps = (Step.objects.filter(assignee=person, status__in=ACTED_STEP_STATUSES)
                 .select_related("route").order_by("-acted_at", "-id")[:limit])
        cache: dict[int, registry.ItemHooks | None] = {}
        return [_step_item(s, cache, done=True) for s in steps]

    def due_items(self, *, until: dt.date) -> Iterable[tuple[Any, InboxItem]]:
        steps = (Step.objects.filter(status=StepStatus.PENDING, due_date__lte=until)
                 .select_related("route", "assignee").order_by("id"))
        cache: dict[int, registry.ItemHooks | None] = {}
        return [(s.assignee, _step_item(s, cache)) for s in steps.iterator(chunk_size=500)]


# --- tasks ------------------------------------------------------------------------

def contact_q(person: Person) -> Q:
    """The unit tasks ``person`` acts on as one of the unit's contacts: the unit's head,
    and the holders of the kind's contact roles (its liaison officer …) in the unit."""
    # The units he heads are read first (a handful of ids), so that the test is on the
    # task's own indexed ``unit_id``: a join to the unit's head made every page's inbox
    # count scan all open tasks (220 ms at 500,000 supervised tasks; docs/supervision.md).
    from zhongshu.org.models import Unit

    headed = list(Unit.objects.filter(head_id=person.pk).values_list("pk", flat=True))
    q = Q(unit_id__in=headed) if headed else Q(pk__in=[])
    unit_id = getattr(person, "unit_id", None)
    if unit_id:
        roles = person.role_codes
        kinds = [k.code for k in registry.task_kinds() if k.contact_roles & roles]
        if kinds:
            q |= Q(unit_id=unit_id, kind__in=kinds)
    return q


def held_q(person: Person) -> Q:
    """Tasks in the person's hands: his own, and his units' as their contact. (A task has a
    person or a unit, never both — a constraint — so the unit terms need no "no person"
    test, and each term is answered from its own index.)"""
    return Q(person_id=person.pk) | contact_q(person)


def _task_item(task: Task, cache: dict[int, registry.ItemHooks | None], *, done: bool = False) -> InboxItem:
    spec = registry.task_kind(task.kind)
    title = task.title or str(task)
    if spec is not None:
        title = f"{title}（{spec.label}）"
        if task.unit_id:
            title = f"{title}·{task.unit}"
    # Filtered by the item's app (收文, 督办 …): the first part of the kind's code.
    category = task.kind.split(".", 1)[0]
    url = _url_of(task.subject_type_id, task.subject_id, cache)
    hooks = cache.get(task.subject_type_id)
    return InboxItem(
        key=f"workflow.task:{task.pk}", kind=category,
        kind_label=hooks.label if hooks is not None and hooks.label else category,
        box=spec.box if spec else Box.TODO, title=title, url=url,
        urgency=task.urgency, deadline=task.due_date, importance=task.importance,
        created=task.activated_at or task.created_at, done_at=task.done_at if done else None)


class TaskInboxProvider:
    kind = "tasks"
    label = "任务"

    def kinds(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for spec in registry.task_kinds():
            hooks = registry.item_hooks(spec.model)
            seen.setdefault(spec.code.split(".", 1)[0], hooks.label if hooks else spec.label)
        return list(seen.items())

    def _open(self, person: Person) -> QuerySet[Task]:
        return Task.objects.filter(held_q(person), status__in=ACTIVE_TASK_STATUSES)

    def open_items(self, person: Person) -> Iterable[InboxItem]:
        cache: dict[int, registry.ItemHooks | None] = {}
        return [_task_item(t, cache) for t in self._open(person).select_related("unit")]

    def open_counts(self, person: Person) -> dict[str, int]:
        # Counted per part (his own tasks, his units' tasks) and added up: a task has a
        # person or a unit, never both, and each part walks its own index — one query
        # with the OR scanned every open task of the office on every page.
        toread = [k.code for k in registry.task_kinds() if k.box == Box.TOREAD]
        active = Task.objects.filter(status__in=ACTIVE_TASK_STATUSES)
        parts = [active.filter(person_id=person.pk), active.filter(contact_q(person))]
        total = sum(p.count() for p in parts)
        reads = sum(p.filter(kind__in=toread).count() for p in parts) if toread else 0
        return {Box.TODO: total - reads, Box.TOREAD: reads}

    def done_items(self, person: Person, box: str, *, limit: int) -> Iterable[InboxItem]:
        toread = [k.code for k in registry.task_kinds() if k.box == Box.TOREAD]
        qs = Task.objects.filter(done_by_id=person.pk, status=TaskStatus.DONE)
        qs = qs.filter(kind__in=toread) if box == Box.TOREAD else qs.exclude(kind__in=toread)
        cache: dict[int, registry.ItemHooks | None] = {}
        return [_task_item(t, cache, done=True)
                for t in qs.select_related("unit").order_by("-done_at", "-id")[:limit]]

    def due_items(self, *, until: dt.date) -> Iterable[tuple[Any, InboxItem]]:
        # Tasks are chased by their kinds' reminder rules (``chase``), not here.
        return []

    def chase(self, today: dt.date) -> int:
        return chasing.chase_all(today=today).sent
