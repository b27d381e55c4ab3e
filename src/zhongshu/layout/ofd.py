"""Write a ``Layout`` as OFD (GB/T 33190-2016), built from the standard's package structure.

No PyPI writer produces a conformant package (see docs/decisions/0101), so this writes
the ZIP container and its XML directly: OFD.xml → Doc_0/Document.xml → PublicRes.xml (the
embedded, subset fonts) → one Content.xml per page with real TextObjects (Unicode text,
per-glyph DeltaX) and PathObjects for rules, seals and the 版记 lines. Units are mm,
origin top-left, as in the standard.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from xml.sax.saxutils import escape, quoteattr

from .engine import Glyph, Layout
from .fonts import FontSet
from .watermarks import OFD_NS as NS
from .watermarks import ofd_mm as _n
from .watermarks import ofd_watermark_layer, watermark_text

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _colour(rgb: tuple[float, float, float]) -> str:
    return " ".join(str(round(c * 255)) for c in rgb)


class _Ids:
    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def _runs(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Consecutive glyphs on one baseline, in one face, size and colour: one TextObject."""
    runs: list[list[Glyph]] = []
    for glyph in glyphs:
        last = runs[-1][-1] if runs else None
        if (last is not None and last.top == glyph.top and last.face == glyph.face
                and last.size == glyph.size and last.color == glyph.color and last.role == glyph.role
                and glyph.x > last.x):
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    return runs


def render_ofd(layout: Layout, fonts: FontSet, *, viewer: str | None = None,
               when: dt.datetime | None = None) -> bytes:
    spec = layout.spec
    ids = _Ids()
    by_face = layout.text_by_face()
    mark = watermark_text(viewer, when) if viewer and spec.is_classified and when else ""
    if mark:
        by_face["heiti"] = by_face.get("heiti", "") + mark
    font_ids: dict[str, int] = {}
    files: dict[str, bytes] = {}
    font_xml = []
    for face, text in sorted(by_face.items()):
        fid = ids.next()
        font_ids[face] = fid
        ext = "otf" if fonts.is_cff(face) else "ttf"
        name = f"font_{fid}.{ext}"
        files[f"Doc_0/Res/{name}"] = fonts.subset(face, text)
        family = fonts.faces[face].name
        bold = ' Bold="true"' if fonts.faces[face].bold else ""
        font_xml.append(f'<ofd:Font ID="{fid}" FontName={quoteattr(family)} '
                        f'FamilyName={quoteattr(family)}{bold}><ofd:FontFile>{name}</ofd:FontFile></ofd:Font>')
    descender = {face: fonts.descender(face) for face in by_face}

    page_refs = []
    for index, page in enumerate(layout.pages):
        page_id = ids.next()
        layer_id = ids.next()
        objects = []
        for run in _runs(page.glyphs):
            first = run[0]
            size = first.size
            baseline = (1 + descender[first.face]) * size
            width = run[-1].x - first.x + size
            deltas = " ".join(_n(b.x - a.x) for a, b in zip(run, run[1:], strict=False))
            delta_attr = f" DeltaX={quoteattr(deltas)}" if deltas else ""
            objects.append(
                f'<ofd:TextObject ID="{ids.next()}" Boundary="{_n(first.x)} {_n(first.top)} {_n(width)} {_n(size)}" '
                f'Font="{font_ids[first.face]}" Size="{_n(size)}">'
                f'<ofd:FillColor Value="{_colour(first.color)}"/>'
                f'<ofd:TextCode X="0" Y="{_n(baseline)}"{delta_attr}>'
                f'{escape("".join(gl.ch for gl in run))}</ofd:TextCode></ofd:TextObject>')
        for rule in page.rules:
            x0, y0 = min(rule.x0, rule.x1), min(rule.y0, rule.y1)
            w, h = abs(rule.x1 - rule.x0), abs(rule.y1 - rule.y0)
            pad = rule.width
            dash = ' DashPattern="1 0.7"' if rule.dashed else ""
            objects.append(
                f'<ofd:PathObject ID="{ids.next()}" Boundary="{_n(x0 - pad)} {_n(y0 - pad)} {_n(w + 2 * pad)} {_n(h + 2 * pad)}" '
                f'LineWidth="{_n(rule.width)}"{dash} Stroke="true" Fill="false">'
                f'<ofd:StrokeColor Value="{_colour(rule.color)}"/>'
                f'<ofd:AbbreviatedData>M {_n(rule.x0 - x0 + pad)} {_n(rule.y0 - y0 + pad)} '
                f'L {_n(rule.x1 - x0 + pad)} {_n(rule.y1 - y0 + pad)}</ofd:AbbreviatedData></ofd:PathObject>')
        for circle in page.circles:
            r = circle.r
            k = 0.5523 * r
            c = r  # centre inside the boundary box
            path = (f"M {_n(c + r)} {_n(c)} "
                    f"B {_n(c + r)} {_n(c + k)} {_n(c + k)} {_n(c + r)} {_n(c)} {_n(c + r)} "
                    f"B {_n(c - k)} {_n(c + r)} {_n(c - r)} {_n(c + k)} {_n(c - r)} {_n(c)} "
                    f"B {_n(c - r)} {_n(c - k)} {_n(c - k)} {_n(c - r)} {_n(c)} {_n(c - r)} "
                    f"B {_n(c + k)} {_n(c - r)} {_n(c + r)} {_n(c - k)} {_n(c + r)} {_n(c)} C")
            objects.append(
                f'<ofd:PathObject ID="{ids.next()}" Boundary="{_n(circle.cx - r)} {_n(circle.cy - r)} {_n(2 * r)} {_n(2 * r)}" '
                f'LineWidth="{_n(circle.width)}" DashPattern="1.4 1" Stroke="true" Fill="false">'
                f'<ofd:StrokeColor Value="{_colour(circle.color)}"/>'
                f'<ofd:AbbreviatedData>{path}</ofd:AbbreviatedData></ofd:PathObject>')
        for box in page.boxes:
            objects.append(
                f'<ofd:PathObject ID="{ids.next()}" Boundary="{_n(box.x)} {_n(box.y)} {_n(box.w)} {_n(box.h)}" '
                f'LineWidth="{_n(box.width)}" DashPattern="1.4 1" Stroke="true" Fill="false">'
                f'<ofd:StrokeColor Value="{_colour(box.color)}"/>'
                f'<ofd:AbbreviatedData>M 0 0 L {_n(box.w)} 0 L {_n(box.w)} {_n(box.h)} L 0 {_n(box.h)} C</ofd:AbbreviatedData></ofd:PathObject>')
        layers = [f'<ofd:Layer ID="{layer_id}" Type="Body">{"".join(objects)}</ofd:Layer>']
        if mark:
            layers.append(ofd_watermark_layer(mark, font_ids["heiti"], ids.next))
        files[f"Doc_0/Pages/Page_{index}/Content.xml"] = (
            f'{HEAD}<ofd:Page xmlns:ofd="{NS}"><ofd:Content>{"".join(layers)}</ofd:Content></ofd:Page>'
        ).encode()
        page_refs.append(f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{index}/Content.xml"/>')

    files["Doc_0/PublicRes.xml"] = (
        f'{HEAD}<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>{"".join(font_xml)}</ofd:Fonts></ofd:Res>'
    ).encode()
    files["Doc_0/Document.xml"] = (
        f'{HEAD}<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f'<ofd:MaxUnitID>{ids.value}</ofd:MaxUnitID>'
        f'<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
        f'<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
        f'<ofd:Pages>{"".join(page_refs)}</ofd:Pages></ofd:Document>'
    ).encode()
    created = (spec.date or dt.date.today()).isoformat()  # noqa: DTZ011 - a calendar date, not a time
    files["OFD.xml"] = (
        f'{HEAD}<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
        f'<ofd:DocInfo><ofd:DocID>{uuid.uuid4().hex}</ofd:DocID>'
        f'<ofd:Title>{escape(spec.title)}</ofd:Title>'
        f'<ofd:Author>{escape(spec.issuers[0].name if spec.issuers else "")}</ofd:Author>'
        f'<ofd:Subject>{escape(spec.doc_type)}</ofd:Subject>'
        f'<ofd:CreationDate>{created}</ofd:CreationDate>'
        f'<ofd:Creator>中枢 Zhongshu</ofd:Creator><ofd:CreatorVersion>1.0</ofd:CreatorVersion>'
        f'</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
    ).encode()

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", files.pop("OFD.xml"))
        for name in sorted(files):
            zf.writestr(name, files[name])
    return out.getvalue()
