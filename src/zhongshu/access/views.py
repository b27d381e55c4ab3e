"""Helpers for views: turn a policy decision into the right HTTP answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .policy import Action, can


def require(action: Action) -> Callable:
    """Refuse a view with 403 unless the signed-in person may do ``action``.
    For actions on objects the view asks ``can`` with the object itself, and answers 404
    for what the person may not see."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_action = action  # type: ignore[attr-defined]
        return wrapped

    return decorator
