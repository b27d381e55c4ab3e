"""Heading numbers of the body (GB/T 9704-2012 7.3.3): 一、 → （一） → 1. → （1）.

One pure module (no Django, no layout) used by the renderer, the DOCX writer, the
proofreader and the document content, so that a heading is numbered the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

DIGITS = "〇一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))
LEVELS = (1, 2, 3, 4)


def chinese_number(n: int) -> str:
    """A positive integer in Chinese numerals as headings count: 1 → 一, 10 → 十,
    12 → 十二, 20 → 二十, 100 → 一百, 101 → 一百零一, 110 → 一百一十, 1000 → 一千,
    10000 → 一万 (a heading never gets that far, but no count raises)."""
    if n < 0:
        raise ValueError(f"heading numbers are positive: {n}")
    if n < 10:
        return DIGITS[n]
    if n < 20:  # 十, 十一 … 十九: the leading 一 is not said
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    if n >= 10000:
        high, low = divmod(n, 10000)
        head = chinese_number(high) + "万"
        if not low:
            return head
        return head + ("零" if low < 1000 else "") + _below_10000(low, leading=False)
    return _below_10000(n, leading=True)


def _below_10000(n: int, *, leading: bool) -> str:
    out = []
    zero = False  # a gap (101: 一百零一) is read as one 零
    started = False
    for value, unit in _UNITS:
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out.append("零")
                zero = False
            # 十 alone only at the very start (十二); inside a number it is 一十 (一百一十)
            out.append(DIGITS[digit] + unit if digit != 1 or unit != "十" or started or not leading
                       else unit)
            started = True
        elif started:
            zero = True
    if n:
        if zero:
            out.append("零")
        out.append(DIGITS[n])
    return "".join(out)


def parse_chinese_number(text: str) -> int | None:
    """The value of a heading's Chinese numeral (一百零一 → 101), or None if it is not one."""
    if not text:
        return None
    values = {c: i for i, c in enumerate(DIGITS)} | {"零": 0}
    units = {"十": 10, "百": 100, "千": 1000}
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in values:
            digit = values[ch]
        elif ch in units:
            section += (1 if digit is None else digit) * units[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def heading_number(level: int, n: int) -> str:
    """The printed number of the ``n``-th heading of ``level`` (1–4)."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading levels are 1 to 4: {level}")


class HeadingCounter:
    """Counts headings in reading order; a heading resets the count of every deeper level."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0, 0]

    def next(self, level: int) -> str:
        self.counts[level - 1] += 1
        for deeper in range(level, 4):
            self.counts[deeper] = 0
        return heading_number(level, self.counts[level - 1])


def heading_numbers(levels: Iterable[int | None]) -> list[str | None]:
    """The printed number of each block given its heading level (None for a block that is
    not a heading), counted through the sequence."""
    counter = HeadingCounter()
    return [None if level is None else counter.next(level) for level in levels]
