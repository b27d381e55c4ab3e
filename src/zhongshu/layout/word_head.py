"""The DOCX 版头: a table as tall as the engine's 版头, the single or joint mark, the number
and 签发人 and the red line; the letter's mark and double lines on its first page."""

from __future__ import annotations

from xml.sax.saxutils import escape

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from . import docx_xml as x
from . import geometry as g
from .word_base import (
    GLYPH_BOTTOM_GAP,
    LETTER_MARK_SHIFT,
    LINE_TWIPS,
    RED,
    RED_LINE_SPACE,
    WriterParts,
    _exact,
    _fonts_of,
    _no_grid,
)


class HeadParts(WriterParts):
    """A mixin of the DOCX writer."""

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
            if r == 0:
                x.put(tc_pr, "vMerge", x.TCPR, val="restart")
            else:
                x.put(tc_pr, "vMerge", x.TCPR)
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
