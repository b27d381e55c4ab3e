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
PAIR_MARK = re.compile("[“”‘’（）《》〈〉【】]")
HALF_MARK = re.compile(r"[,;:?!()]")

URL = re.compile(r"(https?://|ftp://|www\.)[\w\-./?%&=:#~+@,;!]*|[\w.+\-]+@[\w\-]+(\.[\w\-]+)+",
                 re.IGNORECASE)
HALF_MARKS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
POINT_MARKS = "，、；：。？！"
HALF_POINT_MARKS = ",;:?!"
# Two or more sentence marks in a row (full or half width). A run of half-width marks only
# counts after a Chinese character: "?!" in English text is not ours to judge.
MARK_RUN = re.compile("[，、；：。？！][，、；：。？！,;:?!]+|[,;:?!]+[，、；：。？！][，、；：。？！,;:?!]*"
                      f"|(?<=[{P.CJK}])[,;:?!]{{2,}}")
FULL_DIGIT_OR_LATIN = re.compile("[０-９Ａ-Ｚａ-ｚ]+")
PLACEHOLDER_HINT = re.compile("[Xx×Ｘ某待【\\[○□_＿]")
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


_URL_HINT = re.compile(r"http|www\.|ftp:|@", re.IGNORECASE)
_MASKED: dict[str, str] = {}


def _mask_urls(text: str) -> str:
    # Most lines hold no address; skip the costly substitution for them. Lines that do are
    # masked once, however many rules ask.
    if not _URL_HINT.search(text):
        return text
    masked = _MASKED.get(text)
    if masked is None:
        if len(_MASKED) > 4096:
            _MASKED.clear()
        masked = _MASKED[text] = URL.sub(lambda m: "\x00" * len(m.group(0)), text)
    return masked


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
        chars = [(ln, m.start(), m.group(0)) for ln in unit
                 for m in PAIR_MARK.finditer(_mask_urls(ln.text))]
        if chars:
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
        if not HALF_MARK.search(ln.text):
            continue
        text = _mask_urls(ln.text)
        for m in HALF_MARK.finditer(text):
            i, ch = m.start(), m.group(0)
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if ch in "()":
                # A bracket touching Chinese text on either side belongs to Chinese text.
                wrong = _is_cjk(prev) or _is_cjk(nxt)
            else:
                # 10:30, 3,000 and Latin text keep their marks; a mark after a Chinese word is
                # wrong whatever follows it (end of line, a Chinese word, a number, a space).
                wrong = _is_cjk(prev) or (_is_cjk(nxt) and prev.isdigit() and ch in ",;")
            if wrong:
                ctx.report("punctuation-width", ERROR, ln, i + 1,
                           f"中文文本中使用了半角“{ch}”", f"改为全角“{HALF_MARKS[ch]}”")


@rule("punctuation-repeat")
def punctuation_repeat(ctx: Context) -> None:
    for ln in _text_lines(ctx):
        text = _mask_urls(ln.text)
        for m in MARK_RUN.finditer(text):
            run = m.group(0)
            if run in ("？！", "！？"):
                continue  # a rhetorical question may end so
            what = "重复" if len(set(run)) == 1 else "连用"
            full_marks = [c for c in run if c in POINT_MARKS] or [HALF_MARKS[run[0]]]
            keep = next((c for c in reversed(full_marks) if c in "。？！"), full_marks[0])
            ctx.report("punctuation-repeat", ERROR, ln, m.start() + 1, f"标点“{run}”{what}",
                       f"只保留一个标点，如“{keep}”", length=len(run))


@rule("digit-width")
def digit_width(ctx: Context) -> None:
    for ln in _text_lines(ctx):
        for m in FULL_DIGIT_OR_LATIN.finditer(ln.text):
            half = m.group(0).translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B)})
            kind = "数字" if m.group(0)[0] in "０１２３４５６７８９" else "字母"
            ctx.report("digit-width", ERROR, ln, m.start() + 1, f"使用了全角{kind}“{m.group(0)}”",
                       f"改为半角“{half}”", length=len(m.group(0)))


_TERM_CACHE: dict[tuple, tuple[re.Pattern, dict]] = {}


def _term_pattern(terms) -> tuple[re.Pattern, dict]:
    """One alternation for the whole list (longest first), compiled once per list."""
    key = tuple(terms)
    if key not in _TERM_CACHE:
        by_term = {t.term: t for t in terms if t.term}
        ordered = sorted(by_term, key=len, reverse=True)
        _TERM_CACHE.clear()  # the office's list changes rarely; keep one entry
        _TERM_CACHE[key] = (re.compile("|".join(map(re.escape, ordered))), by_term)
    return _TERM_CACHE[key]


@rule("term-list")
def term_list(ctx: Context) -> None:
    if not any(t.term for t in ctx.terms):
        return
    pattern, by_term = _term_pattern(ctx.terms)
    for ln in _text_lines(ctx):
        for m in pattern.finditer(ln.text):
            term = by_term[m.group(0)]
            msg = f"“{term.term}”不宜使用" + (f"：{term.note}" if term.note else "")
            sug = f"改为“{term.replacement}”" if term.replacement else "删去或改写"
            ctx.report("term-list", term.severity, ln, m.start() + 1, msg, sug, length=len(term.term))


@rule("placeholder")
def placeholder(ctx: Context) -> None:
    for ln in _text_lines(ctx):
        if not PLACEHOLDER_HINT.search(ln.text):
            continue
        text = _mask_urls(ln.text)
        for m in PLACEHOLDER.finditer(text):
            # "XX" inside a Latin word (XXL) is not a placeholder: the lookarounds handle it.
            ctx.report("placeholder", ERROR, ln, m.start() + 1,
                       f"残留占位符“{m.group(0)}”", "签发前填入实际内容", length=len(m.group(0)))


RULES = [punctuation_pairing, punctuation_width, punctuation_repeat, digit_width, term_list,
         placeholder]
