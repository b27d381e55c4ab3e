"""督查督办's actions and their decisions (registered from ``apps.ready``): the
supervision office (督查员) opens matters, registers instructions, gives, reviews and
chases tasks; leaders and units see what concerns them; a unit's contacts act on its
tasks."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode


class SupervisionAction(StrEnum):
    USE = "supervision.use"  # the area's pages (each list then shows only what one may see)
    MANAGE = "supervision.manage"  # open matters, register instructions, give, chase, merge
    STATS = "supervision.stats"  # statistics and the 通报 draft
    LEADER_VIEW = "supervision.leader_view"
    MATTER_VIEW = "supervision.matter_view"  # rule on a Matter
    TASK_ACT = "supervision.task_act"  # rule on a Task: its unit's contacts
    TASK_REVIEW = "supervision.task_review"  # rule on a Task: the supervision office


def policy() -> AppPolicy:
    from . import rules

    return AppPolicy(
        app="supervision", actions=SupervisionAction,
        roles={
            SupervisionAction.MANAGE: {RoleCode.SUPERVISION_OFFICER},
            SupervisionAction.STATS: {RoleCode.SUPERVISION_OFFICER, RoleCode.LEADER,
                                      RoleCode.OFFICE_DIRECTOR},
            SupervisionAction.LEADER_VIEW: {RoleCode.LEADER},
        },
        rules={SupervisionAction.USE: rules.may_use,
               SupervisionAction.MATTER_VIEW: rules.may_view_matter,
               SupervisionAction.TASK_ACT: rules.may_act_on_task,
               SupervisionAction.TASK_REVIEW: rules.may_review_task},
        scopes={"supervision.ledgerrow": rules.ledger_scope})
