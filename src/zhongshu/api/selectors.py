"""Reads of the API app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhongshu.access.policy import visible

from .models import ApiToken


def tokens_of(viewer: Any) -> QuerySet[ApiToken]:
    """The viewer's own tokens, newest first; nobody lists another person's tokens."""
    return visible(viewer, ApiToken.objects.all()).order_by("-created_at", "-id")


def token_get(viewer: Any, pk: int) -> ApiToken | None:
    return visible(viewer, ApiToken.objects.filter(pk=pk)).first()
