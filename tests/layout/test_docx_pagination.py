"""The DOCX, as LibreOffice lays it out, has the PDF's lines on the PDF's pages, and the 版记
where the PDF has it — for every format (文件, 信函, 纪要, 命令), joint issues of two to four
organs with and without seals, tables that run over pages, and the variants that put the
版记 on a content page, after a blank page, or 主送 into it.

Every case is rendered to PDF by us and to DOCX, which LibreOffice headless converts to PDF
(one run for the session, see conftest). Page by page, the text lines must be the same
lines, in the same order, with the same page number.
"""

from __future__ import annotations

import pytest

from tests.layout.measure import MM, body_text, cases, lines_by_page, page_numbers, rows, text
from zhongshu.layout.engine import layout_document

pytestmark = pytest.mark.slow

NAMES = list(cases())


def test_variants_are_what_they_claim(converted):
    kinds = {name: [p.kind for p in layout_document(spec).pages] for name, (spec, *_) in converted.items()}
    assert kinds["record_on_content_page"] == ["content", "content"]
    assert kinds["record_after_blank_page"] == ["content", "content", "blank", "record"]
    assert kinds["tongzhi"][-1] == "record" and len(kinds["tongzhi"]) % 2 == 0
    pulled = layout_document(converted["signature_pulls_lines"][0]).pages
    assert pulled[2].starts == ("body.7", 2) and pulled[1].body_rows < 22
    assert len(kinds["minutes_long"]) == 4 and len(kinds["long_table"]) >= 3


@pytest.mark.parametrize("name", NAMES)
def test_docx_has_the_pdfs_lines_on_the_pdfs_pages(converted, name):
    _, _, ours, theirs = converted[name]
    a, b = lines_by_page(ours), lines_by_page(theirs)
    same = sum(x == y for pa, pb in zip(a, b, strict=False) for x, y in zip(pa, pb, strict=False))
    total = sum(len(p) for p in a)
    print(f"\n[docx↔pdf] {name}: {len(a)} PDF pages, {len(b)} DOCX pages, {same}/{total} lines identical")
    assert len(b) == len(a)
    for n, (pa, pb) in enumerate(zip(a, b, strict=True), start=1):
        assert pb == pa, f"page {n}"
        assert page_numbers(theirs.pages[n - 1]) == page_numbers(ours.pages[n - 1]), f"page {n}"


def record_lines(page):
    """The 版记's lines: 4号 text starting 抄送/主送 or ending 印发."""
    return [line for line in rows(page) if abs(line[0]["size"] - 14) < 0.5
            and (text(line).startswith(("抄送", "主送")) or text(line).endswith("印发"))]


@pytest.mark.parametrize("name", ["tongzhi", "long_body", "minutes", "minutes_long", "joint",
                                  "record_on_content_page", "record_after_blank_page",
                                  "recipients_in_record"])
def test_docx_record_block_is_at_the_foot_of_an_even_last_page(converted, name):
    spec, _, _, theirs = converted[name]
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
