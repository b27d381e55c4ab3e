"""A one-time password opens nothing but the change-password page."""

from __future__ import annotations

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
