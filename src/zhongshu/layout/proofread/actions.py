"""公文校对's actions: anyone with a role may proofread; the office keeps the term list."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import RoleCode


class ProofreadAction(StrEnum):
    USE = "proofread.use"
    TERMLIST_MANAGE = "proofread.termlist_manage"


def policy() -> AppPolicy:
    return AppPolicy(app="proofread", actions=ProofreadAction, roles={
        ProofreadAction.USE: set(RoleCode.values),
        ProofreadAction.TERMLIST_MANAGE: {RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}})
