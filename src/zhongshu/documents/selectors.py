"""Reads of outgoing documents, always for a viewer and through the access policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhongshu.access.classification import CLASSIFIED_FROM
from zhongshu.access.policy import visible
from zhongshu.kernel import tracked_changes
from zhongshu.kernel.models import VoidedNumber
from zhongshu.org.selectors import organ_office_unit_ids
from zhongshu.workflow.models import Route, Step, StepStatus
from zhongshu.workflow.selectors import current_route, on_route_q

from . import content
from .models import Delivery, DraftVersion, OutgoingAttachment, OutgoingDocument, OutgoingStatus


def implicit_need_to_know(person: Any) -> Q:
    """Implicit grants (the access app's, applied in place: decision 0900): everyone on
    the document's route and the issuing office by rule (``office_q``). A recipient unit
    is not among them: it receives the issued copy as its own 收文 and never sees the
    sender's page — its drafts, tracked changes, opinions and route.

    The route and distribution grants are correlated EXISTS probes of indexed columns
    rather than ``pk IN (…)``: an IN list would be built in full on every request, and a
    register keeper is on hundreds of thousands of steps (decision 0901)."""
    return office_q(person) | on_route_q(OutgoingDocument, person)


def office_q(person: Any) -> Q:
    """The issuing office sees its organ's 发文 by rule, as it sees its 收文: the
    secretaries, office directors and confidential clerks (a subordinate unit's liaison
    officer for that unit) of the organ the person works for see every 发文 of the organ,
    its office and departments once it has left drafting — state secrets only to the
    directors and clerks, as for 收文. A column filter, so the register needs no join."""
    from zhongshu.documents.incoming.rules import CLASSIFIED_OFFICE_ROLES, OFFICE_ROLES

    roles = person.role_codes if getattr(person, "unit_id", None) else set()
    if not roles & OFFICE_ROLES:
        return Q(pk__in=[])
    q = Q(owner_unit_id__in=organ_office_unit_ids(person)) & ~Q(status=OutgoingStatus.DRAFT)
    if not roles & CLASSIFIED_OFFICE_ROLES:
        q &= Q(classification__lt=CLASSIFIED_FROM)
    return q


def documents_visible(viewer: Any) -> QuerySet[OutgoingDocument]:
    return visible(viewer, OutgoingDocument.objects.all())


SORTS = {"created": "created_at", "-created": "-created_at", "number": "doc_seq",
         "-number": "-doc_seq", "title": "title", "type": "doc_type", "status": "status",
         "urgency": "urgency"}


def register(viewer: Any, *, q: str = "", doc_type: str = "", status: str = "", year: int | None = None,
             unit: int | None = None, sort: str = "-created") -> QuerySet[OutgoingDocument]:
    """发文登记簿: filtered and sorted, only what the viewer may see."""
    qs = documents_visible(viewer).select_related("owner_unit", "registered_by", "signed_off_by")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_number__icontains=q))
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(created_at__year=year)
    if unit:
        qs = qs.filter(owner_unit_id=unit)
    return qs.order_by(SORTS.get(sort, "-created_at"), "-id")


def document_get(viewer: Any, pk: int) -> OutgoingDocument | None:
    return (documents_visible(viewer).select_related("owner_unit", "registered_by", "signed_off_by",
                                                     "sign_off_leader", "current_version__author")
            .filter(pk=pk).first())


def attachment_files(doc: OutgoingDocument) -> list[OutgoingAttachment]:
    """The document's attachment files in order, without their bytes (the caller has
    already found the document through ``document_get``)."""
    return list(doc.attachment_files.select_related("uploaded_by")
                .order_by("position", "id"))


def attachment_get(doc: OutgoingDocument, pk: int) -> OutgoingAttachment | None:
    return doc.attachment_files.filter(pk=pk).first()


def versions(doc: OutgoingDocument) -> list[DraftVersion]:
    return list(doc.versions.select_related("author").order_by("number"))


def tracked(doc: OutgoingDocument) -> dict:
    """The marked copy across the main line of versions (side versions are not part of
    the text until merged), with a per-author summary."""
    main = [v for v in versions(doc) if not v.is_side]
    chain = [tracked_changes.Version(content.text_of(v.spec), v.author.full_name) for v in main]
    segments = tracked_changes.track(chain)
    return {"segments": segments, "summary": tracked_changes.authors_summary(segments),
            "versions": main}


@dataclass
class DeliveryRow:
    delivery: Delivery
    incoming: Any = None

    @property
    def received(self) -> bool:
        return bool(self.incoming is not None and getattr(self.incoming, "received_at", None))


def delivery_rows(doc: OutgoingDocument) -> list[DeliveryRow]:
    """The distribution list with each internal copy's receipt (签收) state."""
    # 主送 before 抄送 ("main" sorts after "cc", hence descending).
    deliveries = list(doc.deliveries.select_related("recipient_unit").order_by("-kind", "id"))
    receipts: dict = {}
    sent = [d for d in deliveries if d.is_internal and d.delivered_at]
    if sent:
        from zhongshu.documents.incoming import selectors as incoming

        receipts = incoming.receipts_for_sources(sent)
    ct_id = ContentType.objects.get_for_model(Delivery).pk
    return [DeliveryRow(d, receipts.get((ct_id, d.pk))) for d in deliveries]


def issue_stages(doc: OutgoingDocument) -> list[str]:
    """The names of the 印发 stages still ahead on the document's route, in order."""
    from . import doctypes

    route = route_of(doc)
    if route is None:
        return []
    done = set(route.steps.filter(round=route.round, status=StepStatus.AGREED)
               .values_list("position", flat=True))
    return [st.name for st in route.template_version.stages.order_by("position")
            if st.key in doctypes.ISSUING_STAGES and st.position not in done]


@dataclass
class SheetRow:
    label: str
    entries: list[dict]


def sheet(doc: OutgoingDocument) -> list[SheetRow]:
    """发文稿纸: the opinions of each reviewing stage (拟稿, 部门审核, 核稿, 会签, 签发) in
    the route's order — what a paper processing sheet has in its boxes."""
    from . import doctypes

    route = route_of(doc)
    keys = [doctypes.DRAFTING, doctypes.DEPARTMENT_REVIEW, doctypes.OFFICE_REVIEW,
            doctypes.COUNTERSIGN, doctypes.SIGN_OFF]
    rows = {k: SheetRow(doctypes.STAGE_LABELS[k], []) for k in keys}
    if route is not None:
        for opinion in (route.opinions.select_related("author", "step").order_by("created_at", "id")):
            key = opinion.step.stage_key if opinion.step_id else ""
            if key in rows:
                rows[key].entries.append({"who": opinion.author.full_name, "text": opinion.text,
                                          "action": opinion.get_action_display(),
                                          "at": opinion.created_at})
    return list(rows.values())


def route_of(doc: OutgoingDocument) -> Route | None:
    from .routing import OUTGOING_APPROVAL

    return current_route(doc, OUTGOING_APPROVAL)


def timeline(doc: OutgoingDocument) -> dict:
    """The route as a diagram: one box per stage pass, who acted, when, the opinion and
    how long the stage took."""
    route = route_of(doc)
    if route is None:
        return {"route": None, "boxes": [], "width": 0}
    steps = list(route.steps.select_related("assignee").order_by("round", "position", "order", "id"))
    opinions = {o.step_id: o for o in route.opinions.select_related("author")}
    boxes: list[dict] = []
    for step in steps:
        key = (step.round, step.position)
        if not boxes or boxes[-1]["key"] != key:
            boxes.append({"key": key, "name": step.stage_name, "people": [], "start": step.activated_at,
                          "end": None, "open": False})
        box = boxes[-1]
        opinion = opinions.get(step.pk)
        box["people"].append({"name": step.assignee.full_name, "status": step.get_status_display(),
                              "state": step.status,
                              "acted_at": step.acted_at,
                              "opinion": opinion.text if opinion else "",
                              "action": opinion.get_action_display() if opinion else ""})
        if step.activated_at and (box["start"] is None or step.activated_at < box["start"]):
            box["start"] = step.activated_at
        if step.status in (StepStatus.PENDING, StepStatus.WAITING):
            box["open"] = True
        if step.acted_at and (box["end"] is None or step.acted_at > box["end"]):
            box["end"] = step.acted_at
    now = timezone.now()
    for i, box in enumerate(boxes):
        end = now if box["open"] else box["end"]
        box["duration"] = _duration((end - box["start"]) if end and box["start"] else None)
        box["x"] = 10 + i * 150
    return {"route": route, "boxes": boxes, "width": 20 + len(boxes) * 150}


def _duration(delta: dt.timedelta | None) -> str:
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}分钟"
    if minutes < 60 * 24:
        return f"{minutes // 60}小时{minutes % 60}分"
    return f"{minutes // 1440}天{(minutes % 1440) // 60}小时"


def my_pending(viewer: Any) -> list[Step]:
    """The viewer's open steps on outgoing documents (我的待办 in 办文)."""
    from .routing import OUTGOING_APPROVAL

    steps = list(Step.objects.filter(assignee=viewer, status=StepStatus.PENDING,
                                     route__purpose=OUTGOING_APPROVAL)
                 .select_related("route").order_by("due_date", "activated_at")[:20])
    # Not the title of a document above the viewer's clearance (his clearance lowered
    # since the step was given; issue 11 §3): the inbox lists it, masked.
    seen = set(visible(viewer, OutgoingDocument.objects.filter(
        pk__in=[s.route.object_id for s in steps])).values_list("pk", flat=True))
    return [s for s in steps if s.route.object_id in seen]


def my_drafts(viewer: Any) -> QuerySet[OutgoingDocument]:
    return OutgoingDocument.objects.filter(registered_by=viewer, status=OutgoingStatus.DRAFT).order_by("-updated_at")


def number_register(viewer: Any, *, year: int | None = None) -> dict:
    """Numbers given (visible documents) and numbers voided, per issuer code and year."""
    docs = documents_visible(viewer).filter(doc_seq__isnull=False).select_related("owner_unit")
    if year:
        docs = docs.filter(doc_year=year)
    codes = {(c, y) for c, y in docs.values_list("issuer_code", "doc_year").distinct()}
    voided = VoidedNumber.objects.filter(key__startswith="documents.outgoing:").select_related("voided_by")
    if year:
        voided = voided.filter(key__endswith=f":{year}")
    # Voided numbers are shown for issuer codes whose documents the viewer may see.
    keys = [f"documents.outgoing:{c}:{y}" for c, y in codes]
    voided = voided.filter(key__in=keys)
    return {"documents": docs.order_by("-doc_year", "issuer_code", "-doc_seq"), "voided": voided}
