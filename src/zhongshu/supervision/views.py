"""Pages of 督查督办 (thin: forms in, services for writes, selectors for reads)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhongshu.access.classification import CLASSIFIED_FROM
from zhongshu.access.policy import can, visible
from zhongshu.access.views import require
from zhongshu.audit.services import record_access
from zhongshu.kernel import kept
from zhongshu.kernel.blobs import Damaged
from zhongshu.kernel.exports import export_submit
from zhongshu.kernel.http import AuthedRequest
from zhongshu.kernel.paging import CappedPaginator
from zhongshu.org.models import Person, Unit
from zhongshu.workflow.models import ExtensionStatus, ReportState, Task, TaskExtension, TaskReport

from . import forms, imports, selectors, services
from .actions import SupervisionAction as A
from .exports import LEDGER_EXPORT
from .models import Feedback, InstructionKind, InstructionRecord, Matter, WeeklyReport

PAGE_SIZE = 30  # as 发文登记簿 and the other lists
# The inspections app's action (by its permanent name: the two apps do not import each other).
INSPECTIONS_LIST = "inspections.list"


def _errors(request: AuthedRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _tabs(request: AuthedRequest, current: str) -> dict:
    user = request.user
    tabs = []
    if can(user, A.MANAGE) or can(user, A.STATS):
        tabs.append(("ledger", "督办台账", reverse("supervision:ledger")))
    if can(user, A.MANAGE):
        tabs.append(("register", "批示件登记簿", reverse("supervision:register")))
        tabs.append(("new", "立项交办", reverse("supervision:matter_new")))
    if can(user, A.LEADER_VIEW):
        tabs.append(("leader", "领导督办视图", reverse("supervision:leader")))
    if selectors.contact_units(user):
        tabs.append(("mine", "本单位督办任务", reverse("supervision:mine")))
    if can(user, A.STATS):
        tabs.append(("stats", "统计与通报", reverse("supervision:stats")))
    # The area's other tool: the inspection plans (督查检查考核计划), its own app.
    if can(user, INSPECTIONS_LIST):
        try:
            tabs.append(("inspections", "督查检查考核计划", reverse("inspections:home")))
        except NoReverseMatch:
            pass
    return {"tabs": tabs, "tab": current}


def home(request: AuthedRequest) -> HttpResponse:
    """The area's entry (督查督办 in the menu): each person's own page of it."""
    user = request.user
    if not can(user, A.USE):
        # Someone who only plans inspections finds them here too.
        if can(user, INSPECTIONS_LIST):
            try:
                return redirect(reverse("inspections:home"))
            except NoReverseMatch:
                pass
        raise PermissionDenied
    if can(user, A.MANAGE):
        return redirect("supervision:ledger")
    if can(user, A.LEADER_VIEW):
        return redirect("supervision:leader")
    if selectors.contact_units(user):
        return redirect("supervision:mine")
    return redirect("supervision:ledger")


# --- the ledger ----------------------------------------------------------------------

@require(A.USE)
def ledger(request: AuthedRequest) -> HttpResponse:
    f = selectors.LedgerFilter.from_params(request.GET)
    qs = selectors.ledger(request.user, f).select_related("unit", "leader")
    page = CappedPaginator(qs, PAGE_SIZE, kept_key=kept.register_key(request, "ledger")
                           ).get_page(request.GET.get("page"))
    rows = selectors.ledger_cells(selectors.ledger_page_rows(list(page.object_list)), f.columns,
                                  reverse("supervision:matter", args=[0]))
    task_url = reverse("supervision:task", args=[0])
    params = [(k, v) for k, v in request.GET.items() if k not in ("page", "cols") and v]
    params += [("cols", c) for c in f.columns]
    base = [(k, v) for k, v in params if k != "sort"]
    seen_units = Unit.objects.filter(is_active=True).order_by("sort_order", "id")
    if not can(request.user, A.MANAGE):
        seen_units = seen_units.filter(pk__in=selectors.contact_units(request.user)) \
            if not can(request.user, A.STATS) else seen_units
    return render(request, "supervision/ledger.html", {
        **_tabs(request, "ledger"), "f": f, "page": page, "rows": rows, "task_url": task_url[:-2],
        "columns": [(k, selectors.COLUMNS[k][0], bool(selectors.COLUMNS[k][1])) for k in f.columns],
        "all_columns": [(k, label) for k, (label, _) in selectors.COLUMNS.items()],
        "querystring": urlencode(params) + "&", "sort_base": urlencode(base) + "&",
        "export_query": urlencode(params), "units": seen_units,
        "leaders": Person.objects.filter(roles__code="leader", is_active=True).distinct(),
        "sources": services.SourceKind.choices, "lights": [("green", "绿灯"), ("yellow", "黄灯"), ("red", "红灯")],
        "statuses": [("open", "办理中（全部未办结）"), ("done", "已办结"), ("review", "待审核"),
                     ("returned", "已退回"), ("cancelled", "已取消")]})


@require_POST
@require(A.USE)
def ledger_export(request: AuthedRequest) -> HttpResponse:
    """导出 Excel: the ledger as filtered, in the background, for this viewer."""
    try:
        job = export_submit(actor=request.user, kind=LEDGER_EXPORT, params=request.GET)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(f"{reverse('supervision:ledger')}?{request.GET.urlencode()}")
    return redirect("jobs:detail", pk=job.pk)


# --- the 批示件 register ------------------------------------------------------------

@require(A.MANAGE)
def register(request: AuthedRequest) -> HttpResponse:
    services.instructions_sync()
    flagged = request.GET.get("flagged") == "1"
    kind = request.GET.get("kind", "")
    qs = selectors.register(request.user, flagged=flagged, kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/register.html", {
        **_tabs(request, "register"), "page": page, "flagged": flagged, "kind": kind,
        "kinds": InstructionKind.choices,
        # 参阅性 instructions circulate to leaders and the office's directors.
        "readers": Person.objects.filter(roles__code__in=["leader", "office_director"], is_active=True)
        .distinct().order_by("sort_order", "id"),
        "querystring": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}) + "&"})


@require(A.MANAGE)
def instruction_new(request: AuthedRequest) -> HttpResponse:
    form = forms.InstructionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        scan = (d["scan"].name, d["scan"].read()) if d.get("scan") else None
        try:
            services.instruction_register(
                actor=request.user, leader=d["leader"], kind=d["kind"], text=d["text"],
                document_title=d["document_title"], given_on=d["given_on"],
                classification=d["classification"], secrecy_years=d.get("secrecy_years"),
                scan=scan)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "批示件已登记。")
            return redirect("supervision:register")
    return render(request, "supervision/instruction_new.html", {**_tabs(request, "register"),
                                                                "form": form})


def _instruction(request: AuthedRequest, pk: int) -> InstructionRecord:
    return get_object_or_404(visible(request.user, InstructionRecord.objects.all()), pk=pk)


@require(A.MANAGE)
def instruction_scan(request: AuthedRequest, pk: int) -> HttpResponse:
    record = _instruction(request, pk)
    if record.scan_blob_id is None:
        raise Http404
    try:
        data = record.scan
    except Damaged as exc:
        messages.error(request, str(exc))
        return redirect("supervision:register")
    record_access(actor=request.user, obj=record, download=True)
    response = HttpResponse(data, content_type=record.scan_type or "application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(record.scan_name)}"
    return response


@require_POST
@require(A.MANAGE)
def instruction_circulate(request: AuthedRequest, pk: int) -> HttpResponse:
    record = _instruction(request, pk)
    ids = [int(x) for x in request.POST.getlist("readers") if x.isdigit()]
    try:
        n = services.instruction_circulate(actor=request.user, instruction=record,
                                           readers=list(Person.objects.filter(pk__in=ids)))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已传阅给 {n} 人。")
    return redirect("supervision:register")


# --- matters ---------------------------------------------------------------------------

@require(A.MANAGE)
def matter_new(request: AuthedRequest) -> HttpResponse:
    instruction = None
    ins_id = request.GET.get("instruction") or request.POST.get("instruction")
    if ins_id and str(ins_id).isdigit():
        instruction = _instruction(request, int(ins_id))
    form = forms.MatterForm(request.POST or None, instruction=instruction)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            matter = _open_and_give(request.user, d, instruction)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已立项并交办：{matter.title}")
            return redirect("supervision:matter", pk=matter.pk)
    return render(request, "supervision/matter_new.html", {
        **_tabs(request, "new"), "form": form, "instruction": instruction})


def _open_and_give(actor: Person, d: dict, instruction: InstructionRecord | None) -> Matter:
    from django.db import transaction

    with transaction.atomic():
        level = d["classification"]
        matter = services.matter_open(
            actor=actor, source=d.get("source") or "instruction", title=d["title"],
            requirement=d.get("requirement", ""), instruction=instruction,
            classification=level, secrecy_years=d.get("secrecy_years") if level >= CLASSIFIED_FROM else None,
            importance=d["importance"], urgency=d["urgency"], source_title=d.get("source_title", ""),
            proposer=d.get("proposer", ""))
        services.task_give(actor=actor, matter=matter, lead=d["lead"], co_units=d["co_units"],
                           due_workdays=d.get("due_workdays"), due_date=d.get("due_date"),
                           report_every=d.get("report_every"))
    return matter


def _matter(request: AuthedRequest, pk: int) -> Matter:
    matter = selectors.matter_get(request.user, pk)
    if matter is None:
        raise Http404
    return matter


@require(A.USE)
def matter(request: AuthedRequest, pk: int) -> HttpResponse:
    m = _matter(request, pk)
    record_access(actor=request.user, obj=m)
    tasks = selectors.matter_tasks(m)
    rows = {r.pk: r for r in m.ledger_rows.all()}
    for t in tasks:
        t.row = rows.get(t.pk)  # type: ignore[attr-defined]
    return render(request, "supervision/matter.html", {
        **_tabs(request, "ledger"), "m": m, "tasks": tasks, "milestones": m.milestones.all(),
        "merged": m.merged.all(), "may_manage": can(request.user, A.MANAGE),
        "feedbacks": Feedback.choices})


@require_POST
@require(A.MANAGE)
def matter_act(request: AuthedRequest, pk: int) -> HttpResponse:
    m = _matter(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "merge":
            other = request.POST.get("duplicate", "")
            dup = selectors.matter_get(request.user, int(other)) if other.isdigit() else None
            if dup is None:
                raise services.SupervisionError("请填写要并入本事项的重复事项编号。")
            services.matter_merge(actor=request.user, keep=m, duplicate=dup,
                                  reason=request.POST.get("reason", ""))
            messages.success(request, f"已将“{dup.title}”并入本事项。")
        elif action == "milestone":
            day = _date(request.POST.get("due_date"))
            if day is None:
                raise services.SupervisionError("请填写节点时限（YYYY-MM-DD）。")
            services.milestone_add(actor=request.user, matter=m, title=request.POST.get("title", ""),
                                   due_date=day)
            messages.success(request, "已添加节点。")
        elif action == "reply":
            services.proposal_reply(actor=request.user, matter=m, text=request.POST.get("text", ""))
            messages.success(request, "已登记答复。")
        elif action == "feedback":
            services.proposal_feedback(actor=request.user, matter=m,
                                       feedback=request.POST.get("feedback", ""),
                                       note=request.POST.get("note", ""))
            messages.success(request, "已登记代表委员意见。")
        else:
            raise services.SupervisionError("未知的操作。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("supervision:matter", pk=m.pk)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


# --- tasks ------------------------------------------------------------------------------

def _task(request: AuthedRequest, pk: int) -> Task:
    task = selectors.task_get(request.user, pk)
    if task is None:
        raise Http404
    return task


@require(A.USE)
def task(request: AuthedRequest, pk: int) -> HttpResponse:
    """One task: its timeline, reports and the actions of whoever looks (the unit's
    contact, or the supervision office). Works at a phone's width."""
    t = _task(request, pk)
    m = Matter.objects.get(pk=t.subject_id)
    user = request.user
    pending_completion = TaskReport.objects.filter(task=t, kind="completion",
                                                   state=ReportState.PENDING).first()
    pending_holding = TaskReport.objects.filter(task=t, kind="holding", state=ReportState.PENDING).first()
    pending_ext = TaskExtension.objects.filter(task=t, status=ExtensionStatus.PENDING).first()
    return render(request, "supervision/task.html", {
        **_tabs(request, "mine" if can(user, A.TASK_ACT, t) else "ledger"), "t": t, "m": m,
        "row": getattr(t, "ledger_row", None), "events": selectors.task_timeline(t),
        "reports": selectors.task_reports(t), "may_act": can(user, A.TASK_ACT, t),
        "may_review": can(user, A.TASK_REVIEW, t), "may_manage": can(user, A.MANAGE),
        "pending_completion": pending_completion, "pending_holding": pending_holding,
        "pending_ext": pending_ext, "children": list(t.children.select_related("unit")),
        "units": Unit.objects.filter(is_active=True, parent_id=t.unit_id).order_by("sort_order")})


def _files(request: AuthedRequest) -> list[tuple[str, bytes]]:
    return [(f.name or "", f.read()) for f in request.FILES.getlist("files")][:10]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


_DONE: dict[str, str] = {
    "accept": "已接收任务。", "return": "已退回任务。", "report": "已报送办理进展。",
    "holding": "已提交阶段性答复。", "extend": "已提交延期申请，等待督查室审批。",
    "complete": "已申请办结，等待督查室审核。", "approve": "已审核通过，任务办结。",
    "send_back": "已退回重办。", "remind": "已催办。", "due": "已变更办理时限。",
    "ext_approve": "已同意延期。", "ext_refuse": "已不同意延期。",
    "holding_approve": "已同意阶段性答复。", "holding_refuse": "已退回阶段性答复。",
    "split": "已分解任务。",
}


def _task_actions(request: AuthedRequest, t: Task) -> dict[str, Callable[[], object]]:
    user, post = request.user, request.POST
    return {
        "accept": lambda: services.task_accept(actor=user, task=t),
        "return": lambda: services.task_return(actor=user, task=t, reason=post.get("text", "")),
        "report": lambda: services.task_report(actor=user, task=t, text=post.get("text", ""),
                                               files=_files(request)),
        "holding": lambda: services.task_holding_reply(actor=user, task=t, text=post.get("text", ""),
                                                       files=_files(request)),
        "extend": lambda: services.task_extension_request(
            actor=user, task=t, reason=post.get("text", ""), workdays=_int(post.get("workdays")),
            until=_date(post.get("until"))),
        "complete": lambda: services.task_request_completion(
            actor=user, task=t, text=post.get("text", ""), files=_files(request)),
        "approve": lambda: services.task_review(actor=user, task=t, approve=True, note=post.get("text", "")),
        "send_back": lambda: services.task_review(actor=user, task=t, approve=False,
                                                  note=post.get("text", "")),
        "remind": lambda: services.task_remind(actor=user, task=t, message=post.get("text", "")),
        "due": lambda: services.task_due_change(actor=user, task=t, reason=post.get("text", ""),
                                                workdays=_int(post.get("workdays")),
                                                until=_date(post.get("until"))),
        "ext_approve": lambda: _ext(request, t, True),
        "ext_refuse": lambda: _ext(request, t, False),
        "holding_approve": lambda: _holding(request, t, True),
        "holding_refuse": lambda: _holding(request, t, False),
        "split": lambda: services.task_split(
            actor=user, task=t, units=list(Unit.objects.filter(
                pk__in=[int(x) for x in post.getlist("units") if x.isdigit()])),
            due_date=_date(post.get("until"))),
    }


def _ext(request: AuthedRequest, t: Task, approve: bool) -> object:
    ext = TaskExtension.objects.filter(task=t, status=ExtensionStatus.PENDING).first()
    if ext is None:
        raise services.TaskError("该任务没有待审批的延期申请。")
    return services.extension_decide(actor=request.user, extension=ext, approve=approve,
                                     note=request.POST.get("text", ""))


def _holding(request: AuthedRequest, t: Task, approve: bool) -> object:
    entry = TaskReport.objects.filter(task=t, kind="holding", state=ReportState.PENDING).first()
    if entry is None:
        raise services.TaskError("该任务没有待审核的阶段性答复。")
    services.holding_decide(actor=request.user, report=entry, approve=approve,
                            note=request.POST.get("text", ""))
    return entry


@require_POST
@require(A.USE)
def task_act(request: AuthedRequest, pk: int) -> HttpResponse:
    t = _task(request, pk)
    action = request.POST.get("action", "")
    actions = _task_actions(request, t)
    if action not in actions:
        messages.error(request, "未知的操作。")
        return redirect("supervision:task", pk=t.pk)
    try:
        actions[action]()
    except ValidationError as exc:
        _errors(request, exc)
    except PermissionDenied:
        messages.error(request, "您不能对该任务进行此操作。")
    else:
        messages.success(request, _DONE[action])
    return redirect("supervision:task", pk=t.pk)


@require(A.USE)
def mine(request: AuthedRequest) -> HttpResponse:
    """本单位督办任务: the liaison officer's list, made for a phone."""
    qs = selectors.my_tasks(request.user)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/mine.html", {**_tabs(request, "mine"), "page": page,
                                                     "querystring": ""})


# --- the leader's view, statistics, weekly report, imports ------------------------------

@require(A.LEADER_VIEW)
def leader(request: AuthedRequest) -> HttpResponse:
    services.instructions_sync()  # an instruction given minutes ago on a 收文 shows at once
    view = selectors.leader_view(request.user)
    for i in view.instructions:
        i.progress = view.progress.get(i.pk, {"tasks": 0, "done": 0, "red": 0})  # type: ignore[attr-defined]
    return render(request, "supervision/leader.html", {**_tabs(request, "leader"), "v": view})


def _period(request: AuthedRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = _date(request.GET.get("date_from") or request.POST.get("date_from")) or today.replace(month=1, day=1)
    end = _date(request.GET.get("date_to") or request.POST.get("date_to")) or today
    return start, end


@require(A.STATS)
def stats(request: AuthedRequest) -> HttpResponse:
    start, end = _period(request)
    if end < start:
        messages.error(request, "统计期间的结束日期不能早于开始日期。")
        start, end = end, start
    result = selectors.stats(request.user, start, end)
    chart = {"units": [u.short for u in result.units], "received": [u.received for u in result.units],
             "closed": [u.closed for u in result.units], "overdue": [u.overdue for u in result.units],
             "months": [m[0] for m in result.months], "month_received": [m[1] for m in result.months],
             "month_closed": [m[2] for m in result.months]}
    return render(request, "supervision/stats.html", {**_tabs(request, "stats"), "s": result,
                                                      "chart": chart})


@require_POST
@require(A.STATS)
def circular(request: AuthedRequest) -> HttpResponse:
    start, end = _period(request)
    try:
        doc = services.circular_draft(actor=request.user, date_from=start, date_to=end)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(f"{reverse('supervision:stats')}?date_from={start}&date_to={end}")
    except PermissionDenied:
        messages.error(request, "您不能起草公文。")
        return redirect("supervision:stats")
    messages.success(request, "已生成通报草稿，请修改后送审。")
    return redirect("documents:detail", pk=doc.pk)


@require(A.MANAGE)
def weekly(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(WeeklyReport, pk=pk)
    from zhongshu.access.classification import highest_level

    level = highest_level(request.user)
    body = [r for r in report.body if r.get("classification", 1) <= level]
    return render(request, "supervision/weekly.html", {**_tabs(request, "ledger"), "r": report,
                                                       "body": body})


@require(A.MANAGE)
def plan_import(request: AuthedRequest) -> HttpResponse:
    form = forms.PlanImportForm(request.POST or None, request.FILES or None,
                                initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            job = imports.import_submit(actor=request.user, file_name=f.name, content=f.read(),
                                        year=form.cleaned_data["year"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("jobs:detail", pk=job.pk)
    return render(request, "supervision/plan_import.html", {**_tabs(request, "new"), "form": form,
                                                            "headers": imports.HEADERS})
