"""The three separated administrators (三员分立), as the regulation has them.

- The three administrator accounts (系统管理员, 安全保密管理员, 安全审计员) are created at
  installation by ``zhongshu admins install`` and changed only by that command on the
  server (``org.installation``). No page, import or service lets anyone — an
  administrator included — create, change or remove an administrator account or role.
- The system admin manages accounts and units and sees no business content. Every
  business role carries access to content (see ``CONTENT_ROLES``), so roles, like
  clearances and grants, are given by the security admin alone.
- An administrator account never holds a business role, and no person holds two of
  the three administrator roles.

These rules are checked in org's person services, the Excel importer and the security
admin's role service, all through the functions below."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from zhongshu.org.models import RoleCode

if TYPE_CHECKING:
    from zhongshu.org.models import Person


ADMIN_ROLES = frozenset({RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR})
# Roles whose holders never see business content, whatever grants they might hold.
NO_CONTENT_ROLES = frozenset({RoleCode.SYSTEM_ADMIN, RoleCode.AUDITOR})
# Every business role opens content to its holder: the leader signs off and instructs,
# the office director and secretaries see their organ's 发文 and 收文, the confidential
# clerk registers classified items, supervision, information, duty, liaison officers and
# archivists each see their app's items. So every one of them is given by the security
# admin, never by the system admin. A role added later is a content role unless it is
# listed in ADMIN_ROLES.
CONTENT_ROLES = frozenset(set(RoleCode) - ADMIN_ROLES)

SEPARATION_MESSAGE = "三员分立：系统管理员、安全保密管理员、安全审计员不得由同一人兼任，请只保留其中一个角色。"
ADMIN_ROLE_INSTALL_ONLY = ("三员分立：管理员角色只在安装时由服务器上的 zhongshu admins 命令授予，"
                           "任何人都不能在系统中授予、变更或撤销管理员角色。")
ADMIN_NO_BUSINESS_ROLE = "三员分立：管理员账号不得兼任业务角色，业务工作请使用本人的业务账号。"
ADMIN_ACCOUNT_LOCKED = ("三员分立：管理员账号只能由服务器上的 zhongshu admins 命令办理（重置密码、更换人员），"
                        "不能在系统中修改。")
ROLES_NOT_YOURS = "角色决定能接触哪些业务内容，由安全保密管理员授予（三员分立），系统管理员不能授予或变更。"


def separation_error(role_codes: Iterable[str]) -> str | None:
    """The Chinese message to show when ``role_codes`` break the separation: two
    administrator roles, or an administrator role together with a business role."""
    codes = set(role_codes)
    held = codes & ADMIN_ROLES
    if len(held) > 1:
        return SEPARATION_MESSAGE
    if held and codes - ADMIN_ROLES:
        return ADMIN_NO_BUSINESS_ROLE
    return None


def admin_roles_touched(old: Iterable[str], new: Iterable[str]) -> bool:
    """Does going from ``old`` to ``new`` give or take an administrator role?"""
    return bool((set(old) ^ set(new)) & ADMIN_ROLES)


def is_admin(person: Person) -> bool:
    return bool(ADMIN_ROLES & person.role_codes)


def sees_no_content(person: Person) -> bool:
    return bool(NO_CONTENT_ROLES & person.role_codes)
