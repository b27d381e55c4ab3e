"""The inline viewer (在线阅读): a document's PDF, OFD or scan shown on its page as page
images rendered on the server (decision in docs/incoming.md "The viewer").

Page images rather than PDF.js: the browser never receives the file itself (a classified
file reaches the screen only as pictures carrying the viewer's watermark), OFD needs no
reader in the browser (the layout module's OFD reader draws it), and nothing is fetched
from outside. Each page is turned into a one-page PDF (``layout.attachments.as_pdf``:
PDF as is, a scan as the PDF it is stamped into, OFD through ``layout.ofd_read``); a
classified document's page is stamped with the viewer's name and the time by the same
PDF watermark as its download (``layout.stamp.stamp_pdf``), then drawn by PyMuPDF.

Every page image answers to the same need-to-know as the download
(``Action.OBJECT_DOWNLOAD``); each page of a classified document shown is audited.
"""

from __future__ import annotations

import io

import pymupdf
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from zhongshu.access.policy import Action, can
from zhongshu.audit.services import record_access
from zhongshu.kernel import files as kfiles
from zhongshu.layout import stamp
from zhongshu.layout.attachments import AttachmentError, AttachmentFile, as_pdf
from zhongshu.layout.watermarks import watermark_text
from zhongshu.org.models import Person

from .models import IncomingDocument, IncomingFile

VIEWABLE = frozenset({"pdf", "ofd", "png", "jpeg", "tiff"})
DPI = 110  # an A4 page about 910 pixels wide: readable on a laptop, light on the server
MAX_PAGES = 300
_COUNT_TTL = 24 * 3600


class CannotView(ValueError):
    """The file cannot be shown in the viewer; the message says why, in Chinese."""


def viewable(file: IncomingFile) -> bool:
    return file.kind in VIEWABLE


def _pdf(file: IncomingFile) -> pymupdf.Document:
    try:
        data = bytes(file.content)
        kfiles.check_stored(file.name, data, file.kind)
        pdf = as_pdf(AttachmentFile(title=file.name, kind=file.kind, content=data))
        doc = pymupdf.open(stream=pdf, filetype="pdf")
    except kfiles.UnacceptableFile as exc:
        raise CannotView(str(exc)) from None
    except (AttachmentError, RuntimeError, ValueError) as exc:
        raise CannotView(f"文件“{file.name}”无法在线显示（{exc}），请下载后查看。") from None
    if doc.needs_pass or doc.page_count == 0:
        doc.close()
        raise CannotView(f"文件“{file.name}”无法在线显示，请下载后查看。")
    return doc


def page_count(file: IncomingFile) -> int:
    """How many pages the viewer shows for ``file`` (a stored file never changes, so the
    count is kept)."""
    if not viewable(file):
        raise CannotView(f"“{file.name}”不能在线阅读，请下载后查看。")
    key = f"incoming:viewer:pages:{file.pk}:{file.size}"
    count = cache.get(key)
    if count is None:
        with _pdf(IncomingFile.objects.get(pk=file.pk)) as doc:
            count = min(doc.page_count, MAX_PAGES)
        cache.set(key, count, _COUNT_TTL)
    return int(count)


def _check(actor: Person, incoming: IncomingDocument, file: IncomingFile) -> None:
    if not can(actor, Action.OBJECT_DOWNLOAD, incoming):
        raise PermissionDenied
    if file.incoming_id != incoming.pk:
        raise PermissionDenied
    if not viewable(file):
        raise CannotView(f"“{file.name}”不能在线阅读，请下载后查看。")


def page_image(*, actor: Person, incoming: IncomingDocument, file: IncomingFile, number: int) -> bytes:
    """Page ``number`` (from 1) of ``file`` as a PNG for ``actor``: stamped with his name
    and the time when the document is classified, exactly as its download is. Raises
    PermissionDenied outside need-to-know, CannotView for a page that does not exist or a
    file that cannot be drawn or stamped."""
    _check(actor, incoming, file)
    with _pdf(file) as doc:
        if not 1 <= number <= min(doc.page_count, MAX_PAGES):
            raise CannotView("没有这一页。")
        one = pymupdf.open()
        one.insert_pdf(doc, from_page=number - 1, to_page=number - 1)
        data = one.tobytes()
        one.close()
    if incoming.is_classified:
        out = io.BytesIO()
        try:
            stamp.stamp_pdf(data, watermark_text(actor.full_name, timezone.localtime()), out)
        except stamp.CannotWatermark as exc:
            raise CannotView(stamp.refusal(file.name, exc).replace("不能下载", "不能在线阅读")) from None
        data = out.getvalue()
    with pymupdf.open(stream=data, filetype="pdf") as page_doc:
        png = page_doc[0].get_pixmap(dpi=DPI, alpha=False).tobytes("png")
    record_access(actor=actor, obj=incoming, details={"file": file.name, "page": number, "viewer": True})
    return png
