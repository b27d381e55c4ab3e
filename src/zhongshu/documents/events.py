"""Names of 办文's audit events. Permanent once shipped: the auditor searches by them and
old events keep the name they were recorded with."""

from __future__ import annotations

from enum import StrEnum


class DocumentEvent(StrEnum):
    CREATE = "documents.outgoing.create"
    SAVE = "documents.outgoing.save"
    SAVE_CONFLICT = "documents.outgoing.save_conflict"
    SUBMIT = "documents.outgoing.submit"
    WITHDRAW = "documents.outgoing.withdraw"
    NUMBER = "documents.outgoing.number"
    NUMBER_RESERVE = "documents.outgoing.number_reserve"
    NUMBER_VOID = "documents.outgoing.number_void"
    PRINT = "documents.outgoing.print"
    ISSUE = "documents.outgoing.issue"
    DISTRIBUTION_SET = "documents.outgoing.distribution_set"
    DISTRIBUTE = "documents.outgoing.distribute"
    CHASE = "documents.outgoing.chase"
    ATTACHMENT_ADD = "documents.outgoing.attachment_add"
    ATTACHMENT_REMOVE = "documents.outgoing.attachment_remove"


class OrganEvent(StrEnum):
    CREATE = "documents.organ.create"
    UPDATE = "documents.organ.update"
    SIGNER_ADD = "documents.organ.signer_add"
    SIGNER_REMOVE = "documents.organ.signer_remove"
