"""THE policy: the only place that decides who may do what.

Every view, service, API endpoint and export asks ``can``; nothing checks roles by
itself. Actions are declared here as an enum and are permanent once shipped.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.module_loading import import_string

from zhongshu.org.models import RoleCode


class Action(StrEnum):
    # System administration (系统管理员): accounts, units and settings, never content.
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    ACCOUNT_UNLOCK = "account.unlock"
    CALENDAR_MANAGE = "calendar.manage"
    # 办文: lay out a document for preview and download (排版预览).
    LAYOUT_RENDER = "layout.render"

    # workflow and inbox
    WORKFLOW_TEMPLATE_VIEW = "workflow.template.view"
    WORKFLOW_TEMPLATE_MANAGE = "workflow.template.manage"
    WORKFLOW_ROUTE_START = "workflow.route.start"
    WORKFLOW_ROUTE_VIEW = "workflow.route.view"
    WORKFLOW_STEP_ACT = "workflow.step.act"
    # Acting on a leader's step as their secretary: decided by the delegation rules of
    # the access app; until those map it, deny by default.
    WORKFLOW_STEP_ACT_ON_BEHALF = "workflow.step.act_on_behalf"
    INBOX_VIEW = "inbox.view"
    NOTIFICATION_READ = "inbox.notification.read"
    # 公文校对: anyone with a role may proofread; the office keeps the term list.
    PROOFREAD_USE = "proofread.use"
    TERMLIST_MANAGE = "proofread.termlist_manage"


# Actions that depend only on the person's role, not on an object.
_ROLE_ACTIONS: dict[Action, frozenset[str]] = {
    Action.ORG_VIEW: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.ORG_MANAGE: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.ACCOUNT_UNLOCK: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.CALENDAR_MANAGE: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.LAYOUT_RENDER: frozenset({RoleCode.SECRETARY, RoleCode.OFFICE_DIRECTOR, RoleCode.LEADER}),
    # workflow and inbox: the office (not the system admin, who sees no business
    # content) maintains its routing templates.
    Action.WORKFLOW_TEMPLATE_VIEW: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}),
    Action.WORKFLOW_TEMPLATE_MANAGE: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}),
    Action.PROOFREAD_USE: frozenset(RoleCode.values),
    Action.TERMLIST_MANAGE: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}),
}

# workflow and inbox: actions decided per object by the owning app's rules module, named
# by dotted path so that access does not import the apps built on it. Each rule is
# ``rule(person, obj) -> bool`` and is called only for an active, signed-in person.
_OBJECT_RULES: dict[Action, str] = {
    Action.WORKFLOW_ROUTE_START: "zhongshu.workflow.rules.may_start_route",
    Action.WORKFLOW_ROUTE_VIEW: "zhongshu.workflow.rules.may_view_route",
    Action.WORKFLOW_STEP_ACT: "zhongshu.workflow.rules.may_act_on_step",
    Action.INBOX_VIEW: "zhongshu.inbox.rules.may_view_inbox",
    Action.NOTIFICATION_READ: "zhongshu.inbox.rules.may_read_notification",
}


def can(person: Any, action: Action, obj: Any = None) -> bool:
    """May ``person`` do ``action`` (to ``obj``)? Deny by default."""
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    rule = _OBJECT_RULES.get(action)
    if rule is not None:
        return bool(import_string(rule)(person, obj))
    allowed_roles = _ROLE_ACTIONS.get(action)
    if allowed_roles is None:
        return False
    return bool(allowed_roles & person.role_codes)
