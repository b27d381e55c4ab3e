"""Counts for the navigation on every page: 待办, 待阅 and unread notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import inbox_counts, unread_count


def inbox_nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_counts": inbox_counts(user), "unread_notifications": unread_count(user)}
