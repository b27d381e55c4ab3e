"""Chinese line breaking (GB/T 15834 practice): no line starts with closing punctuation,
no line ends with opening punctuation, dashes and ellipses and Latin words stay whole.

Breaks are made by pulling a character down to the next line, and the shortened line is
then justified to the full measure, as Chinese typesetting does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

NO_START = set("，。、；：？！）》」』”’〕】〉］｝…—%‰℃·・～!),.:;?]}")
NO_END = set("（《「『“‘〔【〈［｛([{")

_TOKEN = re.compile(r"——|……|[A-Za-z0-9][A-Za-z0-9.,%:/+\-_@&]*|.", re.S)


@dataclass
class Token:
    text: str
    width: float
    advances: tuple[float, ...] | None = None  # per character, when they differ (2026年)


@dataclass
class Line:
    tokens: list[Token]
    indent: float
    justify: bool
    available: float

    @property
    def natural(self) -> float:
        return sum(t.width for t in self.tokens)

    def positions(self) -> list[tuple[float, str]]:
        """(x offset from the line's left edge incl. indent, character) for every character."""
        extra = 0.0
        slack = self.available - self.natural
        if self.justify and len(self.tokens) > 1 and 0 < slack < self.available / 4:
            extra = slack / (len(self.tokens) - 1)
        out = []
        x = self.indent
        for index, token in enumerate(self.tokens):
            per = token.width / max(1, len(token.text))
            dx = 0.0
            for i, ch in enumerate(token.text):
                out.append((x + dx, ch))
                dx += token.advances[i] if token.advances else per
            x += token.width + (extra if index < len(self.tokens) - 1 else 0)
        return out


def tokenize(text: str, width_of: Callable[[str], float]) -> list[Token]:
    return [Token(m.group(0), sum(width_of(c) for c in m.group(0))) for m in _TOKEN.finditer(text)]


def break_lines(text: str, width_of: Callable[[str], float], measure: float,
                first_indent: float = 0.0, rest_indent: float = 0.0,
                justify: bool = True) -> list[Line]:
    """Break ``text`` into lines no wider than ``measure`` (indents included)."""
    tokens = []
    for token in tokenize(text, width_of):
        if token.width > measure - max(first_indent, rest_indent):  # an over-long Latin run
            tokens += [Token(c, width_of(c)) for c in token.text]
        else:
            tokens.append(token)
    lines: list[Line] = []
    i = 0
    while i < len(tokens):
        indent = first_indent if not lines else rest_indent
        avail = measure - indent
        j, used = i, 0.0
        while j < len(tokens) and used + tokens[j].width <= avail + 0.01:
            used += tokens[j].width
            j += 1
        if j == i:  # nothing fits: take one token anyway
            j = i + 1
        if j < len(tokens):
            k = j
            while k > i + 1 and (tokens[k].text[0] in NO_START or tokens[k - 1].text[-1] in NO_END):
                k -= 1
            j = k
        lines.append(Line(tokens[i:j], indent, justify and j < len(tokens), avail))
        i = j
    return lines


# A number and the unit after it read as one (2026年, 12号, 第3次): never split them.
_UNIT_AFTER_NUMBER = set("年月日号届次期项条款个批家件名人元万亿%‰")
_DIGITS = re.compile(r"^[0-9０-９.．]+$")


@dataclass
class TitleUnit:
    text: str
    words: list[str]  # where the unit may still be split if it is wider than a line
    tight: bool = False  # a modifier and its head (安全|生产): a break here costs a little


_MODIFIER = ("n", "a", "vn", "an", "nz", "ns", "nt", "m")
_HEAD = ("n", "vn", "an", "nz")


def title_units(text: str) -> list[TitleUnit]:
    """Split a title into pieces no line break may fall inside (标题回行, 7.3.1).

    Words come from the rjieba segmenter (its dictionary is compiled into the wheel); a
    number keeps its unit, a 书名号 pair stays whole, and punctuation sticks to the word it
    belongs to so that no line starts with closing or ends with opening punctuation.
    """
    import rjieba

    tagged = [(w, t) for w, t in rjieba.tag(text) if w]
    units: list[TitleUnit] = []
    depth = 0  # inside 《…》
    glue_next = False
    last_tag = ""
    for word, tag in tagged:
        if units and (depth or glue_next or word[0] in NO_START
                      or (_DIGITS.match(units[-1].words[-1]) and word[0] in _UNIT_AFTER_NUMBER)
                      or (_DIGITS.match(word) and units[-1].text.endswith("第"))):
            units[-1].text += word
            units[-1].words.append(word)
        else:
            tight = bool(units) and last_tag.startswith(_MODIFIER) and tag.startswith(_HEAD)
            units.append(TitleUnit(word, [word], tight))
        depth = max(depth + word.count("《") - word.count("》"), 0)
        glue_next = word[-1] in NO_END
        last_tag = tag
    return units


def _shape_penalty(widths: list[float], cell: float) -> float:
    """梯形 (lines growing or shrinking steadily) or 菱形 (a longest middle line) cost nothing."""
    n = len(widths)
    tol = cell * 0.01
    if all(widths[i] >= widths[i + 1] - tol for i in range(n - 1)) \
            or all(widths[i] <= widths[i + 1] + tol for i in range(n - 1)):
        return 0.0
    if n >= 3:
        peak = max(range(n), key=lambda i: widths[i])
        if 0 < peak < n - 1 and all(widths[i] <= widths[i + 1] + tol for i in range(peak)) \
                and all(widths[i] >= widths[i + 1] - tol for i in range(peak, n - 1)):
            return 0.0
    return 4 * cell


# Breaking right after these or right before these leaves a line that reads badly.
_WEAK_END = ("关于", "对", "和", "与", "及", "的", "在", "为")
_WEAK_START = ("的", "和", "与", "及")


def balanced_lines(text: str, width_of: Callable[[str], float], measure: float) -> list[Line]:
    """Title lines that keep words whole, of near-equal length, as a trapezoid or diamond.

    The fewest lines that hold the title are used; among the ways to break it between
    words into that many lines, the one with the most even lengths wins, a trapezoid or
    diamond beats any other shape, a line ending in 关于/的 or starting with 的 costs a
    character's width, and parting a modifier from its head (安全|生产) half of one.
    """
    from itertools import combinations

    units = title_units(text) if text else []
    if not units:
        return []
    cell = max(width_of(c) for c in text)
    pieces: list[Token] = []
    tight: list[bool] = []  # tight[i]: breaking before pieces[i] splits a modifier from its head
    for unit in units:
        w = sum(width_of(c) for c in unit.text)
        if w <= measure:
            pieces.append(Token(unit.text, w, tuple(width_of(c) for c in unit.text)))
            tight.append(unit.tight)
            continue
        # wider than a line (a long 《…》): split between its words, characters only if need be
        for k, word in enumerate(unit.words):
            ww = sum(width_of(c) for c in word)
            parts = [word] if ww <= measure else list(word)
            for m, part in enumerate(parts):
                pieces.append(Token(part, sum(width_of(c) for c in part),
                                    tuple(width_of(c) for c in part)))
                tight.append(unit.tight if k == 0 and m == 0 else k > 0 and m > 0)
    total = sum(p.width for p in pieces)
    if total <= measure + 0.01:
        return [Line(pieces, 0.0, False, measure)]
    prefix = [0.0]
    for p in pieces:
        prefix.append(prefix[-1] + p.width)
    count = max(2, int(total // measure) + (1 if total % measure > 0.01 else 0))
    cuts = range(1, len(pieces))
    while True:
        best = None
        if count - 1 <= len(pieces) - 1 and math.comb(len(pieces) - 1, count - 1) <= 200_000:
            for chosen in combinations(cuts, count - 1):
                edges = (0, *chosen, len(pieces))
                widths = [prefix[b] - prefix[a] for a, b in zip(edges, edges[1:], strict=False)]
                if max(widths) > measure + 0.01:
                    continue
                cost = max(widths) - min(widths) + _shape_penalty(widths, cell)
                for b in edges[1:-1]:
                    if pieces[b - 1].text.endswith(_WEAK_END) or pieces[b].text.startswith(_WEAK_START):
                        cost += cell
                    if tight[b]:
                        cost += cell / 2
                if best is None or cost < best[0]:
                    best = (cost, edges)
        if best is not None:
            edges = best[1]
            return [Line(pieces[a:b], 0.0, False, measure) for a, b in zip(edges, edges[1:], strict=False)]
        count += 1
        if count > len(pieces) or math.comb(len(pieces) - 1, count - 1) > 200_000:
            return break_lines(text, width_of, measure, justify=False)
