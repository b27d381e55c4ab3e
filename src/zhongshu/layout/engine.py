"""The layout engine: a ``DocumentSpec`` becomes pages of positioned glyphs and rules.

PDF and OFD are both drawn from this one result, so the two fixed-layout formats agree to
the glyph, and the DOCX writer starts its pages where these pages start. Everything in the
body sits on the 22 × 28 grid of ``geometry``; the 版头 (``heads``), the closing
(``closing``), tables (``tables``) and the 版记 are placed by the distances the standard
gives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

from . import geometry as g
from .closing import ClosingMixin, chinese_date  # noqa: F401 - chinese_date is re-exported
from .fonts import FontSet
from .headings import HeadingCounter, heading_number  # noqa: F401 - re-exported
from .heads import HeadMixin
from .linebreak import Line, balanced_lines, break_lines, joined_text
from .model import Box, Circle, Flow, Glyph, Layout, Page, Rule, tag  # noqa: F401 - re-exported
from .spec import Attachment, Block, DocumentSpec, Heading, Paragraph, Table
from .tables import TableMixin
from .words import BODY_WORD_MAX, clean_words, find_words, organisation_words

HEADING_FACE = {1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}


def _script(ch: str) -> str:
    if ord(ch) >= 0x2E80:
        return "asian"
    if ch.isascii() and not ch.isspace():
        return "latin"
    return "weak"  # spaces, “”, —, …: they take the script of the text around them


def _ideograph(ch: str) -> bool:
    return ord(ch) >= 0x2E80 and not (0x3000 <= ord(ch) <= 0x303F or 0xFF00 <= ord(ch) <= 0xFF65)


def script_gap(a: str, b: str, size: float) -> float:
    """Space between two characters that a word processor adds where Chinese text meets
    Latin letters or digits (docs/decisions/0703): the last character before the change
    keeps its full advance (the 0.25 pt tracking applies within a run of one script), and
    between an ideograph and a Latin letter or digit comes a fifth of an em (自动调整中文与
    西文、数字的间距, on by default in Word, WPS and LibreOffice)."""
    sa, sb = _script(a), _script(b)
    if "weak" in (sa, sb) or sa == sb:
        return 0.0
    gap = -g.TRACK
    if (_ideograph(a) and b.isalnum()) or (a.isalnum() and _ideograph(b)):
        gap += size / 5
    return gap


class Engine(HeadMixin, ClosingMixin, TableMixin):
    def __init__(self, spec: DocumentSpec, fonts: FontSet | None = None, *,
                 words: Iterable[str] | None = None, inserted: Mapping[int, int] | None = None):
        """``words``: names no line may split, besides the organisation's own (``words``);
        ``inserted``: for an attachment (its index in ``spec.attachments``), how many pages
        of its uploaded file follow its heading."""
        self.spec = spec
        self.fonts = fonts or FontSet()
        # the document's own organs and signers are words too (a joint title never breaks
        # inside 示范市人民政府办公室, even without a database)
        own = [i.name for i in spec.issuers] + list(spec.signature) + list(spec.signers)
        self.words = organisation_words() | clean_words(words) | clean_words(own)
        self.inserted = dict(inserted or {})

    # ---------------------------------------------------------------- text helpers
    def width_of(self, face: str, size: float) -> Callable[[str], float]:
        def width(ch: str) -> float:
            if ord(ch) >= 0x2E80 or ch in "“”‘’—…·":  # CJK and full-width marks: one em
                return size + g.TRACK
            return self.fonts.advance(self.fonts.face_for(face, ch), ch) * size + g.TRACK

        width.between = lambda a, b: script_gap(a, b, size)  # type: ignore[attr-defined]
        return width

    def text_width(self, text: str, face: str, size: float) -> float:
        width = self.width_of(face, size)
        gaps = sum(script_gap(a, b, size) for a, b in zip(text, text[1:], strict=False))
        return sum(width(c) for c in text) + gaps

    def put(self, page: Page, x: float, top: float, text: str, face: str, size: float,
            color=g.BLACK, role: str = "body") -> float:
        """Draw ``text`` unbroken from ``x``; return the x after it."""
        width = self.width_of(face, size)
        for i, ch in enumerate(text):
            if not ch.isspace():
                page.glyphs.append(Glyph(x, top, ch, self.fonts.face_for(face, ch), size, color, role))
            x += width(ch) + (script_gap(ch, text[i + 1], size) if i + 1 < len(text) else 0.0)
        return x

    def put_line(self, page: Page, line: Line, x0: float, top: float, face: str, size: float,
                 color=g.BLACK, role: str = "body", faces: list[str] | None = None) -> None:
        for offset, (dx, ch) in enumerate(line.positions()):
            use = faces[offset] if faces else face
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

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Words of the organisation a body line must not split (names of people, short names)."""
        return find_words(text, self.words, BODY_WORD_MAX)

    # ---------------------------------------------------------------- flow pieces
    def body_lines(self, text: str, face: str = "fangsong", *, first_indent: float = 2,
                   rest_indent: float = 0, justify: bool = True, size: float = g.BODY,
                   left: float = 0.0, right: float = 0.0) -> list[Line]:
        cell = size * g.SQUEEZE
        return break_lines(text, self.width_of(face, size), g.BLOCK_W - left - right,
                           first_indent * cell, max(rest_indent, 0) * cell, justify, self.spans(text))

    def line_texts(self, text: str, face: str = "fangsong", **kwargs) -> list[str]:
        """A paragraph's lines as ``text_flows`` breaks them (for the DOCX writer)."""
        return [line.text for line in self.body_lines(text, face, **kwargs)]

    def docx_text(self, text: str, face: str = "fangsong", **kwargs) -> list[str]:
        """A paragraph's lines as the DOCX carries them: words carried whole to the next line
        joined by word joiners, so that a word processor breaks them where the engine does."""
        return [joined_text([line]) for line in self.body_lines(text, face, **kwargs)]

    def text_flows(self, text: str, face: str = "fangsong", size: float = g.BODY, *,
                   first_indent: float = 2, rest_indent: float = 0, role: str = "body",
                   keep_with_next: bool = False, prefix_face: str | None = None,
                   prefix_len: int = 0, left: float = 0.0, right: float = 0.0,
                   justify: bool = True) -> list[Flow]:
        lines = self.body_lines(text, face, first_indent=first_indent, rest_indent=rest_indent,
                                justify=justify, size=size, left=left, right=right)
        flows = []
        seen = 0
        for line in lines:
            count = len(line.text)
            faces = None
            if prefix_face and seen < prefix_len:
                faces = [prefix_face if seen + i < prefix_len else face for i in range(count)]
            seen += count

            def draw(page: Page, row: int, line=line, faces=faces) -> None:
                self.put_line(page, line, g.LEFT + left, self.top_in_row(row, size), face, size,
                              role=role, faces=faces)

            flows.append(Flow(1, draw, keep_with_next=keep_with_next))
        # No line of a paragraph alone on a page (widow and orphan control): the first line
        # stays with the second, the last with the one before it. A paragraph of two or three
        # lines therefore never splits.
        if len(flows) >= 2:
            flows[0].keep_with_next = True
            flows[-2].keep_with_next = True
        if keep_with_next:  # a heading: all of it stays with what follows
            for flow in flows:
                flow.keep_with_next = True
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

    # ---------------------------------------------------------------- title, attachments
    def title_lines(self, title: str) -> list[Line]:
        return balanced_lines(title, self.width_of("xiaobiaosong", g.TITLE), g.BLOCK_W, self.words)

    def title_flows_for(self, title: str, role: str) -> list[Flow]:
        flows = []
        for line in self.title_lines(title):
            def draw(page: Page, row: int, line=line) -> None:
                x0 = g.LEFT + (g.BLOCK_W - line.natural) / 2
                self.put_line(page, line, x0, self.top_in_row(row, g.TITLE), "xiaobiaosong",
                              g.TITLE, role=role)

            flows.append(Flow(1, draw, keep_with_next=True))
        return flows

    def title_flows(self) -> list[Flow]:
        return self.title_flows_for(self.spec.title, "title")

    def attachment_label(self, index: int) -> str:
        return "附件" if len(self.spec.attachments) == 1 else f"附件{index + 1}"

    def attachment_flows(self, index: int, att: Attachment) -> list[Flow]:
        """7.3.7: a new page, "附件N" in 黑体 on its first line, the title centred on the
        third; then the attachment's own text, then the pages of its uploaded file."""
        label = self.attachment_label(index)

        def draw_label(page: Page, row: int) -> None:
            self.put(page, g.LEFT, g.row_top(row), label, "heiti", g.BODY, role="attachment-label")

        flows = tag(f"att{index}.label", [Flow(1, draw_label, keep_with_next=True, break_before=True)])
        flows.append(Flow(1, lambda p, r: None, keep_with_next=True))
        flows += tag(f"att{index}.title", self.title_flows_for(att.title, role="attachment-title"))
        if att.body:
            flows.append(self.spacer())
            flows += self.block_flows(att.body, prefix=f"att{index}.body.")
        if self.inserted.get(index):
            flows.append(Flow(0, lambda p, r: None, insert=(index, self.inserted[index]),
                              key=f"att{index}.file"))
        return flows

    # ---------------------------------------------------------------- 主送 moved to the 版记
    def recipients_text(self) -> str:
        recipients = self.spec.main_recipients
        return recipients if recipients.endswith(("：", ":")) else recipients + "："

    def body_start_row(self, page: Page) -> int:
        """Draw the head on ``page``; the first full grid row at least two lines (空二行)
        below it."""
        start_y = self.draw_head(page)
        return max(math.ceil((start_y - g.GAP - g.TOP) / g.PITCH - 0.01), 0)

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
            start_row = self.body_start_row(Page())
            title_rows = len(self.title_lines(spec.title)) if spec.title else 0
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
    def record_rows(self) -> list[tuple[str, Line | None]]:
        spec = self.spec
        rows: list[tuple[str, Line | None]] = []
        size = g.SMALL
        cell = size * g.SQUEEZE
        width_of = self.width_of("fangsong", size)
        if self.recipients_in_record():
            lead = "主送："
            names = spec.main_recipients.rstrip("：:")
            names = names if names.endswith("。") else names + "。"
            lines = break_lines(lead + names, width_of, g.BLOCK_W - 2 * cell, 0,
                                self.text_width(lead, "fangsong", size), justify=True)
            rows += [("main", line) for line in lines]
        if spec.cc_recipients:
            lead = "抄送："
            lines = break_lines(lead + spec.cc_recipients, width_of, g.BLOCK_W - 2 * cell, 0,
                                self.text_width(lead, "fangsong", size), justify=True)
            rows += [("cc", line) for line in lines]
        if (spec.printing_office or spec.printing_date) and spec.format != "letter":
            rows.append(("print", None))
        return rows

    def printing_date_text(self) -> str:
        return chinese_date(self.spec.printing_date) + "印发" if self.spec.printing_date else ""

    def draw_record(self, page: Page) -> None:
        spec = self.spec
        size = g.SMALL
        cell = size * g.SQUEEZE
        rows = self.record_rows()
        n = len(rows)
        for i, (kind, line) in enumerate(rows):
            band_top = g.BOTTOM - (n - i) * g.PITCH
            top = band_top + (g.PITCH - size) / 2
            if kind in ("cc", "main"):
                assert line is not None  # the recipients' rows carry their line
                self.put_line(page, line, g.LEFT + cell, top, "fangsong", size,
                              role="cc" if kind == "cc" else "record-recipients")
                continue
            if spec.printing_office:
                self.put(page, g.LEFT + cell, top, spec.printing_office, "fangsong", size, role="printing")
            if spec.printing_date:  # 7.4.3: one character in from the right
                text = self.printing_date_text()
                self.put(page, g.RIGHT - cell - self.text_width(text, "fangsong", size), top, text,
                         "fangsong", size, role="printing-date")
        if spec.format == "letter":
            return  # 10.1: no separator lines
        first = g.BOTTOM - n * g.PITCH
        page.rules.append(Rule(g.LEFT, first, g.RIGHT, first, g.RECORD_THICK, role="record-first"))
        if rows and rows[-1][0] == "print" and n > 1:
            y = g.BOTTOM - g.PITCH
            page.rules.append(Rule(g.LEFT, y, g.RIGHT, y, g.RECORD_THIN, role="record-thin"))
        page.rules.append(Rule(g.LEFT, g.BOTTOM, g.RIGHT, g.BOTTOM, g.RECORD_THICK, role="record-last"))

    # ---------------------------------------------------------------- pagination
    def main_flows(self) -> list[Flow]:
        spec = self.spec
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
        return flows

    def layout(self) -> Layout:
        first = Page()
        self.start_row = self.body_start_row(first)  # the DOCX sets its 版头 this tall
        pages = [first]
        placed: list[tuple[Flow, int, bool]] = []  # on the current page: flow, row, repeated copy
        row = self.start_row

        def new_page() -> None:
            nonlocal row, placed
            pages[-1].body_rows = row
            pages.append(Page())
            placed = []
            row = 0

        def place(flow: Flow) -> None:
            nonlocal row
            if flow.spacer and row == 0:
                return
            page = pages[-1]
            if row == 0 and flow.repeat is not None and page is not first:
                flow.repeat.draw(page, row)  # the table's header row again atop the page
                placed.append((flow.repeat, row, True))
                row += flow.repeat.rows
            flow.draw(page, row)
            if page.starts is None and not flow.spacer and page is not first:
                page.starts = (flow.key, flow.line)
            placed.append((flow, row, False))
            row += flow.rows

        for flow in self.main_flows():
            if flow.insert is not None:  # the pages of an uploaded attachment file
                index, count = flow.insert
                for n in range(count):
                    new_page()
                    pages[-1].kind, pages[-1].insert = "insert", (index, n)
                    pages[-1].starts = (flow.key, n)
                    row = g.ROWS
                continue
            if flow.break_before:
                new_page()
            if row + flow.rows + flow.reserve_below > g.ROWS:
                # Move to the next page what must stay with this piece: lines it pulls along,
                # and every piece kept with its next one (headings, a paragraph's first line or
                # last-but-one, a table's header row).
                carry: list[Flow] = []
                want = flow.pull_prev
                while len(placed) > 1 and (want > 0 or placed[-1][0].keep_with_next):
                    moved, _, copy = placed.pop()
                    if not copy:  # a repeated header is drawn again where it is needed
                        carry.insert(0, moved)
                    if not moved.spacer:
                        want -= 1
                page = pages[-1]
                if carry:  # undo what the moved pieces drew
                    page.glyphs, page.rules, page.circles, page.boxes = [], [], [], []
                    self._redraw(page, placed, page is first)
                new_page()
                for moved in carry:
                    place(moved)
            place(flow)
        pages[-1].body_rows = row

        self.place_record(pages, row)
        self.number_pages(pages)
        return Layout(self.spec, pages)

    def _redraw(self, page: Page, placed: list[tuple[Flow, int, bool]], is_first: bool) -> None:
        if is_first:  # the 版头 is not a flow: draw it again
            self.draw_head(page)
        for flow, row, _ in placed:
            flow.draw(page, row)

    def place_record(self, pages: list[Page], used_rows: int) -> None:
        rows = self.record_rows()
        if not rows:
            return
        need = len(rows) + 1  # the 版记 plus one free row above its first line
        last = pages[-1]
        fits = last.kind == "content" and used_rows + need <= g.ROWS
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


def layout_document(spec: DocumentSpec, fonts: FontSet | None = None, *,
                    words: Iterable[str] | None = None,
                    inserted: Mapping[int, int] | None = None) -> Layout:
    return Engine(spec, fonts, words=words, inserted=inserted).layout()
