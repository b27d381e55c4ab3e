"""办文's actions (发文) and their decisions (registered from ``apps.ready``)."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode


class DocumentAction(StrEnum):
    DRAFT = "document.draft"
    EDIT = "document.edit"
    SUBMIT = "document.submit"
    DISTRIBUTE = "document.distribute"
    CHASE = "document.chase"
    NUMBER_VOID = "document.number_void"
    NUMBER_RESERVE = "document.number_reserve"
    # 印发: the secretariat's one screen for 复核, 编号, 用印, 印制 and 分发.
    ISSUE = "document.issue"
    # 发文机关 and who may sign their documents.
    ORGANS_VIEW = "document.organs_view"
    ORGANS_MANAGE = "document.organs_manage"
    # The registers list only what the viewer may see; statistics are the office's.
    REGISTER_VIEW = "document.register_view"
    STATS_VIEW = "document.stats_view"


def policy() -> AppPolicy:
    from . import rules

    return AppPolicy(
        app="documents", actions=DocumentAction,
        roles={DocumentAction.REGISTER_VIEW: {RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                                              RoleCode.LEADER, RoleCode.CONFIDENTIAL_CLERK},
               DocumentAction.STATS_VIEW: {RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                                           RoleCode.LEADER},
               DocumentAction.ORGANS_VIEW: {RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                                            RoleCode.LEADER},
               DocumentAction.ORGANS_MANAGE: {RoleCode.OFFICE_DIRECTOR}},
        rules={DocumentAction.DRAFT: rules.may_draft, DocumentAction.EDIT: rules.may_edit,
               DocumentAction.SUBMIT: rules.may_submit,
               DocumentAction.DISTRIBUTE: rules.may_distribute,
               DocumentAction.CHASE: rules.may_chase,
               DocumentAction.NUMBER_VOID: rules.may_void_number,
               DocumentAction.NUMBER_RESERVE: rules.may_reserve_number,
               DocumentAction.ISSUE: rules.may_issue})
