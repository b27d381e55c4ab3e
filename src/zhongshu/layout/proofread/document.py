"""A document as the proofreader sees it: numbered printed lines, each with its element kind.

Two inputs lead here. Plain text in reading order (one element per line, as pasted from a
word processor) is classified line by line with the heuristics below. The JSON interchange
form is printed the way the renderer prints it (headings numbered 一、（一）1.（1）, the
attachment note built from the list, the ISO date written 2026年1月5日), so that the findings
point at the text the reader will see.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from zhongshu.layout.headings import chinese_number  # noqa: F401 - bench uses chinese_number
from zhongshu.layout.headings import heading_number as heading_prefix

from . import patterns as P

# Element kinds, in reading order.
HEAD = "head"  # 份号, 密级, 紧急程度, 发文机关标志, 签发人
NUMBER = "number"  # 发文字号
TITLE = "title"
RECIPIENTS = "recipients"
BODY = "body"  # paragraphs and headings of the 正文
TABLE = "table"
ATTACHMENT_NOTE = "attachment_note"
SIGNATURE = "signature"
DATE = "date"
NOTES = "notes"
TAIL = "tail"  # what follows the notes: attachments, or the rules a notice issues
CC = "cc"
PRINTING = "printing"
BLANK = "blank"


@dataclass
class Line:
    no: int  # 1-based, as in the input (text) or the printed form (JSON)
    text: str
    kind: str
    # JSON input only: the heading level the renderer numbers (1-4), else 0.
    level: int = 0


@dataclass
class Document:
    lines: list[Line]
    doc_type: str = ""  # the statutory type: given, or read from the title
    type_given: bool = False
    source: str = "text"  # "text" | "json"
    attachments: list[str] | None = None  # JSON: the attachment titles
    raw_date: str | None = None  # JSON: the date field as given
    raw_printing_date: str | None = None

    def of(self, *kinds: str) -> list[Line]:
        return [ln for ln in self.lines if ln.kind in kinds]

    def first(self, kind: str) -> Line | None:
        return next((ln for ln in self.lines if ln.kind == kind), None)

    @property
    def title(self) -> str:
        return "".join(ln.text.strip() for ln in self.of(TITLE))


def type_from_title(title: str) -> str:
    # A short title spaced out for layout ("通    知", "纪  要") reads as its words.
    t = P.SPACE_BETWEEN_CJK.sub("", title.strip()).rstrip(P.TRAILING_PUNCT)
    for name in P.TYPES_LONGEST_FIRST:
        if t.endswith(name):
            return "命令" if name == "令" else name
    # Replies to deputies' suggestions and members' proposals (对……建议的答复) go out as
    # letters; their titles end with 答复, not with a statutory type.
    if P.REPLY_TITLE.search(t):
        return "函"
    return ""


# ---------------------------------------------------------------- plain text


def _is_head_line(s: str) -> bool:
    # The whole line: a title naming 规范性文件 is not a red header ending with 文件.
    return bool(P.HEAD_LINE.fullmatch(s.strip()))


def _is_number_line(s: str) -> bool:
    core = s.strip().strip("()（）[]【】 ")
    return len(core) <= 40 and bool(P.DOC_NUMBER_LOOSE.match(core))


def _looks_like_title(s: str) -> bool:
    t = s.strip()
    if len(t) > 120 or not t or _is_date_line(t):
        return False
    if type_from_title(t) or "关于" in t:
        return True
    # A title without a type is still the title (title-form says what is missing) when it is
    # short and is not a sentence or a list of organs.
    return len(t) <= 60 and "。" not in t[:-1] and not _is_recipient_line(t)


# The opening sentence of a body ("根据……，现将有关事项通知如下：") ends with a colon too.
_BODY_OPENING = re.compile(r"如下[:：]$|^(为了?|根据|按照|依据|经|现将|现就|近日|近期|当前|今年)")


def _is_recipient_line(s: str) -> bool:
    t = s.strip()
    if not t or len(t) > 200 or "。" in t or _BODY_OPENING.search(t):
        return False
    if t[-1] in ":：":
        return True
    # Missing or wrong final mark: still a recipient line if it names organs only.
    body = t.rstrip(P.TRAILING_PUNCT)
    return bool(P.ORGAN_END.search(body)) and len(body) <= 120 and "，" not in body[:4]


def _title_span(content: list[Line], idx: int) -> int | None:
    """Index of the last line of the title starting at ``idx``, or None when there is none.
    A title may wrap over up to four short lines (梯形), the last ending with the type."""
    if idx >= len(content) or not content[idx].text.strip():
        return None
    for last in range(idx, min(idx + 4, len(content))):
        t = content[last].text.strip()
        if last > idx and (len(t) > 40 or P.SENTENCE_PUNCT.search(t) or t.endswith(("：", ":"))):
            break
        if type_from_title(t) and len(t) <= 120:
            return last
    return idx if _looks_like_title(content[idx].text) else None


def _is_date_line(s: str) -> bool:
    return bool(P.DATE_LINE.match(s.strip()))


def parse_text(text: str, doc_type: str | None = None) -> Document:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    lines = [Line(i + 1, t, BLANK if not t.strip() else BODY) for i, t in enumerate(raw)]
    content = [ln for ln in lines if ln.kind != BLANK]

    # Head: everything before the title that is a head element or a number line.
    idx = 0
    while idx < len(content):
        s = content[idx].text.strip()
        if _is_number_line(s):
            content[idx].kind = NUMBER
        elif _is_head_line(s):
            content[idx].kind = HEAD
        else:
            break
        idx += 1
    # Title: one or more lines, the last one ending in a type when the title wraps.
    span = _title_span(content, idx)
    if span is not None:
        for m in content[idx:span + 1]:
            m.kind = TITLE
        idx = span + 1
    # The number may follow the title (as on government web pages).
    while idx < len(content) and _is_number_line(content[idx].text):
        content[idx].kind = NUMBER
        idx += 1
    if idx < len(content) and _is_recipient_line(content[idx].text):
        content[idx].kind = RECIPIENTS
        idx += 1

    # Signing date: the first stand-alone date line after the body started.
    date_idx = next(
        (k for k in range(idx, len(content)) if _is_date_line(content[k].text)), None
    )
    end_body = date_idx if date_idx is not None else len(content)
    if date_idx is not None:
        content[date_idx].kind = DATE
        # Signature: short organ lines right above the date.
        k = date_idx - 1
        while k >= idx and date_idx - k <= 4 and _is_signature_line(content[k].text):
            content[k].kind = SIGNATURE
            k -= 1
        end_body = k + 1
    # Attachment note: from a line that starts with 附件 to the signature.
    for k in range(idx, end_body):
        if P.ATTACHMENT_NOTE_START.match(content[k].text.strip()):
            for j in range(k, end_body):
                content[j].kind = ATTACHMENT_NOTE
            end_body = k
            break
    # After the date: notes in brackets, then tail (attachments, issued rules), cc, printing.
    if date_idx is not None:
        k = date_idx + 1
        while k < len(content) and P.NOTES_LINE.match(content[k].text.strip()):
            content[k].kind = NOTES
            k += 1
        for j in range(k, len(content)):
            content[j].kind = TAIL
    for ln in content:
        s = ln.text.strip()
        if ln.kind in (TAIL, BODY) and P.CC_LINE.match(s):
            ln.kind = CC
        elif ln.kind in (TAIL, BODY) and P.PRINTING_LINE.match(s):
            ln.kind = PRINTING
    doc = Document(lines=lines, source="text")
    _set_type(doc, doc_type)
    return doc


def _is_signature_line(s: str) -> bool:
    t = s.strip()
    return (0 < len(t) <= 40 and not P.SENTENCE_PUNCT.search(t) and not _is_date_line(t)
            and not re.match(r"^(\d|附\s*件|[（(]\d)", t))


def _set_type(doc: Document, doc_type: str | None) -> None:
    if doc_type:
        doc.doc_type = "命令" if doc_type in {"令", "命令（令）"} else doc_type
        doc.type_given = True
    else:
        doc.doc_type = type_from_title(doc.title)


# ---------------------------------------------------------------- JSON form

def print_date(value: str) -> str | None:
    try:
        d = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return f"{d.year}年{d.month}月{d.day}日"


def from_json(data: dict[str, Any], doc_type: str | None = None) -> Document:
    lines: list[Line] = []

    def add(text: str, kind: str, level: int = 0) -> None:
        lines.append(Line(len(lines) + 1, text, kind, level))

    def text_of(value: Any) -> str:
        return "" if value is None else str(value)

    def list_of(value: Any) -> list:
        # A lone string or object where a list belongs still reads as one item.
        if value is None or value == "":
            return []
        return value if isinstance(value, list) else [value]

    if data.get("doc_number"):
        add(text_of(data["doc_number"]), NUMBER)
    if data.get("title"):
        add(text_of(data["title"]), TITLE)
    recipients = text_of(data.get("main_recipients")).strip()
    if recipients:
        # The renderer closes the recipients with a full-width colon when the text has no
        # final mark; a wrong mark stays as written so that the check sees it.
        if recipients[-1] not in P.TRAILING_PUNCT_SET:
            recipients += "："
        add(recipients, RECIPIENTS)
    counters = [0, 0, 0, 0, 0]
    for block in list_of(data.get("body")):
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "heading":
            try:
                level = min(max(int(block.get("level", 1)), 1), 4)
            except (TypeError, ValueError):
                level = 1
            counters[level] += 1
            for deeper in range(level + 1, 5):
                counters[deeper] = 0
            add(heading_prefix(level, counters[level]) + text_of(block.get("text")), BODY, level)
        elif kind == "table":
            for row in list_of(block.get("rows")):
                cells = row if isinstance(row, list) else [row]
                add("\t".join(text_of(c) for c in cells), TABLE)
        else:
            add(text_of(block.get("text")), BODY)
    titles = [text_of(a.get("title") if isinstance(a, dict) else a)
              for a in list_of(data.get("attachments"))]
    if len(titles) == 1:
        add(f"附件：{titles[0]}", ATTACHMENT_NOTE)
    else:
        for i, t in enumerate(titles, 1):
            add(f"附件：{i}. {t}" if i == 1 else f"{i}. {t}", ATTACHMENT_NOTE)
    for organ in list_of(data.get("signature")):
        add(text_of(organ.get("name") if isinstance(organ, dict) else organ), SIGNATURE)
    raw_date = data.get("date")
    if raw_date:
        add(print_date(text_of(raw_date)) or text_of(raw_date), DATE)
    notes = text_of(data.get("notes")).strip()
    if notes:
        add(notes if notes.startswith(("（", "(")) else f"（{notes}）", NOTES)
    cc = text_of(data.get("cc_recipients")).strip()
    if cc:
        add(cc if cc.startswith("抄送") else f"抄送：{cc}", CC)
    office = text_of(data.get("printing_office")).strip()
    pdate = data.get("printing_date")
    if office or pdate:
        printed = print_date(text_of(pdate)) if pdate else ""
        add(f"{office}  {printed or text_of(pdate)}印发".strip(), PRINTING)
    doc = Document(lines=lines, source="json", attachments=titles,
                   raw_date=text_of(raw_date) if raw_date else None,
                   raw_printing_date=text_of(pdate) if pdate else None)
    _set_type(doc, doc_type or text_of(data.get("doc_type")) or None)
    return doc


class UnreadableInput(Exception):
    """The file is not UTF-8 text or not a JSON object of the interchange form."""


def load(content: bytes | str, *, name: str = "", doc_type: str | None = None) -> Document:
    """Read a document from bytes or text: JSON when it parses as an object, else text."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnreadableInput(f"不是 UTF-8 编码的文本（第 {exc.start + 1} 字节）") from None
    stripped = content.lstrip("\ufeff").lstrip()
    if name.lower().endswith(".json") or stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            if name.lower().endswith(".json"):
                raise UnreadableInput(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列") from None
            return parse_text(content, doc_type)
        if not isinstance(data, dict):
            raise UnreadableInput("JSON 内容不是一个公文对象")
        return from_json(data, doc_type)
    if "\x00" in content:
        raise UnreadableInput("文件含有二进制内容，不是纯文本")
    return parse_text(content, doc_type)

