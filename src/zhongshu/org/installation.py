"""The three administrator accounts (三员), created at installation and changed only
from the server's console by ``zhongshu admins``: no page, import or service of the
running system can create, change or remove one (``access.admins``).

The demo loader creates its administrators through ``administrators_install`` too, so
the path ``./run`` takes is the path a real installation takes."""

from __future__ import annotations

import getpass
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhongshu.access.admins import ADMIN_ROLES
from zhongshu.audit import services as audit

from .events import OrgEvent
from .models import Clearance, Person, Role, RoleCode, Unit

# The order the command and the documentation use.
ADMIN_ROLE_ORDER = (RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR)
DEFAULT_USERNAMES = {RoleCode.SYSTEM_ADMIN: "sysadmin", RoleCode.SECURITY_ADMIN: "secadmin",
                     RoleCode.AUDITOR: "auditor"}
# The security admin must be able to judge classified grants; the other two see no
# content, and their clearance only bounds the titles the auditor may read.
DEFAULT_CLEARANCES = {RoleCode.SYSTEM_ADMIN: Clearance.NONE, RoleCode.SECURITY_ADMIN: Clearance.CORE,
                      RoleCode.AUDITOR: Clearance.GENERAL}
ROLE_ALIASES = {"system": RoleCode.SYSTEM_ADMIN, "system_admin": RoleCode.SYSTEM_ADMIN,
                "sysadmin": RoleCode.SYSTEM_ADMIN, "security": RoleCode.SECURITY_ADMIN,
                "security_admin": RoleCode.SECURITY_ADMIN, "secadmin": RoleCode.SECURITY_ADMIN,
                "auditor": RoleCode.AUDITOR}


@dataclass
class AdminSpec:
    username: str
    full_name: str
    clearance: str = Clearance.NONE
    unit: Unit | None = None
    position: str = ""
    # None: a one-time password is generated, shown once, and must be changed at the
    # first sign-in. The demo gives its documented password hash instead.
    password_hash: str | None = None
    sort_order: int = 100


@dataclass
class Installed:
    role: str
    person: Person
    one_time_password: str | None = field(default=None, repr=False)


def one_time_password() -> str:
    """12 characters from an alphabet without look-alikes, with every class present so
    that it passes the password rules it will be replaced under."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(9))
    return f"{body[:4]}-{body[4:]}{secrets.choice('23456789')}"


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a container: still record the act
        return "?"


def holders() -> dict[str, Person]:
    """The active account of each administrator role."""
    out: dict[str, Person] = {}
    for person in Person.objects.filter(is_active=True, roles__code__in=ADMIN_ROLES).prefetch_related("roles"):
        for code in person.role_codes & ADMIN_ROLES:
            out[code] = person
    return out


def _role_of(name: str) -> str:
    code = ROLE_ALIASES.get(name)
    if code is None:
        raise ValidationError(f"管理员类别“{name}”无效，应为 system、security 或 auditor。")
    return code


def _create(role: str, spec: AdminSpec, *, details: dict[str, Any]) -> Installed:
    if Person.objects.filter(username=spec.username).exists():
        raise ValidationError(f"账号“{spec.username}”已存在。")
    if spec.clearance not in Clearance.values:
        raise ValidationError(f"涉密等级“{spec.clearance}”无效。")
    password = None
    person = Person(username=spec.username, full_name=spec.full_name, unit=spec.unit,
                    position=spec.position, clearance=spec.clearance, sort_order=spec.sort_order)
    if spec.password_hash:
        person.password = spec.password_hash
    else:
        password = one_time_password()
        person.password = make_password(password)
        person.must_change_password = True
    person.full_clean(exclude=["password"])
    person.save()
    Role.objects.get_or_create(code=role, defaults={"name": str(RoleCode(role).label)})
    person.roles.set(Role.objects.filter(code=role))
    audit.record(actor=None, action=OrgEvent.ADMIN_INSTALL, obj=person, details={
        "role": role, "username": person.username, "clearance": person.clearance,
        "unit_id": spec.unit.pk if spec.unit else None, "one_time_password": password is not None,
        "operator": _operator(), **details})
    return Installed(role, person, password)


@transaction.atomic
def administrators_install(specs: dict[str, AdminSpec]) -> list[Installed]:
    """Create the three administrator accounts, once. ``specs`` maps each of the
    three role codes to its account."""
    if set(specs) != set(ADMIN_ROLES):
        raise ValidationError("须同时创建系统管理员、安全保密管理员、安全审计员三个账号。")
    existing = holders()
    if existing:
        raise ValidationError("管理员账号已安装：" + "、".join(
            f"{RoleCode(code).label} {p.username}" for code, p in sorted(existing.items())))
    names = [s.username for s in specs.values()]
    if len(set(names)) != 3:
        raise ValidationError("三个管理员账号必须各不相同（三员分立）。")
    return [_create(role, specs[role], details={"via": "install"}) for role in ADMIN_ROLE_ORDER]


@transaction.atomic
def administrator_reset_password(role_name: str, *, reason: str) -> Installed:
    """Give an administrator a one-time password, from the server's console."""
    role = _role_of(role_name)
    if not reason.strip():
        raise ValidationError("请写明重置原因。")
    person = holders().get(role)
    if person is None:
        raise ValidationError(f"没有在岗的{RoleCode(role).label}。")
    password = one_time_password()
    now = timezone.now()
    person.set_password(password)
    person.must_change_password = True
    person.password_reset_by = None
    person.password_reset_at = now
    person.save(update_fields=["password", "must_change_password", "password_reset_by",
                               "password_reset_at"])
    audit.record(actor=None, action=OrgEvent.ADMIN_PASSWORD_RESET, obj=person, details={
        "role": role, "reason": reason.strip()[:200], "operator": _operator()})
    return Installed(role, person, password)


@transaction.atomic
def administrator_replace(role_name: str, spec: AdminSpec, *, reason: str) -> Installed:
    """When an administrator leaves: deactivate the current account and create the
    successor's, from the server's console. Both changes are audited with old and new
    values."""
    role = _role_of(role_name)
    if not reason.strip():
        raise ValidationError("请写明更换原因。")
    current = holders().get(role)
    if current is not None:
        Person.objects.filter(pk=current.pk).update(is_active=False)
        audit.record(actor=None, action=OrgEvent.ADMIN_REPLACE, obj=current, details={
            "role": role, "changes": {"is_active": [True, False]}, "reason": reason.strip()[:200],
            "successor": spec.username, "operator": _operator()})
    return _create(role, spec, details={"via": "replace", "reason": reason.strip()[:200],
                                        "predecessor_id": current.pk if current else None})
