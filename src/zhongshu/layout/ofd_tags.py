"""The 公文's elements in an OFD, for exchange systems (issue 12 §11; decision 0706).

GB/T 33190-2016 gives two places for meaning beyond the page: the document's custom
metadata (DocInfo/CustomDatas, name and value) and custom tags (Document.xml → CustomTags →
a tag file whose elements point at page objects with ObjectRef). Both are written here
with the elements of the 公文 as the 条例 (第九条) and GB/T 33480's core metadata name
them — 份号, 密级和保密期限, 紧急程度, 发文机关标志, 发文字号, 签发人, 标题, 主送机关, 正文,
附件说明, 发文机关署名, 成文日期, 印章, 附注, 附件, 抄送机关, 印发机关, 印发日期 — each
carrying its text (``Value``) and the IDs of the text and image objects that print it.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .closing import chinese_date
from .model import Layout
from .spec import DocumentSpec
from .watermarks import OFD_NS as NS

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
TAG_NS = "urn:zhongshu:gongwen:2026"  # our namespace for the tag file's elements
TAG_TYPE = "od"  # official document, as OFD tools name the 公文 tag tree

# element -> the glyph roles of the engine that print it, in document order
ELEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("份号", ("copy-number",)),
    ("密级和保密期限", ("classification",)),
    ("紧急程度", ("urgency",)),
    ("发文机关标志", ("mark",)),
    ("发文字号", ("doc-number",)),
    ("签发人", ("signer",)),
    ("标题", ("title",)),
    ("主送机关", ("recipients", "record-recipients")),
    ("正文", ("body", "heading1", "heading2", "heading3", "heading4", "table", "attendance")),
    ("附件说明", ("attachment-note",)),
    ("发文机关署名", ("signature", "signature-seal")),
    ("成文日期", ("date",)),
    ("印章", ("seal",)),
    ("附注", ("notes",)),
    ("附件", ("attachment-label", "attachment-title", "attachment-file")),
    ("抄送机关", ("cc",)),
    ("印发机关", ("printing",)),
    ("印发日期", ("printing-date",)),
    ("页码", ("page-number",)),
)


def values(spec: DocumentSpec) -> dict[str, str]:
    """Each element's text, as the document states it (not as the page breaks it)."""
    secrecy = spec.classification + (f"★{spec.secrecy_period}" if spec.secrecy_period else "")
    notes = spec.notes if not spec.notes or spec.notes.startswith("（") else f"（{spec.notes}）"
    atts = spec.attachments
    note = "；".join(f"{i + 1}. {a.title}" if len(atts) > 1 else a.title for i, a in enumerate(atts))
    return {
        "文种": spec.doc_type,
        "发文机关": "、".join(i.name for i in spec.issuers),
        "份号": spec.copy_number,
        "密级和保密期限": secrecy,
        "紧急程度": spec.urgency,
        "发文机关标志": spec.mark or "、".join(i.name for i in spec.issuers),
        "发文字号": spec.doc_number,
        "签发人": "、".join(spec.signers),
        "标题": spec.title,
        "主送机关": spec.main_recipients.rstrip("：:"),
        "附件说明": note,
        "发文机关署名": "、".join(spec.signature),
        "成文日期": chinese_date(spec.date) if spec.date else "",
        "附注": notes,
        "抄送机关": spec.cc_recipients,
        "印发机关": spec.printing_office,
        "印发日期": chinese_date(spec.printing_date) if spec.printing_date else "",
    }


def custom_datas(spec: DocumentSpec) -> str:
    """DocInfo/CustomDatas: every element that has a value, name and value."""
    items = [f"<ofd:CustomData Name={quoteattr(name)}>{escape(value)}</ofd:CustomData>"
             for name, value in values(spec).items() if value]
    return f"<ofd:CustomDatas>{''.join(items)}</ofd:CustomDatas>" if items else ""


def tag_files(layout: Layout, refs: dict[str, list[tuple[int, int]]]) -> dict[str, bytes]:
    """Doc_0/Tags/CustomTags.xml and its tag file: per element its value and the objects
    (page ID, object ID) that print it."""
    text = values(layout.spec)
    parts = [f'<gw:公文 xmlns:gw="{TAG_NS}" xmlns:ofd="{NS}" 文种={quoteattr(text["文种"])} '
             f'发文机关={quoteattr(text["发文机关"])}>']
    for element, roles in ELEMENTS:
        objects = [ref for role in roles for ref in refs.get(role, [])]
        value = text.get(element, "")
        if not objects and not value:
            continue
        attr = f" Value={quoteattr(value)}" if value else ""
        inner = "".join(f'<ofd:ObjectRef PageRef="{page}">{oid}</ofd:ObjectRef>' for page, oid in objects)
        parts.append(f"<gw:{element}{attr}>{inner}</gw:{element}>")
    parts.append("</gw:公文>")
    return {
        "Doc_0/Tags/CustomTags.xml": (
            f'{HEAD}<ofd:CustomTags xmlns:ofd="{NS}">'
            f'<ofd:CustomTag TypeID="{TAG_TYPE}" NameSpace="{TAG_NS}">'
            f"<ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>").encode(),
        "Doc_0/Tags/CustomTag.xml": (HEAD + "".join(parts)).encode(),
    }
