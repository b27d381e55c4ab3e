"""Pages of 收文 (thin: forms in, services for writes, selectors for reads)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhongshu.access.policy import Action, can
from zhongshu.access.views import get_visible_or_404, require
from zhongshu.audit.services import record_access
from zhongshu.documents.incoming.actions import IncomingAction
from zhongshu.kernel import kept
from zhongshu.kernel.exports import export_submit
from zhongshu.kernel.filters import report_form_errors
from zhongshu.kernel.http import AuthedRequest
from zhongshu.kernel.paging import CappedPaginator
from zhongshu.org.models import Person, Unit

from . import forms, replies, selectors, services, viewer
from .exports import INCOMING_REGISTER
from .models import IncomingDocument, IncomingFile, ReplyKind, TaskKind

PAGE_SIZE = 30  # as 发文登记簿 and the other lists
HOLDERS_SHOWN = 3  # names in a row's current-stage cell; the rest are counted


def _filtered(request: AuthedRequest):
    form = forms.RegisterFilterForm(request.GET or None)
    report_form_errors(request, form)
    sort = request.GET.get("sort", "-received")
    return form, selectors.register(request.user, form.to_filter(sort)), sort


@require(IncomingAction.LIST)
def register(request: AuthedRequest) -> HttpResponse:
    """收文登记簿: with where each open document is and who has not read it."""
    form, qs, sort = _filtered(request)
    page = CappedPaginator(qs, PAGE_SIZE, kept_key=kept.register_key(request, "incoming")
                           ).get_page(request.GET.get("page"))
    rows = selectors.register_rows(page.object_list, holders_shown=HOLDERS_SHOWN)
    params = {k: v for k, v in request.GET.items() if k not in ("page", "sort") and v}
    base = urlencode(params)
    return render(request, "incoming/register.html", {
        "form": form, "page": page, "rows": rows, "sort": sort,
        "querystring": urlencode({**params, "sort": sort}) + "&",
        "sort_base": base + "&" if base else "",
        "export_query": urlencode({**params, "sort": sort}),
        "may_register": can(request.user, IncomingAction.REGISTER),
        "pending_count": selectors.pending_count(request.user),
        "tab": "incoming"})


@require_POST
@require(IncomingAction.LIST)
def export(request: AuthedRequest) -> HttpResponse:
    """导出 Excel: queue the register, as filtered, for the background and show progress."""
    try:
        job = export_submit(actor=request.user, kind=INCOMING_REGISTER, params=request.GET)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('incoming:register')}?{request.GET.urlencode()}")
    return redirect("jobs:detail", pk=job.pk)


@require(IncomingAction.LIST)
def pending(request: AuthedRequest) -> HttpResponse:
    """待签收: what electronic exchange delivered to the viewer's unit."""
    page = Paginator(selectors.pending_receipts(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incoming/pending.html", {"page": page, "querystring": "",
                                                     "tab": "incoming"})


@require(IncomingAction.REGISTER)
def create(request: AuthedRequest) -> HttpResponse:
    form = forms.RegisterForm(request.POST or None, request.FILES or None, person=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        main = data["main_file"]
        try:
            doc = services.incoming_register(
                actor=request.user, recipient_unit=data["recipient_unit"], title=data["title"],
                doc_type=data["doc_type"], doc_number=data["doc_number"],
                sender_unit=data["sender_unit"], sender_name=data["sender_name"],
                urgency=data["urgency"], classification=data["classification"],
                secrecy_years=data["secrecy_years"], secrecy_long_term=data["secrecy_long_term"],
                copy_number=data["copy_number"], channel=data["channel"],
                files=[(main.name, main.read())],
                attachments=[(f.name, f.read()) for f in data["attachments"]])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"已登记，收文号 {doc.receipt_number}。")
            return redirect("incoming:detail", doc.pk)
    return render(request, "incoming/create.html", {"form": form, "tab": "incoming"})


def _document(request: AuthedRequest, pk: int) -> IncomingDocument:
    return get_visible_or_404(request.user, IncomingDocument.objects.select_related(
        "sender_unit", "recipient_unit", "handling_unit", "handler", "received_by",
        "instruct_leader"), pk=pk)


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    record_access(actor=request.user, obj=doc)
    tasks = selectors.my_open_tasks(request.user, doc)
    is_office = can(request.user, IncomingAction.OFFICE, doc)
    may_circulate = is_office and doc.status in services.CIRCULATION_STATUSES
    needs_people = TaskKind.PROPOSE in tasks or TaskKind.READ in tasks or may_circulate
    files = list(doc.files.all())
    return render(request, "incoming/detail.html", {
        **_viewer_context(request, doc, [f for f in files if not f.is_reply]),
        "proposals": selectors.proposals(doc), "assists": selectors.assists(doc),
        "reply_files": [f for f in files if f.is_reply],
        "replies": replies.replies_of(request.user, doc),
        "may_draft_reply": replies.may_draft_reply(request.user, doc),
        "reply_kinds": ReplyKind.choices,
        "doc": doc, "tasks": tasks, "is_office": is_office, "may_circulate": may_circulate,
        "files": [f for f in files if not f.is_reply],
        "instructions": doc.instructions.select_related("leader"),
        "timeline": selectors.timeline(doc), "durations": selectors.stage_durations(doc),
        "route": selectors.route(doc),
        "circulations": selectors.circulations(doc),
        "extensions": selectors.extensions_of(doc),
        "pickers": forms.PickersForm(
            leaders=forms.leaders_for(doc.classification) if TaskKind.PROPOSE in tasks else [],
            readers=forms.readers_for(doc.classification) if needs_people and may_circulate else [],
            units=forms.handling_units() if TaskKind.ASSIGN in tasks else None),
        "instruction_kinds": forms.INSTRUCTION_CHOICES,
        "may_instruct": can(request.user, Action.INSTRUCT, doc),
        "now": timezone.localtime(), "tab": "incoming"})


def _viewer_context(request: AuthedRequest, doc: IncomingDocument, files: list[IncomingFile]) -> dict:
    """The inline viewer: the file chosen (``?view=<id>``, else the first viewable main
    file) and its pages, drawn as images by ``viewer.page_image``."""
    shown = [f for f in files if viewer.viewable(f)]
    wanted = request.GET.get("view", "")
    current = next((f for f in shown if str(f.pk) == wanted), None)
    if current is None:
        current = next((f for f in shown if not f.is_attachment), shown[0] if shown else None)
    pages, error = 0, ""
    if current is not None:
        try:
            pages = viewer.page_count(current)
        except viewer.CannotView as exc:
            error = str(exc)
    return {"viewer_files": shown, "viewer_file": current, "viewer_pages": range(1, pages + 1),
            "viewer_error": error, "viewer_max": viewer.MAX_PAGES}


def download(request: AuthedRequest, pk: int, file_id: int) -> HttpResponseBase:
    doc = _document(request, pk)
    f = get_object_or_404(IncomingFile, pk=file_id, incoming=doc, is_reply=False)
    try:
        out = services.incoming_file_download(actor=request.user, incoming=doc, file=f)
    except services.CannotDownload as exc:
        messages.error(request, exc.messages[0])
        return redirect("incoming:detail", doc.pk)
    # streamed: a stamped copy is a temporary file, never read whole into memory
    response = FileResponse(out.file, content_type=out.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(out.name)}"
    return response


# --- acting on a document ------------------------------------------------------------

def _int(request: AuthedRequest, key: str) -> int | None:
    value = request.POST.get(key, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


def _person(request: AuthedRequest, key: str) -> Person | None:
    pk = _int(request, key)
    return get_object_or_404(Person, pk=pk) if pk else None


def _op_receive(request: AuthedRequest, doc):
    doc = services.incoming_confirm_receipt(actor=request.user, incoming=doc)
    return f"已签收，收文号 {doc.receipt_number}。"


def _op_accept(request: AuthedRequest, doc):
    services.incoming_intake_check(actor=request.user, incoming=doc, accept=True,
                                   reason=request.POST.get("reason", ""))
    return "初审通过，已转拟办。"


def _op_return(request: AuthedRequest, doc):
    services.incoming_intake_check(actor=request.user, incoming=doc, accept=False,
                                   reason=request.POST.get("reason", ""))
    return "已退回来文单位。"


def _op_propose(request: AuthedRequest, doc):
    leader = _person(request, "leader")
    services.incoming_propose(actor=request.user, incoming=doc, leader=leader,
                              opinion=request.POST.get("opinion", ""))
    return f"拟办意见已提交，呈{leader}批示。" if leader else "拟办意见已提交，转交办。"


def _op_instruct(request: AuthedRequest, doc):
    services.incoming_instruct(actor=request.user, incoming=doc, kind=request.POST.get("kind", ""),
                               text=request.POST.get("text", ""))
    return "批示已记录。"


def _op_assign(request: AuthedRequest, doc):
    unit_id = _int(request, "handling_unit")
    if unit_id is None:
        raise services.IncomingError("请选择承办单位。")
    co_ids = [int(v) for v in request.POST.getlist("co_units") if v.isdigit()]
    # The lead unit chosen again as a co-unit is simply the lead.
    co_units = list(Unit.objects.filter(pk__in=co_ids).exclude(pk=unit_id).order_by("kind", "sort_order", "id"))
    services.incoming_assign(actor=request.user, incoming=doc,
                             handling_unit=get_object_or_404(Unit, pk=unit_id),
                             workdays=request.POST.get("workdays", ""),
                             opinion=request.POST.get("opinion", ""), co_units=co_units)
    return "已交办。" if not co_units else f"已交办，协办单位：{'、'.join(u.name for u in co_units)}。"


def _op_assist(request: AuthedRequest, doc: IncomingDocument) -> str:
    services.incoming_assist(actor=request.user, incoming=doc, text=request.POST.get("text", ""))
    return "协办意见已提交。"


def _op_holding(request: AuthedRequest, doc):
    services.incoming_holding_reply(actor=request.user, incoming=doc, text=request.POST.get("text", ""))
    return "阶段性答复已记录。"


def _op_extension(request: AuthedRequest, doc):
    services.incoming_request_extension(actor=request.user, incoming=doc,
                                        workdays=request.POST.get("workdays", ""),
                                        reason=request.POST.get("reason", ""))
    return "延期申请已提交，等待办公室主任审批。"


def _op_decide(request: AuthedRequest, doc):
    ext = selectors.extensions_of(doc).filter(pk=_int(request, "extension") or 0).first()
    if ext is None:
        raise Http404
    ext = services.incoming_decide_extension(actor=request.user, extension=ext,
                                             approve=request.POST.get("approve") == "1",
                                             note=request.POST.get("note", ""))
    return "已同意延期。" if ext.status == "approved" else "已不同意延期。"


def _op_complete(request: AuthedRequest, doc):
    files = [(f.name or "", f.read()) for f in request.FILES.getlist("reply_files")]
    services.incoming_complete(actor=request.user, incoming=doc, summary=request.POST.get("summary", ""),
                               reply_files=files)
    return "已办结。已通知来文单位查看答复。" if replies.sender_contacts(doc) else "已办结。"


def _op_circulate(request: AuthedRequest, doc):
    ids = [int(v) for v in request.POST.getlist("readers") if v.isdigit()]
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    services.circulation_start(actor=request.user, incoming=doc,
                               readers=[people[i] for i in ids if i in people],
                               sequential=request.POST.get("sequential") == "1",
                               workdays=request.POST.get("workdays") or None)
    return "已发起传阅。"


def _op_read(request: AuthedRequest, doc):
    services.circulation_mark_read(actor=request.user, incoming=doc,
                                   comment=request.POST.get("comment", ""),
                                   instruction_kind=request.POST.get("instruction_kind") or None)
    return "已阅。"


OPERATIONS: dict[str, Callable] = {
    "receive": _op_receive, "accept": _op_accept, "return": _op_return, "propose": _op_propose,
    "instruct": _op_instruct, "assign": _op_assign, "holding": _op_holding,
    "extension": _op_extension, "decide": _op_decide, "complete": _op_complete, "assist": _op_assist,
    "circulate": _op_circulate, "read": _op_read,
}


@require_POST
def act(request: AuthedRequest, pk: int) -> HttpResponse:
    """Every step on the document page posts here; a refused step comes back with the
    reason, and nothing was changed."""
    doc = _document(request, pk)
    op = OPERATIONS.get(request.POST.get("op", ""))
    if op is None:
        messages.error(request, "本环节不允许该操作：未知的操作。")
        return redirect("incoming:detail", doc.pk)
    try:
        messages.success(request, op(request, doc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied:
        messages.error(request, "本环节不允许该操作：您不是该环节的办理人。")
    if request.POST.get("next") == "pending":
        return redirect("incoming:pending")
    return redirect("incoming:detail", doc.pk)
