"""The org app's own actions and audit events for pickers and the office's groups
(registered from ``OrgConfig.ready``); the administrators' actions on units and people
stay in ``access.policy.Action``."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode


class OrgAction(StrEnum):
    # Keeping the office's groups (常用分组): the system administrator, who keeps the
    # organisation, and the office director, whose office uses them.
    PICK_GROUP_MANAGE = "org.pick_group.manage"


class OrgEvent(StrEnum):
    PICK_GROUP_CREATE = "org.pick_group.create"
    PICK_GROUP_UPDATE = "org.pick_group.update"


def policy() -> AppPolicy:
    return AppPolicy(app="org", actions=OrgAction, roles={
        OrgAction.PICK_GROUP_MANAGE: {RoleCode.SYSTEM_ADMIN, RoleCode.OFFICE_DIRECTOR}})
