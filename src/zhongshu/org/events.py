"""Names of the org app's audit events: units, people, accounts and their passwords.
Permanent once shipped (``audit.events``)."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.audit.events import register


@register
class OrgEvent(StrEnum):
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
    # The three administrator accounts, handled only by `zhongshu admins` on the server.
    ADMIN_INSTALL = "org.admin.install"
    ADMIN_PASSWORD_RESET = "org.admin.password_reset"  # noqa: S105 (an event name)
    ADMIN_REPLACE = "org.admin.replace"
    # Password resets of ordinary accounts: request, the security admin's decision, reset.
    PASSWORD_RESET_REQUEST = "org.password_reset.request"  # noqa: S105
    PASSWORD_RESET_APPROVE = "org.password_reset.approve"  # noqa: S105
    PASSWORD_RESET_REJECT = "org.password_reset.reject"  # noqa: S105
    PERSON_PASSWORD_RESET = "org.person.password_reset"  # noqa: S105
