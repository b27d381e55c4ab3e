"""The viewer's name and the time, stamped on every page of a classified download.

PDF is stamped in place with the renderer's own watermark (``layout.pdf.draw_watermark``:
one PDF watermark for rendered and uploaded documents); a scanned image (PNG, JPEG, TIFF)
is turned into a PDF and stamped. A DOCX stays a DOCX with Word's own watermark shape in
every header, and an OFD stays an OFD with a watermark layer on every page: the same
drawings as the documents the layout module renders (``layout.watermarks``). Anything
that cannot be stamped is refused with ``CannotWatermark``; the caller then refuses the
download (docs/incoming.md, decision 0605).

Memory (docs/decisions/1150): the stamped copy is written to a spooled temporary file, not
built in memory; the members of a package that are not changed (pictures, fonts, embedded
objects) are copied from the upload a chunk at a time; the XML that must be parsed is at
most ``Limits.stamp_max_xml`` bytes, and an OFD's pages are parsed one at a time.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import shutil
import zipfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

import pymupdf
from django.utils import timezone
from lxml import etree

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.section import _Header

from zhongshu.kernel.files import MB, FileDownload, Limits, check_stored, spool

from . import geometry as g
from .watermarks import OFD_NS, ofd_watermark_layer, watermark_docx_headers, watermark_text

_COPY_CHUNK = 1 * MB


class CannotWatermark(ValueError):
    """The file cannot carry the viewer's watermark, so it is not handed out."""


class TooLargeToStamp(CannotWatermark):
    """Stamping it would pass the memory ceiling; the message says so, in Chinese."""


STAMPABLE = {"pdf", "png", "jpeg", "tiff", "docx", "ofd"}


def stamp(data: bytes, kind: str, text: str) -> bytes:
    """``data`` (of file kind ``kind``) with ``text`` across every page, in memory: for
    tests and small files. Downloads use ``stamp_into``."""
    out = io.BytesIO()
    stamp_into(data, kind, text, out)
    return out.getvalue()


def stamp_into(data: bytes, kind: str, text: str, out: IO[bytes]) -> None:
    """Write ``data`` with ``text`` across every page to ``out``: a PDF for a PDF or a scan,
    a DOCX for a DOCX, an OFD for an OFD. Any other kind cannot be stamped."""
    if kind not in STAMPABLE:
        raise CannotWatermark(f"无法为 {kind} 文件加注水印")
    if kind in {"docx", "ofd"}:
        try:
            package = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise CannotWatermark(f"文件已损坏：{exc}") from None
        with package:
            _check_ceiling(package, kind)
            if kind == "docx":
                stamp_docx(package, text, out)
            else:
                stamp_ofd(package, text, out)
        return
    if kind != "pdf":
        try:
            with pymupdf.open(stream=data, filetype=kind) as image:
                data = image.convert_to_pdf()
        except Exception as exc:
            raise CannotWatermark(str(exc)) from None
    stamp_pdf(data, text, out)


def _check_ceiling(package: zipfile.ZipFile, kind: str) -> None:
    """Refuse before parsing anything if the XML this stamp must parse exceeds the
    ceiling: a DOCX is parsed whole, an OFD a page at a time. Also the intake's limits,
    for files stored before intake checked them."""
    limits = Limits.current()
    infos = package.infolist()
    if sum(i.file_size for i in infos) > limits.max_unpacked:
        raise TooLargeToStamp(f"文件解压后超过 {limits.max_unpacked // MB} MB")
    xml = [i.file_size for i in infos if _is_xml(i.filename)]
    parsed = sum(xml) if kind == "docx" else max(xml, default=0)
    if parsed > limits.stamp_max_xml:
        raise TooLargeToStamp(f"文件的文字部分过大（{parsed / MB:.0f} MB，加注水印的上限为 "
                              f"{limits.stamp_max_xml // MB} MB）")


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _copy_member(src: zipfile.ZipFile, info: zipfile.ZipInfo, dst: zipfile.ZipFile) -> None:
    """Copy one member a chunk at a time, with its name, date and compression; zipfile
    checks its CRC as it is read."""
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type, copy.external_attr = info.compress_type, info.external_attr
    copy.file_size = info.file_size  # lets zipfile choose ZIP64 headers when needed
    with src.open(info) as reader, dst.open(copy, "w") as writer:
        shutil.copyfileobj(reader, writer, _COPY_CHUNK)


# --- PDF ------------------------------------------------------------------------------

def _mark_page(text: str) -> pymupdf.Document:
    """One A4 page carrying the renderer's watermark (``layout.pdf.draw_watermark``) in an
    embedded subset of the configured 黑体; stamped pages show it as a form XObject."""
    from .fonts import FontConfigError, FontSet
    from .pdf import draw_watermark

    try:
        fonts = FontSet()
    except FontConfigError as exc:  # not the file's fault, but it cannot be stamped either
        raise CannotWatermark(str(exc)) from None
    mark = pymupdf.open()
    page = mark.new_page(width=g.PAGE_W, height=g.PAGE_H)
    draw_watermark(page, text, pymupdf.Font(fontbuffer=fonts.subset("heiti", text)))
    return mark


_MAX_TILES = 64


def _tiles(page: pymupdf.Page) -> Iterator[pymupdf.Rect]:
    """Where the A4 mark goes on ``page``: scaled to the page's shorter side and repeated
    until the page is covered (a long strip of a page takes larger tiles rather than
    hundreds). In unrotated coordinates, as ``show_pdf_page`` takes them."""
    visible = page.rect
    if min(visible.width, visible.height) < 1:
        raise CannotWatermark("PDF 页面尺寸无效")
    scale = min(visible.width, visible.height) / g.PAGE_W
    while math.ceil(visible.width / (g.PAGE_W * scale)) * math.ceil(visible.height / (g.PAGE_H * scale)) > _MAX_TILES:
        scale *= 2
    width, height = g.PAGE_W * scale, g.PAGE_H * scale
    if page.rotation % 180:
        width, height = height, width
    area = visible * page.derotation_matrix
    y = area.y0
    while y < area.y1:
        x = area.x0
        while x < area.x1:
            yield pymupdf.Rect(x, y, x + width, y + height)
            x += width
        y += height


class _Unnamed:
    """``out`` without its ``name``: PyMuPDF's ``save`` takes a named file object's name
    for a path, and a spooled temporary file's is None."""

    def __init__(self, out: IO[bytes]):
        self._out = out

    def write(self, data: bytes) -> int:
        return self._out.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._out.seek(offset, whence)

    def tell(self) -> int:
        return self._out.tell()

    def truncate(self, size: int | None = None) -> int:
        return self._out.truncate(size)


def stamp_pdf(data: bytes, text: str, out: IO[bytes]) -> None:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # a damaged file: the caller refuses the download
        raise CannotWatermark(str(exc)) from None
    with doc:
        if doc.page_count == 0:
            raise CannotWatermark("PDF 没有页面")
        if doc.needs_pass:
            raise CannotWatermark("PDF 设有打开密码")
        with _mark_page(text) as mark:
            try:
                for page in doc.pages():
                    for tile in _tiles(page):
                        # light grey, rotated, over the whole page so that no crop removes
                        # it; upright for the reader whatever the page's /Rotate
                        page.show_pdf_page(tile, mark, 0, overlay=True, rotate=page.rotation)
                doc.save(_Unnamed(out), garbage=0, deflate=True)
            except Exception as exc:  # a damaged page
                raise CannotWatermark(str(exc)) from None


# --- DOCX ---------------------------------------------------------------------------

def stamp_docx(package: zipfile.ZipFile, text: str, out: IO[bytes]) -> None:
    """The document with the watermark shape in every header a page can show.

    python-docx reads a skeleton of the package (its XML parts, every other member
    empty), so that pictures and embedded objects are never loaded; the stamped package
    takes the XML parts python-docx wrote and copies every other member from the upload."""
    from docx import Document

    try:
        skeleton = io.BytesIO()
        binary: set[str] = set()
        with zipfile.ZipFile(skeleton, "w", zipfile.ZIP_STORED) as sk:
            for info in package.infolist():
                if _is_xml(info.filename):
                    sk.writestr(info.filename, package.read(info))
                else:
                    binary.add(info.filename)
                    sk.writestr(info.filename, b"")
        doc = Document(skeleton)
        del skeleton
        watermark_docx_headers(_docx_headers(doc), text, _docx_font())
        written = io.BytesIO()
        doc.save(written)
        del doc
        with zipfile.ZipFile(written) as stamped, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in stamped.infolist():
                if info.filename in binary:
                    _copy_member(package, package.getinfo(info.filename), dst)
                else:
                    dst.writestr(info, stamped.read(info))
    except CannotWatermark:
        raise
    except Exception as exc:  # a damaged file: the caller refuses the download
        raise CannotWatermark(str(exc)) from None


def _docx_headers(doc: DocxDocument) -> list[_Header]:
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
    from .fonts import configured_faces

    return configured_faces()["heiti"].name


# --- OFD ----------------------------------------------------------------------------

_ID = re.compile(rb'\bID="\s*(\d+)\s*"')


def _parser() -> etree.XMLParser:
    # one per use: an lxml parser must not be shared by waitress's threads; no entities or
    # network fetches from an uploaded file
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _q(tag: str) -> str:
    return f"{{{OFD_NS}}}{tag}"


def stamp_ofd(package: zipfile.ZipFile, text: str, out: IO[bytes]) -> None:
    """The package with a Foreground layer carrying ``text`` added to every page, the text
    in a new font resource (a subset of the configured 黑体, embedded, since the fonts the
    file declares hold only the characters it already shows). Every other entry of the
    package is copied as it is. A digital signature over the pages no longer verifies on
    the stamped copy, which is what a copy for one reader is."""
    try:
        _OfdStamper(package, text).write(out)
    except CannotWatermark:
        raise
    except Exception as exc:  # a damaged file: the caller refuses the download
        raise CannotWatermark(f"OFD 文件已损坏：{exc}") from None


class _OfdDocument:
    """One DocBody's plan: its Document.xml, the pages to stamp, the IDs it gives."""

    def __init__(self, path: str, tree: etree._Element, max_id: etree._Element, last_id: int,
                 default_box: tuple[float, float] | None):
        self.path, self.tree, self.max_id, self.last_id = path, tree, max_id, last_id
        self.default_box = default_box
        self.font_id = 0
        self.pages: list[str] = []

    def next_id(self) -> int:
        """New objects take IDs above every one in use; MaxUnitID ends at the last."""
        self.last_id += 1
        return self.last_id


class _OfdStamper:
    """Two passes over the package. The first reads OFD.xml and each Document.xml and
    plans: which page files to stamp, the new font resources, the first new ID. The
    second writes the package in its own order, OFD.xml first: each page is parsed,
    stamped and written before the next is read; every other member is copied a chunk at
    a time; the Document.xml files (whose MaxUnitID counts the IDs the pages took) and
    the new resources come last."""

    def __init__(self, package: zipfile.ZipFile, text: str):
        self.package, self.text = package, text
        self.infos = package.infolist()
        self.names = {i.filename for i in self.infos}
        self.added: dict[str, bytes] = {}
        self.documents: list[_OfdDocument] = []
        self._fonts: tuple[bytes, str, str] | None = None
        root = self._xml("OFD.xml")
        bodies = root.findall(_q("DocBody"))
        if not bodies:
            raise CannotWatermark("OFD 文件没有文档")
        for body in bodies:
            self._plan(self._resolve("OFD.xml", body.findtext(_q("DocRoot"))))
        self.pages = {page: document for document in self.documents for page in document.pages}
        if not self.pages:
            raise CannotWatermark("OFD 没有页面")

    def _xml(self, name: str) -> etree._Element:
        if name not in self.names:
            raise CannotWatermark(f"OFD 文件缺少 {name}")
        return etree.fromstring(self.package.read(name), _parser())

    @staticmethod
    def _resolve(base: str, loc: str | None) -> str:
        """An ST_Loc: absolute from the package root, or relative to the referring file."""
        loc = (loc or "").strip().replace("\\", "/")
        if not loc:
            raise CannotWatermark("OFD 文件的引用为空")
        path = loc.lstrip("/") if loc.startswith("/") else posixpath.join(posixpath.dirname(base), loc)
        return posixpath.normpath(path)

    def _used_ids(self, folder: str) -> int:
        """The largest ID in any XML file of the document's folder, read a chunk at a time."""
        prefix = f"{folder}/" if folder else ""
        largest = 0
        for info in self.infos:
            if not (info.filename.startswith(prefix) and info.filename.endswith(".xml")):
                continue
            with self.package.open(info) as member:
                tail = b""
                while chunk := member.read(_COPY_CHUNK):
                    window = tail + chunk
                    largest = max([largest, *(int(i) for i in _ID.findall(window))])
                    tail = window[-64:]  # an ID="…" cut by the chunk's edge is whole here
        return largest

    def _plan(self, path: str) -> None:
        document = self._xml(path)
        common = document.find(_q("CommonData"))
        max_id = common.find(_q("MaxUnitID")) if common is not None else None
        if common is None or max_id is None:  # no CommonData has no MaxUnitID either
            raise CannotWatermark("OFD 文件缺少 MaxUnitID")
        # MaxUnitID should bound every ID in the document, but not every producer keeps it
        # up to date (an annotation added later): new IDs go above both
        plan = _OfdDocument(path, document, max_id,
                            max(int((max_id.text or "").strip()), self._used_ids(posixpath.dirname(path))),
                            _box(common.findtext(f"{_q('PageArea')}/{_q('PhysicalBox')}")))
        plan.font_id = self._add_font(path, common, plan.next_id())
        for page in document.iterfind(f"{_q('Pages')}/{_q('Page')}"):
            content = self._resolve(path, page.get("BaseLoc"))
            if content not in self.names:
                raise CannotWatermark(f"OFD 文件缺少 {content}")
            if content not in plan.pages:  # two page entries sharing one content file
                plan.pages.append(content)
        self.documents.append(plan)

    def _stamp_page(self, path: str, plan: _OfdDocument) -> bytes:
        page = self._xml(path)
        width, height = (_box(page.findtext(f"{_q('Area')}/{_q('PhysicalBox')}")) or plan.default_box
                         or (210, 297))
        content = page.find(_q("Content"))
        if content is None:  # a page drawn from its template only
            content = etree.Element(_q("Content"))
            actions = page.find(_q("Actions"))  # Content comes before Actions
            if actions is not None:
                actions.addprevious(content)
            else:
                page.append(content)
        layer = ofd_watermark_layer(self.text, plan.font_id, plan.next_id, width=width, height=height)
        wrapper = etree.fromstring(f'<ofd:w xmlns:ofd="{OFD_NS}">{layer}</ofd:w>', _parser())
        content.append(wrapper[0])  # the last layer: drawn above the body
        return _serialise(page)

    def _add_font(self, document_path: str, common: etree._Element, font_id: int) -> int:
        """A new public resource file beside Document.xml that declares the font, so the
        document's own resource files stay as they are."""
        folder = posixpath.dirname(document_path)
        name = "ZhongshuWatermark"
        n = 1
        while any(f == posixpath.join(folder, f"{name}.xml") or f.startswith(posixpath.join(folder, name) + "/")
                  for f in [*self.names, *self.added]):
            n += 1
            name = f"ZhongshuWatermark{n}"
        font, ext, family = self._font_file()
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

    def _font_file(self) -> tuple[bytes, str, str]:
        from xml.sax.saxutils import escape

        from .fonts import FontConfigError, FontSet

        if self._fonts is None:
            try:
                fonts = FontSet()
            except FontConfigError as exc:  # not the file's fault, but it cannot be stamped either
                raise CannotWatermark(str(exc)) from None
            self._fonts = (fonts.subset("heiti", self.text), "otf" if fonts.is_cff("heiti") else "ttf",
                           escape(fonts.faces["heiti"].name, {'"': "&quot;"}))
        return self._fonts

    def write(self, out: IO[bytes]) -> None:
        documents = {d.path: d for d in self.documents}
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in self.infos:  # the original order and compression, OFD.xml first
                if info.filename in documents:
                    continue  # last: its MaxUnitID counts the IDs the pages take
                plan = self.pages.get(info.filename)
                if plan is not None:
                    dst.writestr(_like(info), self._stamp_page(info.filename, plan))
                else:
                    _copy_member(self.package, info, dst)
            for info in self.infos:
                plan = documents.get(info.filename)
                if plan is not None:
                    plan.max_id.text = str(plan.last_id)
                    dst.writestr(_like(info), _serialise(plan.tree))
            for name, data in self.added.items():
                dst.writestr(name, data)


def _like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A new member with ``info``'s name, date and compression (its sizes are the new ones)."""
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type, copy.external_attr = info.compress_type, info.external_attr
    return copy


def _serialise(tree: etree._Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(
        tree, xml_declaration=False, encoding="utf-8")


def _box(value: str | None) -> tuple[float, float] | None:
    """Width and height (mm) from a PhysicalBox "x y w h"."""
    parts = (value or "").replace(",", " ").split()
    if len(parts) != 4:
        return None
    width, height = float(parts[2]), float(parts[3])
    return (width, height) if width > 0 and height > 0 else None


# --- a download -------------------------------------------------------------------------

def stamped_copy(data: bytes, *, kind: str, content_type: str, name: str, viewer_name: str) -> FileDownload:
    """A classified file as the viewer downloads it, stamped with their name and the time —
    PDF, DOCX and OFD in their own format, a scan as the PDF it is stamped into (decision
    0605) — in a spooled temporary file. Raises CannotWatermark: such a file is not served
    at all."""
    out = spool()
    try:
        stamp_into(data, kind, watermark_text(viewer_name, timezone.localtime()), out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    if kind in {"docx", "ofd"}:
        return FileDownload(out, content_type, name)
    return FileDownload(out, "application/pdf", name if kind == "pdf" else f"{name}.pdf")


def download_copy(data: bytes, *, name: str, kind: str, content_type: str, classified: bool,
                  viewer_name: str) -> FileDownload:
    """A stored file as ``viewer_name`` downloads it: checked again (``check_stored``: a
    file stored before intake checked files may be a bomb or a damaged PDF) and, when the
    document is classified, stamped (``stamped_copy``). Raises UnacceptableFile, whose
    message names the file, or CannotWatermark."""
    check_stored(name, data, kind)
    if classified:
        return stamped_copy(data, kind=kind, content_type=content_type, name=name, viewer_name=viewer_name)
    return FileDownload.of_bytes(data, content_type, name)


def refusal(name: str, exc: CannotWatermark) -> str:
    """What the viewer is told when ``name`` cannot be stamped."""
    why = f"（{exc}）" if isinstance(exc, TooLargeToStamp) else ""
    return f"文件“{name}”无法加注水印{why}，不能下载，请联系机要员核对原件或提供 PDF 版本。"
