"""Names of audit events. Each app declares its own (``kernel.events``, ``org.events``,
``access.events``, ``workflow.events`` …) and registers the enum here, so that the
auditor's filter can suggest every name.

Permanent once shipped: the auditor searches by them, and old events keep the name
they were recorded with (tests/audit/test_event_names.py pins every value)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

_E = TypeVar("_E", bound=type[StrEnum])
_REGISTERED: list[type[StrEnum]] = []


def register(enum: _E) -> _E:
    """Class decorator: an app's event enum, known to the audit app."""
    if enum not in _REGISTERED:
        _REGISTERED.append(enum)
    return enum


def registered() -> list[type[StrEnum]]:
    return list(_REGISTERED)


def known_names() -> list[str]:
    """Every registered event name, sorted (the filter's suggestions)."""
    return sorted({e.value for enum in _REGISTERED for e in enum})


@register
class AuditLogEvent(StrEnum):
    """The audit app's own: sign-in, reading classified objects, the trail itself."""

    # Sign-in (登录)
    SIGN_IN = "auth.sign_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    SIGN_OUT = "auth.sign_out"
    # Reading classified objects (``record_access``)
    OBJECT_VIEW = "object.view"
    OBJECT_DOWNLOAD = "object.download"
    # The audit trail itself (安全审计员)
    AUDIT_EXPORT = "audit.export"
    # The audit chain's key was rotated (the last event signed with the old key).
    AUDIT_KEY_ROTATE = "audit.key_rotate"
    # --- issue 11 §7, §11 (helper `security2`) ---
    # A signed-in person was refused (403, or 404 on an object's URL): the first few of
    # a window one by one, then one "throttled" event, then the window's count.
    ACCESS_DENIED = "access.denied"
    ACCESS_DENIED_THROTTLED = "access.denied.throttled"
    ACCESS_DENIED_SUMMARY = "access.denied.summary"
