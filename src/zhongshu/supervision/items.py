"""督办事项 on the platform: its task kind (``supervision.task``: accepted by the unit,
completion reviewed and extensions approved on routes, reminders as data) and what the
platform asks a matter."""

from __future__ import annotations

from typing import Any

from zhongshu.access.classification import clearance_covers
from zhongshu.access.policy import Action, can
from zhongshu.kernel.http import reverse_id
from zhongshu.org.models import Person, RoleCode, Unit
from zhongshu.workflow import registry
from zhongshu.workflow.approvals import COMPLETION_REVIEW, EXTENSION_APPROVAL
from zhongshu.workflow.models import Task, TaskEvent
from zhongshu.workflow.registry import ReminderDefault, TaskKindSpec

from .models import TASK_KIND

MODEL = "supervision.matter"

# 催办 as data (the office edits the rules): the unit's contacts 3 working days before
# the due date and whenever a progress report is due; the unit's head when overdue; the
# unit's leader in charge after 5 overdue working days.
SUPERVISED_TASK = TaskKindSpec(
    code=TASK_KIND, label="督办任务", model=MODEL, accept=True,
    review_purpose=COMPLETION_REVIEW, extension_purpose=EXTENSION_APPROVAL,
    holding_needs_approval=True,
    reminders=(ReminderDefault("before_due", "holder", days=3),
               ReminderDefault("report_due", "holder"),
               ReminderDefault("overdue", "unit_head"),
               ReminderDefault("overdue_days", "unit_leader", days=5)))


class MatterItem(registry.ItemBase):
    label = "督办"

    def may_view(self, person: Person, obj: Any) -> bool:
        return can(person, Action.OBJECT_VIEW, obj)

    def url(self, object_id: int) -> str:
        return reverse_id("supervision:matter", object_id)

    def task_reviewers(self, task: Task, purpose: str) -> list[tuple[Person, Unit | None]]:
        """The supervision office reviews completions and decides extensions."""
        subject = task.subject
        assert subject is not None  # the task's matter
        level = subject.classification
        officers = (Person.objects.filter(roles__code=RoleCode.SUPERVISION_OFFICER, is_active=True)
                    .select_related("unit").order_by("sort_order", "id"))
        return [(p, p.unit) for p in officers if clearance_covers(p, level)]

    def task_changed(self, task: Task, event: TaskEvent) -> None:
        from .services import row_sync

        row_sync(task, event)
