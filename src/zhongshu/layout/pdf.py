"""Draw a ``Layout`` as PDF with PyMuPDF 1.x (no dependencies of its own; AGPL like us).

Every glyph is placed where the engine put it; fonts are embedded as TrueType subsets of
the characters the file shows (``fonts``). Seal places are drawn only on drafts (dashed);
an issued copy shows each seal's image there, or nothing (7.3.5.1: no empty seal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pymupdf

from . import geometry as g
from .fonts import FontSet
from .model import Layout
from .watermarks import DRAFT_TEXT, watermark_text


def render_pdf(layout: Layout, fonts: FontSet, *, viewer: str | None = None,
               when: dt.datetime | None = None, draft: bool = False,
               seal_images: Mapping[int, bytes] | None = None, inserts=None) -> bytes:
    spec = layout.spec
    seal_images = seal_images or {}
    doc = pymupdf.open()
    by_face = layout.text_by_face()
    mark = watermark_text(viewer, when) if viewer and spec.is_classified and when else ""
    if mark or draft:
        by_face["heiti"] = by_face.get("heiti", "") + mark + (DRAFT_TEXT if draft else "")
    loaded = {face: pymupdf.Font(fontbuffer=fonts.subset(face, text)) for face, text in by_face.items()}
    descender = {face: fonts.descender(face) for face in loaded}
    for page in layout.pages:
        pdf_page = doc.new_page(width=g.PAGE_W, height=g.PAGE_H)
        if page.insert is not None and inserts is not None:
            inserts.show(pdf_page, *page.insert)
        writers: dict[tuple, pymupdf.TextWriter] = {}
        for glyph in page.glyphs:
            writer = writers.get(glyph.color)
            if writer is None:
                writer = writers[glyph.color] = pymupdf.TextWriter(pdf_page.rect, color=glyph.color)
            # PDF positions text by its baseline; the engine by the em box's top edge.
            baseline = glyph.top + (1 + descender[glyph.face]) * glyph.size
            writer.append((glyph.x, baseline), glyph.ch, font=loaded[glyph.face], fontsize=glyph.size)
        for color, writer in writers.items():
            writer.write_text(pdf_page, color=color)
        for rule in page.rules:
            pdf_page.draw_line((rule.x0, rule.y0), (rule.x1, rule.y1), color=rule.color,
                               width=rule.width, dashes="[3 2] 0" if rule.dashed else None)
        for circle in page.circles:
            image = seal_images.get(circle.issuer)
            if image:
                rect = pymupdf.Rect(circle.cx - circle.r, circle.cy - circle.r,
                                    circle.cx + circle.r, circle.cy + circle.r)
                pdf_page.insert_image(rect, stream=image, overlay=True)
            elif draft:  # the seal's place, for whoever reviews the draft
                pdf_page.draw_circle((circle.cx, circle.cy), circle.r, color=circle.color,
                                     width=circle.width, dashes="[4 3] 0" if circle.dashed else None)
        for box in page.boxes:
            image = seal_images.get(box.issuer)
            rect = pymupdf.Rect(box.x, box.y, box.x + box.w, box.y + box.h)
            if image:
                pdf_page.insert_image(rect, stream=image, overlay=True)
            elif draft:
                pdf_page.draw_rect(rect, color=box.color, width=box.width,
                                   dashes="[4 3] 0" if box.dashed else None)
        if draft:
            draw_draft_mark(pdf_page, loaded["heiti"])
        if mark:
            draw_watermark(pdf_page, mark, loaded["heiti"])
    doc.set_metadata(pdf_metadata(layout, when))
    data = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def _pdf_date(value: dt.datetime) -> str:
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    offset = value.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"D:{value:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def pdf_metadata(layout: Layout, when: dt.datetime | None) -> dict[str, str]:
    spec = layout.spec
    issuers = "、".join(i.name for i in spec.issuers) or spec.printing_office
    meta = {"title": spec.title or "", "author": issuers, "subject": spec.doc_type,
            "keywords": spec.doc_number, "creator": "中枢 Zhongshu", "producer": "中枢 Zhongshu"}
    if when is not None:
        meta["creationDate"] = meta["modDate"] = _pdf_date(when)
    return meta


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


def draw_draft_mark(page: pymupdf.Page, font: pymupdf.Font) -> None:
    """草稿, large and light across the page's middle: a draft is never mistaken for an
    issued copy."""
    size = 120
    writer = pymupdf.TextWriter(page.rect, opacity=0.25, color=(0.55, 0.55, 0.55))
    width = font.text_length(DRAFT_TEXT, fontsize=size)
    centre = pymupdf.Point(page.rect.width / 2, page.rect.height / 2)
    writer.append((centre.x - width / 2, centre.y + size * 0.35), DRAFT_TEXT, font=font, fontsize=size)
    writer.write_text(page, morph=(centre, pymupdf.Matrix(-45)))
