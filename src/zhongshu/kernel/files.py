"""What an uploaded file really is, judged by its content rather than its name, and whether
it is safe to keep and to hand out.

Offices receive PDF, OFD, DOCX and scanned images; a renamed executable, a corrupt archive,
a zip bomb, an XML part with entity declarations, a PDF that runs scripts or carries other
files, or an image of a billion pixels must be refused with a reason the user understands
(docs/decisions/1150, 1151). ``check_upload`` runs every check at intake; ``check_stored``
runs the cheap ones again when a file is downloaded, for files stored before the checks
existed. ``FileDownload`` is what a download hands to the page or the API.
"""

from __future__ import annotations

import io
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, cast

if TYPE_CHECKING:
    import pymupdf
    from PIL import Image

MB = 1024 * 1024
_CHUNK = 256 * 1024


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
BY_CODE = {k.code: k for k in ALL_KINDS}
# The files of an official document: what 收文 accepts, and so what 发文 may attach —
# one list, so that a delivered copy is never refused for a kind its sender accepted.
DOCUMENT_KINDS = (PDF, OFD, DOCX, PNG, JPEG, TIFF)
ZIP_KINDS = frozenset({OFD, DOCX, XLSX})
IMAGE_KINDS = frozenset({PNG, JPEG, TIFF})


class UnacceptableFile(ValueError):
    """The file may not be accepted (or handed out); the message says why, in Chinese."""


# --- limits ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    """What a file may cost to open. Each comes from a setting (config/settings.py, set by
    ZHONGSHU_UPLOAD_* in the environment); the defaults are docs/decisions/1150's."""

    max_unpacked: int = 100 * MB      # a DOCX/OFD/XLSX, all members unpacked
    max_ratio: int = 100              # unpacked : packed, for the package and each large member
    max_members: int = 5000           # entries in one package
    max_xml_depth: int = 256          # nesting of one XML part (libxml2's own default)
    max_pixels: int = 40_000_000      # one image (one page of a TIFF)
    max_frames: int = 1000            # pages of one TIFF
    max_pdf_pages: int = 5000
    stamp_max_xml: int = 32 * MB      # XML a stamper parses for one download (layout.stamp)

    @classmethod
    def current(cls) -> Limits:
        from django.conf import settings

        if not settings.configured:
            return cls()
        default = cls()
        return cls(
            max_unpacked=getattr(settings, "UPLOAD_MAX_UNPACKED_MB", default.max_unpacked // MB) * MB,
            max_ratio=getattr(settings, "UPLOAD_MAX_RATIO", default.max_ratio),
            max_members=getattr(settings, "UPLOAD_MAX_MEMBERS", default.max_members),
            max_xml_depth=getattr(settings, "UPLOAD_MAX_XML_DEPTH", default.max_xml_depth),
            max_pixels=getattr(settings, "UPLOAD_MAX_MEGAPIXELS", default.max_pixels // 1_000_000) * 1_000_000,
            max_frames=getattr(settings, "UPLOAD_MAX_IMAGE_FRAMES", default.max_frames),
            max_pdf_pages=getattr(settings, "UPLOAD_MAX_PDF_PAGES", default.max_pdf_pages),
            stamp_max_xml=getattr(settings, "UPLOAD_STAMP_MAX_XML_MB", default.stamp_max_xml // MB) * MB,
        )


class _Defect(Exception):
    """What is wrong with a file (a phrase that follows its name) and what to do about it."""

    def __init__(self, what: str, advice: str = ""):
        super().__init__(what)
        self.what, self.advice = what, advice


_REEXPORT = "请用原软件重新导出后上传。"
_BOMB = "可能是“压缩炸弹”"


# --- what a file is -------------------------------------------------------------------

def _zip_members(head: bytes, data: bytes) -> set[str] | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
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
    """Accept ``data`` only if it is one of the ``allowed`` kinds, its name agrees, and its
    content passes every check of its kind (``inspect``). Raises UnacceptableFile."""
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
    try:
        inspect(data, kind, thorough=True)
    except _Defect as defect:
        raise UnacceptableFile(f"文件“{name}”{defect.what}，不予接收。{defect.advice}") from None
    return kind


def check_stored(name: str, data: bytes, kind_code: str) -> None:
    """Before a stored file is handed out: the cheap checks again (a package's directory,
    a PDF's structure and active content, an image's size), since a file uploaded before
    the checks existed may be a bomb or a damaged PDF. Raises UnacceptableFile naming it."""
    kind = BY_CODE.get(kind_code)
    if kind is None or sniff(data) is not kind:
        raise UnacceptableFile(f"文件“{name}”的内容与登记的格式不符，不能下载。请联系上传人核对原件。")
    try:
        inspect(data, kind, thorough=False)
    except _Defect as defect:
        raise UnacceptableFile(
            f"文件“{name}”未通过安全检查：{defect.what}，不能下载。请联系上传人核对原件后重新上传。") from None


def inspect(data: bytes, kind: FileKind, *, thorough: bool) -> None:
    """Raise ``_Defect`` if ``data`` (already sniffed as ``kind``) is unsafe or damaged.
    ``thorough`` (at intake) also unpacks and parses every member, loads every PDF page
    and verifies image data; without it only what is cheap to read is checked."""
    limits = Limits.current()
    if kind in ZIP_KINDS:
        _check_zip(data, limits, thorough=thorough)
    elif kind is PDF:
        _check_pdf(data, limits, thorough=thorough)
    elif kind in IMAGE_KINDS:
        _check_image(data, limits, thorough=thorough)


# --- packages (DOCX, OFD, XLSX) --------------------------------------------------------

# A member this large must not unpack to more than max_ratio times its packed size; small
# members (a styles part of zeros) may, but count towards the package's own ratio.
_RATIO_FROM = 1 * MB


def _check_zip(data: bytes, limits: Limits, *, thorough: bool) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _Defect(f"已损坏（{exc}）", _REEXPORT) from None
    with zf:
        infos = zf.infolist()
        _check_directory(infos, len(data), limits)
        if thorough:
            for info in infos:
                _check_member(zf, info, limits)


def _check_directory(infos: list[zipfile.ZipInfo], packed: int, limits: Limits) -> None:
    """Everything the central directory tells without unpacking anything."""
    if len(infos) > limits.max_members:
        raise _Defect(f"包含 {len(infos)} 个部件，超过上限 {limits.max_members} 个", _REEXPORT)
    seen: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in seen:  # two readers may pick different copies
            raise _Defect(f"含有重名的部件 {info.filename}，结构异常", _REEXPORT)
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise _Defect(f"含有加密的部件 {info.filename}，无法检查", "请解除加密后上传。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Defect(f"的部件 {info.filename} 使用了不支持的压缩方式", _REEXPORT)
        total += info.file_size
        if total > limits.max_unpacked:
            raise _Defect(f"解压后超过 {limits.max_unpacked // MB} MB 的上限，{_BOMB}",
                          "请删去不必要的图片或拆分后上传。")
        if info.file_size >= _RATIO_FROM and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _Defect(f"的部件 {info.filename} 解压后是压缩时的 {ratio:.0f} 倍，超过上限 "
                          f"{limits.max_ratio} 倍，{_BOMB}", _REEXPORT)
    if total >= _RATIO_FROM and total > limits.max_ratio * packed:
        raise _Defect(f"解压后是文件大小的 {total / packed:.0f} 倍，超过上限 {limits.max_ratio} 倍，{_BOMB}",
                      _REEXPORT)


def _is_xml_part(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _check_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Unpack one member (its CRC checked by zipfile; never more than its declared size),
    parsing it as XML when it is an XML part."""
    if info.is_dir():
        return
    xml = _XmlCheck(info.filename, limits) if _is_xml_part(info.filename) else None
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                if xml is not None:
                    xml.feed(chunk)
        if xml is not None:
            xml.close()
    except _XmlDefect as exc:
        raise _Defect(str(exc), _REEXPORT) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise _Defect(f"已损坏（部件 {info.filename}：{exc}）", _REEXPORT) from None


class _XmlDefect(ValueError):
    pass


class _XmlTarget:
    """An lxml parser target that builds nothing: it counts depth and refuses any document
    type declaration (so no entity is ever declared, internal or external)."""

    def __init__(self, member: str, max_depth: int):
        self.member, self.max_depth, self.depth = member, max_depth, 0

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _XmlDefect(f"的部件 {self.member} 含有文档类型定义（DTD）或实体声明")

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            raise _XmlDefect(f"的部件 {self.member} 嵌套超过 {self.max_depth} 层")

    def end(self, tag: str) -> None:
        self.depth -= 1

    def close(self) -> None:
        return None


class _XmlCheck:
    """Feed a member's bytes as they are unpacked: memory stays at one chunk."""

    def __init__(self, member: str, limits: Limits):
        from lxml import etree

        self.member = member
        # types-lxml's ParserTarget protocol lists every callback; lxml calls only those
        # the target has, and this one needs only these.
        target = cast("etree.ParserTarget[None]", _XmlTarget(member, limits.max_xml_depth))
        self.parser = etree.XMLParser(target=target,
                                      resolve_entities=False, no_network=True, huge_tree=False,
                                      load_dtd=False)

    def feed(self, chunk: bytes) -> None:
        self._run(self.parser.feed, chunk)

    def close(self) -> None:
        self._run(self.parser.close)

    def _run(self, step: Callable[..., object], *args: bytes) -> None:
        from lxml import etree

        try:
            step(*args)
        except _XmlDefect:
            raise
        except etree.XMLSyntaxError as exc:
            raise _XmlDefect(f"的部件 {self.member} 不是有效的 XML（{exc.msg}）") from None


# --- PDF --------------------------------------------------------------------------------

# What a PDF may not carry (docs/decisions/1151), found in each object as MuPDF prints it
# (names already decoded: /J#61vaScript reads /JavaScript).
_ACTIVE = [
    (re.compile(rb"/S\s*/JavaScript\b|/JS\s*[(<\[0-9]|/JavaScript\s*[<\[0-9]"), "JavaScript 脚本"),
    (re.compile(rb"/S\s*/Launch\b"), "启动外部程序的动作"),
    (re.compile(rb"/S\s*/(?:SubmitForm|ImportData)\b"), "提交或导入数据的动作"),
    (re.compile(rb"/Type\s*/EmbeddedFile\b|/EF\s*(?:<<|[0-9])|/EmbeddedFiles\s*[<\[0-9]"), "嵌入的文件"),
    (re.compile(rb"/S\s*/GoToE\b"), "打开嵌入文件的动作"),
    (re.compile(rb"/Subtype\s*/RichMedia\b|/S\s*/RichMediaExecute\b"), "多媒体（RichMedia）内容"),
    (re.compile(rb"/XFA\s*[\[<(0-9]"), "XFA 动态表单"),
]
_ACTIVE_ADVICE = ("这些内容可能危害查看者的计算机。请让来文单位提供不含这些内容的文件"
                  "（如“打印”为 PDF），或打印后扫描登记；嵌入的文件请另作附件上传。")


def _check_pdf(data: bytes, limits: Limits, *, thorough: bool) -> None:
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception:  # MuPDF raises several types for a file it cannot read
        raise _Defect("无法作为 PDF 打开（文件已损坏）", _REEXPORT) from None
    with doc:
        if doc.needs_pass:
            raise _Defect("设有打开密码", "请解除密码后上传。")
        if doc.page_count == 0:
            raise _Defect("没有页面", _REEXPORT)
        if doc.page_count > limits.max_pdf_pages:
            raise _Defect(f"有 {doc.page_count} 页，超过上限 {limits.max_pdf_pages} 页", "请拆分后上传。")
        if thorough:
            try:
                for page in doc.pages():  # a broken page tree or page object shows here
                    page.rect  # noqa: B018
            except Exception:
                raise _Defect("有无法读取的页面（文件已损坏）", _REEXPORT) from None
        if doc.is_repaired:  # MuPDF had to rebuild the cross-reference table
            raise _Defect("的 PDF 结构已损坏，需要修复才能打开",
                          "请用原软件重新导出，或用 PDF 阅读器“另存为”新文件后上传。")
        found = _active_content(doc)
        if found:
            raise _Defect(f"含有以下内容：{'、'.join(found)}", _ACTIVE_ADVICE)


def _active_content(doc: pymupdf.Document) -> list[str]:
    found: list[str] = []
    for xref in range(1, doc.xref_length()):
        try:
            text = doc.xref_object(xref, compressed=True).encode("latin-1", "replace")
        except Exception:  # noqa: S112 (a free or broken object carries nothing to find)
            continue
        if b"/" not in text:
            continue
        for pattern, label in _ACTIVE:
            if label not in found and pattern.search(text):
                found.append(label)
    return found


# --- images -----------------------------------------------------------------------------

def _check_image(data: bytes, limits: Limits, *, thorough: bool) -> None:
    from PIL import Image, UnidentifiedImageError

    advice = "请降低扫描分辨率（如 300 dpi）后上传。"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                frames = getattr(image, "n_frames", 1)
                if frames > limits.max_frames:
                    raise _Defect(f"有 {frames} 页，超过上限 {limits.max_frames} 页", "请拆分后上传。")
                for width, height in _frame_sizes(image, frames):
                    if width * height > limits.max_pixels:
                        raise _Defect(f"的图像过大（{width}×{height} 像素，上限 {limits.max_pixels // 10_000} 万像素）",
                                      advice)
            if thorough:
                with Image.open(io.BytesIO(data)) as image:
                    image.verify()  # chunk checksums and structure, without decoding pixels
        except Image.DecompressionBombError:
            raise _Defect(f"的图像过大（上限 {limits.max_pixels // 10_000} 万像素）", advice) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise _Defect("无法作为图像读取（文件已损坏）", _REEXPORT) from None


def _frame_sizes(image: Image.Image, frames: int) -> Iterator[tuple[int, int]]:
    for n in range(frames):
        if n:
            image.seek(n)  # reads the next page's header only
        yield image.size


# --- downloads --------------------------------------------------------------------------

# A stamped copy larger than this goes to a temporary file rather than memory.
SPOOL_BYTES = 4 * MB


def spool() -> IO[bytes]:
    """A file for a copy being made: in memory while small, then on disk, removed on close."""
    from django.conf import settings

    directory = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) if settings.configured else None
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=directory)


@dataclass(frozen=True)
class FileDownload:
    """A file handed to a viewer (发文 attachments, 收文 files, rendered documents): a file
    object positioned at its start, which the response streams and closes."""

    file: IO[bytes]
    content_type: str
    name: str

    @classmethod
    def of_bytes(cls, data: bytes, content_type: str, name: str) -> FileDownload:
        return cls(io.BytesIO(data), content_type, name)

    @property
    def data(self) -> bytes:
        """The whole file in memory, for tests and small files; a view streams ``file``."""
        self.file.seek(0)
        data = self.file.read()
        self.file.seek(0)
        return data
