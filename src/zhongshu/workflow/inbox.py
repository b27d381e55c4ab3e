"""The platform as the inbox's providers: a pending step is 待办 (labelled with its route's
purpose and linking to its item's own page), an acted step is 已办; an open task is 待办
or 待阅 for its person or for its unit's contacts, a finished one 已办/已阅."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from zhongshu.access.classification import Classified, clearance_covers
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


# What a person's inbox (and a reminder sent from it) says instead of the title of an
# item above his clearance: he may hold its work only from before its level was raised
# or his clearance lowered, and he may not read its title (issue 11 §3).
MASKED_TITLE = "（密级高于本人涉密等级的事项，不显示标题）"


def _levels(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int | None]:
    """The level of each (content type id, object id), a query per model: a column for
    classifiable models, the item's hook otherwise."""
    by_type: dict[int, set[int]] = {}
    for ct_id, obj_id in pairs:
        by_type.setdefault(ct_id, set()).add(obj_id)
    levels: dict[tuple[int, int], int | None] = {}
    for ct_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        if issubclass(model, Classified):
            for pk, level in model._default_manager.filter(pk__in=ids).values_list("pk", "classification"):
                levels[(ct_id, pk)] = level
            continue
        hooks = registry.item_hooks(model)
        if hooks is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            levels[(ct_id, obj.pk)] = hooks.classification(obj)
    return levels


def _shown(person: Person, title: str, level: int | None) -> str:
    return title if clearance_covers(person, level) else MASKED_TITLE


def _step_item(step: Step, cache: dict[int, registry.ItemHooks | None], *, done: bool = False,
               person: Person | None = None, levels: dict[tuple[int, int], int | None] | None = None) -> InboxItem:
    route = step.route
    purpose = registry.purpose(route.purpose)
    level = (levels or {}).get((route.content_type_id, route.object_id))
    title = _shown(person if person is not None else step.assignee, route.title, level)
    return InboxItem(
        key=f"workflow.step:{step.pk}", kind=route.purpose,
        kind_label=purpose.label if purpose else "流转审批", box=Box.TODO,
        title=f"{title}（{step.stage_name}）",
        url=_url_of(route.content_type_id, route.object_id, cache),
        urgency=route.urgency, deadline=step.due_date, importance=route.importance,
        created=step.activated_at, done_at=step.acted_at if done else None)


class WorkflowInboxProvider:
    kind = "workflow"
    label = "流转审批"

    def kinds(self) -> list[tuple[str, str]]:
        return [(p.code, p.label) for p in registry.purposes()]

    def open_items(self, person: Person) -> Iterable[InboxItem]:
        steps = list(Step.objects.filter(assignee=person, status=StepStatus.PENDING).select_related("route"))
        return _step_items(steps, person=person)

    def open_counts(self, person: Person) -> dict[str, int]:
        return {Box.TODO: Step.objects.filter(assignee=person, status=StepStatus.PENDING).count(),
                Box.TOREAD: 0}

    def open_drafts(self, person: Person) -> list[InboxItem]:
        """Open steps with their sort key only (see ``TaskInboxProvider.open_drafts``)."""
        rows = Step.objects.filter(assignee=person, status=StepStatus.PENDING).values_list(
            "pk", "route__purpose", "route__urgency", "due_date", "route__importance", "activated_at")
        return [InboxItem(key=f"workflow.step:{pk}", kind=purpose, kind_label="", box=Box.TODO, title="",
                          url="", urgency=urgency, deadline=due, importance=importance, created=activated)
                for pk, purpose, urgency, due, importance, activated in rows]

    def complete(self, person: Person, items: list[InboxItem]) -> list[InboxItem]:
        """``items`` with this provider's drafts replaced by full items (same order)."""
        return _completed(items, "workflow.step:", lambda ids: _step_items(
            list(Step.objects.filter(pk__in=ids).select_related("route")), person=person))

    def open_count_querysets(self, person: Person) -> dict[str, list[QuerySet[Any]]]:
        return {Box.TODO: [Step.objects.filter(assignee=person, status=StepStatus.PENDING)]}

    def done_items(self, person: Person, box: str, *, limit: int) -> Iterable[InboxItem]:
        if box != Box.TODO:
            return []
        steps = list(Step.objects.filter(assignee=person, status__in=ACTED_STEP_STATUSES)
                     .select_related("route").order_by("-acted_at", "-id")[:limit])
        return _step_items(steps, person=person, done=True)

    def hidden_keys(self, person: Person, keys: Iterable[str]) -> set[str]:
        ids = _ids_of(keys, "workflow.step:")
        steps = Step.objects.filter(pk__in=ids.values()).select_related("route") if ids else []
        return _hidden(person, ids, {s.pk: (s.route.content_type_id, s.route.object_id) for s in steps})

    def due_items(self, *, until: dt.date) -> Iterable[tuple[Any, InboxItem]]:
        steps = (Step.objects.filter(status=StepStatus.PENDING, due_date__lte=until)
                 .select_related("route", "assignee").order_by("id"))
        out: list[tuple[Any, InboxItem]] = []
        batch: list[Step] = []
        for step in steps.iterator(chunk_size=500):
            batch.append(step)
            if len(batch) == 500:
                out += [(s.assignee, item) for s, item in zip(batch, _step_items(batch), strict=True)]
                batch = []
        out += [(s.assignee, item) for s, item in zip(batch, _step_items(batch), strict=True)]
        return out


def _step_items(steps: list[Step], *, person: Person | None = None, done: bool = False) -> list[InboxItem]:
    """Inbox items of ``steps`` (each for ``person``, or for its own assignee), titles
    masked where the item's level is above the person's clearance."""
    levels = _levels({(s.route.content_type_id, s.route.object_id) for s in steps})
    cache: dict[int, registry.ItemHooks | None] = {}
    return [_step_item(s, cache, done=done, person=person, levels=levels) for s in steps]


# --- tasks ------------------------------------------------------------------------

def contact_q(person: Person) -> Q:
    """The unit tasks ``person`` acts on as one of the unit's contacts: the unit's head,
    and the holders of the kind's contact roles (its liaison officer …) in the unit."""
    # The units he heads are read first (a handful of ids), so that the test is on the
    # task's own indexed ``unit_id``: a join to the unit's head made every page's inbox
    # count scan all open tasks (220 ms at 500,000 supervised tasks; docs/supervision.md).
    from zhongshu.org.selectors import headed_unit_ids

    headed = headed_unit_ids(person)
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


def _task_item(task: Task, cache: dict[int, registry.ItemHooks | None], *, done: bool = False,
               person: Person | None = None, levels: dict[tuple[int, int], int | None] | None = None) -> InboxItem:
    spec = registry.task_kind(task.kind)
    title = task.title or str(task)
    if person is not None and levels is not None:
        title = _shown(person, title, levels.get((task.subject_type_id, task.subject_id)))
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
        tasks = list(self._open(person).select_related("unit"))
        return _task_items(tasks, person)

    def open_drafts(self, person: Person) -> list[InboxItem]:
        """The open items with only what ordering and counting need (the sort key, the
        box, the kind); ``complete`` adds title, link and masking to the few a page
        shows. A unit's contact may hold thousands of open tasks: building every item in
        full (its level, title and link) cost most of a second per page."""
        out = []
        for pk, kind, urgency, due, importance, activated, created in self._open(person).values_list(
                "pk", "kind", "urgency", "due_date", "importance", "activated_at", "created_at"):
            spec = registry.task_kind(kind)
            out.append(InboxItem(
                key=f"workflow.task:{pk}", kind=kind.split(".", 1)[0], kind_label="",
                box=spec.box if spec else Box.TODO, title="", url="", urgency=urgency, deadline=due,
                importance=importance, created=activated or created))
        return out

    def complete(self, person: Person, items: list[InboxItem]) -> list[InboxItem]:
        """``items`` with this provider's drafts replaced by full items (same order)."""
        return _completed(items, "workflow.task:", lambda ids: _task_items(
            list(Task.objects.filter(pk__in=ids).select_related("unit")), person))

    def open_counts(self, person: Person) -> dict[str, int]:
        # Counted per part (his own tasks, his units' tasks) and added up: a task has a
        # person or a unit, never both, and each part walks its own index — one query
        # with the OR scanned every open task of the office on every page.
        toread = [k.code for k in registry.task_kinds() if k.box == Box.TOREAD]
        # Each part counts all and 待阅 in one pass (a filtered aggregate).
        active = Task.objects.filter(status__in=ACTIVE_TASK_STATUSES)
        total = reads = 0
        for part in (active.filter(person_id=person.pk), active.filter(contact_q(person))):
            if not toread:
                total += part.count()
                continue
            got = part.aggregate(total=Count("pk"), reads=Count("pk", filter=Q(kind__in=toread)))
            total += got["total"] or 0
            reads += got["reads"] or 0
        return {Box.TODO: total - reads, Box.TOREAD: reads}

    def open_count_querysets(self, person: Person) -> dict[str, list[QuerySet[Any]]]:
        # Per part, as ``open_counts``: each walks its own index.
        toread = [k.code for k in registry.task_kinds() if k.box == Box.TOREAD]
        active = Task.objects.filter(status__in=ACTIVE_TASK_STATUSES)
        parts = [active.filter(person_id=person.pk), active.filter(contact_q(person))]
        if not toread:
            return {Box.TODO: parts}
        return {Box.TODO: [p.exclude(kind__in=toread) for p in parts],
                Box.TOREAD: [p.filter(kind__in=toread) for p in parts]}

    def done_items(self, person: Person, box: str, *, limit: int) -> Iterable[InboxItem]:
        toread = [k.code for k in registry.task_kinds() if k.box == Box.TOREAD]
        qs = Task.objects.filter(done_by_id=person.pk, status=TaskStatus.DONE)
        qs = qs.filter(kind__in=toread) if box == Box.TOREAD else qs.exclude(kind__in=toread)
        tasks = list(qs.select_related("unit").order_by("-done_at", "-id")[:limit])
        return _task_items(tasks, person, done=True)

    def due_items(self, *, until: dt.date) -> Iterable[tuple[Any, InboxItem]]:
        # Tasks are chased by their kinds' reminder rules (``chase``), not here.
        return []

    def hidden_keys(self, person: Person, keys: Iterable[str]) -> set[str]:
        ids = _ids_of(keys, "workflow.task:")
        tasks = Task.objects.filter(pk__in=ids.values()).only("subject_type_id", "subject_id") if ids else []
        return _hidden(person, ids, {t.pk: (t.subject_type_id, t.subject_id) for t in tasks})

    def chase(self, today: dt.date) -> int:
        return chasing.chase_all(today=today).sent


def _task_items(tasks: list[Task], person: Person, *, done: bool = False) -> list[InboxItem]:
    levels = _levels({(t.subject_type_id, t.subject_id) for t in tasks})
    cache: dict[int, registry.ItemHooks | None] = {}
    return [_task_item(t, cache, done=done, person=person, levels=levels) for t in tasks]


def _completed(items: list[InboxItem], prefix: str,
               full_items: Callable[[list[int]], Iterable[InboxItem]]) -> list[InboxItem]:
    """``items`` with the drafts whose key starts with ``prefix`` replaced by the full
    items ``full_items`` builds from their ids (one batch), in the same order."""
    ids = _ids_of((i.key for i in items), prefix)
    if not ids:
        return items
    full = {i.key: i for i in full_items(list(ids.values()))}
    return [full.get(i.key, i) for i in items]


def _ids_of(keys: Iterable[str], prefix: str) -> dict[str, int]:
    """``{key: id}`` of the keys "prefix<id>" or "prefix<id>:…" (a reminder rule's)."""
    out: dict[str, int] = {}
    for key in keys:
        if key.startswith(prefix):
            head = key[len(prefix):].split(":", 1)[0]
            if head.isdigit():
                out[key] = int(head)
    return out


def _hidden(person: Person, ids: dict[str, int], items: dict[int, tuple[int, int]]) -> set[str]:
    levels = _levels(set(items.values()))
    return {key for key, pk in ids.items()
            if pk in items and not clearance_covers(person, levels.get(items[pk]))}
