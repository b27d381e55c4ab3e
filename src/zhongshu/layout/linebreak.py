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
LINE_BREAK = "\n"  # in ``joined_text``: the DOCX writes a line break (w:br) here
# Marks that may hang past the end of a full line (标点悬挂) rather than pull a character
# down with them: none, as GB/T 9704's 28 characters a line ask (decision 0703).
HANGING: frozenset[str] = frozenset()

_TOKEN = re.compile(r"——|……|[A-Za-z0-9][A-Za-z0-9.,%:/+\-_@&]*|.", re.S)


@dataclass
class Token:
    text: str
    width: float
    advances: tuple[float, ...] | None = None  # per character (a W is wider than an i)
    glued: bool = False  # several pieces a word processor could break between (张立新, 2026年)
    tail: float = 0.0  # space after the last character that belongs to the next one (自动间距)
    held: bool = False  # glued, and carried whole to the next line where it would have split

    def __post_init__(self) -> None:
        if self.advances is None:
            self.advances = (self.width / max(1, len(self.text)),) * len(self.text)

    @property
    def steps(self) -> tuple[float, ...]:
        """``advances``, which ``__post_init__`` always fills."""
        assert self.advances is not None
        return self.advances

    @property
    def latin(self) -> bool:
        return self.text[:1].isascii() and self.text[:1].isalnum()


@dataclass
class Line:
    tokens: list[Token]
    indent: float
    justify: bool
    available: float
    hanging: bool = False  # the last token (、。，．) stands past the line's end

    @property
    def natural(self) -> float:
        return sum(t.width for t in self.tokens)

    @property
    def filled(self) -> float:
        """The width that fills the measure: without a hanging mark or trailing space."""
        width = self.natural - (self.tokens[-1].width if self.hanging else 0.0)
        return width - (self.tokens[-1].tail if self.tokens and not self.hanging else 0.0)

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    def positions(self) -> list[tuple[float, str]]:
        """(x offset from the line's left edge incl. indent, character) for every character.

        A justified line spreads its slack over every gap between characters, as Chinese
        text is set, except inside a Latin word or a number, whose letters keep their own
        advances (a W is never set on an i's width).
        """
        counted = self.tokens[:-1] if self.hanging else self.tokens
        gaps = sum(len(t.text) - 1 for t in counted if not t.latin) + len(counted) - 1
        extra = 0.0
        slack = self.available - self.filled
        if self.justify and gaps and 0 < slack < self.available / 4:
            extra = slack / gaps
        out = []
        x = self.indent
        for index, token in enumerate(self.tokens):
            inner = 0.0 if token.latin else extra
            for i, ch in enumerate(token.text):
                out.append((x, ch))
                x += token.steps[i] + (inner if i < len(token.text) - 1 else 0.0)
            if index < len(counted) - 1:
                x += extra
        return out


def _unit_after_number(prev: str, ch: str) -> bool:
    return bool(_DIGITS.match(prev)) and ch in _UNIT_AFTER_NUMBER


def tokenize(text: str, width_of: Callable[[str], float],
             spans: list[tuple[int, int]] | None = None, *, units: bool = False) -> list[Token]:
    """Pieces no break may fall inside: a Latin word or number, a 「——」 or 「……」, a word
    of ``spans`` (a person's name), with ``units`` a number with its unit (2026年); else
    one character. Body text may break between a number and its unit, as every word
    processor does (it cannot be told otherwise: decision 0703)."""
    pieces: list[tuple[int, int]] = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    joined: list[list[int]] = []  # [start, end, pieces]
    for start, end in pieces:
        if units and joined and _unit_after_number(text[joined[-1][0]:joined[-1][1]], text[start:end]):
            joined[-1][1:] = [end, joined[-1][2] + 1]
        else:
            joined.append([start, end, 1])
    for s_start, s_end in spans or ():
        merged: list[list[int]] = []
        for start, end, count in joined:
            if merged and start < s_end and end > s_start and merged[-1][1] > s_start:
                merged[-1][1:] = [max(end, merged[-1][1]), merged[-1][2] + count]
            else:
                merged.append([start, end, count])
        joined = merged
    widths = [width_of(c) for c in text]
    between = getattr(width_of, "between", None)
    gaps = [between(a, b) for a, b in zip(text, text[1:], strict=False)] + [0.0] if between else [0.0] * len(text)
    tokens = []
    for start, end, count in joined:
        advances = tuple(w + gap for w, gap in zip(widths[start:end], gaps[start:end], strict=True))
        tokens.append(Token(text[start:end], sum(advances), advances, glued=count > 1, tail=gaps[end - 1]))
    return tokens


def break_lines(text: str, width_of: Callable[[str], float], measure: float,
                first_indent: float = 0.0, rest_indent: float = 0.0,
                justify: bool = True, spans: list[tuple[int, int]] | None = None) -> list[Line]:
    """Break ``text`` into lines no wider than ``measure`` (indents included).

    Breaks fall between tokens (see ``tokenize``); a token that starts a line when part
    of it would still have fitted on the line before is marked ``held``: the DOCX joins
    its characters with word joiners so that a word processor breaks it the same way.
    """
    tokens = []
    for token in tokenize(text, width_of, spans):
        if token.width > measure - max(first_indent, rest_indent):  # longer than a line
            tokens += [Token(c, a, (a,)) for c, a in zip(token.text, token.steps, strict=True)]
        else:
            tokens.append(token)
    lines: list[Line] = []
    i = 0
    while i < len(tokens):
        indent = first_indent if not lines else rest_indent
        avail = measure - indent
        j, used = i, 0.0
        # a token's trailing space (自动间距 before the next) does not count at a line's end
        while j < len(tokens) and used + tokens[j].width - tokens[j].tail <= avail + 0.01:
            used += tokens[j].width
            j += 1
        if j == i:  # nothing fits: take one token anyway
            j = i + 1
        hanging = j < len(tokens) and j > i and tokens[j].text in HANGING
        if hanging:
            j += 1
        elif j < len(tokens):
            k = j
            while k > i + 1 and (tokens[k].text[0] in NO_START or tokens[k - 1].text[-1] in NO_END):
                k -= 1
            j = k
            token = tokens[j]
            fitted = sum(t.width for t in tokens[i:j])
            if (token.glued or (token.latin and len(token.text) > 1)) \
                    and fitted + token.steps[0] <= avail + 0.01:
                token.held = True
        lines.append(Line(tokens[i:j], indent, justify and j < len(tokens), avail, hanging))
        i = j
    return lines


def joined_text(lines: list[Line]) -> str:
    """The text of ``lines`` for the DOCX: a line break before each word the engine carried
    whole to the next line (a name, a number) where a word processor would split it.

    Word joiners (U+2060) would say the same without a break, but LibreOffice breaks at
    them in text set with character spacing, as the DOCX is (decision 0703).
    """
    out = []
    for line in lines:
        for token in line.tokens:
            out.append(LINE_BREAK + token.text if token.held else token.text)
    return "".join(out)


# A number and the unit after it read as one (2026年, 12号, 第3次): never split them.
_UNIT_AFTER_NUMBER = set("年月日号届次期项条款个批家件名人元万亿%‰")
_DIGITS = re.compile(r"^[0-9０-９.．]+$")


@dataclass
class TitleUnit:
    text: str
    words: list[str]  # where the unit may still be split if it is wider than a line
    tight: int = 0  # a modifier and its head (安全|生产): 1, a break here costs a little; 2 in a name


_MODIFIER = ("n", "a", "vn", "an", "nz", "ns", "nt", "m", "t")
# The last word of an organ's name (示范市人民政府|办公室): parting it from the rest costs.
_ORGAN_TAIL = frozenset(("办公室", "办公厅", "委员会", "人民政府", "政府", "局", "厅", "委", "部",
                         "处", "室", "中心", "党组", "党委"))
_HEAD = ("n", "vn", "an", "nz", "t")


def title_units(text: str, words: frozenset[str] = frozenset()) -> list[TitleUnit]:
    """Split a title into pieces no line break may fall inside (标题回行, 7.3.1).

    Words come from the rjieba segmenter (its dictionary is compiled into the wheel); a
    number keeps its unit, a 书名号 pair stays whole, and punctuation sticks to the word it
    belongs to so that no line starts with closing or ends with opening punctuation.
    """
    from .words import segmenter

    tagged = segmenter.tag(text, words)
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
            tight: int = bool(units) and last_tag.startswith(_MODIFIER) and tag.startswith(_HEAD)
            if units and word in _ORGAN_TAIL and last_tag.startswith(("n", "j")):
                tight = 2  # inside an organ's name: twice the cost
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


def balanced_lines(text: str, width_of: Callable[[str], float], measure: float,
                   words: frozenset[str] = frozenset()) -> list[Line]:
    """Title lines that keep words whole, of near-equal length, as a trapezoid or diamond.

    The fewest lines that hold the title are used; among the ways to break it between
    words into that many lines, the one with the most even lengths wins, a trapezoid or
    diamond beats any other shape, a line ending in 关于/的 or starting with 的 costs a
    character's width, and parting a modifier from its head (安全|生产) half of one.
    """
    from itertools import combinations

    units = title_units(text, words) if text else []
    if not units:
        return []
    cell = max(width_of(c) for c in text)
    pieces: list[Token] = []
    tight: list[int] = []  # tight[i]: the cost weight of breaking before pieces[i] (0: none)
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
                tight.append(unit.tight if k == 0 and m == 0 else int(k > 0 and m > 0))
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
                        cost += cell / 2 * tight[b]
                # lengths compared in half characters (a point's difference decides nothing);
                # at equal cost the shorter first line (a trapezoid widening downwards) wins
                key = (round(cost / (cell / 2)), widths[0])
                if best is None or key < best[0]:
                    best = (key, edges)
        if best is not None:
            edges = best[1]
            return [Line(pieces[a:b], 0.0, False, measure) for a, b in zip(edges, edges[1:], strict=False)]
        count += 1
        if count > len(pieces) or math.comb(len(pieces) - 1, count - 1) > 200_000:
            return break_lines(text, width_of, measure, justify=False)
