"""The viewer's name and the time, stamped on every page of a classified download.

PDF is stamped in place; a scanned image (PNG, JPEG, TIFF) is turned into a PDF and
stamped. A DOCX stays a DOCX with Word's own watermark shape in every header, and an OFD
stays an OFD with a watermark layer on every page: the same drawings as the documents the
layout module renders (``layout.watermarks``). Anything that cannot be stamped is refused
with ``CannotWatermark``; the caller then refuses the download (docs/incoming.md)."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any

import pymupdf
from django.utils import timezone
from lxml import etree

from zhongshu.layout.watermarks import (
    OFD_NS,
    ofd_watermark_layer,
    watermark_docx_headers,
    watermark_text,
)

# PyMuPDF's built-in Simplified Chinese font: no font file to ship or find.
_FONT = "china-s"


class CannotWatermark(ValueError):
    pass


STAMPABLE = {"pdf", "png", "jpeg", "tiff", "docx", "ofd"}


def stamp(data: bytes, kind: str, text: str) -> bytes:
    """``data`` (of file kind ``kind``) with ``text`` across every page: a PDF for a PDF or a
    scan, a DOCX for a DOCX, an OFD for an OFD. Any other kind cannot be stamped."""
    if kind not in STAMPABLE:
        raise CannotWatermark(f"无法为 {kind} 文件加注水印")
    if kind == "docx":
        return stamp_docx(data, text)
    if kind == "ofd":
        return stamp_ofd(data, text)
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


# An upload is at most 50 MB (kernel.files); a DOCX or OFD of that size that unpacks to
# more than this is a bomb, not a document.
_MAX_UNPACKED = 500 * 1024 * 1024


def _check_unpacked(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if sum(i.file_size for i in zf.infolist()) > _MAX_UNPACKED:
            raise CannotWatermark("文件解压后过大")


# --- DOCX ---------------------------------------------------------------------------

def stamp_docx(data: bytes, text: str) -> bytes:
    """The document with the watermark shape in every header a page can show.

    python-docx rewrites only the parts it touches into the package; the body, styles,
    images and the rest keep their content."""
    from docx import Document

    try:
        _check_unpacked(data)
        doc = Document(io.BytesIO(data))
        headers = _docx_headers(doc)
        watermark_docx_headers(headers, text, _docx_font())
        out = io.BytesIO()
        doc.save(out)
    except Exception as exc:  # a damaged file: the caller refuses the download
        raise CannotWatermark(str(exc)) from None
    return out.getvalue()


def _docx_headers(doc) -> list:
    """Each header part that some page uses, once: the default header of every section,
    the first-page header where the section has one, the even-page header where the
    document has them. A kind that is shown but has no part yet (no header at all, or
    linked to a previous section that has none) gets one from python-docx, in the first
    section that the later ones inherit it from, so that no page goes unmarked."""
    even_pages = doc.settings.odd_and_even_pages_header_footer
    seen: set[str] = set()
    headers = []
    for section in doc.sections:
        kinds = [(section.header, True),
                 (section.first_page_header, section.different_first_page_header_footer),
                 (section.even_page_header, even_pages)]
        for header, shown in kinds:
            # an existing part is marked even when it is not shown now: Word shows it as
            # soon as someone ticks 首页不同 or 奇偶页不同
            if not shown and header.is_linked_to_previous:
                continue
            name = str(header.part.partname)
            if name not in seen:
                seen.add(name)
                headers.append(header)
    return headers


def _docx_font() -> str:
    """The family name the rendered DOCX use for 黑体 (settings.LAYOUT_FONTS)."""
    from zhongshu.layout.fonts import configured_faces

    return configured_faces()["heiti"].name


# --- OFD ----------------------------------------------------------------------------

_ID = re.compile(rb'\bID="\s*(\d+)\s*"')


def _parser() -> etree.XMLParser:
    # one per use: an lxml parser must not be shared by waitress's threads; no entities or
    # network fetches from an uploaded file
    return etree.XMLParser(resolve_entities=False, no_network=True)


def _q(tag: str) -> str:
    return f"{{{OFD_NS}}}{tag}"


def stamp_ofd(data: bytes, text: str) -> bytes:
    """The package with a Foreground layer carrying ``text`` added to every page, the text
    in a new font resource (a subset of the configured 黑体, embedded, since the fonts the
    file declares hold only the characters it already shows). Every other entry of the
    package is copied as it is. A digital signature over the pages no longer verifies on
    the stamped copy, which is what a copy for one reader is."""
    try:
        return _OfdStamper(data).stamp(text)
    except CannotWatermark:
        raise
    except Exception as exc:  # a damaged file: the caller refuses the download
        raise CannotWatermark(f"OFD 文件已损坏：{exc}") from None


class _OfdStamper:
    def __init__(self, data: bytes):
        _check_unpacked(data)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.infos = zf.infolist()
            self.files = {i.filename: zf.read(i) for i in self.infos}  # checks every CRC
        self.added: dict[str, bytes] = {}
        self.changed: dict[str, etree._Element] = {}

    def _xml(self, name: str) -> etree._Element:
        if name in self.changed:
            return self.changed[name]
        if name not in self.files:
            raise CannotWatermark(f"OFD 文件缺少 {name}")
        return etree.fromstring(self.files[name], _parser())

    @staticmethod
    def _resolve(base: str, loc: str | None) -> str:
        """An ST_Loc: absolute from the package root, or relative to the referring file."""
        loc = (loc or "").strip().replace("\\", "/")
        if not loc:
            raise CannotWatermark("OFD 文件的引用为空")
        path = loc.lstrip("/") if loc.startswith("/") else posixpath.join(posixpath.dirname(base), loc)
        return posixpath.normpath(path)

    def stamp(self, text: str) -> bytes:
        root = self._xml("OFD.xml")
        bodies = root.findall(_q("DocBody"))
        if not bodies:
            raise CannotWatermark("OFD 文件没有文档")
        pages = sum(self._stamp_document(self._resolve("OFD.xml", body.findtext(_q("DocRoot"))), text)
                    for body in bodies)
        if not pages:
            raise CannotWatermark("OFD 没有页面")
        return self._package()

    def _stamp_document(self, path: str, text: str) -> int:
        document = self._xml(path)
        common = document.find(_q("CommonData"))
        max_id = common.find(_q("MaxUnitID")) if common is not None else None
        if max_id is None:
            raise CannotWatermark("OFD 文件缺少 MaxUnitID")
        # MaxUnitID should bound every ID in the document, but not every producer keeps it
        # up to date (an annotation added later): new IDs go above both
        folder = posixpath.dirname(path)
        used = (int(i) for name, data in self.files.items()
                if name.startswith(f"{folder}/" if folder else "") and name.endswith(".xml")
                for i in _ID.findall(data))
        ids = [max(int(max_id.text.strip()), *used)]

        def next_id() -> int:  # new objects take IDs above every one in use
            ids[0] += 1
            return ids[0]

        font_id = self._add_font(path, common, next_id(), text)
        default_box = _box(common.findtext(f"{_q('PageArea')}/{_q('PhysicalBox')}"))
        done: set[str] = set()
        for page in document.iterfind(f"{_q('Pages')}/{_q('Page')}"):
            content_path = self._resolve(path, page.get("BaseLoc"))
            if content_path in done:  # two page entries sharing one content file
                continue
            done.add(content_path)
            self._stamp_page(content_path, text, font_id, next_id, default_box)
        max_id.text = str(ids[0])
        self.changed[path] = document
        return len(done)

    def _stamp_page(self, path: str, text: str, font_id: int, next_id, default_box) -> None:
        page = self._xml(path)
        width, height = _box(page.findtext(f"{_q('Area')}/{_q('PhysicalBox')}")) or default_box or (210, 297)
        content = page.find(_q("Content"))
        if content is None:  # a page drawn from its template only
            content = etree.Element(_q("Content"))
            actions = page.find(_q("Actions"))  # Content comes before Actions
            if actions is not None:
                actions.addprevious(content)
            else:
                page.append(content)
        layer = ofd_watermark_layer(text, font_id, next_id, width=width, height=height)
        wrapper = etree.fromstring(f'<ofd:w xmlns:ofd="{OFD_NS}">{layer}</ofd:w>', _parser())
        content.append(wrapper[0])  # the last layer: drawn above the body
        self.changed[path] = page

    def _add_font(self, document_path: str, common: etree._Element, font_id: int, text: str) -> int:
        """A new public resource file beside Document.xml that declares the font, so the
        document's own resource files stay as they are."""
        folder = posixpath.dirname(document_path)
        name = "ZhongshuWatermark"
        n = 1
        while any(f == posixpath.join(folder, f"{name}.xml") or f.startswith(posixpath.join(folder, name) + "/")
                  for f in [*self.files, *self.added]):
            n += 1
            name = f"ZhongshuWatermark{n}"
        font, ext, family = self._font_file(text)
        self.added[posixpath.join(folder, name, f"font_{font_id}.{ext}")] = font
        self.added[posixpath.join(folder, f"{name}.xml")] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="{name}">'
            f'<ofd:Fonts><ofd:Font ID="{font_id}" FontName="{family}" FamilyName="{family}">'
            f'<ofd:FontFile>font_{font_id}.{ext}</ofd:FontFile></ofd:Font></ofd:Fonts></ofd:Res>').encode()
        res = etree.Element(_q("PublicRes"))
        res.text = f"{name}.xml"
        # CommonData's order: MaxUnitID, PageArea, PublicRes…, DocumentRes…, TemplatePage…
        before = [e for e in common if etree.QName(e).localname in {"MaxUnitID", "PageArea", "PublicRes"}]
        before[-1].addnext(res)
        return font_id

    def _font_file(self, text: str) -> tuple[bytes, str, str]:
        from xml.sax.saxutils import escape

        from zhongshu.layout.fonts import FontConfigError, FontSet

        try:
            fonts = FontSet()
        except FontConfigError as exc:  # not the file's fault, but it cannot be stamped either
            raise CannotWatermark(str(exc)) from None
        return (fonts.subset("heiti", text), "otf" if fonts.is_cff("heiti") else "ttf",
                escape(fonts.faces["heiti"].name, {'"': "&quot;"}))

    def _package(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for info in self.infos:  # the original order and compression, OFD.xml first
                if info.filename in self.changed:
                    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(
                        self.changed[info.filename], xml_declaration=False, encoding="utf-8")
                else:
                    data = self.files[info.filename]
                zf.writestr(info, data)
            for name, data in self.added.items():
                zf.writestr(name, data)
        return out.getvalue()


def _box(value: str | None) -> tuple[float, float] | None:
    """Width and height (mm) from a PhysicalBox "x y w h"."""
    parts = (value or "").replace(",", " ").split()
    if len(parts) != 4:
        return None
    width, height = float(parts[2]), float(parts[3])
    return (width, height) if width > 0 and height > 0 else None


def stamped_copy(data: bytes, kind: str, content_type: str, name: str, viewer: Any) -> tuple[bytes, str, str]:
    """A classified file as ``viewer`` downloads it: ``(bytes, content type, file name)``,
    stamped with their name and the time — PDF, DOCX and OFD in their own format, a scan
    as the PDF it is stamped into (decision 0605). Raises CannotWatermark: such a file is
    not served at all."""
    data = stamp(data, kind, watermark_text(viewer.full_name, timezone.localtime()))
    if kind in {"docx", "ofd"}:
        return data, content_type, name
    return data, "application/pdf", name if kind == "pdf" else f"{name}.pdf"
