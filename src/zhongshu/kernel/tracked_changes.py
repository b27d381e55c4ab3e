"""Tracked changes (痕迹) across a chain of text versions, attributed per author.

Given the versions of a text in order, each with its author, this says for every
character of the latest text who wrote it, and for every piece of text that was
removed along the way who removed it and where it stood. The clean copy (清稿) is
simply the latest text; the marked copy interleaves the removals.

The diff is by character, because Chinese has no spaces to diff words by; runs of equal
attribution are merged so a page renders a few spans, not thousands.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Version:
    text: str
    author: Hashable


@dataclass(frozen=True)
class Segment:
    """A run of text: kept (``deleted_by`` is None) or removed, with who wrote it."""

    text: str
    inserted_by: Hashable
    deleted_by: Hashable | None = None
    # Text of the first version (the draft everyone changed), shown plain in a marked copy.
    # Not part of equality: a segment is what it says and who wrote and removed it.
    original: bool = field(default=False, compare=False)

    @property
    def is_deletion(self) -> bool:
        return self.deleted_by is not None


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        last = merged[-1] if merged else None
        if (last and last.inserted_by == seg.inserted_by and last.deleted_by == seg.deleted_by
                and last.original == seg.original):
            merged[-1] = replace(last, text=last.text + seg.text)
        else:
            merged.append(seg)
    return merged


def _apply(doc: list[Segment], version: Version) -> list[Segment]:
    """One more version on top of the marked document (one segment per character)."""
    kept_index = [i for i, seg in enumerate(doc) if not seg.is_deletion]
    old_text = "".join(doc[i].text for i in kept_index)
    matcher = SequenceMatcher(None, old_text, version.text, autojunk=False)
    new_doc: list[Segment] = []
    cursor = 0  # position in ``doc`` up to which everything has been copied

    def copy_until(doc_pos: int) -> None:
        nonlocal cursor
        new_doc.extend(doc[cursor:doc_pos])
        cursor = doc_pos

    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            copy_until(kept_index[a1 - 1] + 1)
            continue
        if a1 > a0:  # replaced or deleted: mark the old characters removed
            copy_until(kept_index[a0])
            for pos in range(kept_index[a0], kept_index[a1 - 1] + 1):
                seg = doc[pos]
                new_doc.append(seg if seg.is_deletion else replace(seg, deleted_by=version.author))
            cursor = kept_index[a1 - 1] + 1
        else:
            # Pure insertion: it goes before the next kept character, after any removed
            # text that stands in between.
            copy_until(kept_index[a0] if a0 < len(kept_index) else len(doc))
        new_doc.extend(Segment(ch, version.author) for ch in version.text[b0:b1])
    copy_until(len(doc))
    return new_doc


def track(versions: Sequence[Version]) -> list[Segment]:
    """The marked copy of the latest version: kept text and removed text, in reading order."""
    if not versions:
        return []
    # The document as a list of one-character segments, removed ones included, so that
    # later diffs (which see only kept text) can be mapped back onto it.
    doc: list[Segment] = [Segment(ch, versions[0].author, original=True) for ch in versions[0].text]
    for version in versions[1:]:
        doc = _apply(doc, version)
    return _merge(doc)


def clean_copy(versions: Sequence[Version]) -> str:
    return versions[-1].text if versions else ""


def authors_summary(segments: Sequence[Segment]) -> dict[Hashable, dict[str, int]]:
    """Per author, how many characters they added that remain and how many they removed."""
    summary: dict[Hashable, dict[str, int]] = {}
    for seg in segments:
        if seg.is_deletion:
            summary.setdefault(seg.deleted_by, {"inserted": 0, "deleted": 0})["deleted"] += len(seg.text)
        else:
            summary.setdefault(seg.inserted_by, {"inserted": 0, "deleted": 0})["inserted"] += len(seg.text)
    return summary


# --- how a marked copy is shown -------------------------------------------------------

AUTHOR_COLOURS = 8  # distinct colours (app.css: .mark-a0 … .mark-a7); more authors repeat them


@dataclass(frozen=True)
class Run:
    """A piece of the marked copy as shown: the base text, an insertion or a removal, with
    the author whose colour it takes and whether his name is written before it."""

    text: str
    kind: str  # "base", "ins" or "del"
    author: Hashable  # who wrote it ("ins", "base") or who removed it ("del")
    writer: Hashable  # who wrote it, also for a removal
    colour: int  # index into the palette; -1 for the base text
    show_name: bool


@dataclass(frozen=True)
class LegendEntry:
    author: Hashable
    colour: int
    inserted: int
    deleted: int
    is_base: bool


def marked_runs(segments: Sequence[Segment], base_author: Hashable) -> tuple[list[Run], list[LegendEntry]]:
    """The marked copy as runs and a legend: the first version's text is plain; every
    later change takes its author's own colour (the first draft's author too, for what he
    changed later), in the order authors first changed the text, and the author's name is
    written where his marks begin (谁改的一目了然)."""
    colours: dict[Hashable, int] = {}
    counts: dict[Hashable, list[int]] = {}

    def colour_of(author: Hashable) -> int:
        if author not in colours:
            colours[author] = len(colours) % AUTHOR_COLOURS
            counts[author] = [0, 0]
        return colours[author]

    runs: list[Run] = []
    last_marker: tuple[str, Hashable] | None = None
    for seg in segments:
        if seg.is_deletion:
            kind, author = "del", seg.deleted_by
        elif seg.original:
            runs.append(Run(seg.text, "base", seg.inserted_by, seg.inserted_by, -1, False))
            last_marker = None
            continue
        else:
            kind, author = "ins", seg.inserted_by
        colour = colour_of(author)
        counts[author][0 if kind == "ins" else 1] += len(seg.text)
        marker = (kind, author)
        runs.append(Run(seg.text, kind, author, seg.inserted_by, colour, marker != last_marker))
        last_marker = marker
    legend = [LegendEntry(base_author, -1, 0, 0, True)] if segments else []
    legend += [LegendEntry(a, c, counts[a][0], counts[a][1], False) for a, c in colours.items()]
    return runs, legend
