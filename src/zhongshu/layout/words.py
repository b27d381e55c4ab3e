"""Words a line break must not split: the organisation's own unit and person names.

A segmenter's general dictionary does not know that 张立新 is a person or that 示例市人民政府
办公室 is one organ (issue 12 §5). The renderer therefore takes extra words: given by the
caller (``render(..., words=[...])``) and, by default, the names of the units and people in
the database when Django is configured. Without Django, or without a database, there are
simply no extra words: layout stays importable and usable on its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

# Person names and short unit names are kept whole in body text; longer entries (full organ
# names) are kept whole in titles, where the standard asks for 词意完整 (7.3.1), but may
# break in body text between their own words, as a clerk would set them.
BODY_WORD_MAX = 4
_TTL = 300.0  # seconds an organisation's names are reused before they are read again
_cache: tuple[float, frozenset[str]] | None = None
_cache_lock = threading.Lock()


def organisation_words() -> frozenset[str]:
    """The names of the active units (full and short) and people, read at most every five
    minutes; empty when Django or its database is not available."""
    global _cache
    cached = _cache
    if cached is not None and time.monotonic() - cached[0] < _TTL:
        return cached[1]
    try:
        from django.apps import apps
        from django.conf import settings

        if not settings.configured or not apps.ready:
            return frozenset()
        from django.db import transaction

        from zhongshu.org.models import Person, Unit

        with transaction.atomic():  # a savepoint: a failure cannot spoil the caller's transaction
            names = set(Unit.objects.filter(is_active=True).values_list("name", flat=True))
            names |= set(Unit.objects.filter(is_active=True).exclude(short_name="")
                         .values_list("short_name", flat=True))
            names |= set(Person.objects.filter(is_active=True).exclude(full_name="")
                         .values_list("full_name", flat=True))
    except Exception:  # noqa: BLE001 - no database (tests, scripts): no extra words
        return frozenset()
    words = frozenset(n.strip() for n in names if n and len(n.strip()) >= 2)
    with _cache_lock:
        _cache = (time.monotonic(), words)
    return words


def clean_words(words: Iterable[str] | None) -> frozenset[str]:
    return frozenset(w.strip() for w in words or () if w and len(w.strip()) >= 2)


def find_words(text: str, words: frozenset[str], max_len: int | None = None) -> list[tuple[int, int]]:
    """Spans (start, end) of ``words`` in ``text``, leftmost and longest first, not overlapping."""
    if not words or not text:
        return []
    lengths = sorted({len(w) for w in words if max_len is None or len(w) <= max_len}, reverse=True)
    spans = []
    i = 0
    while i < len(text):
        for length in lengths:
            if text[i:i + length] in words:
                spans.append((i, i + length))
                i += length
                break
        else:
            i += 1
    return spans


class _Segmenter:
    """rjieba's dictionary, loaded once per process (a quarter of a second); calls are
    serialised (it is not thread-safe). The organisation's words are not added to it — that
    would make a document's breaks depend on what the process rendered before — but merged
    into its output: segments a word covers become that word."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jieba: Any = None  # rjieba, untyped, loaded on first use

    def tag(self, text: str, words: frozenset[str]) -> list[tuple[str, str]]:
        with self.lock:
            if self.jieba is None:
                import rjieba  # its import loads the dictionary once (a quarter second)

                self.jieba = rjieba  # nothing is added to it: sharing it is safe
            tagged = [(w, t) for w, t in self.jieba.tag(text) if w]
        spans = find_words(text, words)
        if not spans:
            return tagged
        out: list[tuple[str, str]] = []
        pos = 0
        span_iter = iter(spans)
        span = next(span_iter, None)
        merging: list[str] = []
        for word, tag in tagged:
            start, end = pos, pos + len(word)
            pos = end
            while span is not None and span[1] <= start:
                span = next(span_iter, None)
            if span is not None and start < span[1] and end > span[0]:
                merging.append(word)
                if end >= span[1]:
                    out.append(("".join(merging), "nz"))
                    merging = []
                    span = next(span_iter, None)
                continue
            out.append((word, tag))
        if merging:
            out.append(("".join(merging), "nz"))
        return out


segmenter = _Segmenter()
