"""Extension requests (延期审批) and completion requests (办结审核) are routed items of
the engine itself: each task kind that allows them gets an approval template per purpose
(``<purpose>--<kind>``), created on first use with one stage whose reviewers the task's
item names (``ItemHooks.task_reviewers``); the office edits it like any other template
(a second stage for the 秘书长 …). When the route ends, the decision reaches the task."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from zhongshu.org.models import Person, Unit

from . import registry
from . import services as routes
from .models import (
    RouteStatus,
    RouteTemplate,
    Step,
    StepAction,
    Task,
    TaskExtension,
    TaskReport,
)

EXTENSION_APPROVAL = "extension_approval"
COMPLETION_REVIEW = "completion_review"

APPROVAL_KEY = "approval"
REVIEW_KEY = "review"

EXTENSION_PURPOSE = registry.Purpose(
    code=EXTENSION_APPROVAL, label="延期审批", model="workflow.taskextension",
    keys=(registry.StageKey(APPROVAL_KEY, "延期审批"),))
COMPLETION_PURPOSE = registry.Purpose(
    code=COMPLETION_REVIEW, label="办结审核", model="workflow.taskreport",
    keys=(registry.StageKey(REVIEW_KEY, "办结审核"),))

_KEY_OF = {EXTENSION_APPROVAL: APPROVAL_KEY, COMPLETION_REVIEW: REVIEW_KEY}


def template_code(purpose: str, kind: str) -> str:
    return f"{purpose}--{kind.replace('.', '-')}"[:50]


def ensure_template(purpose: str, kind: str) -> RouteTemplate:
    """The approval template of ``purpose`` for tasks of ``kind``, created by the system
    on first use: one stage (any one reviewer decides) given to the item's reviewers."""
    code = template_code(purpose, kind)
    spec = registry.task_kind(kind)
    meaning = registry.purpose(purpose)
    label = spec.label if spec else kind
    return routes.template_ensure(
        code=code, purpose=purpose,
        name=f"{label}{meaning.label if meaning else ''}",
        description=f"“{label}”任务的{meaning.label if meaning else ''}流程",
        note="默认流程", stages=[{
            "key": _KEY_OF[purpose], "name": meaning.keys[0].label if meaning else purpose,
            "mode": "any", "assignees": [{"kind": "item", "slot": "reviewers"}],
            "actions": [StepAction.AGREE, StepAction.AGREE_WITH_OPINION, StepAction.REJECT],
            "deadline_workdays": 2, "delegable": True}])


class _TaskApproval(registry.ItemBase):
    """Hooks shared by the two approval items: everything follows the task's subject."""

    purpose = ""

    def _task(self, obj: Any) -> Task:
        task: Task = obj.task
        return task

    def _subject_hooks(self, task: Task) -> registry.ItemHooks | None:
        model = task.subject_type.model_class()
        return registry.item_hooks(model) if model is not None else None

    def may_start(self, person: Person, obj: Any, purpose: str) -> bool:
        return purpose == self.purpose and person.pk in {
            getattr(obj, "requested_by_id", None), getattr(obj, "author_id", None)}

    def may_view(self, person: Person, obj: Any) -> bool:
        task = self._task(obj)
        hooks = self._subject_hooks(task)
        return bool(hooks and hooks.may_view(person, task.subject))

    def assignees(self, obj: Any, slot: str, route: Any) -> list[tuple[Person, Unit | None]]:
        task = self._task(obj)
        hooks = self._subject_hooks(task)
        if slot != "reviewers" or hooks is None:
            return []
        return hooks.task_reviewers(task, self.purpose)

    def classification(self, obj: Any) -> int | None:
        task = self._task(obj)
        hooks = self._subject_hooks(task)
        return hooks.classification(task.subject) if hooks else None

    def _decision(self, result: registry.ActResult) -> tuple[bool, str] | None:
        """(approved, note) once the route has ended; None while it runs."""
        route = result.route
        if route.status == RouteStatus.RUNNING:
            return None
        approved = route.status == RouteStatus.COMPLETED
        return approved, result.opinion.text


class ExtensionItem(_TaskApproval):
    label = "延期申请"
    purpose = EXTENSION_APPROVAL

    def after_act(self, obj: Any, result: registry.ActResult) -> None:
        from . import tasking

        decision = self._decision(result)
        if decision is not None:
            tasking.extension_decided(ext=TaskExtension.objects.get(pk=obj.pk),
                                      approved=decision[0], actor=result.actor, note=decision[1])

    def url(self, object_id: int) -> str:
        ext = TaskExtension.objects.select_related("task").filter(pk=object_id).first()
        return _subject_url(ext.task) if ext else ""


class CompletionItem(_TaskApproval):
    label = "办结申请"
    purpose = COMPLETION_REVIEW

    def after_act(self, obj: Any, result: registry.ActResult) -> None:
        from . import tasking

        decision = self._decision(result)
        if decision is not None:
            tasking.completion_decided(entry=TaskReport.objects.get(pk=obj.pk),
                                       approved=decision[0], actor=result.actor, note=decision[1])

    def url(self, object_id: int) -> str:
        entry = TaskReport.objects.select_related("task").filter(pk=object_id).first()
        return _subject_url(entry.task) if entry else ""


def _subject_url(task: Task) -> str:
    model = task.subject_type.model_class()
    hooks = registry.item_hooks(model) if model is not None else None
    return hooks.url(task.subject_id) if hooks else reverse("inbox:home")


def pending_approval_step(person: Person, obj: Any) -> Step | None:
    """The person's pending step on the approval route of ``obj`` (an extension or a
    completion request), for the subject's page to show the decision box."""
    from .selectors import pending_step_of

    return pending_step_of(person, obj)
