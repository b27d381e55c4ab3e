"""Every write of the access app: clearances, grants, forwarding approvals and
delegations. Each checks the policy, changes in one transaction and records the
audit event itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhongshu.audit import services as audit
from zhongshu.org.events import OrgEvent
from zhongshu.org.models import (
    Clearance,
    PasswordResetRequest,
    Person,
    ResetStatus,
    Role,
    RoleCode,
    Unit,
)

from . import admins, generation, grants
from .classification import Classified, clearance_covers, is_classified
from .events import AccessEvent
from .models import Delegation, ForwardPurpose, ForwardRequest, ForwardStatus, Grant
from .policy import DELEGABLE_ACTIONS, NEVER_DELEGABLE, Action, can


def _require(actor: Person | None, action: Action, obj: object = None) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied


def _not_admin_account(person: Person) -> None:
    # Administrators' accounts are set at installation and changed only by
    # ``zhongshu admins`` on the server (三员分立).
    if admins.is_admin(person):
        raise ValidationError(admins.ADMIN_ACCOUNT_LOCKED)


@transaction.atomic
def person_clearance_set(*, actor: Person, person: Person, clearance: str, reason: str) -> Person:
    """The security admin sets a person's clearance (never their own, never an
    administrator's)."""
    _require(actor, Action.CLEARANCE_SET, person)
    _not_admin_account(person)
    if clearance not in Clearance.values:
        raise ValidationError({"clearance": "涉密等级无效。"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写调整依据。"})
    old = person.clearance
    if old == clearance:
        return person
    Person.objects.filter(pk=person.pk).update(clearance=clearance)
    person.clearance = clearance
    generation.bump()  # an update() sends no signal
    audit.record(actor=actor, action=AccessEvent.CLEARANCE_SET, obj=person,
                 details={"old": old, "new": clearance, "reason": reason.strip()})
    return person


@transaction.atomic
def person_roles_set(*, actor: Person, person: Person, roles: Iterable[str], reason: str) -> Person:
    """The security admin gives or takes a person's business roles: every one of them
    opens content (``admins.CONTENT_ROLES``). Administrator roles are never given here."""
    _require(actor, Action.ROLE_ASSIGN, person)
    _not_admin_account(person)
    codes = sorted(set(map(str, roles)))
    if not set(codes) <= admins.CONTENT_ROLES:
        raise ValidationError({"roles": admins.ADMIN_ROLE_INSTALL_ONLY})
    locked = Person.objects.select_for_update().get(pk=person.pk)
    old = sorted(locked.roles.values_list("code", flat=True))
    if old == codes:
        return person
    if not reason.strip():
        raise ValidationError({"reason": "请填写调整依据。"})
    locked.roles.set(Role.objects.filter(code__in=codes))
    person._role_codes = None
    audit.record(actor=actor, action=AccessEvent.ROLES_SET, obj=person,
                 details={"old": old, "new": codes, "reason": reason.strip()[:200]})
    return person


@transaction.atomic
def password_reset_decide(*, actor: Person, request: PasswordResetRequest, approve: bool,
                          note: str = "") -> PasswordResetRequest:
    """The security admin approves or refuses the system admin's request to reset the
    password of a person cleared 重要 or 核心 (never a request about or by herself)."""
    _require(actor, Action.PASSWORD_RESET_APPROVE, request)
    if not approve and not note.strip():
        raise ValidationError({"note": "不予批准时请说明理由。"})
    status = ResetStatus.APPROVED if approve else ResetStatus.REJECTED
    # Conditional update: a request is decided once.
    if not PasswordResetRequest.objects.filter(pk=request.pk, status=ResetStatus.PENDING).update(
            status=status, decided_by=actor, decided_at=timezone.now(), decision_note=note.strip()[:200]):
        raise ValidationError("该申请已处理。")
    request.refresh_from_db()
    audit.record(actor=actor,
                 action=OrgEvent.PASSWORD_RESET_APPROVE if approve else OrgEvent.PASSWORD_RESET_REJECT,
                 obj=request.person, details={"request_id": request.pk, "note": request.decision_note,
                                              "requested_by_id": request.requested_by_id,
                                              "reason": request.reason})
    return request


def _check_recipient(obj: Classified, person: Person | None, unit: Unit | None) -> None:
    if (person is None) == (unit is None):
        raise ValidationError("请选择一名人员或一个单位。")
    if person is not None:
        if not person.is_active:
            raise ValidationError({"person": "该人员已停用。"})
        if not clearance_covers(person, obj.classification):
            raise ValidationError({"person": "该人员的涉密等级不足以知悉此密级的事项。"})


GRANT_INCLUDES_GRANTER = "授权范围包含授权人本人（本人或本人所在单位），不予授权：请由其他有权人员办理。"


@transaction.atomic
def grant_add(*, actor: Person | None, obj: Classified, reason: str, person: Person | None = None,
              unit: Unit | None = None, expires_at: dt.datetime | None = None,
              forward_request: ForwardRequest | None = None) -> Grant | ForwardRequest:
    """Put a person or a unit into an object's need-to-know.

    The security admin's grant of an unclassified item takes effect at once (a
    ``Grant``). Her grant of a classified item (秘密 and up) needs a second person's
    approval, the owner unit's leader's: a pending ``ForwardRequest`` of purpose GRANT
    is returned, and the grant follows its approval. A grant whose holder includes the
    granter (herself, or her own unit) is refused. ``actor=None`` or a
    ``forward_request`` is the system acting on an approved request."""
    if forward_request is None:
        if actor is None:  # only the system, acting on an approved request, has no actor
            raise PermissionDenied
        _require(actor, Action.GRANT_MANAGE, obj)
        if person is not None and person.pk == actor.pk:
            raise ValidationError({"person": "不能为自己授权。"})
        if unit is not None and unit.pk == actor.unit_id:
            raise ValidationError({"unit": GRANT_INCLUDES_GRANTER})
    _check_recipient(obj, person, unit)
    if not reason.strip():
        raise ValidationError({"reason": "请填写授权事由。"})
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": "到期时间应晚于现在。"})
    if forward_request is None and is_classified(obj.classification):
        if _within_need_to_know(obj, person, unit):
            raise ValidationError("被授权方已在知悉范围内。")
        assert actor is not None  # checked above: no forward_request, so a person acts
        return _grant_request(actor, obj, person, unit, reason, expires_at)
    grant = Grant.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk,
        person=person, unit=unit, reason=reason.strip()[:200], granted_by=actor, granted_at=now,
        expires_at=expires_at, forward_request=forward_request)
    audit.record(actor=actor, action=AccessEvent.GRANT_ADD, obj=obj, details={
        "grant_id": grant.pk, "person_id": person.pk if person else None,
        "unit_id": unit.pk if unit else None, "reason": grant.reason,
        "expires_at": expires_at, "forward_request_id": forward_request.pk if forward_request else None})
    return grant


def _grant_request(actor: Person, obj: Classified, person: Person | None, unit: Unit | None,
                   reason: str, expires_at: dt.datetime | None) -> ForwardRequest:
    request = ForwardRequest.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk,
        owner_unit_id=obj.owner_unit_id, classification=obj.classification, requested_by=actor,
        recipient_person=person, recipient_unit=unit, reason=reason.strip()[:500],
        purpose=ForwardPurpose.GRANT, expires_at=expires_at)
    audit.record(actor=actor, action=AccessEvent.GRANT_REQUEST, obj=obj, details={
        "request_id": request.pk, "person_id": person.pk if person else None,
        "unit_id": unit.pk if unit else None, "reason": request.reason, "expires_at": expires_at,
        "owner_unit_id": obj.owner_unit_id})
    return request


@transaction.atomic
def grant_revoke(*, actor: Person, grant: Grant) -> Grant:
    obj = grant.obj
    _require(actor, Action.GRANT_MANAGE, obj)
    now = timezone.now()
    # Conditional update: two admins revoking at once record one revocation.
    if not Grant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(revoked_at=now,
                                                                             revoked_by=actor):
        raise ValidationError("该授权已撤销。")
    generation.bump()  # an update() sends no signal
    grant.refresh_from_db()
    audit.record(actor=actor, action=AccessEvent.GRANT_REVOKE, obj=obj, details={
        "grant_id": grant.pk, "person_id": grant.person_id, "unit_id": grant.unit_id})
    return grant


def _within_need_to_know(obj: Classified, person: Person | None, unit: Unit | None) -> bool:
    if person is not None:
        return can(person, Action.OBJECT_VIEW, obj)
    assert unit is not None  # _check_recipient: a person or a unit
    return grants.unit_has_grant(obj, unit.pk)


@transaction.atomic
def object_share(*, actor: Person, obj: Classified, reason: str, person: Person | None = None,
                 unit: Unit | None = None, on_behalf_of: Person | None = None) -> Grant | ForwardRequest:
    """Forward or re-share an object to a person or unit outside its need-to-know.
    Classified objects (秘密 and up) need the owner unit leader's approval: a pending
    request is returned. Unclassified ones are shared at once: the grant is returned."""
    if not can(actor, Action.OBJECT_FORWARD, obj, on_behalf_of=on_behalf_of):
        raise PermissionDenied
    _check_recipient(obj, person, unit)
    if not reason.strip():
        raise ValidationError({"reason": "请填写转发事由。"})
    if _within_need_to_know(obj, person, unit):
        raise ValidationError("接收方已在知悉范围内，无需转发审批。")
    if not is_classified(obj.classification):
        return _share_unclassified(actor, obj, person, unit, reason, on_behalf_of)
    request = ForwardRequest.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk,
        owner_unit_id=obj.owner_unit_id, classification=obj.classification, requested_by=actor,
        recipient_person=person, recipient_unit=unit, reason=reason.strip()[:500])
    audit.record(actor=actor, action=AccessEvent.FORWARD_REQUEST, obj=obj, on_behalf_of=on_behalf_of,
                 details={"request_id": request.pk, "person_id": person.pk if person else None,
                          "unit_id": unit.pk if unit else None, "reason": request.reason})
    return request


def _share_unclassified(actor: Person, obj: Classified, person: Person | None, unit: Unit | None,
                        reason: str, on_behalf_of: Person | None) -> Grant:
    grant = Grant.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk,
        person=person, unit=unit, reason=f"转发：{reason.strip()}"[:200], granted_by=actor)
    audit.record(actor=actor, action=AccessEvent.GRANT_ADD, obj=obj, on_behalf_of=on_behalf_of, details={
        "grant_id": grant.pk, "person_id": person.pk if person else None,
        "unit_id": unit.pk if unit else None, "reason": grant.reason, "shared": True})
    return grant


@transaction.atomic
def forward_decide(*, actor: Person, request: ForwardRequest, approve: bool,
                   note: str = "") -> ForwardRequest:
    """The owner unit's leader approves or refuses; approval adds the grant."""
    _require(actor, Action.FORWARD_DECIDE, request)
    if request.purpose == ForwardPurpose.GRANT and (
            request.recipient_person_id == actor.pk
            or (request.recipient_unit_id is not None and request.recipient_unit_id == actor.unit_id)):
        raise ValidationError("该授权包含审批人本人，应由定密单位的其他领导审批。")
    if approve and request.expires_at is not None and request.expires_at <= timezone.now():
        raise ValidationError("申请的授权到期时间已过，请不予批准并由安全保密管理员重新申请。")
    if not approve and not note.strip():
        raise ValidationError({"note": "不予批准时请说明理由。"})
    status = ForwardStatus.APPROVED if approve else ForwardStatus.REJECTED
    now = timezone.now()
    # Conditional update: a request is decided once, even with two leaders clicking.
    if not ForwardRequest.objects.filter(pk=request.pk, status=ForwardStatus.PENDING).update(
            status=status, decided_by=actor, decided_at=now, decision_note=note.strip()[:500]):
        raise ValidationError("该申请已处理。")
    request.refresh_from_db()
    obj = request.obj
    if approve:
        label = "经审批授权" if request.purpose == ForwardPurpose.GRANT else "经审批转发"
        assert isinstance(obj, Classified)  # a request is only ever made for one
        grant_add(actor=actor, obj=obj, person=request.recipient_person,
                  unit=request.recipient_unit, forward_request=request, expires_at=request.expires_at,
                  reason=f"{label}（申请 #{request.pk}）：{request.reason}"[:200])
    audit.record(actor=actor,
                 action=AccessEvent.FORWARD_APPROVE if approve else AccessEvent.FORWARD_REJECT,
                 obj=obj, details={"request_id": request.pk, "note": request.decision_note,
                                   "requested_by_id": request.requested_by_id,
                                   "purpose": request.purpose})
    return request


@transaction.atomic
def delegation_create(*, actor: Person, delegate: Person, actions: Iterable[str],
                      starts_at: dt.datetime, ends_at: dt.datetime, note: str = "") -> Delegation:
    _require(actor, Action.DELEGATION_MANAGE)
    chosen = sorted(set(map(str, actions)))
    if not chosen:
        raise ValidationError({"actions": "请至少选择一项委托事项。"})
    if set(chosen) & set(NEVER_DELEGABLE):
        raise ValidationError({"actions": "签发、批示由领导本人办理，不得委托。"})
    if not set(chosen) <= set(DELEGABLE_ACTIONS):
        raise ValidationError({"actions": "所选事项不能委托。"})
    if delegate.pk == actor.pk:
        raise ValidationError({"delegate": "不能委托给本人。"})
    if not delegate.is_active or not delegate.has_role(RoleCode.SECRETARY):
        raise ValidationError({"delegate": "只能委托给在岗的秘书。"})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "结束时间应晚于开始时间。"})
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": "结束时间已过。"})
    delegation = Delegation.objects.create(delegator=actor, delegate=delegate, actions=chosen,
                                           starts_at=starts_at, ends_at=ends_at, note=note[:200])
    audit.record(actor=actor, action=AccessEvent.DELEGATION_CREATE, obj=delegation, details={
        "delegate_id": delegate.pk, "actions": chosen, "starts_at": starts_at, "ends_at": ends_at})
    return delegation


@transaction.atomic
def delegation_revoke(*, actor: Person, delegation: Delegation) -> Delegation:
    if delegation.delegator_id != actor.pk or not can(actor, Action.DELEGATION_MANAGE):
        raise PermissionDenied
    if not Delegation.objects.filter(pk=delegation.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()):
        raise ValidationError("该委托已撤销。")
    generation.bump()  # an update() sends no signal
    delegation.refresh_from_db()
    audit.record(actor=actor, action=AccessEvent.DELEGATION_REVOKE, obj=delegation,
                 details={"delegate_id": delegation.delegate_id})
    return delegation


def object_for(label: str, object_id: int) -> Classified | None:
    """A classifiable object by model label and id, for the security admin's pages."""
    from .classification import classified_models

    for model in classified_models():
        if model._meta.label_lower == label.lower():
            return model._default_manager.filter(pk=object_id).first()
    return None
