"""The sample app's answers to the platform: a memo's owner sends it on a route of the
purpose 签报审批; the people on the route see it; nobody else."""

from __future__ import annotations

from typing import Any

from zhongshu.workflow import registry

MEMO_APPROVAL = registry.Purpose(
    code="memo_approval", label="签报审批", model="workflow_sample.memo",
    keys=(registry.StageKey("sign_off", "签批", delegable=False),),
    requires=lambda code: frozenset())


class MemoItem(registry.ItemBase):
    label = "签报"

    def may_start(self, person: Any, obj: Any, purpose: str) -> bool:
        return purpose == MEMO_APPROVAL.code and person.pk == obj.owner_id

    def url(self, object_id: int) -> str:
        return f"/sample/memos/{object_id}/"
