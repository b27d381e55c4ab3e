"""Audit event names of the seals (permanent once shipped)."""

from __future__ import annotations

from enum import StrEnum


class SealEvent(StrEnum):
    CREATE = "seal.create"
    UPDATE = "seal.update"
    IMAGE_SET = "seal.image_set"
    KEY_ROTATE = "seal.key_rotate"
    KEY_REVOKE = "seal.key_revoke"
    REVOKE = "seal.revoke"
    APPLY = "seal.apply"  # a seal applied to a document (用印)
    APPLY_REFUSED = "seal.apply_refused"
