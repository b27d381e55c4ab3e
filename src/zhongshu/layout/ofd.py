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
from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

from .fonts import FontSet
from .model import Glyph, Layout
from .ofd_tags import custom_datas, tag_files
from .watermarks import DRAFT_TEXT, ofd_draft_layer, ofd_watermark_layer, watermark_text
from .watermarks import OFD_NS as NS
from .watermarks import ofd_mm as _n

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
               when: dt.datetime | None = None, draft: bool = False,
               seal_images: Mapping[int, bytes] | None = None, inserts=None) -> bytes:
    spec = layout.spec
    seal_images = seal_images or {}
    ids = _Ids()
    by_face = layout.text_by_face()
    mark = watermark_text(viewer, when) if viewer and spec.is_classified and when else ""
    if mark or draft:
        by_face["heiti"] = by_face.get("heiti", "") + mark + (DRAFT_TEXT if draft else "")
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
        font_xml.append(f'<ofd:Font ID="{fid}" FontName={quoteattr(family)} '
                        f'FamilyName={quoteattr(family)}><ofd:FontFile>{name}</ofd:FontFile></ofd:Font>')
    descender = {face: fonts.descender(face) for face in by_face}
    media_xml: list[str] = []

    def media(data: bytes, label: str) -> int:
        """An image resource (DocumentRes.xml); its ID."""
        mid = ids.next()
        files[f"Doc_0/Res/image_{mid}.png"] = data
        media_xml.append(f'<ofd:MultiMedia ID="{mid}" Type="Image" Format="PNG">'
                         f'<ofd:MediaFile>image_{mid}.png</ofd:MediaFile></ofd:MultiMedia>')
        return mid

    def image_object(mid: int, x: float, y: float, w: float, h: float, role: str) -> str:
        oid = ids.next()
        refs.setdefault(role, []).append((page_id, oid))
        return (f'<ofd:ImageObject ID="{oid}" Boundary="{_n(x)} {_n(y)} {_n(w)} {_n(h)}" '
                f'CTM="{_n(w)} 0 0 {_n(h)} 0 0" ResourceID="{mid}"/>')

    refs: dict[str, list[tuple[int, int]]] = {}  # element role -> (page ID, object ID)
    page_refs = []
    for index, page in enumerate(layout.pages):
        page_id = ids.next()
        layer_id = ids.next()
        objects = []
        if page.insert is not None and inserts is not None:  # a page of an uploaded attachment
            from .attachments import fitted_rect

            png = inserts.image(*page.insert)
            pix_w, pix_h = _png_size(png)
            x0, y0, x1, y1 = fitted_rect(pix_w, pix_h)
            objects.append(image_object(media(png, "attachment"), x0, y0, x1 - x0, y1 - y0, "attachment-file"))
        for run in _runs(page.glyphs):
            first = run[0]
            size = first.size
            baseline = (1 + descender[first.face]) * size
            width = run[-1].x - first.x + size
            deltas = " ".join(_n(b.x - a.x) for a, b in zip(run, run[1:], strict=False))
            delta_attr = f" DeltaX={quoteattr(deltas)}" if deltas else ""
            oid = ids.next()
            refs.setdefault(first.role, []).append((page_id, oid))
            objects.append(
                f'<ofd:TextObject ID="{oid}" Boundary="{_n(first.x)} {_n(first.top)} {_n(width)} {_n(size)}" '
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
            image = seal_images.get(circle.issuer)
            if image:
                objects.append(image_object(media(image, "seal"), circle.cx - circle.r, circle.cy - circle.r,
                                            2 * circle.r, 2 * circle.r, "seal"))
                continue
            if not draft:
                continue  # an issued copy shows the seal, or nothing: never an empty seal
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
            image = seal_images.get(box.issuer)
            if image:
                objects.append(image_object(media(image, "seal"), box.x, box.y, box.w, box.h, "seal"))
                continue
            if not draft:
                continue
            objects.append(
                f'<ofd:PathObject ID="{ids.next()}" Boundary="{_n(box.x)} {_n(box.y)} {_n(box.w)} {_n(box.h)}" '
                f'LineWidth="{_n(box.width)}" DashPattern="1.4 1" Stroke="true" Fill="false">'
                f'<ofd:StrokeColor Value="{_colour(box.color)}"/>'
                f'<ofd:AbbreviatedData>M 0 0 L {_n(box.w)} 0 L {_n(box.w)} {_n(box.h)} L 0 {_n(box.h)} C</ofd:AbbreviatedData></ofd:PathObject>')
        layers = [f'<ofd:Layer ID="{layer_id}" Type="Body">{"".join(objects)}</ofd:Layer>']
        if draft:
            layers.append(ofd_draft_layer(font_ids["heiti"], ids.next))
        if mark:
            layers.append(ofd_watermark_layer(mark, font_ids["heiti"], ids.next))
        files[f"Doc_0/Pages/Page_{index}/Content.xml"] = (
            f'{HEAD}<ofd:Page xmlns:ofd="{NS}"><ofd:Content>{"".join(layers)}</ofd:Content></ofd:Page>'
        ).encode()
        page_refs.append(f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{index}/Content.xml"/>')

    files["Doc_0/PublicRes.xml"] = (
        f'{HEAD}<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>{"".join(font_xml)}</ofd:Fonts></ofd:Res>'
    ).encode()
    document_res = ""
    if media_xml:
        files["Doc_0/DocumentRes.xml"] = (
            f'{HEAD}<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:MultiMedias>{"".join(media_xml)}'
            f'</ofd:MultiMedias></ofd:Res>').encode()
        document_res = "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
    files.update(tag_files(layout, refs))  # the 公文 elements, for exchange systems
    files["Doc_0/Document.xml"] = (
        f'{HEAD}<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f'<ofd:MaxUnitID>{ids.value}</ofd:MaxUnitID>'
        f'<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
        f'<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>{document_res}</ofd:CommonData>'
        f'<ofd:Pages>{"".join(page_refs)}</ofd:Pages>'
        f'<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags></ofd:Document>'
    ).encode()
    created = (spec.date or dt.date.today()).isoformat()  # noqa: DTZ011 - a calendar date, not a time
    files["OFD.xml"] = (
        f'{HEAD}<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
        f'<ofd:DocInfo><ofd:DocID>{uuid.uuid4().hex}</ofd:DocID>'
        f'<ofd:Title>{escape(spec.title)}</ofd:Title>'
        f'<ofd:Author>{escape("、".join(i.name for i in spec.issuers))}</ofd:Author>'
        f'<ofd:Subject>{escape(spec.doc_type)}</ofd:Subject>'
        f'<ofd:CreationDate>{created}</ofd:CreationDate>'
        f'<ofd:Creator>中枢 Zhongshu</ofd:Creator><ofd:CreatorVersion>1.0</ofd:CreatorVersion>'
        f'{custom_datas(spec)}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
    ).encode()

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", files.pop("OFD.xml"))
        for name in sorted(files):
            zf.writestr(name, files[name])
    return out.getvalue()


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
