"""The 督查督办 API (a django-ninja router mounted by ``zhongshu.api`` at
``/api/supervision``): supervised tasks, progress reports and completion requests, with
personal API tokens or the session — the same selectors and services as the pages.
Refusals about a task's state answer 409 with the reason in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import File, Form, Router, Schema, Status, UploadedFile

from zhongshu.access.policy import can
from zhongshu.api.schemas import answers
from zhongshu.kernel.http import AuthedRequest
from zhongshu.kernel.paging import api_total
from zhongshu.workflow.events import RefusalCode
from zhongshu.workflow.models import Task, TaskReport

from . import selectors, services
from .actions import SupervisionAction as A
from .models import Matter

router = Router(tags=["督查督办"])

PAGE = 50
# A task state refusal (already done by someone, not allowed at this step) is 409; a missing
# or bad field (the task model's default code) is 400 like any other invalid input.
_REFUSALS = {RefusalCode.NOT_ALLOWED, RefusalCode.NOT_PENDING}


class TaskOut(Schema):
    id: int
    matter: int
    title: str
    unit: str
    role: str
    source: str
    status: str
    light: str
    due_date: dt.date | None
    next_report_due: dt.date | None


class TaskList(Schema):
    count: int
    capped: bool
    page: int
    items: list[TaskOut]


class ReportOut(Schema):
    id: int
    kind: str
    state: str
    author: str
    created_at: dt.datetime
    text: str
    files: list[str]
    decision_note: str


class EventOut(Schema):
    kind: str
    label: str
    actor: str
    at: dt.datetime
    text: str


class TaskDetail(TaskOut):
    requirement: str
    reminders: int
    reports: list[ReportOut]
    timeline: list[EventOut]


class ReasonIn(Schema):
    reason: str = ""


class ReviewIn(Schema):
    approve: bool
    note: str = ""


class Refusal(Schema):
    code: str
    message: str
    details: list[str] = []


def _row(r: Any) -> dict:
    return {"id": r.pk, "matter": r.matter_id, "title": r.title, "unit": r.unit.name,
            "role": r.role, "source": r.source, "status": r.status, "light": r.light,
            "due_date": r.due_date, "next_report_due": r.next_report_due}


def _task(request: AuthedRequest, task_id: int) -> Task:
    task = selectors.task_get(request.user, task_id)
    if task is None:
        raise Http404
    return task


def _out(request: AuthedRequest, task: Task) -> dict:
    from .models import LedgerRow

    row = LedgerRow.objects.select_related("unit").get(pk=task.pk)
    matter = Matter.objects.get(pk=task.subject_id)
    return {**_row(row), "requirement": matter.requirement, "reminders": task.reminders,
            "reports": [{"id": r.pk, "kind": r.kind, "state": r.state, "author": str(r.author),
                         "created_at": r.created_at, "text": r.text,
                         "files": [f.name for f in r.files.all()], "decision_note": r.decision_note}
                        for r in selectors.task_reports(task)],
            "timeline": [{"kind": e.kind, "label": e.get_kind_display(), "actor": str(e.actor or "系统"),
                          "at": e.at, "text": e.text} for e in selectors.task_timeline(task)]}


def _refused(exc: ValidationError) -> Any:
    if any(e.code in _REFUSALS for e in exc.error_list):
        return Status(409, {"code": "task_refused", "message": "；".join(exc.messages),
                            "details": exc.messages})
    raise exc


@router.get("/tasks", response=answers({200: TaskList}), url_name="supervision_tasks",
            summary="督办任务列表（台账，按本人可见范围；筛选同台账页面）")
def tasks(request: AuthedRequest, page: int = 1, status: str = "", light: str = "", source: str = "",
          unit: int | None = None, sort: str = "due") -> dict:
    if not can(request.user, A.USE):  # as the ledger page: the area is not theirs (403)
        raise PermissionDenied
    f = selectors.LedgerFilter.from_params({"status": status, "light": light, "source": source,
                                            "unit": unit or "", "sort": sort})
    qs = selectors.ledger(request.user, f).select_related("unit")
    page = max(1, page)
    rows = qs[(page - 1) * PAGE: page * PAGE]
    return {**api_total(qs), "page": page, "items": [_row(r) for r in rows]}


@router.get("/tasks/{task_id}", response=answers({200: TaskDetail}), url_name="supervision_task",
            summary="督办任务详情（含报送记录和办理记录）")
def task_detail(request: AuthedRequest, task_id: int) -> dict:
    return _out(request, _task(request, task_id))


@router.post("/tasks/{task_id}/accept", response=answers({200: TaskDetail, 409: Refusal}),
             url_name="supervision_task_accept", summary="接收任务（承办单位联络员或负责人）")
def task_accept(request: AuthedRequest, task_id: int) -> Any:
    task = _task(request, task_id)
    try:
        services.task_accept(actor=request.user, task=task)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, _out(request, task))


@router.post("/tasks/{task_id}/return", response=answers({200: TaskDetail, 409: Refusal}),
             url_name="supervision_task_return", summary="退回任务（须说明理由）")
def task_return(request: AuthedRequest, task_id: int, data: ReasonIn) -> Any:
    task = _task(request, task_id)
    try:
        services.task_return(actor=request.user, task=task, reason=data.reason)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, _out(request, task))


def _uploads(files: list[UploadedFile] | None) -> list[tuple[str, bytes]]:
    return [(f.name or "file", f.read()) for f in (files or [])][:10]


@router.post("/tasks/{task_id}/reports", response=answers({201: ReportOut, 409: Refusal}),
             url_name="supervision_task_report", summary="报送办理进展（文字，可附文件）")
def task_report(request: AuthedRequest, task_id: int, text: Form[str] = "",
                files: File[list[UploadedFile]] = None) -> Any:  # type: ignore[assignment]
    task = _task(request, task_id)
    try:
        entry = services.task_report(actor=request.user, task=task, text=text, files=_uploads(files))
    except ValidationError as exc:
        return _refused(exc)
    return Status(201, _report_out(entry))


def _report_out(entry: TaskReport) -> dict[str, Any]:
    """A progress report or completion request just given, as ReportOut."""
    return {"id": entry.pk, "kind": entry.kind, "state": entry.state, "author": str(entry.author),
            "created_at": entry.created_at, "text": entry.text,
            "files": [f.name for f in entry.files.all()], "decision_note": ""}


@router.post("/tasks/{task_id}/completion", response=answers({201: ReportOut, 409: Refusal}),
             url_name="supervision_task_completion",
             summary="申请办结（办理结果和佐证材料；督查室审核后办结或退回）")
def task_completion(request: AuthedRequest, task_id: int, text: Form[str] = "",
                    files: File[list[UploadedFile]] = None) -> Any:  # type: ignore[assignment]
    task = _task(request, task_id)
    try:
        entry = services.task_request_completion(actor=request.user, task=task, text=text,
                                                 files=_uploads(files))
    except ValidationError as exc:
        return _refused(exc)
    return Status(201, _report_out(entry))


@router.post("/tasks/{task_id}/review", response=answers({200: TaskDetail, 409: Refusal}),
             url_name="supervision_task_review",
             summary="督查室审核办结申请：通过（办结）或退回重办（须填意见）")
def task_review(request: AuthedRequest, task_id: int, data: ReviewIn) -> Any:
    task = _task(request, task_id)
    try:
        services.task_review(actor=request.user, task=task, approve=data.approve, note=data.note)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, _out(request, task))
