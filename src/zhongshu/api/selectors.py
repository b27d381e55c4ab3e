"""Reads of the API app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zhongshu.access.policy import visible

from .models import ApiToken

if TYPE_CHECKING:
    from zhongshu.org.models import Person



def tokens_of(viewer: Person) -> QuerySet[ApiToken]:
    """The viewer's own tokens, newest first; nobody lists another person's tokens."""
    return visible(viewer, ApiToken.objects.all()).order_by("-created_at", "-id")


def token_get(viewer: Person, pk: int) -> ApiToken | None:
    return visible(viewer, ApiToken.objects.filter(pk=pk)).first()
