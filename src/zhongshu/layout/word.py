"""DOCX with the GB/T 9704 page set-up, for offices that edit further in Word or WPS.

The section carries the 22 × 28 document grid (linesAndChars); every paragraph also has an
exact line height of 28.95 pt so that 22 lines fill a page in any word processor, grid or
not. Paragraph styles are named after the elements (正文, 一级标题, 发文机关标志 …), so an
office's template can restyle them. Fonts are referred to by family name (the file
cannot travel in the DOCX): settings give the name that matches each face's file.
"""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from . import geometry as g
from .engine import HEADING_FACE, Engine, chinese_date
from .fonts import FontSet
from .headings import HeadingCounter, heading_number  # noqa: F401 - one numbering for all
from .linebreak import balanced_lines
from .spec import Block, DocumentSpec, Heading, Paragraph, Table
from .watermarks import watermark_docx_headers, watermark_text

LINE_TWIPS = 578  # 28.9 pt: 22 lines = 635.8 pt, inside the 637.8 pt block with room for rounding
LINE = Twips(LINE_TWIPS)
CONDENSE_TWIPS = round(g.TRACK * 20)  # -0.25 pt per character, as the engine measures
RED = RGBColor(0xFF, 0, 0)
# 空二行 between mark and number, less what the mark's own line box already leaves below it
NUMBER_BEFORE = 2 * g.PITCH - 22
RED_LINE_SPACE = 4  # pt between the number's line box and the red line

STYLES = {
    # name: (face, size, bold, alignment)
    "正文": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "份号": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.LEFT),
    "密级和保密期限": ("heiti", g.BODY, False, WD_ALIGN_PARAGRAPH.LEFT),
    "紧急程度": ("heiti", g.BODY, False, WD_ALIGN_PARAGRAPH.LEFT),
    "发文机关标志": ("xiaobiaosong", g.MARK_MAX_SIZE, False, WD_ALIGN_PARAGRAPH.CENTER),
    "发文字号": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.CENTER),
    "标题": ("xiaobiaosong", g.TITLE, False, WD_ALIGN_PARAGRAPH.CENTER),
    "主送机关": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.LEFT),
    "一级标题": ("heiti", g.BODY, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "二级标题": ("kaiti", g.BODY, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "三级标题": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "四级标题": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "附件说明": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.LEFT),
    "发文机关署名": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.RIGHT),
    "成文日期": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.RIGHT),
    "附注": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.LEFT),
    "附件标识": ("heiti", g.BODY, False, WD_ALIGN_PARAGRAPH.LEFT),
    "附件标题": ("xiaobiaosong", g.TITLE, False, WD_ALIGN_PARAGRAPH.CENTER),
    "表格": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.CENTER),
    "出席": ("fangsong", g.BODY, False, WD_ALIGN_PARAGRAPH.LEFT),
    "版记主送机关": ("fangsong", g.SMALL, False, WD_ALIGN_PARAGRAPH.LEFT),
    "抄送机关": ("fangsong", g.SMALL, False, WD_ALIGN_PARAGRAPH.LEFT),
    "印发机关和印发日期": ("fangsong", g.SMALL, False, WD_ALIGN_PARAGRAPH.LEFT),
    "页码": ("songti", g.SMALL, False, WD_ALIGN_PARAGRAPH.RIGHT),
}
HEADING_STYLE = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题"}


def _fonts_of(run_or_style, name: str) -> None:
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


class _Writer:
    def __init__(self, spec: DocumentSpec, fonts: FontSet):
        self.spec = spec
        self.fonts = fonts
        self.engine = Engine(spec, fonts)
        # The fixed-layout pagination: DOCX pages start where the PDF's pages start.
        self.layout = self.engine.layout()
        self.page_starts = {page.starts for page in self.layout.pages if page.starts}
        self.container = None  # a table cell paragraphs go into instead of the body
        self.doc = Document()
        self.setup()

    def name(self, face: str) -> str:
        return self.fonts.faces[face].name

    def setup(self) -> None:
        doc = self.doc
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(25.5)  # puts the page number's dash 7 mm below the block
        self.grid(section)
        # The grid's character pitch is counted from the document default size, so that
        # default must be 3号 or every character would snap to two grid cells.
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(g.BODY * 2)))
        normal = doc.styles["Normal"]
        normal.font.size = Pt(g.BODY)
        _fonts_of(normal, self.name("fangsong"))
        pf = normal.paragraph_format
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
        pf.space_before = pf.space_after = Pt(0)
        pf.widow_control = False
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CONDENSE_TWIPS))
        normal.element.get_or_add_rPr().append(spacing)  # a moved line would break the 22-line page
        # Word and LibreOffice add a quarter em between Chinese and Latin text or digits by
        # default; the engine does not (GB/T 9704 sets them solid), so neither may the DOCX.
        ppr = normal.element.get_or_add_pPr()
        for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), "0")
            ppr.append(el)
        for style_name, (face, size, bold, align) in STYLES.items():
            style = doc.styles.add_style(style_name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
            style.font.size = Pt(size)
            style.font.bold = bold or self.fonts.faces[face].bold
            _fonts_of(style, self.name(face))
            style.paragraph_format.alignment = align
        for style_name in ("正文", "一级标题", "二级标题", "三级标题", "四级标题"):
            ppr = doc.styles[style_name].element.get_or_add_pPr()
            ind = OxmlElement("w:ind")
            ind.set(qn("w:firstLineChars"), "200")
            ind.set(qn("w:firstLine"), str(round(2 * g.CELL * 20)))
            ppr.append(ind)
        doc.styles["发文机关标志"].font.color.rgb = RED
        doc.styles["标题"].paragraph_format.line_spacing = LINE
        settings = doc.settings.element
        even_odd = OxmlElement("w:evenAndOddHeaders")
        settings.append(even_odd)

    def grid(self, section) -> None:
        sect = section._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        # A line grid only: LibreOffice snaps a 16 pt character to two cells of a 15.79 pt
        # character grid (14 characters a line). The 28 characters come from condensing each
        # character by 0.25 pt instead (28 × 15.75 = 441 pt ≤ 442.2 pt < 29 × 15.75).
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_TWIPS))

    def para(self, text: str = "", style: str = "正文", *, before: float = 0, color=None, size=None,
             face: str | None = None, key: str = ""):
        p = (self.container or self.doc).add_paragraph(style=style)
        if key and (key, 0) in self.page_starts:
            p.paragraph_format.page_break_before = True
        if before:
            p.paragraph_format.space_before = Twips(round(before * 20))
        if text:
            run = p.add_run(text)
            if color is not None:
                run.font.color.rgb = color
            if size is not None:
                run.font.size = Pt(size)
            if face is not None:
                _fonts_of(run, self.name(face))
        return p

    def title_before(self) -> float:
        return 0.0  # the 版头 row already ends on the title's grid row

    def title(self, text: str, style: str, *, before: float):
        """A title broken where the PDF breaks it: between words, balanced (7.3.1)."""
        p = self.para(style=style, before=before)
        lines = balanced_lines(text, self.engine.width_of("xiaobiaosong", g.TITLE), g.BLOCK_W)
        for i, line in enumerate(lines):
            run = p.add_run("".join(t.text for t in line.tokens))
            if i < len(lines) - 1:
                run.add_break()
        return p

    # ------------------------------------------------------------ parts
    def header(self) -> None:
        """The 版头 in a borderless one-cell table exactly as many grid rows tall as the PDF's.

        Word processors place a mark and a bordered paragraph each a little differently; in a
        row of fixed height those differences stay inside the 版头, and the title starts on
        the grid row where the PDF starts it, so page 1 holds the same lines in both.
        """
        spec = self.spec
        table = self.doc.add_table(rows=1, cols=1)
        tbl_pr = table._tbl.tblPr
        margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right", "top", "bottom"):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:w"), "0")
            el.set(qn("w:type"), "dxa")
            margins.append(el)
        tbl_pr.append(margins)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(round(g.BLOCK_W * 20)))
        width.set(qn("w:type"), "dxa")
        tbl_pr.append(width)
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(self.engine.start_row * LINE_TWIPS))
        height.set(qn("w:hRule"), "exact")
        tr_pr.append(height)
        cell = table.cell(0, 0)
        self.container = cell
        self._header_parts(spec)
        cell._tc.remove(cell.paragraphs[0]._p)  # the empty paragraph every new cell has
        self.container = None

    def _header_parts(self, spec: DocumentSpec) -> None:
        infos = self.engine.info_lines()
        styles = {"copy-number": "份号", "classification": "密级和保密期限", "urgency": "紧急程度"}
        if spec.format == "letter":
            self._letter_header(spec, infos, styles)
            return
        for text, _, role in infos:
            self.para(text, styles[role])
        mark = self.engine.mark_text()
        size = self.engine.mark_size([mark], g.BLOCK_W, g.MARK_MAX_SIZE
                                     if spec.format != "letter" else g.LETTER_MARK_MAX_SIZE)
        offset = {"order": g.ORDER_MARK_FROM_BLOCK_TOP, "letter": 0}.get(spec.format, g.MARK_FROM_BLOCK_TOP)
        before = max(0.0, offset - len(infos) * LINE_TWIPS / 20)
        # Word processors set the mark with their own spacing: leave a margin so it stays one line.
        p = self.para(mark, "发文机关标志", before=before, color=RED, size=size * 0.9)
        p.paragraph_format.line_spacing = Pt(size * 1.15)
        if spec.is_upward and spec.format == "standard":
            p = self.para(style="发文字号", before=NUMBER_BEFORE)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            p.paragraph_format.left_indent = Pt(g.CELL)
            p.paragraph_format.tab_stops.add_tab_stop(Pt(g.BLOCK_W - 2 * g.CELL), alignment=2)
            p.add_run(spec.doc_number + "\t签发人：")
            _fonts_of(p.add_run("　".join(spec.signers)), self.name("kaiti"))
        else:
            p = self.para(spec.doc_number, "发文字号", before=NUMBER_BEFORE)
            if spec.format == "letter":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if spec.format != "order":
            self.red_line(p)

    def _letter_header(self, spec: DocumentSpec, infos, styles) -> None:
        """10.1: the mark, the red double line, then 份号/密级/紧急 on the left and the
        number on the right of the first of them. A flowing document cannot reach above the
        text block, so the mark sits at its top edge instead of 30 mm from the page's."""
        mark = self.engine.mark_text()
        size = self.engine.mark_size([mark], g.BLOCK_W, g.LETTER_MARK_MAX_SIZE)
        p = self.para(mark, "发文机关标志", color=RED, size=size * 0.9)
        p.paragraph_format.line_spacing = Pt(size * 1.15)
        self.red_line(p)
        lines = infos or [("", "fangsong", "copy-number")]
        for i, (text, _, role) in enumerate(lines):
            p = self.para(text, styles[role], before=g.BODY * 7 / 8 if i == 0 else 0)
            if i == 0 and spec.doc_number:
                p.paragraph_format.tab_stops.add_tab_stop(Pt(g.BLOCK_W), alignment=2)
                _fonts_of(p.add_run("\t" + spec.doc_number), self.name("fangsong"))

    def red_line(self, p) -> None:
        ppr = p._p.get_or_add_pPr()
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        style = "thickThinSmallGap" if self.spec.format == "letter" else "single"
        for k, v in (("w:val", style), ("w:sz", "12"), ("w:space", str(RED_LINE_SPACE)), ("w:color", "FF0000")):
            bottom.set(qn(k), v)
        border.append(bottom)
        ppr.append(border)

    def blocks(self, blocks: tuple[Block, ...], prefix: str = "body.") -> None:
        counter = HeadingCounter()
        for index, block in enumerate(blocks):
            key = f"{prefix}{index}"
            if isinstance(block, Heading):
                text = counter.next(block.level) + block.text
                p = self.para(style=HEADING_STYLE[block.level], key=key)
                self.runs_with_page_breaks(p, key, text, HEADING_FACE[block.level])
                p.paragraph_format.keep_with_next = True
            elif isinstance(block, Paragraph):
                p = self.para(key=key)
                self.runs_with_page_breaks(p, key, block.text, "fangsong")
            elif isinstance(block, Table):
                self.table(block, key)

    def runs_with_page_breaks(self, p, key: str, text: str, face: str) -> None:
        """The paragraph's text, with a page break before each line that starts a PDF page.

        The PDF moves the last lines of a paragraph to the next page together with a
        signature block (7.3.5: the seal never stands alone); the break inside the paragraph
        makes the DOCX do the same.
        """
        starts = sorted(line for k, line in self.page_starts if k == key and line > 0)
        if not starts:
            p.add_run(text)
            return
        lines = self.engine.line_texts(text, face)
        pos = 0
        for n, line in enumerate(lines):
            if n in starts:
                p.add_run().add_break(WD_BREAK.PAGE)
            p.add_run(line)
            pos += len(line)
        if pos < len(text):  # the breaker never drops characters; keep any it did not list
            p.add_run(text[pos:])

    def table(self, block: Table, key: str = "") -> None:
        if not block.rows:
            return
        table = self.doc.add_table(rows=len(block.rows), cols=len(block.rows[0]))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        # Each table row is as tall as its lines on the grid, as the PDF sets it, so the
        # table takes the same rows of the page (borders included).
        heights = [flow.rows for flow in self.engine.table_flows(block)]
        for r, row in enumerate(block.rows):
            tr_pr = table.rows[r]._tr.get_or_add_trPr()
            height = OxmlElement("w:trHeight")
            # less the 0.5 pt rule a Table Grid row adds below itself
            height.set(qn("w:val"), str(heights[r] * LINE_TWIPS - 10))
            height.set(qn("w:hRule"), "exact")
            tr_pr.append(height)
            cant_split = OxmlElement("w:cantSplit")
            tr_pr.append(cant_split)
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                cell.paragraphs[0].style = self.doc.styles["表格"]
                if r == 0 and c == 0 and key and (key, 0) in self.page_starts:
                    cell.paragraphs[0].paragraph_format.page_break_before = True
                run = cell.paragraphs[0].add_run(text)
                if block.header and r == 0:
                    _fonts_of(run, self.name("heiti"))

    def closing(self) -> None:
        spec = self.spec
        if spec.attachments:
            for i, att in enumerate(spec.attachments):
                lead = "附件：" if i == 0 else "　　　"
                number = f"{i + 1}. " if len(spec.attachments) > 1 else ""
                p = self.para(lead + number + att.title, "附件说明", before=LINE_TWIPS / 20 if i == 0 else 0,
                              key=f"attnote.{i}")
                p.paragraph_format.left_indent = Pt(2 * g.CELL)
        date_text = chinese_date(spec.date) if spec.date else ""
        organs = list(spec.signature)
        date_w = self.engine.text_width(date_text, "fangsong", g.BODY)
        if spec.seal or spec.format == "order":
            first = True
            for organ in organs:
                w = self.engine.text_width(organ, "fangsong", g.BODY)
                p = self.para(organ, "发文机关署名", before=LINE_TWIPS / 20 * 2 if first else 0,
                              key="closing" if first else "")
                p.paragraph_format.right_indent = Pt(max(0, 4 * g.CELL + (date_w - w) / 2))
                first = False
            if date_text:
                p = self.para(date_text, "成文日期")
                p.paragraph_format.right_indent = Pt(4 * g.CELL)
        else:
            for i, organ in enumerate(organs):
                p = self.para(organ, "发文机关署名", before=LINE_TWIPS / 20 if i == 0 else 0,
                              key="closing" if i == 0 else "")
                p.paragraph_format.right_indent = Pt(2 * g.CELL)
            if date_text:
                p = self.para(date_text, "成文日期")
                p.paragraph_format.right_indent = Pt(2 * g.CELL if not organs else max(0, 2 * g.CELL - 2 * g.CELL))
        if spec.notes:
            notes = spec.notes if spec.notes.startswith("（") else f"（{spec.notes}）"
            p = self.para(notes, "附注", key="notes")
            p.paragraph_format.first_line_indent = Pt(2 * g.CELL)
        att = spec.attendance
        for label, names in (("出席", att.present), ("请假", att.absent), ("列席", att.observers)):
            if names:
                p = self.para(style="出席", key=f"attendance.{label}")
                p.paragraph_format.first_line_indent = Pt(2 * g.CELL)
                _fonts_of(p.add_run(f"{label}："), self.name("heiti"))
                p.add_run(names)

    def attachments(self) -> None:
        many = len(self.spec.attachments) > 1
        for i, att in enumerate(self.spec.attachments):
            p = self.para("附件" + (str(i + 1) if many else ""), "附件标识")
            p.paragraph_format.page_break_before = True
            self.title(att.title, "附件标题", before=LINE_TWIPS / 20)
            if att.body:
                self.para("")
                self.blocks(att.body, prefix=f"att{i}.body.")

    def record(self) -> None:
        """The 版记 at the foot of the last page, which is even (7.4), as the PDF sets it.

        An empty paragraph as tall as the free grid rows pushes the table down so that its
        last line sits on the text block's bottom edge. When the PDF gives the 版记 a page
        of its own, it goes into a section of its own whose footers are empty: neither that
        page nor a blank page before it carries a page number (7.5).
        """
        spec = self.spec
        rows = self.engine.record_rows()
        if not rows:
            return
        pages = self.layout.pages
        last = pages[-1]
        used = last.body_rows
        if last.kind == "record":
            section = self.doc.add_section(WD_SECTION.NEW_PAGE)
            section.different_first_page_header_footer = False
            for footer in (section.footer, section.even_page_footer, section.first_page_footer):
                footer.is_linked_to_previous = False
            used = 0
        cc_lines = sum(1 for kind, _ in rows if kind == "cc")
        main_lines = sum(1 for kind, _ in rows if kind == "main")
        free = g.ROWS - used - len(rows)
        blank = last.kind == "record" and len(pages) > 1 and pages[-2].kind == "blank"
        if blank:  # the section's first page is the blank one; the 版记 page follows it
            self.doc.add_paragraph(style="附注")
        table_rows = []
        if main_lines:  # 7.4.2: directly above 抄送, in the same form
            names = spec.main_recipients.rstrip("：:")
            table_rows.append(("版记主送机关", f"主送：{names if names.endswith('。') else names + '。'}", "",
                               main_lines))
        if spec.cc_recipients:
            table_rows.append(("抄送机关", f"抄送：{spec.cc_recipients}", "", cc_lines))
        if (spec.printing_office or spec.printing_date) and spec.format != "letter":
            date = chinese_date(spec.printing_date) + "印发" if spec.printing_date else ""
            table_rows.append(("印发机关和印发日期", spec.printing_office, date, 1))
        # The first row is the empty space above the 版记: an exact-height row is the one
        # vertical distance both Word and LibreOffice always honour.
        table = self.doc.add_table(rows=len(table_rows) + 1, cols=1)
        tbl_pr = table._tbl.tblPr
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(round(g.BLOCK_W * 20)))
        width.set(qn("w:type"), "dxa")
        tbl_pr.append(width)
        margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right"):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:w"), "0")
            el.set(qn("w:type"), "dxa")
            margins.append(el)
        tbl_pr.append(margins)
        # LibreOffice adds each rule's width to its row: the space gives that back (3 pt)
        heights = [max(free * LINE_TWIPS - 60, 20)] + [lines * LINE_TWIPS for *_, lines in table_rows]
        for r, h in enumerate(heights):
            tr_pr = table.rows[r]._tr.get_or_add_trPr()
            height = OxmlElement("w:trHeight")
            height.set(qn("w:val"), str(h))
            height.set(qn("w:hRule"), "exact")
            tr_pr.append(height)
        spacer = table.cell(0, 0).paragraphs[0]
        spacer.style = self.doc.styles["附注"]
        spacer.paragraph_format.page_break_before = blank
        for r, (style, left, right, _) in enumerate(table_rows, start=1):
            cell = table.cell(r, 0)
            if spec.format != "letter":  # 7.4.1: thick first and last lines, thin between
                edges = [("top", "8" if r == 1 else "6")] if r == 1 or style != "抄送机关" else []
                if r == len(table_rows):
                    edges.append(("bottom", "8"))
                self.cell_borders(cell, edges)
            p = cell.paragraphs[0]
            p.style = self.doc.styles[style]
            # wrapped lines align with the first organ after “抄送：” (7.4.2)
            hang = self.engine.text_width("抄送：", "fangsong", g.SMALL) if style != "印发机关和印发日期" else 0
            p.paragraph_format.left_indent = Pt(g.SMALL + hang)
            p.paragraph_format.first_line_indent = Pt(-hang)
            p.paragraph_format.right_indent = Pt(g.SMALL)
            p.paragraph_format.tab_stops.add_tab_stop(Pt(g.BLOCK_W - 2 * g.SMALL), alignment=2)
            p.add_run(left + (f"\t{right}" if right else ""))
        # A document cannot end in a table: the paragraph that must follow is made 1 pt
        # tall so that it fits in the 2 pt the 22 grid rows leave at the foot of the block.
        tail = self.doc.add_paragraph(style="附注")
        tail.paragraph_format.line_spacing = Pt(1)
        tail.paragraph_format.first_line_indent = Pt(0)
        tail.add_run("").font.size = Pt(1)
        snap = OxmlElement("w:snapToGrid")  # or the line grid would give it a whole row
        snap.set(qn("w:val"), "0")
        tail._p.get_or_add_pPr().insert(1, snap)

    @staticmethod
    def cell_borders(cell, edges: list[tuple[str, str]]) -> None:
        tc_pr = cell._tc.get_or_add_tcPr()
        borders = OxmlElement("w:tcBorders")
        for edge, size in edges:
            el = OxmlElement(f"w:{edge}")
            for k, v in (("w:val", "single"), ("w:sz", size), ("w:color", "000000")):
                el.set(qn(k), v)
            borders.append(el)
        tc_pr.append(borders)

    def page_numbers(self) -> None:
        section = self.doc.sections[0]
        if self.spec.format == "letter":
            section.different_first_page_header_footer = True
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            p = footer.paragraphs[0]
            p.style = self.doc.styles["页码"]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
            if odd:
                p.paragraph_format.right_indent = Pt(g.CELL)
            else:
                p.paragraph_format.left_indent = Pt(g.CELL)
            p.add_run("— ")
            run = p.add_run()
            for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
                if kind:
                    fld = OxmlElement("w:fldChar")
                    fld.set(qn("w:fldCharType"), kind)
                    run._r.append(fld)
                else:
                    instr = OxmlElement("w:instrText")
                    instr.set(qn("xml:space"), "preserve")
                    instr.text = text
                    run._r.append(instr)
            p.add_run(" —")

    def watermark(self, text: str) -> None:
        """A diagonal, light grey text watermark, as Word's own (设计 › 水印) is made: a VML
        text-path shape anchored in every header, centred on the margins, behind the text."""
        headers = []
        for index, section in enumerate(self.doc.sections):
            parts = [section.header, section.even_page_header]
            if section.different_first_page_header_footer:
                parts.append(section.first_page_header)
            if index:  # the 版记's section: its own headers, or LibreOffice shows none there
                for part in parts:
                    part.is_linked_to_previous = False
            headers += parts
        for header in headers:
            header.paragraphs[0].paragraph_format.first_line_indent = Pt(0)
        watermark_docx_headers(headers, text, self.name("heiti"))

    def build(self, viewer: str | None, when: dt.datetime | None) -> bytes:
        spec = self.spec
        self.header()
        if spec.title:
            self.title(spec.title, "标题", before=self.title_before())
        if spec.main_recipients and not self.engine.recipients_in_record():
            self.para(self.engine.recipients_text(), "主送机关", before=LINE_TWIPS / 20, key="recipients")
        elif spec.main_recipients:  # moved to the 版记: the line below the title stays free
            self.para(style="附注")
        self.blocks(spec.body)
        self.closing()
        self.attachments()
        self.record()
        self.page_numbers()
        if viewer and spec.is_classified and when:
            self.watermark(watermark_text(viewer, when))
        self.doc.core_properties.title = spec.title
        self.doc.core_properties.subject = spec.doc_type
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def render_docx(spec: DocumentSpec, fonts: FontSet, *, viewer: str | None = None,
                when: dt.datetime | None = None) -> bytes:
    return _Writer(spec, fonts).build(viewer, when)



