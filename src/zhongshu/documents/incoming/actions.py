"""收文's actions and their decisions (registered from ``apps.ready``): the register and
registering paper documents are the office's; a step is done by the person whose task it
is; the recipient unit's office starts circulation and closes documents kept for
reference."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode


class IncomingAction(StrEnum):
    LIST = "incoming.list"
    REGISTER = "incoming.register"
    STEP = "incoming.step"
    OFFICE = "incoming.office"


def policy() -> AppPolicy:
    from . import rules

    return AppPolicy(
        app="incoming", actions=IncomingAction,
        roles={IncomingAction.LIST: {RoleCode.LEADER, RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                                     RoleCode.CONFIDENTIAL_CLERK, RoleCode.LIAISON_OFFICER}},
        rules={IncomingAction.REGISTER: rules.may_register,
               IncomingAction.STEP: rules.may_act_on_task,
               IncomingAction.OFFICE: rules.may_act_for_office})
