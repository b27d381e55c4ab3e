"""What an app tells the platform about the work it puts on routes and in tasks.

An app declares, from its ``AppConfig.ready``:

- its *items* (``register_item``): a model it routes or gives tasks on, with the hooks the
  engine asks (``ItemHooks``). A model that registered nothing is refused everything:
  nobody may start a route on it, view it through a route, or act on its steps.
- its route *purposes* (``register_purpose``): why an item is on a route (发文审批,
  办结审核 …), with the stage keys that carry meaning for that purpose. A template serves
  one purpose; the engine dispatches every rule on a stage's key, never on its name.
- its *task kinds* (``register_task_kind``): work given to a person or a unit (签收, 承办,
  督办事项 …), with how it is accepted, reported, extended and closed.

This module imports no app and no model of its own app at import time, so any app may
register without creating a dependency on the engine's internals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.db import models

if TYPE_CHECKING:
    from zhongshu.org.models import Person, Unit

    from .models import Opinion, Route, Step, Task, TaskEvent


# --- stage keys and purposes --------------------------------------------------------

@dataclass(frozen=True)
class StageKey:
    """A stage key with a meaning for a purpose (环节标识). The office renames stages;
    the key never changes, and every rule follows it."""

    key: str
    label: str
    # The author's own stage (拟稿). The route's author never holds a stage that reviews
    # his work (``reviews``: 审核, 核稿, 会签, 签发, 复核 …); clerical stages that review
    # nothing (编号, 印制, 分发, 归档) he may hold. A stage the office added reviews.
    author: bool = False
    reviews: bool = True
    # Never acted on by someone else under a delegation (签发, 批示), whatever the
    # template's ``delegable`` flag says.
    delegable: bool = True


@dataclass(frozen=True)
class Purpose:
    """Why an item is on a route (流转目的). ``keys`` lists the keys with a meaning, in
    the order a template must keep them; ``requires(template_code)`` the keys a
    template must have, each once (by default all of ``keys``)."""

    code: str
    label: str
    model: str  # the item's model, "app_label.modelname"
    keys: tuple[StageKey, ...] = ()
    requires: Callable[[str], frozenset[str]] | None = None

    def key(self, key: str) -> StageKey | None:
        return next((k for k in self.keys if k.key == key), None)

    def required_keys(self, template_code: str) -> frozenset[str]:
        if self.requires is not None:
            return self.requires(template_code)
        return frozenset(k.key for k in self.keys)

    def author_keys(self) -> frozenset[str]:
        """Keys of the stages the route's author may hold: his own, and the clerical
        ones that review nothing."""
        return frozenset(k.key for k in self.keys if k.author or not k.reviews)

    def never_delegable(self) -> frozenset[str]:
        return frozenset(k.key for k in self.keys if not k.delegable)


# --- task kinds -----------------------------------------------------------------------

class TaskBox(models.TextChoices):
    TODO = "todo", "待办"
    TOREAD = "toread", "待阅"


@dataclass(frozen=True)
class ReminderDefault:
    """A reminder rule a task kind starts with (the office edits the rules as data):
    ``trigger`` and ``days`` say when, ``target`` who is chased."""

    trigger: str  # ReminderTrigger
    target: str  # ReminderTarget
    days: int = 0


@dataclass(frozen=True)
class TaskKindSpec:
    """A kind of work given to a person or a unit.

    ``accept``: a unit holder accepts the task (or returns it with a reason) before
    working on it. ``review_purpose``: a completion request goes through a route of this
    purpose (办结审核) and the task closes only when it is approved; without one the
    holder closes the task himself. ``extension_purpose``: extensions are approved on a
    route of this purpose; without one they cannot be asked for. ``contact_roles``: who
    acts for a unit holder besides the unit's head (its liaison officer by default).
    ``close_siblings``: when one of a first-to-act group acts, the others' copies are
    deleted (they are not evidence: the task records who acted) rather than kept as
    cancelled."""

    code: str
    label: str
    model: str  # the subject's model, "app_label.modelname"
    box: str = TaskBox.TODO
    accept: bool = False
    review_purpose: str | None = None
    extension_purpose: str | None = None
    holding_needs_approval: bool = False
    contact_roles: frozenset[str] = frozenset({"liaison_officer"})
    close_siblings: bool = True
    reminders: tuple[ReminderDefault, ...] = ()


# --- item hooks ------------------------------------------------------------------------

@dataclass(frozen=True)
class ActResult:
    """What one action on a step did, for the item's ``after_act`` hook: the keys of the
    stages it completed (in order), the opinion, and the route as it now stands."""

    route: Route
    step: Step
    opinion: Opinion
    actor: Person
    done_keys: tuple[str, ...]


@runtime_checkable
class ItemHooks(Protocol):
    """The questions the engine asks about one registered model. Every method must be
    present; ``ItemBase`` gives the deny-by-default answers to inherit from."""

    label: str  # the item's kind in the office's words: 发文, 收文, 延期申请 …

    def may_start(self, person: Person, obj: Any, purpose: str) -> bool:
        """May ``person`` send ``obj`` on a route of ``purpose``?"""

    def may_view(self, person: Person, obj: Any) -> bool:
        """May ``person`` (not on the route) see the item and its routes?"""

    def may_act(self, person: Person, obj: Any, step: Step, key: str) -> bool:
        """The item's own condition for acting on a step of stage ``key``."""

    def assignees(self, obj: Any, slot: str, route: Route) -> list[tuple[Person, Unit | None]]:
        """Who a stage of assignee kind ``item`` with ``slot`` goes to."""

    def after_act(self, obj: Any, result: ActResult) -> None:
        """React inside the action's transaction (refusing rolls it back)."""

    def url(self, object_id: int) -> str:
        """The item's own page."""

    def classification(self, obj: Any) -> int | None:
        """The item's 密级: nobody below it is given or may act on its work."""

    def task_changed(self, task: Task, event: TaskEvent) -> None:
        """A task on the item changed (done, due date moved …), in the same transaction."""

    def task_reviewers(self, task: Task, purpose: str) -> list[tuple[Person, Unit | None]]:
        """Who decides a task's extension request or reviews its completion (the stage of
        assignee slot ``reviewers`` on the approval route of ``purpose``)."""


class ItemBase:
    """Deny-by-default answers for an item's hooks; an app overrides what it allows."""

    label = ""

    def may_start(self, person: Person, obj: Any, purpose: str) -> bool:
        return False

    def may_view(self, person: Person, obj: Any) -> bool:
        return False

    def may_act(self, person: Person, obj: Any, step: Step, key: str) -> bool:
        return True

    def assignees(self, obj: Any, slot: str, route: Route) -> list[tuple[Person, Unit | None]]:
        return []

    def after_act(self, obj: Any, result: ActResult) -> None:
        return None

    def url(self, object_id: int) -> str:
        return ""

    def classification(self, obj: Any) -> int | None:
        return getattr(obj, "classification", None)

    def task_changed(self, task: Task, event: TaskEvent) -> None:
        return None

    def task_reviewers(self, task: Task, purpose: str) -> list[tuple[Person, Unit | None]]:
        return []


# --- the registry ------------------------------------------------------------------------

_ITEMS: dict[str, ItemHooks] = {}
_PURPOSES: dict[str, Purpose] = {}
_TASK_KINDS: dict[str, TaskKindSpec] = {}


def label_of(model: type[models.Model] | models.Model | str) -> str:
    if isinstance(model, str):
        return model.lower()
    return model._meta.label_lower


class RegistryError(Exception):
    pass


def register_item(model: type[models.Model] | str, hooks: ItemHooks) -> None:
    if not isinstance(hooks, ItemHooks):
        raise RegistryError(f"{hooks!r} does not implement ItemHooks")
    _ITEMS[label_of(model)] = hooks


def register_purpose(purpose: Purpose) -> None:
    existing = _PURPOSES.get(purpose.code)
    if existing is not None and existing != purpose:
        raise RegistryError(f"route purpose {purpose.code!r} is registered twice")
    keys = [k.key for k in purpose.keys]
    if len(set(keys)) != len(keys):
        raise RegistryError(f"route purpose {purpose.code!r} repeats a stage key")
    _PURPOSES[purpose.code] = purpose


def register_task_kind(kind: TaskKindSpec) -> None:
    existing = _TASK_KINDS.get(kind.code)
    if existing is not None and existing != kind:
        raise RegistryError(f"task kind {kind.code!r} is registered twice")
    _TASK_KINDS[kind.code] = kind


def unregister_item(model: type[models.Model] | str) -> None:
    _ITEMS.pop(label_of(model), None)


def item_hooks(model: type[models.Model] | models.Model | str | None) -> ItemHooks | None:
    """The hooks of a registered model; ``None`` means the engine refuses it (as it
    refuses an item whose model is gone: ``ContentType.model_class()`` is None)."""
    return _ITEMS.get(label_of(model)) if model is not None else None


def purpose(code: str) -> Purpose | None:
    return _PURPOSES.get(code)


def purposes() -> list[Purpose]:
    return list(_PURPOSES.values())


def purposes_for(model: type[models.Model] | models.Model | str) -> list[Purpose]:
    label = label_of(model)
    return [p for p in _PURPOSES.values() if p.model == label]


def task_kind(code: str) -> TaskKindSpec | None:
    return _TASK_KINDS.get(code)


def task_kinds() -> list[TaskKindSpec]:
    return list(_TASK_KINDS.values())


def task_kinds_for(model: type[models.Model] | models.Model | str) -> list[TaskKindSpec]:
    label = label_of(model)
    return [k for k in _TASK_KINDS.values() if k.model == label]


def problems() -> list[str]:
    """What the system check reports: purposes and task kinds whose model registered no
    hooks, and approval purposes named by a task kind but never registered."""
    found = []
    for p in _PURPOSES.values():
        if p.model not in _ITEMS:
            found.append(f"route purpose {p.code!r}: model {p.model!r} registered no item hooks")
    for k in _TASK_KINDS.values():
        if k.model not in _ITEMS:
            found.append(f"task kind {k.code!r}: model {k.model!r} registered no item hooks")
        for name in (k.review_purpose, k.extension_purpose):
            if name and name not in _PURPOSES:
                found.append(f"task kind {k.code!r}: route purpose {name!r} is not registered")
    return found


def snapshot() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """For tests that register a throw-away item and restore the registry after."""
    return dict(_ITEMS), dict(_PURPOSES), dict(_TASK_KINDS)


def restore(state: tuple[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]]) -> None:
    targets: tuple[dict[str, Any], ...] = (_ITEMS, _PURPOSES, _TASK_KINDS)
    for target, saved in zip(targets, state, strict=True):
        target.clear()
        target.update(saved)

