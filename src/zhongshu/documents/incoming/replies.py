"""Answering the sender (答复): the reply file given at 办结 and the notice to the sending
unit, and a reply (批复, 复函) drafted from a 收文 as an outgoing draft, linked both ways.

The outgoing draft is made by the documents app's own draft service
(``documents.services.outgoing_create``); this app keeps only the link (``ReplyDraft``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from zhongshu.access.classification import clearance_covers
from zhongshu.access.policy import Action, can, visible
from zhongshu.audit.services import record, record_access
from zhongshu.kernel import files as kfiles
from zhongshu.kernel import notify
from zhongshu.kernel.files import FileDownload
from zhongshu.layout import stamp
from zhongshu.org.models import Person, RoleCode, UnitKind
from zhongshu.org.selectors import office_units

from . import rules
from .models import (
    EventKind,
    IncomingDocument,
    IncomingEvent,
    IncomingFile,
    ReplyDraft,
    ReplyKind,
    Status,
)

if TYPE_CHECKING:
    from zhongshu.documents.models import OutgoingDocument

# The notice kind of the inbox (inbox.NotificationKind.MANUAL): a person-to-person message.
NOTICE_KIND = "manual"
# A reply may be drafted once the unit has taken the document in (not before 初审 passed).
REPLY_STATUSES = (Status.PROPOSING, Status.INSTRUCTING, Status.ASSIGNING, Status.HANDLING,
                  Status.COMPLETED)


# --- who answers for the sending unit --------------------------------------------------

def sender_contacts(doc: IncomingDocument) -> list[Person]:
    """Whom the sending unit's side is told through: its liaison officers (联络员) in the
    unit and its offices; without one, the people who handle its documents; without
    those, its head. Nobody for an external sender or one given by name only."""
    unit = doc.sender_unit
    if unit is None or unit.kind == UnitKind.EXTERNAL:
        return []
    people = [p for p in Person.objects.filter(is_active=True, unit_id__in=office_units(unit),
                                               roles__code=RoleCode.LIAISON_OFFICER)
              .distinct().order_by("sort_order", "id") if clearance_covers(p, doc.classification)]
    if not people:
        people = rules.office_people(unit, doc.classification)
    head = unit.head
    if not people and head is not None and head.is_active and clearance_covers(head, doc.classification):
        people = [head]
    return people


def may_view_reply(person: Person, doc: IncomingDocument) -> bool:
    """The reply page: whoever may see the document, and — once it is closed — the
    sending unit's contacts (``sender_contacts``), who see the result, never the route."""
    if can(person, Action.OBJECT_VIEW, doc):
        return True
    if doc.status != Status.COMPLETED or doc.sender_unit_id is None:
        return False
    return any(p.pk == person.pk for p in sender_contacts(doc))


def reply_files(doc: IncomingDocument) -> QuerySet[IncomingFile]:
    return doc.files.filter(is_reply=True)


def reply_file_download(*, actor: Person, incoming: IncomingDocument, file: IncomingFile) -> FileDownload:
    """A reply file for whoever may see the reply page: checked again and, on a classified
    document, stamped with the viewer's name and the time, as every download is; audited."""
    from .services import CannotDownload

    if not may_view_reply(actor, incoming) or not file.is_reply or file.incoming_id != incoming.pk:
        raise PermissionDenied
    try:
        out = stamp.download_copy(bytes(file.content), name=file.name, kind=file.kind,
                                  content_type=file.content_type, classified=incoming.is_classified,
                                  viewer_name=actor.full_name)
    except kfiles.UnacceptableFile as exc:
        raise CannotDownload(str(exc)) from None
    except stamp.CannotWatermark as exc:
        raise CannotDownload(stamp.refusal(file.name, exc)) from None
    record_access(actor=actor, obj=incoming, download=True, details={"file": file.name, "reply": True})
    return out


def notify_sender(doc: IncomingDocument) -> int:
    """Tell the sending unit that the document is closed and where its reply is. Returns
    how many people were told (none for an external sender)."""
    url = reverse("incoming:reply", args=[doc.pk])
    number = f"（{doc.doc_number}）" if doc.doc_number else ""
    told = 0
    for person in sender_contacts(doc):
        told += notify.send(notify.Notice(
            recipient=person, kind=NOTICE_KIND, key=f"incoming.reply:{doc.pk}",
            day=timezone.localdate(), url=url,
            title=f"【答复】{doc.title}"[:200],
            body=f"{doc.recipient_unit.name}已办结贵单位来文《{doc.title}》{number}，请查看答复。"))
    return told


# --- drafting a reply ------------------------------------------------------------------

_SUBJECT = re.compile(r"^关于(?P<core>.+?)的(?:请示|函|报告|意见|申请|通知|请求|建议)$")


def reply_title(incoming_title: str, kind: ReplyKind) -> str:
    """"关于申请专项经费的请示" → "关于申请专项经费的批复"; any other title becomes
    "关于《…》的复函"."""
    word = kind.label
    title = incoming_title.strip()
    match = _SUBJECT.match(title)
    if match:
        return f"关于{match.group('core')}的{word}"
    return f"关于《{title}》的{word}"


def _reply_spec(doc: IncomingDocument, kind: ReplyKind, title: str) -> dict:
    number = f"（{doc.doc_number}）" if doc.doc_number else ""
    opening = ("现批复如下：" if kind == ReplyKind.APPROVAL else "经研究，现函复如下：")
    return {
        "title": title,
        "main_recipients": doc.sender_display,
        "body": [{"type": "paragraph", "text": f"你单位《{doc.title}》{number}收悉。{opening}"},
                 {"type": "paragraph", "text": "（请在此填写答复内容。）"}],
        "signature": [doc.recipient_unit.name],
        "seal": True,
    }


def may_draft_reply(person: Person, doc: IncomingDocument) -> bool:
    """Who answers for the recipient unit: its office and the handling unit's staff, once
    the document is taken in (not a co-unit, not a reader)."""
    from zhongshu.documents.actions import DocumentAction

    from .actions import IncomingAction

    if doc.status not in REPLY_STATUSES or not can(person, DocumentAction.DRAFT):
        return False
    if not can(person, Action.OBJECT_VIEW, doc):
        return False
    return (can(person, IncomingAction.OFFICE, doc) or doc.handler_id == person.pk
            or (doc.handling_unit_id is not None and doc.handling_unit_id == person.unit_id))


@transaction.atomic
def incoming_draft_reply(*, actor: Person, incoming: IncomingDocument, kind: str) -> ReplyDraft:
    """Start a 批复 or 复函 to the sender from ``incoming``: an outgoing draft made by the
    documents app's draft service, addressed (主送) to the sending unit, titled
    "关于…的批复/复函", as classified as the 收文, and linked both ways."""
    from zhongshu.documents import services as outgoing

    doc = IncomingDocument.objects.select_related("sender_unit", "recipient_unit").get(pk=incoming.pk)
    if not can(actor, Action.OBJECT_VIEW, doc):
        raise PermissionDenied
    if doc.status not in REPLY_STATUSES:
        raise ValidationError(f"该收文当前为“{doc.get_status_display()}”，初审通过后才能起草答复。")
    if not may_draft_reply(actor, doc):
        raise PermissionDenied
    if kind not in ReplyKind.values:
        raise ValidationError("请选择答复类型（批复或复函）。")
    reply_kind = ReplyKind(kind)
    title = reply_title(doc.title, reply_kind)[:200]
    draft = outgoing.outgoing_create(
        actor=actor, doc_type=reply_kind.doc_type, spec=_reply_spec(doc, reply_kind, title),
        title=title, classification=doc.classification, secrecy_years=doc.secrecy_years,
        secrecy_long_term=doc.secrecy_long_term, urgency=doc.urgency)
    link = ReplyDraft.objects.create(incoming=doc, outgoing=draft, kind=reply_kind, created_by=actor)
    IncomingEvent.objects.create(incoming=doc, kind=EventKind.REPLY_DRAFTED, actor=actor,
                                 details={"outgoing_id": draft.pk, "kind": kind, "title": title})
    record(actor=actor, action=f"incoming.{EventKind.REPLY_DRAFTED}", obj=doc,
           details={"outgoing_id": draft.pk, "kind": kind})
    return link


def replies_of(viewer: Person, doc: IncomingDocument) -> list[ReplyDraft]:
    """The replies drafted from ``doc`` whose drafts ``viewer`` may see."""
    from zhongshu.documents.models import OutgoingDocument

    links = list(doc.reply_drafts.select_related("outgoing", "created_by"))
    seen = set(visible(viewer, OutgoingDocument.objects.filter(
        pk__in=[link.outgoing_id for link in links])).values_list("pk", flat=True))
    return [link for link in links if link.outgoing_id in seen]


def sources_of(viewer: Person, outgoing: OutgoingDocument) -> list[ReplyDraft]:
    """The 收文 an outgoing draft answers, those ``viewer`` may see (a classified title never
    reaches a person below its level)."""
    links = list(ReplyDraft.objects.filter(outgoing_id=outgoing.pk).select_related("incoming"))
    seen = set(visible(viewer, IncomingDocument.objects.filter(
        pk__in=[link.incoming_id for link in links])).values_list("pk", flat=True))
    return [link for link in links if link.incoming_id in seen]
