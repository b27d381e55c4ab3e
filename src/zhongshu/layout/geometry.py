"""GB/T 9704-2012 page geometry in points (1 pt = 1/72 in), origin top-left, y downwards.

The whole layout sits on a grid of 22 rows × 28 cells inside the 156 × 225 mm text block
(版心). Rows are spaced so that the em box of the first row's glyphs starts exactly at the
block's top edge (37 mm) and the em box of the 22nd row ends exactly at its bottom edge
(262 mm): the block measured in the produced file is the block the standard asks for.
"""

from __future__ import annotations

MM = 72 / 25.4

PAGE_W = 210 * MM
PAGE_H = 297 * MM
TOP = 37 * MM  # 天头
LEFT = 28 * MM  # 订口
BLOCK_W = 156 * MM
BLOCK_H = 225 * MM
RIGHT = LEFT + BLOCK_W
BOTTOM = TOP + BLOCK_H

ROWS = 22
COLS = 28

SIZE = {"初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16,
        "小三": 15, "四号": 14, "小四": 12, "五号": 10.5}
BODY = SIZE["三号"]
TITLE = SIZE["二号"]
SMALL = SIZE["四号"]

CELL = BLOCK_W / COLS  # 15.79 pt: a 3号 character squeezed a little, as Word's grid does
SQUEEZE = CELL / BODY
# Every character is set 0.25 pt narrower than its advance, in every size: 28 characters of
# 3号 then take 441 pt of the 442.2 pt line and 29 do not fit. The DOCX condenses its
# characters by the same amount (w:spacing -5), so a word processor and the engine measure
# a line alike and break it in the same place (docs/decisions/0102, 0703).
TRACK = -0.25
PITCH = (BLOCK_H - BODY) / (ROWS - 1)  # 29.61 pt ≈ one character + 7/8 of one, clause 3.2
GAP = PITCH - BODY

RED = (1.0, 0.0, 0.0)  # electronic red; print uses Y80% M80% (clause 5.2.2)
BLACK = (0.0, 0.0, 0.0)

MARK_FROM_BLOCK_TOP = 35 * MM  # 7.2.4: the mark's top edge below the block's top edge
ORDER_MARK_FROM_BLOCK_TOP = 20 * MM  # 10.2
LETTER_MARK_FROM_PAGE_TOP = 30 * MM  # 10.1
LETTER_LINE_LENGTH = 170 * MM
LETTER_BOTTOM_LINE_FROM_PAGE_BOTTOM = 20 * MM
LETTER_THICK, LETTER_THIN = 2.0, 0.6  # the letter's red double lines (pt)
LETTER_DOUBLE_GAP = 2.5  # between the centres of a double line's two rules (pt)
RED_LINE_BELOW_NUMBER = 4 * MM  # 7.2.6
RED_LINE_WIDTH = 0.5 * MM
PAGE_NUMBER_DASH_BELOW_BLOCK = 7 * MM  # 7.5
RECORD_THICK = 0.35 * MM  # 7.4.1
RECORD_THIN = 0.25 * MM
SEAL_DIAMETER = 42 * MM  # the usual organ seal (7.3.5.1); its place is kept, drawn on drafts only
SEAL_GAP = 3 * MM  # joint seals never touch (7.3.5.1): at least this much between two
MARK_MAX_SIZE = 50.0
LETTER_MARK_MAX_SIZE = 36.0


def row_top(row: int) -> float:
    return TOP + row * PITCH


def nearest_row(y: float) -> int:
    return max(0, round((y - TOP) / PITCH))


def mm(value_pt: float) -> float:
    return value_pt / MM
