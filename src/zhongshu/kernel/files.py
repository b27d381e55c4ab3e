"""What an uploaded file really is, judged by its content rather than its name.

Offices receive PDF, OFD, DOCX and scanned images; a renamed executable or a corrupt
archive must be refused with a reason the user understands.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileKind("pdf", "PDF", (".pdf",), "application/pdf")
OFD = FileKind("ofd", "OFD", (".ofd",), "application/ofd")
DOCX = FileKind("docx", "Word（DOCX）", (".docx",),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "Excel（XLSX）", (".xlsx",),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PNG = FileKind("png", "PNG 图片", (".png",), "image/png")
JPEG = FileKind("jpeg", "JPEG 图片", (".jpg", ".jpeg"), "image/jpeg")
TIFF = FileKind("tiff", "TIFF 图片", (".tif", ".tiff"), "image/tiff")
ALL_KINDS = (PDF, OFD, DOCX, XLSX, PNG, JPEG, TIFF)
# The files of an official document: what 收文 accepts, and so what 发文 may attach —
# one list, so that a delivered copy is never refused for a kind its sender accepted.
DOCUMENT_KINDS = (PDF, OFD, DOCX, PNG, JPEG, TIFF)


class UnacceptableFile(ValueError):
    """The file may not be accepted; the message says why, in Chinese."""


def _zip_members(head: bytes, data: bytes) -> set[str] | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return set(zf.namelist())
    except zipfile.BadZipFile:
        return None


def sniff(data: bytes) -> FileKind | None:
    """The kind of file ``data`` is, or None when it is none we accept."""
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    members = _zip_members(head, data)
    if members is None:
        return None
    if "OFD.xml" in members:
        return OFD
    if "word/document.xml" in members:
        return DOCX
    if "xl/workbook.xml" in members:
        return XLSX
    return None


def check_upload(name: str, data: bytes, *, allowed: tuple[FileKind, ...],
                 max_bytes: int = 50 * MB) -> FileKind:
    """Accept ``data`` only if it is one of the ``allowed`` kinds and its name agrees."""
    allowed_labels = "、".join(k.label for k in allowed)
    if not data:
        raise UnacceptableFile(f"文件“{name}”是空的。")
    if len(data) > max_bytes:
        raise UnacceptableFile(f"文件“{name}”超过 {max_bytes // MB} MB，请压缩或拆分后上传。")
    kind = sniff(data)
    if kind is None or kind not in allowed:
        found = f"（实际内容为 {kind.label}）" if kind else "（无法识别文件内容）"
        raise UnacceptableFile(f"文件“{name}”不是允许的格式{found}。允许的格式：{allowed_labels}。")
    if not name.lower().endswith(kind.extensions):
        raise UnacceptableFile(
            f"文件“{name}”的扩展名与内容不符：内容是 {kind.label}，扩展名应为 {'/'.join(kind.extensions)}。")
    return kind
