"""Refusals are audited (issue 11 §11), without letting a loop flood the chain.

A signed-in person refused something (403), or answered 404 on the URL of an object (the
policy answers 404 for what a person may not see, so that hidden and missing look alike
to him — but not to the auditor), is recorded as an ``access.denied`` event with the
address, method, view and the object's id from the URL. Per person and ten-minute
window the first ``RECORDED_PER_WINDOW`` refusals are recorded one by one; the next one
records ``access.denied.throttled`` and the rest are only counted; once the window is
over, ``access.denied.summary`` records how many there were in all. So a script that
tries 932 documents leaves about a dozen events and the exact count.

Summaries are written by the next refusal of anyone, and by ``summarise``, which the
daily ``zhongshu audit anchor`` calls before it takes the chain's head."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .events import AuditLogEvent as Event
from .models import AuditEvent, DenialCount, Outcome

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(minutes=10)
RECORDED_PER_WINDOW = 10


def window_start(now: dt.datetime) -> dt.datetime:
    seconds = int(WINDOW.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _object_ids(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {}
    return {k: v for k, v in match.kwargs.items() if isinstance(v, int | str)}


def _is_id(value: Any) -> bool:
    # Page patterns convert ids to int; the API's path parameters arrive as digits.
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def is_refusal(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response refused a signed-in person something the trail should show."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if response.status_code == 403:
        return True
    if response.status_code == 404:
        match = getattr(request, "resolver_match", None)
        return match is not None and any(_is_id(v) for v in match.kwargs.values())
    return False


def record_denial(*, actor: Any, status: int, method: str, path: str, view: str = "",
                  object_ids: dict[str, Any] | None = None,
                  now: dt.datetime | None = None) -> AuditEvent | None:
    """Count one refusal of ``actor`` and record it unless its window is throttled.
    Returns the event written, if any."""
    from .services import record

    now = now or timezone.now()
    start = window_start(now)
    details = {"status": status, "method": method, "path": path[:300], "view": view,
               "ids": object_ids or {}}
    with transaction.atomic():
        summarise(now=now)
        DenialCount.objects.bulk_create([DenialCount(person_id=actor.pk, window_start=start)],
                                        ignore_conflicts=True)
        DenialCount.objects.filter(person_id=actor.pk, window_start=start).update(count=F("count") + 1)
        n = DenialCount.objects.select_for_update().get(person_id=actor.pk, window_start=start).count
        common = {"actor": actor, "outcome": Outcome.DENIED, "object_type": f"url:{view}"[:100],
                  "object_id": next((str(v) for v in (object_ids or {}).values()), ""),
                  "object_repr": path[:200]}
        if n <= RECORDED_PER_WINDOW:
            return record(action=Event.ACCESS_DENIED, details={**details, "n": n}, **common)
        if n == RECORDED_PER_WINDOW + 1:
            return record(action=Event.ACCESS_DENIED_THROTTLED, details={
                **details, "n": n, "window_start": start.isoformat(),
                "window_end": (start + WINDOW).isoformat(),
                "note": f"本时段内已拒绝{RECORDED_PER_WINDOW}次以上，其余拒绝只计数，时段结束后汇总"}, **common)
    return None


def summarise(*, now: dt.datetime | None = None) -> int:
    """Record the count of every finished window that was throttled; returns how many
    summaries were written. Safe to call from several processes: each window is
    claimed by a conditional update before it is written."""
    from .services import record

    now = now or timezone.now()
    written = 0
    rows = DenialCount.objects.filter(summarised=False, window_start__lte=now - WINDOW,
                                      count__gt=RECORDED_PER_WINDOW).order_by("window_start", "id")
    for row in rows[:100]:
        with transaction.atomic():
            if not DenialCount.objects.filter(pk=row.pk, summarised=False).update(summarised=True):
                continue
            actor = row.person if _exists(row) else None
            record(actor=actor, action=Event.ACCESS_DENIED_SUMMARY, outcome=Outcome.DENIED,
                   object_type="audit.denialcount", object_id=row.pk,
                   object_repr=f"{timezone.localtime(row.window_start):%Y-%m-%d %H:%M} 起 10 分钟",
                   details={"person_id": row.person_id, "count": row.count,
                            "recorded": RECORDED_PER_WINDOW + 1,
                            "counted_only": row.count - RECORDED_PER_WINDOW - 1,
                            "window_start": row.window_start.isoformat(),
                            "window_end": (row.window_start + WINDOW).isoformat()})
            written += 1
    return written


def _exists(row: DenialCount) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=row.person_id).exists()


def audit_refusal(request: HttpRequest, response: HttpResponse) -> None:
    """The middleware's part: record ``response`` if it refused the signed-in person.
    Never lets the trail break the answer: a failure to record is logged, not raised."""
    if not is_refusal(request, response):
        return
    match = request.resolver_match
    view = match.view_name if match is not None else ""
    try:
        record_denial(actor=request.user, status=response.status_code, method=request.method or "",
                      path=request.path, view=view or "", object_ids=_object_ids(request))
    except DatabaseError:  # the refusal stands; the operator sees why it went unrecorded
        log.exception("could not record a refusal of %s on %s", request.user.pk, request.path)
