"""Counts for the navigation on every page: 待办, 待阅 and unread notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import shell_counts


def inbox_nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts, unread = shell_counts(user)
    return {"inbox_counts": counts, "unread_notifications": unread}
