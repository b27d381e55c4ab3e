"""Names of audit events. Permanent once shipped: the auditor searches by them, and
old events keep the name they were recorded with. Later apps may declare their own
enums; ``record`` accepts any string."""

from __future__ import annotations

from enum import StrEnum


class Event(StrEnum):
    # Sign-in (登录)
    SIGN_IN = "auth.sign_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    SIGN_OUT = "auth.sign_out"
    # Units and people (系统管理员)
    UNIT_CREATE = "org.unit.create"
    UNIT_UPDATE = "org.unit.update"
    PERSON_CREATE = "org.person.create"
    PERSON_UPDATE = "org.person.update"
    PERSON_PASSWORD_SET = "org.person.password_set"  # noqa: S105 (an event name)
    PERSON_PASSWORD_CHANGE_OWN = "org.person.password_change_own"  # noqa: S105
    ACCOUNT_UNLOCK = "org.account.unlock"
    IMPORT_SUBMIT = "org.import.submit"
    IMPORT_APPLY = "org.import.apply"
    # Working-day calendar
    CALENDAR_OVERRIDE_SET = "kernel.calendar.override_set"
    CALENDAR_OVERRIDE_REMOVE = "kernel.calendar.override_remove"
    CALENDAR_YEAR_DECLARE = "kernel.calendar.year_declare"
    CALENDAR_YEAR_IMPORT = "kernel.calendar.year_import"
    CALENDAR_RECOMPUTE = "kernel.calendar.recompute"
    # Background Excel exports of registers (kernel.exports)
    EXPORT_SUBMIT = "kernel.export.submit"
    EXPORT_DOWNLOAD = "kernel.export.download"
    # Any background job (kernel.jobs): its owner runs an interrupted one again
    JOB_RETRY = "kernel.job.retry"
    # Clearances, grants, forwarding, delegation (安全保密管理员, leaders)
    CLEARANCE_SET = "access.clearance.set"
    GRANT_ADD = "access.grant.add"
    GRANT_REVOKE = "access.grant.revoke"
    FORWARD_REQUEST = "access.forward.request"
    FORWARD_APPROVE = "access.forward.approve"
    FORWARD_REJECT = "access.forward.reject"
    DELEGATION_CREATE = "access.delegation.create"
    DELEGATION_REVOKE = "access.delegation.revoke"
    # Reading classified objects
    OBJECT_VIEW = "object.view"
    OBJECT_DOWNLOAD = "object.download"
    # The audit trail itself (安全审计员)
    AUDIT_EXPORT = "audit.export"
    # --- security (issue 11; helper `security`) ---
    # The three administrator accounts, handled only by `zhongshu admins` on the server.
    ADMIN_INSTALL = "org.admin.install"
    ADMIN_PASSWORD_RESET = "org.admin.password_reset"  # noqa: S105 (an event name)
    ADMIN_REPLACE = "org.admin.replace"
    # Password resets of ordinary accounts: request, the security admin's decision, reset.
    PASSWORD_RESET_REQUEST = "org.password_reset.request"  # noqa: S105
    PASSWORD_RESET_APPROVE = "org.password_reset.approve"  # noqa: S105
    PASSWORD_RESET_REJECT = "org.password_reset.reject"  # noqa: S105
    PERSON_PASSWORD_RESET = "org.person.password_reset"  # noqa: S105
    # Business roles, given by the security admin.
    ROLES_SET = "access.roles.set"
    # A classified grant waiting for the owner unit leader's approval.
    GRANT_REQUEST = "access.grant.request"
    # The audit chain's key was rotated (the last event signed with the old key).
    AUDIT_KEY_ROTATE = "audit.key_rotate"
    # --- issue 11 §7, §11 (helper `security2`) ---
    # A signed-in person was refused (403, or 404 on an object's URL): the first few of
    # a window one by one, then one "throttled" event, then the window's count.
    ACCESS_DENIED = "access.denied"
    ACCESS_DENIED_THROTTLED = "access.denied.throttled"
    ACCESS_DENIED_SUMMARY = "access.denied.summary"
