"""Policy-matrix rows of this app's pages (tests/access/matrix.py)."""

from __future__ import annotations

from tests.access.matrix import Row  # noqa: F401

ROWS: dict = {}
