"""Small WordprocessingML helpers python-docx does not have: properties inserted in the
order the schema requires (Word refuses a file whose elements are out of order), shapes and
pictures placed on the page, and fonts embedded in the package (ECMA-376 Part 1 §17.8.1).
"""

from __future__ import annotations

import uuid
from xml.sax.saxutils import escape, quoteattr

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

from . import geometry as g

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

PPR = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
       "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
       "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
       "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
       "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
       "rPr", "sectPr", "pPrChange")
RPR = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
       "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
       "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
       "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
TBLPR = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
         "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
         "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")
TCPR = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
        "textDirection", "tcFitText", "vAlign", "hideMark")
TRPR = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
        "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")
SETTINGS = ("writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
            "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
            "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
            "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
            "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
            "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
            "proofState", "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
            "stylePaneSortMethod", "documentType", "mailMerge", "revisionView", "trackRevisions",
            "doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride",
            "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
            "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope",
            "summaryLength", "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders",
            "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
            "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
            "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
            "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
            "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
            "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
            "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema",
            "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
            "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt",
            "showXMLTags", "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults",
            "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
            "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
            "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
            "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
            "decimalSymbol", "listSeparator")


def put(parent, tag: str, order: tuple[str, ...], replace: bool = True, **attrs: str):
    """Add ``w:tag`` to ``parent`` where the schema's ``order`` puts it (replacing one of
    the same name) and set its ``w:`` attributes; return it."""
    if replace:
        for old in parent.findall(qn(f"w:{tag}")):
            parent.remove(old)
    el = OxmlElement(f"w:{tag}")
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    position = order.index(tag)
    later = {qn(f"w:{t}") for t in order[position + 1:]}
    for index, child in enumerate(parent):
        if child.tag in later:
            parent.insert(index, el)
            break
    else:
        parent.append(el)
    return el


def twips(pt: float) -> str:
    return str(round(pt * 20))


def emu(pt: float) -> int:
    return round(pt * 12700)


# ------------------------------------------------------------------ shapes on the page
_VML_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')
_PAGE = ("position:absolute;mso-position-horizontal-relative:page;"
         "mso-position-vertical-relative:page;mso-wrap-style:none")


def _colour(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02X}" for c in rgb)


def vml_rect(x: float, y: float, w: float, h: float, colour, n: int):
    """A filled rectangle at page position (points): a rule of thickness ``h``."""
    return parse_xml(
        f'<w:r {_VML_NS}><w:pict><v:rect id="ZhongshuRule{n}" o:spid="_x0000_s30{n:02d}" '
        f'style="{_PAGE};margin-left:{x:.2f}pt;margin-top:{y:.2f}pt;width:{w:.2f}pt;height:{h:.2f}pt;'
        f'z-index:{n}" fillcolor="{_colour(colour)}" stroked="f"/></w:pict></w:r>')


def vml_textbox(x: float, y: float, w: float, h: float, paragraph_xml: str, n: int):
    """A borderless text box at page position (points) holding one paragraph's XML."""
    return parse_xml(
        f'<w:r {_VML_NS}><w:pict><v:rect id="ZhongshuBox{n}" o:spid="_x0000_s50{n:02d}" '
        f'style="{_PAGE};margin-left:{x:.2f}pt;margin-top:{y:.2f}pt;width:{w:.2f}pt;height:{h:.2f}pt;'
        f'z-index:{n + 200}" filled="f" stroked="f"><v:textbox inset="0,0,0,0">'
        f'<w:txbxContent>{paragraph_xml}</w:txbxContent></v:textbox></v:rect></w:pict></w:r>')


def vml_circle(cx: float, cy: float, r: float, colour, width: float, n: int):
    """A dashed circle at page position: the place of a seal on a draft."""
    return parse_xml(
        f'<w:r {_VML_NS}><w:pict><v:oval id="ZhongshuSeal{n}" o:spid="_x0000_s40{n:02d}" '
        f'style="{_PAGE};margin-left:{cx - r:.2f}pt;margin-top:{cy - r:.2f}pt;width:{2 * r:.2f}pt;'
        f'height:{2 * r:.2f}pt;z-index:{n + 100}" filled="f" strokecolor="{_colour(colour)}" '
        f'strokeweight="{width:.2f}pt"><v:stroke dashstyle="dash"/></v:oval></w:pict></w:r>')


def anchored_picture(part, image: bytes, x: float, y: float, w: float, h: float, n: int, name: str):
    """A picture in front of the text at page position (points), e.g. a seal's image."""
    import io

    rid, _ = part.get_or_add_image(io.BytesIO(image))
    cx, cy = emu(w), emu(h)
    return parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        f'relativeHeight="{251660000 + n}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{emu(x)}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{1000 + n}" name={quoteattr(name)}/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{1000 + n}" name={quoteattr(name)}/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')


def frame(paragraph, *, x: float, y: float, w: float, h: float) -> None:
    """Make ``paragraph`` a frame at page position (points), exactly ``h`` tall."""
    ppr = paragraph._p.get_or_add_pPr()
    put(ppr, "framePr", PPR, w=twips(w), h=twips(h), hRule="exact", wrap="notBeside",
        vAnchor="page", hAnchor="page", x=twips(x), y=twips(y))


# ------------------------------------------------------------------ embedded fonts
FONT_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
FONT_CT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"


def obfuscate(font: bytes, key: uuid.UUID) -> bytes:
    """ECMA-376 Part 1 §17.8.1: the first 32 bytes XOR the key's bytes, last to first."""
    digits = key.hex  # 32 hex digits in the order the GUID is written
    raw = bytes.fromhex(digits)[::-1]
    head = bytes(b ^ raw[i % 16] for i, b in enumerate(font[:32]))
    return head + font[32:]


def embed_font(document, name: str, data: bytes, n: int, *, alt: str = "", panose: str = "",
               charset: str = "86", family: str = "auto") -> None:
    """Embed ``data`` (a TrueType font) as the regular face of the font ``name`` in the
    document's font table, with ``alt`` as its alternative name."""
    from docx.opc.part import XmlPart

    doc_part = document.part
    table_part = None
    for rel in doc_part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            table_part = rel.target_part
    if table_part is None:
        xml = (f'<w:fonts xmlns:w="{W_NS}" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>')
        table_part = XmlPart(PackURI("/word/fontTable.xml"),
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
                             parse_xml(xml), doc_part.package)
        doc_part.relate_to(table_part, RT.FONT_TABLE)
    key = uuid.uuid4()
    font_part = Part(PackURI(f"/word/fonts/font{n}.odttf"), FONT_CT, obfuscate(data, key), doc_part.package)
    rid = table_part.relate_to(font_part, FONT_RT)
    # python-docx reads the font table as an opaque part: edit its XML and write it back
    fonts = table_part.element if isinstance(table_part, XmlPart) else parse_xml(table_part.blob)
    for old in fonts.findall(qn("w:font")):
        if old.get(qn("w:name")) == name:
            fonts.remove(old)
    parts = [f'<w:font xmlns:w="{W_NS}" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
             f'w:name={quoteattr(name)}>']
    if alt:
        parts.append(f"<w:altName w:val={quoteattr(alt)}/>")
    if panose:
        parts.append(f'<w:panose1 w:val="{panose}"/>')
    parts.append(f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="variable"/>')
    parts.append(f'<w:embedRegular r:id="{rid}" w:fontKey="{{{str(key).upper()}}}"/></w:font>')
    fonts.append(parse_xml("".join(parts)))
    if not isinstance(table_part, XmlPart):
        from lxml import etree

        table_part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def text_escape(text: str) -> str:
    return escape(text)


def cell_margins(tbl_pr, **edges: float) -> None:
    mar = put(tbl_pr, "tblCellMar", TBLPR)
    for edge in ("top", "left", "bottom", "right"):
        if edge in edges:
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:w"), twips(edges[edge]))
            el.set(qn("w:type"), "dxa")
            mar.append(el)


def block_width() -> str:
    return twips(g.BLOCK_W)
