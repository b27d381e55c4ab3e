"""One LibreOffice run per session converts every DOCX the layout tests compare."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from tests.layout.measure import cases, libreoffice_pdfs
from zhongshu.layout.render import render


@pytest.fixture(scope="session")
def converted(tmp_path_factory):
    """name -> (spec, kwargs, our PDF, LibreOffice's PDF of our DOCX), both pdfplumber."""
    specs = cases()
    paths = libreoffice_pdfs({name: render(spec, "docx", **kw) for name, (spec, kw) in specs.items()},
                             tmp_path_factory.mktemp("lo"))
    out = {}
    for name, (spec, kw) in specs.items():
        out[name] = (spec, kw, pdfplumber.open(io.BytesIO(render(spec, "pdf", **kw))),
                     pdfplumber.open(paths[name]))
    yield out
    for *_, ours, theirs in out.values():
        ours.close()
        theirs.close()
