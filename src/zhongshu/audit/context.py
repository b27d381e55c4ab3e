"""Where the current request comes from, for events recorded deep inside services.

Services take the acting person but not the request; the address is carried here by
the middleware instead of being threaded through every call."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

current_ip: ContextVar[str | None] = ContextVar("zhongshu_audit_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client wants it to be
    # unless a trusted proxy sets it, and the deployment's proxy rewrites REMOTE_ADDR.
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


class AuditContextMiddleware:
    """Carries the client's address to the events a request records, and records the
    request's refusal, if it was one (``audit.denials``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .denials import audit_refusal

        token = current_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
            audit_refusal(request, response)
            return response
        finally:
            current_ip.reset(token)
