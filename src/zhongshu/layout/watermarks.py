"""The viewer's watermark as each format draws it, shared by the renderers here and by the
stamping of uploaded files (``layout.stamp``): one drawing per format, so a
rendered document and a stamped upload carry the same marking.

DOCX: Word's own text-path shape in the headers (docs/decisions/0701). OFD: a Foreground
layer of rotated, translucent TextObjects on each page (docs/decisions/0101). This module
stays free of the layout engine so that stamping an upload does not load it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape

from docx.oxml import parse_xml

from . import geometry as g

OFD_NS = "http://www.ofdspec.org/2016"


def watermark_text(viewer: str, when: dt.datetime) -> str:
    """What every watermark says: the viewer's name and the time, to the minute."""
    return f"{viewer} {when:%Y-%m-%d %H:%M}"

# Word's watermark: shape type 136 (a text path) rotated 315° (rising to the right), 50 %
# transparent silver, centred on the margins and behind the text (negative z-index).
WATERMARK_XML = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<w:rPr><w:noProof/></w:rPr><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e">'
    '<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>'
    '<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>'
    '<v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="ZhongshuWaterMark{n}" o:spid="_x0000_s20{n:02d}" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:{w}pt;height:{h}pt;rotation:315;'
    'z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
    'mso-position-vertical:center;mso-position-vertical-relative:margin" '
    'o:allowincell="f" fillcolor="{colour}" stroked="f">'
    '<v:fill opacity="{opacity}"/>'
    '<v:textpath style="font-family:&quot;{font}&quot;;font-size:1pt" string="{text}"/>'
    '</v:shape></w:pict></w:r>'
)


def watermark_docx_headers(headers: Iterable, text: str, font: str, *, first: int = 1,
                           w: float = 440, h: float = 60, colour: str = "#c0c0c0",
                           opacity: str = ".5") -> None:
    """Anchor the watermark shape in each of ``headers`` (python-docx header objects, each
    a distinct header part): the shape is absolutely positioned, so the paragraph that
    carries it is the header's first, or a new one when the header holds only a table.
    Shapes are numbered from ``first``: a second watermark (草稿) takes other numbers."""
    for n, header in enumerate(headers, start=first):
        p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        p._p.append(parse_xml(WATERMARK_XML.format(n=n, text=escape(text, {'"': "&quot;"}),
                                                   font=escape(font, {'"': "&quot;"}), w=w, h=h,
                                                   colour=colour, opacity=opacity)))


DRAFT_TEXT = "草稿"


def draft_docx_headers(headers: Iterable, font: str) -> None:
    """The 草稿 mark of a draft: one large, light word across each page (Word's 水印)."""
    watermark_docx_headers(headers, DRAFT_TEXT, font, first=50, w=360, h=180, colour="#d0d0d0",
                           opacity=".5")


def ofd_draft_layer(font_id: int, next_id: Callable[[], int], *, width: float = 210,
                    height: float = 297) -> str:
    """A Foreground layer with 草稿 large and light across a ``width`` × ``height`` mm page."""
    size = 42.0  # mm: about 120 pt
    cx, cy = width / 2, height / 2
    # rotated 45° about the page's centre, the word's centre on it
    c, s = 0.7071, 0.7071
    x0, y0 = -size, size * 0.35  # the text's start and baseline relative to its centre
    tx = cx + c * x0 + s * y0
    ty = cy - s * x0 + c * y0
    return (f'<ofd:Layer ID="{next_id()}" Type="Foreground">'
            f'<ofd:TextObject ID="{next_id()}" Boundary="0 0 {_mm(width)} {_mm(height)}" '
            f'CTM="{c} {-s} {s} {c} {_mm(tx)} {_mm(ty)}" Font="{font_id}" Size="{_mm(size)}" Alpha="60">'
            f'<ofd:FillColor Value="160 160 160"/>'
            f'<ofd:TextCode X="0" Y="0" DeltaX="{_mm(size)}">{DRAFT_TEXT}</ofd:TextCode>'
            f'</ofd:TextObject></ofd:Layer>')


def ofd_mm(value_pt: float) -> str:
    """A length in mm with at most three decimals, as OFD uses."""
    text = f"{value_pt / g.MM:.3f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def ofd_watermark_layer(text: str, font_id: int, next_id: Callable[[], int], *,
                        width: float = 210, height: float = 297) -> str:
    """A Foreground layer (``ofd:`` bound to ``OFD_NS``) with ``text`` repeated across a
    ``width`` × ``height`` mm page (A4 by default), light grey, rising at 30°, in the font
    resource ``font_id``; object IDs come from ``next_id`` so that they stay unique in the
    document."""
    size = 18
    sx, sy = width / 210, height / 297  # the A4 pattern stretched to other page sizes
    t = "ofd:"
    objects = []
    for row in range(5):
        for col in range(2):
            x, y = (30 + col * 280 + (row % 2) * 60) * sx, 140 * sy + row * 150 * sy
            objects.append(
                f'<{t}TextObject ID="{next_id()}" Boundary="0 0 {_mm(width)} {_mm(height)}" '
                f'CTM="0.866 -0.5 0.5 0.866 0 0" Font="{font_id}" Size="{ofd_mm(size)}" Alpha="46">'
                f'<{t}FillColor Value="102 102 102"/>'
                f'<{t}TextCode X="{ofd_mm(x)}" Y="{ofd_mm(y + size * 2)}">{escape(text)}</{t}TextCode>'
                f'</{t}TextObject>')
    return f'<{t}Layer ID="{next_id()}" Type="Foreground">{"".join(objects)}</{t}Layer>'


def _mm(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
