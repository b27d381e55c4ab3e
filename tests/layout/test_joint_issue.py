"""联合行文 (GB/T 9704-2012 7.2.4, 7.3.5.1) with two, three and four organs, sealed or not,
measured in our PDF (pdfplumber), in the DOCX as LibreOffice sets it, and in the OFD's XML.

The mark: names stacked in issuing order, "文件" to their right and centred on them, the
group inside the text block. The closing: each seal over its own 署名, the last over its
署名 and the date, seals never touching and never leaving the block, the first row's top
within one line of the text above.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree

from tests.layout.measure import MM, joint_spec, seal_png
from zhongshu.layout.engine import layout_document
from zhongshu.layout.render import render

RED = ((1, 0, 0), (1.0, 0.0, 0.0))
LEFT, RIGHT = 28.0, 184.0
LINE = 10.445  # mm: one line (行) of the grid
CASES = [(n, sealed) for n in (2, 3, 4) for sealed in (True, False)]
NS = {"ofd": "http://www.ofdspec.org/2016"}


def mark_chars(page):
    return [c for c in page.chars if c["non_stroking_color"] in RED and c["size"] > 23]


def check_mark(page, spec, where: str) -> None:
    chars = mark_chars(page)
    names = [i.name for i in spec.issuers]
    left = min(c["x0"] for c in chars) / MM
    right = max(c["x1"] for c in chars) / MM
    print(f"\n[{where}] mark {left:.2f}–{right:.2f} mm, {len(names)} organs")
    assert left >= LEFT - 0.05 and right <= RIGHT + 0.05, "the joint mark stays inside the text block"
    # names top to bottom in issuing order, each spread to one width, 文件 to their right
    lines: dict[int, list[dict]] = {}
    for c in chars:
        lines.setdefault(round(c["top"] / 4), []).append(c)
    suffix = [c for c in chars if c["text"] in "文件" and c["x0"] / MM > (left + right) / 2]
    rows = [sorted(v, key=lambda c: c["x0"]) for _, v in sorted(lines.items())]
    rows = [[c for c in row if c not in suffix] for row in rows]
    rows = [row for row in rows if row]
    assert ["".join(c["text"] for c in row) for row in rows] == names
    widths = [row[-1]["x1"] - row[0]["x0"] for row in rows]
    assert max(widths) - min(widths) < 1.5 * MM  # spread to the widest (分散对齐)
    assert min(c["x0"] for c in suffix) > max(row[-1]["x1"] for row in rows)  # 文件 to the right
    group = ((rows[0][0]["top"] + rows[-1][0]["bottom"]) / 2)
    centre = (suffix[0]["top"] + suffix[0]["bottom"]) / 2
    assert abs(centre - group) / MM < 1.5, "文件 centred on the names"


def closing_page(pdf):
    return next(p for p in pdf.pages if "2026年5月8日" in "".join(c["text"] for c in p.chars))


def signature_chars(page, spec):
    """Each 署名's characters on the closing page, in issuing order."""
    out = []
    for name in spec.signature:
        for line in _lines(page):
            text = "".join(c["text"] for c in line)
            if name in text:
                start = text.index(name)
                out.append(line[start:start + len(name)])
                break
    return out


def _lines(page):
    lines: dict[float, list[dict]] = {}
    for c in page.chars:
        if c["size"] < 20 and c["non_stroking_color"] not in RED:
            lines.setdefault(round(c["top"], 0), []).append(c)
    return [sorted(v, key=lambda c: c["x0"]) for _, v in sorted(lines.items())]


def check_signatures(page, spec, where: str, sealed: bool) -> None:
    names = signature_chars(page, spec)
    assert len(names) == len(spec.signature)
    boxes = [(n[0]["x0"], n[-1]["x1"], n[0]["top"]) for n in names]
    for box in boxes:
        assert box[0] / MM >= LEFT - 0.05 and box[1] / MM <= RIGHT + 0.05, f"{where}: 署名 inside the block"
    for a in boxes:  # no two 署名 overlap
        for b in boxes:
            if a is not b and abs(a[2] - b[2]) < 5:
                assert a[1] <= b[0] + 0.5 or b[1] <= a[0] + 0.5, f"{where}: 署名 overlap"
    if not sealed:
        return
    images = sorted(page.images, key=lambda i: (round(i["top"]), i["x0"]))
    print(f"[{where}] seals: " + ", ".join(f"{i['x0'] / MM:.1f}–{i['x1'] / MM:.1f} mm" for i in images))
    assert len(images) == len(spec.signature)
    for img in images:
        assert img["x0"] / MM >= LEFT - 0.1 and img["x1"] / MM <= RIGHT + 0.1, f"{where}: seal leaves the block"
    for a in images:
        for b in images:
            if a is not b:  # never touching: disjoint with a gap
                apart = (a["x1"] < b["x0"] or b["x1"] < a["x0"] or a["bottom"] < b["top"] or b["bottom"] < a["top"])
                assert apart, f"{where}: seals touch"
    # each seal over its own 署名, in issuing order (rows top to bottom, left to right)
    for img, name in zip(images, names, strict=True):
        cx = (img["x0"] + img["x1"]) / 2
        assert abs(cx - (name[0]["x0"] + name[-1]["x1"]) / 2) / MM < 1.0
        assert img["top"] < name[0]["top"] < img["bottom"]
    date = next(line for line in _lines(page) if "".join(c["text"] for c in line) == "2026年5月8日")
    last = images[-1]
    assert abs((last["x0"] + last["x1"]) / 2 - (date[0]["x0"] + date[-1]["x1"]) / 2) / MM < 1.0
    assert last["top"] < date[0]["top"] < last["bottom"], "the last seal presses on the date"
    assert 184 - date[-1]["x1"] / MM == pytest.approx(4 * 5.57, abs=0.6), "date four characters in"
    above = max(line[0]["bottom"] for line in _lines(page) if line[0]["bottom"] < images[0]["top"])
    assert 0 < (images[0]["top"] - above) / MM < LINE, "first seal within one line of the text"


@pytest.mark.parametrize(("count", "sealed"), CASES)
def test_pdf_joint_issue(count, sealed):
    import pdfplumber

    spec = joint_spec(count, seal=sealed)
    kwargs = {"seal_images": [seal_png()] * count} if sealed else {}
    with pdfplumber.open(io.BytesIO(render(spec, "pdf", **kwargs))) as pdf:
        check_mark(pdf.pages[0], spec, f"pdf {count}")
        closing = closing_page(pdf)
        check_signatures(closing, spec, f"pdf {count}", sealed)


@pytest.mark.slow
@pytest.mark.parametrize(("count", "sealed"), CASES)
def test_docx_joint_issue_in_libreoffice(converted, count, sealed):
    spec, _, _, theirs = converted[f"joint{count}_{'sealed' if sealed else 'unsealed'}"]
    check_mark(theirs.pages[0], spec, f"docx {count}")
    closing = closing_page(theirs)
    check_signatures(closing, spec, f"docx {count}", sealed)


def ofd_objects(data: bytes):
    """(page index, tag, x, y, w, h, text) of every object in an OFD, read from its XML."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        document = etree.fromstring(zf.read("Doc_0/Document.xml"))
        for index, page in enumerate(document.iterfind(".//ofd:Pages/ofd:Page", NS)):
            content = etree.fromstring(zf.read("Doc_0/" + page.get("BaseLoc")))
            for el in content.iter("{http://www.ofdspec.org/2016}TextObject",
                                   "{http://www.ofdspec.org/2016}ImageObject"):
                x, y, w, h = (float(v) for v in el.get("Boundary").split())
                text = "".join(el.itertext())
                out.append((index, etree.QName(el).localname, x, y, w, h, text, el))
    return out


@pytest.mark.parametrize(("count", "sealed"), CASES)
def test_ofd_joint_issue(count, sealed):
    spec = joint_spec(count, seal=sealed)
    kwargs = {"seal_images": [seal_png()] * count} if sealed else {}
    objects = ofd_objects(render(spec, "ofd", **kwargs))
    mark = [o for o in objects if o[0] == 0 and o[1] == "TextObject" and float(o[7].get("Size")) > 8]
    texts = [o[6] for o in mark]
    assert all(name in texts for name in (i.name for i in spec.issuers)) and "文件" in texts
    for o in mark:  # inside the text block (OFD is in mm)
        assert o[2] >= LEFT - 0.05 and o[2] + o[4] <= RIGHT + 0.2, o[6]
    seals = [o for o in objects if o[1] == "ImageObject"]
    assert len(seals) == (count if sealed else 0)
    for a in seals:
        assert a[2] >= LEFT - 0.1 and a[2] + a[4] <= RIGHT + 0.1
        for b in seals:
            if a is not b:
                assert a[2] + a[4] < b[2] or b[2] + b[4] < a[2] or a[3] + a[5] < b[3] or b[3] + b[5] < a[3]
    # no dashed seal outline on an issued copy
    with zipfile.ZipFile(io.BytesIO(render(spec, "ofd", **kwargs))) as zf:
        pages = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith("Content.xml"))
    assert "DashPattern" not in pages


@pytest.mark.parametrize("count", [2, 3, 4])
def test_seal_places_for_the_seal_module(count):
    """The contract with the seal module: one Circle(role="seal") per organ, in issuing
    order, on the page of the 署名, inside the block, never touching."""
    layout = layout_document(joint_spec(count))
    seals = layout.seals()
    assert [c.issuer for _, c in seals] == list(range(count))
    assert [c.name for _, c in seals] == list(joint_spec(count).signature)
    page = {p for p, _ in seals}
    assert len(page) == 1 and any(g.role == "signature" for g in layout.pages[page.pop()].glyphs)
    for _, c in seals:
        assert c.cx - c.r >= 28 * MM - 0.1 and c.cx + c.r <= 184 * MM + 0.1
        for _, d in seals:
            if c is not d:
                assert ((c.cx - d.cx) ** 2 + (c.cy - d.cy) ** 2) ** 0.5 > c.r + d.r


def test_docx_header_names_every_organ():
    from docx import Document

    doc = Document(io.BytesIO(render(joint_spec(3), "docx")))
    header = doc.tables[0].cell(0, 0)
    text = "".join(p.text for t in header.tables for c in t._cells for p in c.paragraphs)
    assert all(name in text for name in ("中共示范市委办公室", "示范市人民政府办公室", "示范市发展和改革委员会"))
    assert re.search("文件", text)
