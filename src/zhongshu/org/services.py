"""Every write to units and people. Views, the importer, the demo loader and the CLI
all come through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401 (re-exported for views)
from django.db import transaction
from django.utils import timezone

from zhongshu.access import admins
from zhongshu.access.admins import separation_error
from zhongshu.access.policy import Action, can
from zhongshu.audit import services as audit

from .events import OrgEvent
from .models import (
    Clearance,
    PasswordResetRequest,
    Person,
    ResetStatus,
    Role,
    RoleCode,
    Unit,
    UnitKind,
)

CLEARANCE_NOT_YOURS = "涉密等级由安全保密管理员设定（三员分立），系统管理员不能修改。"


def _check(actor: Person | None, action: str) -> None:
    if actor is None:  # the system itself (migrations, demo loader bootstrap)
        return
    if not can(actor, Action(action)):
        raise PermissionDenied


def roles_ensure() -> None:
    """Create the role rows from the codes: roles are data, the codes are permanent."""
    for code in RoleCode:
        Role.objects.update_or_create(code=code.value, defaults={"name": str(code.label)})


def _check_roles(actor: Person | None, old: Iterable[str], roles: Iterable[str]) -> list[str]:
    """The role codes to store, or a ValidationError: administrator roles are given
    only at installation (``org.installation``), business roles only by the security
    admin (every one carries content). ``actor=None`` is the system (demo loader,
    tests' set-up), which may give business roles but never administrator ones."""
    codes = sorted(set(roles))
    old_codes = sorted(set(old))
    if admins.admin_roles_touched(old_codes, codes):
        raise ValidationError({"roles": admins.ADMIN_ROLE_INSTALL_ONLY})
    message = separation_error(codes)
    if message:
        raise ValidationError({"roles": message})
    if actor is not None and codes != old_codes and not can(actor, Action.ROLE_ASSIGN):
        raise ValidationError({"roles": admins.ROLES_NOT_YOURS})
    return codes


def _check_not_admin_account(actor: Person | None, person: Person) -> None:
    # Administrator accounts are changed only by ``zhongshu admins`` on the server.
    if actor is not None and admins.is_admin(person):
        raise ValidationError(admins.ADMIN_ACCOUNT_LOCKED)


def _check_unit_leaders(fields: dict[str, Any]) -> None:
    # A unit's head and leader in charge decide forwarding and grant requests for its
    # items: an administrator account holds no such business function.
    for key in ("head", "leader_in_charge"):
        person = fields.get(key)
        if person is not None and admins.is_admin(person):
            raise ValidationError({key: "三员分立：管理员账号不能担任单位负责人或分管领导。"})


def _check_clearance(actor: Person | None, old: str, new: str) -> None:
    # Setting a clearance is the security admin's act (access.services); the system
    # admin's screens and imports may only leave it as it is.
    if actor is not None and old != new and not can(actor, Action.CLEARANCE_SET):
        raise ValidationError({"clearance": CLEARANCE_NOT_YOURS})


def _validate_parent(unit: Unit, parent: Unit | None) -> None:
    node = parent
    while node is not None:
        if unit.pk is not None and node.pk == unit.pk:
            raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})
        node = node.parent


@transaction.atomic
def unit_create(*, actor: Person | None, name: str, code: str, kind: str,
                parent: Unit | None = None, short_name: str = "", issuer_code: str = "",
                sort_order: int = 100, is_active: bool = True) -> Unit:
    _check(actor, "org.manage")
    unit = Unit(name=name, code=code, kind=kind, parent=parent, short_name=short_name,
                issuer_code=issuer_code, sort_order=sort_order, is_active=is_active)
    unit.full_clean()
    unit.save()
    audit.record(actor=actor, action=OrgEvent.UNIT_CREATE, obj=unit,
                 details={"code": code, "kind": kind, "parent_id": parent.pk if parent else None})
    return unit


@transaction.atomic
def unit_update(*, actor: Person | None, unit: Unit, **fields: Any) -> Unit:
    _check(actor, "org.manage")
    # Compare with the stored row, never with ``unit``: a ModelForm has already copied
    # the new values onto the instance it validated.
    stored = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_unit_leaders(fields)
    changed = audit.changes(stored, fields)
    for key, value in fields.items():
        setattr(unit, key, value)
    _validate_parent(unit, unit.parent)
    unit.full_clean()
    unit.save()
    if changed:
        audit.record(actor=actor, action=OrgEvent.UNIT_UPDATE, obj=unit, details={"changes": changed})
    return unit


@transaction.atomic
def person_create(*, actor: Person | None, username: str, full_name: str, unit: Unit | None,
                  position: str = "", roles: Iterable[str] = (), clearance: str = Clearance.NONE,
                  email: str = "", phone: str = "", password: str | None = None,
                  password_hash: str | None = None, sort_order: int = 100,
                  is_active: bool = True) -> Person:
    """Create an account. ``password_hash`` lets bulk loaders hash one password once
    instead of paying Argon2's cost per person."""
    _check(actor, "org.manage")
    codes = _check_roles(actor, (), roles)
    _check_clearance(actor, Clearance.NONE, clearance)
    person = Person(username=username, full_name=full_name, unit=unit, position=position,
                    clearance=clearance, email=email, phone=phone, sort_order=sort_order,
                    is_active=is_active)
    if password_hash:
        person.password = password_hash
    elif password:
        person.set_password(password)
        # The administrator who chose it knows it: it opens only the change-password
        # page until the person has chosen their own.
        person.must_change_password = actor is not None
    else:
        person.set_unusable_password()
    person.full_clean()
    person.save()
    person.roles.set(Role.objects.filter(code__in=codes))
    audit.record(actor=actor, action=OrgEvent.PERSON_CREATE, obj=person, details={
        "username": username, "unit_id": unit.pk if unit else None, "roles": codes,
        "clearance": clearance, "is_active": is_active,
        "password_set": bool(password or password_hash)})
    return person


@transaction.atomic
def person_update(*, actor: Person | None, person: Person, roles: Iterable[str] | None = None,
                  **fields: Any) -> Person:
    _check(actor, "org.manage")
    fields.pop("password", None)  # passwords only through person_set_password
    # Compare with the stored row, never with ``person``: a ModelForm has already copied
    # the new values onto the instance it validated.
    stored = Person.objects.select_for_update().get(pk=person.pk)
    _check_not_admin_account(actor, stored)
    if "clearance" in fields:
        _check_clearance(actor, stored.clearance, fields["clearance"])
    changed = audit.changes(stored, fields)
    for key, value in fields.items():
        setattr(person, key, value)
    person.full_clean()
    person.save()
    if roles is not None:
        old = sorted(person.roles.values_list("code", flat=True))
        codes = _check_roles(actor, old, roles)
        if old != codes:
            changed["roles"] = [old, codes]
        person.roles.set(Role.objects.filter(code__in=codes))
        person._role_codes = None
    if changed:
        audit.record(actor=actor, action=OrgEvent.PERSON_UPDATE, obj=person,
                     details={"changes": changed})
    return person


@transaction.atomic
def person_set_password(*, actor: Person | None, person: Person, password: str) -> None:
    """Set a password as the system (loaders, tests' set-up). People's passwords are
    reset through ``person_password_reset`` (reason, approval, one-time password)."""
    if actor is not None:
        raise PermissionDenied
    person.set_password(password)
    person.save(update_fields=["password"])
    # Never the password, nor its hash: only that it was set, and by whom.
    audit.record(actor=actor, action=OrgEvent.PERSON_PASSWORD_SET, obj=person)


# Resetting the password of a person cleared this high needs the security admin's
# approval first: the new password opens classified content to whoever holds it.
RESET_NEEDS_APPROVAL = frozenset({Clearance.IMPORTANT, Clearance.CORE})
# An approval is used within this many days or lapses.
RESET_APPROVAL_DAYS = 3


def reset_needs_approval(person: Person) -> bool:
    return person.clearance in RESET_NEEDS_APPROVAL


def _approved_reset(person: Person) -> PasswordResetRequest | None:
    since = timezone.now() - dt.timedelta(days=RESET_APPROVAL_DAYS)
    return (PasswordResetRequest.objects.select_for_update()
            .filter(person=person, status=ResetStatus.APPROVED, decided_at__gte=since)
            .order_by("-decided_at").first())


def reset_state(person: Person) -> dict[str, Any]:
    """What the reset page shows: whether approval is needed, and the open request."""
    open_request = (PasswordResetRequest.objects.filter(
        person=person, status__in=[ResetStatus.PENDING, ResetStatus.APPROVED])
        .select_related("requested_by", "decided_by").order_by("-created_at").first())
    if open_request is not None and open_request.status == ResetStatus.APPROVED and (
            open_request.decided_at is not None and open_request.decided_at < timezone.now() - dt.timedelta(days=RESET_APPROVAL_DAYS)):
        open_request = None
    return {"needs_approval": reset_needs_approval(person), "request": open_request}


@transaction.atomic
def password_reset_request(*, actor: Person, person: Person, reason: str) -> PasswordResetRequest:
    """Ask the security admin to approve resetting the password of a person cleared
    重要 or 核心."""
    if not can(actor, Action.PASSWORD_RESET, person):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "请填写重置原因。"})
    if not reset_needs_approval(person):
        raise ValidationError("该人员的密码可直接重置，无需审批。")
    if reset_state(person)["request"] is not None:
        raise ValidationError("该人员已有待审批或已批准的重置申请。")
    request = PasswordResetRequest.objects.create(person=person, requested_by=actor,
                                                  reason=reason.strip()[:200])
    audit.record(actor=actor, action=OrgEvent.PASSWORD_RESET_REQUEST, obj=person, details={
        "request_id": request.pk, "reason": request.reason, "clearance": person.clearance})
    return request


@transaction.atomic
def person_password_reset(*, actor: Person, person: Person, reason: str) -> str:
    """The system admin resets a person's password. Returns a one-time password, shown
    once to the admin: it opens nothing but the change-password page, and the person is
    told there who reset it and when. Administrators' accounts are reset only by
    ``zhongshu admins``; people cleared 重要 or 核心 only with an approved request."""
    if not can(actor, Action.PASSWORD_RESET, person):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "请填写重置原因。"})
    request = None
    if reset_needs_approval(person):
        request = _approved_reset(person)
        if request is None:
            raise ValidationError("该人员为重要或核心涉密人员，重置密码须先经安全保密管理员批准。")
        PasswordResetRequest.objects.filter(pk=request.pk).update(status=ResetStatus.USED,
                                                                  used_at=timezone.now())
    from .installation import one_time_password

    password = one_time_password()
    stored = Person.objects.select_for_update().get(pk=person.pk)
    stored.set_password(password)
    stored.must_change_password = True
    stored.password_reset_by = actor
    stored.password_reset_at = timezone.now()
    stored.save(update_fields=["password", "must_change_password", "password_reset_by",
                               "password_reset_at"])
    audit.record(actor=actor, action=OrgEvent.PERSON_PASSWORD_RESET, obj=stored, details={
        "reason": reason.strip()[:200], "clearance": stored.clearance,
        "request_id": request.pk if request else None,
        "approved_by_id": request.decided_by_id if request else None})
    return password


@transaction.atomic
def person_change_own_password(*, actor: Person, password: str) -> None:
    """A person changing their own password: on the profile page (the form has checked
    the old one), or on the change-password page a one-time password opens."""
    after_reset = actor.must_change_password
    actor.set_password(password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    audit.record(actor=actor, action=OrgEvent.PERSON_PASSWORD_CHANGE_OWN, obj=actor,
                 details={"one_time_password_replaced": True} if after_reset else None)


def unit_kinds() -> list[tuple[str, str]]:
    return [(k.value, str(k.label)) for k in UnitKind]
