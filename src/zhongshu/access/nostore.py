"""``Cache-Control: no-store`` for what a signed-in person sees.

Everything behind sign-in can be content (a classified title, an opinion, a download):
no browser, proxy or shared machine may keep a copy of it. The middleware marks every
response to a signed-in person; the decorator does the same for one view, for use where
the middleware does not run (a response streamed by another stack) or to say it at the
view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers


def mark_no_store(response: HttpResponseBase) -> HttpResponseBase:
    # A view that already said no-store keeps its header; any other caching a view asked
    # for is replaced: content is never stored.
    if "no-store" in response.get("Cache-Control", ""):
        return response
    if "Cache-Control" in response:
        del response["Cache-Control"]
    add_never_cache_headers(response)
    response["Pragma"] = "no-cache"
    return response


def no_store(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return mark_no_store(view(request, *args, **kwargs))

    return wrapped


class NoStoreMiddleware:
    """After authentication: every response to a signed-in person (pages, fragments,
    downloads, exports, the API) is ``no-store``. Static files are answered by
    WhiteNoise before this runs and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            mark_no_store(response)
        return response
