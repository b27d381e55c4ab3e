"""DOCX with the GB/T 9704 page set-up, for offices that edit further in Word or WPS.

The DOCX follows the engine's layout (docs/decisions/0700, 0703): the same line grid and
character width (each character condensed 0.25 pt, no extra space between Chinese and Latin
text, no hanging punctuation, the engine's 避头尾 characters as the document's kinsoku
lists), words the engine carried whole to the next line joined by word joiners, and a
page break wherever a PDF page starts — so a word processor sets the same lines on the
same pages. Paragraph styles are named after the elements (正文, 一级标题, 发文机关标志 …), fonts
by the names offices have (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312), each embedded as a
subset of the free face it stands for (decision 0704).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from . import docx_xml as x
from . import geometry as g
from .closing import chinese_date
from .engine import HEADING_FACE, Engine
from .headings import HeadingCounter
from .linebreak import NO_END, NO_START
from .model import Layout
from .spec import Block, DocumentSpec, Heading, Paragraph, Table
from .watermarks import draft_docx_headers, watermark_docx_headers, watermark_text

LINE_TWIPS = 578  # 28.9 pt: 22 lines = 635.8 pt, inside the 637.8 pt block with room for rounding
LINE = Twips(LINE_TWIPS)
CONDENSE_TWIPS = round(g.TRACK * 20)  # -0.25 pt per character, as the engine measures
RED = RGBColor(0xFF, 0, 0)
RED_LINE_SPACE = 5  # pt between the number's line box and the red line: 4 mm below its glyphs
# Where LibreOffice and Word set a glyph in a paragraph of exact line height: its em box's
# bottom this far above the line's bottom (measured, 16–50 pt).
GLYPH_BOTTOM_GAP = 5.78
LETTER_MARK_SHIFT = g.MM
KINSOKU_LISTS = False

STYLES = {
    # name: (face, size, alignment)
    "正文": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "份号": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "密级和保密期限": ("heiti", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "紧急程度": ("heiti", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "发文机关标志": ("xiaobiaosong", g.MARK_MAX_SIZE, WD_ALIGN_PARAGRAPH.CENTER),
    "发文字号": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.CENTER),
    "标题": ("xiaobiaosong", g.TITLE, WD_ALIGN_PARAGRAPH.CENTER),
    "主送机关": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "一级标题": ("heiti", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "二级标题": ("kaiti", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "三级标题": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "四级标题": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "附件说明": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "发文机关署名": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.RIGHT),
    "成文日期": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.RIGHT),
    "附注": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "附件标识": ("heiti", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "附件标题": ("xiaobiaosong", g.TITLE, WD_ALIGN_PARAGRAPH.CENTER),
    "表格": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.CENTER),
    "出席": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "版记主送机关": ("fangsong", g.SMALL, WD_ALIGN_PARAGRAPH.LEFT),
    "抄送机关": ("fangsong", g.SMALL, WD_ALIGN_PARAGRAPH.LEFT),
    "印发机关和印发日期": ("fangsong", g.SMALL, WD_ALIGN_PARAGRAPH.LEFT),
    "页码": ("songti", g.SMALL, WD_ALIGN_PARAGRAPH.RIGHT),
}
HEADING_STYLE = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题"}
EMBEDDED_FACES = ("xiaobiaosong", "fangsong", "heiti", "kaiti", "songti")
# characters a clerk is likely to type while editing, embedded with the document's own
EDITING_CHARS = ("".join(chr(c) for c in range(0x20, 0x7F)) + "，。、；：？！（）《》“”‘’〔〕【】…—·★"
                 + "\u2060\u2011")  # the word joiner and non-breaking hyphen the DOCX uses


def _fonts_of(run_or_style, name: str) -> None:
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = x.put(rpr, "rFonts", x.RPR)
    for attr in list(rfonts.attrib):  # a theme font would win over the name
        if attr.endswith("Theme"):
            del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


_NUMBER_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")


def add_text(paragraph, text: str):
    """Runs for ``text`` in which a hyphen between digits (0000-12345678) is Word's
    non-breaking hyphen: word processors break after a hyphen, the engine never inside a
    number. Returns the runs."""
    runs = []
    for k, piece in enumerate(text.split("\n")):  # line breaks the engine asks for
        if k:
            runs.append(paragraph.add_run())
            runs[-1].add_break()
        parts = _NUMBER_HYPHEN.split(piece)
        for i, part in enumerate(parts):
            run = paragraph.add_run(part)
            runs.append(run)
            if i < len(parts) - 1:
                run._r.append(OxmlElement("w:noBreakHyphen"))
    return runs


def _exact(paragraph, height_pt: float) -> None:
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(height_pt)


def _no_grid(paragraph) -> None:
    x.put(paragraph._p.get_or_add_pPr(), "snapToGrid", x.PPR, val="0")


class _Writer:
    def __init__(self, spec: DocumentSpec, engine: Engine, layout: Layout, *,
              draft: bool, seal_images: Mapping[int, bytes], page_images: Mapping[int, bytes]):
        self.spec = spec
        self.engine = engine
        self.fonts = engine.fonts
        self.layout = layout  # the fixed-layout pagination: DOCX pages start where these do
        self.page_starts = {page.starts for page in layout.pages if page.starts}
        self.draft = draft
        self.seal_images = seal_images
        self.page_images = page_images  # page index -> PNG of an inserted attachment page
        self.container = None  # a table cell paragraphs go into instead of the body
        self.shapes = 0
        self.doc = Document()
        self.setup()

    def name(self, face: str) -> str:
        return self.fonts.faces[face].name

    # ------------------------------------------------------------ set-up
    def setup(self) -> None:
        doc = self.doc
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = Mm(10)  # headers hold only shapes (watermarks, the letter's lines)
        section.footer_distance = Mm(25.5)  # puts the page number's dash 7 mm below the block
        self.grid(section)
        # The grid's character pitch is counted from the document default size, so that
        # default must be 3号 or every character would snap to two grid cells.
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for tag in ("sz", "szCs"):
            x.put(rpr, tag, x.RPR, val=str(int(g.BODY * 2)))
        # Latin text is English (a Chinese locale lets a word processor break inside "WTO")
        x.put(rpr, "lang", x.RPR, val="en-US", eastAsia="zh-CN", bidi="ar-SA")
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is not None:  # theme fonts (Calibri, MS Mincho) would win over ours
            rpr.remove(rfonts)
        normal = doc.styles["Normal"]
        normal.font.size = Pt(g.BODY)
        _fonts_of(normal, self.name("fangsong"))
        pf = normal.paragraph_format
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
        pf.space_before = pf.space_after = Pt(0)
        pf.widow_control = False  # the engine decides where pages break
        # 28 characters a line: each character 0.25 pt narrower, as the engine measures
        x.put(normal.element.get_or_add_rPr(), "spacing", x.RPR, val=str(CONDENSE_TWIPS))
        # No punctuation hangs past the line's end (the engine pulls a character down
        # with it, as GB/T 9704's 28 characters a line ask). LibreOffice reads overflowPunct
        # inverted (hanging = val 0) and drops a hanging mark of a justified line from its
        # PDF; val 1 keeps it from hanging there (decision 0703). Space where Chinese meets
        # Latin letters or digits stays on, as in every word processor.
        x.put(normal.element.get_or_add_pPr(), "overflowPunct", x.PPR, val="1")
        for style_name, (face, size, align) in STYLES.items():
            style = doc.styles.add_style(style_name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
            style.font.size = Pt(size)
            _fonts_of(style, self.name(face))
            style.paragraph_format.alignment = align
        for style_name in ("正文", "一级标题", "二级标题", "三级标题", "四级标题"):
            ind = x.put(doc.styles[style_name].element.get_or_add_pPr(), "ind", x.PPR)
            ind.set(qn("w:firstLine"), x.twips(2 * g.CELL))
        doc.styles["发文机关标志"].font.color.rgb = RED
        settings = doc.settings.element
        x.put(settings, "evenAndOddHeaders", x.SETTINGS)
        # the engine's 避头尾 characters, for Word and LibreOffice alike
        if KINSOKU_LISTS:
            x.put(settings, "noLineBreaksAfter", x.SETTINGS, lang="zh-CN", val="".join(sorted(NO_END)))
            x.put(settings, "noLineBreaksBefore", x.SETTINGS, lang="zh-CN", val="".join(sorted(NO_START)))
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")

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

    # ------------------------------------------------------------ paragraphs
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

    def blank_rows(self, rows: int, key: str = "") -> None:
        for i in range(rows):
            self.para(style="附注", key=key if i == 0 else "")

    def title(self, text: str, style: str, *, before: float = 0, key: str = ""):
        """A title broken where the PDF breaks it: between words, balanced (7.3.1)."""
        p = self.para(style=style, before=before, key=key)
        lines = self.engine.title_lines(text)
        for i, line in enumerate(lines):
            run = p.add_run(line.text)
            if i < len(lines) - 1:
                run.add_break()
        return p

    def lines_with_page_breaks(self, p, key: str, lines: list[str], face: str | None = None,
                               prefix: tuple[int, str] | None = None) -> None:
        """The paragraph's lines (word joiners in the words carried to the next line), with a
        page break before each line that starts a PDF page (widow and orphan control, a
        signature block pulling two lines along)."""
        starts = {line for k, line in self.page_starts if k == key and line > 0}
        text_so_far = 0
        for n, line in enumerate(lines):
            if n in starts:
                p.add_run().add_break(WD_BREAK.PAGE)
            if prefix and text_so_far < prefix[0]:  # the 出席： label in its own face
                bare = line.replace("\u2060", "").replace("\n", "")
                cut = min(len(bare), prefix[0] - text_so_far)
                head = p.add_run(bare[:cut])
                _fonts_of(head, self.name(prefix[1]))
                line = bare[cut:]
                text_so_far += cut
            if line:
                for run in add_text(p, line):
                    if face:
                        _fonts_of(run, self.name(face))
            text_so_far += len(line.replace("\u2060", "").replace("\n", ""))

    # ------------------------------------------------------------ 版头
    def header(self) -> None:
        """The 版头 in a borderless one-cell table exactly as many grid rows tall as the PDF's.

        Word processors place a mark and a bordered paragraph each a little differently; in a
        row of fixed height those differences stay inside the 版头, and the title starts on
        the grid row where the PDF starts it, so page 1 holds the same lines in both.
        """
        table = self.doc.add_table(rows=1, cols=1)
        self.borderless(table, g.BLOCK_W)
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        x.put(tr_pr, "trHeight", x.TRPR, val=str(self.engine.start_row * LINE_TWIPS), hRule="exact")
        cell = table.cell(0, 0)
        self.container = cell
        if self.spec.format == "letter":
            self.letter_head()
        else:
            self.standard_head()
        cell._tc.remove(cell.paragraphs[0]._p)  # the empty paragraph every new cell has
        self.container = None

    def borderless(self, table, width: float) -> None:
        tbl_pr = table._tbl.tblPr
        x.put(tbl_pr, "tblW", x.TBLPR, w=x.twips(width), type="dxa")
        x.put(tbl_pr, "tblLayout", x.TBLPR, type="fixed")
        x.cell_margins(tbl_pr, top=0, left=0, bottom=0, right=0)
        grid = table._tbl.tblGrid
        cols = grid.findall(qn("w:gridCol"))
        if len(cols) == 1:
            cols[0].set(qn("w:w"), x.twips(width))

    def glyph_top_before(self, target_top: float, line: float, size: float, used: float) -> float:
        """Space before a paragraph of exact height ``line`` whose ``size`` glyph's top must
        be ``target_top`` below the 版头's top, ``used`` points of it being taken already."""
        glyph_top = line - GLYPH_BOTTOM_GAP - size
        return max(0.0, target_top - used - glyph_top)

    def standard_head(self) -> None:
        spec = self.spec
        engine = self.engine
        infos = engine.info_lines()
        styles = {"copy-number": "份号", "classification": "密级和保密期限", "urgency": "紧急程度"}
        used = 0.0
        for text, _, role in infos:
            self.para(text, styles[role])
            used += LINE_TWIPS / 20
        offset = {"order": g.ORDER_MARK_FROM_BLOCK_TOP}.get(spec.format, g.MARK_FROM_BLOCK_TOP)
        if engine.is_joint_mark():
            mark = engine.joint_mark()
            spacer = self.para(style="附注")
            _exact(spacer, max(1.0, offset - used))
            _no_grid(spacer)
            self.joint_mark_table(mark)
            used = offset + mark.height
            mark_bottom = used
        else:
            text = engine.mark_text()
            size = engine.mark_size([text], g.BLOCK_W, g.MARK_MAX_SIZE)
            height = size * 1.15
            before = self.glyph_top_before(offset, height, size, used)
            p = self.para(text, "发文机关标志", color=RED, size=size, before=before)
            _exact(p, height)
            _no_grid(p)
            used += before + height
            mark_bottom = offset + size
        # the number's glyph two lines (空二行) below the mark
        number_top = mark_bottom + 2 * g.PITCH
        before = self.glyph_top_before(number_top, LINE_TWIPS / 20, g.BODY, used)
        if spec.is_upward and spec.format == "standard":
            x_label, col, pairs = engine.signer_layout()
            label_w = engine.text_width("签发人：", "fangsong", g.BODY)
            for i, pair in enumerate(pairs):
                last = i == len(pairs) - 1
                p = self.para(style="发文字号", before=before if i == 0 else 0)
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                tabs = p.paragraph_format.tab_stops
                # the label, then each name at its column (the first follows the label at
                # once: a tab stop exactly at the label's end may already be passed)
                tabs.add_tab_stop(Pt(x_label - g.LEFT + (0 if i == 0 else label_w)))
                for k in range(1, len(pair)):
                    tabs.add_tab_stop(Pt(x_label - g.LEFT + label_w + k * col))
                if last and spec.doc_number:  # 7.2.5: on the line of the last 签发人, one
                    tabs.add_tab_stop(Pt(g.CELL))  # character in (a tab: an indent would
                    p.add_run("\t" + spec.doc_number)  # shorten the red line below too)
                p.add_run("\t" + ("签发人：" if i == 0 else ""))
                for k, name in enumerate(pair):
                    _fonts_of(p.add_run(("\t" if k else "") + name), self.name("kaiti"))
        else:
            p = self.para(spec.doc_number, "发文字号", before=before)
        if spec.format != "order":
            self.red_line(p)

    def joint_mark_table(self, mark) -> None:
        """7.2.4: the organs' names stacked and spread to one width, "文件" to their right,
        centred on them; the group centred in the text block."""
        names = mark.names
        width_names = mark.names_width
        width_suffix = mark.suffix_x - mark.left - width_names + self.engine.text_width(
            "文件", "xiaobiaosong", mark.size) + 2
        table = self.container.add_table(rows=len(names), cols=2)
        self.borderless(table, width_names + width_suffix)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        x.put(table._tbl.tblPr, "tblInd", x.TBLPR, w="0", type="dxa")
        cols = table._tbl.tblGrid.findall(qn("w:gridCol"))
        cols[0].set(qn("w:w"), x.twips(width_names))
        cols[1].set(qn("w:w"), x.twips(width_suffix))
        for r, name in enumerate(names):
            row = table.rows[r]
            height = mark.pitch if r < len(names) - 1 else mark.size
            x.put(row._tr.get_or_add_trPr(), "trHeight", x.TRPR, val=x.twips(height), hRule="exact")
            cell = row.cells[0]
            x.put(cell._tc.get_or_add_tcPr(), "tcW", x.TCPR, w=x.twips(width_names), type="dxa")
            p = cell.paragraphs[0]
            p.style = self.doc.styles["发文机关标志"]
            x.put(p._p.get_or_add_pPr(), "jc", x.PPR, val="distribute" if len(name) > 1 else "center")
            _exact(p, mark.size * 1.15)
            _no_grid(p)
            run = p.add_run(name)
            run.font.size = Pt(mark.size)
            run.font.color.rgb = RED
            suffix = row.cells[1]
            tc_pr = suffix._tc.get_or_add_tcPr()
            x.put(tc_pr, "tcW", x.TCPR, w=x.twips(width_suffix), type="dxa")
            x.put(tc_pr, "vMerge", x.TCPR, **({"val": "restart"} if r == 0 else {}))
            x.put(tc_pr, "vAlign", x.TCPR, val="center")
            sp = suffix.paragraphs[0]
            sp.style = self.doc.styles["发文机关标志"]
            _exact(sp, mark.size * 1.15)
            _no_grid(sp)
            if r == 0:
                sp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                run = sp.add_run("文件")
                run.font.size = Pt(mark.size)
                run.font.color.rgb = RED

    def letter_head(self) -> None:
        """10.1 in a flowing document: the mark and the two red double lines are placed on
        the first page absolutely (a frame and filled rectangles anchored in its header, as
        they lie above the text block and across its width); 份号, 密级, 紧急 and the number
        go in the 版头 table below the first double line."""
        spec = self.spec
        engine = self.engine
        infos = engine.info_lines() or [("", "fangsong", "copy-number")]
        styles = {"copy-number": "份号", "classification": "密级和保密期限", "urgency": "紧急程度"}
        _, y_thick, y_thin, _ = engine.letter_lines()
        first_top = y_thin + g.BODY * 7 / 8 - g.TOP  # the first glyph's top below the block's top
        for i, (text, _, role) in enumerate(infos):
            p = self.para(text, styles[role],
                          before=self.glyph_top_before(first_top, LINE_TWIPS / 20, g.BODY, 0) if i == 0 else 0)
            if i == 0 and spec.doc_number:
                p.paragraph_format.tab_stops.add_tab_stop(Pt(g.BLOCK_W), alignment=2)
                _fonts_of(p.add_run("\t" + spec.doc_number), self.name("fangsong"))

    def letter_page_one(self, section) -> None:
        """The letter's mark and red double lines in the first page's header (10.1)."""
        engine = self.engine
        text = engine.mark_text()
        size = engine.mark_size([text], g.BLOCK_W, g.LETTER_MARK_MAX_SIZE)
        header = section.first_page_header
        header.is_linked_to_previous = False
        height = size + GLYPH_BOTTOM_GAP + 2
        # the mark in a text box whose glyph top lands 30 mm from the page's top (a glyph this
        # large sits 1 mm higher in its line than a 3号 one, as LibreOffice sets it)
        top = g.LETTER_MARK_FROM_PAGE_TOP - (height - GLYPH_BOTTOM_GAP - size) + LETTER_MARK_SHIFT
        name = escape(self.name("xiaobiaosong"))
        paragraph = (f'<w:p><w:pPr><w:pStyle w:val="{self.doc.styles["发文机关标志"].style_id}"/>'
                     f'<w:snapToGrid w:val="0"/><w:spacing w:line="{x.twips(height)}" w:lineRule="exact"/>'
                     f'<w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="{name}" w:hAnsi="{name}" '
                     f'w:eastAsia="{name}" w:cs="{name}"/><w:color w:val="FF0000"/><w:sz w:val="{round(size * 2)}"/>'
                     f'</w:rPr><w:t>{escape(text)}</w:t></w:r></w:p>')
        self.shapes += 1
        # the rules hang on a paragraph 1 pt tall: the header must not reach the text block
        anchor = header.paragraphs[0]
        anchor.style = self.doc.styles["附注"]
        _exact(anchor, 1)
        _no_grid(anchor)
        anchor._p.append(x.vml_textbox(g.LEFT, top, g.BLOCK_W, height, paragraph, self.shapes))
        for rule in self.layout.pages[0].rules:
            if rule.role.startswith("letter-line"):
                self.shapes += 1
                anchor._p.append(x.vml_rect(rule.x0, rule.y0 - rule.width / 2, rule.x1 - rule.x0,
                                            rule.width, rule.color, self.shapes))

    def red_line(self, p) -> None:
        border = x.put(p._p.get_or_add_pPr(), "pBdr", x.PPR)
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", str(RED_LINE_SPACE)),
                     ("w:color", "FF0000")):
            bottom.set(qn(k), v)
        border.append(bottom)

    # ------------------------------------------------------------ body
    def blocks(self, blocks: tuple[Block, ...], prefix: str = "body.") -> None:
        counter = HeadingCounter()
        for index, block in enumerate(blocks):
            key = f"{prefix}{index}"
            if isinstance(block, Heading):
                text = counter.next(block.level) + block.text
                face = HEADING_FACE[block.level]
                p = self.para(style=HEADING_STYLE[block.level], key=key)
                self.lines_with_page_breaks(p, key, self.engine.docx_text(text, face))
                p.paragraph_format.keep_with_next = True
            elif isinstance(block, Paragraph):
                p = self.para(key=key)
                self.lines_with_page_breaks(p, key, self.engine.docx_text(block.text))
            elif isinstance(block, Table):
                self.table(block, key)

    def table(self, block: Table, key: str = "") -> None:
        """Columns as wide as the engine makes them, rows as tall as its grid rows, the
        header row repeated on each page (w:tblHeader), rows never split."""
        if not block.rows:
            return
        layout = self.engine.table_layout(block)
        table = self.doc.add_table(rows=len(block.rows), cols=len(block.rows[0]))
        table.style = self.doc.styles["Table Grid"]
        tbl_pr = table._tbl.tblPr
        x.put(tbl_pr, "tblW", x.TBLPR, w=x.twips(g.BLOCK_W), type="dxa")
        # Word 2010 (the file's compatibility mode) puts the border one cell margin left
        # of the indent: the border then lies on the text block's edge
        x.put(tbl_pr, "tblInd", x.TBLPR, w=x.twips(layout.pad), type="dxa")
        x.put(tbl_pr, "tblLayout", x.TBLPR, type="fixed")
        x.cell_margins(tbl_pr, top=0, left=layout.pad, bottom=0, right=layout.pad)
        for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), layout.widths, strict=True):
            col.set(qn("w:w"), x.twips(width))
        for r, row in enumerate(block.rows):
            tr_pr = table.rows[r]._tr.get_or_add_trPr()
            x.put(tr_pr, "cantSplit", x.TRPR)
            # less the 0.5 pt rule a Table Grid row adds below itself
            x.put(tr_pr, "trHeight", x.TRPR, val=str(layout.heights[r] * LINE_TWIPS - 10), hRule="exact")
            if block.header and r == 0:
                x.put(tr_pr, "tblHeader", x.TRPR)
            for c, _ in enumerate(row):
                cell = table.cell(r, c)
                x.put(cell._tc.get_or_add_tcPr(), "tcW", x.TCPR, w=x.twips(layout.widths[c]), type="dxa")
                p = cell.paragraphs[0]
                p.style = self.doc.styles["表格"]
                lines = layout.cells[r][c]
                if len(lines) > 1:  # a wrapped cell is set flush left, as in the PDF
                    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                if r == 0 and c == 0 and key and (key, 0) in self.page_starts:
                    p.paragraph_format.page_break_before = True
                # a wrapped cell keeps the engine's lines as line breaks: word processors
                # break table cells by character, word joiners or not
                for i, line in enumerate(lines):
                    runs = add_text(p, line.text.strip())
                    for run in runs:
                        if block.header and r == 0:
                            _fonts_of(run, self.name("heiti"))
                    if i < len(lines) - 1:
                        runs[-1].add_break()

    # ------------------------------------------------------------ closing
    def closing(self) -> None:
        spec = self.spec
        engine = self.engine
        if spec.attachments:
            atts = spec.attachments
            for i, att in enumerate(atts):
                lead = "附件：" if i == 0 else "　　　"
                number = f"{i + 1}. " if len(atts) > 1 else ""
                text = lead + number + att.title
                hang = engine.text_width(lead + number, "fangsong", g.BODY) / g.CELL
                key = f"attnote.{i}"
                if i == 0:
                    self.para(style="附注")
                p = self.para(style="附件说明", key=key)
                # wrapped lines align with the first character of the name (7.3.4)
                p.paragraph_format.left_indent = Pt((2 + hang) * g.CELL)
                p.paragraph_format.first_line_indent = Pt(-hang * g.CELL)
                self.lines_with_page_breaks(p, key, engine.docx_text(
                    text, first_indent=2, rest_indent=2 + hang, justify=False))
        date_text = chinese_date(spec.date) if spec.date else ""
        organs = list(spec.signature)
        if spec.format == "order" and organs:
            self.order_signature(organs, date_text)
        elif spec.seal and organs:
            self.sealed_signature(organs, date_text)
        elif organs or date_text:
            self.unsealed_signature(organs, date_text)
        if spec.notes:
            notes = spec.notes if spec.notes.startswith("（") else f"（{spec.notes}）"
            p = self.para(style="附注", key="notes")
            p.paragraph_format.first_line_indent = Pt(2 * g.CELL)
            self.lines_with_page_breaks(p, "notes", engine.docx_text(notes, justify=False))
        att = spec.attendance
        first = True
        for label, names in (("出席", att.present), ("请假", att.absent), ("列席", att.observers)):
            if not names:
                continue
            if first:
                self.para(style="附注")
                first = False
            key = f"attendance.{label}"
            hang = engine.attendance_hang(label)
            p = self.para(style="出席", key=key)
            # 10.3: wrapped lines align with the first name after the colon
            p.paragraph_format.left_indent = Pt(hang * g.CELL)
            p.paragraph_format.first_line_indent = Pt(-(hang - 2) * g.CELL)
            self.lines_with_page_breaks(p, key, engine.docx_text(
                f"{label}：{names}", first_indent=2, rest_indent=hang, justify=False),
                prefix=(len(label), "heiti"))

    def closing_page(self) -> int:
        for index, page in enumerate(self.layout.pages):
            if any(gl.role in ("signature", "date") for gl in page.glyphs):
                return index
        return len(self.layout.pages) - 1

    def sealed_signature(self, organs: list[str], date_text: str) -> None:
        """7.3.5.1 as the engine plans it: one paragraph per grid row, the 署名 of a row of
        seals on centre tab stops under their seals, the date four characters in from the
        right; the seals' images (or, on a draft, their dashed places) at their page
        positions."""
        plan = self.engine.seal_plan(organs, date_text)
        names_at = {plan.name_row(r): row for r, row in enumerate(plan.rows)}
        anchor = None
        for r in range(plan.flow_rows):
            key = "closing" if r == 0 else ""
            if r in names_at:
                p = self.para(style="发文机关署名", key=key)
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                for _, cx in names_at[r]:
                    p.paragraph_format.tab_stops.add_tab_stop(Pt(cx - g.LEFT), alignment=1)
                p.add_run("".join("\t" + organs[k] for k, _ in names_at[r]))
                anchor = anchor or p
            elif r == plan.date_row and date_text:
                p = self.para(date_text, "成文日期", key=key)
                p.paragraph_format.right_indent = Pt(4 * g.CELL)
            else:
                self.para(style="附注", key=key)
        self.seals(anchor)

    def seals(self, anchor) -> None:
        """The seal images, or the dashed seal places of a draft, where the engine put them."""
        if anchor is None:
            return
        page = self.layout.pages[self.closing_page()]
        for circle in page.circles:
            image = self.seal_images.get(circle.issuer)
            self.shapes += 1
            if image:
                anchor._p.append(x.anchored_picture(self.doc.part, image, circle.cx - circle.r,
                                                    circle.cy - circle.r, 2 * circle.r, 2 * circle.r,
                                                    self.shapes, f"印章{circle.issuer + 1}"))
            elif self.draft:
                anchor._p.append(x.vml_circle(circle.cx, circle.cy, circle.r, circle.color,
                                              circle.width, self.shapes))
        for box in page.boxes:
            image = self.seal_images.get(box.issuer)
            self.shapes += 1
            if image:
                anchor._p.append(x.anchored_picture(self.doc.part, image, box.x, box.y, box.w, box.h,
                                                    self.shapes, f"签名章{box.issuer + 1}"))

    def unsealed_signature(self, organs: list[str], date_text: str) -> None:
        engine = self.engine
        widest = max([engine.text_width(o, "fangsong", g.BODY) for o in organs] or [0])
        date_w = engine.text_width(date_text, "fangsong", g.BODY)
        sig_right = 2 * g.CELL
        date_right = sig_right + widest - 2 * g.CELL - date_w
        if date_right < 2 * g.CELL:  # the date is the longer: it sets the edge
            date_right = 2 * g.CELL
            sig_right = date_right + date_w + 2 * g.CELL - widest
        self.para(style="附注", key="closing")
        for organ in organs:
            w = engine.text_width(organ, "fangsong", g.BODY)
            p = self.para(organ, "发文机关署名")
            p.paragraph_format.right_indent = Pt(sig_right + (widest - w) / 2 if len(organs) > 1 else sig_right)
        if date_text:
            p = self.para(date_text, "成文日期")
            p.paragraph_format.right_indent = Pt(date_right)

    def order_signature(self, organs: list[str], date_text: str) -> None:
        """7.3.5.3: two blank lines, then per signer the title two characters left of the
        签名章 (two lines tall), the date below, four characters in from the right."""
        engine = self.engine
        stamp_w = 4 * g.CELL
        self.blank_rows(2, key="closing")
        anchor = None
        for entry in organs:
            title, _, name = entry.rpartition(" ")
            title = title or entry
            p = self.para(style="发文机关署名")
            p.paragraph_format.right_indent = Pt(4 * g.CELL)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            tw = engine.text_width(title, "fangsong", g.BODY)
            p.paragraph_format.tab_stops.add_tab_stop(Pt(g.BLOCK_W - 4 * g.CELL - stamp_w - 2 * g.CELL - tw))
            p.paragraph_format.tab_stops.add_tab_stop(Pt(g.BLOCK_W - 4 * g.CELL - stamp_w / 2), alignment=1)
            # the two lines of the 签名章 as one line of double height, text centred on it
            _exact(p, 2 * LINE_TWIPS / 20)
            _no_grid(p)
            p.add_run("\t" + title)
            if name:
                run = p.add_run("\t" + name)
                run.font.color.rgb = RED
                _fonts_of(run, self.name("kaiti"))
            anchor = anchor or p
            self.para(style="附注")
        if date_text:
            p = self.para(date_text, "成文日期")
            p.paragraph_format.right_indent = Pt(4 * g.CELL)
        self.seals(anchor)

    # ------------------------------------------------------------ attachments
    def attachments(self) -> None:
        for i, att in enumerate(self.spec.attachments):
            p = self.para(self.engine.attachment_label(i), "附件标识", key=f"att{i}.label")
            p.paragraph_format.page_break_before = True
            self.para(style="附注")
            self.title(att.title, "附件标题", key=f"att{i}.title")
            if att.body:
                self.para(style="附注")
                self.blocks(att.body, prefix=f"att{i}.body.")
            for index, page in enumerate(self.layout.pages):
                if page.insert and page.insert[0] == i:
                    self.inserted_page(index)

    def inserted_page(self, index: int) -> None:
        """A page of an uploaded attachment: its image on a page of its own, fitted into the
        text block as the PDF places it."""
        from .attachments import fitted_rect

        p = self.para(style="附注")
        p.paragraph_format.page_break_before = True
        image = self.page_images.get(index)
        if image is None:
            return
        import pymupdf

        pix = pymupdf.Pixmap(image)
        rect = fitted_rect(pix.width, pix.height)
        self.shapes += 1
        p._p.append(x.anchored_picture(self.doc.part, image, rect[0], rect[1], rect[2] - rect[0],
                                       rect[3] - rect[1], self.shapes, f"附件第{index + 1}页"))

    # ------------------------------------------------------------ 版记
    def record(self) -> None:
        """The 版记 at the foot of the last page, which is even (7.4), as the PDF sets it.

        An empty row as tall as the free grid rows pushes the table down so that its last
        line sits on the text block's bottom edge. When the PDF gives the 版记 a page of its
        own, it goes into a section of its own whose footers are empty: neither that page nor
        a blank page before it carries a page number (7.5).
        """
        spec = self.spec
        engine = self.engine
        rows = engine.record_rows()
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
            table_rows.append(("印发机关和印发日期", spec.printing_office, engine.printing_date_text(), 1))
        # The first row is the empty space above the 版记: an exact-height row is the one
        # vertical distance both Word and LibreOffice always honour.
        table = self.doc.add_table(rows=len(table_rows) + 1, cols=1)
        tbl_pr = table._tbl.tblPr
        x.put(tbl_pr, "tblW", x.TBLPR, w=x.twips(g.BLOCK_W), type="dxa")
        x.cell_margins(tbl_pr, left=0, right=0)
        # LibreOffice adds each rule's width to its row: the space gives that back (3 pt)
        heights = [max(free * LINE_TWIPS - 60, 20)] + [lines * LINE_TWIPS for *_, lines in table_rows]
        for r, h in enumerate(heights):
            x.put(table.rows[r]._tr.get_or_add_trPr(), "trHeight", x.TRPR, val=str(h), hRule="exact")
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
            hang = engine.text_width("抄送：", "fangsong", g.SMALL) if style != "印发机关和印发日期" else 0
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
        _no_grid(tail)

    @staticmethod
    def cell_borders(cell, edges: list[tuple[str, str]]) -> None:
        borders = x.put(cell._tc.get_or_add_tcPr(), "tcBorders", x.TCPR)
        for edge, size in edges:
            el = OxmlElement(f"w:{edge}")
            for k, v in (("w:val", "single"), ("w:sz", size), ("w:color", "000000")):
                el.set(qn(k), v)
            borders.append(el)

    # ------------------------------------------------------------ page numbers, marks
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
        if self.spec.format == "letter":
            self.letter_page_one(section)

    def all_headers(self) -> list:
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
        return headers

    def watermark(self, text: str) -> None:
        """A diagonal, light grey text watermark, as Word's own (设计 › 水印) is made: a VML
        text-path shape anchored in every header, centred on the margins, behind the text."""
        watermark_docx_headers(self.all_headers(), text, self.name("heiti"))

    # ------------------------------------------------------------ fonts, metadata
    def embed_fonts(self) -> None:
        """Each face's glyphs, under the name offices know it by, as the fallback of a
        machine that lacks the face (ECMA-376 embedded fonts, subset to the characters of
        the document and those a clerk types most)."""
        used = self.layout.text_by_face()
        settings = self.doc.settings.element
        x.put(settings, "embedTrueTypeFonts", x.SETTINGS)
        x.put(settings, "saveSubsetFonts", x.SETTINGS)
        for n, face in enumerate(EMBEDDED_FACES, start=1):
            info = self.fonts.faces[face]
            if not self.fonts.embeddable(face):
                continue  # a licensed face that forbids it: the office's machines have it
            chars = used.get(face, "") + EDITING_CHARS + "".join(self.spec_text())
            data = self.fonts.subset(face, chars, family=info.name)
            x.embed_font(self.doc, info.name, data, n, alt=self.fonts.family_name(face))

    def spec_text(self) -> set[str]:
        spec = self.spec
        out = set(spec.title) | set(spec.main_recipients) | set(spec.doc_number) | set(spec.notes)
        out |= set(spec.cc_recipients) | set(spec.printing_office) | set("".join(spec.signature))
        out |= set("".join(spec.signers)) | set("".join(i.name for i in spec.issuers)) | set("签发人文件附件印发")
        return out

    def metadata(self, when: dt.datetime | None) -> None:
        spec = self.spec
        props = self.doc.core_properties
        issuers = "、".join(i.name for i in spec.issuers) or spec.printing_office
        now = when or dt.datetime.now(dt.UTC)
        created = dt.datetime.combine(spec.date, dt.time(9, 0), tzinfo=dt.UTC) if spec.date else now
        props.title = spec.title or self.engine.mark_text()
        props.subject = spec.doc_type
        props.author = issuers
        props.last_modified_by = issuers
        props.keywords = spec.doc_number
        props.category = "公文"
        props.comments = ""
        props.language = "zh-CN"
        props.revision = 1
        props.created = created.astimezone(dt.UTC).replace(tzinfo=None)
        props.modified = now.astimezone(dt.UTC).replace(tzinfo=None)
        props.identifier = spec.doc_number
        props.content_status = "草稿" if self.draft else ""
        props.version = ""

    def build(self, viewer: str | None, when: dt.datetime | None) -> bytes:
        spec = self.spec
        self.header()
        if spec.title:
            self.title(spec.title, "标题", key="title")
        if spec.main_recipients and not self.engine.recipients_in_record():
            self.para(style="附注")
            p = self.para(style="主送机关", key="recipients")
            self.lines_with_page_breaks(p, "recipients", self.engine.docx_text(
                self.engine.recipients_text(), first_indent=0, justify=False))
        elif spec.main_recipients:  # moved to the 版记: the line below the title stays free
            self.para(style="附注")
        self.blocks(spec.body)
        self.closing()
        self.attachments()
        self.record()
        self.page_numbers()
        if viewer and spec.is_classified and when:
            self.watermark(watermark_text(viewer, when))
        if self.draft:
            draft_docx_headers(self.all_headers(), self.name("heiti"))
        self.embed_fonts()
        self.metadata(when)
        out = io.BytesIO()
        self.doc.save(out)
        return _app_properties(out.getvalue())


def _app_properties(data: bytes) -> bytes:
    """docProps/app.xml names the application that wrote the file: say it is Zhongshu."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infos() if hasattr(source, "infos") else source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/app.xml":
                text = content.decode("utf-8")
                text = re.sub(r"<Application>.*?</Application>", "<Application>中枢 Zhongshu</Application>", text)
                text = re.sub(r"<Company>.*?</Company>", "<Company></Company>", text)
                content = text.encode("utf-8")
            zf.writestr(info, content)
    return out.getvalue()


def render_docx(spec: DocumentSpec, engine: Engine, layout: Layout, *, viewer: str | None = None,
                when: dt.datetime | None = None, draft: bool = False,
                seal_images: Mapping[int, bytes] | None = None,
                page_images: Mapping[int, bytes] | None = None) -> bytes:
    return _Writer(spec, engine, layout, draft=draft, seal_images=seal_images or {},
                   page_images=page_images or {}).build(viewer, when)


def seal_list(images: Sequence[bytes | None]) -> dict[int, bytes]:
    return {i: img for i, img in enumerate(images) if img}
