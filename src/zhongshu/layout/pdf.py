"""Draw a ``Layout`` as PDF with PyMuPDF 1.x (no dependencies of its own; AGPL like us).

Every glyph is placed where the engine put it; fonts are subset with fontTools first and
embedded, so the file carries only the characters it shows.
"""

from __future__ import annotations

import datetime as dt

import pymupdf

from . import geometry as g
from .engine import Layout
from .fonts import FontSet
from .watermarks import watermark_text


def render_pdf(layout: Layout, fonts: FontSet, *, viewer: str | None = None,
               when: dt.datetime | None = None) -> bytes:
    spec = layout.spec
    doc = pymupdf.open()
    by_face = layout.text_by_face()
    mark = watermark_text(viewer, when) if viewer and spec.is_classified and when else ""
    if mark:
        by_face["heiti"] = by_face.get("heiti", "") + mark
    loaded = {face: pymupdf.Font(fontbuffer=fonts.subset(face, text)) for face, text in by_face.items()}
    descender = {face: fonts.descender(face) for face in loaded}
    for page in layout.pages:
        pdf_page = doc.new_page(width=g.PAGE_W, height=g.PAGE_H)
        writers: dict[tuple, pymupdf.TextWriter] = {}
        for glyph in page.glyphs:
            key = glyph.color
            writer = writers.get(key)
            if writer is None:
                writer = writers[key] = pymupdf.TextWriter(pdf_page.rect, color=glyph.color)
            # PDF positions text by its baseline; the engine by the em box's top edge.
            baseline = glyph.top + (1 + descender[glyph.face]) * glyph.size
            writer.append((glyph.x, baseline), glyph.ch, font=loaded[glyph.face], fontsize=glyph.size)
        for color, writer in writers.items():
            writer.write_text(pdf_page, color=color)
        for rule in page.rules:
            pdf_page.draw_line((rule.x0, rule.y0), (rule.x1, rule.y1), color=rule.color,
                               width=rule.width, dashes="[3 2] 0" if rule.dashed else None)
        for circle in page.circles:
            pdf_page.draw_circle((circle.cx, circle.cy), circle.r, color=circle.color,
                                 width=circle.width, dashes="[4 3] 0" if circle.dashed else None)
        for box in page.boxes:
            pdf_page.draw_rect(pymupdf.Rect(box.x, box.y, box.x + box.w, box.y + box.h),
                               color=box.color, width=box.width,
                               dashes="[4 3] 0" if box.dashed else None)
        if mark:
            draw_watermark(pdf_page, mark, loaded["heiti"])
    doc.set_metadata({"title": spec.title, "creator": "中枢 Zhongshu", "producer": "中枢 Zhongshu",
                      "subject": spec.doc_type, "keywords": spec.doc_number})
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def draw_watermark(page: pymupdf.Page, text: str, font: pymupdf.Font) -> None:
    """The viewer's name and the time, tiled diagonally and faint, on every page."""
    size = 18
    writer = pymupdf.TextWriter(page.rect, opacity=0.18, color=(0.4, 0.4, 0.4))
    for row in range(5):
        for col in range(2):
            writer.append((40 + col * 280 + (row % 2) * 60, 140 + row * 150), text, font=font,
                          fontsize=size)
    centre = pymupdf.Point(g.PAGE_W / 2, g.PAGE_H / 2)
    writer.write_text(page, morph=(centre, pymupdf.Matrix(-30)))
