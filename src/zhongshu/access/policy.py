"""THE policy: the only place that decides who may do what.

Every view, service, API endpoint and export asks ``can``; nothing checks roles by
itself. Actions are declared here as an enum and are permanent once shipped.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from zhongshu.org.models import RoleCode


class Action(StrEnum):
    # System administration (系统管理员): accounts, units and settings, never content.
    ORG_VIEW = "org.view"
    ORG_MANAGE = "org.manage"
    ACCOUNT_UNLOCK = "account.unlock"
    CALENDAR_MANAGE = "calendar.manage"
    # 公文校对: anyone with a role may proofread; the office keeps the term list.
    PROOFREAD_USE = "proofread.use"
    TERMLIST_MANAGE = "proofread.termlist_manage"


# Actions that depend only on the person's role, not on an object.
_ROLE_ACTIONS: dict[Action, frozenset[str]] = {
    Action.ORG_VIEW: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.ORG_MANAGE: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.ACCOUNT_UNLOCK: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.CALENDAR_MANAGE: frozenset({RoleCode.SYSTEM_ADMIN}),
    Action.PROOFREAD_USE: frozenset(RoleCode.values),
    Action.TERMLIST_MANAGE: frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}),
}


def can(person: Any, action: Action, obj: Any = None) -> bool:
    """May ``person`` do ``action`` (to ``obj``)? Deny by default."""
    if person is None or not getattr(person, "is_authenticated", False) or not person.is_active:
        return False
    allowed_roles = _ROLE_ACTIONS.get(action)
    if allowed_roles is None:
        return False
    return bool(allowed_roles & person.role_codes)
