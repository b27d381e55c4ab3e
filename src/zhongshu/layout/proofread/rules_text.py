"""Rules on running text: punctuation, full-width characters, the term list, placeholders.

They look at every printed line. Each skips what real documents legitimately contain:
web addresses and e-mail addresses, numbers like 3.5 or 10:30, Latin names with their
own half-width marks.
"""

from __future__ import annotations

import re

from . import patterns as P
from .document import BLANK, TITLE, Line
from .engine import ERROR, Context

PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "〈": "〉", "【": "】"}
CLOSERS = {v: k for k, v in PAIRS.items()}

URL = re.compile(r"(https?://|ftp://|www\.)[\w\-./?%&=:#~+@,;!]*|[\w.+\-]+@[\w\-]+(\.[\w\-]+)+",
                 re.IGNORECASE)
HALF_MARKS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
POINT_MARKS = "，、；：。？！"
HALF_POINT_MARKS = ",;:?!"
FULL_DIGIT_OR_LATIN = re.compile("[０-９Ａ-Ｚａ-ｚ]+")
PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?:X{2,}|x{3,})(?![A-Za-z])|Ｘ{2,}|×{2,}|某某|待填|待定[）)]|【\s*】|\[\s*\]"
    r"|○{2,}|□{2,}|_{3,}|＿{2,}"
)


def rule(rule_id: str):
    def wrap(fn):
        fn.rule_id = rule_id
        return fn

    return wrap


def _text_lines(ctx: Context) -> list[Line]:
    return [ln for ln in ctx.doc.lines if ln.kind != BLANK]


def _mask_urls(text: str) -> str:
    return URL.sub(lambda m: "\x00" * len(m.group(0)), text)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and (bool(P.CJK_CHAR.match(ch)) or ch in P.CJK_PUNCT_CLOSE or ch in "“‘（《")


def _pairing_units(ctx: Context) -> list[list[Line]]:
    """Lines checked together: a title wrapped over several lines is one unit (a 书名号
    may open on one line and close on the next); every other line stands alone."""
    units: list[list[Line]] = []
    for ln in _text_lines(ctx):
        if ln.kind == TITLE and units and units[-1][-1].kind == TITLE:
            units[-1].append(ln)
        else:
            units.append([ln])
    return units


@rule("punctuation-pairing")
def punctuation_pairing(ctx: Context) -> None:
    for unit in _pairing_units(ctx):
        chars = [(ln, i, ch) for ln in unit for i, ch in enumerate(_mask_urls(ln.text))]
        _check_pairs(ctx, chars)


def _check_pairs(ctx: Context, chars: list[tuple[Line, int, str]]) -> None:
    stack: list[tuple[str, Line, int]] = []
    for ln, i, ch in chars:
        if ch in PAIRS:
            # “ and ‘ nest rarely; a second “ before a ” means the first one is unclosed.
            if ch in "“‘" and stack and stack[-1][0] == ch:
                _unclosed(ctx, *stack.pop())
            stack.append((ch, ln, i))
        elif ch in CLOSERS:
            if stack and stack[-1][0] == CLOSERS[ch]:
                stack.pop()
            elif any(o == CLOSERS[ch] for o, _, _ in stack):
                while stack and stack[-1][0] != CLOSERS[ch]:
                    _unclosed(ctx, *stack.pop())
                stack.pop()
            else:
                ctx.report("punctuation-pairing", ERROR, ln, i + 1,
                           f"“{ch}”没有与之配对的“{CLOSERS[ch]}”",
                           f"补上“{CLOSERS[ch]}”或删去多余的“{ch}”")
    for opener, ln, i in stack:
        _unclosed(ctx, opener, ln, i)


def _unclosed(ctx: Context, opener: str, ln: Line, i: int) -> None:
    ctx.report("punctuation-pairing", ERROR, ln, i + 1, f"“{opener}”没有与之配对的“{PAIRS[opener]}”",
               f"补上“{PAIRS[opener]}”")


@rule("punctuation-width")
def punctuation_width(ctx: Context) -> None:
    for ln in _text_lines(ctx):
        text = _mask_urls(ln.text)
        for i, ch in enumerate(text):
            if ch not in HALF_MARKS:
                continue
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if ch in "()":
                # A bracket touching Chinese text on either side belongs to Chinese text.
                wrong = _is_cjk(prev) or _is_cjk(nxt)
            else:
                # 10:30, 3,000 and Latin text keep their marks; a mark after a Chinese word is
                # wrong whatever follows it (end of line, a Chinese word, a space).
                wrong = _is_cjk(prev) and not (nxt.isascii() and nxt.isalnum())
                wrong = wrong or (_is_cjk(nxt) and prev.isdigit() and ch in ",;")
            if wrong:
                ctx.report("punctuation-width", ERROR, ln, i + 1,
                           f"中文文本中使用了半角“{ch}”", f"改为全角“{HALF_MARKS[ch]}”")


@rule("punctuation-repeat")
def punctuation_repeat(ctx: Context) -> None:
    for ln in _text_lines(ctx):
        text = _mask_urls(ln.text)
        i = 0
        while i < len(text) - 1:
            a, b = text[i], text[i + 1]
            full = a in POINT_MARKS and b in POINT_MARKS
            half = (a in HALF_POINT_MARKS and b in HALF_POINT_MARKS + POINT_MARKS
                    or a in POINT_MARKS and b in HALF_POINT_MARKS)
            if (full or half) and a + b not in ("？！", "！？"):
                j = i + 2
                while j < len(text) and text[j] in POINT_MARKS + HALF_POINT_MARKS:
                    j += 1
                run = text[i:j]
                what = "重复" if len(set(run)) == 1 else "连用"
                full_marks = [c for c in run if c in POINT_MARKS] or [HALF_MARKS[run[0]]]
                keep = next((c for c in reversed(full_marks) if c in "。？！"), full_marks[0])
                ctx.report("punctuation-repeat", ERROR, ln, i + 1, f"标点“{run}”{what}",
                           f"只保留一个标点，如“{keep}”", length=len(run))
                i = j
            else:
                i += 1


@rule("digit-width")
def digit_width(ctx: Context) -> None:
    for ln in _text_lines(ctx):
        for m in FULL_DIGIT_OR_LATIN.finditer(ln.text):
            half = m.group(0).translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B)})
            kind = "数字" if m.group(0)[0] in "０１２３４５６７８９" else "字母"
            ctx.report("digit-width", ERROR, ln, m.start() + 1, f"使用了全角{kind}“{m.group(0)}”",
                       f"改为半角“{half}”", length=len(m.group(0)))


@rule("term-list")
def term_list(ctx: Context) -> None:
    if not ctx.terms:
        return
    for ln in _text_lines(ctx):
        for term in ctx.terms:
            if not term.term:
                continue
            start = ln.text.find(term.term)
            while start != -1:
                msg = f"“{term.term}”不宜使用" + (f"：{term.note}" if term.note else "")
                sug = f"改为“{term.replacement}”" if term.replacement else "删去或改写"
                ctx.report("term-list", term.severity, ln, start + 1, msg, sug, length=len(term.term))
                start = ln.text.find(term.term, start + len(term.term))


@rule("placeholder")
def placeholder(ctx: Context) -> None:
    for ln in _text_lines(ctx):
        text = _mask_urls(ln.text)
        for m in PLACEHOLDER.finditer(text):
            # "XX" inside a Latin word (XXL) is not a placeholder: the lookarounds handle it.
            ctx.report("placeholder", ERROR, ln, m.start() + 1,
                       f"残留占位符“{m.group(0)}”", "签发前填入实际内容", length=len(m.group(0)))


RULES = [punctuation_pairing, punctuation_width, punctuation_repeat, digit_width, term_list,
         placeholder]
