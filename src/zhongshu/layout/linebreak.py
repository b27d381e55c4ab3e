"""Chinese line breaking (GB/T 15834 practice): no line starts with closing punctuation,
no line ends with opening punctuation, dashes and ellipses and Latin words stay whole.

Breaks are made by pulling a character down to the next line, and the shortened line is
then justified to the full measure, as Chinese typesetting does.
"""

from __future__ import annotations

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
        chars: list[tuple[float, str, float]] = []
        for token in self.tokens:
            per = token.width / max(1, len(token.text))
            for i, ch in enumerate(token.text):
                chars.append((i * per, ch, per))
        extra = 0.0
        slack = self.available - self.natural
        if self.justify and len(self.tokens) > 1 and 0 < slack < self.available / 4:
            extra = slack / (len(self.tokens) - 1)
        out = []
        x = self.indent
        for index, token in enumerate(self.tokens):
            per = token.width / max(1, len(token.text))
            for i, ch in enumerate(token.text):
                out.append((x + i * per, ch))
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


def balanced_lines(text: str, width_of: Callable[[str], float], measure: float) -> list[Line]:
    """Title lines of near-equal length, the upper ones no shorter (梯形/菱形, 7.3.1)."""
    total = sum(width_of(c) for c in text)
    lines = break_lines(text, width_of, measure, justify=False)
    count = len(lines)
    if count <= 1:
        return lines
    target = total / count
    step = max(width_of(c) for c in text) if text else 0
    width = target
    while width <= measure:
        trial = break_lines(text, width_of, width + 0.01, justify=False)
        if len(trial) == count:
            return trial
        width += step / 2
    return lines
