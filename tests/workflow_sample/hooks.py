"""The sample app's answers to the platform, declared without editing the platform: an
action with its decision (access.registry), a routed item with a purpose (签报审批), and
a task kind given to units (跟踪落实) whose extensions and completions are approved on
routes and whose reminders start from declared defaults."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import Person, RoleCode, Unit
from zhongshu.workflow import registry
from zhongshu.workflow.approvals import COMPLETION_REVIEW, EXTENSION_APPROVAL

MEMO_APPROVAL = registry.Purpose(
    code="memo_approval", label="签报审批", model="workflow_sample.memo",
    keys=(registry.StageKey("sign_off", "签批", delegable=False),),
    requires=lambda code: frozenset())

FOLLOW_UP = registry.TaskKindSpec(
    code="sample.follow_up", label="跟踪落实", model="workflow_sample.memo", accept=True,
    review_purpose=COMPLETION_REVIEW, extension_purpose=EXTENSION_APPROVAL,
    reminders=(registry.ReminderDefault("before_due", "holder", days=2),
               registry.ReminderDefault("overdue", "unit_head"),
               registry.ReminderDefault("overdue_days", "unit_leader", days=3),
               registry.ReminderDefault("report_due", "holder")))


class SampleAction(StrEnum):
    FOLLOW_UP_GIVE = "sample.follow_up.give"


def may_give(person: Any, memo: Any = None) -> bool:
    """Only the memo's owner gives follow-up work on it."""
    return memo is None or person.pk == memo.owner_id


POLICY = AppPolicy(app="workflow_sample", actions=SampleAction,
                   rules={SampleAction.FOLLOW_UP_GIVE: may_give})


class MemoItem(registry.ItemBase):
    label = "签报"

    def may_start(self, person: Any, obj: Any, purpose: str) -> bool:
        return purpose == MEMO_APPROVAL.code and person.pk == obj.owner_id

    def may_view(self, person: Any, obj: Any) -> bool:
        return person.pk == obj.owner_id

    def url(self, object_id: int) -> str:
        return f"/sample/memos/{object_id}/"

    def task_reviewers(self, task: Any, purpose: str) -> list[tuple[Person, Unit | None]]:
        """The memo's owner decides extensions and reviews completions (督查 in real
        apps), plus anyone holding the supervision role."""
        owner = task.subject.owner
        others = Person.objects.filter(roles__code=RoleCode.SUPERVISION_OFFICER, is_active=True)
        return [(owner, None), *((p, None) for p in others if p.pk != owner.pk)]
