"""Every write of outgoing documents (发文). Each service takes the acting person, asks
the policy, works in one transaction and records its audit event in it; views, the API
and tests all call these."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from zhongshu.access.classification import Level
from zhongshu.access.policy import Action, can
from zhongshu.audit.services import record, record_access
from zhongshu.documents.actions import DocumentAction
from zhongshu.documents.events import DocumentEvent
from zhongshu.inbox.models import Notification, NotificationKind
from zhongshu.kernel import files as kfiles
from zhongshu.kernel import filestore, sequences
from zhongshu.kernel.blobs import Damaged
from zhongshu.kernel.files import FileDownload
from zhongshu.kernel.urgency import Urgency
from zhongshu.layout import stamp
from zhongshu.layout.proofread.document import from_json
from zhongshu.layout.proofread.engine import ERROR, check_document
from zhongshu.layout.spec import SpecError, human_problem, load_spec
from zhongshu.org.models import Person, RoleCode, Unit
from zhongshu.workflow import selectors as wf_selectors
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import Route, RouteStatus, Step

from . import classification, content, doctypes, routing
from .models import (
    Channel,
    Delivery,
    DeliveryKind,
    DraftVersion,
    OutgoingAttachment,
    OutgoingDocument,
    OutgoingStatus,
)

META_FIELDS = ("title", "doc_type", "urgency", "classification", "secrecy_years",
               "secrecy_long_term", "sign_off_leader", "issuer_code", "file_copies",
               "issuing_organ")


class EditConflict(ValidationError):
    """Someone saved a newer version first. The refused text is kept as ``side``."""

    def __init__(self, side: DraftVersion, latest: DraftVersion):
        self.side, self.latest = side, latest
        super().__init__(
            f"保存未成功：{latest.author}于{timezone.localtime(latest.created_at):%H:%M:%S}已保存了第{latest.number}稿。"
            f"您的修改已另存为第{side.number}稿（旁支），请在合并页面对照后重新保存。")


def _issuer_code(unit: Unit | None) -> str:
    """A department issues under its organ's 机关代字 unless it has its own."""
    seen = set()
    while unit is not None and unit.pk not in seen:
        if unit.issuer_code:
            return unit.issuer_code
        seen.add(unit.pk)
        unit = unit.parent
    return ""


def _audit(*, actor: Any, action: str, obj: Any, **details: Any) -> None:
    record(actor=actor, action=action, obj=obj, details=details)


def _proofread(doc: OutgoingDocument, spec: dict) -> list[dict]:
    from zhongshu.layout.proofread.selectors import active_terms

    findings = check_document(from_json(content.render_spec(doc, spec)), terms=active_terms())
    return [f.as_dict() for f in findings]


def _check_spec(doc: OutgoingDocument, spec: dict) -> None:
    """The version must be a valid document of the interchange format and of its type."""
    problems = doctypes.rule_problems(doc.kind, spec)
    try:
        load_spec(content.render_spec(doc, spec))
    except SpecError as exc:
        problems += [human_problem(p) for p in exc.problems]  # the office's words, not JSON keys
    if problems:
        raise ValidationError(problems)


def _apply_meta(doc: OutgoingDocument, meta: dict) -> None:
    for key, value in meta.items():
        if key in META_FIELDS:
            setattr(doc, key, value)
    if doc.doc_type not in doctypes.BY_NAME:
        raise ValidationError({"doc_type": "文种无效。"})
    if doc.urgency not in Urgency.values:
        raise ValidationError({"urgency": "紧急程度无效。"})
    if doc.classification >= Level.CONFIDENTIAL and not doc.classified_on:
        doc.classified_on = timezone.localdate()
    if doc.sign_off_leader is not None and not doc.sign_off_leader.has_role(RoleCode.LEADER):
        raise ValidationError({"sign_off_leader": "签发人须为领导。"})
    _apply_organ(doc)
    doc.full_clean(exclude=["current_version", "owner_unit", "registered_by"])


def _set_also_submit_to(doc: OutgoingDocument, leaders: Iterable[Person] | None) -> None:
    if leaders is None:
        return
    leaders = list(leaders)
    if any(not p.has_role(RoleCode.LEADER) for p in leaders):
        raise ValidationError({"also_submit_to": "续呈对象须为领导。"})
    if leaders and doc.kind.issued:
        raise ValidationError({"also_submit_to": "只有签报可以依次呈送多位领导；对外发文由一位有权签发的领导签发。"})
    doc.also_submit_to.set(leaders)


def _apply_organ(doc: OutgoingDocument) -> None:
    """The issuing organ must be one the drafter's unit may issue by; it gives the 机关代字
    until the number is given, and the signer named on the draft must be entitled to
    sign its documents (a draft is never routed to someone who may not sign it)."""
    from . import organs

    organ = doc.issuing_organ
    if organ is None:
        return
    drafter = doc.registered_by
    if organ.pk not in {o.pk for o in organs.organs_for(drafter)}:
        raise ValidationError({"issuing_organ": f"{drafter.full_name}所在单位不能以{organ.name}名义发文。"})
    if not doc.doc_number:
        doc.issuer_code = organ.issuer_code
    leader = doc.sign_off_leader
    if leader is not None and doc.kind.issued and not organs.may_sign(leader, organ):
        names = "、".join(p.full_name for p in organs.signers(organ)) or "（尚未设定）"
        raise ValidationError({"sign_off_leader": f"{leader.full_name}无权签发{organ.name}的文件；"
                                                  f"有权签发的是：{names}。"})


def _current_version(doc: OutgoingDocument) -> DraftVersion:
    """The document's current version: ``outgoing_create`` sets it with the first one."""
    version = doc.current_version
    assert version is not None, f"document {doc.pk} has no current version"
    return version


def _new_version(doc: OutgoingDocument, *, actor, spec: dict, parent, is_side=False,
                 stage_name="", note="") -> DraftVersion:
    last = doc.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return DraftVersion.objects.create(
        document=doc, number=last + 1, author=actor, spec=spec, parent=parent, is_side=is_side,
        stage_name=stage_name, note=note[:200], findings=_proofread(doc, spec))


def _clean_spec(spec: dict) -> dict:
    return {k: v for k, v in spec.items() if k in content.EDITED_FIELDS}


@transaction.atomic
def outgoing_create(*, actor: Person, doc_type: str, spec: dict, title: str = "",
                    owner_unit: Unit | None = None, countersign_units: Iterable[Unit] = (),
                    also_submit_to: Iterable[Person] | None = None,
                    **meta: Any) -> OutgoingDocument:
    """Start a draft with its first version."""
    if not can(actor, DocumentAction.DRAFT):
        raise PermissionDenied
    classification.check_create(actor, meta)  # never above one's own clearance (issue 11)
    from . import organs

    unit = owner_unit or actor.unit
    spec = _clean_spec(spec)
    doc = OutgoingDocument(owner_unit=unit, registered_by=actor, doc_type=doc_type,
                           title=(title or spec.get("title") or "").strip()[:200],
                           issuer_code=_issuer_code(unit))
    if meta.get("issuing_organ") is None:
        # The nearest organ above the drafter: a 处 of the office drafts for the office.
        meta["issuing_organ"] = organs.default_organ(actor)
    _apply_meta(doc, {"doc_type": doc_type, **meta})
    if not doc.title:
        raise ValidationError({"title": "请填写标题。"})
    spec["title"] = doc.title
    _check_spec(doc, spec)
    doc.save()
    doc.countersign_units.set(countersign_units)
    _set_also_submit_to(doc, also_submit_to)
    version = _new_version(doc, actor=actor, spec=spec, parent=None, note="初稿")
    doc.current_version = version
    doc.save(update_fields=["current_version"])
    _audit(actor=actor, action=DocumentEvent.CREATE, obj=doc, version=version.number)
    return doc


@dataclass
class SaveResult:
    version: DraftVersion
    conflict: EditConflict | None = None


def outgoing_save(*, actor: Person, document: OutgoingDocument, spec: dict, base_version: int,
                  countersign_units: Iterable[Unit] | None = None, note: str = "",
                  also_submit_to: Iterable[Person] | None = None, **meta: Any) -> SaveResult:
    """Save the text as a new version. If someone saved since ``base_version`` (the
    version the editor started from), nothing is overwritten: the text is kept as a side
    version for merging and the result carries the conflict."""
    with transaction.atomic():
        doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
        if not can(actor, DocumentAction.EDIT, doc):
            raise PermissionDenied
        spec = _clean_spec(spec)
        latest = _current_version(doc)
        parent = doc.versions.filter(pk=base_version).first()
        if parent is None:
            raise ValidationError("找不到编辑所依据的版本，请刷新后重试。")
        if latest.pk != parent.pk:
            side = _new_version(doc, actor=actor, spec=spec, parent=parent, is_side=True,
                                note="保存冲突，待合并")
            _audit(actor=actor, action=DocumentEvent.SAVE_CONFLICT, obj=doc,
                   side=side.number, latest=latest.number)
            return SaveResult(version=side, conflict=EditConflict(side, latest))
        meta = classification.save_meta(doc, meta)  # a save never changes the level (§6)
        if meta.get("issuing_organ") is None:
            meta.pop("issuing_organ", None)
        meta.setdefault("title", (spec.get("title") or doc.title).strip()[:200])
        _apply_meta(doc, meta)
        spec["title"] = doc.title
        _check_spec(doc, spec)
        pending = wf_selectors.pending_step_of(actor, doc, routing.OUTGOING_APPROVAL)
        stage = pending.stage_name if pending is not None else ""
        version = _new_version(doc, actor=actor, spec=spec, parent=latest, stage_name=stage, note=note)
        doc.current_version = version
        doc.save()
        if countersign_units is not None and doc.status == OutgoingStatus.DRAFT:
            doc.countersign_units.set(countersign_units)
        if doc.status == OutgoingStatus.DRAFT:
            _set_also_submit_to(doc, also_submit_to)
        _audit(actor=actor, action=DocumentEvent.SAVE, obj=doc, version=version.number)
        return SaveResult(version=version)


def _gate(doc: OutgoingDocument) -> None:
    """Before review: the type's rules and the proofreader's errors must be cleared."""
    spec = _current_version(doc).spec
    _check_spec(doc, spec)
    errors = [f for f in _proofread(doc, spec) if f["severity"] == ERROR]
    if errors:
        raise ValidationError([f"公文校对发现错误：{f['message']}（{f['excerpt']}）" for f in errors])


@transaction.atomic
def outgoing_submit(*, actor: Person, document: OutgoingDocument) -> Route:
    """Send the draft on its type's route (拟稿 → 部门审核 → …)."""
    doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if not can(actor, DocumentAction.SUBMIT, doc):
        # The drafter sending it twice is told why; anyone else is simply refused.
        if doc.registered_by_id == actor.pk and doc.status != OutgoingStatus.DRAFT:
            raise workflow.WorkflowError("该文件已送审，不能重复提交。")
        raise PermissionDenied
    _gate(doc)
    template = routing.ensure_template(doc.kind)
    route = workflow.route_start(actor=actor, obj=doc, template=template, title=doc.title,
                                 urgency=doc.urgency, importance=1)
    doc.status = OutgoingStatus.ROUTING
    doc.save(update_fields=["status", "updated_at"])
    step = route.steps.get(status="pending", assignee=actor)
    workflow.step_act(actor=actor, step=step, action="agree", text="提交审核。")
    _audit(actor=actor, action=DocumentEvent.SUBMIT, obj=doc, route=route.pk)
    return route


def current_route(doc: OutgoingDocument) -> Route | None:
    return wf_selectors.current_route(doc, routing.OUTGOING_APPROVAL)


@transaction.atomic
def outgoing_act(*, actor: Person, document: OutgoingDocument, step: Step, action: str,
                 text: str = "", return_to: int | None = None, target: Person | None = None,
                 on_behalf_of: Person | None = None, chosen: list[int] | None = None):
    """Act on one's step of the document's route. The document's own effects (sign-off,
    number, copies, distribution, archiving) happen in the same transaction."""
    route = current_route(document)
    if route is None or step.route_id != route.pk:
        raise workflow.WorkflowError("该办理步骤不属于此文件。")
    if step.stage_key == doctypes.DRAFTING and action == "agree":
        _gate(OutgoingDocument.objects.get(pk=document.pk))
    return workflow.step_act(actor=actor, step=step, action=action, text=text,
                             return_to=return_to, target=target, on_behalf_of=on_behalf_of,
                             chosen=chosen)


@transaction.atomic
def outgoing_withdraw(*, actor: Person, document: OutgoingDocument) -> Step:
    """撤回: the sender takes the document back until the next person acts (before
    sign-off); his stage is open again and he may change the text and send it anew."""
    route = current_route(document)
    if route is None or not can(actor, Action.OBJECT_VIEW, document):
        raise PermissionDenied
    step = workflow.step_withdraw(actor=actor, route=route)
    _audit(actor=actor, action=DocumentEvent.WITHDRAW, obj=document, stage=step.stage_name)
    return step


def may_withdraw(person: Person, doc: OutgoingDocument) -> bool:
    route = current_route(doc)
    if route is None:
        return False
    step = wf_selectors.withdrawable_step(person, route)
    return step is not None and step.stage_key in doctypes.EDITABLE_STAGES


# --- numbering ---------------------------------------------------------------------

def number_key(issuer_code: str, year: int) -> str:
    return f"documents.outgoing:{issuer_code}:{year}"


def format_number(issuer_code: str, year: int, seq: int) -> str:
    return f"{issuer_code}〔{year}〕{seq}号"


def number_assign(*, doc: OutgoingDocument, actor: Person) -> str:
    """Give the document its 发文字号 from the gap-free sequence of its issuer code and
    year, inside the caller's transaction (a rollback returns the number)."""
    if not doc.issuer_code:
        raise workflow.WorkflowError(f"{doc.owner_unit}未设机关代字，无法编发文字号。")
    year = timezone.localdate().year
    seq = sequences.next_value(number_key(doc.issuer_code, year))
    doc.doc_year, doc.doc_seq = year, seq
    doc.doc_number = format_number(doc.issuer_code, year, seq)
    doc.numbered_at = timezone.now()
    doc.save(update_fields=["doc_year", "doc_seq", "doc_number", "numbered_at", "updated_at"])
    _audit(actor=actor, action=DocumentEvent.NUMBER, obj=doc, number=doc.doc_number)
    return doc.doc_number


@transaction.atomic
def outgoing_number_void(*, actor: Person, document: OutgoingDocument, reason: str) -> str:
    """Void the document's number (recorded with the reason, never reused) and give it
    the next one."""
    doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if not can(actor, DocumentAction.NUMBER_VOID, doc):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("作废文号须说明原因。")
    old = doc.doc_number
    if doc.doc_year is None or doc.doc_seq is None:  # the policy lets only a numbered document through
        raise ValidationError("该文件尚未编号，没有可作废的文号。")
    try:
        sequences.void_number(key=number_key(doc.issuer_code, doc.doc_year), value=doc.doc_seq,
                              reason=f"{old}：{reason}"[:200], actor=actor)
    except sequences.SequenceError as exc:
        raise ValidationError(str(exc)) from None
    new = number_assign(doc=doc, actor=actor)
    _audit(actor=actor, action=DocumentEvent.NUMBER_VOID, obj=doc, voided=old, new=new,
           reason=reason)
    return new


# --- printing and distribution -----------------------------------------------------

def copies_assign(*, doc: OutgoingDocument, actor: Person) -> int:
    """份号: one per recipient in the order of the list, then the office's own copies."""
    deliveries = list(doc.deliveries.order_by("-kind", "id"))  # 主送 first, then 抄送
    if not deliveries:
        raise workflow.WorkflowError("分发名单为空：印制份数按分发名单计算，请先填写主送、抄送单位。")
    for number, delivery in enumerate(deliveries, 1):
        delivery.copy_number = number
    Delivery.objects.bulk_update(deliveries, ["copy_number"])
    doc.copies_printed = len(deliveries) + doc.file_copies
    doc.save(update_fields=["copies_printed", "updated_at"])
    _audit(actor=actor, action=DocumentEvent.PRINT, obj=doc, copies=doc.copies_printed)
    return doc.copies_printed


@transaction.atomic
def outgoing_distribution_set(*, actor: Person, document: OutgoingDocument,
                              main_units: Iterable[Unit] = (), cc_units: Iterable[Unit] = (),
                              externals: Iterable[tuple[str, str, str]] = ()) -> list[Delivery]:
    """Replace the distribution list (before it is sent). ``externals`` are
    ``(name, channel, kind)``."""
    doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if not can(actor, DocumentAction.DISTRIBUTE, doc):
        raise PermissionDenied
    main_units, cc_units = list(main_units), list(cc_units)
    if doc.owner_unit in main_units or doc.owner_unit in cc_units:
        raise ValidationError("不能分发给发文单位本身。")
    if set(main_units) & set(cc_units):
        raise ValidationError("同一单位不能既主送又抄送。")
    rows = [Delivery(document=doc, kind=DeliveryKind.MAIN, recipient_unit=u) for u in main_units]
    rows += [Delivery(document=doc, kind=DeliveryKind.CC, recipient_unit=u) for u in cc_units]
    for name, channel, kind in externals:
        name = (name or "").strip()
        if not name:
            continue
        if channel not in Channel.values or channel == Channel.ELECTRONIC:
            raise ValidationError(f"外部单位“{name}”须选择电子公文交换以外的分发渠道。")
        rows.append(Delivery(document=doc, kind=kind if kind in DeliveryKind.values else DeliveryKind.MAIN,
                             external_name=name[:100], channel=channel))
    if doc.kind.single_main_recipient and sum(r.kind == DeliveryKind.MAIN for r in rows) > 1:
        raise ValidationError(f"{doc.doc_type}只能主送一个机关。")
    doc.deliveries.all().delete()
    Delivery.objects.bulk_create(rows)
    _audit(actor=actor, action=DocumentEvent.DISTRIBUTION_SET, obj=doc,
           recipients=[r.recipient_name for r in rows])
    return list(doc.deliveries.all())


def distribution_send(*, doc: OutgoingDocument, actor: Person) -> None:
    """Deliver every copy: internal units get an incoming item at once (electronic
    exchange); external recipients are recorded as sent by their channel."""
    from zhongshu.documents.incoming import services as incoming
    deliveries = list(doc.deliveries.select_related("recipient_unit").order_by("-kind", "id"))
    if not deliveries:
        raise workflow.WorkflowError("分发名单为空，请先填写主送、抄送单位。")
    now = timezone.now()
    spec = _current_version(doc).spec
    # The attachment files go with every internal copy, as the recipient's attachments;
    # they and their titles (for the 附件说明 of every copy) are read once, not per copy.
    attachments = list(doc.attachment_files.select_related("blob").order_by("position", "id"))
    try:
        files = [(_delivered_name(f), f.content) for f in attachments]
    except Damaged as exc:
        raise workflow.WorkflowError(f"附件无法分发：{exc}") from None
    titles = [f.title for f in attachments]
    referenced = {f.title: reference_note(f) for f in attachments if not binds_as_pages(f)}
    # The recipients' 来文单位 is the issuing organ, never the drafting department.
    sender = doc.issuing_organ.unit if doc.issuing_organ is not None else doc.owner_unit
    for delivery in deliveries:
        if delivery.recipient_unit is not None:  # is_internal
            copy_spec = content.render_spec(doc, spec, copy_number=delivery.copy_number,
                                            attachment_titles=titles)
            copy_spec = content.with_attachment_notes(copy_spec, referenced)
            incoming.incoming_receive_electronic(
                source=delivery, sender_unit=sender, recipient_unit=delivery.recipient_unit,
                title=doc.title, doc_type=doc.doc_type, doc_number=doc.doc_number,
                urgency=doc.urgency, classification=doc.classification,
                secrecy_years=doc.secrecy_years, secrecy_long_term=doc.secrecy_long_term,
                copy_number=delivery.copy_number, spec=copy_spec,
                files=issued_copy(doc, copy_spec, attachments, actor=actor,
                                  contents=[data for _, data in files]),
                attachments=files, attachments_stored=[f.blob for f in attachments])
        delivery.delivered_at, delivery.delivered_by = now, actor
    Delivery.objects.bulk_update(deliveries, ["delivered_at", "delivered_by"])
    doc.status, doc.issued_at = OutgoingStatus.DISTRIBUTED, now
    doc.save(update_fields=["status", "issued_at", "updated_at"])
    _audit(actor=actor, action=DocumentEvent.DISTRIBUTE, obj=doc, copies=len(deliveries))


def binds_as_pages(attachment: OutgoingAttachment) -> bool:
    """Whether each issued copy carries the attachment as pages (decision 0705) or, when
    it is larger than ``ISSUED_COPY_BIND_MB``, names it by its digest and leaves the file
    to go with the copy, stored once for all copies (decision 1312)."""
    return attachment.size <= settings.ISSUED_COPY_BIND_MB * 1024 * 1024


def reference_note(attachment: OutgoingAttachment) -> str:
    """What a copy prints under the heading of an attachment it does not bind: the file
    and its digest, so the sealed copy still fixes which file is its attachment."""
    blob = attachment.blob
    algorithm = "SM3" if blob.algorithm == "sm3" else blob.algorithm.upper()
    return (f"本附件为单独文件“{attachment.name}”（{filesizeformat(attachment.size)}），"
            f"随本文一并分发；文件{algorithm}摘要：{blob.digest}。")


def issued_name(doc: OutgoingDocument, copy_number: int | None = None) -> str:
    """The file name of an issued copy: its number and title (and copy number)."""
    label = f"{doc.doc_number} {doc.title}" if doc.doc_number else doc.title
    if copy_number:
        label += f"（份号{copy_number:06d}）"
    return "".join(c for c in label if c not in '\\/:*?"<>|')[:180]


def _seal_codes(doc: OutgoingDocument, copy_spec: dict) -> list[str]:
    """The organs whose electronic seals the copy carries (用印): one per 署名, found by
    the organ's name; none when the type carries no seal or an organ has no seal in use
    (the copy then goes out without, as a paper copy would wait for the seal)."""
    from zhongshu.seals import selectors as seals

    if not copy_spec.get("seal") or not doc.kind.seal:
        return []
    codes = seals.organ_codes_by_name(list(copy_spec.get("signature") or []))
    return [c for c in codes if c] if codes and all(codes) else []


def issued_copy(doc: OutgoingDocument, copy_spec: dict, attachments: Iterable[OutgoingAttachment],
                actor: Person | None = None, contents: Sequence[bytes] | None = None) -> list[tuple[str, bytes]]:
    """One recipient's copy of the issued document: the signed, numbered text with its copy
    number, laid out as PDF and OFD with the organ's seal, its uploaded attachments bound
    as pages, and signed with the organ's electronic seal (PAdES in the PDF, GB/T 38540 in
    the OFD) — the document itself, never the drafting history. ``contents``: the
    attachments' bytes when the caller has read them already (once for every copy)."""
    from zhongshu.layout.render import AttachmentFile, render
    from zhongshu.layout.spec import load_spec
    from zhongshu.seals import selectors as seals
    from zhongshu.seals import services as sealing

    attachments = list(attachments)
    datas = contents if contents is not None else [f.content for f in attachments]
    bound = [AttachmentFile(title=f.title, kind=f.kind, content=data)
             for f, data in zip(attachments, datas, strict=True) if binds_as_pages(f)]
    name = issued_name(doc, int(copy_spec["copy_number"]) if copy_spec.get("copy_number") else None)
    codes = _seal_codes(doc, copy_spec)
    images = seals.seal_images(codes) if codes else None
    pdf = render(copy_spec, "pdf", attachments=bound, seal_images=images)
    ofd: bytes | None = render(copy_spec, "ofd", attachments=bound, seal_images=images)
    if codes:
        try:
            pdf, ofd = sealing.seal_issued(actor=actor, organ_codes=codes, pdf=pdf, ofd=ofd,
                                           spec=load_spec(copy_spec))
        except sealing.SealError as exc:
            raise workflow.WorkflowError(f"用印未成功：{exc}") from None
    files = [(f"{name}.pdf", pdf)]
    if ofd is not None:
        files.append((f"{name}.ofd", ofd))
    return files


@transaction.atomic
def outgoing_issue(*, actor: Person, document: OutgoingDocument, text: str = "") -> list[str]:
    """印发 on one screen: the secretariat's pending 复核, 编号, 用印, 印制 and 分发 done in
    order, each its own step on the route (with its effects: number, copies, delivery).
    Stops where the next stage is someone else's. Returns the stage names done."""
    doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if not can(actor, DocumentAction.ISSUE, doc):
        raise PermissionDenied
    if not doc.deliveries.exists():
        raise ValidationError("请先填写分发名单（主送、抄送单位）：印制份数和分发都按名单进行。")
    done: list[str] = []
    while True:
        route = current_route(doc)
        step = wf_selectors.pending_step_of(actor, doc, routing.OUTGOING_APPROVAL)
        if route is None or step is None or step.stage_key not in doctypes.ISSUING_STAGES:
            break
        workflow.step_act(actor=actor, step=step, action="agree", text=text or "已办。")
        done.append(step.stage_name)
    _audit(actor=actor, action=DocumentEvent.ISSUE, obj=doc, stages=done)
    return done


@transaction.atomic
def outgoing_number_reserve(*, actor: Person, document: OutgoingDocument) -> str:
    """预留文号: give the number now (the 编号 stage then keeps it)."""
    doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if not can(actor, DocumentAction.NUMBER_RESERVE, doc):
        raise PermissionDenied
    number = number_assign(doc=doc, actor=actor)
    _audit(actor=actor, action=DocumentEvent.NUMBER_RESERVE, obj=doc, number=number)
    return number


def next_number(doc: OutgoingDocument) -> str:
    """The number the document would be given now (shown before it is given)."""
    if doc.doc_number or not doc.issuer_code:
        return doc.doc_number
    year = timezone.localdate().year
    return format_number(doc.issuer_code, year, sequences.current_value(number_key(doc.issuer_code, year)) + 1)


@transaction.atomic
def outgoing_chase(*, actor: Person, document: OutgoingDocument) -> int:
    """Remind the recipient units that have not confirmed receipt (in-app notification to
    their secretaries and head). Returns how many people were reminded."""
    from zhongshu.documents.incoming import receipts

    from . import selectors

    doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if not can(actor, DocumentAction.CHASE, doc):
        raise PermissionDenied
    laggards = [row for row in selectors.delivery_rows(doc) if row.delivery.is_internal and not row.received]
    if not laggards:
        raise ValidationError("所有接收单位均已签收，无需催收。")
    today, now = timezone.localdate(), timezone.now()
    notes = []
    for row in laggards:
        unit = row.delivery.recipient_unit
        # Whoever holds the open 签收 and may open the copy (incoming.receipts); failing
        # that, the unit's 收发 (liaison officer, secretaries) — never its head, who does not
        # sign for copies, unless nobody else is there.
        people: set[Person] = set(receipts.receipt_holders(row.incoming)) if row.incoming is not None else set()
        if not people:
            people = set(Person.objects.filter(
                unit=unit, is_active=True,
                roles__code__in=[RoleCode.LIAISON_OFFICER, RoleCode.SECRETARY, RoleCode.CONFIDENTIAL_CLERK]))
        if not people and unit is not None and unit.head is not None:
            people.add(unit.head)
        url = _incoming_url(row.incoming)
        for person in people:
            notes.append(Notification(
                recipient=person, kind=NotificationKind.OVERDUE, day=today,
                item_key=f"documents.delivery:{row.delivery.pk}", url=url[:300],
                title=f"【催收】{doc.title}"[:200],
                body=f"{doc.owner_unit}发来的《{doc.title}》（{doc.doc_number}）尚未签收，请及时签收。"))
        row.delivery.reminded_at = now
        row.delivery.reminders += 1
        row.delivery.save(update_fields=["reminded_at", "reminders"])
    # Once per person, delivery and day: a second reminder the same day adds nothing.
    Notification.objects.bulk_create(notes, ignore_conflicts=True)
    _audit(actor=actor, action=DocumentEvent.CHASE, obj=doc,
           units=[row.delivery.recipient_name for row in laggards])
    return len(notes)


def _incoming_url(incoming: Any) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("incoming:detail", args=[incoming.pk]) if incoming is not None else ""
    except NoReverseMatch:
        return ""


# --- attachment files (附件) ------------------------------------------------------

# The kinds 收文 accepts (the same list), so that every delivered copy is accepted by the recipient.
ATTACHMENT_KINDS = kfiles.DOCUMENT_KINDS
ATTACHMENT_TITLE_MAX = 150


def _delivered_name(f: OutgoingAttachment) -> str:
    """The name a recipient sees: the attachment's title with the file's extension."""
    ext = os.path.splitext(f.name)[1].lower()
    return f"{f.title[:200 - len(ext)]}{ext}"


def _attachment_title(title: str, name: str) -> str:
    title = " ".join((title or "").split()) or " ".join(os.path.splitext(name)[0].split())
    if not title:
        raise ValidationError("请填写附件名称。")
    if len(title) > ATTACHMENT_TITLE_MAX:
        raise ValidationError(f"附件名称不能超过 {ATTACHMENT_TITLE_MAX} 个字。")
    return title


@transaction.atomic
def outgoing_attachment_add(*, actor: Person, document: OutgoingDocument, name: str, data: bytes,
                            title: str = "") -> OutgoingAttachment:
    """Upload an attachment file while the person may edit the document. The file is
    judged by its content (``kernel.files.check_upload``, the 收文 kinds and limit); its
    title (by default the file name without extension) joins the 附件说明."""
    doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if not can(actor, DocumentAction.EDIT, doc):
        raise PermissionDenied
    name = os.path.basename((name or "").replace("\\", "/")).strip()[:200]
    try:
        kind = kfiles.check_upload(name, data, allowed=ATTACHMENT_KINDS)
    except kfiles.UnacceptableFile as exc:
        raise ValidationError(str(exc)) from None
    title = _attachment_title(title, name)
    if doc.attachment_files.filter(title=title).exists():
        raise ValidationError(f"已有名为“{title}”的附件，请换一个附件名称或先删除原附件。")
    last = doc.attachment_files.order_by("-position").values_list("position", flat=True).first() or 0
    attachment = OutgoingAttachment.objects.create(
        document=doc, position=last + 1, title=title, name=name, kind=kind.code,
        content_type=kind.content_type, size=len(data), blob=filestore.put(data), uploaded_by=actor)
    _audit(actor=actor, action=DocumentEvent.ATTACHMENT_ADD, obj=doc, attachment=attachment.pk,
           title=title, name=name, kind=kind.code, size=len(data),
           sha256=hashlib.sha256(data).hexdigest())
    return attachment


@transaction.atomic
def outgoing_attachment_remove(*, actor: Person, document: OutgoingDocument,
                               attachment: OutgoingAttachment) -> None:
    """Remove an attachment file: same rule as adding, and never after sign-off."""
    doc = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if not can(actor, DocumentAction.EDIT, doc):
        raise PermissionDenied
    if doc.signed_off_at or doc.status not in (OutgoingStatus.DRAFT, OutgoingStatus.ROUTING):
        raise ValidationError("文件已签发，附件不能再删除。")
    # Its bytes stay in the file store while another row points at them (``files gc``).
    found = doc.attachment_files.filter(pk=attachment.pk).first()
    if found is None:
        raise ValidationError("该附件不属于此文件或已被删除。")
    details = {"attachment": found.pk, "title": found.title, "name": found.name,
               "kind": found.kind, "size": found.size}
    found.delete()
    _audit(actor=actor, action=DocumentEvent.ATTACHMENT_REMOVE, obj=doc, **details)


def outgoing_attachment_download(*, actor: Person, document: OutgoingDocument,
                                 attachment: OutgoingAttachment) -> FileDownload:
    """The attachment file for the viewer. Every file is checked again before it is handed
    out (a file stored before intake checked files may be a bomb or a damaged PDF); every
    file of a classified document is stamped with the viewer's name and the time — PDF,
    DOCX and OFD in their own format, a scan as the PDF it is stamped into — as 收文 does
    (decision 0605); one that cannot be stamped is not served. The download of a
    classified document is audited."""
    if not can(actor, Action.OBJECT_DOWNLOAD, document):
        raise PermissionDenied
    if attachment.document_id != document.pk:
        raise ValidationError("该附件不属于此文件。")
    try:
        file = stamp.download_copy(bytes(attachment.content), name=attachment.name, kind=attachment.kind,
                                   content_type=attachment.content_type,
                                   classified=document.is_classified, viewer_name=actor.full_name)
    except kfiles.UnacceptableFile as exc:
        raise ValidationError(str(exc)) from None
    except stamp.CannotWatermark as exc:
        raise ValidationError(stamp.refusal(attachment.name, exc)) from None
    record_access(actor=actor, obj=document, download=True,
                  details={"attachment": attachment.pk, "file": attachment.name})
    return file


# --- reading with an audit trail ---------------------------------------------------

def outgoing_viewed(*, actor: Person, document: OutgoingDocument) -> None:
    """Record that a classified document was opened (ordinary ones are not events)."""
    if not can(actor, Action.OBJECT_VIEW, document):
        raise PermissionDenied
    record_access(actor=actor, obj=document)


def outgoing_download(*, actor: Person, document: OutgoingDocument, fmt: str,
                      version: DraftVersion | None = None) -> bytes:
    """The document laid out (PDF, DOCX or OFD), watermarked with the viewer's name and
    the time when classified; the download of a classified document is audited.

    Not one transaction: laying out takes seconds, and a transaction open that long would
    hold SQLite's write lock (IMMEDIATE) for all of them. It reads, renders, and then
    records the event in its own short transaction (``record``); a render that fails
    records nothing."""
    from zhongshu.layout.render import FORMATS, render

    if not can(actor, Action.OBJECT_DOWNLOAD, document):
        raise PermissionDenied
    if fmt not in FORMATS:
        raise ValidationError(f"不支持的格式：{fmt}，应为 pdf、docx 或 ofd。")
    version = version or _current_version(document)
    if version.document_id != document.pk:
        raise ValidationError("版本不属于该文件。")
    data = render(content.render_spec(document, version.spec), fmt, viewer=actor.full_name,
                  when=timezone.localtime())
    record_access(actor=actor, obj=document, download=True,
                  details={"format": fmt, "version": version.number})
    return data


def route_is_running(doc: OutgoingDocument) -> bool:
    route = current_route(doc)
    return route is not None and route.status == RouteStatus.RUNNING
