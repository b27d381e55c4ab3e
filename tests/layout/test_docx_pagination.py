"""The DOCX, as LibreOffice lays it out, has the PDF's pages and the 版记 where the PDF has it.

Every sample (and two cut-down variants that put the 版记 on a content page and after a blank
page) is rendered to PDF by us and to DOCX, which LibreOffice headless converts to PDF. Page
by page, the body text must begin and end with the same characters and carry the same page
number; the 版记 must sit at the foot of an even last page with no number on it.
"""

from __future__ import annotations

import dataclasses
import io

import pdfplumber
import pytest

from tests.layout.measure import (
    LONG_RECIPIENTS,
    MM,
    body_text,
    libreoffice_pdfs,
    page_numbers,
    rows,
    sample,
    text,
)
from zhongshu.layout.engine import layout_document
from zhongshu.layout.render import render

SAMPLES = ["tongzhi", "long_body", "letter", "minutes", "order"]


def variants():
    specs = {name: sample(name) for name in SAMPLES}
    base = sample("long_body")
    specs["record_on_content_page"] = dataclasses.replace(base, body=base.body[:5])
    specs["record_after_blank_page"] = dataclasses.replace(base, body=base.body[:7])
    # the signature block pulls the paragraph's last two lines onto the next page
    specs["signature_pulls_lines"] = dataclasses.replace(base, body=base.body[:8])
    specs["recipients_in_record"] = dataclasses.replace(sample("tongzhi"), main_recipients=LONG_RECIPIENTS)
    return specs


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    specs = variants()
    kinds = {name: [p.kind for p in layout_document(spec).pages] for name, spec in specs.items()}
    # the variants are what they claim to be
    assert kinds["record_on_content_page"] == ["content", "content"]
    assert kinds["record_after_blank_page"] == ["content", "content", "blank", "record"]
    assert kinds["tongzhi"][-1] == "record" and len(kinds["tongzhi"]) % 2 == 0
    pulled = layout_document(specs["signature_pulls_lines"]).pages
    assert pulled[2].starts == ("body.7", 2) and pulled[1].body_rows < 22
    paths = libreoffice_pdfs({name: render(spec, "docx") for name, spec in specs.items()},
                             tmp_path_factory.mktemp("lo"))
    out = {}
    for name, spec in specs.items():
        ours = pdfplumber.open(io.BytesIO(render(spec, "pdf")))
        theirs = pdfplumber.open(paths[name])
        out[name] = (spec, ours, theirs)
    yield out
    for _, ours, theirs in out.values():
        ours.close()
        theirs.close()


@pytest.mark.parametrize("name", [*SAMPLES, "record_on_content_page", "record_after_blank_page",
                                  "recipients_in_record", "signature_pulls_lines"])
def test_docx_pages_begin_and_end_where_the_pdf_pages_do(converted, name):
    _, ours, theirs = converted[name]
    print(f"\n[docx↔pdf] {name}: {len(ours.pages)} PDF pages, {len(theirs.pages)} DOCX pages")
    assert len(theirs.pages) == len(ours.pages)
    for n, (a, b) in enumerate(zip(ours.pages, theirs.pages, strict=True), start=1):
        x, y = body_text(a), body_text(b)
        print(f"  p{n}: pdf {x[:6]}…{x[-6:]} {page_numbers(a) or '(no number)'} | "
              f"docx {y[:6]}…{y[-6:]} {page_numbers(b) or '(no number)'}")
        assert (x[:6], x[-6:]) == (y[:6], y[-6:]), f"page {n}"
        assert page_numbers(a) == page_numbers(b), f"page {n}"


def record_lines(page):
    """The 版记's lines: 4号 text starting 抄送/主送 or ending 印发."""
    return [line for line in rows(page) if abs(line[0]["size"] - 14) < 0.5
            and (text(line).startswith(("抄送", "主送")) or text(line).endswith("印发"))]


@pytest.mark.parametrize("name", ["tongzhi", "long_body", "minutes", "record_on_content_page",
                                  "record_after_blank_page", "recipients_in_record"])
def test_docx_record_block_is_at_the_foot_of_an_even_last_page(converted, name):
    spec, ours, theirs = converted[name]
    last = theirs.pages[-1]
    lines = record_lines(last)
    printed = [line for line in lines if "印发" in text(line)]
    assert printed and len(theirs.pages) % 2 == 0
    bottom = max(c["bottom"] for c in printed[-1])
    rules = sorted({round(r["top"], 1) for r in last.rects + last.lines if r["width"] > 400})
    print(f"\n[docx] {name}: 版记 on page {len(theirs.pages)}, 印发 line bottom {bottom / MM:.1f} mm, "
          f"rules at {[round(r / MM, 1) for r in rules]} mm, number {page_numbers(last)!r}")
    # the last line of the 版记 sits on the text block's bottom edge (262 mm)
    assert abs(bottom / MM - 262) < 5
    assert abs(rules[-1] / MM - 262) < 2
    # no other page holds the 版记
    assert all(not record_lines(page) for page in theirs.pages[:-1])
    kinds = [p.kind for p in layout_document(spec).pages]
    if kinds[-1] == "record":
        assert page_numbers(last) == ""  # 7.5: the 版记 page alone is not numbered
        assert body_text(last).startswith(("抄送", "主送", spec.printing_office))
    if kinds[-2:] == ["blank", "record"]:
        blank = theirs.pages[-2]
        assert body_text(blank) == "" and page_numbers(blank) == ""
