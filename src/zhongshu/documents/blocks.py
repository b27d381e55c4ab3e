"""The body block editor of the draft pages: its state as the page posts it, what its
buttons do (add a block after another, remove, move up or down, change a block's kind,
add or remove table rows and columns), and the body in the interchange format
(docs/document-format.md) that a save hands to the services, or the reasons in Chinese
why it cannot. The whole state travels in the posted form, so nothing typed is lost when
the server redraws the editor. No database here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import content

KINDS = dict(content.BLOCK_TYPES)
HEADINGS = ("h1", "h2", "h3", "h4")
MAX_BLOCKS = 300
MAX_ROWS = 50
MAX_COLS = 12
# What a person types when numbering a heading by hand: 一、 （一） 1. 1、 （1）.
HAND_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[）)]|\d+(?:[.．](?!\d)|、))")


def _empty_rows(rows: int = 2, cols: int = 2) -> list[list[str]]:
    return [[""] * cols for _ in range(rows)]


@dataclass
class Block:
    kind: str = "paragraph"
    text: str = ""
    rows: list[list[str]] = field(default_factory=_empty_rows)
    header: bool = True
    prefix: str = ""  # the heading's printed number, for the editor's preview
    problems: list[str] = field(default_factory=list)  # why it cannot be saved
    index: int = 0  # its place on the page (the N of its fields' names)

    @property
    def is_table(self) -> bool:
        return self.kind == "table"

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def columns(self) -> range:
        return range(len(self.rows[0]) if self.rows else 0)


def _rows_from_text(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("|")] for line in (text or "").splitlines() if line.strip()]


def _square(rows: list[list[str]]) -> list[list[str]]:
    """Every row as wide as the widest, within the editor's limits."""
    rows = [list(r)[:MAX_COLS] for r in rows[:MAX_ROWS]] or _empty_rows()
    width = max(len(r) for r in rows) or 1
    return [r + [""] * (width - len(r)) for r in rows]


def _int(value: Any, default: int, top: int) -> int:
    try:
        return max(1, min(int(value), top))
    except (TypeError, ValueError):
        return default


def from_spec(body: list) -> list[Block]:
    out = []
    for item in body or []:
        kind, text = content.block_to_form(item)
        if kind == "table":
            rows = [[str(c) for c in row] for row in (item.get("rows") or [])]
            out.append(Block("table", rows=_square(rows), header=bool(item.get("header", True))))
        else:
            out.append(Block(kind if kind in KINDS else "paragraph", text))
    return out


def from_post(data: Mapping) -> list[Block]:
    """The blocks in the order of their indexes (``block_type_N``). A block whose kind was
    changed keeps its words: a table's rows become lines with cells split by ``|`` and
    back (so the page also works with only the kind selects, without scripts)."""
    indexes = sorted({int(k[len("block_type_"):]) for k in data
                      if k.startswith("block_type_") and k[len("block_type_"):].isdigit()})
    out = []
    for i in indexes[:MAX_BLOCKS]:
        kind = data.get(f"block_type_{i}")
        kind = kind if kind in KINDS else "paragraph"
        posted_table = f"block_rows_{i}" in data
        if posted_table:
            nrows = _int(data.get(f"block_rows_{i}"), 1, MAX_ROWS)
            ncols = _int(data.get(f"block_cols_{i}"), 1, MAX_COLS)
            rows = [[data.get(f"block_cell_{i}_{r}_{c}", "") for c in range(ncols)] for r in range(nrows)]
        if kind == "table":
            if posted_table:
                out.append(Block("table", rows=rows, header=bool(data.get(f"block_header_{i}"))))
            else:
                out.append(Block("table", rows=_square(_rows_from_text(data.get(f"block_text_{i}", "")))))
        elif f"block_text_{i}" not in data and posted_table:
            text = "\n".join(" | ".join(c.strip() for c in row) for row in rows if any(c.strip() for c in row))
            out.append(Block(kind, text))
        else:
            out.append(Block(kind, data.get(f"block_text_{i}", "")))
    return out


def apply(blocks: list[Block], op: str, data: Mapping) -> tuple[list[Block], int | None]:
    """One button of the editor (``body_op``): ``add:N`` (after block N, -1 at the start;
    the kind from ``add_kind_N``), ``remove:N``, ``up:N``, ``down:N``, ``retype:N``,
    ``row_add:N``, ``col_add:N``, ``row_remove:N:R``, ``col_remove:N:C``. Returns the
    blocks and the index of the block to focus. Anything else changes nothing."""
    name, *args = (op or "").split(":")
    try:
        n, *rest = [int(a) for a in args]
    except ValueError:
        return blocks, None
    blocks = list(blocks)
    if name == "add" and -1 <= n < len(blocks) and len(blocks) < MAX_BLOCKS:
        kind = data.get(f"add_kind_{'start' if n == -1 else n}")
        blocks.insert(n + 1, Block(kind if kind in KINDS else "paragraph"))
        return blocks, n + 1
    if not 0 <= n < len(blocks):
        return blocks, None
    block = blocks[n]
    if name == "remove":
        del blocks[n]
        return blocks, min(n, len(blocks) - 1) if blocks else None
    if name == "up" and n > 0:
        blocks[n - 1], blocks[n] = blocks[n], blocks[n - 1]
        return blocks, n - 1
    if name == "down" and n + 1 < len(blocks):
        blocks[n + 1], blocks[n] = blocks[n], blocks[n + 1]
        return blocks, n + 1
    if block.is_table:
        width = len(block.rows[0])
        if name == "row_add" and len(block.rows) < MAX_ROWS:
            block.rows.append([""] * width)
        elif name == "col_add" and width < MAX_COLS:
            for row in block.rows:
                row.append("")
        elif name == "row_remove" and rest and len(block.rows) > 1 and 0 <= rest[0] < len(block.rows):
            del block.rows[rest[0]]
        elif name == "col_remove" and rest and width > 1 and 0 <= rest[0] < width:
            for row in block.rows:
                del row[rest[0]]
    return blocks, n


def numbered(blocks: list[Block]) -> list[Block]:
    """The blocks as the page shows them: in place, each heading with its printed number
    (一、（一）1.（1）), counted as the renderer and the proofreader count them."""
    levels = [int(b.kind[1]) if b.kind in HEADINGS else None for b in blocks]
    for i, (block, prefix) in enumerate(zip(blocks, content.heading_numbers(levels), strict=True)):
        block.prefix, block.index = prefix or "", i
    return blocks


def to_body(blocks: list[Block]) -> tuple[list[dict], list[str]]:
    """The body to save and the problems that stop it (also kept on each block, for the
    page to show beside it). Empty paragraphs are left out; a heading without words or
    with a number typed by hand, or a table with an empty row, is refused."""
    body: list[dict[str, Any]] = []
    problems: list[str] = []
    for n, block in enumerate(blocks, 1):
        block.problems = []
        where = f"第 {n} 块（{block.label}）"
        if block.is_table:
            rows = [[c.strip() for c in row] for row in block.rows]
            empty = [r for r, row in enumerate(rows, 1) if not any(row)]
            if len(empty) == len(rows):
                block.problems.append("表格没有内容，请填写或删除该表格。")
            else:
                block.problems.extend(f"第 {r} 行没有内容，请填写或删除该行。" for r in empty)
                body.append({"type": "table", "rows": rows, "header": block.header})
        elif block.kind in HEADINGS:
            text = " ".join(block.text.split())
            hand = HAND_NUMBER.match(text)
            if not text:
                block.problems.append("标题没有文字，请填写或删除该块。")
            elif hand:
                block.problems.append(f"标题序号由系统编排，请删去开头的“{hand.group(0).strip()}”。")
            else:
                body.append({"type": "heading", "level": int(block.kind[1]), "text": text})
        elif block.text.strip():
            body.append({"type": "paragraph", "text": block.text.strip()})
        problems.extend(f"{where}：{p}" for p in block.problems)
    return body, problems
