"""Heading numbers (一、（一）1.（1）): one pure module, counted alike everywhere."""

from __future__ import annotations

import pytest

from zhongshu.layout.headings import (
    HeadingCounter,
    chinese_number,
    heading_number,
    heading_numbers,
    parse_chinese_number,
)


@pytest.mark.parametrize(("n", "text"), [
    (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (35, "三十五"),
    (99, "九十九"), (100, "一百"), (101, "一百零一"), (110, "一百一十"), (115, "一百一十五"),
    (120, "一百二十"), (200, "二百"), (999, "九百九十九"), (1000, "一千"), (1001, "一千零一"),
    (1010, "一千零一十"), (1100, "一千一百"), (10000, "一万"), (10005, "一万零五"),
    (10010, "一万零一十"), (12345, "一万二千三百四十五"),
])
def test_chinese_numbers_including_a_hundred_and_more(n, text):
    assert chinese_number(n) == text
    assert parse_chinese_number(text) == n


def test_every_count_to_two_thousand_reads_back():
    for n in range(1, 2001):
        assert parse_chinese_number(chinese_number(n)) == n


def test_not_a_number():
    assert parse_chinese_number("") is None
    assert parse_chinese_number("一二a") is None


def test_heading_number_per_level():
    assert [heading_number(level, 3) for level in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    assert heading_number(1, 100) == "一百、" and heading_number(2, 101) == "（一百零一）"
    with pytest.raises(ValueError):
        heading_number(5, 1)


def test_counting_resets_deeper_levels():
    assert heading_numbers([1, 2, 2, None, 3, 4, 4, 1, 2, 3, None]) == [
        "一、", "（一）", "（二）", None, "1.", "（1）", "（2）", "二、", "（一）", "1.", None]
    counter = HeadingCounter()
    numbers = [counter.next(1) for _ in range(120)]
    assert numbers[99] == "一百、" and numbers[119] == "一百二十、"


def test_renderer_docx_proofreader_and_content_number_alike():
    """The four users of heading numbers share this module (issue 9 §7)."""
    from zhongshu.documents import content
    from zhongshu.layout import engine, word
    from zhongshu.layout.proofread import document

    assert engine.heading_number is heading_number
    assert engine.HeadingCounter is HeadingCounter and word.HeadingCounter is HeadingCounter
    assert document.heading_prefix is heading_number
    assert content.heading_numbers is heading_numbers
