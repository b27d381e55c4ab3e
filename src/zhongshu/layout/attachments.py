"""Uploaded attachment files bound into the rendered document as pages (issue 12 §7).

Each file becomes PDF pages first — a PDF as it is, an image as one page, an OFD drawn by
``ofd_read``, a DOCX converted by LibreOffice — and each page is then fitted into the text
block of a page of its own, after its attachment's heading page (7.3.7: attachments follow
the body, are bound with it and continue its page numbers). The PDF draws the pages as
vectors; the DOCX and OFD carry them as images (decision 0705).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from . import geometry as g

IMAGE_KINDS = {"png": "png", "jpeg": "jpeg", "jpg": "jpeg", "tiff": "tiff", "tif": "tiff"}
KINDS = ("pdf", "ofd", "docx", *IMAGE_KINDS)
IMAGE_DPI = 150  # pages carried as images in DOCX and OFD
LIBREOFFICE_TIMEOUT = 180


class AttachmentError(ValueError):
    """An attachment file cannot be turned into pages; the message says why, in Chinese."""


@dataclass(frozen=True)
class AttachmentFile:
    """An uploaded attachment: its title (as in the 附件说明), its kind as ``kernel.files``
    codes it (pdf, ofd, docx, png, jpeg, tiff) and its bytes."""

    title: str
    kind: str
    content: bytes


def fitted_rect(width: float, height: float) -> tuple[float, float, float, float]:
    """Where a page (or image) of ``width`` × ``height`` goes: as large as fits the text
    block, centred across it, at its top."""
    scale = min(g.BLOCK_W / width, g.BLOCK_H / height)
    w, h = width * scale, height * scale
    x0 = g.LEFT + (g.BLOCK_W - w) / 2
    return x0, g.TOP, x0 + w, g.TOP + h


_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 32


def _cached(kind: str, data: bytes, convert) -> bytes:
    key = kind + hashlib.sha256(data).hexdigest()
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    pdf = convert(data)
    with _cache_lock:
        _cache[key] = pdf
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return pdf


def _docx_to_pdf(data: bytes) -> bytes:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise AttachmentError("服务器未安装 LibreOffice，无法把 DOCX 附件排入文件，请上传 PDF 或 OFD 版本")
    with tempfile.TemporaryDirectory(prefix="zhongshu-docx-") as tmp:
        source = Path(tmp) / "attachment.docx"
        source.write_bytes(data)
        try:
            subprocess.run([office, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", tmp,
                            str(source)], check=True, capture_output=True, timeout=LIBREOFFICE_TIMEOUT,
                           env={"HOME": tmp, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            raise AttachmentError("DOCX 附件无法转换为页面（LibreOffice 转换失败）") from None
        out = Path(tmp) / "attachment.pdf"
        if not out.is_file():
            raise AttachmentError("DOCX 附件无法转换为页面（LibreOffice 没有输出）")
        return out.read_bytes()


def _ofd_to_pdf(data: bytes) -> bytes:
    from .fonts import FontSet
    from .ofd_read import OfdError, ofd_to_pdf

    try:  # characters whose font the file does not carry are drawn in 仿宋
        return ofd_to_pdf(data, Path(FontSet().faces["fangsong"].file).read_bytes())
    except OfdError as exc:
        raise AttachmentError(f"OFD 附件无法读取：{exc}") from None


def _image_to_pdf(kind: str, data: bytes) -> bytes:
    try:
        with pymupdf.open(stream=data, filetype=IMAGE_KINDS[kind]) as image:
            return image.convert_to_pdf()
    except (RuntimeError, ValueError):
        raise AttachmentError("图片附件已损坏，无法读取") from None


def as_pdf(file: AttachmentFile) -> bytes:
    """The attachment's pages as a PDF."""
    kind = file.kind.lower()
    if kind == "pdf":
        return file.content
    if kind in IMAGE_KINDS:
        return _image_to_pdf(kind, file.content)
    if kind == "ofd":
        return _cached("ofd", file.content, _ofd_to_pdf)
    if kind == "docx":
        return _cached("docx", file.content, _docx_to_pdf)
    raise AttachmentError(f"附件“{file.title}”的格式（{file.kind}）不能排入文件，应为 PDF、OFD、DOCX 或图片")


class Inserts:
    """The uploaded files of a document, opened as PDF, by attachment index."""

    def __init__(self, files: dict[int, AttachmentFile]):
        self.files = files
        self.docs: dict[int, pymupdf.Document] = {}
        for index, file in files.items():
            try:
                doc = pymupdf.open(stream=as_pdf(file), filetype="pdf")
            except (RuntimeError, ValueError):
                raise AttachmentError(f"附件“{file.title}”已损坏，无法读取") from None
            if doc.needs_pass:
                raise AttachmentError(f"附件“{file.title}”设有密码，无法排入文件")
            self.docs[index] = doc

    def counts(self) -> dict[int, int]:
        return {index: len(doc) for index, doc in self.docs.items()}

    def show(self, page: pymupdf.Page, index: int, number: int) -> None:
        """Draw page ``number`` of attachment ``index`` into ``page``'s text block."""
        source = self.docs[index]
        rect = source[number].rect
        page.show_pdf_page(pymupdf.Rect(*fitted_rect(rect.width, rect.height)), source, number)

    def image(self, index: int, number: int) -> bytes:
        """Page ``number`` of attachment ``index`` as a PNG, for DOCX and OFD."""
        pix = self.docs[index][number].get_pixmap(dpi=IMAGE_DPI)
        return pix.tobytes("png")

    def close(self) -> None:
        for doc in self.docs.values():
            doc.close()


def match_files(titles: Sequence[str], files: Sequence[AttachmentFile]) -> tuple[dict[int, AttachmentFile], list[str]]:
    """Uploaded files by the index of the listed attachment with the same title; files no
    attachment lists get new entries at the end (their titles are returned)."""
    by_index: dict[int, AttachmentFile] = {}
    extra: list[str] = []
    free = list(titles)
    for file in files:
        title = file.title.strip()
        if title in free and titles.index(title) not in by_index:
            by_index[titles.index(title)] = file
            continue
        extra.append(title)
        by_index[len(titles) + len(extra) - 1] = file
    return by_index, extra
