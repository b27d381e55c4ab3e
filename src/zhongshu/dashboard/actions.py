"""The home page's actions (registered from ``apps.ready``): the office publishes 通知公告."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode


class DashboardAction(StrEnum):
    ANNOUNCEMENT_VIEW = "dashboard.announcement.view"
    ANNOUNCEMENT_MANAGE = "dashboard.announcement.manage"


def _everyone(person: object, obj: object = None) -> bool:
    return True


def policy() -> AppPolicy:
    return AppPolicy(
        app="dashboard", actions=DashboardAction,
        # The office's director and its secretaries (秘书/文书) keep the notice board.
        roles={DashboardAction.ANNOUNCEMENT_MANAGE: {RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}},
        rules={DashboardAction.ANNOUNCEMENT_VIEW: _everyone})
