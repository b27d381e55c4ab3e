"""Reads of the API app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhongshu.access.policy import Action, can

from .models import ApiToken


def tokens_of(viewer: Any) -> QuerySet[ApiToken]:
    """The viewer's own tokens, newest first; nobody lists another person's tokens."""
    return ApiToken.objects.filter(owner_id=viewer.pk).order_by("-created_at", "-id")


def token_get(viewer: Any, pk: int) -> ApiToken | None:
    token = ApiToken.objects.filter(pk=pk).first()
    return token if token is not None and can(viewer, Action.API_TOKEN_MANAGE, token) else None
