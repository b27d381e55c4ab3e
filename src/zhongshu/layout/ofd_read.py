"""Draw the pages of an OFD file (GB/T 33190-2016) into a PDF, so that an uploaded OFD
attachment can be bound into a rendered document (issue 12 §7).

No PyPI package renders OFD usably (easyofd draws our own files without their text;
decision 0101), so this reads what 公文 OFD files hold — text with embedded fonts and
per-glyph offsets, paths, images, layers and template pages — and draws it with PyMuPDF.
Anything it does not understand is skipped, never guessed.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

import pymupdf
from lxml import etree

from . import geometry as g

NS = "{http://www.ofdspec.org/2016}"
MM = g.MM


class OfdError(ValueError):
    pass


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _floats(text: str | None) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", text or "")]


def _deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY with the "g count value" shorthand expanded."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _colour(el, default=None):
    if el is None:
        return default
    values = _floats(el.get("Value"))
    if len(values) >= 3:
        return tuple(v / 255 for v in values[:3])
    if len(values) == 1:
        return (values[0] / 255,) * 3
    return default


class _Package:
    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise OfdError("OFD 文件已损坏，无法读取") from None
        self.names = set(self.zip.namelist())

    def xml(self, path: str):
        path = path.lstrip("/")
        if path not in self.names:
            raise OfdError(f"OFD 文件缺少 {path}")
        return etree.fromstring(self.zip.read(path), _parser())

    def read(self, path: str) -> bytes | None:
        path = path.lstrip("/")
        return self.zip.read(path) if path in self.names else None


def _join(base: str, loc: str) -> str:
    if loc.startswith("/"):
        return loc.lstrip("/")
    return posixpath.normpath(posixpath.join(base, loc))


class _Document:
    def __init__(self, pkg: _Package, root_path: str):
        self.pkg = pkg
        self.base = posixpath.dirname(root_path)
        self.root = pkg.xml(root_path)
        common = self.root.find(f"{NS}CommonData")
        self.box = _floats(common.findtext(f"{NS}PageArea/{NS}PhysicalBox")) if common is not None else []
        self.fonts: dict[str, pymupdf.Font | None] = {}
        self.images: dict[str, bytes] = {}
        self.templates: dict[str, str] = {}
        if common is not None:
            for res in [*common.findall(f"{NS}PublicRes"), *common.findall(f"{NS}DocumentRes")]:
                self._resources(_join(self.base, res.text.strip()))
            for tpl in common.findall(f"{NS}TemplatePage"):
                self.templates[tpl.get("ID")] = _join(self.base, tpl.get("BaseLoc", ""))

    def _resources(self, path: str) -> None:
        res = self.pkg.xml(path)
        res_base = _join(posixpath.dirname(path), res.get("BaseLoc", ""))
        for font in res.iter(f"{NS}Font"):
            file = font.findtext(f"{NS}FontFile")
            data = self.pkg.read(_join(res_base, file.strip())) if file else None
            try:
                self.fonts[font.get("ID")] = pymupdf.Font(fontbuffer=data) if data else None
            except (RuntimeError, ValueError):
                self.fonts[font.get("ID")] = None
        for media in res.iter(f"{NS}MultiMedia"):
            file = media.findtext(f"{NS}MediaFile")
            if file:
                data = self.pkg.read(_join(res_base, file.strip()))
                if data:
                    self.images[media.get("ID")] = data

    def pages(self) -> list[tuple[str, list[float]]]:
        out = []
        for page in self.root.iter(f"{NS}Page"):
            out.append((_join(self.base, page.get("BaseLoc", "")), self.box))
        return out


class _Painter:
    def __init__(self, doc: _Document, page: pymupdf.Page, fallback: pymupdf.Font):
        self.doc = doc
        self.page = page
        self.fallback = fallback

    def draw_content(self, root) -> None:
        for layer in root.iter(f"{NS}Layer"):
            self.block(layer, (1, 0, 0, 1, 0, 0))

    def block(self, parent, ctm) -> None:
        for el in parent:
            tag = etree.QName(el).localname
            if tag == "TextObject":
                self.text(el)
            elif tag == "PathObject":
                self.path(el)
            elif tag == "ImageObject":
                self.image(el)
            elif tag == "PageBlock":
                self.block(el, ctm)

    @staticmethod
    def _matrix(el) -> tuple[float, ...]:
        box = _floats(el.get("Boundary"))
        ctm = _floats(el.get("CTM")) or [1, 0, 0, 1, 0, 0]
        a, b, c, d, e, f = ctm
        # object space → page space (mm): CTM first, then the boundary's origin
        return a, b, c, d, e + box[0], f + box[1]

    @staticmethod
    def _apply(m, x: float, y: float) -> pymupdf.Point:
        a, b, c, d, e, f = m
        return pymupdf.Point((a * x + c * y + e) * MM, (b * x + d * y + f) * MM)

    def text(self, el) -> None:
        m = self._matrix(el)
        font = self.doc.fonts.get(el.get("Font")) or self.fallback
        size = float(el.get("Size", "3.5"))
        colour = _colour(el.find(f"{NS}FillColor"), (0, 0, 0))
        scale = (m[0] ** 2 + m[1] ** 2) ** 0.5 or 1
        writer = pymupdf.TextWriter(self.page.rect, color=colour)
        x = y = 0.0
        for code in el.findall(f"{NS}TextCode"):
            text = code.text or ""
            x = float(code.get("X", x))
            y = float(code.get("Y", y))
            dx, dy = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
            for i, ch in enumerate(text):
                use = font if font.has_glyph(ord(ch)) else self.fallback
                writer.append(self._apply(m, x, y), ch, font=use, fontsize=size * scale * MM)
                x += dx[i] if i < len(dx) else size
                y += dy[i] if i < len(dy) else 0.0
        rotation = m[1] != 0 or m[2] != 0
        if rotation:
            import math

            angle = math.degrees(math.atan2(m[1], m[0]))
            writer.write_text(self.page, morph=(self._apply(m, 0, 0), pymupdf.Matrix(-angle)))
        else:
            writer.write_text(self.page)

    def path(self, el) -> None:
        m = self._matrix(el)
        data = el.findtext(f"{NS}AbbreviatedData") or ""
        stroke = el.get("Stroke", "true") != "false"
        fill = el.get("Fill", "false") == "true"
        tokens = data.split()
        shape = self.page.new_shape()
        start = current = None
        i = 0

        def take(n: int) -> list[float]:
            nonlocal i
            values = [float(v) for v in tokens[i:i + n]]
            i += n
            return values

        drawn = False
        while i < len(tokens):
            op = tokens[i]
            i += 1
            try:
                if op in ("M", "S"):
                    current = start = self._apply(m, *take(2))
                elif op == "L" and current is not None:
                    point = self._apply(m, *take(2))
                    shape.draw_line(current, point)
                    current, drawn = point, True
                elif op == "B" and current is not None:
                    v = take(6)
                    p1, p2, p3 = (self._apply(m, v[k], v[k + 1]) for k in (0, 2, 4))
                    shape.draw_bezier(current, p1, p2, p3)
                    current, drawn = p3, True
                elif op == "Q" and current is not None:
                    v = take(4)
                    p1, p2 = self._apply(m, v[0], v[1]), self._apply(m, v[2], v[3])
                    shape.draw_bezier(current, current + (p1 - current) * (2 / 3),
                                      p2 + (p1 - p2) * (2 / 3), p2)
                    current, drawn = p2, True
                elif op == "A" and current is not None:  # an arc: drawn as its chord
                    v = take(7)
                    point = self._apply(m, v[5], v[6])
                    shape.draw_line(current, point)
                    current, drawn = point, True
                elif op == "C" and current is not None and start is not None:
                    shape.draw_line(current, start)
                    current = start
            except (ValueError, IndexError):
                break
        if not drawn:
            return
        width = float(el.get("LineWidth", "0.353")) * MM
        dashes = el.get("DashPattern")
        shape.finish(color=_colour(el.find(f"{NS}StrokeColor"), (0, 0, 0)) if stroke else None,
                     fill=_colour(el.find(f"{NS}FillColor"), (0, 0, 0)) if fill else None,
                     width=width, closePath=False,
                     dashes=f"[{' '.join(str(v * MM) for v in _floats(dashes))}] 0" if dashes else None)
        shape.commit()

    def image(self, el) -> None:
        data = self.doc.images.get(el.get("ResourceID"))
        if not data:
            return
        m = self._matrix(el)
        corners = [self._apply(m, u, v) for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
        rect = pymupdf.Rect(min(p.x for p in corners), min(p.y for p in corners),
                            max(p.x for p in corners), max(p.y for p in corners))
        try:
            self.page.insert_image(rect, stream=data, keep_proportion=False)
        except (RuntimeError, ValueError):
            pass


def ofd_to_pdf(data: bytes, fallback_font: bytes | None = None) -> bytes:
    """The pages of an OFD file as a PDF, each as large as its page area."""
    pkg = _Package(data)
    root = pkg.xml("OFD.xml")
    doc_root = root.findtext(f"{NS}DocBody/{NS}DocRoot")
    if not doc_root:
        raise OfdError("OFD 文件没有文档（DocRoot）")
    document = _Document(pkg, doc_root.strip())
    fallback = pymupdf.Font(fontbuffer=fallback_font) if fallback_font else pymupdf.Font("cjk")
    out = pymupdf.open()
    for path, box in document.pages():
        content = pkg.xml(path)
        area = _floats(content.findtext(f"{NS}Area/{NS}PhysicalBox")) or box or [0, 0, 210, 297]
        page = out.new_page(width=area[2] * MM, height=area[3] * MM)
        painter = _Painter(document, page, fallback)
        for tpl in content.findall(f"{NS}Template"):
            tpl_path = document.templates.get(tpl.get("TemplateID"))
            if tpl_path and tpl_path in pkg.names:
                painter.draw_content(pkg.xml(tpl_path))
        painter.draw_content(content)
    if not len(out):
        raise OfdError("OFD 文件没有页面")
    data_out = out.tobytes(garbage=3, deflate=True)
    out.close()
    return data_out
