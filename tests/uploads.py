"""Real files for tests that upload: small, valid, made here (uploads are checked by their
structure, so a few bytes that merely start like a PDF are refused), and the damaged or
hostile ones the intake must refuse."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache

import pymupdf

MB = 1024 * 1024


@cache
def pdf(text: str = "来文扫描件", pages: int = 1) -> bytes:
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), f"{text} {n + 1}", fontname="china-s", fontsize=16)
    return doc.tobytes()


def png(width: int = 40, height: int = 30) -> bytes:
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, width, height), False)
    pix.clear_with(200)
    return pix.tobytes("png")


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` pixels and holds one row of data: what a
    decompression bomb looks like to a reader that trusts the header."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


@cache
def docx(text: str = "正文") -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rezip(data: bytes, changes: dict[str, bytes | None], *,
          compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The package with members replaced, added, or (None) removed."""
    files = members(data)
    for name, content in changes.items():
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return out.getvalue()


def docx_bomb(unpacked: int = 100 * MB) -> bytes:
    """A DOCX of about 0.3 MB whose body unpacks to ``unpacked`` bytes of empty paragraphs."""
    body = members(docx())["word/document.xml"]
    paragraph = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    body = body.replace(b"</w:body>", paragraph * (unpacked // len(paragraph)) + b"</w:body>", 1)
    return rezip(docx(), {"word/document.xml": body})


def pdf_with(catalog_extra: str = "", objects: tuple[str, ...] = ()) -> bytes:
    """A one-page PDF written by hand, so that names can be spelt as an attacker would
    (``/J#61vaScript``). ``objects`` are appended from object 4 on; ``catalog_extra`` goes
    into the catalog."""
    bodies = [f"<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>",
              "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", *objects]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def store_as_before(file, data: bytes) -> None:
    """Put ``data`` in a stored file row (an ``IncomingFile`` or ``OutgoingAttachment``) as
    if it had been uploaded before intake checked files: the only way a damaged file or a
    bomb can be in the file store now."""
    from zhongshu.kernel import filestore

    type(file).objects.filter(pk=file.pk).update(blob=filestore.put(data), size=len(data))
    file.refresh_from_db()


DAMAGED_PDF = b"%PDF-1.4 broken"
