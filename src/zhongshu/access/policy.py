"""THE policy: the only place that decides who may do what.

Every view, service, API endpoint and export asks ``can``; every list asks ``visible``;
nothing checks roles by itself. Actions are declared here as an enum and are permanent
once shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.module_loading import import_string

from zhongshu.org.models import Person, RoleCode

from . import admins, delegation, grants
from .classification import Classified, clearance_covers, highest_level


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
    # Acting on a leader's step as their secretary, under the leader's delegation of
    # 拟办意见 (OPINION_PREPARE).
    WORKFLOW_STEP_ACT_ON_BEHALF = "workflow.step.act_on_behalf"
    INBOX_VIEW = "inbox.view"
    NOTIFICATION_READ = "inbox.notification.read"
    # 公文校对: anyone with a role may proofread; the office keeps the term list.
    PROOFREAD_USE = "proofread.use"
    TERMLIST_MANAGE = "proofread.termlist_manage"
    # --- access and audit (issue 3, parts 1–2) ---
    # Any classifiable object: read, download, forward (re-share) it.
    OBJECT_VIEW = "object.view"
    OBJECT_DOWNLOAD = "object.download"
    OBJECT_FORWARD = "object.forward"
    # Leaders' own acts on an object, the only ones that can never be delegated.
    SIGN_OFF = "document.sign_off"
    INSTRUCT = "instruction.give"
    # Preparing an opinion for a leader (拟办意见): delegable to a secretary.
    OPINION_PREPARE = "opinion.prepare"
    # Security administration (安全保密管理员).
    CLEARANCE_SET = "access.clearance_set"
    GRANT_MANAGE = "access.grant_manage"
    # Deciding a forwarding request (the owner unit's leader).
    FORWARD_DECIDE = "access.forward_decide"
    # Leaders delegating to their secretaries.
    DELEGATION_MANAGE = "access.delegation_manage"
    # The audit trail (安全审计员; the security admin sees ordinary users' events).
    AUDIT_VIEW = "audit.view"
    AUDIT_EXPORT = "audit.export"
    # --- 办文: outgoing documents (issue 4) ---
    DOCUMENT_DRAFT = "document.draft"
    DOCUMENT_EDIT = "document.edit"
    DOCUMENT_DISTRIBUTE = "document.distribute"
    DOCUMENT_CHASE = "document.chase"
    DOCUMENT_NUMBER_VOID = "document.number_void"
    # The registers list only what the viewer may see; statistics are the office's.
    DOCUMENT_REGISTER_VIEW = "document.register_view"
    DOCUMENT_STATS_VIEW = "document.stats_view"
    # 收文 (documents.incoming): the register and registering paper documents are the
    # office's; a step is done by the person whose task it is; the recipient unit's
    # office starts circulation and closes documents kept for reference.
    INCOMING_LIST = "incoming.list"
    INCOMING_REGISTER = "incoming.register"
    INCOMING_STEP = "incoming.step"
    INCOMING_OFFICE = "incoming.office"
    # --- the REST API for other systems ---
    # Holding personal API tokens: anyone who works with content, never the three
    # administrators (a token would carry an administrator's rights out of the browser).
    # With a token as the object: it is the person's own (only they list or revoke it).
    API_TOKEN_MANAGE = "api.token_manage"  # noqa: S105 (an action name)


# Actions that depend only on the person's role, not on an object.
_ROLE_ACTIONS: dict[Action, frozenset[str]] = {
    Action.ORG_VIEW: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.ORG_MANAGE: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.ACCOUNT_UNLOCK: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.CALENDAR_MANAGE: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.LAYOUT_RENDER: frozenset({RoleCode.SECRETARY, RoleCode.OFFICE_DIRECTOR, RoleCode.LEADER}),
    # --- access and audit ---
    Action.DELEGATION_MANAGE: frozenset({RoleCode.LEADER}),
    Action.AUDIT_VIEW: frozenset({RoleCode.AUDITOR, RoleCode.SECURITY_ADMIN}),
    Action.AUDIT_EXPORT: frozenset({RoleCode.AUDITOR}),
    # workflow and inbox: the office (not the system admin, who sees no business
    # content) maintains its routing templates.
    Action.WORKFLOW_TEMPLATE_VIEW: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}),
    Action.WORKFLOW_TEMPLATE_MANAGE: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}),
    Action.PROOFREAD_USE: frozenset(RoleCode.values),
    Action.TERMLIST_MANAGE: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}),
    Action.DOCUMENT_REGISTER_VIEW: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                                              RoleCode.LEADER, RoleCode.CONFIDENTIAL_CLERK}),
    Action.DOCUMENT_STATS_VIEW: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                                           RoleCode.LEADER}),
    Action.INCOMING_LIST: frozenset({RoleCode.LEADER, RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                                     RoleCode.CONFIDENTIAL_CLERK, RoleCode.LIAISON_OFFICER}),
    Action.INCOMING_REGISTER: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                                         RoleCode.CONFIDENTIAL_CLERK, RoleCode.LIAISON_OFFICER}),
}

# What a leader may hand to a secretary, with the label the delegation page shows.
# 签发 and 批示 are the leader's own and are refused even if a row somehow names them.
DELEGABLE_ACTIONS: dict[Action, str] = {
    Action.OBJECT_VIEW: "阅件",
    Action.OBJECT_DOWNLOAD: "下载",
    Action.OPINION_PREPARE: "拟办意见",
}
NEVER_DELEGABLE = frozenset({Action.SIGN_OFF, Action.INSTRUCT})


def _rule_in_app(path: str) -> Callable[[Any, Any], bool]:
    """A rule that lives in an app built on access, imported when first asked."""
    def rule(person: Any, obj: Any) -> bool:
        return bool(import_string(path)(person, obj))
    rule.__qualname__ = path
    return rule


def _signed_in(person: Any) -> bool:
    return person is not None and getattr(person, "is_authenticated", False) and person.is_active


def _in_need_to_know(person: Any, obj: Model) -> bool:
    model = type(obj)
    return model._default_manager.filter(pk=obj.pk).filter(
        grants.need_to_know_q(model, person)).exists()


def _may_view(person: Any, obj: Any) -> bool:
    # Deny by default: only classifiable objects are content this rule knows about.
    if not isinstance(obj, Classified) or admins.sees_no_content(person):
        return False
    return clearance_covers(person, obj.classification) and _in_need_to_know(person, obj)


def _is_leader_who_may_view(person: Any, obj: Any) -> bool:
    return person.has_role(RoleCode.LEADER) and _may_view(person, obj)


def _security_admin_not_self(person: Any, obj: Any) -> bool:
    # The security admin never raises their own clearance or grants to themself.
    if not person.has_role(RoleCode.SECURITY_ADMIN):
        return False
    return not (isinstance(obj, Person) and obj.pk == person.pk)


def _acts_for_leader(person: Any, leader: Any) -> bool:
    # Handling a leader's workflow step is preparing the leader's opinion (拟办意见);
    # stages that may never be delegated (签发, 批示) are refused by the workflow itself.
    return isinstance(leader, Person) and delegation.active_delegation(
        delegate=person, delegator=leader, action=Action.OPINION_PREPARE) is not None


def _manages_api_token(person: Any, token: Any) -> bool:
    if token is None:
        return not admins.is_admin(person)
    return getattr(token, "owner_id", None) == person.pk


def _decides_forwarding(person: Any, obj: Any) -> bool:
    if obj is None or obj.requested_by_id == person.pk:
        return False
    unit = obj.owner_unit
    return person.pk in {unit.head_id, unit.leader_in_charge_id}


_OBJECT_RULES: dict[Action, Callable[[Any, Any], bool]] = {
    Action.OBJECT_VIEW: _may_view,
    Action.OBJECT_DOWNLOAD: _may_view,
    Action.OBJECT_FORWARD: _may_view,
    Action.OPINION_PREPARE: _may_view,
    Action.SIGN_OFF: _is_leader_who_may_view,
    Action.INSTRUCT: _is_leader_who_may_view,
    Action.CLEARANCE_SET: _security_admin_not_self,
    Action.GRANT_MANAGE: _security_admin_not_self,
    Action.FORWARD_DECIDE: _decides_forwarding,
    Action.WORKFLOW_STEP_ACT_ON_BEHALF: _acts_for_leader,
    Action.API_TOKEN_MANAGE: _manages_api_token,
    # workflow and inbox: decided by the owning app's rules module, named by dotted
    # path so that access does not import the apps built on it.
    Action.WORKFLOW_ROUTE_START: _rule_in_app("zhongshu.workflow.rules.may_start_route"),
    Action.WORKFLOW_ROUTE_VIEW: _rule_in_app("zhongshu.workflow.rules.may_view_route"),
    Action.WORKFLOW_STEP_ACT: _rule_in_app("zhongshu.workflow.rules.may_act_on_step"),
    Action.INBOX_VIEW: _rule_in_app("zhongshu.inbox.rules.may_view_inbox"),
    Action.NOTIFICATION_READ: _rule_in_app("zhongshu.inbox.rules.may_read_notification"),
    Action.DOCUMENT_DRAFT: _rule_in_app("zhongshu.documents.rules.may_draft"),
    Action.DOCUMENT_EDIT: _rule_in_app("zhongshu.documents.rules.may_edit"),
    Action.DOCUMENT_DISTRIBUTE: _rule_in_app("zhongshu.documents.rules.may_distribute"),
    Action.DOCUMENT_CHASE: _rule_in_app("zhongshu.documents.rules.may_chase"),
    Action.DOCUMENT_NUMBER_VOID: _rule_in_app("zhongshu.documents.rules.may_void_number"),
    Action.INCOMING_STEP: _rule_in_app("zhongshu.documents.incoming.rules.may_act_on_task"),
    Action.INCOMING_OFFICE: _rule_in_app("zhongshu.documents.incoming.rules.may_act_for_office"),
}


def can(person: Any, action: Action, obj: Any = None, *, on_behalf_of: Any = None) -> bool:
    """May ``person`` do ``action`` (to ``obj``)? Deny by default.

    With ``on_behalf_of`` the person acts for a leader: allowed only for a delegable
    action under an active delegation, when the leader may do it and the person's own
    clearance covers the object's level."""
    if not _signed_in(person):
        return False
    if on_behalf_of is not None:
        if action in NEVER_DELEGABLE or action not in DELEGABLE_ACTIONS:
            return False
        if delegation.active_delegation(delegate=person, delegator=on_behalf_of, action=action) is None:
            return False
        if obj is not None and not clearance_covers(person, getattr(obj, "classification", None)):
            return False
        return can(on_behalf_of, action, obj)
    rule = _OBJECT_RULES.get(action)
    if rule is not None:
        return rule(person, obj)
    allowed_roles = _ROLE_ACTIONS.get(action)
    if allowed_roles is None:
        return False
    return bool(allowed_roles & person.role_codes)


def _audit_scope(person: Any, qs: QuerySet) -> QuerySet:
    """The auditor sees the whole trail. The security admin sees what ordinary users did
    (the auditor watches the administrators) and never an event about themself."""
    if person.has_role(RoleCode.AUDITOR):
        return qs
    if not person.has_role(RoleCode.SECURITY_ADMIN):
        return qs.none()
    admin_ids = Person.objects.filter(roles__code__in=admins.ADMIN_ROLES).values("pk")
    return (qs.exclude(actor_id__in=admin_ids)
            .exclude(on_behalf_of_id=person.pk)
            .exclude(object_type="org.person", object_id=str(person.pk))
            # has_key first: a bare "!= value" on a JSON key drops rows without the key.
            .exclude(Q(details__has_key="person_id") & Q(details__person_id=person.pk)))


# Lists of things that are not classifiable objects, by model label.
_SCOPES: dict[str, Callable[[Any, QuerySet], QuerySet]] = {
    "audit.auditevent": _audit_scope,
    # A background job (an import, an export) is its owner's alone: nobody else sees
    # that it exists.
    "kernel.job": lambda person, qs: qs.filter(owner_id=person.pk),
    # So is a personal API token.
    "api.apitoken": lambda person, qs: qs.filter(owner_id=person.pk),
}


def visible(person: Any, queryset: QuerySet, *, on_behalf_of: Any = None) -> QuerySet:
    """The rows of ``queryset`` that ``person`` may see; nothing if the policy does not
    know the model. Filtering happens in SQL, so counts and pages never include the rest."""
    if not _signed_in(person):
        return queryset.none()
    model = queryset.model
    if on_behalf_of is not None:
        if delegation.active_delegation(delegate=person, delegator=on_behalf_of,
                                        action=Action.OBJECT_VIEW) is None:
            return queryset.none()
        seen = visible(on_behalf_of, queryset)
        if issubclass(model, Classified):
            seen = seen.filter(classification__lte=highest_level(person))
        return seen
    if issubclass(model, Classified):
        if admins.sees_no_content(person):
            return queryset.none()
        return queryset.filter(classification__lte=highest_level(person)).filter(
            grants.need_to_know_q(model, person))
    scope = _SCOPES.get(model._meta.label_lower)
    return scope(person, queryset) if scope else queryset.none()
