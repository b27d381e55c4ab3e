"""The codes of the API's JSON errors (``{"code", "message", "details"}``). Clients act
on the code, never on the Chinese message; a code is permanent once shipped."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"  # 400: a service refused the input
    BAD_REQUEST = "bad_request"  # 400: not JSON
    SCHEMA = "schema"  # 422: the body does not match the schema
    UNAUTHENTICATED = "unauthenticated"  # 401
    FORBIDDEN = "forbidden"  # 403
    NOT_FOUND = "not_found"  # 404: missing or not visible, alike
    ERROR = "error"  # another HTTP error
    # 409: the request was valid but the item's state refuses it.
    NO_PENDING_STEP = "no_pending_step"
    NO_OPEN_TASK = "no_open_task"
    STEP_REFUSED = "step_refused"  # the engine's refusal (workflow.events.RefusalCode)
    CANNOT_WATERMARK = "cannot_watermark"
