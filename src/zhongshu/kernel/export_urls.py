"""The old 我的导出 address, kept for the links and bookmarks that name it: the exports
are background jobs now, listed under 我的后台任务 (kernel.job_urls)."""

from django.urls import path

from . import job_views

app_name = "exports"

urlpatterns = [
    path("", job_views.exports_moved, name="list"),
]
