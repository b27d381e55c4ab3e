"""The one rendering entry point used by the CLI, the preview page and other apps.

    render(spec, "pdf" | "docx" | "ofd", *, viewer=None, when=None, draft=False,
           attachments=(), seal_images=None, words=None, fonts=None) -> bytes
    download_name(spec, fmt) -> "示委办〔2026〕12号 关于…的通知.pdf"
    content_disposition(spec, fmt, inline=False) -> an RFC 6266/5987 header value

Usable without Django or a database (the organisation's names are then simply not known).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

from .attachments import AttachmentError, AttachmentFile, Inserts, match_files
from .engine import Engine
from .fonts import FontSet
from .spec import Attachment, DocumentSpec, load_spec

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ofd": "application/ofd",
}
SealImages = Mapping[int, bytes] | Mapping[str, bytes] | Sequence[bytes | None]

__all__ = ["FORMATS", "AttachmentError", "AttachmentFile", "RenderError", "content_disposition",
           "download_name", "format_for", "render"]


class RenderError(ValueError):
    pass


def format_for(path: str | Path, explicit: str | None = None) -> str:
    fmt = (explicit or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise RenderError(f"无法判断输出格式“{fmt or Path(path).name}”：请用 .pdf、.docx 或 .ofd 结尾，或指定 --format")
    return fmt


def seal_map(spec: DocumentSpec, images: SealImages | None) -> dict[int, bytes]:
    """Seal images by the index of their organ in ``spec.signature``: given by index, by
    the organ's name (the 署名 as the spec has it), or as a list in that order."""
    if not images:
        return {}
    if isinstance(images, Mapping):
        out = {}
        for key, image in images.items():
            if not image:
                continue
            if isinstance(key, int):
                out[key] = image
            elif key in spec.signature:
                out[spec.signature.index(key)] = image
            else:
                raise RenderError(f"印章“{key}”与发文机关署名不符")
        return out
    return {i: image for i, image in enumerate(images) if image}


def render(spec: DocumentSpec | dict | str | Path, fmt: str = "pdf", *, viewer: str | None = None,
           when: dt.datetime | None = None, fonts: FontSet | None = None, draft: bool = False,
           attachments: Iterable[AttachmentFile] = (), seal_images: SealImages | None = None,
           words: Iterable[str] | None = None) -> bytes:
    """Render one document.

    ``viewer`` (a person's name) watermarks a classified document with that name and
    ``when`` (now, if not given). ``draft`` marks every page 草稿 and shows the seals'
    places; an issued copy (``draft=False``) shows each seal's image from ``seal_images``
    (PNG bytes by organ, see ``seal_map``) or nothing where it goes. ``attachments`` are
    uploaded files bound as pages after their 附件 heading (matched by title; a file no
    attachment lists is added to the 附件说明). ``words`` are names no line may split,
    besides the organisation's own units and people.
    """
    if not isinstance(spec, DocumentSpec):
        spec = load_spec(spec)
    if fmt not in FORMATS:
        raise RenderError(f"不支持的格式：{fmt}")
    fonts = fonts or FontSet()
    if viewer and when is None:
        when = dt.datetime.now(dt.UTC).astimezone(_shanghai())
    seals = seal_map(spec, seal_images)
    inserts = None
    files = list(attachments)
    if files:
        by_index, extra = match_files([a.title for a in spec.attachments], files)
        if extra:
            spec = dataclasses.replace(spec, attachments=spec.attachments + tuple(Attachment(t) for t in extra))
        inserts = Inserts(by_index)
    try:
        engine = Engine(spec, fonts, words=words, inserted=inserts.counts() if inserts else None)
        layout = engine.layout()
        if fmt == "pdf":
            from .pdf import render_pdf

            return render_pdf(layout, fonts, viewer=viewer, when=when, draft=draft, seal_images=seals,
                              inserts=inserts)
        if fmt == "ofd":
            from .ofd import render_ofd

            return render_ofd(layout, fonts, viewer=viewer, when=when, draft=draft, seal_images=seals,
                              inserts=inserts)
        from .word import render_docx

        images = {i: inserts.image(*page.insert) for i, page in enumerate(layout.pages)
                  if page.insert is not None} if inserts else {}
        return render_docx(spec, engine, layout, viewer=viewer, when=when, draft=draft,
                           seal_images=seals, page_images=images)
    finally:
        if inserts is not None:
            inserts.close()


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def download_name(spec: DocumentSpec, fmt: str) -> str:
    """A file name by 发文字号 and 标题 (示委办〔2026〕12号 关于…的通知.pdf), without characters
    a file system or a header forbids, at most 120 characters before the extension."""
    title = spec.title or (spec.mark or (spec.issuers[0].name if spec.issuers else "")) or spec.doc_type
    name = " ".join(part for part in (spec.doc_number, title) if part)
    name = re.sub(r"\s+", " ", _UNSAFE.sub("", name)).strip(" .") or "公文"
    return f"{name[:120].rstrip()}.{fmt}"


def content_disposition(spec: DocumentSpec, fmt: str, *, inline: bool = False) -> str:
    """A Content-Disposition value with the download name: an ASCII fallback and the UTF-8
    name in RFC 5987 form (``filename*=UTF-8''…``), which every current browser uses."""
    name = download_name(spec, fmt)
    fallback = name if re.fullmatch(r"[A-Za-z0-9._ -]+", name) else f"document.{fmt}"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _shanghai() -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")
