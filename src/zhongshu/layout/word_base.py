"""Shared pieces of the DOCX writer: its measures, styles and small run helpers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips

from . import docx_xml as x
from . import geometry as g

LINE_TWIPS = 578  # 28.9 pt: 22 lines = 635.8 pt, inside the 637.8 pt block with room for rounding
LINE = Twips(LINE_TWIPS)
CONDENSE_TWIPS = round(g.TRACK * 20)  # -0.25 pt per character, as the engine measures
RED = RGBColor(0xFF, 0, 0)
RED_LINE_SPACE = 5  # pt between the number's line box and the red line: 4 mm below its glyphs
# Where LibreOffice and Word set a glyph in a paragraph of exact line height: its em box's
# bottom this far above the line's bottom (measured, 16–50 pt).
GLYPH_BOTTOM_GAP = 5.78
LETTER_MARK_SHIFT = g.MM
KINSOKU_LISTS = False

STYLES = {
    # name: (face, size, alignment)
    "正文": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "份号": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "密级和保密期限": ("heiti", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "紧急程度": ("heiti", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "发文机关标志": ("xiaobiaosong", g.MARK_MAX_SIZE, WD_ALIGN_PARAGRAPH.CENTER),
    "发文字号": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.CENTER),
    "标题": ("xiaobiaosong", g.TITLE, WD_ALIGN_PARAGRAPH.CENTER),
    "主送机关": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "一级标题": ("heiti", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "二级标题": ("kaiti", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "三级标题": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "四级标题": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "附件说明": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "发文机关署名": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.RIGHT),
    "成文日期": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.RIGHT),
    "附注": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "附件标识": ("heiti", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "附件标题": ("xiaobiaosong", g.TITLE, WD_ALIGN_PARAGRAPH.CENTER),
    "表格": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.CENTER),
    "出席": ("fangsong", g.BODY, WD_ALIGN_PARAGRAPH.LEFT),
    "版记主送机关": ("fangsong", g.SMALL, WD_ALIGN_PARAGRAPH.LEFT),
    "抄送机关": ("fangsong", g.SMALL, WD_ALIGN_PARAGRAPH.LEFT),
    "印发机关和印发日期": ("fangsong", g.SMALL, WD_ALIGN_PARAGRAPH.LEFT),
    "页码": ("songti", g.SMALL, WD_ALIGN_PARAGRAPH.RIGHT),
}
HEADING_STYLE = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题"}
EMBEDDED_FACES = ("xiaobiaosong", "fangsong", "heiti", "kaiti", "songti")
# characters a clerk is likely to type while editing, embedded with the document's own
EDITING_CHARS = ("".join(chr(c) for c in range(0x20, 0x7F)) + "，。、；：？！（）《》“”‘’〔〕【】…—·★"
                 + "\u2060\u2011")  # the word joiner and non-breaking hyphen the DOCX uses

def _fonts_of(run_or_style, name: str) -> None:
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = x.put(rpr, "rFonts", x.RPR)
    for attr in list(rfonts.attrib):  # a theme font would win over the name
        if attr.endswith("Theme"):
            del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)

_NUMBER_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")

def add_text(paragraph, text: str):
    """Runs for ``text`` in which a hyphen between digits (0000-12345678) is Word's
    non-breaking hyphen: word processors break after a hyphen, the engine never inside a
    number. Returns the runs."""
    runs = []
    for k, piece in enumerate(text.split("\n")):  # line breaks the engine asks for
        if k:
            runs.append(paragraph.add_run())
            runs[-1].add_break()
        parts = _NUMBER_HYPHEN.split(piece)
        for i, part in enumerate(parts):
            run = paragraph.add_run(part)
            runs.append(run)
            if i < len(parts) - 1:
                run._r.append(OxmlElement("w:noBreakHyphen"))
    return runs

def _exact(paragraph, height_pt: float) -> None:
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(height_pt)

def _no_grid(paragraph) -> None:
    x.put(paragraph._p.get_or_add_pPr(), "snapToGrid", x.PPR, val="0")



if TYPE_CHECKING:
    from .engine import Engine
    from .model import Layout
    from .spec import Block, DocumentSpec


class WriterParts:
    """What the DOCX writer's mixins (``word_head``, ``word_closing``) use of the writer
    (``word._Writer``), declared for the type checker. python-docx is untyped: its
    objects are ``Any``."""

    spec: DocumentSpec
    engine: Engine
    layout: Layout
    draft: bool
    seal_images: Mapping[int, bytes]
    page_images: Mapping[int, bytes]
    container: Any
    shapes: int
    doc: Any

    if TYPE_CHECKING:
        def name(self, face: str) -> str: ...

        def para(self, text: str = "", style: str = "正文", *, before: float = 0, color: Any = None,
                 size: Any = None, face: str | None = None, key: str = "") -> Any: ...

        def blank_rows(self, rows: int, key: str = "") -> None: ...

        def title(self, text: str, style: str, *, before: float = 0, key: str = "") -> Any: ...

        def lines_with_page_breaks(self, p: Any, key: str, lines: list[str], face: str | None = None,
                                   prefix: tuple[int, str] | None = None) -> None: ...

        def blocks(self, blocks: tuple[Block, ...], prefix: str = "body.") -> None: ...
