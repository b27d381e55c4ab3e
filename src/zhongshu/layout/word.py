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
from collections.abc import Mapping

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from . import docx_xml as x
from . import geometry as g
from .engine import HEADING_FACE, Engine
from .headings import HeadingCounter
from .linebreak import NO_END, NO_START
from .model import Layout
from .spec import Block, DocumentSpec, Heading, Paragraph, Table
from .watermarks import draft_docx_headers, watermark_docx_headers, watermark_text
from .word_base import (  # noqa: F401 - measures used by tests and the stamper
    CONDENSE_TWIPS,
    EDITING_CHARS,
    EMBEDDED_FACES,
    HEADING_STYLE,
    KINSOKU_LISTS,
    LINE,
    LINE_TWIPS,
    RED,
    STYLES,
    _exact,
    _fonts_of,
    _no_grid,
    add_text,
)
from .word_closing import ClosingParts
from .word_head import HeadParts


class _Writer(HeadParts, ClosingParts):
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
