"""The API's documentation page (/api/docs): Swagger UI from this server's own static
files (swagger-ui-dist from the npm registry, served by WhiteNoise like htmx), never
from a CDN, and only to signed-in people."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed


class LocalSwagger(Swagger):
    template = "zhongshu/apidocs.html"

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        # The API's URLs are exempt from LoginRequiredMiddleware (they answer 401 JSON
        # themselves), so the page asks for sign-in here. The schema stays public: it
        # names operations, never content.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {
            "swagger_settings": settings, "api": api, "add_csrf": _csrf_needed(api)})
