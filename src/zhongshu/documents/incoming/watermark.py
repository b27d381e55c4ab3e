"""The viewer's name and the time, stamped on every page of a classified download.

PDF is stamped in place; a scanned image (PNG, JPEG, TIFF) is turned into a PDF and
stamped. OFD and DOCX are not stamped yet (docs/incoming.md)."""

from __future__ import annotations

import pymupdf

# PyMuPDF's built-in Simplified Chinese font: no font file to ship or find.
_FONT = "china-s"


class CannotWatermark(ValueError):
    pass


STAMPABLE = {"pdf", "png", "jpeg", "tiff"}


def stamp(data: bytes, kind: str, text: str) -> bytes:
    """A PDF of ``data`` (of file kind ``kind``) with ``text`` across every page."""
    if kind != "pdf":
        try:
            with pymupdf.open(stream=data, filetype=kind) as image:
                data = image.convert_to_pdf()
        except Exception as exc:
            raise CannotWatermark(str(exc)) from None
    return stamp_pdf(data, text)


def stamp_pdf(data: bytes, text: str) -> bytes:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # a damaged file: the caller refuses the download
        raise CannotWatermark(str(exc)) from None
    with doc:
        if doc.page_count == 0:
            raise CannotWatermark("PDF 没有页面")
        for page in doc:
            rect = page.rect
            size = max(10.0, min(rect.width, rect.height) / 24)
            step_y = size * 8
            y = min(step_y / 2, rect.height / 2)  # a small scan still gets one line
            while y < rect.height:
                # Light grey, rotated, repeated down the page so that no crop removes it.
                page.insert_text(pymupdf.Point(rect.width * 0.12, y), text, fontname=_FONT,
                                 fontsize=size, color=(0.6, 0.6, 0.6), fill_opacity=0.35,
                                 morph=(pymupdf.Point(rect.width * 0.12, y), pymupdf.Matrix(-20)),
                                 overlay=True)
                y += step_y
        return doc.tobytes(garbage=1, deflate=True)
