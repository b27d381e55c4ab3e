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
    stage_name: str
    assignee: str
    status: str
    acted_at: dt.datetime | None


class DocumentDetail(DocumentOut):
    spec: dict
    versions: list[dict]
    steps: list[StepOut]
    my_step: int | None
    deliveries: list[dict]


class DocumentList(Schema):
    count: int
    items: list[DocumentOut]


class VersionOut(Schema):
    id: int
    number: int
    is_side: bool
    conflict: str = ""

