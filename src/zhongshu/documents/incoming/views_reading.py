"""Pages of 收文 for reading and answering: the viewer's page images, the printable
文件处理签, the reply page the sender is sent to, drafting a 批复/复函, and 收文统计."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhongshu.access.policy import Action, can
from zhongshu.access.views import require
from zhongshu.audit.services import record_access
from zhongshu.documents.incoming.actions import IncomingAction
from zhongshu.kernel.http import AuthedRequest

from . import replies, selectors, services, viewer
from .models import IncomingDocument, IncomingFile, ReplyKind
from .stats import incoming_stats
from .views import _document

MAX_STATS_DAYS = 3660


def page_image(request: AuthedRequest, pk: int, file_id: int, number: int) -> HttpResponse:
    """One page of a file as a PNG: 404 outside need-to-know (as the document itself)."""
    doc = _document(request, pk)
    f = get_object_or_404(IncomingFile, pk=file_id, incoming=doc, is_reply=False)
    try:
        png = viewer.page_image(actor=request.user, incoming=doc, file=f, number=number)
    except viewer.CannotView as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(png, content_type="image/png")
    # A classified page carries this viewer's name and the time: never kept by a cache.
    response["Cache-Control"] = "private, no-store" if doc.is_classified else "private, max-age=300"
    return response


def slip(request: AuthedRequest, pk: int) -> HttpResponse:
    """文件处理签 (收文处理笺): the document's facts, the 拟办意见, the 批示, the handling
    and its result on one printable page."""
    doc = _document(request, pk)
    record_access(actor=request.user, obj=doc)
    return render(request, "incoming/slip.html", {
        "doc": doc, "proposals": selectors.proposals(doc),
        "instructions": doc.instructions.select_related("leader"),
        "assists": selectors.assists(doc), "circulations": selectors.circulations(doc),
        "main_files": doc.files.filter(is_attachment=False, is_reply=False).count(),
        "attachments": doc.files.filter(is_attachment=True).count(),
        "now": timezone.localtime()})


def _reply_doc(request: AuthedRequest, pk: int) -> IncomingDocument:
    doc = IncomingDocument.objects.select_related("sender_unit", "recipient_unit").filter(pk=pk).first()
    if doc is None or not replies.may_view_reply(request.user, doc):
        raise Http404
    return doc


def reply(request: AuthedRequest, pk: int) -> HttpResponse:
    """答复: what the sending unit is told — the result and the reply files, never the
    receiving side's route."""
    doc = _reply_doc(request, pk)
    record_access(actor=request.user, obj=doc)
    return render(request, "incoming/reply.html", {
        "doc": doc, "files": replies.reply_files(doc), "now": timezone.localtime(),
        "may_open": can(request.user, Action.OBJECT_VIEW, doc)})


def reply_download(request: AuthedRequest, pk: int, file_id: int) -> HttpResponseBase:
    doc = _reply_doc(request, pk)
    f = get_object_or_404(IncomingFile, pk=file_id, incoming=doc, is_reply=True)
    try:
        out = replies.reply_file_download(actor=request.user, incoming=doc, file=f)
    except services.CannotDownload as exc:
        messages.error(request, exc.messages[0])
        return redirect("incoming:reply", doc.pk)
    response = FileResponse(out.file, content_type=out.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(out.name)}"
    return response


@require_POST
def draft_reply(request: AuthedRequest, pk: int) -> HttpResponse:
    """起草批复/复函: an outgoing draft addressed to the sender, opened for editing."""
    doc = _document(request, pk)
    try:
        link = replies.incoming_draft_reply(actor=request.user, incoming=doc,
                                            kind=request.POST.get("kind", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("incoming:detail", doc.pk)
    except PermissionDenied:
        messages.error(request, "您不能为该收文起草答复：答复由收文单位办公室或承办单位起草。")
        return redirect("incoming:detail", doc.pk)
    messages.success(request, f"已起草{link.get_kind_display()}《{link.outgoing.title}》，主送{doc.sender_display}。")
    return redirect("documents:detail", link.outgoing_id)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"日期“{value[:20]}”无效，请按 2026-01-31 的格式填写。") from None


@require(IncomingAction.LIST)
def stats(request: AuthedRequest) -> HttpResponse:
    """收文统计 for a period (this year so far unless chosen)."""
    today = timezone.localdate()
    error = ""
    date_from, date_to = dt.date(today.year, 1, 1), today
    try:
        date_from = _date(request.GET.get("date_from")) or date_from
        date_to = _date(request.GET.get("date_to")) or date_to
        if date_from > date_to:
            raise ValueError("起始日期不能晚于截止日期。")
        if (date_to - date_from).days > MAX_STATS_DAYS:
            raise ValueError("统计期间不能超过十年。")
    except ValueError as exc:
        error = str(exc)
        date_from, date_to = dt.date(today.year, 1, 1), today
    data = incoming_stats(request.user, date_from=date_from, date_to=date_to, today=today)
    return render(request, "incoming/stats.html", {
        "data": data, "error": error, "tab": "incoming_stats",
        "kinds": ReplyKind.choices})
