"""The end of the 主体: 附件说明, 署名, 成文日期, seals, 附注 and the 纪要's attendance
(GB/T 9704-2012 7.3.4–7.3.6, 10.3). A mixin of ``engine.Engine``.

Seals of a joint issue (7.3.5.1): each seal presses on its own 署名, the last one on its 署名
and the date; seals stand in rows in issuing order, never touch, never leave the text block,
and the first row's top is within one line of the text above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import geometry as g
from .engine_parts import EngineParts
from .model import Box, Circle, Flow, Page, tag


def chinese_date(value) -> str:
    """成文日期 and 印发日期: Arabic numerals, year in full, no zero padding (7.3.5.4)."""
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class SealPlan:
    """Where the 署名 and seals of a sealed document go, relative to the flow's first row."""

    rows: tuple[tuple[tuple[int, float], ...], ...]  # per row of seals: (organ index, centre x)
    step: int  # grid rows from one row of seals to the next
    date_row: int  # grid row of the date, from the flow's first row
    date_x: float

    @property
    def flow_rows(self) -> int:
        return self.date_row + 1

    def name_row(self, row: int) -> int:
        return 2 + row * self.step


class ClosingMixin(EngineParts):

    # ------------------------------------------------------------ 附件说明
    def attachment_note_flows(self) -> list[Flow]:
        atts = self.spec.attachments
        if not atts:
            return []
        flows = [self.spacer()]
        label = "附件："
        for i, att in enumerate(atts):
            prefix = f"{i + 1}. " if len(atts) > 1 else ""
            lead = label if i == 0 else "　" * len(label)
            # wrapped lines align with the first character of the name (7.3.4)
            hang = self.text_width(lead + prefix, "fangsong", g.BODY) / g.CELL
            flows += tag(f"attnote.{i}", self.text_flows(lead + prefix + att.title, first_indent=2,
                                                         rest_indent=2 + hang, role="attachment-note",
                                                         justify=False))
        return flows

    # ------------------------------------------------------------ 署名, 日期, 印章, 附注
    def closing_flows(self) -> list[Flow]:
        spec = self.spec
        date_text = chinese_date(spec.date) if spec.date else ""
        organs = list(spec.signature)
        flows: list[Flow] = []
        if spec.format == "order" and organs:
            flows.append(self.order_signature_flow(organs, date_text))
        elif spec.seal and organs:
            flows.append(self.sealed_flow(organs, date_text))
        elif organs or date_text:
            flows.append(self.unsealed_flow(organs, date_text))
        if spec.notes:
            notes = spec.notes if spec.notes.startswith("（") else f"（{spec.notes}）"
            note_flows = tag("notes", self.text_flows(notes, role="notes", justify=False))
            if flows:  # 附注 on the line below the date: never alone on the next page
                flows[-1].keep_with_next = True
            for flow in note_flows[:-1]:
                flow.keep_with_next = True
            flows += note_flows
        for flow in flows:
            if not flow.key:
                flow.key = "closing"
        return flows

    def seal_plan(self, organs: list[str], date_text: str) -> SealPlan:
        widths = [self.text_width(o, "fangsong", g.BODY) for o in organs]
        widest = max(widths)
        radius = g.SEAL_DIAMETER / 2
        half = max(radius, widest / 2)  # a column's half-width: its seal or its 署名
        date_w = self.text_width(date_text, "fangsong", g.BODY)
        date_x = g.RIGHT - 4 * g.CELL - date_w  # 7.3.5.1: the date four characters in
        # the last seal is centred on the date, the others to its left at one pitch
        last = (date_x + date_w / 2) if date_text else g.RIGHT - 4 * g.CELL - widest / 2
        last = min(last, g.RIGHT - half)
        pitch = max(g.SEAL_DIAMETER + g.SEAL_GAP, widest + g.CELL)
        per_row = max(1, min(len(organs), int((last - half - g.LEFT) // pitch) + 1))
        n_rows = math.ceil(len(organs) / per_row)
        per_row = math.ceil(len(organs) / n_rows)  # balanced rows: 4 organs are 2 + 2, not 3 + 1
        rows = []
        for r in range(n_rows):
            group = list(range(r * per_row, min(len(organs), (r + 1) * per_row)))
            rows.append(tuple((k, last - (len(group) - 1 - j) * pitch) for j, k in enumerate(group)))
        step = math.ceil((g.SEAL_DIAMETER + g.SEAL_GAP) / g.PITCH)
        plan = SealPlan(tuple(rows), step, 2 + (n_rows - 1) * step + 1, date_x)
        return plan

    def sealed_flow(self, organs: list[str], date_text: str) -> Flow:
        plan = self.seal_plan(organs, date_text)
        radius = g.SEAL_DIAMETER / 2
        # the seal reaches a little below the date's row: keep that inside the text block
        below = math.ceil((radius - (g.PITCH + g.BODY)) / g.PITCH + 1e-6)

        def draw(page: Page, row0: int) -> None:
            for r, row in enumerate(plan.rows):
                name_row = row0 + plan.name_row(r)
                for k, cx in row:
                    name = organs[k]
                    w = self.text_width(name, "fangsong", g.BODY)
                    self.put(page, cx - w / 2, g.row_top(name_row), name, "fangsong", g.BODY,
                             role="signature")
                    # the 署名 and the date just below the seal's centre (7.3.5.1)
                    page.circles.append(Circle(cx, g.row_top(name_row), radius, 0.8, issuer=k, name=name))
            if date_text:
                self.put(page, plan.date_x, g.row_top(row0 + plan.date_row), date_text, "fangsong",
                         g.BODY, role="date")

        return Flow(plan.flow_rows, draw, pull_prev=2, reserve_below=max(0, below))

    def unsealed_flow(self, organs: list[str], date_text: str) -> Flow:
        """7.3.5.2: one blank line below the text, the 署名 two characters in from the right
        (a joint issue's organs one below the other), the date below, two characters to the
        right of the 署名's start — or two in from the right when it is the longer."""
        rows = 1 + len(organs) + (1 if date_text else 0)

        def draw(page: Page, row0: int) -> None:
            widest = max([self.text_width(o, "fangsong", g.BODY) for o in organs] or [0])
            sig_x = g.RIGHT - 2 * g.CELL - widest
            date_w = self.text_width(date_text, "fangsong", g.BODY)
            date_x = sig_x + 2 * g.CELL
            if date_x + date_w > g.RIGHT - 2 * g.CELL:  # the date is the longer: it sets the edge
                date_x = g.RIGHT - 2 * g.CELL - date_w
                sig_x = date_x - 2 * g.CELL
            for i, organ in enumerate(organs):
                w = self.text_width(organ, "fangsong", g.BODY)
                x = sig_x + (widest - w) / 2 if len(organs) > 1 else sig_x
                self.put(page, x, g.row_top(row0 + 1 + i), organ, "fangsong", g.BODY, role="signature")
            if date_text:
                self.put(page, date_x, g.row_top(row0 + 1 + len(organs)), date_text, "fangsong",
                         g.BODY, role="date")

        return Flow(rows, draw, pull_prev=2)

    def order_signature_flow(self, organs: list[str], date_text: str) -> Flow:
        """7.3.5.3: title two characters left of the 签名章, date one blank line below."""
        stamp_w, stamp_rows = 4 * g.CELL, 2
        rows = 2 + len(organs) * (stamp_rows + 1) + 1

        def draw(page: Page, row0: int) -> None:
            right = g.RIGHT - 4 * g.CELL
            for i, entry in enumerate(organs):
                title, _, name = entry.rpartition(" ")
                title = title or entry
                r = row0 + 2 + i * (stamp_rows + 1)
                top = g.row_top(r) - g.GAP / 2
                height = stamp_rows * g.PITCH
                page.boxes.append(Box(right - stamp_w, top, stamp_w, height, 0.8, issuer=i, name=name))
                if name:  # the signer's name in the 签名章's place, in red 楷体
                    w = self.text_width(name, "kaiti", g.BODY)
                    self.put(page, right - stamp_w / 2 - w / 2, top + (height - g.BODY) / 2, name,
                             "kaiti", g.BODY, g.RED, "signature-seal")
                tw = self.text_width(title, "fangsong", g.BODY)
                self.put(page, right - stamp_w - 2 * g.CELL - tw, top + (height - g.BODY) / 2, title,
                         "fangsong", g.BODY, role="signature")
            if date_text:
                w = self.text_width(date_text, "fangsong", g.BODY)
                self.put(page, right - w, g.row_top(row0 + rows - 1), date_text, "fangsong", g.BODY,
                         role="date")

        return Flow(rows, draw, pull_prev=2)

    # ------------------------------------------------------------ 纪要: 出席, 请假, 列席
    def attendance_hang(self, label: str) -> float:
        """Characters from the left edge to the first name after “出席：” (10.3)."""
        return 2 + self.text_width(f"{label}：", "heiti", g.BODY) / g.CELL

    def attendance_flows(self) -> list[Flow]:
        att = self.spec.attendance
        flows: list[Flow] = []
        for label, names in (("出席", att.present), ("请假", att.absent), ("列席", att.observers)):
            if not names:
                continue
            if not flows:
                flows.append(self.spacer())
            flows += tag(f"attendance.{label}",
                         self.text_flows(f"{label}：{names}", first_indent=2,
                                         rest_indent=self.attendance_hang(label), role="attendance",
                                         prefix_face="heiti", prefix_len=len(label), justify=False))
        return flows
