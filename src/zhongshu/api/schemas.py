"""Shapes of the REST API (OpenAPI at /api/docs).

Every input is bounded here, so that what the document promises is what the server
accepts (issue 11 §14): levels 0–4, ids within the database's 64-bit integer, lengths
as the pages allow them. A value outside is a 422 naming the field, never a server
error or a silent cut."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

# Primary keys are 64-bit (BigAutoField).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Level = Annotated[int, Field(ge=0, le=4, description="密级：0 公开，1 内部，2 秘密，3 机密，4 绝密")]
SecrecyYears = Annotated[int, Field(ge=1, le=30, description="保密期限（年）：秘密≤10，机密≤20，绝密≤30")]
Workdays = Annotated[int, Field(ge=1, le=365)]
# As the pages allow: a title of 200 characters, an opinion of 2,000.
TITLE_MAX = 200
OPINION_MAX = 2000
TEXT_MAX = 5000
Short = Annotated[str, Field(max_length=300)]
Opinion = Annotated[str, Field(max_length=OPINION_MAX)]


class Error(Schema):
    code: str
    message: str
    details: list[str] = []


# What every operation may answer besides its own results, each as an ``Error``: a
# request the server cannot use (400), no or a bad token (401), refused (403), not
# there or not visible (404), not the shape the operation takes (422).
ERRORS: dict[int, type[Error]] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def answers(ok: dict[int, Any]) -> dict[int, Any]:
    """An operation's ``response=``: its own results and every error it may answer, so
    the OpenAPI document lists each status code the server sends (issue 11 §14)."""
    return {**ERRORS, **ok}


class Block(Schema):
    type: Annotated[str, Field(max_length=20)] = "paragraph"
    text: Annotated[str, Field(max_length=TEXT_MAX)] = ""
    level: Annotated[int, Field(ge=1, le=4)] | None = None
    rows: Annotated[list[Annotated[list[Annotated[str, Field(max_length=1000)]], Field(max_length=50)]],
                    Field(max_length=500)] | None = None


class DraftIn(Schema):
    doc_type: Annotated[str, Field(max_length=20)]
    title: Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]
    urgency: Annotated[str, Field(max_length=20)] = "normal"
    classification: Level = 1
    secrecy_years: SecrecyYears | None = None
    secrecy_long_term: bool = False
    main_recipients: Short = ""
    body: Annotated[list[Block], Field(max_length=2000)]
    attachments: Annotated[list[Short], Field(max_length=100)] = []
    signature: Annotated[list[Short], Field(max_length=20)] = []
    seal: bool = False
    notes: Short = ""
    cc_recipients: Short = ""
    sign_off_leader: Id | None = None
    countersign_units: Annotated[list[Id], Field(max_length=200)] = []


class SaveIn(DraftIn):
    """A new version. The level and the secrecy period are not changed by saving (变更密级
    is its own action, issue 11 §6): leave them out, or send the current ones."""

    base_version: Id
    classification: Level | None = None  # type: ignore[assignment]


class ActIn(Schema):
    action: Annotated[str, Field(max_length=40)]
    text: Opinion = ""
    return_to: Annotated[int, Field(ge=0, le=1000)] | None = None


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

    action: Annotated[str, Field(max_length=40)] = ""
    reason: Opinion = ""          # accept / return (初审), extension (申请延期)
    opinion: Opinion = ""         # propose (拟办), assign (交办)
    leader: Id | None = None  # propose: the leader asked for an instruction
    kind: Annotated[str, Field(max_length=40)] = ""  # instruct: actionable / guiding / reference
    text: Opinion = ""            # instruct, holding (阶段性答复)
    handling_unit: Id | None = None  # assign
    workdays: Workdays | None = None  # assign, extension
    summary: Opinion = ""         # complete (办结)
    note: Opinion = ""            # approve / refuse (延期审批)
    comment: Opinion = ""         # read (传阅)
    instruction_kind: Annotated[str, Field(max_length=40)] = ""  # read: an instruction while reading (阅示)
