"""信函格式 and 纪要格式 in the DOCX as LibreOffice sets it (GB/T 9704-2012 10.1, 10.3),
measured in the converted PDF, next to our own PDF."""

from __future__ import annotations

import pytest

from tests.layout.measure import MM, rows, text

pytestmark = pytest.mark.slow

RED = ((1, 0, 0), (1.0, 0.0, 0.0))


def red_rules(page):
    """Red horizontal rules as (top mm, bottom mm, length mm): drawn lines and filled bars."""
    out = []
    for r in page.rects + page.lines + page.curves:  # LibreOffice draws filled bars as paths
        colour = r.get("non_stroking_color") if r.get("fill") else r.get("stroking_color")
        if colour in RED and r["width"] > 100 * MM:
            out.append((r["top"] / MM, r["bottom"] / MM, r["width"] / MM))
    return sorted(out)


@pytest.mark.parametrize("which", ["pdf", "docx"])
def test_letter_head_and_double_lines(converted, which):
    _, _, ours, theirs = converted["letter"]
    page = (ours if which == "pdf" else theirs).pages[0]
    mark = next(line for line in rows(page) if text(line) == "示范市人民政府办公室")
    rules = red_rules(page)
    print(f"\n[{which}] letter: mark top {mark[0]['top'] / MM:.2f} mm, red rules "
          + ", ".join(f"{t:.1f}–{b:.1f} mm × {w:.1f} mm" for t, b, w in rules))
    assert mark[0]["top"] / MM == pytest.approx(30, abs=1.0)  # 10.1: 30 mm from the page's top
    lengths = {round(w) for *_, w in rules}
    assert lengths == {170}
    top = [r for r in rules if r[0] < 100]
    bottom = [r for r in rules if r[0] > 200]
    assert top and bottom, "both double lines"
    # 4 mm below the mark; 20 mm above the page's foot (thick below thin)
    assert min(t for t, *_ in top) - mark[0]["bottom"] / MM == pytest.approx(4, abs=1.2)
    assert max(b for _, b, _ in bottom) == pytest.approx(277, abs=1.2)
    thickness = [b - t for t, b, _ in bottom]
    if which == "docx" and len(bottom) == 2:
        assert thickness[-1] > thickness[0], "thick line below the thin one"
    # 10.1: no page number on the first page
    assert not [c for c in page.chars if c["top"] > 262 * MM and c["text"].isdigit()]


@pytest.mark.parametrize("which", ["pdf", "docx"])
def test_minutes_hanging_indent_and_pages(converted, which):
    _, _, ours, theirs = converted["minutes_long"]
    pdf = ours if which == "pdf" else theirs
    assert len(pdf.pages) == len(ours.pages) == 4  # 版记 on the even page 4
    lines = [line for page in pdf.pages for line in rows(page)]
    start = next(i for i, line in enumerate(lines) if text(line).startswith("出席："))
    first = lines[start]
    colon = next(c for c in first if c["text"] == "：")
    name_x = first[first.index(colon) + 1]["x0"]
    wrapped = lines[start + 1]
    print(f"\n[{which}] 出席 at {first[0]['x0'] / MM:.2f} mm, first name {name_x / MM:.2f} mm, "
          f"wrapped line {wrapped[0]['x0'] / MM:.2f} mm; {len(pdf.pages)} pages")
    assert first[0]["x0"] / MM == pytest.approx(28 + 2 * 5.57, abs=0.4)  # two characters in
    # 黑体: our Fandol Hei, or whichever sans face the machine gives the name 黑体
    assert any(k in first[0]["fontname"] for k in ("Hei", "黑体", "Sans"))
    assert not text(wrapped).startswith(("请假", "列席"))
    # 10.3: wrapped lines align with the first name after the colon
    assert wrapped[0]["x0"] == pytest.approx(name_x, abs=0.5 * MM)
