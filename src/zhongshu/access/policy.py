"""THE policy: the only place that decides who may do what.

Every view, service, API endpoint and export asks ``can``; every list asks ``visible``;
nothing checks roles by itself. Each app declares its actions (an enum, permanent once
shipped) and their decisions in ``access.registry`` from its ``ready``; this module holds
the access app's own and the two doors that ask the registry.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard, TypeVar

from django.db.models import Model, Q, QuerySet

from zhongshu.org.models import Person, RoleCode

from . import admins, delegation, grants, registry
from .classification import Classified, clearance_covers, highest_level

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


_M = TypeVar("_M", bound=Model)


class Action(StrEnum):
    """The access app's own actions: the administrators' work on accounts, units,
    settings, clearances, grants and the audit trail, and the acts on any classifiable
    object. Every other app declares its own actions (``access.registry``)."""

    # System administration (系统管理员): accounts, units and settings, never content.
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    ACCOUNT_UNLOCK = "account.unlock"
    CALENDAR_MANAGE = "calendar.manage"
    # Any classifiable object: read, download, forward (re-share) it.
    OBJECT_VIEW = "object.view"
    OBJECT_DOWNLOAD = "object.download"
    OBJECT_FORWARD = "object.forward"
    # 变更密级 / 降密 / 解密: the item's 定密责任人 only, never a side effect of saving
    # (issue 11 §6; documents.classification).
    OBJECT_RECLASSIFY = "object.reclassify"
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
    # Giving a person business roles: every business role carries content, so it is the
    # security admin's (docs/security-admin.md).
    ROLE_ASSIGN = "access.role_assign"
    # Password resets: the system admin resets (never an administrator's, never his
    # own); a person cleared 重要 or 核心 needs the security admin's approval first.
    PASSWORD_RESET = "org.password_reset"  # noqa: S105 (an action name)
    PASSWORD_RESET_APPROVE = "access.password_reset_approve"  # noqa: S105


# What a leader may hand to a secretary, with the label the delegation page shows.
# 签发 and 批示 are the leader's own and are refused even if a row somehow names them.
DELEGABLE_ACTIONS: dict[Action, str] = {
    Action.OBJECT_VIEW: "阅件",
    Action.OBJECT_DOWNLOAD: "下载",
    Action.OPINION_PREPARE: "拟办意见",
}
NEVER_DELEGABLE = frozenset({Action.SIGN_OFF, Action.INSTRUCT})


# Who may be asking: a signed-in person, or an anonymous visitor (always refused).
Asker: TypeAlias = "Person | AnonymousUser | None"


def _signed_in(person: Asker) -> TypeGuard[Person]:
    return bool(person is not None and getattr(person, "is_authenticated", False)
                and person.is_active)


def _in_need_to_know(person: Person, obj: Model) -> bool:
    model = type(obj)
    return model._default_manager.filter(pk=obj.pk).filter(
        grants.need_to_know_q(model, person)).exists()


def _may_view(person: Person, obj: Any) -> bool:
    # Deny by default: only classifiable objects are content this rule knows about.
    if not isinstance(obj, Classified) or admins.sees_no_content(person):
        return False
    return clearance_covers(person, obj.classification) and _in_need_to_know(person, obj)


def _is_leader_who_may_view(person: Person, obj: Any) -> bool:
    return person.has_role(RoleCode.LEADER) and _may_view(person, obj)


def _security_admin_not_self(person: Person, obj: Any) -> bool:
    # The security admin never raises their own clearance or grants to themself.
    if not person.has_role(RoleCode.SECURITY_ADMIN):
        return False
    return not (isinstance(obj, Person) and obj.pk == person.pk)


def _acts_for_leader(person: Person, leader: object) -> bool:
    # Handling a leader's workflow step is preparing the leader's opinion (拟办意见);
    # stages that may never be delegated (签发, 批示) are refused by the workflow itself.
    return isinstance(leader, Person) and delegation.active_delegation(
        delegate=person, delegator=leader, action=Action.OPINION_PREPARE) is not None


def _reclassifies(person: Person, obj: Any) -> bool:
    # The 定密责任人: the head or the leader in charge of the item's owner unit (定密单位),
    # who may see the item. Never an administrator (they see no content).
    if not _may_view(person, obj):
        return False
    unit = obj.owner_unit
    return person.pk in {unit.head_id, unit.leader_in_charge_id}


def _decides_forwarding(person: Person, obj: Any) -> bool:
    if obj is None or obj.requested_by_id == person.pk:
        return False
    unit = obj.owner_unit
    return person.pk in {unit.head_id, unit.leader_in_charge_id}


_OBJECT_RULES: dict[StrEnum, registry.Rule | str] = {
    Action.OBJECT_VIEW: _may_view,
    Action.OBJECT_DOWNLOAD: _may_view,
    Action.OBJECT_FORWARD: _may_view,
    Action.OBJECT_RECLASSIFY: _reclassifies,
    Action.OPINION_PREPARE: _may_view,
    Action.SIGN_OFF: _is_leader_who_may_view,
    Action.INSTRUCT: _is_leader_who_may_view,
    Action.CLEARANCE_SET: _security_admin_not_self,
    Action.GRANT_MANAGE: _security_admin_not_self,
    Action.FORWARD_DECIDE: _decides_forwarding,
}


# Rules of the password and role actions (issue 11).
def _resets_password(person: Person, target: Any) -> bool:
    # Administrators' accounts are reset only by ``zhongshu admins`` on the server, and
    # nobody resets his own password this way (he changes it on his profile).
    if not person.has_role(RoleCode.SYSTEM_ADMIN):
        return False
    return target is None or (isinstance(target, Person) and target.pk != person.pk
                              and not admins.is_admin(target))


def _approves_password_reset(person: Person, request: Any) -> bool:
    # ``request`` is an org.PasswordResetRequest (or None for the list page).
    if not person.has_role(RoleCode.SECURITY_ADMIN):
        return False
    return request is None or (request.person_id != person.pk and request.requested_by_id != person.pk)


_OBJECT_RULES.update({
    Action.ROLE_ASSIGN: _security_admin_not_self,
    Action.PASSWORD_RESET: _resets_password,
    Action.PASSWORD_RESET_APPROVE: _approves_password_reset,
})


def can(person: Asker, action: StrEnum | str, obj: Any = None, *,
        on_behalf_of: Person | None = None) -> bool:
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
    decided = registry.decision(action)
    if decided is None:  # deny by default: an action nobody declared, or declared twice
        return False
    rule = decided.resolved_rule()
    if rule is not None:
        return bool(rule(person, obj))
    return bool(decided.roles and decided.roles & person.role_codes)


def _audit_scope(person: Person, qs: QuerySet[Any]) -> QuerySet[Any]:
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


# Lists of things that are not classifiable objects, by model label (the access app's
# own; other apps register theirs).
_SCOPES: dict[str, registry.Scope] = {
    "audit.auditevent": _audit_scope,
    # A background job (an import, an export) is its owner's alone: nobody else sees
    # that it exists.
    "kernel.job": lambda person, qs: qs.filter(owner_id=person.pk),
}

POLICY = registry.AppPolicy(
    app="access", actions=Action, rules=_OBJECT_RULES, scopes=_SCOPES,
    roles={
        Action.ORG_VIEW: {RoleCode.SYSTEM_ADMIN},
        Action.ORG_MANAGE: {RoleCode.SYSTEM_ADMIN},
        Action.ACCOUNT_UNLOCK: {RoleCode.SYSTEM_ADMIN},
        Action.CALENDAR_MANAGE: {RoleCode.SYSTEM_ADMIN},
        Action.DELEGATION_MANAGE: {RoleCode.LEADER},
        Action.AUDIT_VIEW: {RoleCode.AUDITOR, RoleCode.SECURITY_ADMIN},
        Action.AUDIT_EXPORT: {RoleCode.AUDITOR},
    })


def visible(person: Asker, queryset: QuerySet[_M], *,
            on_behalf_of: Person | None = None) -> QuerySet[_M]:
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
    scope = registry.scope(model._meta.label_lower)
    return scope(person, queryset) if scope else queryset.none()
