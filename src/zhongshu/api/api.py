"""The REST API (django-ninja, OpenAPI 3 at /api/docs). A personal API token
(``Authorization: Bearer …``, no CSRF) or the session with CSRF for writes; every
operation calls the same selectors and services as the pages, and refusals come back as
structured JSON errors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from zhongshu.documents import selectors, services
from zhongshu.documents.models import OutgoingDocument
from zhongshu.layout.render import FORMATS
from zhongshu.org.models import Person, Unit
from zhongshu.workflow import selectors as wf_selectors

from . import services as token_services
from .schemas import (
    ActIn,
    DocumentDetail,
    DocumentList,
    DocumentOut,
    DraftIn,
    Error,
    SaveIn,
    VersionOut,
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
               docs_url="/docs",
               description="办文接口：发文列表、详情、拟稿、办理、下载。"
                           "认证：个人 API 令牌（Authorization: Bearer），或已登录的会话（写操作须带 CSRF）。")


def _error(request, status: int, code: str, message: str, details=None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details or []},
                               status=status)


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    return _error(request, 400, "invalid", "；".join(exc.messages), exc.messages)


@api.exception_handler(NinjaValidationError)
def _schema(request, exc: NinjaValidationError):
    details = [f"{'.'.join(str(p) for p in e.get('loc', []))}：{e.get('msg', '')}" for e in exc.errors]
    return _error(request, 422, "schema", "请求数据格式有误。", details)


@api.exception_handler(HttpError)
def _http(request, exc: HttpError):
    message = {400: "请求体应为 JSON。"}.get(exc.status_code, str(exc))
    return _error(request, exc.status_code, "bad_request" if exc.status_code == 400 else "error", message)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return _error(request, 403, "forbidden", "无权执行此操作。")


@api.exception_handler(Http404)
def _missing(request, exc):
    return _error(request, 404, "not_found", "对象不存在或无权查看。")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", "请先登录。")


@api.exception_handler(TokenRefused)
def _token_refused(request, exc):
    response = _error(request, 401, "unauthenticated", "API 令牌无效、已过期或已撤销。")
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _out(doc: OutgoingDocument) -> dict:
    return {"id": doc.pk, "doc_type": doc.doc_type, "title": doc.title, "status": doc.status,
            "status_label": doc.get_status_display(), "doc_number": doc.doc_number,
            "classification": doc.classification, "secrecy_mark": doc.secrecy_mark,
            "urgency": doc.urgency, "owner_unit": doc.owner_unit.name,
            "drafter": doc.registered_by.full_name, "created_at": doc.created_at,
            "signed_off_at": doc.signed_off_at, "current_version": doc.current_version_id}


def _get(request: HttpRequest, pk: int) -> OutgoingDocument:
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
    return {"urgency": data.urgency, "classification": data.classification,
            "secrecy_years": data.secrecy_years, "secrecy_long_term": data.secrecy_long_term,
            "sign_off_leader": leader}


@api.get("/documents/outgoing", response=DocumentList, url_name="outgoing_list",
         summary="发文列表（仅本人可见的）")
def outgoing_list(request, q: str = "", doc_type: str = "", status: str = "",
                  limit: int = Query(30, ge=1, le=200), offset: int = Query(0, ge=0)):
    qs = selectors.register(request.user, q=q, doc_type=doc_type, status=status)
    return {"count": qs.count(), "items": [_out(d) for d in qs[offset:offset + limit]]}


@api.post("/documents/outgoing", response={201: DocumentOut}, url_name="outgoing_create",
          summary="拟稿（创建草稿）")
def outgoing_create(request, data: DraftIn):
    units = list(Unit.objects.filter(pk__in=data.countersign_units))
    doc = services.outgoing_create(actor=request.user, doc_type=data.doc_type, title=data.title,
                                   spec=_spec(data), countersign_units=units, **_meta(data))
    return Status(201, _out(doc))


@api.get("/documents/outgoing/{doc_id}", response=DocumentDetail, url_name="outgoing_detail",
         summary="发文详情")
def outgoing_detail(request, doc_id: int):
    doc = _get(request, doc_id)
    services.outgoing_viewed(actor=request.user, document=doc)
    route = selectors.route_of(doc)
    step = wf_selectors.my_pending_step(request.user, route) if route else None
    steps = list(route.steps.select_related("assignee")) if route else []
    return {**_out(doc), "spec": doc.current_version.spec,
            "versions": [{"id": v.pk, "number": v.number, "author": v.author.full_name,
                          "created_at": v.created_at.isoformat(), "is_side": v.is_side}
                         for v in selectors.versions(doc)],
            "steps": [{"id": s.pk, "stage_name": s.stage_name, "assignee": s.assignee.full_name,
                       "status": s.status, "acted_at": s.acted_at} for s in steps],
            "my_step": step.pk if step else None,
            "deliveries": [{"recipient": r.delivery.recipient_name, "copy_number": r.delivery.copy_label,
                            "delivered_at": r.delivery.delivered_at.isoformat() if r.delivery.delivered_at else None,
                            "received": r.received} for r in selectors.delivery_rows(doc)]}


@api.post("/documents/outgoing/{doc_id}/versions", response={201: VersionOut, 409: VersionOut},
          url_name="outgoing_save", summary="保存新版本（他人已先保存时返回 409，文本存为旁支）")
def outgoing_save(request, doc_id: int, data: SaveIn):
    doc = _get(request, doc_id)
    units = list(Unit.objects.filter(pk__in=data.countersign_units))
    result = services.outgoing_save(actor=request.user, document=doc, spec=_spec(data),
                                    base_version=data.base_version, countersign_units=units,
                                    title=data.title, doc_type=data.doc_type, **_meta(data))
    v = result.version
    out = {"id": v.pk, "number": v.number, "is_side": v.is_side,
           "conflict": result.conflict.messages[0] if result.conflict else ""}
    return Status(409 if result.conflict else 201, out)


@api.post("/documents/outgoing/{doc_id}/submit", response={200: DocumentOut}, url_name="outgoing_submit",
          summary="送审")
def outgoing_submit(request, doc_id: int):
    doc = _get(request, doc_id)
    services.outgoing_submit(actor=request.user, document=doc)
    return _out(_get(request, doc_id))


@api.post("/documents/outgoing/{doc_id}/act", response={200: DocumentOut, 409: Error},
          url_name="outgoing_act", summary="办理本人的待办环节（同意、退回、不同意……）")
def outgoing_act(request, doc_id: int, data: ActIn):
    doc = _get(request, doc_id)
    route = selectors.route_of(doc)
    step = wf_selectors.my_pending_step(request.user, route) if route else None
    if step is None:
        return Status(409, {"code": "no_pending_step", "message": "您在该文件上没有待办理的环节。", "details": []})
    services.outgoing_act(actor=request.user, document=doc, step=step, action=data.action,
                          text=data.text, return_to=data.return_to)
    return Status(200, _out(_get(request, doc_id)))


@api.get("/documents/outgoing/{doc_id}/download", url_name="outgoing_download",
         summary="下载排版文件（pdf、docx、ofd；涉密文件带查看人水印）")
def outgoing_download(request, doc_id: int, format: str = "pdf"):  # noqa: A002 (the query name)
    doc = _get(request, doc_id)
    if format not in FORMATS:
        raise ValidationError(f"不支持的格式：{format}，应为 pdf、docx 或 ofd。")
    data = services.outgoing_download(actor=request.user, document=doc, fmt=format)
    response = HttpResponse(data, content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="outgoing-{doc.pk}.{format}"'
    return response

