"""Tables in the body: columns sized by their content, header row repeated on each page.

Column widths follow the automatic table layout browsers use (CSS 2.1 §17.5.2.2): each
column is at least as wide as its longest word (a word is a segmenter's word, a number with
its unit, a Latin word) and at most as wide as its longest cell on one line; the text block's
width is shared out between those bounds. So "偏低" and "10日" never break, and a column of
short values does not take a quarter of the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import geometry as g
from .engine_parts import EngineParts
from .linebreak import Line, break_lines, tokenize
from .model import Flow, Page, Rule
from .spec import Table

RULE_WIDTH = 0.75
SLACK = 2.0  # pt a column keeps beyond its content: word processors round widths to twips


@dataclass(frozen=True)
class TableLayout:
    widths: tuple[float, ...]
    pad: float
    cells: tuple[tuple[tuple[Line, ...], ...], ...]  # rows × columns × lines
    heights: tuple[int, ...]  # grid rows per table row

    @property
    def xs(self) -> list[float]:
        out = [g.LEFT]
        for w in self.widths:
            out.append(out[-1] + w)
        return out


def share_widths(minimum: list[float], maximum: list[float], total: float) -> list[float]:
    """Column widths between their bounds that add up to ``total``."""
    lo, hi = sum(minimum), sum(maximum)
    if hi <= total:  # everything fits on one line: widen in proportion to the content
        return [m * total / hi for m in maximum]
    if lo >= total:  # not even the longest words fit: narrow in proportion (words break)
        return [m * total / lo for m in minimum]
    share = (total - lo) / (hi - lo)
    return [a + (b - a) * share for a, b in zip(minimum, maximum, strict=True)]


class TableMixin(EngineParts):
    def cell_spans(self, text: str) -> list[tuple[int, int]]:
        """The segmenter's words of a cell, kept whole when the cell wraps."""
        from .words import segmenter

        spans, pos = [], 0
        for word, _ in segmenter.tag(text, self.words):
            if len(word) > 1 and not word.isascii():
                spans.append((pos, pos + len(word)))
            pos += len(word)
        return spans

    def table_layout(self, table: Table) -> TableLayout:
        size = g.BODY
        pad = g.CELL / 2
        ncols = len(table.rows[0])
        faces = ["heiti" if table.header and r == 0 else "fangsong" for r in range(len(table.rows))]
        spans = [[self.cell_spans(cell) for cell in row] for row in table.rows]
        minimum, maximum = [], []
        for c in range(ncols):
            lo = hi = 2 * g.CELL  # never narrower than two characters
            for r, row in enumerate(table.rows):
                width_of = self.width_of(faces[r], size)
                tokens = tokenize(row[c], width_of, spans[r][c], units=True)
                lo = max(lo, max((t.width for t in tokens), default=0.0))
                hi = max(hi, sum(t.width for t in tokens))
            minimum.append(lo + 2 * pad + SLACK)
            maximum.append(hi + 2 * pad + SLACK)
        widths = share_widths(minimum, maximum, g.BLOCK_W)
        cells = []
        for r, row in enumerate(table.rows):
            width_of = self.width_of(faces[r], size)
            cells.append(tuple(tuple(break_lines(text or " ", width_of, widths[c] - 2 * pad - SLACK / 2,
                                                 justify=False, spans=spans[r][c]))
                               for c, text in enumerate(row)))
        heights = tuple(max(len(lines) for lines in row) for row in cells)
        return TableLayout(tuple(widths), pad, tuple(cells), heights)

    def table_flows(self, table: Table) -> list[Flow]:
        if not table.rows:
            return []
        layout = self.table_layout(table)
        xs = layout.xs
        flows: list[Flow] = []
        header: Flow | None = None
        for r, cells in enumerate(layout.cells):
            is_header = table.header and r == 0
            face = "heiti" if is_header else "fangsong"
            height = layout.heights[r]

            def draw(page: Page, row0: int, cells=cells, height=height, face=face) -> None:
                top = g.row_top(row0) - g.GAP / 2
                bottom = g.row_top(row0 + height) - g.GAP / 2
                page.rules.append(Rule(g.LEFT, top, g.RIGHT, top, RULE_WIDTH, role="table"))
                page.rules.append(Rule(g.LEFT, bottom, g.RIGHT, bottom, RULE_WIDTH, role="table"))
                for x in xs:
                    page.rules.append(Rule(x, top, x, bottom, RULE_WIDTH, role="table"))
                for c, lines in enumerate(cells):
                    inner = layout.widths[c] - 2 * layout.pad
                    for i, line in enumerate(lines):
                        # one line is centred in its cell; a wrapped cell is set flush left
                        offset = (inner - line.natural) / 2 if len(lines) == 1 else 0
                        self.put_line(page, line, xs[c] + layout.pad + offset,
                                      self.top_in_row(row0 + i, g.BODY), face, g.BODY, role="table")

            flow = Flow(height, draw, keep_with_next=is_header, repeat=header)
            if is_header:
                header = flow
            flows.append(flow)
        return flows
