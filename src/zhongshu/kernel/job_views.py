"""我的后台任务: each person's background jobs (``kernel.jobs``), their progress, their
files. Somebody else's job does not exist for a person (404)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.access.views import get_visible_or_404

from . import jobs
from .models import Job

PAGE_SIZE = 30


def job_context(job: Job, user: Any) -> dict[str, Any]:
    """What the job's page, its progress fragment and its row in the list show."""
    kind = jobs.kind_of(job.kind)
    back = reverse(kind.origin) if kind and kind.origin else ""
    if back and kind and kind.origin_query and job.params:
        back += "?" + urlencode(job.params)
    return {"job": job, "kind": kind, "label": kind.label if kind else job.kind, "back": back,
            "file": jobs.result_file(job) if kind and kind.download_event else None,
            "may_retry": bool(kind) and jobs.may_retry(job) and can(user, kind.action),
            "result_template": kind.result_template if kind else "",
            "unit": kind.unit if kind else ""}


def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs.my_jobs(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [job_context(jobs.refreshed(job), request.user) for job in page.object_list]
    return render(request, "kernel/job_list.html", {
        "page": page, "rows": rows, "expiry_hours": int(jobs.FILE_EXPIRY.total_seconds() // 3600),
        "keep_days": jobs.KEEP.days})


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One job's progress; htmx asks for the fragment every second while it is live."""
    job = jobs.refreshed(get_visible_or_404(request.user, Job.objects.all(), pk=pk))
    template = "kernel/_job_progress.html" if request.headers.get("HX-Request") else "kernel/job_detail.html"
    return render(request, template, job_context(job, request.user))


def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_visible_or_404(request.user, Job.objects.all(), pk=pk)
    try:
        file = jobs.job_download(actor=request.user, job=job)
    except jobs.JobRefused as exc:
        messages.error(request, exc.message)
        return redirect("jobs:detail", pk=job.pk)
    response = HttpResponse(bytes(file.content), content_type=file.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file.name)}"
    return response


@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = jobs.refreshed(get_visible_or_404(request.user, Job.objects.all(), pk=pk))
    try:
        jobs.job_retry(actor=request.user, job=job)
    except jobs.JobRefused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "已重新提交，等待后台处理。")
    return redirect("jobs:detail", pk=job.pk)


def exports_moved(request: HttpRequest) -> HttpResponse:
    """我的导出 became part of 我的后台任务."""
    return redirect("jobs:list", permanent=True)
