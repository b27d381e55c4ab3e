"""Pages that belong to no area of the office's work: health and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: is the database there, is work piling up."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        from django_tasks_db.models import DBTaskResult

        pending = DBTaskResult.objects.ready().count()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": False, "error": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": True, "pending_tasks": pending})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the failure may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico before any page says where the icon is."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("zhongshu/favicon.ico"), permanent=True)
