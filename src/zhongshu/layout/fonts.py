"""Font faces bound to files (never to Windows font names, which do not resolve on Linux).

Five faces carry a 公文: 小标宋 (marks, titles), 仿宋 (everything by default), 黑体 (level-1
headings, classification), 楷体 (level-2 headings, signers), 宋体 (page numbers). A sixth,
``fallback``, supplies glyphs a face lacks; since every glyph is placed on the layout grid a
fallback glyph cannot make a line taller.

The files come from ``settings.LAYOUT_FONTS`` when Django is configured, otherwise from
the free Debian defaults below. Each face is subset to the characters used before it is
embedded, so a three-page document carries kilobytes of font, not megabytes.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FANDOL = "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
NOTO = "/usr/share/fonts/opentype/noto"

# face key -> (file, index in a collection, family name written into DOCX)
DEFAULT_FONTS: dict[str, dict] = {
    "xiaobiaosong": {"file": f"{FANDOL}/FandolSong-Bold.otf", "name": "FandolSong", "bold": True},
    "fangsong": {"file": f"{FANDOL}/FandolFang-Regular.otf", "name": "FandolFang"},
    "heiti": {"file": f"{FANDOL}/FandolHei-Regular.otf", "name": "FandolHei"},
    "kaiti": {"file": f"{FANDOL}/FandolKai-Regular.otf", "name": "FandolKai"},
    "songti": {"file": f"{FANDOL}/FandolSong-Regular.otf", "name": "FandolSong"},
    "fallback": {"file": f"{NOTO}/NotoSerifCJK-Regular.ttc", "index": 2, "name": "Noto Serif CJK SC"},
}
FACE_LABELS = {"xiaobiaosong": "小标宋", "fangsong": "仿宋", "heiti": "黑体", "kaiti": "楷体",
               "songti": "宋体", "fallback": "后备字体"}


class FontConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class Face:
    key: str
    file: str
    index: int = 0
    name: str = ""
    bold: bool = False


def configured_faces() -> dict[str, Face]:
    """The faces in force: Django settings if configured, then the defaults."""
    table = dict(DEFAULT_FONTS)
    try:
        from django.conf import settings

        if settings.configured:
            table.update(getattr(settings, "LAYOUT_FONTS", {}) or {})
    except ImportError:  # used outside Django (the proofreader, scripts)
        pass
    faces = {}
    for key, entry in table.items():
        if isinstance(entry, str | os.PathLike):
            entry = {"file": str(entry)}
        faces[key] = Face(key=key, file=str(entry["file"]), index=int(entry.get("index", 0)),
                          name=entry.get("name") or Path(entry["file"]).stem,
                          bold=bool(entry.get("bold", False)))
    return faces


def check_faces(faces: dict[str, Face]) -> list[str]:
    """Problems with the configured files, in Chinese, for the system check and the CLI."""
    problems = []
    for key in FACE_LABELS:
        face = faces.get(key)
        if face is None:
            problems.append(f"未配置{FACE_LABELS[key]}字体（LAYOUT_FONTS['{key}']）")
        elif not Path(face.file).is_file():
            problems.append(f"{FACE_LABELS[key]}字体文件不存在：{face.file}")
    return problems


@lru_cache(maxsize=16)
def _cmap(file: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(file, fontNumber=index, lazy=True)
    return frozenset(font.getBestCmap())


@lru_cache(maxsize=16)
def _advances(file: str, index: int) -> tuple[dict[int, float], float]:
    """Advance widths in em units by code point, and the descender (negative, in em)."""
    from fontTools.ttLib import TTFont

    font = TTFont(file, fontNumber=index, lazy=True)
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    widths = {cp: hmtx[name][0] / upm for cp, name in font.getBestCmap().items() if name in hmtx}
    # OS/2's typographic descender gives the ideographic em box; some fonts' hhea does not
    os2 = font["OS/2"] if "OS/2" in font else None
    descender = (os2.sTypoDescender if os2 is not None else font["hhea"].descent) / upm
    return widths, descender


class FontSet:
    """Metrics and glyph coverage of the configured faces, and their subsets."""

    def __init__(self, faces: dict[str, Face] | None = None):
        self.faces = faces or configured_faces()
        problems = check_faces(self.faces)
        if problems:
            raise FontConfigError("字体配置有误：" + "；".join(problems))

    def has(self, key: str, ch: str) -> bool:
        face = self.faces[key]
        return ord(ch) in _cmap(face.file, face.index)

    def face_for(self, key: str, ch: str) -> str:
        """The face that will draw ``ch``: the asked face, or the fallback if it lacks it."""
        if ch.isspace() or self.has(key, ch):
            return key
        return "fallback" if self.has("fallback", ch) else key

    def advance(self, key: str, ch: str) -> float:
        """Advance width of ``ch`` in em."""
        face = self.faces[key]
        widths, _ = _advances(face.file, face.index)
        return widths.get(ord(ch), 1.0 if ord(ch) > 0x2E7F else 0.5)

    def descender(self, key: str) -> float:
        face = self.faces[key]
        return _advances(face.file, face.index)[1]

    def subset(self, key: str, text: str) -> bytes:
        """The face reduced to the characters in ``text`` (an OpenType/TrueType file)."""
        from fontTools import subset as ft_subset
        from fontTools.ttLib import TTFont

        face = self.faces[key]
        options = ft_subset.Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        # MuPDF rejects some subroutinised CFF subsets; flat charstrings are safe everywhere.
        options.desubroutinize = True
        options.layout_features = []
        font = TTFont(face.file, fontNumber=face.index, lazy=True)
        subsetter = ft_subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(set(text))) or " ")
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()

    def is_cff(self, key: str) -> bool:
        with open(self.faces[key].file, "rb") as fh:
            head = fh.read(4)
        return head == b"OTTO"
