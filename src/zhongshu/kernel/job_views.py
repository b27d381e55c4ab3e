"""我的后台任务: each person's background jobs (``kernel.jobs``), their progress, their
files. Somebody else's job does not exist for a person (404)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.access.views import get_visible_or_404
from zhongshu.kernel.blobs import Damaged
from zhongshu.kernel.http import AuthedRequest

from . import jobs
from .models import Job

if TYPE_CHECKING:
    from zhongshu.org.models import Person

PAGE_SIZE = 30


def _own_job(request: AuthedRequest, pk: int) -> Job:
    """The viewer's job ``pk``; anybody else's is 404 (policy scope ``kernel.job``)."""
    return get_visible_or_404(request.user, Job.objects.all(), pk=pk)


def job_context(job: Job, viewer: Person) -> dict[str, Any]:
    """What the job's page, its progress fragment and its row in the list show."""
    kind = jobs.kind_of(job.kind)
    if kind is None:  # a kind no longer registered: shown by its code, nothing to offer
        return {"job": job, "kind": None, "label": job.kind, "back": "", "file": None,
                "may_retry": False, "result_template": "", "unit": ""}
    back = reverse(kind.origin) if kind.origin else ""
    if back and kind.origin_query and job.params:
        back += "?" + urlencode(job.params)
    return {"job": job, "kind": kind, "label": kind.label, "back": back,
            "file": jobs.result_file(job) if kind.download_event else None,
            "may_retry": jobs.may_retry(job) and can(viewer, kind.action),
            "result_template": kind.result_template, "unit": kind.unit}


def job_list(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    page = Paginator(jobs.my_jobs(viewer), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [job_context(jobs.refreshed(job), viewer) for job in page.object_list]
    return render(request, "kernel/job_list.html", {
        "page": page, "rows": rows, "expiry_hours": int(jobs.FILE_EXPIRY.total_seconds() // 3600),
        "keep_days": jobs.KEEP.days})


def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One job's progress; htmx asks for the fragment every second while it is live."""
    job = jobs.refreshed(_own_job(request, pk))
    template = "kernel/_job_progress.html" if request.headers.get("HX-Request") else "kernel/job_detail.html"
    return render(request, template, job_context(job, request.user))


def job_download(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    try:
        file = jobs.job_download(actor=request.user, job=job)
    except jobs.JobRefused as exc:
        messages.error(request, exc.message)
        return redirect("jobs:detail", pk=job.pk)
    try:
        data = file.content
    except Damaged as exc:
        messages.error(request, str(exc))
        return redirect("jobs:detail", pk=job.pk)
    response = HttpResponse(data, content_type=file.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file.name)}"
    return response


@require_POST
def job_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    job = jobs.refreshed(_own_job(request, pk))
    try:
        jobs.job_retry(actor=request.user, job=job)
    except jobs.JobRefused as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "已重新提交，等待后台处理。")
    return redirect("jobs:detail", pk=job.pk)


def exports_moved(request: AuthedRequest) -> HttpResponse:
    """我的导出 became part of 我的后台任务."""
    return redirect("jobs:list", permanent=True)
