"""A version's content: the document interchange format, its text for tracked changes,
and the spec handed to the renderer and the proofreader. No database writes here."""

from __future__ import annotations

from typing import Any

from zhongshu.access.classification import CLASSIFIED_FROM, Level
from zhongshu.layout.headings import heading_numbers

BLOCK_TYPES = [("paragraph", "段落"), ("h1", "一级标题 一、"), ("h2", "二级标题 （一）"),
               ("h3", "三级标题 1."), ("h4", "四级标题 （1）"), ("table", "表格")]

# Fields of the interchange format a draft edits; the number, copy number, signers and
# date are the document's own and are added when rendering (see ``render_spec``).
EDITED_FIELDS = ("doc_type", "format", "title", "main_recipients", "body", "attachments",
                 "signature", "seal", "notes", "cc_recipients", "issuers", "urgency",
                 "classification", "secrecy_period", "printing_office", "date")


def block_to_form(block: Any) -> tuple[str, str]:
    if isinstance(block, str):
        return "paragraph", block
    kind = block.get("type", "paragraph")
    if kind == "table":
        return "table", "\n".join(" | ".join(str(c) for c in row) for row in block.get("rows") or [])
    if kind == "heading":
        return f"h{block.get('level', 1)}", block.get("text", "")
    return "paragraph", block.get("text", "")


def secrecy_period(doc: Any) -> str:
    if doc.classification < CLASSIFIED_FROM:
        return ""
    return "长期" if doc.secrecy_long_term else f"{doc.secrecy_years}年"


def classification_mark(doc: Any) -> str:
    return str(Level(doc.classification).label) if doc.classification >= CLASSIFIED_FROM else ""


def text_of(spec: dict) -> str:
    """The version as plain text, one line per element, headings with their numbers:
    what tracked changes compare and the clean copy shows."""
    lines = []
    if spec.get("title"):
        lines.append(spec["title"])
    if spec.get("main_recipients"):
        lines.append(f"{spec['main_recipients']}：")
    body = spec.get("body") or []
    for block, prefix in zip(body, heading_numbers(_heading_levels(body)), strict=True):
        if isinstance(block, str):
            lines.append(block)
            continue
        if prefix is not None:
            lines.append(prefix + block.get("text", ""))
        elif block.get("type") == "table":
            lines.extend(" | ".join(str(c) for c in row) for row in block.get("rows") or [])
        else:
            lines.append(block.get("text", ""))
    titles = [a.get("title", "") if isinstance(a, dict) else str(a) for a in spec.get("attachments") or []]
    for i, title in enumerate(titles, 1):
        lines.append(f"附件{i if len(titles) > 1 else ''}：{title}")
    lines.extend(spec.get("signature") or [])
    if spec.get("notes"):
        lines.append(f"（{spec['notes']}）")
    if spec.get("cc_recipients"):
        lines.append(f"抄送：{spec['cc_recipients']}")
    return "\n".join(lines)


def _heading_levels(body: list) -> list[int | None]:
    return [int(b.get("level", 1)) if isinstance(b, dict) and b.get("type") == "heading" else None
            for b in body]


def blocks_for_display(spec: dict) -> list[dict]:
    """Body blocks with their printed heading numbers, for the clean copy on screen."""
    body = [{"type": "paragraph", "text": b} if isinstance(b, str) else b for b in spec.get("body") or []]
    return [b if prefix is None else {**b, "prefix": prefix}
            for b, prefix in zip(body, heading_numbers(_heading_levels(body)), strict=True)]


def attachment_list(spec: dict, file_titles: list[str]) -> list[dict]:
    """The 附件说明 (decision 0510): the attachments the drafter listed, then the titles of
    the uploaded attachment files not already listed, in their order."""
    listed = [a if isinstance(a, dict) else {"title": str(a)} for a in spec.get("attachments") or []]
    seen = {a.get("title", "") for a in listed}
    return listed + [{"title": t} for t in file_titles if t not in seen]


def with_attachment_notes(spec: dict, notes: dict[str, str]) -> dict:
    """``spec`` with ``notes[title]`` added as a paragraph under each attachment of that
    title (an attachment a copy names instead of binding, decision 1312)."""
    if not notes:
        return spec
    attachments = []
    for item in spec.get("attachments") or []:
        item = dict(item) if isinstance(item, dict) else {"title": str(item)}
        note = notes.get(item.get("title", ""))
        if note:
            item["body"] = [*(item.get("body") or []), note]
        attachments.append(item)
    return {**spec, "attachments": attachments}


def file_titles(doc: Any) -> list[str]:
    """Titles of the document's attachment files, in order (none before it is saved)."""
    if getattr(doc, "pk", None) is None:
        return []
    return list(doc.attachment_files.order_by("position", "id").values_list("title", flat=True))


def render_spec(doc: Any, spec: dict, *, copy_number: int | None = None,
                attachment_titles: list[str] | None = None) -> dict:
    """The version as the renderer and the proofreader take it, with what the document
    itself holds: number, classification, urgency, signers of upward documents, date,
    and the titles of its attachment files in the 附件说明."""
    out = {key: spec[key] for key in EDITED_FIELDS if key in spec}
    titles = file_titles(doc) if attachment_titles is None else attachment_titles
    if titles:
        out["attachments"] = attachment_list(spec, titles)
    out["doc_type"] = doc.doc_type
    organ = doc.issuing_organ if doc.issuing_organ_id else None
    # The organ's header template (信函格式, 纪要格式) wins over the type's own layout.
    out["format"] = organ.format if organ is not None and organ.format != "standard" else doc.kind.format
    out["title"] = spec.get("title") or doc.title
    out["classification"] = classification_mark(doc)
    out["secrecy_period"] = secrecy_period(doc)
    out["urgency"] = {"extra_urgent": "特急", "urgent": "加急"}.get(doc.urgency, "")
    if not out.get("issuers"):
        if organ is not None:
            out["issuers"] = [{"name": organ.name, "issuer_code": organ.issuer_code}]
        else:
            out["issuers"] = [{"name": doc.owner_unit.name, "issuer_code": doc.issuer_code}]
    if organ is not None:
        # A joint issue stacks the organs' names; a single organ prints its own mark.
        if len(out["issuers"]) == 1 and out["format"] == "standard" and organ.header_mark:
            out["mark"] = organ.header_mark
        if not out.get("printing_office"):
            out["printing_office"] = organ.printing_office
    if doc.doc_number:
        out["doc_number"] = doc.doc_number
    if copy_number:
        out["copy_number"] = str(copy_number)
    if doc.kind.upward and doc.signed_off_by_id:
        out["signers"] = [doc.signed_off_by.full_name]
    if not out.get("date") and doc.signed_off_at:
        # 成文日期: the day the leader signed it off (条例 第九条).
        from django.utils import timezone

        out["date"] = timezone.localdate(doc.signed_off_at).isoformat()
    if not doc.kind.seal:
        out["seal"] = False
    if out.get("seal") and not out.get("signature"):
        out["signature"] = [i["name"] for i in out["issuers"]]
    return out
