"""The routing engine's actions and their decisions (registered from ``apps.ready``)."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode


class WorkflowAction(StrEnum):
    TEMPLATE_VIEW = "workflow.template.view"
    TEMPLATE_MANAGE = "workflow.template.manage"
    ROUTE_START = "workflow.route.start"
    ROUTE_VIEW = "workflow.route.view"
    STEP_ACT = "workflow.step.act"
    # Acting on a leader's step as their secretary, under the leader's delegation of
    # 拟办意见 (OPINION_PREPARE).
    STEP_ACT_ON_BEHALF = "workflow.step.act_on_behalf"
    # Keeping the office-wide 常用意见 (each person keeps their own without a grant).
    PHRASE_MANAGE_OFFICE = "workflow.phrase.manage_office"


def policy() -> AppPolicy:
    from . import rules

    return AppPolicy(
        app="workflow", actions=WorkflowAction,
        # The office (not the system admin, who sees no business content) keeps its
        # routing templates: the director, or a workflow administrator the security
        # administrator names. Secretaries read them; a 科员 cannot change a route.
        roles={WorkflowAction.TEMPLATE_VIEW: {RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                                              RoleCode.WORKFLOW_ADMIN},
               WorkflowAction.TEMPLATE_MANAGE: {RoleCode.OFFICE_DIRECTOR, RoleCode.WORKFLOW_ADMIN},
               WorkflowAction.PHRASE_MANAGE_OFFICE: {RoleCode.OFFICE_DIRECTOR}},
        rules={WorkflowAction.ROUTE_START: rules.may_start_route,
               WorkflowAction.ROUTE_VIEW: rules.may_view_route,
               WorkflowAction.STEP_ACT: rules.may_act_on_step,
               WorkflowAction.STEP_ACT_ON_BEHALF: rules.acts_for_leader})
