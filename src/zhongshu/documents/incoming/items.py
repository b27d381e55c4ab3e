"""收文 on the platform: the steps it gives as kinds of the shared task model, and what
the platform asks an incoming document (who decides its extensions, what a task's
change means for the document's own deadline and timeline)."""

from __future__ import annotations

from typing import Any

from zhongshu.access.policy import Action, can
from zhongshu.kernel.http import reverse_id
from zhongshu.org.models import Person, Unit
from zhongshu.workflow import registry
from zhongshu.workflow.approvals import EXTENSION_APPROVAL
from zhongshu.workflow.models import Task, TaskEvent, TaskEventKind
from zhongshu.workflow.registry import ReminderDefault, TaskBox, TaskKindSpec

from .models import IncomingDocument, TaskKind

MODEL = "incoming.incomingdocument"
# Reminders of the steps with deadlines (承办, 传阅): the holder, before, on and after
# the deadline — as the inbox's reminder job did before tasks were shared.
_DUE_REMINDERS = (ReminderDefault("before_due", "holder", days=1),
                  ReminderDefault("due_today", "holder"), ReminderDefault("overdue", "holder"))


def task_kinds() -> list[TaskKindSpec]:
    kinds = []
    for kind in TaskKind:
        kinds.append(TaskKindSpec(
            code=kind.code, label=str(kind.label), model=MODEL,
            box=TaskBox.TOREAD if kind == TaskKind.READ else TaskBox.TODO,
            extension_purpose=EXTENSION_APPROVAL if kind == TaskKind.HANDLE else None,
            reminders=_DUE_REMINDERS if kind in (TaskKind.HANDLE, TaskKind.READ) else ()))
    return kinds


class IncomingItem(registry.ItemBase):
    label = "收文"

    def may_view(self, person: Person, obj: Any) -> bool:
        return can(person, Action.OBJECT_VIEW, obj)

    def url(self, object_id: int) -> str:
        return reverse_id("incoming:detail", object_id)

    def task_reviewers(self, task: Task, purpose: str) -> list[tuple[Person, Unit | None]]:
        from .services import _extension_deciders

        if purpose != EXTENSION_APPROVAL:
            return []
        subject = task.subject
        assert isinstance(subject, IncomingDocument)  # the kinds this item registers are on 收文
        return [(p, None) for p in _extension_deciders(subject)]

    def task_changed(self, task: Task, event: TaskEvent) -> None:
        """An extension decided on its route reaches the document: its deadline (what the
        register filters and sorts on) and its timeline."""
        from . import services

        if task.kind != TaskKind.HANDLE.code:
            return
        if event.kind in (TaskEventKind.EXTENSION_APPROVED, TaskEventKind.DUE_CHANGED):
            services.deadline_moved(task=task, event=event)
        elif event.kind == TaskEventKind.EXTENSION_REFUSED:
            services.extension_refused(task=task, event=event)
