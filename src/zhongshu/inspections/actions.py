"""The actions of inspection plans and their decisions (registered from ``apps.ready``).
Permanent once shipped."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode

# The office that coordinates inspections to spare the grassroots: the supervision
# office and the office's directors.
COORDINATORS = frozenset({RoleCode.SUPERVISION_OFFICER, RoleCode.OFFICE_DIRECTOR})


class InspectionAction(StrEnum):
    LIST = "inspections.list"
    PLAN_CREATE = "inspections.plan.create"
    PLAN_VIEW = "inspections.plan.view"
    PLAN_EDIT = "inspections.plan.edit"
    PLAN_SUBMIT = "inspections.plan.submit"
    # The office's review of overlaps (为基层减负): the page, and its two decisions.
    REVIEW = "inspections.review"
    PLAN_MERGE = "inspections.plan.merge"
    PLAN_REFUSE = "inspections.plan.refuse"
    BURDEN_VIEW = "inspections.burden_view"
    SETTINGS_MANAGE = "inspections.settings_manage"


def policy() -> AppPolicy:
    from . import rules

    return AppPolicy(
        app="inspections", actions=InspectionAction,
        roles={InspectionAction.REVIEW: COORDINATORS,
               InspectionAction.BURDEN_VIEW: COORDINATORS | {RoleCode.LEADER},
               InspectionAction.SETTINGS_MANAGE: COORDINATORS},
        rules={InspectionAction.LIST: rules.may_list,
               InspectionAction.PLAN_CREATE: rules.may_create,
               InspectionAction.PLAN_VIEW: rules.may_view,
               InspectionAction.PLAN_EDIT: rules.may_edit,
               InspectionAction.PLAN_SUBMIT: rules.may_submit,
               InspectionAction.PLAN_MERGE: rules.may_decide,
               InspectionAction.PLAN_REFUSE: rules.may_decide},
        scopes={"inspections.inspectionplan": rules.plans_scope})
