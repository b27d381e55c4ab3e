"""Names of the access app's audit events: clearances, roles, grants, forwarding and
delegation. Permanent once shipped (``audit.events``)."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.audit.events import register


@register
class AccessEvent(StrEnum):
    # Clearances, grants, forwarding, delegation (安全保密管理员, leaders)
    CLEARANCE_SET = "access.clearance.set"
    GRANT_ADD = "access.grant.add"
    GRANT_REVOKE = "access.grant.revoke"
    FORWARD_REQUEST = "access.forward.request"
    FORWARD_APPROVE = "access.forward.approve"
    FORWARD_REJECT = "access.forward.reject"
    DELEGATION_CREATE = "access.delegation.create"
    DELEGATION_REVOKE = "access.delegation.revoke"
    # Business roles, given by the security admin.
    ROLES_SET = "access.roles.set"
    # A classified grant waiting for the owner unit leader's approval.
    GRANT_REQUEST = "access.grant.request"
