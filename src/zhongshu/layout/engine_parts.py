"""What the engine's mixins (``heads``, ``closing``, ``tables``) use of ``engine.Engine``:
its state and its text helpers, declared here for the type checker. ``Engine`` defines
them; the mixins inherit this class so that mypy checks their bodies against it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import geometry as g

if TYPE_CHECKING:
    from .fonts import FontSet
    from .linebreak import Line
    from .model import Flow, Page
    from .spec import DocumentSpec


class EngineParts:
    spec: DocumentSpec
    fonts: FontSet
    words: frozenset[str]

    if TYPE_CHECKING:
        def width_of(self, face: str, size: float) -> Callable[[str], float]: ...

        def text_width(self, text: str, face: str, size: float) -> float: ...

        def put(self, page: Page, x: float, top: float, text: str, face: str, size: float,
                color: tuple[float, float, float] = g.BLACK, role: str = "body") -> float: ...

        def put_line(self, page: Page, line: Line, x0: float, top: float, face: str, size: float,
                     color: tuple[float, float, float] = g.BLACK, role: str = "body",
                     faces: list[str] | None = None) -> None: ...

        def centred(self, page: Page, top: float, text: str, face: str, size: float,
                    color: tuple[float, float, float] = g.BLACK, role: str = "body") -> None: ...

        @staticmethod
        def top_in_row(row: int, size: float) -> float: ...

        def text_flows(self, text: str, face: str = "fangsong", size: float = g.BODY, *,
                       first_indent: float = 2, rest_indent: float = 0, role: str = "body",
                       keep_with_next: bool = False, prefix_face: str | None = None,
                       prefix_len: int = 0, left: float = 0.0, right: float = 0.0,
                       justify: bool = True) -> list[Flow]: ...

        def spacer(self, rows: int = 1) -> Flow: ...
