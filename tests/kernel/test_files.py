import io
import zipfile

import pytest

from zhongshu.kernel.files import DOCX, JPEG, OFD, PDF, PNG, UnacceptableFile, check_upload, sniff


def zipped(*names):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n...", PDF),
    (b"\x89PNG\r\n\x1a\n....", PNG),
    (b"\xff\xd8\xff\xe0....", JPEG),
    (zipped("OFD.xml", "Doc_0/Document.xml"), OFD),
    (zipped("[Content_Types].xml", "word/document.xml"), DOCX),
    (b"MZ\x90\x00", None),
    (zipped("random.txt"), None),
    (b"PK\x03\x04 not really a zip", None),
])
def test_sniff_by_content(data, kind):
    assert sniff(data) is kind


def test_accepts_a_real_pdf():
    assert check_upload("报告.pdf", b"%PDF-1.4 body", allowed=(PDF, OFD)) is PDF


def test_refuses_a_renamed_executable_saying_why():
    with pytest.raises(UnacceptableFile, match="无法识别文件内容.*允许的格式：PDF、OFD"):
        check_upload("通知.pdf", b"MZ\x90\x00\x03", allowed=(PDF, OFD))


def test_refuses_a_mismatched_extension():
    with pytest.raises(UnacceptableFile, match="扩展名与内容不符：内容是 PDF"):
        check_upload("通知.docx", b"%PDF-1.4", allowed=(PDF, DOCX))


def test_refuses_a_kind_not_allowed_here():
    with pytest.raises(UnacceptableFile, match="实际内容为 PNG 图片"):
        check_upload("a.png", b"\x89PNG\r\n\x1a\n", allowed=(PDF,))


def test_refuses_empty_and_oversized_files():
    with pytest.raises(UnacceptableFile, match="是空的"):
        check_upload("a.pdf", b"", allowed=(PDF,))
    with pytest.raises(UnacceptableFile, match="超过 1 MB"):
        check_upload("a.pdf", b"%PDF-" + b"0" * (1024 * 1024), allowed=(PDF,), max_bytes=1024 * 1024)
