"""Every write to units and people. Views, the importer, the demo loader and the CLI
all come through here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401 (re-exported for views)
from django.db import transaction

from zhongshu.access.policy import Action, can

from .models import Clearance, Person, Role, RoleCode, Unit, UnitKind


def _check(actor: Person | None, action: str) -> None:
    if actor is None:  # the system itself (migrations, demo loader bootstrap)
        return
    if not can(actor, Action(action)):
        raise PermissionDenied


def roles_ensure() -> None:
    """Create the role rows from the codes: roles are data, the codes are permanent."""
    for code in RoleCode:
        Role.objects.update_or_create(code=code.value, defaults={"name": str(code.label)})


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
    return unit


@transaction.atomic
def unit_update(*, actor: Person | None, unit: Unit, **fields: Any) -> Unit:
    _check(actor, "org.manage")
    for key, value in fields.items():
        setattr(unit, key, value)
    _validate_parent(unit, unit.parent)
    unit.full_clean()
    unit.save()
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
    person = Person(username=username, full_name=full_name, unit=unit, position=position,
                    clearance=clearance, email=email, phone=phone, sort_order=sort_order,
                    is_active=is_active)
    if password_hash:
        person.password = password_hash
    elif password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.full_clean()
    person.save()
    person.roles.set(Role.objects.filter(code__in=list(roles)))
    return person


@transaction.atomic
def person_update(*, actor: Person | None, person: Person, roles: Iterable[str] | None = None,
                  **fields: Any) -> Person:
    _check(actor, "org.manage")
    for key, value in fields.items():
        setattr(person, key, value)
    person.full_clean()
    person.save()
    if roles is not None:
        person.roles.set(Role.objects.filter(code__in=list(roles)))
        person._role_codes = None
    return person


def person_set_password(*, actor: Person | None, person: Person, password: str) -> None:
    _check(actor, "org.manage")
    person.set_password(password)
    person.save(update_fields=["password"])


def unit_kinds() -> list[tuple[str, str]]:
    return [(k.value, str(k.label)) for k in UnitKind]
