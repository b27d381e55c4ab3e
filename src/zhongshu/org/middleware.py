"""A one-time password opens nothing but the change-password page."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

MESSAGE = "请先修改一次性密码。"


class OneTimePasswordMiddleware:
    """After authentication: a person signed in with a one-time password (given at
    creation, installation or a reset) reaches only the change-password page and
    sign-out; everything else sends them there (the API answers 403)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("org:password_change"), reverse("logout")}
            if request.path not in allowed:
                if request.path.startswith("/api/"):
                    return JsonResponse({"code": "password_change_required", "message": MESSAGE,
                                         "details": []}, status=403)
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse("org:password_change")
                    return response
                return redirect("org:password_change")
        return self.get_response(request)


# The session of a signed-in person is written at most this often. Idle expiry then
# ends a session between SESSION_COOKIE_AGE minus this and SESSION_COOKIE_AGE after the
# last request: 29 to 30 minutes with the default 30.
RENEW_EVERY_SECONDS = 60
RENEWED_KEY = "_zs_renewed"


class SessionRenewalMiddleware:
    """Idle expiry without a database write on every request.

    ``SESSION_SAVE_EVERY_REQUEST`` wrote the session row on every page (on SQLite a
    write transaction, which serialises all requests); instead the session is marked
    modified — and so saved with a fresh expiry date by ``SessionMiddleware`` — when the
    last renewal is a minute old. Runs inside ``SessionMiddleware`` and after
    authentication, and only for a signed-in person (a visitor gets no session row)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is None or user is None or not user.is_authenticated:
            return response
        now = int(time.time())
        last = session.get(RENEWED_KEY)
        if not isinstance(last, int) or now - last >= RENEW_EVERY_SECONDS or last > now:
            session[RENEWED_KEY] = now
        return response
