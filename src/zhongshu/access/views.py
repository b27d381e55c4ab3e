"""Helpers for views: turn a policy decision into the right HTTP answer."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from zhongshu.kernel.http import AuthedRequest

from .policy import can, visible

if TYPE_CHECKING:
    from zhongshu.org.models import Person



_M = TypeVar("_M", bound=Model)


def require(action: StrEnum) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Refuse a view with 403 unless the signed-in person may do ``action``.
    For actions on objects the view asks ``can`` with the object itself, and answers 404
    for what the person may not see."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_action = action  # type: ignore[attr-defined]
        return wrapped

    return decorator


def get_visible_or_404(person: Person, queryset: QuerySet[_M], **lookup: Any) -> _M:
    """The one object matching ``lookup`` among those ``person`` may see; 404 otherwise,
    so an invisible object cannot be told apart from a missing one."""
    return get_object_or_404(visible(person, queryset), **lookup)

