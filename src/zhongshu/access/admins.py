"""The three separated administrators (三员分立).

The system admin manages accounts, units and settings and sees no business content; the
security admin sets clearances and grants; the auditor reads and exports the audit
trail. Nobody may hold two of the three roles: this is checked in org's person services
and in the Excel importer, both through ``separation_error``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhongshu.org.models import RoleCode

ADMIN_ROLES = frozenset({RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR})
# Roles whose holders never see business content, whatever grants they might hold.
NO_CONTENT_ROLES = frozenset({RoleCode.SYSTEM_ADMIN, RoleCode.AUDITOR})

SEPARATION_MESSAGE = "三员分立：系统管理员、安全保密管理员、安全审计员不得由同一人兼任，请只保留其中一个角色。"


def separation_error(role_codes: Iterable[str]) -> str | None:
    """The Chinese message to show when ``role_codes`` combine two admin roles."""
    held = set(role_codes) & ADMIN_ROLES
    return SEPARATION_MESSAGE if len(held) > 1 else None


def is_admin(person: Any) -> bool:
    return bool(ADMIN_ROLES & person.role_codes)


def sees_no_content(person: Any) -> bool:
    return bool(NO_CONTENT_ROLES & person.role_codes)
