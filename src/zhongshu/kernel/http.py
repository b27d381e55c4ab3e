"""The typed request of a signed-in person.

``LoginRequiredMiddleware`` turns every anonymous request away before a view runs (except
the few views marked ``login_not_required``), so a view behind it receives a ``Person``
as ``request.user``. Annotating such a view's request as ``AuthedRequest`` says so to mypy,
and services that take ``actor: Person`` accept ``request.user`` without a cast."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from zhongshu.org.models import Person


class AuthedRequest(HttpRequest):
    user: Person
