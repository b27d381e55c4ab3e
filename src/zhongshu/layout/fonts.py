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

import hashlib
import io
import marshal
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

FANDOL = "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
NOTO = "/usr/share/fonts/opentype/noto"

# face key -> file, index in a collection, and the family name DOCX and OFD name: the faces
# offices' Word and WPS have (GB/T 9704 practice, STANDARDS.md §1.12). The DOCX also embeds
# the file's glyphs under that name, so a machine without the face still shows these.
DEFAULT_FONTS: dict[str, dict] = {
    "xiaobiaosong": {"file": f"{FANDOL}/FandolSong-Bold.otf", "name": "方正小标宋简体"},
    "fangsong": {"file": f"{FANDOL}/FandolFang-Regular.otf", "name": "仿宋_GB2312"},
    "heiti": {"file": f"{FANDOL}/FandolHei-Regular.otf", "name": "黑体"},
    "kaiti": {"file": f"{FANDOL}/FandolKai-Regular.otf", "name": "楷体_GB2312"},
    "songti": {"file": f"{FANDOL}/FandolSong-Regular.otf", "name": "宋体"},
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


class _Source:
    """One font file (a face of a collection), read lazily once per process.

    Layout needs its code points and advance widths; output needs TrueType outlines of the
    glyphs a document uses. CFF outlines (Fandol, Noto CJK) are converted to quadratic
    TrueType ones glyph by glyph, on first use, and kept: a document's subset is then built
    from glyphs already converted (fontTools' FontBuilder), which takes milliseconds where
    cutting a CFF subset took seconds (issue 12 §9), and every format embeds TrueType
    outlines, the kind every OFD reader and word processor can show (issue 12 §8).
    """

    def __init__(self, file: str, index: int):
        self.file, self.index = file, index
        self.lock = threading.Lock()  # fontTools' lazy tables are not thread-safe
        self._font = None
        # code points, advances and the descender, kept on disk beside the converted glyphs:
        # a new process reads them without parsing the face's tables (issue 12 §9)
        meta = _load_stored(file, index, "meta")
        if not meta:
            font = self.font
            upm = font["head"].unitsPerEm
            hmtx = font["hmtx"].metrics
            # OS/2's typographic descender gives the ideographic em box; hhea's may not
            os2 = font["OS/2"] if "OS/2" in font else None
            meta = {"cmap": font.getBestCmap(), "upm": upm,
                    "advances": {name: hmtx[name][0] for name in set(font.getBestCmap().values()) if name in hmtx},
                    "descender": (os2.sTypoDescender if os2 is not None else font["hhea"].descent) / upm,
                    "cff": "CFF " in font or "CFF2" in font}
            _save_stored(file, index, meta, "meta")
        self.cmap: dict[int, str] = meta["cmap"]
        self.upm: int = meta["upm"]
        self.advances: dict[str, int] = meta["advances"]
        self.widths = {cp: self.advances[name] / self.upm for cp, name in self.cmap.items()
                       if name in self.advances}
        self.descender: float = meta["descender"]
        self.cff: bool = meta["cff"]
        self.glyph_set: Any = None  # fontTools, untyped: read on first use
        # glyph records converted here or by earlier processes (kept on disk): a cold
        # `zhongshu render` need not convert
        self.stored: dict[str, tuple] = _load_stored(file, index, "glyf")
        self.new = 0  # glyphs converted here and not stored yet

    @property
    def font(self):
        """The face itself, opened when a glyph must be converted or a subset built."""
        if self._font is None:
            from fontTools.ttLib import TTFont

            self._font = TTFont(self.file, fontNumber=self.index, lazy=True)
        return self._font

    def glyph(self, name: str) -> tuple:
        """The glyph as TrueType: (data, xMin, yMin, xMax, yMax, points, contours), from the
        disk cache or converted now (CFF contours run counter-clockwise, TrueType's clockwise;
        1 unit in 1000 of error)."""
        found = self.stored.get(name)
        if found is not None:
            return found
        from fontTools.pens.cu2quPen import Cu2QuPen
        from fontTools.pens.ttGlyphPen import TTGlyphPen

        if self.glyph_set is None:
            self.glyph_set = self.font.getGlyphSet()
        pen = TTGlyphPen(None)
        self.glyph_set[name].draw(Cu2QuPen(pen, max_err=self.upm / 1000, reverse_direction=self.cff)
                                  if self.cff else pen)
        found = self.stored[name] = _record(pen.glyph())
        self.new += 1
        return found

    def store(self) -> None:
        """Keep the converted glyphs on disk for the next process (best effort)."""
        with self.lock:
            if self.new:
                self.new = 0
                _save_stored(self.file, self.index, self.stored, "glyf")

    def _stand_in(self, ch: str) -> tuple[str, tuple] | None:
        """A glyph for a character the face lacks but a DOCX needs: the word joiner as an
        empty glyph of no width, the non-breaking hyphen as the hyphen."""
        source = _STAND_INS[ch]
        if source is None:
            return f"uni{ord(ch):04X}", _EMPTY
        base = self.cmap.get(ord(source))
        return (base, self.glyph(base)) if base is not None else None

    def build(self, chars: str, family: str | None) -> bytes:
        """A TrueType font holding the glyphs of ``chars``, named ``family`` (or as the file).

        Glyphs go in as compiled data (no decompiling and recompiling, issue 12 §9); the
        bounding boxes and maxima the tables need come from the glyph records."""
        import copy

        from fontTools.fontBuilder import FontBuilder
        from fontTools.ttLib import newTable
        from fontTools.ttLib.tables._g_l_y_f import Glyph

        with self.lock:
            src = self.font
            order = [".notdef"]
            cmap: dict[int, str] = {}
            records: dict[str, tuple] = {".notdef": _EMPTY}
            for ch in chars:
                name = self.cmap.get(ord(ch))
                if name is None and ch in _STAND_INS:  # a joiner the face lacks: drawn by
                    found = self._stand_in(ch)  # this face, or a word processor changes
                    if found is None:  # font there, and breaks the line
                        continue
                    name, record = found
                    records.setdefault(name, record)
                elif name is None:
                    continue
                elif name not in records:
                    records[name] = self.glyph(name)
                if name not in order:
                    order.append(name)
                cmap[ord(ch)] = name
            names = src["name"]
            ps_name = names.getDebugName(6) or Path(self.file).stem
            own_family = names.getDebugName(16) or names.getDebugName(1) or ps_name
            style = names.getDebugName(17) or names.getDebugName(2) or "Regular"
            fb = FontBuilder(self.upm, isTTF=True)
            fb.font.recalcBBoxes = False  # the records carry what a recalculation would find
            fb.setupGlyphOrder(order)
            fb.setupCharacterMap(cmap)
            glyf = newTable("glyf")
            glyf.glyphOrder = order
            glyf.glyphs = {name: Glyph(records[name][0]) for name in order}
            fb.font["glyf"] = glyf
            fb.font["loca"] = newTable("loca")
            drawn = [records[n] for n in order if records[n][6]]
            advances = {n: self.advances.get(n, 0) if n != ".notdef" else 0 for n in order}
            fb.setupHorizontalMetrics({n: (advances[n], records[n][1] if records[n][6] else 0)
                                       for n in order})
            hhea = src["hhea"]
            fb.setupHorizontalHeader(
                ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap,
                advanceWidthMax=max(advances.values(), default=0),
                minLeftSideBearing=min((r[1] for r in drawn), default=0),
                minRightSideBearing=min((advances[n] - records[n][3] for n in order if records[n][6]),
                                        default=0),
                xMaxExtent=max((r[3] for r in drawn), default=0))
            fb.setupMaxp()
            maxp = fb.font["maxp"]
            maxp.maxPoints = max((r[5] for r in drawn), default=0)
            maxp.maxContours = max((r[6] for r in drawn), default=0)
            maxp.maxZones = 1
            head = fb.font["head"]
            head.xMin = min((r[1] for r in drawn), default=0)
            head.yMin = min((r[2] for r in drawn), default=0)
            head.xMax = max((r[3] for r in drawn), default=0)
            head.yMax = max((r[4] for r in drawn), default=0)
            fb.setupNameTable({"familyName": family or own_family, "styleName": style,
                               "psName": ps_name, "fullName": f"{family or own_family} {style}",
                               "uniqueFontIdentifier": f"{ps_name};zhongshu-subset"}, mac=False)
            fb.setupOS2()
            if "OS/2" in src:  # weight, code pages (Word checks 936), embedding rights, metrics
                os2 = copy.deepcopy(src["OS/2"])
                os2.usFirstCharIndex = min(cmap, default=0x20) if cmap else 0x20
                os2.usLastCharIndex = min(max(cmap, default=0x20), 0xFFFF)
                fb.font["OS/2"] = os2
            fb.setupPost(keepGlyphNames=False)
            head.macStyle = src["head"].macStyle
            head.created = head.modified = src["head"].created  # the same bytes every time
        out = io.BytesIO()
        fb.save(out)
        return out.getvalue()


_EMPTY = (b"", 0, 0, 0, 0, 0, 0)


def _record(glyph) -> tuple:
    """A simple TrueType glyph as the tuple the disk cache keeps."""
    glyph.recalcBounds(None)
    if not getattr(glyph, "numberOfContours", 0):
        return _EMPTY
    points = len(glyph.coordinates)
    return (glyph.compile(None), glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax, points,
            glyph.numberOfContours)


# characters a DOCX carries that Chinese faces often lack: what stands in for them
_STAND_INS: dict[str, str | None] = {"\u2060": None, "\u2011": "-"}

_SOURCES: dict[tuple[str, int], _Source] = {}
_SOURCES_LOCK = threading.Lock()


def _source(file: str, index: int) -> _Source:
    key = (file, index)
    found = _SOURCES.get(key)
    if found is None:
        with _SOURCES_LOCK:
            found = _SOURCES.get(key)
            if found is None:
                found = _SOURCES[key] = _Source(file, index)
    return found


@lru_cache(maxsize=128)
def _subset(file: str, index: int, chars: str, family: str | None) -> bytes:
    source = _source(file, index)
    data = source.build(chars, family)
    source.store()
    return data


def _cache_path(file: str, index: int, kind: str = "glyphs") -> Path | None:
    """Where a face's converted glyphs are kept: VAR_DIR/cache/fonts (Django's setting, or
    ZHONGSHU_VAR_DIR), one file per face version; None when no var directory is known."""
    base = None
    try:
        from django.conf import settings

        if settings.configured:
            base = getattr(settings, "VAR_DIR", None)
    except ImportError:
        pass
    if base is None and os.environ.get("ZHONGSHU_VAR_DIR"):
        base = os.environ["ZHONGSHU_VAR_DIR"]
    if base is None:
        return None
    try:
        stat = os.stat(file)
    except OSError:
        return None
    key = hashlib.sha1(f"{file}|{index}|{stat.st_size}|{stat.st_mtime_ns}|1".encode(), usedforsecurity=False)
    return Path(base) / "cache" / "fonts" / f"{key.hexdigest()}.{kind}"


def _load_stored(file: str, index: int, kind: str = "glyphs") -> dict:
    path = _cache_path(file, index, kind)
    try:
        # our own file in the var directory, a dict of bytes: nothing in it is executed
        data = marshal.loads(path.read_bytes()) if path is not None and path.is_file() else {}  # noqa: S302
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_stored(file: str, index: int, glyphs: dict, kind: str = "glyphs") -> None:
    path = _cache_path(file, index, kind)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(marshal.dumps(glyphs))
        os.replace(tmp, path)  # atomic: readers see the old file or the new one
    except OSError:
        pass


class FontSet:
    """Metrics and glyph coverage of the configured faces, and their subsets."""

    def __init__(self, faces: dict[str, Face] | None = None):
        self.faces = faces or configured_faces()
        problems = check_faces(self.faces)
        if problems:
            raise FontConfigError("字体配置有误：" + "；".join(problems))

    def source(self, key: str) -> _Source:
        face = self.faces[key]
        return _source(face.file, face.index)

    def has(self, key: str, ch: str) -> bool:
        return ord(ch) in self.source(key).cmap

    def face_for(self, key: str, ch: str) -> str:
        """The face that will draw ``ch``: the asked face, or the fallback if it lacks it."""
        if ch.isspace() or self.has(key, ch):
            return key
        return "fallback" if self.has("fallback", ch) else key

    def advance(self, key: str, ch: str) -> float:
        """Advance width of ``ch`` in em."""
        return self.source(key).widths.get(ord(ch), 1.0 if ord(ch) > 0x2E7F else 0.5)

    def descender(self, key: str) -> float:
        return self.source(key).descender

    def subset(self, key: str, text: str, *, family: str | None = None) -> bytes:
        """The face reduced to the characters in ``text``: a TrueType file (glyf outlines),
        named ``family`` if given. Built once per face and set of characters per process."""
        face = self.faces[key]
        return _subset(face.file, face.index, "".join(sorted(set(text))) or " ", family)

    def embeddable(self, key: str) -> bool:
        """Whether the face's licence lets a document carry it for editing (OS/2 fsType):
        installable (0) or editable (8) embedding, not restricted or print-only."""
        font = self.source(key).font
        if "OS/2" not in font:
            return True
        fs_type = font["OS/2"].fsType
        return not fs_type & 0x0200 and (fs_type & 0x000F) in (0, 8)

    def family_name(self, key: str) -> str:
        """The family name inside the face's file (FandolFang), not the name DOCX uses."""
        names = self.source(key).font["name"]
        return names.getDebugName(16) or names.getDebugName(1) or self.faces[key].name

    def is_cff(self, key: str) -> bool:
        """Whether the face's subsets have CFF outlines: never, they are TrueType."""
        return False
