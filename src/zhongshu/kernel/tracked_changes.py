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
from dataclasses import dataclass
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

    @property
    def is_deletion(self) -> bool:
        return self.deleted_by is not None


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        last = merged[-1] if merged else None
        if last and last.inserted_by == seg.inserted_by and last.deleted_by == seg.deleted_by:
            merged[-1] = Segment(last.text + seg.text, seg.inserted_by, seg.deleted_by)
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
                new_doc.append(seg if seg.is_deletion else
                               Segment(seg.text, seg.inserted_by, version.author))
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
    doc: list[Segment] = [Segment(ch, versions[0].author) for ch in versions[0].text]
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
