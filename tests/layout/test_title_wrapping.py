"""标题回行 (GB/T 9704 7.3.1): words stay whole, lines balanced into a trapezoid or diamond."""

from __future__ import annotations

import pytest

from tests.layout.measure import MM, pdf_of, rows, text
from zhongshu.layout import geometry as g
from zhongshu.layout.engine import Engine
from zhongshu.layout.linebreak import balanced_lines
from zhongshu.layout.spec import load_spec

# Real-looking long titles, each with the words or units that must not be split.
TITLES = [
    ("中共示范市委办公室关于做好2026年元旦春节期间值班和安全稳定工作的通知",
     ["元旦", "春节", "2026年", "办公室", "通知"]),
    ("中共示范市委办公室 示范市人民政府办公室关于印发《示范市党政机关公文处理工作实施细则（试行）》的通知",
     ["办公室", "（试行）》", "党政机关", "通知", "印发"]),
    ("示范市人民政府关于2026年度全市安全生产工作目标责任考核结果的通报",
     ["2026年", "安全生产", "考核", "通报"]),
    ("示范市财政局关于申请拨付2026年第一批城乡居民基本医疗保险财政补助资金的请示",
     ["2026年", "第一批", "医疗保险", "财政", "请示"]),
    ("示范市机关事务管理局关于印发《示范市公务用车管理办法》的通知",
     ["《示范市公务用车管理办法》", "管理局"]),
    ("示范市发展和改革委员会关于下达2026年第12批中央预算内投资计划的通知",
     ["第12批", "2026年", "委员会", "预算"]),
    ("中共示范市委 示范市人民政府关于全面推进乡村振兴加快农业农村现代化建设的实施意见",
     ["乡村振兴", "农业农村", "现代化", "实施意见"]),
]


def title_lines(title: str) -> list[str]:
    engine = Engine(load_spec({"doc_type": "通知", "title": title, "issuers": ["甲"], "body": ["x"]}))
    lines = balanced_lines(title, engine.width_of("xiaobiaosong", g.TITLE), g.BLOCK_W)
    return ["".join(t.text for t in line.tokens) for line in lines]


def is_trapezoid_or_diamond(lengths: list[int]) -> bool:
    steps = list(zip(lengths, lengths[1:], strict=False))
    if all(a >= b for a, b in steps) or all(a <= b for a, b in steps):
        return True
    peak = lengths.index(max(lengths))
    return 0 < peak < len(lengths) - 1 and lengths[:peak + 1] == sorted(lengths[:peak + 1]) \
        and lengths[peak:] == sorted(lengths[peak:], reverse=True)


@pytest.mark.parametrize(("title", "whole"), TITLES)
def test_title_breaks_only_between_words(title, whole):
    lines = title_lines(title)
    print(f"\n[title] {' | '.join(lines)}")
    assert "".join(lines) == title
    assert len(lines) >= 2
    for word in whole:
        assert any(word in line for line in lines), f"{word} split across lines: {lines}"
    # visual length in characters: a Latin letter or digit is half of one
    lengths = [sum(1 if ord(c) > 0x2E7F else 0.5 for c in line) for line in lines]
    assert max(lengths) <= 20  # fits the 156 mm line at 2号
    assert max(lengths) - min(lengths) <= 4, lengths  # 长短适宜
    assert is_trapezoid_or_diamond(lengths), lengths


def test_book_title_longer_than_a_line_breaks_between_its_words():
    lines = title_lines(TITLES[1][0])
    assert len(lines) == 3
    # the 书名号 pair cannot fit on one line; it still breaks between words, never in one
    for word in ("党政机关", "实施细则", "（试行）", "示范市", "公文"):
        assert any(word in line for line in lines), lines


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation():
    for title, _ in TITLES:
        for line in title_lines(title):
            assert line[0] not in "，。、）》”" and line[-1] not in "（《“"


def test_printed_title_keeps_words_intact():
    pdf = pdf_of("tongzhi")
    lines = [line for line in rows(pdf.pages[0]) if line[0]["size"] == pytest.approx(22)]
    printed = [text(line) for line in lines]
    print(f"\n[pdf] title lines: {printed}")
    assert "元旦春节" in printed[0] or "元旦春节" in printed[1]
    # each line centred on the text block
    for line in lines:
        centre = (line[0]["x0"] + line[-1]["x1"]) / 2
        assert abs(centre / MM - (28 + 78)) < 1
    pdf.close()
