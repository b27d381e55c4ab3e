"""Layout's action: laying a document out for preview and download (排版预览)."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode


class LayoutAction(StrEnum):
    RENDER = "layout.render"


def policy() -> AppPolicy:
    return AppPolicy(app="layout", actions=LayoutAction, roles={
        LayoutAction.RENDER: {RoleCode.SECRETARY, RoleCode.OFFICE_DIRECTOR, RoleCode.LEADER}})
