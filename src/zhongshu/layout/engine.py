"""The layout engine: a ``DocumentSpec`` becomes pages of positioned glyphs and rules.

PDF and OFD are both drawn from this one result, so the two fixed-layout formats agree to
the glyph. Everything in the body sits on the 22 × 28 grid of ``geometry``; the 版头, the
letter's double lines, seals and the 版记 are placed by the distances the standard gives.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from . import geometry as g
from .fonts import FontSet
from .headings import HeadingCounter, heading_number  # noqa: F401 - heading_number is re-exported
from .linebreak import Line, balanced_lines, break_lines
from .spec import Attachment, Block, DocumentSpec, Heading, Paragraph, Table

HEADING_FACE = {1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}


def chinese_date(value) -> str:
    """成文日期 and 印发日期: Arabic numerals, year in full, no zero padding (7.3.5.4)."""
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass
class Glyph:
    x: float
    top: float  # top of the em box
    ch: str
    face: str
    size: float
    color: tuple[float, float, float] = g.BLACK
    role: str = "body"  # the element this glyph belongs to, for tests and DOCX styles


@dataclass
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    color: tuple[float, float, float] = g.BLACK
    role: str = ""
    dashed: bool = False


@dataclass
class Circle:
    cx: float
    cy: float
    r: float
    width: float
    color: tuple[float, float, float] = g.RED
    role: str = "seal"
    dashed: bool = True


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float
    width: float
    color: tuple[float, float, float] = g.RED
    role: str = "signature-seal"
    dashed: bool = True


@dataclass
class Page:
    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    circles: list[Circle] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    kind: str = "content"  # content | blank | record
    number: int | None = None
    body_rows: int = 0  # grid rows used by flowing content
    starts: tuple[str, int] | None = None  # (key, line) of the first flow on the page


@dataclass
class Layout:
    spec: DocumentSpec
    pages: list[Page]

    def text_by_face(self) -> dict[str, str]:
        used: dict[str, set[str]] = {}
        for page in self.pages:
            for glyph in page.glyphs:
                used.setdefault(glyph.face, set()).add(glyph.ch)
        return {face: "".join(sorted(chars)) for face, chars in used.items()}


@dataclass
class Flow:
    """A piece of the main flow that occupies whole grid rows."""

    rows: int
    draw: Callable[[Page, int], None]
    keep_with_next: bool = False
    pull_prev: int = 0  # lines to bring along when this piece moves to a new page
    break_before: bool = False
    spacer: bool = False
    key: str = ""  # the element it belongs to (body.3, title …): the DOCX writer's page breaks
    line: int = 0  # its line (or table row) within that element


def tag(key: str, flows: list[Flow]) -> list[Flow]:
    for line, flow in enumerate(flows):
        flow.key, flow.line = key, line
    return flows


class Engine:
    def __init__(self, spec: DocumentSpec, fonts: FontSet | None = None):
        self.spec = spec
        self.fonts = fonts or FontSet()

    # ---------------------------------------------------------------- text helpers
    def width_of(self, face: str, size: float) -> Callable[[str], float]:
        def width(ch: str) -> float:
            if ord(ch) >= 0x2E80 or ch in "“”‘’—…·":  # CJK and full-width marks: one cell
                return size * g.SQUEEZE
            return self.fonts.advance(self.fonts.face_for(face, ch), ch) * size

        return width

    def text_width(self, text: str, face: str, size: float) -> float:
        width = self.width_of(face, size)
        return sum(width(c) for c in text)

    def put(self, page: Page, x: float, top: float, text: str, face: str, size: float,
            color=g.BLACK, role: str = "body") -> float:
        """Draw ``text`` unbroken from ``x``; return the x after it."""
        width = self.width_of(face, size)
        for ch in text:
            if not ch.isspace():
                page.glyphs.append(Glyph(x, top, ch, self.fonts.face_for(face, ch), size, color, role))
            x += width(ch)
        return x

    def put_line(self, page: Page, line: Line, x0: float, top: float, face: str, size: float,
                 color=g.BLACK, role: str = "body", faces: list[str] | None = None) -> None:
        offset = 0
        for dx, ch in line.positions():
            use = faces[offset] if faces else face
            offset += 1
            if not ch.isspace():
                page.glyphs.append(Glyph(x0 + dx, top, ch, self.fonts.face_for(use, ch), size, color, role))

    def centred(self, page: Page, top: float, text: str, face: str, size: float,
                color=g.BLACK, role: str = "body") -> None:
        width = self.text_width(text, face, size)
        self.put(page, g.LEFT + (g.BLOCK_W - width) / 2, top, text, face, size, color, role)

    @staticmethod
    def top_in_row(row: int, size: float) -> float:
        # Glyphs of another size share the 3号 glyph's centre line.
        return g.row_top(row) + (g.BODY - size) / 2

    # ---------------------------------------------------------------- flow pieces
    def line_texts(self, text: str, face: str = "fangsong") -> list[str]:
        """A body paragraph's lines as ``text_flows`` breaks them (for the DOCX writer)."""
        cell = g.BODY * g.SQUEEZE
        lines = break_lines(text, self.width_of(face, g.BODY), g.BLOCK_W, 2 * cell, 0, True)
        return ["".join(t.text for t in line.tokens) for line in lines]

    def text_flows(self, text: str, face: str = "fangsong", size: float = g.BODY, *,
                   first_indent: float = 2, rest_indent: float = 0, role: str = "body",
                   keep_with_next: bool = False, prefix_face: str | None = None,
                   prefix_len: int = 0, left: float = 0.0, right: float = 0.0,
                   justify: bool = True) -> list[Flow]:
        cell = size * g.SQUEEZE
        measure = g.BLOCK_W - left - right
        lines = break_lines(text, self.width_of(face, size), measure, first_indent * cell,
                            rest_indent * cell if rest_indent >= 0 else 0, justify)
        flows = []
        seen = 0
        for n, line in enumerate(lines):
            count = sum(len(t.text) for t in line.tokens)
            faces = None
            if prefix_face and seen < prefix_len:
                faces = [prefix_face if seen + i < prefix_len else face for i in range(count)]
            seen += count

            def draw(page: Page, row: int, line=line, faces=faces) -> None:
                self.put_line(page, line, g.LEFT + left, self.top_in_row(row, size), face, size,
                              role=role, faces=faces)

            last = n == len(lines) - 1
            flows.append(Flow(1, draw, keep_with_next=keep_with_next or not last))
        # Only whole paragraphs keep together when told; otherwise let lines split.
        if not keep_with_next:
            for flow in flows:
                flow.keep_with_next = False
        return flows

    def spacer(self, rows: int = 1) -> Flow:
        return Flow(rows, lambda page, row: None, spacer=True)

    def block_flows(self, blocks: tuple[Block, ...], prefix: str = "body.") -> list[Flow]:
        counter = HeadingCounter()
        flows: list[Flow] = []
        for index, block in enumerate(blocks):
            before = len(flows)
            if isinstance(block, Heading):
                number = counter.next(block.level)
                flows += self.text_flows(number + block.text, HEADING_FACE[block.level],
                                         role=f"heading{block.level}", keep_with_next=True)
            elif isinstance(block, Paragraph):
                flows += self.text_flows(block.text)
            elif isinstance(block, Table):
                flows += self.table_flows(block)
            tag(f"{prefix}{index}", flows[before:])
        return flows

    def table_flows(self, table: Table) -> list[Flow]:
        if not table.rows:
            return []
        size = g.BODY
        cell = size * g.SQUEEZE
        pad = cell / 2
        ncols = len(table.rows[0])
        natural = [max(self.text_width(row[c], "fangsong", size) for row in table.rows if c < len(row))
                   + 2 * pad for c in range(ncols)]
        natural = [max(w, 2 * cell + 2 * pad) for w in natural]
        scale = g.BLOCK_W / sum(natural)
        widths = [w * scale for w in natural]
        if scale < 1:  # wrap: give every column at least three cells
            floor = 3 * cell + 2 * pad
            widths = [max(w, floor) for w in widths]
            widths = [w * g.BLOCK_W / sum(widths) for w in widths]
        xs = [g.LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        flows = []
        for r, row in enumerate(table.rows):
            header = table.header and r == 0
            face = "heiti" if header else "fangsong"
            cells = [break_lines(text or " ", self.width_of(face, size), widths[c] - 2 * pad,
                                 justify=False) for c, text in enumerate(row)]
            height = max(len(lines) for lines in cells)

            def draw(page: Page, row0: int, cells=cells, height=height, face=face) -> None:
                top = g.row_top(row0) - g.GAP / 2
                bottom = g.row_top(row0 + height) - g.GAP / 2
                page.rules.append(Rule(g.LEFT, top, g.RIGHT, top, 0.75, role="table"))
                page.rules.append(Rule(g.LEFT, bottom, g.RIGHT, bottom, 0.75, role="table"))
                for x in xs:
                    page.rules.append(Rule(x, top, x, bottom, 0.75, role="table"))
                for c, lines in enumerate(cells):
                    for i, line in enumerate(lines):
                        offset = (widths[c] - 2 * pad - line.natural) / 2 if len(lines) == 1 else 0
                        self.put_line(page, line, xs[c] + pad + offset,
                                      self.top_in_row(row0 + i, size), face, size, role="table")

            flows.append(Flow(height, draw, keep_with_next=header))
        return flows

    # ---------------------------------------------------------------- 版头
    def mark_text(self) -> str:
        spec = self.spec
        if spec.mark:
            return spec.mark
        name = spec.issuers[0].name
        if spec.format == "minutes":
            return name if name.endswith("纪要") else f"{name}纪要"
        if spec.format == "order":
            return name if name.endswith("令") else f"{name}{'令' if spec.doc_type == '令' else '命令'}"
        if spec.format == "letter":
            return name
        return f"{name}文件"

    def mark_size(self, texts: list[str], limit: float, cap: float) -> float:
        widest = max(self.text_width(t, "xiaobiaosong", 1.0) for t in texts)
        return min(cap, limit / widest)

    def draw_mark(self, page: Page, top: float, cap: float = g.MARK_MAX_SIZE) -> float:
        """Draw the 发文机关标志 with its top edge at ``top``; return its bottom edge."""
        spec = self.spec
        if spec.format == "standard" and len(spec.issuers) > 1 and not spec.mark:
            names = [i.name for i in spec.issuers]
            suffix_w = self.text_width("文件", "xiaobiaosong", 1.0)
            size = self.mark_size(names, g.BLOCK_W / (1 + suffix_w / max(
                self.text_width(n, "xiaobiaosong", 1.0) for n in names)), cap)
            line_h = size * 1.2
            block_w = max(self.text_width(n, "xiaobiaosong", size) for n in names)
            total_w = block_w + size * 0.3 + self.text_width("文件", "xiaobiaosong", size)
            x0 = g.LEFT + (g.BLOCK_W - total_w) / 2
            for i, name in enumerate(names):
                w = self.text_width(name, "xiaobiaosong", size)
                # names are spread to the width of the longest, as joint marks are set
                extra = (block_w - w) / max(1, len(name) - 1) if len(name) > 1 else 0
                x = x0 + (0 if len(name) > 1 else (block_w - w) / 2)
                for ch in name:
                    page.glyphs.append(Glyph(x, top + i * line_h, ch, self.fonts.face_for("xiaobiaosong", ch),
                                             size, g.RED, "mark"))
                    x += self.text_width(ch, "xiaobiaosong", size) + extra
            height = line_h * (len(names) - 1) + size
            self.put(page, x0 + block_w + size * 0.3, top + (height - size) / 2, "文件",
                     "xiaobiaosong", size, g.RED, "mark")
            return top + height
        text = self.mark_text()
        size = self.mark_size([text], g.BLOCK_W, cap)
        self.centred(page, top, text, "xiaobiaosong", size, g.RED, "mark")
        return top + size

    def info_lines(self) -> list[tuple[str, str, str]]:
        spec = self.spec
        out = []
        if spec.copy_number:
            out.append((spec.copy_number, "fangsong", "copy-number"))
        if spec.classification:
            text = spec.classification + (f"★{spec.secrecy_period}" if spec.secrecy_period else "")
            out.append((text, "heiti", "classification"))
        if spec.urgency:
            out.append((spec.urgency, "heiti", "urgency"))
        return out

    def header_standard(self, page: Page, mark_offset: float, red_line: bool) -> float:
        """Draw the 版头; return the y where the 主体 may begin (below the red line)."""
        spec = self.spec
        for row, (text, face, role) in enumerate(self.info_lines()):
            self.put(page, g.LEFT, g.row_top(row), text, face, g.BODY, role=role)
        mark_bottom = self.draw_mark(page, g.TOP + mark_offset)
        number_top = mark_bottom + 2 * g.PITCH  # 空二行
        last_top = number_top
        if spec.is_upward and spec.format == "standard":
            label = "签发人："
            pairs = [spec.signers[i:i + 2] for i in range(0, len(spec.signers), 2)]
            label_w = self.text_width(label, "fangsong", g.BODY)
            name_ws = [self.text_width(n, "kaiti", g.BODY) for n in spec.signers]
            col = max(name_ws) + g.CELL
            widest = label_w + col * max(len(p) for p in pairs) - g.CELL
            x_label = g.RIGHT - g.CELL - widest
            for i, pair in enumerate(pairs):
                top = number_top + i * g.PITCH
                if i == 0:
                    self.put(page, x_label, top, label, "fangsong", g.BODY, role="signer")
                for k, name in enumerate(pair):
                    self.put(page, x_label + label_w + k * col, top, name, "kaiti", g.BODY, role="signer")
                last_top = top
            if spec.doc_number:
                self.put(page, g.LEFT + g.CELL, last_top, spec.doc_number, "fangsong", g.BODY,
                         role="doc-number")
        elif spec.doc_number:
            self.centred(page, number_top, spec.doc_number, "fangsong", g.BODY, role="doc-number")
        line_y = last_top + g.BODY + g.RED_LINE_BELOW_NUMBER
        if red_line:
            page.rules.append(Rule(g.LEFT, line_y, g.RIGHT, line_y, g.RED_LINE_WIDTH, g.RED, "separator"))
        return line_y

    def header_order(self, page: Page) -> float:
        spec = self.spec
        for row, (text, face, role) in enumerate(self.info_lines()):
            self.put(page, g.LEFT, g.row_top(row), text, face, g.BODY, role=role)
        mark_bottom = self.draw_mark(page, g.TOP + g.ORDER_MARK_FROM_BLOCK_TOP)
        number_top = mark_bottom + 2 * g.PITCH
        if spec.doc_number:
            self.centred(page, number_top, spec.doc_number, "fangsong", g.BODY, role="doc-number")
        return number_top + g.BODY

    def header_letter(self, page: Page) -> float:
        spec = self.spec
        mark_bottom = self.draw_mark(page, g.LETTER_MARK_FROM_PAGE_TOP, g.LETTER_MARK_MAX_SIZE)
        x0 = (g.PAGE_W - g.LETTER_LINE_LENGTH) / 2
        x1 = x0 + g.LETTER_LINE_LENGTH
        y = mark_bottom + 4 * g.MM
        page.rules.append(Rule(x0, y, x1, y, 2.0, g.RED, "letter-line-top"))
        page.rules.append(Rule(x0, y + 2.5, x1, y + 2.5, 0.6, g.RED, "letter-line-top"))
        yb = g.PAGE_H - g.LETTER_BOTTOM_LINE_FROM_PAGE_BOTTOM
        page.rules.append(Rule(x0, yb - 2.5, x1, yb - 2.5, 0.6, g.RED, "letter-line-bottom"))
        page.rules.append(Rule(x0, yb, x1, yb, 2.0, g.RED, "letter-line-bottom"))
        first = y + 2.5 + g.BODY * 7 / 8
        last = first
        for i, (text, face, role) in enumerate(self.info_lines()):
            last = first + i * g.PITCH
            self.put(page, g.LEFT, last, text, face, g.BODY, role=role)
        if spec.doc_number:
            w = self.text_width(spec.doc_number, "fangsong", g.BODY)
            self.put(page, g.RIGHT - w, first, spec.doc_number, "fangsong", g.BODY, role="doc-number")
        return last + g.BODY

    # ---------------------------------------------------------------- title, closing
    def title_flows(self) -> list[Flow]:
        lines = balanced_lines(self.spec.title, self.width_of("xiaobiaosong", g.TITLE), g.BLOCK_W)
        flows = []
        for line in lines:
            def draw(page: Page, row: int, line=line) -> None:
                x0 = g.LEFT + (g.BLOCK_W - line.natural) / 2
                self.put_line(page, line, x0, self.top_in_row(row, g.TITLE), "xiaobiaosong",
                              g.TITLE, role="title")

            flows.append(Flow(1, draw, keep_with_next=True))
        return flows

    def attachment_note_flows(self) -> list[Flow]:
        atts = self.spec.attachments
        if not atts:
            return []
        flows = [self.spacer()]
        label = "附件："
        for i, att in enumerate(atts):
            prefix = f"{i + 1}. " if len(atts) > 1 else ""
            lead = label if i == 0 else "　" * len(label)
            # wrapped lines align with the first character of the name (7.3.4)
            hang = self.text_width(lead + prefix, "fangsong", g.BODY) / g.CELL
            flows += tag(f"attnote.{i}", self.text_flows(lead + prefix + att.title, first_indent=2,
                                                         rest_indent=2 + hang, role="attachment-note",
                                                         justify=False))
        return flows

    def closing_flows(self) -> list[Flow]:
        spec = self.spec
        date_text = chinese_date(spec.date) if spec.date else ""
        organs = list(spec.signature)
        flows: list[Flow] = []
        if spec.format == "order" and organs:
            flows.append(self.order_signature_flow(organs, date_text))
        elif spec.seal and organs:
            flows.append(self.sealed_flow(organs, date_text))
        elif organs or date_text:
            flows.append(self.unsealed_flow(organs, date_text))
        if spec.notes:
            notes = spec.notes if spec.notes.startswith("（") else f"（{spec.notes}）"
            flows += tag("notes", self.text_flows(notes, role="notes", justify=False))
        for flow in flows:
            if not flow.key:
                flow.key = "closing"
        return flows

    def sealed_flow(self, organs: list[str], date_text: str) -> Flow:
        per_row = 3
        groups = [organs[i:i + per_row] for i in range(0, len(organs), per_row)]
        seal_rows = math.ceil(g.SEAL_DIAMETER / g.PITCH)
        # two blank rows keep the seal's top within one line of the text above (7.3.5.1)
        rows = 2 + (len(groups) - 1) * (seal_rows + 1) + 2

        def draw(page: Page, row0: int) -> None:
            date_w = self.text_width(date_text, "fangsong", g.BODY)
            date_right = g.RIGHT - 4 * g.CELL
            date_cx = date_right - date_w / 2
            pitch_x = g.SEAL_DIAMETER + 6 * g.MM
            for gi, group in enumerate(groups):
                sig_row = row0 + 2 + gi * (seal_rows + 1)
                centres = [date_cx - (len(group) - 1 - k) * pitch_x for k in range(len(group))]
                for name, cx in zip(group, centres, strict=True):
                    w = self.text_width(name, "fangsong", g.BODY)
                    self.put(page, cx - w / 2, g.row_top(sig_row), name, "fangsong", g.BODY, role="signature")
                    page.circles.append(Circle(cx, g.row_top(sig_row), g.SEAL_DIAMETER / 2, 0.8))
            last_row = row0 + 2 + (len(groups) - 1) * (seal_rows + 1) + 1
            if date_text:
                self.put(page, date_right - date_w, g.row_top(last_row), date_text, "fangsong",
                         g.BODY, role="date")

        return Flow(rows, draw, pull_prev=2)

    def unsealed_flow(self, organs: list[str], date_text: str) -> Flow:
        rows = 1 + len(organs) + (1 if date_text else 0)

        def draw(page: Page, row0: int) -> None:
            widest = max([self.text_width(o, "fangsong", g.BODY) for o in organs] or [0])
            sig_x = g.RIGHT - 2 * g.CELL - widest
            date_w = self.text_width(date_text, "fangsong", g.BODY)
            date_x = sig_x + 2 * g.CELL
            if date_x + date_w > g.RIGHT - 2 * g.CELL:  # the date is the longer: it sets the edge
                date_x = g.RIGHT - 2 * g.CELL - date_w
                sig_x = date_x - 2 * g.CELL
            for i, organ in enumerate(organs):
                w = self.text_width(organ, "fangsong", g.BODY)
                x = sig_x + (widest - w) / 2 if len(organs) > 1 else sig_x
                self.put(page, x, g.row_top(row0 + 1 + i), organ, "fangsong", g.BODY, role="signature")
            if date_text:
                self.put(page, date_x, g.row_top(row0 + 1 + len(organs)), date_text, "fangsong",
                         g.BODY, role="date")

        return Flow(rows, draw, pull_prev=2)

    def order_signature_flow(self, organs: list[str], date_text: str) -> Flow:
        """7.3.5.3: title two characters left of the 签名章, date one blank line below."""
        stamp_w, stamp_rows = 4 * g.CELL, 2
        rows = 2 + len(organs) * (stamp_rows + 1) + 1

        def draw(page: Page, row0: int) -> None:
            right = g.RIGHT - 4 * g.CELL
            for i, entry in enumerate(organs):
                title, _, name = entry.rpartition(" ")
                title = title or entry
                r = row0 + 2 + i * (stamp_rows + 1)
                top = g.row_top(r) - g.GAP / 2
                height = stamp_rows * g.PITCH
                page.boxes.append(Box(right - stamp_w, top, stamp_w, height, 0.8))
                if name:
                    w = self.text_width(name, "kaiti", g.BODY)
                    self.put(page, right - stamp_w / 2 - w / 2, top + (height - g.BODY) / 2, name,
                             "kaiti", g.BODY, g.RED, "signature-seal")
                tw = self.text_width(title, "fangsong", g.BODY)
                self.put(page, right - stamp_w - 2 * g.CELL - tw, top + (height - g.BODY) / 2, title,
                         "fangsong", g.BODY, role="signature")
            if date_text:
                w = self.text_width(date_text, "fangsong", g.BODY)
                self.put(page, right - w, g.row_top(row0 + rows - 1), date_text, "fangsong", g.BODY,
                         role="date")

        return Flow(rows, draw, pull_prev=2)

    def attendance_flows(self) -> list[Flow]:
        att = self.spec.attendance
        flows: list[Flow] = []
        for label, names in (("出席", att.present), ("请假", att.absent), ("列席", att.observers)):
            if not names:
                continue
            if not flows:
                flows.append(self.spacer())
            lead = f"{label}："
            hang = 2 + self.text_width(lead, "heiti", g.BODY) / g.CELL
            flows += tag(f"attendance.{label}",
                         self.text_flows(lead + names, first_indent=2, rest_indent=hang,
                                         role="attendance", prefix_face="heiti", prefix_len=len(label),
                                         justify=False))
        return flows

    def attachment_flows(self, index: int, att: Attachment) -> list[Flow]:
        label = "附件" if len(self.spec.attachments) == 1 else f"附件{index + 1}"

        def draw_label(page: Page, row: int) -> None:
            self.put(page, g.LEFT, g.row_top(row), label, "heiti", g.BODY, role="attachment-label")

        flows = tag(f"att{index}.label", [Flow(1, draw_label, keep_with_next=True, break_before=True)])
        flows.append(Flow(1, lambda p, r: None, keep_with_next=True))
        flows += tag(f"att{index}.title", self.title_flows_for(att.title, role="attachment-title"))
        if att.body:
            flows.append(self.spacer())
            flows += self.block_flows(att.body, prefix=f"att{index}.body.")
        return flows

    def title_flows_for(self, title: str, role: str) -> list[Flow]:
        lines = balanced_lines(title, self.width_of("xiaobiaosong", g.TITLE), g.BLOCK_W)
        flows = []
        for line in lines:
            def draw(page: Page, row: int, line=line) -> None:
                x0 = g.LEFT + (g.BLOCK_W - line.natural) / 2
                self.put_line(page, line, x0, self.top_in_row(row, g.TITLE), "xiaobiaosong",
                              g.TITLE, role=role)

            flows.append(Flow(1, draw, keep_with_next=True))
        return flows

    # ---------------------------------------------------------------- 主送 moved to the 版记
    def recipients_text(self) -> str:
        recipients = self.spec.main_recipients
        return recipients if recipients.endswith(("：", ":")) else recipients + "："

    def recipients_in_record(self) -> bool:
        """7.3.2/7.4.2: 主送机关 so long that no body text would fit on page 1 go to the 版记.

        Page 1 must show body text; the first body piece needs its line plus any heading
        lines kept with it. Letters and orders keep their recipients where they are only if
        they fit the same way, so the rule is applied to every format.
        """
        cached = getattr(self, "_recipients_in_record", None)
        if cached is not None:
            return cached
        spec = self.spec
        moved = False
        if spec.main_recipients and spec.body:
            probe = Page()
            if spec.format == "letter":
                start_y = self.header_letter(probe) + 2 * g.PITCH
            elif spec.format == "order":
                start_y = self.header_order(probe) + g.PITCH
            else:
                start_y = self.header_standard(probe, g.MARK_FROM_BLOCK_TOP, red_line=True) + 2 * g.PITCH
            start_row = max(math.ceil((start_y - g.GAP - g.TOP) / g.PITCH - 0.01), 0)
            title_rows = len(self.title_flows()) if spec.title else 0
            recipient_rows = len(self.text_flows(self.recipients_text(), first_indent=0, justify=False))
            first_need = 0
            for flow in self.block_flows(spec.body):
                first_need += flow.rows
                if not flow.keep_with_next:
                    break
            moved = start_row + title_rows + 1 + recipient_rows + first_need > g.ROWS
        self._recipients_in_record = moved
        return moved

    # ---------------------------------------------------------------- 版记
    def record_rows(self) -> list[tuple[str, object]]:
        spec = self.spec
        rows: list[tuple[str, object]] = []
        size = g.SMALL
        cell = size * g.SQUEEZE
        if self.recipients_in_record():
            lead = "主送："
            hang = self.text_width(lead, "fangsong", size)
            names = spec.main_recipients.rstrip("：:")
            names = names if names.endswith("。") else names + "。"
            lines = break_lines(lead + names, self.width_of("fangsong", size),
                                g.BLOCK_W - 2 * cell, 0, hang, justify=True)
            rows += [("main", line) for line in lines]
        if spec.cc_recipients:
            lead = "抄送："
            hang = self.text_width(lead, "fangsong", size)
            lines = break_lines(lead + spec.cc_recipients, self.width_of("fangsong", size),
                                g.BLOCK_W - 2 * cell, 0, hang, justify=True)
            rows += [("cc", line) for line in lines]
        if spec.printing_office or spec.printing_date:
            if spec.format != "letter":
                rows.append(("print", None))
        return rows

    def draw_record(self, page: Page) -> None:
        spec = self.spec
        size = g.SMALL
        cell = size * g.SQUEEZE
        rows = self.record_rows()
        letter = spec.format == "letter"
        n = len(rows)
        for i, (kind, line) in enumerate(rows):
            band_top = g.BOTTOM - (n - i) * g.PITCH
            top = band_top + (g.PITCH - size) / 2
            if kind in ("cc", "main"):
                self.put_line(page, line, g.LEFT + cell, top, "fangsong", size,
                              role="cc" if kind == "cc" else "record-recipients")
            else:
                if spec.printing_office:
                    self.put(page, g.LEFT + cell, top, spec.printing_office, "fangsong", size,
                             role="printing")
                if spec.printing_date:
                    text = chinese_date(spec.printing_date) + "印发"
                    w = self.text_width(text, "fangsong", size)
                    self.put(page, g.RIGHT - cell - w, top, text, "fangsong", size, role="printing")
        if letter:
            return
        first = g.BOTTOM - n * g.PITCH
        page.rules.append(Rule(g.LEFT, first, g.RIGHT, first, g.RECORD_THICK, role="record-first"))
        if rows and rows[-1][0] == "print" and n > 1:
            y = g.BOTTOM - g.PITCH
            page.rules.append(Rule(g.LEFT, y, g.RIGHT, y, g.RECORD_THIN, role="record-thin"))
        page.rules.append(Rule(g.LEFT, g.BOTTOM, g.RIGHT, g.BOTTOM, g.RECORD_THICK, role="record-last"))

    # ---------------------------------------------------------------- pagination
    def layout(self) -> Layout:
        spec = self.spec
        first = Page()
        if spec.format == "letter":
            start_y = self.header_letter(first) + 2 * g.PITCH
        elif spec.format == "order":
            start_y = self.header_order(first) + g.PITCH
        else:
            start_y = self.header_standard(first, g.MARK_FROM_BLOCK_TOP, red_line=True) + 2 * g.PITCH
        # the first full grid row at least two lines (空二行) below the 版头
        start_row = max(math.ceil((start_y - g.GAP - g.TOP) / g.PITCH - 0.01), 0)
        self.start_row = start_row  # the DOCX sets its 版头 this many grid rows tall

        flows: list[Flow] = []
        if spec.title:
            flows += tag("title", self.title_flows())
        if spec.main_recipients and not self.recipients_in_record():
            flows.append(self.spacer())
            flows += tag("recipients", self.text_flows(self.recipients_text(), first_indent=0,
                                                       role="recipients", justify=False))
        elif spec.main_recipients:  # moved to the 版记: the line below the title stays free
            flows.append(self.spacer())
        flows += self.block_flows(spec.body)
        flows += self.attachment_note_flows()
        if spec.format == "minutes":
            flows += self.attendance_flows()
        flows += self.closing_flows()
        for i, att in enumerate(spec.attachments):
            flows += self.attachment_flows(i, att)

        pages = [first]
        placed: list[tuple[Flow, int]] = []  # on the current page
        row = start_row

        def new_page() -> None:
            nonlocal row, placed
            pages[-1].body_rows = row
            pages.append(Page())
            placed = []
            row = 0

        for flow in flows:
            if flow.break_before:
                new_page()
            if flow.spacer and row == 0:
                continue
            if row + flow.rows > g.ROWS:
                carry: list[Flow] = []
                want = flow.pull_prev
                while placed and (want > 0 or placed[-1][0].keep_with_next) and len(placed) > 1:
                    moved, _ = placed.pop()
                    carry.insert(0, moved)
                    if not moved.spacer:
                        want -= 1
                page = pages[-1]
                if carry:  # undo what the moved pieces drew
                    page.glyphs, page.rules, page.circles, page.boxes = [], [], [], []
                    redraw = list(placed)
                    self._redraw(page, redraw, first if page is first else None)
                new_page()
                for moved in carry:
                    if moved.spacer and row == 0:
                        continue
                    moved.draw(pages[-1], row)
                    if pages[-1].starts is None and not moved.spacer:
                        pages[-1].starts = (moved.key, moved.line)
                    placed.append((moved, row))
                    row += moved.rows
            flow.draw(pages[-1], row)
            if pages[-1].starts is None and not flow.spacer and pages[-1] is not first:
                pages[-1].starts = (flow.key, flow.line)
            placed.append((flow, row))
            row += flow.rows
        pages[-1].body_rows = row

        self.place_record(pages, row)
        self.number_pages(pages)
        return Layout(spec, pages)

    def _redraw(self, page: Page, placed: list[tuple[Flow, int]], first: Page | None) -> None:
        if first is not None:  # the 版头 is not a flow: draw it again
            if self.spec.format == "letter":
                self.header_letter(page)
            elif self.spec.format == "order":
                self.header_order(page)
            else:
                self.header_standard(page, g.MARK_FROM_BLOCK_TOP, red_line=True)
        for flow, row in placed:
            flow.draw(page, row)

    def place_record(self, pages: list[Page], used_rows: int) -> None:
        rows = self.record_rows()
        if not rows:
            return
        need = len(rows) + 1  # the 版记 plus one free row above its first line
        last = pages[-1]
        fits = used_rows + need <= g.ROWS
        if self.spec.format == "letter":
            if not fits:
                pages.append(Page(kind="record"))
            self.draw_record(pages[-1])
            return
        # The 版记 goes at the foot of the last page, which must be an even page (7.4).
        if len(pages) % 2 == 0 and fits:
            self.draw_record(last)
            return
        if len(pages) % 2 == 0:
            pages.append(Page(kind="blank"))
        record = Page(kind="record")
        pages.append(record)
        self.draw_record(record)

    def number_pages(self, pages: list[Page]) -> None:
        for index, page in enumerate(pages, start=1):
            if page.kind in {"blank", "record"}:
                continue  # 7.5: neither the blank page nor the 版记 page is numbered
            if self.spec.format == "letter" and index == 1:
                continue  # 10.1: the letter's first page has no number
            page.number = index
            self.draw_page_number(page, index)

    def draw_page_number(self, page: Page, n: int) -> None:
        size = g.SMALL
        text = f"— {n} —"
        width = self.text_width(text, "songti", size)
        # the dash (the em box's middle) sits 7 mm below the block's bottom edge
        top = g.BOTTOM + g.PAGE_NUMBER_DASH_BELOW_BLOCK - size / 2
        x = g.RIGHT - g.CELL - width if n % 2 else g.LEFT + g.CELL
        self.put(page, x, top, text, "songti", size, role="page-number")


def layout_document(spec: DocumentSpec, fonts: FontSet | None = None) -> Layout:
    return Engine(spec, fonts).layout()
