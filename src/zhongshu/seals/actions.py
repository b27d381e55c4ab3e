"""The seals' actions (电子印章): registered with THE policy from ``apps.ready``.

The security administrator (安全保密管理员) makes, rotates and revokes seals; the
confidential clerk (机要员) may see the register; applying a seal at 用印 is for the
staff who issue documents (the documents app calls ``services.seal_issued`` as them)."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode


class SealAction(StrEnum):
    VIEW = "seal.view"
    MANAGE = "seal.manage"
    USE = "seal.use"


def policy() -> AppPolicy:
    return AppPolicy(app="seals", actions=SealAction, roles={
        SealAction.VIEW: {RoleCode.SECURITY_ADMIN, RoleCode.CONFIDENTIAL_CLERK},
        SealAction.MANAGE: {RoleCode.SECURITY_ADMIN},
        SealAction.USE: {RoleCode.CONFIDENTIAL_CLERK, RoleCode.SECRETARY, RoleCode.OFFICE_DIRECTOR},
    })
