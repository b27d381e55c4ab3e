"""The REST API (django-ninja, OpenAPI 3 at /api/docs). A personal API token
(``Authorization: Bearer …``, no CSRF) or the session with CSRF for writes; every
operation calls the same selectors and services as the pages, and refusals come back as
structured JSON errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, NinjaAPI, Query, Status, UploadedFile
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from zhongshu.access.policy import can
from zhongshu.audit.services import record_access
from zhongshu.config.apidocs import LocalSwagger
from zhongshu.documents import selectors, services
from zhongshu.documents.incoming import forms as incoming_forms
from zhongshu.documents.incoming import selectors as incoming_selectors
from zhongshu.documents.incoming import services as incoming_services
from zhongshu.documents.incoming.actions import IncomingAction
from zhongshu.documents.incoming.models import (
    IncomingDocument,
    IncomingFile,
    TaskKind,
    task_kind_of,
)
from zhongshu.documents.models import OutgoingDocument
from zhongshu.kernel.http import AuthedRequest
from zhongshu.kernel.paging import REGISTER_COUNT_CAP, api_total
from zhongshu.layout.render import FORMATS
from zhongshu.org.models import Person, Unit
from zhongshu.workflow import selectors as wf_selectors
from zhongshu.workflow.events import RefusalCode

from . import services as token_services
from .errors import ErrorCode
from .schemas import (
    ActIn,
    AttachmentOut,
    DocumentDetail,
    DocumentList,
    DocumentOut,
    DraftIn,
    Error,
    IncomingActIn,
    IncomingDetail,
    IncomingList,
    IncomingOut,
    SaveIn,
    VersionOut,
    answers,
)


class TokenRefused(AuthenticationError):
    """A bearer token was presented and is unknown, expired or revoked: 401, with no
    fallback to the session."""


class BearerToken(HttpBearer):
    """A personal API token (accounts/tokens/); the request acts as its holder, with
    exactly the holder's rights. Token requests need no CSRF token."""

    openapi_bearerFormat = "zs_…"
    openapi_description = "个人 API 令牌：在“个人信息 → API 令牌”中创建，权限与持有人相同。"

    def authenticate(self, request: HttpRequest, token: str) -> Person:
        person = token_services.token_authenticate(token.strip())
        if person is None:
            raise TokenRefused
        request.user = person
        return person


api = NinjaAPI(title="中枢 API", version="1", urls_namespace="api", auth=[BearerToken(), django_auth],
               docs_url="/docs", docs=LocalSwagger(),
               description="办文接口：发文、收文的列表、详情、拟稿、办理、下载。"
                           "认证：个人 API 令牌（Authorization: Bearer），或已登录的会话（写操作须带 CSRF）。")


_answers = answers


def _file_answer(*types: str) -> dict[str, Any]:
    """The document of a download's 200: the file's bytes."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    kinds = types or ("application/octet-stream",)
    return {"responses": {200: {"description": "文件内容", "content": dict.fromkeys(kinds, binary)}}}


# pydantic's error types, said in Chinese for the API's callers.
_SCHEMA_MESSAGES: dict[str, str] = {
    "missing": "必填", "string_too_long": "不超过 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符", "too_long": "最多 {max_length} 项",
    "less_than_equal": "不大于 {le}", "greater_than_equal": "不小于 {ge}",
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "string_type": "应为文本", "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "list_type": "应为数组", "model_attributes_type": "应为对象", "dict_type": "应为对象",
    "json_invalid": "不是有效的 JSON", "date_from_datetime_parsing": "应为日期",
}


def _schema_message(e: Any) -> str:
    where = ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "data"))
    template = _SCHEMA_MESSAGES.get(str(e.get("type", "")))
    if template is None:
        return f"{where}：{e.get('msg', '')}"
    try:
        text = template.format(**(e.get("ctx") or {}))
    except (KeyError, IndexError):
        text = template
    return f"{where}：{text}"


def _error(request: HttpRequest, status: int, code: ErrorCode, message: str,
           details: list[str] | None = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details or []},
                               status=status)


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    return _error(request, 400, ErrorCode.INVALID, "；".join(exc.messages), exc.messages)


@api.exception_handler(NinjaValidationError)
def _schema(request, exc: NinjaValidationError):
    details = [_schema_message(e) for e in exc.errors]
    return _error(request, 422, ErrorCode.SCHEMA, "请求数据格式有误：" + "；".join(details[:5]), details)


@api.exception_handler(HttpError)
def _http(request, exc: HttpError):
    message = {400: "请求体应为 JSON。"}.get(exc.status_code, str(exc))
    code = ErrorCode.BAD_REQUEST if exc.status_code == 400 else ErrorCode.ERROR
    return _error(request, exc.status_code, code, message)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return _error(request, 403, ErrorCode.FORBIDDEN, "无权执行此操作。")


@api.exception_handler(Http404)
def _missing(request, exc):
    return _error(request, 404, ErrorCode.NOT_FOUND, "对象不存在或无权查看。")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, ErrorCode.UNAUTHENTICATED, "请先登录。")


@api.exception_handler(TokenRefused)
def _token_refused(request, exc):
    response = _error(request, 401, ErrorCode.UNAUTHENTICATED, "API 令牌无效、已过期或已撤销。")
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _out(doc: OutgoingDocument) -> dict:
    return {"id": doc.pk, "doc_type": doc.doc_type, "title": doc.title, "status": doc.status,
            "status_label": doc.get_status_display(), "doc_number": doc.doc_number,
            "classification": doc.classification, "secrecy_mark": doc.secrecy_mark,
            "urgency": doc.urgency, "owner_unit": doc.owner_unit.name,
            "drafter": doc.registered_by.full_name, "created_at": doc.created_at,
            "signed_off_at": doc.signed_off_at, "current_version": doc.current_version_id}


def _attachment(doc: OutgoingDocument, f) -> dict:
    return {"id": f.pk, "position": f.position, "title": f.title, "name": f.name, "kind": f.kind,
            "size": f.size, "uploaded_by": f.uploaded_by.full_name, "uploaded_at": f.uploaded_at,
            "download_url": reverse("api:outgoing_attachment_download", args=[doc.pk, f.pk])}


def _get(request: AuthedRequest, pk: int) -> OutgoingDocument:
    doc = selectors.document_get(request.user, pk)
    if doc is None:
        raise Http404
    return doc


def _spec(data: DraftIn) -> dict:
    body = []
    for b in data.body:
        if b.type == "table":
            body.append({"type": "table", "rows": b.rows or [], "header": True})
        elif b.type == "heading":
            body.append({"type": "heading", "level": b.level or 1, "text": b.text})
        else:
            body.append({"type": "paragraph", "text": b.text})
    return {"title": data.title, "main_recipients": data.main_recipients, "body": body,
            "attachments": [{"title": t} for t in data.attachments], "signature": data.signature,
            "seal": data.seal, "notes": data.notes, "cc_recipients": data.cc_recipients}


def _meta(data: DraftIn) -> dict:
    leader = Person.objects.filter(pk=data.sign_off_leader).first() if data.sign_off_leader else None
    if data.sign_off_leader and leader is None:
        raise ValidationError("签发领导不存在。")
    meta: dict[str, Any] = {"urgency": data.urgency, "sign_off_leader": leader}
    # A save may leave the level out: it never changes it (issue 11 §6).
    if data.classification is not None:
        meta.update(classification=data.classification, secrecy_years=data.secrecy_years,
                    secrecy_long_term=data.secrecy_long_term)
    return meta


@api.get("/documents/outgoing", response=_answers({200: DocumentList}), url_name="outgoing_list",
         summary="发文列表（仅本人可见的）")
def outgoing_list(request: AuthedRequest, q: str = "", doc_type: str = "", status: str = "",
                  limit: int = Query(30, ge=1, le=200),
                  offset: int = Query(0, ge=0, le=REGISTER_COUNT_CAP)):
    qs = selectors.register(request.user, q=q, doc_type=doc_type, status=status)
    return {**api_total(qs), "items": [_out(d) for d in qs[offset:offset + limit]]}


@api.post("/documents/outgoing", response=_answers({201: DocumentOut}), url_name="outgoing_create",
          summary="拟稿（创建草稿）")
def outgoing_create(request: AuthedRequest, data: DraftIn):
    units = list(Unit.objects.filter(pk__in=data.countersign_units))
    doc = services.outgoing_create(actor=request.user, doc_type=data.doc_type, title=data.title,
                                   spec=_spec(data), countersign_units=units, **_meta(data))
    return Status(201, _out(doc))


@api.get("/documents/outgoing/{doc_id}", response=_answers({200: DocumentDetail}), url_name="outgoing_detail",
         summary="发文详情")
def outgoing_detail(request: AuthedRequest, doc_id: int):
    doc = _get(request, doc_id)
    services.outgoing_viewed(actor=request.user, document=doc)
    route = selectors.route_of(doc)
    step = wf_selectors.my_pending_step(request.user, route) if route else None
    steps = list(route.steps.select_related("assignee")) if route else []
    return {**_out(doc), "spec": doc.current_version.spec if doc.current_version else {},
            "versions": [{"id": v.pk, "number": v.number, "author": v.author.full_name,
                          "created_at": v.created_at.isoformat(), "is_side": v.is_side}
                         for v in selectors.versions(doc)],
            "steps": [{"id": s.pk, "stage_key": s.stage_key, "stage_name": s.stage_name,
                       "assignee": s.assignee.full_name,
                       "status": s.status, "acted_at": s.acted_at} for s in steps],
            "my_step": step.pk if step else None,
            "deliveries": [{"recipient": r.delivery.recipient_name, "copy_number": r.delivery.copy_label,
                            "delivered_at": r.delivery.delivered_at.isoformat() if r.delivery.delivered_at else None,
                            "received": r.received} for r in selectors.delivery_rows(doc)],
            "attachments": [_attachment(doc, f) for f in selectors.attachment_files(doc)]}


@api.post("/documents/outgoing/{doc_id}/versions", response=_answers({201: VersionOut, 409: VersionOut}),
          url_name="outgoing_save", summary="保存新版本（他人已先保存时返回 409，文本存为旁支）")
def outgoing_save(request: AuthedRequest, doc_id: int, data: SaveIn):
    doc = _get(request, doc_id)
    units = list(Unit.objects.filter(pk__in=data.countersign_units))
    result = services.outgoing_save(actor=request.user, document=doc, spec=_spec(data),
                                    base_version=data.base_version, countersign_units=units,
                                    title=data.title, doc_type=data.doc_type, **_meta(data))
    v = result.version
    out = {"id": v.pk, "number": v.number, "is_side": v.is_side,
           "conflict": result.conflict.messages[0] if result.conflict else ""}
    return Status(409 if result.conflict else 201, out)


@api.post("/documents/outgoing/{doc_id}/submit", response=_answers({200: DocumentOut}), url_name="outgoing_submit",
          summary="送审")
def outgoing_submit(request: AuthedRequest, doc_id: int):
    doc = _get(request, doc_id)
    services.outgoing_submit(actor=request.user, document=doc)
    return _out(_get(request, doc_id))


@api.post("/documents/outgoing/{doc_id}/act", response=_answers({200: DocumentOut, 409: Error}),
          url_name="outgoing_act", summary="办理本人的待办环节（同意、退回、不同意……）")
def outgoing_act(request: AuthedRequest, doc_id: int, data: ActIn):
    doc = _get(request, doc_id)
    route = selectors.route_of(doc)
    step = wf_selectors.my_pending_step(request.user, route) if route else None
    if step is None:
        return Status(409, {"code": ErrorCode.NO_PENDING_STEP, "message": "您在该文件上没有待办理的环节。", "details": []})
    try:
        services.outgoing_act(actor=request.user, document=doc, step=step, action=data.action,
                              text=data.text, return_to=data.return_to)
    except ValidationError as exc:
        if not _is_refusal(exc):
            raise
        return Status(409, {"code": ErrorCode.STEP_REFUSED, "message": "；".join(exc.messages),
                            "details": exc.messages})
    return Status(200, _out(_get(request, doc_id)))


@api.get("/documents/outgoing/{doc_id}/download", url_name="outgoing_download",
         response=_answers({}), openapi_extra=_file_answer("application/pdf", *FORMATS.values()),
         summary="下载排版文件（pdf、docx、ofd；涉密文件带查看人水印）")
def outgoing_download(request: AuthedRequest, doc_id: int, format: str = "pdf"):  # noqa: A002 (the query name)
    doc = _get(request, doc_id)
    if format not in FORMATS:
        raise ValidationError(f"不支持的格式：{format}，应为 pdf、docx 或 ofd。")
    data = services.outgoing_download(actor=request.user, document=doc, fmt=format)
    response = HttpResponse(data, content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="outgoing-{doc.pk}.{format}"'
    return response


@api.post("/documents/outgoing/{doc_id}/attachments", response=_answers({201: AttachmentOut}),
          url_name="outgoing_attachment_add",
          summary="上传附件文件（multipart：file，可选 title；按内容识别格式，不超过 50 MB）")
def outgoing_attachment_add(request: AuthedRequest, doc_id: int, file: File[UploadedFile], title: Form[str] = ""):
    doc = _get(request, doc_id)
    attachment = services.outgoing_attachment_add(actor=request.user, document=doc, name=file.name or "",
                                                  data=file.read(), title=title)
    return Status(201, _attachment(doc, attachment))


@api.get("/documents/outgoing/{doc_id}/attachments/{file_id}", url_name="outgoing_attachment_download",
         response=_answers({}), openapi_extra=_file_answer(),
         summary="下载附件文件（涉密文件的 PDF、图片带查看人水印）")
def outgoing_attachment_download(request: AuthedRequest, doc_id: int, file_id: int):
    doc = _get(request, doc_id)
    attachment = selectors.attachment_get(doc, file_id)
    if attachment is None:
        raise Http404
    file = services.outgoing_attachment_download(actor=request.user, document=doc, attachment=attachment)
    response = FileResponse(file.file, content_type=file.content_type)  # streamed, never read whole
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file.name)}"
    return response


# --- 收文 (incoming documents) -------------------------------------------------------

# What each kind of task allows, the first being the default when only one is allowed.
TASK_ACTIONS: dict[str, tuple[str, ...]] = {
    TaskKind.RECEIVE: ("receive",),
    TaskKind.INTAKE: ("accept", "return"),
    TaskKind.PROPOSE: ("propose",),
    TaskKind.INSTRUCT: ("instruct",),
    TaskKind.ASSIGN: ("assign", "complete"),
    TaskKind.HANDLE: ("complete", "holding", "extension"),
    TaskKind.READ: ("read",),
}
EXTENSION_ACTIONS = ("approve", "refuse")
# Refusals about the state of the document or the step: 409, by their code.
_REFUSAL_CODES = {RefusalCode.NOT_ALLOWED, RefusalCode.NOT_PENDING, RefusalCode.TASK_STATE}


def _is_refusal(exc: ValidationError) -> bool:
    return any(e.code in _REFUSAL_CODES for e in exc.error_list)


def _incoming_out(d: IncomingDocument) -> dict:
    return {"id": d.pk, "receipt_number": d.receipt_number, "title": d.title, "doc_type": d.doc_type,
            "doc_number": d.doc_number, "sender": d.sender_display,
            "recipient_unit": d.recipient_unit.name if d.recipient_unit else "",
            "channel": d.channel, "status": d.status, "status_label": d.get_status_display(),
            "classification": d.classification, "secrecy_mark": d.secrecy_mark, "urgency": d.urgency,
            "copy_number": d.copy_number, "created_at": d.created_at, "received_at": d.received_at,
            "handling_unit": d.handling_unit.name if d.handling_unit else None,
            "deadline": d.deadline, "completed_at": d.completed_at, "summary": d.summary}


def _incoming(request: AuthedRequest, pk: int) -> IncomingDocument:
    doc = incoming_selectors.document_get(request.user, pk)
    if doc is None:
        raise Http404
    return doc


def _register_filter(params: dict, sort: str) -> incoming_selectors.RegisterFilter:
    """The register page's own filter form, so the API filters exactly like the page;
    bad values are a 400 here rather than silently ignored."""
    if sort.lstrip("-") not in incoming_selectors.SORTS:
        raise ValidationError(f"排序方式无效：{sort}，可选 {'、'.join(incoming_selectors.SORTS)}（前加 - 为倒序）。")
    form = incoming_forms.RegisterFilterForm({k: v for k, v in params.items() if v not in ("", None, False)})
    if not form.is_valid():
        raise ValidationError([f"{form.fields[k].label}：{m}" if k in form.fields else m
                               for k, errors in form.errors.items() for m in errors])
    return form.to_filter(sort)


@api.get("/documents/incoming", response=_answers({200: IncomingList}), url_name="incoming_list",
         summary="收文登记簿（仅本人可见的；筛选同登记簿页面）")
def incoming_list(request: AuthedRequest, q: str = "", status: str = "", doc_type: str = "", urgency: str = "",
                  sender: str = "", date_from: str = "", date_to: str = "", overdue: bool = False,
                  sort: str = "-received", limit: int = Query(30, ge=1, le=200),
                  offset: int = Query(0, ge=0, le=REGISTER_COUNT_CAP)):
    if not can(request.user, IncomingAction.LIST):
        raise PermissionDenied
    f = _register_filter({"q": q, "status": status, "doc_type": doc_type, "urgency": urgency,
                          "sender": sender, "date_from": date_from, "date_to": date_to,
                          "overdue": "on" if overdue else ""}, sort)
    qs = incoming_selectors.register(request.user, f)
    rows = incoming_selectors.register_rows(qs[offset:offset + limit])
    return {**api_total(qs), "items": [
        {**_incoming_out(r.doc), "unread": r.unread, "overdue": r.overdue,
         "holders": [{"step": h.label, "people": h.names} for h in r.holders]}
        for r in rows]}


def _task_out(doc: IncomingDocument, t) -> dict:
    """One of the caller's open steps: a task of the shared model, or an extension request
    waiting for his decision (on its approval route), each with the URL to act on it."""
    if isinstance(t, incoming_selectors.ExtensionDecision):
        return {"id": t.extension_id, "kind": "extension", "kind_label": "延期审批",
                "actions": list(EXTENSION_ACTIONS), "deadline": None, "extension": t.extension_id,
                "act_url": reverse("api:incoming_decide", args=[doc.pk, t.extension_id])}
    kind = task_kind_of(t.kind)
    return {"id": t.pk, "kind": kind.value if kind else t.kind,
            "kind_label": str(kind.label) if kind else t.kind,
            "actions": list(TASK_ACTIONS.get(kind.value if kind else "", ())),
            "deadline": t.due_date, "extension": None,
            "act_url": reverse("api:incoming_act", args=[doc.pk, t.pk])}


@api.get("/documents/incoming/{doc_id}", response=_answers({200: IncomingDetail}), url_name="incoming_detail",
         summary="收文详情（含本人待处理事项和办理过程）")
def incoming_detail(request: AuthedRequest, doc_id: int):
    doc = _incoming(request, doc_id)
    record_access(actor=request.user, obj=doc)
    return {**_incoming_out(doc),
            "files": [{"id": f.pk, "name": f.name, "kind": f.kind, "size": f.size,
                       "is_attachment": f.is_attachment} for f in doc.files.all()],
            "my_tasks": [_task_out(doc, t) for t in incoming_selectors.my_open_tasks(request.user, doc).values()],
            "timeline": [{"kind": e.event.kind, "label": e.event.get_kind_display(),
                          "actor": str(e.event.actor or "系统"), "at": e.event.at,
                          "opinion": e.event.opinion, "took": e.took_text}
                         for e in incoming_selectors.timeline(doc)],
            "instructions": [{"leader": str(i.leader), "kind": i.kind, "text": i.text,
                              "given_at": i.given_at, "during_circulation": i.during_circulation}
                             for i in doc.instructions.select_related("leader")]}


def _person_or_400(pk: int | None, what: str) -> Person | None:
    person = Person.objects.filter(pk=pk).first() if pk else None
    if pk and person is None:
        raise ValidationError(f"{what}不存在。")
    return person


def _act(action: str, actor: Person, doc: IncomingDocument, data: IncomingActIn) -> None:
    """Call the incoming service the detail page's form calls for this action."""
    s = incoming_services
    if action == "receive":
        s.incoming_confirm_receipt(actor=actor, incoming=doc)
    elif action in ("accept", "return"):
        s.incoming_intake_check(actor=actor, incoming=doc, accept=action == "accept", reason=data.reason)
    elif action == "propose":
        s.incoming_propose(actor=actor, incoming=doc, opinion=data.opinion,
                           leader=_person_or_400(data.leader, "呈批领导"))
    elif action == "instruct":
        s.incoming_instruct(actor=actor, incoming=doc, kind=data.kind, text=data.text)
    elif action == "assign":
        unit = Unit.objects.filter(pk=data.handling_unit).first() if data.handling_unit else None
        if unit is None:
            raise ValidationError("请选择承办单位。" if not data.handling_unit else "承办单位不存在。")
        s.incoming_assign(actor=actor, incoming=doc, handling_unit=unit,
                          workdays=data.workdays if data.workdays is not None else "", opinion=data.opinion)
    elif action == "holding":
        s.incoming_holding_reply(actor=actor, incoming=doc, text=data.text)
    elif action == "extension":
        s.incoming_request_extension(actor=actor, incoming=doc, reason=data.reason,
                                     workdays=data.workdays if data.workdays is not None else "")
    elif action == "complete":
        s.incoming_complete(actor=actor, incoming=doc, summary=data.summary)
    elif action == "read":
        s.circulation_mark_read(actor=actor, incoming=doc, comment=data.comment,
                                instruction_kind=data.instruction_kind or None)


@api.post("/documents/incoming/{doc_id}/tasks/{task_id}/act", response=_answers({200: IncomingOut, 409: Error}),
          url_name="incoming_act",
          summary="办理本人的一项待处理事项（签收、初审、拟办、批示、交办、承办、传阅）")
def incoming_act(request: AuthedRequest, doc_id: int, task_id: int, data: IncomingActIn):
    doc = _incoming(request, doc_id)
    task = incoming_selectors.tasks_of(doc).filter(pk=task_id).first()
    if task is None:
        raise Http404
    task.subject = doc  # already read, and seen by the caller
    kind = task_kind_of(task.kind)
    if kind is None or not can(request.user, IncomingAction.STEP, task):
        return Status(409, {"code": ErrorCode.NO_OPEN_TASK, "details": [],
                            "message": "您在该收文上没有这项待处理事项（不是您的，或已经处理）。"})
    actions = TASK_ACTIONS.get(kind.value, ())
    action = data.action or (actions[0] if len(actions) == 1 else "")
    if action not in actions:
        raise ValidationError(f"“{kind.label}”事项可执行的操作：{'、'.join(actions)}。")
    try:
        _act(action, request.user, doc, data)
    except ValidationError as exc:
        if not _is_refusal(exc):
            raise
        return Status(409, {"code": ErrorCode.STEP_REFUSED, "message": "；".join(exc.messages), "details": exc.messages})
    doc.refresh_from_db()
    return Status(200, _incoming_out(doc))


@api.post("/documents/incoming/{doc_id}/extensions/{extension_id}/decide",
          response=_answers({200: IncomingOut, 409: Error}), url_name="incoming_decide",
          summary="审批本人待审批的延期申请（同意或不同意）")
def incoming_decide(request: AuthedRequest, doc_id: int, extension_id: int, data: IncomingActIn):
    doc = _incoming(request, doc_id)
    ext = incoming_selectors.extensions_of(doc).filter(pk=extension_id).first()
    if ext is None:
        raise Http404
    if data.action not in EXTENSION_ACTIONS:
        raise ValidationError(f"延期审批可执行的操作：{'、'.join(EXTENSION_ACTIONS)}。")
    if not wf_selectors.pending_step_of(request.user, ext):
        return Status(409, {"code": ErrorCode.NO_OPEN_TASK, "details": [],
                            "message": "您没有待审批的这项延期申请（不是您的，或已经审批）。"})
    try:
        incoming_services.incoming_decide_extension(actor=request.user, extension=ext,
                                                    approve=data.action == "approve", note=data.note)
    except ValidationError as exc:
        if not _is_refusal(exc):
            raise
        return Status(409, {"code": ErrorCode.STEP_REFUSED, "message": "；".join(exc.messages), "details": exc.messages})
    doc.refresh_from_db()
    return Status(200, _incoming_out(doc))


@api.get("/documents/incoming/{doc_id}/files/{file_id}", response=_answers({409: Error}), openapi_extra=_file_answer(),
         url_name="incoming_download",
         summary="下载收文的文件（涉密的 PDF 和扫描件带查看人水印）")
def incoming_download(request: AuthedRequest, doc_id: int, file_id: int):
    doc = _incoming(request, doc_id)
    f = IncomingFile.objects.filter(pk=file_id, incoming=doc).first()
    if f is None:
        raise Http404
    try:
        out = incoming_services.incoming_file_download(actor=request.user, incoming=doc, file=f)
    except incoming_services.CannotDownload as exc:
        return Status(409, {"code": ErrorCode.CANNOT_WATERMARK, "message": exc.messages[0], "details": []})
    response = FileResponse(out.file, content_type=out.content_type)  # streamed, never read whole
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(out.name)}"
    return response


# 督查督办: the supervision app's own router (its operations live in that app).
from zhongshu.supervision.api import router as supervision_router  # noqa: E402

api.add_router("/supervision", supervision_router)
