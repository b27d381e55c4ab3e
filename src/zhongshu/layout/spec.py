"""The document interchange format (公文交换格式): load and check one document's JSON form.

This module is deliberately import-light (standard library only, no Django) because the
renderer, the proofreader, the CLI and importers all read the same JSON. The format is
described in ``docs/document-format.md`` and ``document.schema.json`` beside this file;
``load_spec`` is the one entry point.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOC_TYPES = (
    "决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报",
    "报告", "请示", "批复", "议案", "函", "纪要", "签报",
)
CLASSIFICATIONS = ("", "秘密", "机密", "绝密")
URGENCIES = ("", "特急", "加急", "特提", "平急")
FORMATS = ("standard", "letter", "minutes", "order")
HEADING_LEVELS = (1, 2, 3, 4)

SCHEMA_PATH = Path(__file__).with_name("document.schema.json")


class SpecError(ValueError):
    """The JSON is not a valid document. ``problems`` lists every problem in Chinese,
    each prefixed with the path of the field (``body[3].text``)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("公文数据有误：\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class Issuer:
    name: str
    issuer_code: str = ""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    type: str = "heading"


@dataclass(frozen=True)
class Paragraph:
    text: str
    type: str = "paragraph"


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    header: bool = True
    type: str = "table"


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Attachment:
    title: str
    body: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Attendance:
    """纪要 only: who attended (出席), was excused (请假) or sat in (列席)."""

    present: str = ""
    absent: str = ""
    observers: str = ""


@dataclass(frozen=True)
class DocumentSpec:
    doc_type: str
    title: str
    format: str = "standard"
    copy_number: str = ""
    classification: str = ""
    secrecy_period: str = ""
    urgency: str = ""
    issuers: tuple[Issuer, ...] = ()
    mark: str = ""
    doc_number: str = ""
    signers: tuple[str, ...] = ()
    main_recipients: str = ""
    body: tuple[Block, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    signature: tuple[str, ...] = ()
    date: dt.date | None = None
    seal: bool = False
    notes: str = ""
    cc_recipients: str = ""
    printing_office: str = ""
    printing_date: dt.date | None = None
    attendance: Attendance = field(default_factory=Attendance)

    @property
    def is_classified(self) -> bool:
        return bool(self.classification)

    @property
    def is_upward(self) -> bool:
        """上行文 carry the 签发人; the layout follows from the signers being present."""
        return bool(self.signers)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}：{message}" if path else message)

    def string(self, data: dict, key: str, path: str = "", *, required: bool = False,
               choices: tuple[str, ...] | None = None) -> str:
        where = f"{path}{key}"
        if key not in data or data[key] is None:
            if required:
                self.fail(where, "缺少此项（必填）")
            return ""
        value = data[key]
        if not isinstance(value, str):
            self.fail(where, f"应为文字，实际是 {_kind(value)}")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(where, "不能为空")
        if choices is not None and value not in choices:
            shown = "、".join(c or "（空）" for c in choices)
            self.fail(where, f"“{value}”不是允许的取值，应为：{shown}")
            return ""
        return value

    def date(self, data: dict, key: str) -> dt.date | None:
        raw = data.get(key)
        if raw in (None, ""):
            return None
        if not isinstance(raw, str):
            self.fail(key, f"应为 ISO 日期文字（如 2026-01-05），实际是 {_kind(raw)}")
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.fail(key, f"“{raw}”不是有效日期，应写作 YYYY-MM-DD（如 2026-01-05）")
            return None

    def strings(self, data: dict, key: str) -> tuple[str, ...]:
        raw = data.get(key)
        if raw in (None, ""):
            return ()
        if isinstance(raw, str):  # one organ written without the list brackets
            raw = [raw]
        if not isinstance(raw, list):
            self.fail(key, f"应为文字列表，实际是 {_kind(raw)}")
            return ()
        out = []
        for i, item in enumerate(raw):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{key}[{i}]", "应为非空文字")
            else:
                out.append(item.strip())
        return tuple(out)

    def blocks(self, raw: Any, path: str) -> tuple[Block, ...]:
        if raw in (None, ""):
            return ()
        if not isinstance(raw, list):
            self.fail(path, f"应为段落列表，实际是 {_kind(raw)}")
            return ()
        out: list[Block] = []
        for i, item in enumerate(raw):
            where = f"{path}[{i}]"
            if isinstance(item, str):  # a bare string is a paragraph: convenient for pasting
                out.append(Paragraph(text=item.strip()))
                continue
            if not isinstance(item, dict):
                self.fail(where, f"应为对象，实际是 {_kind(item)}")
                continue
            kind = item.get("type", "paragraph")
            if kind == "paragraph":
                text = self.string(item, "text", f"{where}.", required=True)
                out.append(Paragraph(text=text))
            elif kind == "heading":
                level = item.get("level")
                if not isinstance(level, int) or isinstance(level, bool) or level not in HEADING_LEVELS:
                    self.fail(f"{where}.level", f"标题层级应为 1 至 4 的整数，实际是 {level!r}")
                    level = 1
                text = self.string(item, "text", f"{where}.", required=True)
                if _NUMBERED.match(text):
                    self.fail(f"{where}.text", f"标题“{text[:12]}”不要自带序号（一、（一）1.（1）），序号由排版程序编排")
                out.append(Heading(level=level, text=text))
            elif kind == "table":
                out.append(self.table(item, where))
            else:
                self.fail(f"{where}.type", f"“{kind}”不是允许的块类型，应为 heading、paragraph 或 table")
        return tuple(out)

    def table(self, item: dict, where: str) -> Table:
        rows = item.get("rows")
        if not isinstance(rows, list) or not rows:
            self.fail(f"{where}.rows", "表格至少要有一行，rows 应为二维列表")
            return Table(rows=())
        width = None
        clean: list[tuple[str, ...]] = []
        for r, row in enumerate(rows):
            if not isinstance(row, list) or not row:
                self.fail(f"{where}.rows[{r}]", "每行应为非空的单元格列表")
                continue
            cells = []
            for c, cell in enumerate(row):
                if isinstance(cell, int | float) and not isinstance(cell, bool):
                    cell = str(cell)
                if not isinstance(cell, str):
                    self.fail(f"{where}.rows[{r}][{c}]", f"单元格应为文字或数字，实际是 {_kind(cell)}")
                    cell = ""
                cells.append(cell.strip())
            if width is None:
                width = len(cells)
            elif len(cells) != width:
                self.fail(f"{where}.rows[{r}]", f"有 {len(cells)} 列，与第一行的 {width} 列不一致")
            clean.append(tuple(cells))
        header = item.get("header", True)
        if not isinstance(header, bool):
            self.fail(f"{where}.header", "应为 true 或 false")
            header = True
        return Table(rows=tuple(clean), header=header)


_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．]|（\d+）)")


def _kind(value: Any) -> str:
    return {dict: "对象", list: "列表", str: "文字", bool: "真假值", int: "数字",
            float: "数字", type(None): "空值"}.get(type(value), type(value).__name__)


def parse_spec(data: Any) -> DocumentSpec:
    """Check a decoded JSON value and build the typed document; raise ``SpecError``."""
    check = _Checker()
    if not isinstance(data, dict):
        raise SpecError([f"公文数据应为 JSON 对象（{{…}}），实际是 {_kind(data)}"])
    doc_type = check.string(data, "doc_type", required=True, choices=DOC_TYPES)
    fmt = check.string(data, "format") or "standard"
    # 命令 and 纪要 are often published without a title of their own
    title = check.string(data, "title", required=fmt in {"standard", "letter"})
    if fmt not in FORMATS:
        check.fail("format", f"“{fmt}”不是允许的版式，应为 standard（文件）、letter（信函）、minutes（纪要）或 order（命令）")
    copy_number = data.get("copy_number")
    if isinstance(copy_number, int) and not isinstance(copy_number, bool):
        copy_number = str(copy_number)
    if copy_number in (None, ""):
        copy_number = ""
    elif not isinstance(copy_number, str) or not re.fullmatch(r"\d{1,6}", copy_number.strip()):
        check.fail("copy_number", f"份号应为 1 至 6 位阿拉伯数字，实际是 {copy_number!r}")
        copy_number = ""
    else:
        copy_number = copy_number.strip().zfill(6)  # 份号 is printed with six digits
    classification = check.string(data, "classification", choices=CLASSIFICATIONS)
    secrecy_period = check.string(data, "secrecy_period")
    if secrecy_period and not classification:
        check.fail("secrecy_period", "填写了保密期限但没有密级")
    urgency = check.string(data, "urgency", choices=URGENCIES)

    issuers: list[Issuer] = []
    raw_issuers = data.get("issuers") or []
    if not isinstance(raw_issuers, list):
        check.fail("issuers", f"应为发文机关列表，实际是 {_kind(raw_issuers)}")
        raw_issuers = []
    for i, item in enumerate(raw_issuers):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            check.fail(f"issuers[{i}]", "应为 {name, issuer_code} 对象")
            continue
        name = check.string(item, "name", f"issuers[{i}].", required=True)
        issuers.append(Issuer(name=name, issuer_code=check.string(item, "issuer_code", f"issuers[{i}].")))
    if not issuers and not data.get("mark"):
        check.fail("issuers", "至少需要一个发文机关（用于发文机关标志）")

    attachments: list[Attachment] = []
    raw_att = data.get("attachments") or []
    if not isinstance(raw_att, list):
        check.fail("attachments", f"应为附件列表，实际是 {_kind(raw_att)}")
        raw_att = []
    for i, item in enumerate(raw_att):
        if isinstance(item, str):
            item = {"title": item}
        if not isinstance(item, dict):
            check.fail(f"attachments[{i}]", "应为 {title} 对象")
            continue
        title_i = check.string(item, "title", f"attachments[{i}].", required=True)
        attachments.append(Attachment(title=title_i,
                                      body=check.blocks(item.get("body"), f"attachments[{i}].body")))

    seal = data.get("seal", False)
    if not isinstance(seal, bool):
        check.fail("seal", "应为 true 或 false")
        seal = False
    attendance_raw = data.get("attendance") or {}
    if not isinstance(attendance_raw, dict):
        check.fail("attendance", "应为 {present, absent, observers} 对象")
        attendance_raw = {}
    attendance = Attendance(
        present=check.string(attendance_raw, "present", "attendance."),
        absent=check.string(attendance_raw, "absent", "attendance."),
        observers=check.string(attendance_raw, "observers", "attendance."),
    )
    body = check.blocks(data.get("body"), "body")
    if not body:
        check.fail("body", "正文不能为空")
    spec = DocumentSpec(
        doc_type=doc_type, title=title, format=fmt, copy_number=copy_number,
        classification=classification, secrecy_period=secrecy_period, urgency=urgency,
        issuers=tuple(issuers), mark=check.string(data, "mark"),
        doc_number=check.string(data, "doc_number"), signers=check.strings(data, "signers"),
        main_recipients=check.string(data, "main_recipients"), body=body,
        attachments=tuple(attachments), signature=check.strings(data, "signature"),
        date=check.date(data, "date"), seal=seal, notes=check.string(data, "notes"),
        cc_recipients=check.string(data, "cc_recipients"),
        printing_office=check.string(data, "printing_office"),
        printing_date=check.date(data, "printing_date"), attendance=attendance,
    )
    if spec.seal and not spec.signature:
        check.fail("seal", "加盖印章的公文须有发文机关署名（signature）")
    if check.problems:
        raise SpecError(check.problems)
    return spec


def load_spec(source: str | Path | dict | bytes) -> DocumentSpec:
    """Load a document from a path, a JSON text, raw bytes or an already-decoded dict."""
    if isinstance(source, dict):
        return parse_spec(source)
    if isinstance(source, bytes):
        text = _decode(source)
    elif isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("{")):
        path = Path(source)
        try:
            text = _decode(path.read_bytes())
        except OSError as exc:
            raise SpecError([f"无法读取文件 {path}：{exc.strerror or exc}"]) from None
    else:
        text = source
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError([f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有误（{_json_reason(exc.msg)}）"]) from None
    return parse_spec(data)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpecError(["文件不是 UTF-8 编码的文本"]) from None


def _json_reason(msg: str) -> str:
    reasons = {
        "Expecting value": "缺少值",
        "Expecting ',' delimiter": "缺少逗号",
        "Expecting ':' delimiter": "缺少冒号",
        "Expecting property name enclosed in double quotes": "键名须用英文双引号",
        "Unterminated string starting at": "字符串没有结束引号",
        "Extra data": "JSON 结束后还有多余内容",
        "Invalid control character at": "字符串中有非法控制字符",
    }
    return reasons.get(msg, msg)


# The interchange format's keys in the office's words, for problems shown in the UI (the
# command line and the API keep the keys, which their users write).
_KEY_LABELS = {
    "title": "标题", "doc_type": "文种", "body": "正文", "main_recipients": "主送机关",
    "cc_recipients": "抄送机关", "signature": "落款", "signers": "签发人", "attachments": "附件",
    "date": "成文日期", "classification": "密级", "secrecy_period": "保密期限", "urgency": "紧急程度",
    "issuers": "发文机关", "issuer_code": "机关代字", "doc_number": "发文字号", "copy_number": "份号",
    "notes": "附注", "printing_office": "印发机关", "printing_date": "印发日期", "seal": "印章",
    "format": "版式", "attendance": "出席人员", "present": "出席", "absent": "请假", "observers": "列席",
    "level": "标题层级", "text": "文字", "rows": "表格", "header": "表头", "type": "类型", "name": "名称",
    "mark": "标志", "order": "顺序",
}
_PART = re.compile(r"([a-z_]+)|\[(\d+)\]|\.")


def human_problem(problem: str) -> str:
    """``"body[2].rows[1]：…"`` → ``"正文第 3 块表格第 2 行：…"``; a problem without a key path
    is returned as it is."""
    path, sep, message = problem.partition("：")
    if not sep or not re.fullmatch(r"[a-z_]+(\[\d+\]|\.[a-z_]+)*", path):
        return problem
    words: list[str] = []
    last = ""
    for key, index in _PART.findall(path):
        if key:
            last = key
            words.append(_KEY_LABELS.get(key, key) if key != "rows" or not words else "表格")
        elif index:
            n = int(index) + 1
            unit = {"body": "块", "rows": "行", "attachments": "个"}.get(last, "项")
            if last == "" and words:
                unit = "列"
            words.append(f"第 {n} {unit}")
            last = "" if last == "rows" else last
    return "".join(words) + "：" + message
