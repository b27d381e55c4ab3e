"""The one rendering entry point used by the CLI, the preview page and other apps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .engine import layout_document
from .fonts import FontSet
from .spec import DocumentSpec, load_spec

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ofd": "application/ofd",
}


class RenderError(ValueError):
    pass


def format_for(path: str | Path, explicit: str | None = None) -> str:
    fmt = (explicit or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise RenderError(f"无法判断输出格式“{fmt or Path(path).name}”：请用 .pdf、.docx 或 .ofd 结尾，或指定 --format")
    return fmt


def render(spec: DocumentSpec | dict | str | Path, fmt: str = "pdf", *, viewer: str | None = None,
           when: dt.datetime | None = None, fonts: FontSet | None = None) -> bytes:
    """Render one document. ``viewer`` (a person's name) watermarks a classified document
    with that name and ``when`` (now, if not given)."""
    if not isinstance(spec, DocumentSpec):
        spec = load_spec(spec)
    if fmt not in FORMATS:
        raise RenderError(f"不支持的格式：{fmt}")
    fonts = fonts or FontSet()
    if viewer and when is None:
        when = dt.datetime.now(dt.UTC).astimezone(_shanghai())
    if fmt == "docx":
        from .word import render_docx

        return render_docx(spec, fonts, viewer=viewer, when=when)
    layout = layout_document(spec, fonts)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(layout, fonts, viewer=viewer, when=when)
    from .ofd import render_ofd

    return render_ofd(layout, fonts, viewer=viewer, when=when)


def _shanghai() -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")
