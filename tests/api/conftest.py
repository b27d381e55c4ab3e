"""The 收文 organisation of tests/documents/incoming, and callers that present a personal
API token instead of a session."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.documents.incoming.conftest import build_org
from zhongshu.api import services as token_services


@pytest.fixture
def org(db):
    return build_org()


class TokenClient:
    """A client of another system: no session, no CSRF token, only the bearer token."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.client = Client(enforce_csrf_checks=True)

    def _auth(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}

    def get(self, path, params=None):
        return self.client.get(path, params or {}, **self._auth())

    def post(self, path, data=None):
        return self.client.post(path, json.dumps(data or {}), content_type="application/json",
                                **self._auth())


@pytest.fixture
def bearer():
    def make(person, **kw) -> TokenClient:
        return TokenClient(token_services.token_create(actor=person, name="测试系统", **kw).secret)
    return make
