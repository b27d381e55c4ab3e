"""The 版头: 份号, 密级, 紧急程度, the 发文机关标志 (single and joint), 发文字号, 签发人 and
the red separator line (GB/T 9704-2012 7.2), and the letter's and order's heads (10.1, 10.2).

A mixin of ``engine.Engine``: it draws with the engine's text helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from . import geometry as g
from .engine_parts import EngineParts
from .model import Rule

if TYPE_CHECKING:
    from .model import Page

# A joint mark (7.2.4): names stacked, lead organ first, "文件" to their right and centred on
# them. Gap between the names and 文件, the names' line pitch, and the tallest the group may
# grow (four organs would otherwise push the body off page 1).
JOINT_GAP = 0.5  # of the mark's size
JOINT_LEADING = 0.2  # of the mark's size, between stacked names
JOINT_MAX_HEIGHT = 60 * g.MM
MARK_SUFFIX = "文件"
MARK_FIT = 1.0  # pt kept free at each side: a glyph's em box may exceed its tracked advance


@dataclass(frozen=True)
class JointMark:
    names: tuple[str, ...]
    size: float
    names_width: float  # every name is spread to this width
    left: float  # x of the names' left edge
    suffix_x: float
    pitch: float  # from one name's top to the next's

    @property
    def height(self) -> float:
        return self.pitch * (len(self.names) - 1) + self.size


def fit_size(width_at: Callable[[float], float], limit: float, cap: float) -> float:
    """The largest size ≤ ``cap`` at which ``width_at(size)`` ≤ ``limit``; widths grow
    linearly with size (advance × size plus a fixed tracking per character)."""
    a, b = width_at(10.0), width_at(20.0)
    slope = (b - a) / 10.0
    intercept = a - 10.0 * slope
    return min(cap, (limit - intercept) / slope) if slope > 0 else cap


class HeadMixin(EngineParts):

    def mark_text(self) -> str:
        spec = self.spec
        if spec.mark:
            return spec.mark
        name = spec.issuers[0].name
        if spec.format == "minutes":
            return name if name.endswith("纪要") else f"{name}纪要"
        if spec.format == "order":
            return name if name.endswith("令") else f"{name}{'令' if spec.doc_type == '令' else '命令'}"
        if spec.format == "letter":
            return name  # 10.1: a joint letter shows only the lead organ's mark
        return f"{name}{MARK_SUFFIX}"

    def mark_size(self, texts: list[str], limit: float, cap: float) -> float:
        return min(fit_size(partial(self.text_width, t, "xiaobiaosong"), limit - 2 * MARK_FIT, cap)
                   for t in texts)

    def is_joint_mark(self) -> bool:
        spec = self.spec
        return spec.format == "standard" and len(spec.issuers) > 1 and not spec.mark

    def joint_mark(self) -> JointMark:
        """7.2.4: the names stacked in issuing order, each spread to the widest, "文件" to
        their right, centred on them; the whole group centred in, and never wider than, the
        text block."""
        names = tuple(i.name for i in self.spec.issuers)

        def group_width(size: float) -> float:
            widest = max(self.text_width(n, "xiaobiaosong", size) for n in names)
            return widest + JOINT_GAP * size + self.text_width(MARK_SUFFIX, "xiaobiaosong", size)

        size = fit_size(group_width, g.BLOCK_W - 2 * MARK_FIT, g.MARK_MAX_SIZE)
        size = min(size, JOINT_MAX_HEIGHT / (len(names) + JOINT_LEADING * (len(names) - 1)))
        widest = max(self.text_width(n, "xiaobiaosong", size) for n in names)
        left = g.LEFT + (g.BLOCK_W - group_width(size)) / 2
        return JointMark(names, size, widest, left, left + widest + JOINT_GAP * size,
                         size * (1 + JOINT_LEADING))

    def draw_mark(self, page: Page, top: float, cap: float = g.MARK_MAX_SIZE) -> float:
        """Draw the 发文机关标志 with its top edge at ``top``; return its bottom edge."""
        if self.is_joint_mark():
            mark = self.joint_mark()
            for i, name in enumerate(mark.names):
                self.put_spread(page, mark.left, top + i * mark.pitch, name, mark.names_width,
                                "xiaobiaosong", mark.size, g.RED, "mark")
            self.put(page, mark.suffix_x, top + (mark.height - mark.size) / 2, MARK_SUFFIX,
                     "xiaobiaosong", mark.size, g.RED, "mark")
            return top + mark.height
        text = self.mark_text()
        size = self.mark_size([text], g.BLOCK_W, cap)
        self.centred(page, top, text, "xiaobiaosong", size, g.RED, "mark")
        return top + size

    def put_spread(self, page: Page, x: float, top: float, text: str, width: float, face: str,
                   size: float, color, role: str) -> None:
        """``text`` spread evenly to ``width`` (分散对齐), one character centred."""
        natural = self.text_width(text, face, size)
        if len(text) < 2:
            self.put(page, x + (width - natural) / 2, top, text, face, size, color, role)
            return
        extra = (width - natural) / (len(text) - 1)
        measure = self.width_of(face, size)
        for ch in text:
            self.put(page, x, top, ch, face, size, color, role)
            x += measure(ch) + extra

    def info_lines(self) -> list[tuple[str, str, str]]:
        spec = self.spec
        out = []
        if spec.copy_number:
            out.append((spec.copy_number, "fangsong", "copy-number"))
        if spec.classification:
            text = spec.classification + (f"★{spec.secrecy_period}" if spec.secrecy_period else "")
            out.append((text, "heiti", "classification"))
        if spec.urgency:
            out.append((spec.urgency, "heiti", "urgency"))
        return out

    def signer_layout(self) -> tuple[float, float, list[tuple[str, ...]]]:
        """签发人 (7.2.7): (x of the label, x between name columns, lines of names).
        One character in from the right, names two to a line in issuing order."""
        spec = self.spec
        label = "签发人："
        pairs = [tuple(spec.signers[i:i + 2]) for i in range(0, len(spec.signers), 2)]
        label_w = self.text_width(label, "fangsong", g.BODY)
        col = max(self.text_width(n, "kaiti", g.BODY) for n in spec.signers) + g.CELL
        widest = label_w + col * max(len(p) for p in pairs) - g.CELL
        return g.RIGHT - g.CELL - widest, col, pairs

    def header_standard(self, page: Page, mark_offset: float, red_line: bool) -> float:
        """Draw the 版头; return the y where the 主体 may begin (below the red line)."""
        spec = self.spec
        for row, (text, face, role) in enumerate(self.info_lines()):
            self.put(page, g.LEFT, g.row_top(row), text, face, g.BODY, role=role)
        mark_bottom = self.draw_mark(page, g.TOP + mark_offset)
        number_top = mark_bottom + 2 * g.PITCH  # 空二行
        last_top = number_top
        if spec.is_upward and spec.format == "standard":
            label = "签发人："
            x_label, col, pairs = self.signer_layout()
            label_w = self.text_width(label, "fangsong", g.BODY)
            for i, pair in enumerate(pairs):
                top = number_top + i * g.PITCH
                if i == 0:
                    self.put(page, x_label, top, label, "fangsong", g.BODY, role="signer")
                for k, name in enumerate(pair):
                    self.put(page, x_label + label_w + k * col, top, name, "kaiti", g.BODY, role="signer")
                last_top = top
            if spec.doc_number:  # 7.2.5: on the line of the last 签发人, one character in
                self.put(page, g.LEFT + g.CELL, last_top, spec.doc_number, "fangsong", g.BODY,
                         role="doc-number")
        elif spec.doc_number:
            self.centred(page, number_top, spec.doc_number, "fangsong", g.BODY, role="doc-number")
        line_y = last_top + g.BODY + g.RED_LINE_BELOW_NUMBER
        if red_line:
            page.rules.append(Rule(g.LEFT, line_y, g.RIGHT, line_y, g.RED_LINE_WIDTH, g.RED, "separator"))
        return line_y

    def header_order(self, page: Page) -> float:
        spec = self.spec
        for row, (text, face, role) in enumerate(self.info_lines()):
            self.put(page, g.LEFT, g.row_top(row), text, face, g.BODY, role=role)
        mark_bottom = self.draw_mark(page, g.TOP + g.ORDER_MARK_FROM_BLOCK_TOP)
        number_top = mark_bottom + 2 * g.PITCH
        if spec.doc_number:
            self.centred(page, number_top, spec.doc_number, "fangsong", g.BODY, role="doc-number")
        return number_top + g.BODY

    def letter_lines(self) -> tuple[float, float, float, float]:
        """10.1: the mark's bottom, the top double line's thick and thin rules' y, and the
        bottom double line's y (thick rule), in points from the page's top."""
        text = self.mark_text()
        size = self.mark_size([text], g.BLOCK_W, g.LETTER_MARK_MAX_SIZE)
        mark_bottom = g.LETTER_MARK_FROM_PAGE_TOP + size
        y = mark_bottom + 4 * g.MM
        return mark_bottom, y, y + g.LETTER_DOUBLE_GAP, g.PAGE_H - g.LETTER_BOTTOM_LINE_FROM_PAGE_BOTTOM

    def header_letter(self, page: Page) -> float:
        spec = self.spec
        self.draw_mark(page, g.LETTER_MARK_FROM_PAGE_TOP, g.LETTER_MARK_MAX_SIZE)
        _, y, y_thin, yb = self.letter_lines()
        x0 = (g.PAGE_W - g.LETTER_LINE_LENGTH) / 2
        x1 = x0 + g.LETTER_LINE_LENGTH
        # 4 mm below the mark: thick above thin; 20 mm above the page's foot: thin above thick
        page.rules.append(Rule(x0, y, x1, y, g.LETTER_THICK, g.RED, "letter-line-top"))
        page.rules.append(Rule(x0, y_thin, x1, y_thin, g.LETTER_THIN, g.RED, "letter-line-top"))
        page.rules.append(Rule(x0, yb - g.LETTER_DOUBLE_GAP, x1, yb - g.LETTER_DOUBLE_GAP,
                                    g.LETTER_THIN, g.RED, "letter-line-bottom"))
        page.rules.append(Rule(x0, yb, x1, yb, g.LETTER_THICK, g.RED, "letter-line-bottom"))
        first = y_thin + g.BODY * 7 / 8
        last = first
        for i, (text, face, role) in enumerate(self.info_lines()):
            last = first + i * g.PITCH
            self.put(page, g.LEFT, last, text, face, g.BODY, role=role)
        if spec.doc_number:
            w = self.text_width(spec.doc_number, "fangsong", g.BODY)
            self.put(page, g.RIGHT - w, first, spec.doc_number, "fangsong", g.BODY, role="doc-number")
        return last + g.BODY

    def draw_head(self, page: Page) -> float:
        """The first page's head for the document's format; returns where its body may start."""
        if self.spec.format == "letter":
            return self.header_letter(page) + 2 * g.PITCH
        if self.spec.format == "order":
            return self.header_order(page) + g.PITCH
        return self.header_standard(page, g.MARK_FROM_BLOCK_TOP, red_line=True) + 2 * g.PITCH
