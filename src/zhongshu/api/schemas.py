"""Shapes of the REST API (OpenAPI at /api/docs)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class Error(Schema):
    code: str
    message: str
    details: list[str] = []


class Block(Schema):
    type: str = "paragraph"
    text: str = ""
    level: int | None = None
    rows: list[list[str]] | None = None


class DraftIn(Schema):
    doc_type: str
    title: str
    urgency: str = "normal"
    classification: int = 1
    secrecy_years: int | None = None
    secrecy_long_term: bool = False
    main_recipients: str = ""
    body: list[Block]
    attachments: list[str] = []
    signature: list[str] = []
    seal: bool = False
    notes: str = ""
    cc_recipients: str = ""
    sign_off_leader: int | None = None
    countersign_units: list[int] = []


class SaveIn(DraftIn):
    base_version: int


class ActIn(Schema):
    action: str
    text: str = ""
    return_to: int | None = None


class DocumentOut(Schema):
    id: int
    doc_type: str
    title: str
    status: str
    status_label: str
    doc_number: str
    classification: int
    secrecy_mark: str
    urgency: str
    owner_unit: str
    drafter: str
    created_at: dt.datetime
    signed_off_at: dt.datetime | None
    current_version: int | None


class StepOut(Schema):
    id: int
    stage_key: str
    stage_name: str
    assignee: str
    status: str
    acted_at: dt.datetime | None


class AttachmentOut(Schema):
    id: int
    position: int
    title: str
    name: str
    kind: str
    size: int
    uploaded_by: str
    uploaded_at: dt.datetime
    download_url: str


class DocumentDetail(DocumentOut):
    spec: dict
    versions: list[dict]
    steps: list[StepOut]
    my_step: int | None
    deliveries: list[dict]
    attachments: list[AttachmentOut]


class DocumentList(Schema):
    count: int
    capped: bool = False
    items: list[DocumentOut]


class VersionOut(Schema):
    id: int
    number: int
    is_side: bool
    conflict: str = ""


# --- 收文 (incoming documents) -------------------------------------------------------

class HolderOut(Schema):
    step: str
    people: list[str]


class IncomingOut(Schema):
    id: int
    receipt_number: str
    title: str
    doc_type: str
    doc_number: str
    sender: str
    recipient_unit: str
    channel: str
    status: str
    status_label: str
    classification: int
    secrecy_mark: str
    urgency: str
    copy_number: int | None
    created_at: dt.datetime
    received_at: dt.datetime | None
    handling_unit: str | None
    deadline: dt.date | None
    completed_at: dt.datetime | None
    summary: str


class IncomingRow(IncomingOut):
    holders: list[HolderOut]
    unread: list[str]
    overdue: bool


class IncomingList(Schema):
    count: int
    capped: bool = False
    items: list[IncomingRow]


class IncomingFileOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    is_attachment: bool


class IncomingTaskOut(Schema):
    id: int
    kind: str
    kind_label: str
    actions: list[str]
    deadline: dt.date | None
    extension: int | None
    act_url: str


class TimelineOut(Schema):
    kind: str
    label: str
    actor: str
    at: dt.datetime
    opinion: str
    took: str


class InstructionOut(Schema):
    leader: str
    kind: str
    text: str
    given_at: dt.datetime
    during_circulation: bool


class IncomingDetail(IncomingOut):
    files: list[IncomingFileOut]
    my_tasks: list[IncomingTaskOut]
    timeline: list[TimelineOut]
    instructions: list[InstructionOut]


class IncomingActIn(Schema):
    """What to do on one open task. ``action`` may be left out when the task allows only
    one (签收, 拟办, 批示, 传阅); the other fields are the ones that action needs."""

    action: str = ""
    reason: str = ""          # accept / return (初审), extension (申请延期)
    opinion: str = ""         # propose (拟办), assign (交办)
    leader: int | None = None  # propose: the leader asked for an instruction
    kind: str = ""            # instruct: actionable / guiding / reference
    text: str = ""            # instruct, holding (阶段性答复)
    handling_unit: int | None = None  # assign
    workdays: int | None = None  # assign, extension
    summary: str = ""         # complete (办结)
    note: str = ""            # approve / refuse (延期审批)
    comment: str = ""         # read (传阅)
    instruction_kind: str = ""  # read: a leader's instruction while reading (阅示)
