"""The DOCX closing: 附件说明, 署名 and date with the seals where the engine puts them,
附注, 纪要 attendance, attachment pages, and the 版记 at the foot of the last even page."""

from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from . import docx_xml as x
from . import geometry as g
from .closing import chinese_date
from .word_base import LINE_TWIPS, RED, WriterParts, _exact, _fonts_of, _no_grid


class ClosingParts(WriterParts):
    """A mixin of the DOCX writer."""

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
        attendance = spec.attendance
        first = True
        for label, names in (("出席", attendance.present), ("请假", attendance.absent),
                             ("列席", attendance.observers)):
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
