"""Pages of one outgoing document: drafting and editing (with conflict merging), the
document page (clean copy or tracked changes, route diagram, acting, distribution),
downloads. Thin: rules live in services, selectors and the policy."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongshu.access.policy import Action, can
from zhongshu.access.views import require
from zhongshu.documents.actions import DocumentAction
from zhongshu.kernel.http import AuthedRequest
from zhongshu.layout.render import FORMATS
from zhongshu.org.models import RoleCode
from zhongshu.workflow import selectors as wf_selectors

from . import blocks as body_blocks
from . import content, selectors, services
from .forms import ActForm, AttachmentForm, DistributionForm, DraftForm, VoidForm


def _get(request: AuthedRequest, pk: int):
    doc = selectors.document_get(request.user, pk)
    if doc is None:
        raise Http404
    return doc


def _say_form_errors(request: AuthedRequest, form) -> None:
    messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))


def _say_refusal(request: AuthedRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def _body(blocks: list, url: str, focus: int | None = None) -> dict:
    """What the body editor fragment needs (documents/_body_editor.html)."""
    return {"blocks": body_blocks.numbered(blocks), "block_types": content.BLOCK_TYPES,
            "body_url": url, "focus": focus}


def _editor(request: AuthedRequest, form, blocks, url, focus=None, **extra):
    return render(request, "documents/edit.html", {"form": form, **_body(blocks, url, focus), **extra})


def _body_op(request: AuthedRequest, blocks: list) -> tuple[list, int | None]:
    return body_blocks.apply(blocks, request.POST.get("body_op", ""), request.POST)


def _body_fragment(request: AuthedRequest, url: str) -> HttpResponse:
    """A button of the body editor, by htmx: the editor redrawn from the posted form with
    the button's change made. Nothing is saved."""
    blocks, focus = _body_op(request, body_blocks.from_post(request.POST))
    return render(request, "documents/_body_editor.html", _body(blocks, url, focus))


@require_POST
@require(DocumentAction.DRAFT)
def create_body(request: AuthedRequest) -> HttpResponse:
    return _body_fragment(request, reverse("documents:create_body"))


@require_POST
def edit_body(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    if not can(request.user, DocumentAction.EDIT, doc):
        raise PermissionDenied
    return _body_fragment(request, reverse("documents:edit_body", args=[doc.pk]))


@require(DocumentAction.DRAFT)
def create(request: AuthedRequest) -> HttpResponse:
    url = reverse("documents:create_body")
    blocks = [body_blocks.Block()]
    form = DraftForm(initial={"seal": True, "file_copies": 1}, user=request.user)
    if request.method == "POST":
        blocks = body_blocks.from_post(request.POST)
        if "body_op" in request.POST:  # a body editor button, without scripts
            blocks, focus = _body_op(request, blocks)
            return _editor(request, DraftForm.redrawn(request.POST, request.user), blocks, url, focus, doc=None)
        form = DraftForm(request.POST, blocks=blocks, user=request.user)
        if form.is_valid():
            try:
                doc = services.outgoing_create(
                    actor=request.user, doc_type=form.cleaned_data["doc_type"], spec=form.spec(),
                    countersign_units=form.cleaned_data["countersign_units"],
                    also_submit_to=form.cleaned_data["also_submit_to"],
                    **{k: v for k, v in form.meta().items() if k != "doc_type"})
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("草稿已保存为第 1 稿。"))
                return redirect("documents:detail", pk=doc.pk)
    return _editor(request, form, blocks, url, doc=None)


def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    if not can(request.user, DocumentAction.EDIT, doc):
        raise PermissionDenied
    merge_from = None
    url = reverse("documents:edit_body", args=[doc.pk])
    if request.method == "POST":
        blocks = body_blocks.from_post(request.POST)
        if "body_op" in request.POST:  # a body editor button, without scripts
            blocks, focus = _body_op(request, blocks)
            return _editor(request, DraftForm.redrawn(request.POST, request.user), blocks, url, focus, doc=doc)
        form = DraftForm(request.POST, blocks=blocks, user=doc.registered_by)
        if form.is_valid():
            try:
                result = services.outgoing_save(
                    actor=request.user, document=doc, spec=form.spec(),
                    base_version=form.cleaned_data["base_version"] or 0,
                    countersign_units=form.cleaned_data["countersign_units"],
                    also_submit_to=form.cleaned_data["also_submit_to"],
                    note=form.cleaned_data["note"], **form.meta())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                if result.conflict:
                    messages.error(request, result.conflict.messages[0])
                    return redirect(f"{request.path}?from={result.version.pk}")
                messages.success(request, _("已保存为第 %(n)s 稿。") % {"n": result.version.number})
                return redirect("documents:detail", pk=doc.pk)
    else:
        spec = doc.current_version.spec
        side = request.GET.get("from")
        if side and side.isdigit():
            # Merging: start from the refused text, against the latest version, which
            # the page shows beside it.
            merge_from = doc.versions.filter(pk=int(side), is_side=True).first()
            if merge_from is not None:
                spec = merge_from.spec
        initial = DraftForm.initial_from(doc, spec)
        initial["base_version"] = doc.current_version_id
        form = DraftForm(initial=initial, user=doc.registered_by)
        blocks = body_blocks.from_spec(spec.get("body") or []) or [body_blocks.Block()]
    latest = doc.current_version
    return _editor(request, form, blocks, url, doc=doc, merge_from=merge_from, latest=latest,
                   latest_text=content.text_of(latest.spec) if merge_from else "",
                   merge_text=content.text_of(merge_from.spec) if merge_from else "")


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    services.outgoing_viewed(actor=request.user, document=doc)
    user = request.user
    # Leaders read the clean copy (清稿) unless they ask for the marks.
    default_view = "clean" if user.has_role(RoleCode.LEADER) else "marks"
    view = request.GET.get("view") or default_view
    spec = doc.current_version.spec
    route = selectors.route_of(doc)
    step = wf_selectors.my_pending_step(user, route) if route else None
    act_form = None
    if step and route:
        stages = list(route.template_version.stages.all())
        stage = next(s for s in stages if s.position == step.position)
        act_form = ActForm(stage=stage, earlier=[s for s in stages if s.position < step.position],
                           choice=wf_selectors.next_choice(step))
    may_distribute = can(user, DocumentAction.DISTRIBUTE, doc)
    rows = selectors.delivery_rows(doc)
    dist_form = None
    if may_distribute:
        dist_form = DistributionForm(initial={
            "main_units": [r.delivery.recipient_unit_id for r in rows if r.delivery.is_internal and r.delivery.kind == "main"],
            "cc_units": [r.delivery.recipient_unit_id for r in rows if r.delivery.is_internal and r.delivery.kind == "cc"],
            "externals": "\n".join(f"{r.delivery.external_name}|{r.delivery.get_channel_display()}|{r.delivery.get_kind_display()}"
                                   for r in rows if not r.delivery.is_internal)})
    files = selectors.attachment_files(doc)
    may_edit = can(user, DocumentAction.EDIT, doc)
    may_issue = can(user, DocumentAction.ISSUE, doc)
    upload_error = request.session.pop(ATTACHMENT_ERROR, None)
    return render(request, "documents/detail.html", {
        "may_issue": may_issue,
        "upload_error": upload_error["text"] if upload_error and upload_error.get("doc") == doc.pk else "", "issue_stages": selectors.issue_stages(doc) if may_issue else [],
        "may_reserve": can(user, DocumentAction.NUMBER_RESERVE, doc),
        "may_withdraw": services.may_withdraw(user, doc),
        "may_reclassify": can(user, Action.OBJECT_RECLASSIFY, doc),
        "next_number": services.next_number(doc) if not doc.doc_number and doc.kind.issued else "",
        "copies_planned": len(rows) + doc.file_copies if rows else 0,
        "doc": doc, "spec": spec, "blocks": content.blocks_for_display(spec), "view": view,
        "attachment_note": content.attachment_list(spec, [f.title for f in files]),
        "attachment_files": files, "attachment_form": AttachmentForm() if may_edit else None,
        "tracked": selectors.tracked(doc) if view == "marks" else None,
        "versions": selectors.versions(doc), "findings": doc.current_version.findings,
        "timeline": selectors.timeline(doc), "step": step, "act_form": act_form,
        "may_edit": may_edit,
        "may_submit": can(user, DocumentAction.SUBMIT, doc),
        "may_distribute": may_distribute, "dist_form": dist_form, "deliveries": rows,
        "received": sum(r.received for r in rows if r.delivery.is_internal),
        "internal": sum(r.delivery.is_internal for r in rows),
        "may_chase": can(user, DocumentAction.CHASE, doc),
        "may_void": can(user, DocumentAction.NUMBER_VOID, doc), "void_form": VoidForm(),
        "formats": list(FORMATS), "watermark": f"{user.full_name} {timezone.localtime():%Y-%m-%d %H:%M}"
        if doc.is_classified else ""})


@require_POST
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    try:
        services.outgoing_submit(actor=request.user, document=doc)
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("已送审。"))
    return redirect("documents:detail", pk=pk)


@require_POST
def act(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    route = selectors.route_of(doc)
    step = wf_selectors.my_pending_step(request.user, route) if route else None
    if step is None or route is None:
        messages.error(request, _("您在该文件上没有待办理的环节，可能已经办理过。"))
        return redirect("documents:detail", pk=pk)
    stages = list(route.template_version.stages.all())
    stage = next(s for s in stages if s.position == step.position)
    form = ActForm(request.POST, stage=stage, earlier=[s for s in stages if s.position < step.position],
                   choice=wf_selectors.next_choice(step))
    if not form.is_valid():
        _say_form_errors(request, form)
        return redirect("documents:detail", pk=pk)
    data = form.cleaned_data
    try:
        services.outgoing_act(actor=request.user, document=doc, step=step, action=data["action"],
                              text=data["text"], return_to=data.get("return_to"), chosen=form.chosen())
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("已办理。"))
    return redirect("documents:detail", pk=pk)


@require_POST
def distribution(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    if not can(request.user, DocumentAction.DISTRIBUTE, doc):
        raise PermissionDenied
    form = DistributionForm(request.POST)
    if not form.is_valid():
        _say_form_errors(request, form)
        return redirect("documents:detail", pk=pk)
    try:
        services.outgoing_distribution_set(
            actor=request.user, document=doc, main_units=form.cleaned_data["main_units"],
            cc_units=form.cleaned_data["cc_units"], externals=form.cleaned_data["externals"])
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("分发名单已保存。"))
    return redirect("documents:detail", pk=pk)


@require_POST
def chase(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    if not can(request.user, DocumentAction.CHASE, doc):
        raise PermissionDenied
    try:
        count = services.outgoing_chase(actor=request.user, document=doc)
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("已向 %(n)s 人发送催收提醒。") % {"n": count})
    return redirect("documents:detail", pk=pk)


@require_POST
def void_number(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    if not can(request.user, DocumentAction.NUMBER_VOID, doc):
        raise PermissionDenied
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("作废文号须说明原因。"))
        return redirect("documents:detail", pk=pk)
    try:
        new = services.outgoing_number_void(actor=request.user, document=doc,
                                            reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("原文号已作废，新文号为 %(n)s。") % {"n": new})
    return redirect("documents:detail", pk=pk)


def download(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    doc = _get(request, pk)
    if fmt not in FORMATS:
        raise Http404
    data = services.outgoing_download(actor=request.user, document=doc, fmt=fmt)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    name = f"outgoing-{doc.pk}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- attachment files ----------------------------------------------------------------

def _to_attachments(pk: int) -> HttpResponse:
    return redirect(f"{reverse('documents:detail', args=[pk])}#attachments")


ATTACHMENT_ERROR = "documents.attachment_error"


def _attachment_refused(request: AuthedRequest, pk: int, text: str) -> HttpResponse:
    """The refusal is shown beside the upload form, where the page lands (#attachments),
    not at the top of a long page out of view."""
    request.session[ATTACHMENT_ERROR] = {"doc": pk, "text": text}
    return _to_attachments(pk)


@require_POST
def attachment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    if not can(request.user, DocumentAction.EDIT, doc):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _attachment_refused(request, pk, "；".join(str(e) for errs in form.errors.values() for e in errs))
    upload = form.cleaned_data["file"]
    try:
        attachment = services.outgoing_attachment_add(
            actor=request.user, document=doc, name=upload.name, data=upload.read(),
            title=form.cleaned_data["title"])
    except ValidationError as exc:
        return _attachment_refused(request, pk, "；".join(exc.messages))
    messages.success(request, _("附件“%(t)s”已上传。") % {"t": attachment.title})
    return _to_attachments(pk)


@require_POST
def attachment_remove(request: AuthedRequest, pk: int, file_id: int) -> HttpResponse:
    doc = _get(request, pk)
    if not can(request.user, DocumentAction.EDIT, doc):
        raise PermissionDenied
    # Without its bytes (up to 50 MB): removing needs only its row.
    attachment = doc.attachment_files.filter(pk=file_id).first()
    if attachment is None:
        raise Http404
    try:
        services.outgoing_attachment_remove(actor=request.user, document=doc, attachment=attachment)
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("附件“%(t)s”已删除。") % {"t": attachment.title})
    return _to_attachments(pk)


def attachment_download(request: AuthedRequest, pk: int, file_id: int) -> HttpResponseBase:
    doc = _get(request, pk)
    attachment = selectors.attachment_get(doc, file_id)
    if attachment is None:
        raise Http404
    try:
        file = services.outgoing_attachment_download(actor=request.user, document=doc,
                                                     attachment=attachment)
    except ValidationError as exc:
        _say_refusal(request, exc)
        return _to_attachments(pk)
    # streamed: a stamped copy is a temporary file, never read whole into memory
    response = FileResponse(file.file, content_type=file.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file.name)}"
    return response


@require_POST
def issue(request: AuthedRequest, pk: int) -> HttpResponse:
    """印发: 复核, 编号, 用印, 印制 and 分发 from one screen."""
    doc = _get(request, pk)
    if not can(request.user, DocumentAction.ISSUE, doc):
        raise PermissionDenied
    try:
        done = services.outgoing_issue(actor=request.user, document=doc,
                                       text=request.POST.get("text", "").strip()[:500])
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        doc.refresh_from_db()
        messages.success(request, _("已完成%(stages)s。文号 %(n)s，印制 %(c)s 份。") % {
            "stages": "、".join(done), "n": doc.doc_number or "—", "c": doc.copies_printed})
    return redirect("documents:detail", pk=pk)


@require_POST
def reserve_number(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    if not can(request.user, DocumentAction.NUMBER_RESERVE, doc):
        raise PermissionDenied
    try:
        number = services.outgoing_number_reserve(actor=request.user, document=doc)
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("已预留文号 %(n)s，编号环节将沿用此号。") % {"n": number})
    return redirect("documents:detail", pk=pk)


def sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    """发文稿纸: the document's processing sheet, printable — who drafted, reviewed,
    countersigned and signed, with their opinions, and the clean text."""
    doc = _get(request, pk)
    services.outgoing_viewed(actor=request.user, document=doc)
    spec = doc.current_version.spec
    rows = selectors.delivery_rows(doc)
    return render(request, "documents/sheet.html", {
        "doc": doc, "spec": spec, "blocks": content.blocks_for_display(spec),
        "sheet": selectors.sheet(doc), "deliveries": rows,
        "attachment_note": content.attachment_list(spec, [f.title for f in selectors.attachment_files(doc)]),
        "next_number": services.next_number(doc) if not doc.doc_number and doc.kind.issued else "",
        "watermark": f"{request.user.full_name} {timezone.localtime():%Y-%m-%d %H:%M}" if doc.is_classified else ""})


@require_POST
def withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _get(request, pk)
    try:
        step = services.outgoing_withdraw(actor=request.user, document=doc)
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("已撤回，回到“%(s)s”环节，可修改后重新送出。") % {"s": step.stage_name})
    return redirect("documents:detail", pk=pk)
