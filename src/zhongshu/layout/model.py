"""What the layout engine produces: pages of positioned glyphs, rules, seal places and
inserted attachment pages, in points from the page's top-left corner.

The seal module reads the places of seals from here (``Circle`` with role "seal": page,
centre, radius); the PDF, OFD and DOCX writers draw from the same objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import geometry as g
from .spec import DocumentSpec


@dataclass
class Glyph:
    x: float
    top: float  # top of the em box
    ch: str
    face: str
    size: float
    color: tuple[float, float, float] = g.BLACK
    role: str = "body"  # the element this glyph belongs to, for tests and DOCX styles


@dataclass
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    color: tuple[float, float, float] = g.BLACK
    role: str = ""
    dashed: bool = False


@dataclass
class Circle:
    """Where an organ's seal goes (7.3.5.1): centre and radius. Drawn as a dashed outline on
    drafts only; an issued copy shows the seal image there, or nothing."""

    cx: float
    cy: float
    r: float
    width: float
    color: tuple[float, float, float] = g.RED
    role: str = "seal"
    dashed: bool = True
    issuer: int = 0  # index of the organ in the spec's ``signature``
    name: str = ""  # that organ's 署名


@dataclass
class Box:
    """Where a signer's 签名章 goes (7.3.5.3, orders)."""

    x: float
    y: float
    w: float
    h: float
    width: float
    color: tuple[float, float, float] = g.RED
    role: str = "signature-seal"
    dashed: bool = True
    issuer: int = 0
    name: str = ""


@dataclass
class Page:
    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    circles: list[Circle] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    kind: str = "content"  # content | blank | record | insert
    number: int | None = None
    body_rows: int = 0  # grid rows used by flowing content
    starts: tuple[str, int] | None = None  # (key, line) of the first flow on the page
    insert: tuple[int, int] | None = None  # (attachment index, page of its file) on "insert" pages


@dataclass
class Layout:
    spec: DocumentSpec
    pages: list[Page]

    def text_by_face(self) -> dict[str, str]:
        used: dict[str, set[str]] = {}
        for page in self.pages:
            for glyph in page.glyphs:
                used.setdefault(glyph.face, set()).add(glyph.ch)
        return {face: "".join(sorted(chars)) for face, chars in used.items()}

    def seals(self) -> list[tuple[int, Circle]]:
        """(page index, seal place) in issuing order."""
        return [(i, c) for i, page in enumerate(self.pages) for c in page.circles if c.role == "seal"]


@dataclass
class Flow:
    """A piece of the main flow that occupies whole grid rows."""

    rows: int
    draw: Callable[[Page, int], None]
    keep_with_next: bool = False
    pull_prev: int = 0  # lines to bring along when this piece moves to a new page
    break_before: bool = False
    spacer: bool = False
    key: str = ""  # the element it belongs to (body.3, title …): the DOCX writer's page breaks
    line: int = 0  # its line (or table row) within that element
    reserve_below: int = 0  # free rows it needs below itself on its page (a seal's lower half)
    repeat: Flow | None = None  # a table's header row, drawn again atop a page this row starts
    insert: tuple[int, int] | None = None  # (attachment, pages): that many pages of an uploaded file


def tag(key: str, flows: list[Flow]) -> list[Flow]:
    for line, flow in enumerate(flows):
        flow.key, flow.line = key, line
    return flows
