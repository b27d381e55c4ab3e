import io
import random
import zipfile

import pymupdf
import pytest

from tests import uploads
from tests.layout.measure import sample
from zhongshu.kernel import files
from zhongshu.kernel.files import (
    DOCUMENT_KINDS,
    DOCX,
    JPEG,
    MB,
    OFD,
    PDF,
    PNG,
    TIFF,
    UnacceptableFile,
    check_upload,
    sniff,
)
from zhongshu.layout.render import render


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


@pytest.fixture(scope="module")
def rendered():
    return {fmt: render(sample("tongzhi"), fmt) for fmt in ("pdf", "docx", "ofd")}


def refused(name, data, allowed=DOCUMENT_KINDS) -> str:
    with pytest.raises(UnacceptableFile) as caught:
        check_upload(name, data, allowed=allowed)
    message = str(caught.value)
    print(f"\n[{name}] {message}")
    assert message.startswith(f"文件“{name}”")  # every refusal names the file
    return message


# --- what is accepted ---------------------------------------------------------------

def test_accepts_real_files_of_every_document_kind(rendered):
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 40), False)
    pix.clear_with(180)
    scan = pymupdf.open(stream=uploads.png(), filetype="png").convert_to_pdf()
    assert check_upload("报告.pdf", uploads.pdf(), allowed=(PDF, OFD)) is PDF
    assert check_upload("报告.pdf", rendered["pdf"], allowed=(PDF,)) is PDF
    assert check_upload("报告.ofd", rendered["ofd"], allowed=(OFD,)) is OFD
    assert check_upload("报告.docx", rendered["docx"], allowed=(DOCX,)) is DOCX
    assert check_upload("报告.docx", uploads.docx(), allowed=(DOCX,)) is DOCX
    assert check_upload("扫描.png", uploads.png(), allowed=(PNG,)) is PNG
    assert check_upload("扫描.jpg", pix.tobytes("jpeg"), allowed=(JPEG,)) is JPEG
    assert check_upload("扫描.pdf", scan, allowed=(PDF,)) is PDF


def test_a_pdf_with_an_ordinary_web_link_is_accepted():
    link = uploads.pdf_with(objects=("<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] "
                                     "/A << /S /URI /URI (https://www.gov.cn/) >> >>",))
    assert check_upload("通知.pdf", link, allowed=(PDF,)) is PDF


def test_a_pdf_with_unrelated_names_that_contain_js_is_accepted():
    # a font called JSFont, a key /JSX: only the action and name-tree keys count
    names = uploads.pdf_with(objects=("<< /Type /Font /Subtype /Type1 /BaseFont /JSFont /JSX 1 >>",))
    assert check_upload("通知.pdf", names, allowed=(PDF,)) is PDF


# --- name, kind and size (as before) ------------------------------------------------

def test_refuses_a_renamed_executable_saying_why():
    assert "无法识别文件内容" in refused("通知.pdf", b"MZ\x90\x00\x03", (PDF, OFD))
    assert "允许的格式：PDF、OFD" in refused("通知.pdf", b"MZ\x90\x00\x03", (PDF, OFD))


def test_refuses_a_mismatched_extension():
    assert "扩展名与内容不符：内容是 PDF" in refused("通知.docx", uploads.pdf(), (PDF, DOCX))


def test_refuses_a_kind_not_allowed_here():
    assert "实际内容为 PNG 图片" in refused("a.png", uploads.png(), (PDF,))


def test_refuses_empty_and_oversized_files():
    assert "是空的" in refused("a.pdf", b"", (PDF,))
    with pytest.raises(UnacceptableFile, match="超过 1 MB"):
        check_upload("a.pdf", b"%PDF-" + b"0" * (1024 * 1024), allowed=(PDF,), max_bytes=1024 * 1024)


# --- packages: bombs and hostile XML (issue 11 item 8) ------------------------------

@pytest.fixture(scope="module")
def bomb():
    data = uploads.docx_bomb(100 * MB)
    assert len(data) < 0.4 * MB  # the file: 0.3 MB that unpacks to 100 MB
    return data


def test_a_small_docx_that_unpacks_to_100_mb_is_refused(bomb):
    """Failed before: the 0.3 MB file was accepted (the only limit was 500 MB, at stamping)."""
    message = refused("通知.docx", bomb)
    assert "压缩炸弹" in message and "不予接收" in message


def test_the_unpacked_size_limit_is_a_setting(settings):
    pictures = uploads.rezip(uploads.docx(), {"word/media/image1.jpeg": bytes(range(256)) * 8192},
                             compression=zipfile.ZIP_STORED)  # 2 MB, stored: ratio 1
    assert check_upload("a.docx", pictures, allowed=(DOCX,)) is DOCX
    settings.UPLOAD_MAX_UNPACKED_MB = 1
    assert "解压后超过 1 MB 的上限" in refused("a.docx", pictures)


def test_one_member_with_a_high_ratio_is_refused_even_in_a_large_package(settings):
    # 8 MB of incompressible pictures hide a 5 MB part of one byte repeated (ratio ~1000)
    rng = random.Random(7)
    data = uploads.rezip(uploads.docx(), {"word/media/image1.jpeg": rng.randbytes(8 * MB),
                                          "customXml/item1.xml": b"<a>" + b" " * (5 * MB) + b"</a>"})
    message = refused("a.docx", data)
    assert "customXml/item1.xml" in message and "超过上限 100 倍" in message
    settings.UPLOAD_MAX_RATIO = 10_000
    assert check_upload("a.docx", data, allowed=(DOCX,)) is DOCX


@pytest.mark.parametrize(("label", "xml", "expected"), [
    ("billion-laughs", b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
                       b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w>&b;</w>', "DTD"),
    ("external-entity", b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        b"<w>&x;</w>", "DTD"),
    ("external-dtd", b'<?xml version="1.0"?><!DOCTYPE w SYSTEM "http://example.com/a.dtd"><w/>', "DTD"),
    ("too-deep", b"<w>" + b"<p>" * 300 + b"</p>" * 300 + b"</w>", "嵌套超过 256 层"),
    ("not-xml", b"<w:document><w:body>", "不是有效的 XML"),
])
def test_hostile_or_broken_xml_parts_are_refused(label, xml, expected):
    message = refused(f"{label}.docx", uploads.rezip(uploads.docx(), {"word/settings.xml": xml}))
    assert "word/settings.xml" in message and expected in message


def test_xml_depth_is_a_setting(settings):
    data = uploads.rezip(uploads.docx(), {"word/settings.xml": b"<w>" + b"<p>" * 40 + b"</p>" * 40 + b"</w>"})
    assert check_upload("a.docx", data, allowed=(DOCX,)) is DOCX
    settings.UPLOAD_MAX_XML_DEPTH = 20
    assert "嵌套超过 20 层" in refused("a.docx", data)


def test_an_ofd_with_a_dtd_is_refused(rendered):
    ofd = rendered["ofd"]
    bad = uploads.members(ofd)["OFD.xml"].replace(b"<ofd:OFD", b'<!DOCTYPE x [<!ENTITY e "e">]><ofd:OFD', 1)
    assert "OFD.xml" in refused("来文.ofd", uploads.rezip(ofd, {"OFD.xml": bad}))


def test_a_damaged_member_is_refused():
    data = bytearray(uploads.rezip(uploads.docx(), {"word/media/a.bin": b"A" * 50_000},
                                   compression=zipfile.ZIP_STORED))
    at = data.index(b"A" * 100)
    data[at:at + 4] = b"BBBB"  # the stored bytes no longer match the CRC
    assert "已损坏" in refused("a.docx", bytes(data))


def test_duplicate_encrypted_and_too_many_members_are_refused(settings):
    dup = io.BytesIO()
    with zipfile.ZipFile(dup, "w") as zf, pytest.warns(UserWarning):
        for name, content in uploads.members(uploads.docx()).items():
            zf.writestr(name, content)
        zf.writestr("word/document.xml", b"<other/>")
    assert "重名的部件 word/document.xml" in refused("a.docx", dup.getvalue())

    encrypted = bytearray(uploads.docx())
    central = encrypted.index(b"PK\x01\x02")  # the first central directory entry
    encrypted[central + 8] |= 0x1  # general purpose flag: encrypted
    assert "加密的部件" in refused("a.docx", bytes(encrypted))

    settings.UPLOAD_MAX_MEMBERS = 5
    assert "超过上限 5 个" in refused("a.docx", uploads.docx())


# --- PDF structure and active content -----------------------------------------------

def test_a_pdf_that_needs_repair_is_refused_with_what_to_do():
    good = uploads.pdf()
    broken = good.replace(b"startxref\n", b"startxref\n9", 1)
    message = refused("来文.pdf", broken)
    assert "结构已损坏" in message and "另存为" in message


@pytest.mark.parametrize(("label", "data"), [
    ("truncated", uploads.pdf()[:300]),
    ("garbage", b"%PDF-1.4\n" + bytes(range(256)) * 10),
    ("no-pages", uploads.pdf_with().replace(b"/Kids [3 0 R] /Count 1", b"/Kids [] /Count 0")),
])
def test_a_pdf_that_cannot_be_read_is_refused(label, data):
    assert "不予接收" in refused(f"{label}.pdf", data)


@pytest.mark.parametrize(("label", "catalog", "objects", "expected"), [
    ("open-action-js", "/OpenAction 4 0 R", ("<< /S /JavaScript /JS (app.alert(1)) >>",), "JavaScript"),
    ("escaped-name-js", "/OpenAction 4 0 R", ("<< /S /J#61vaScript /JS (app.alert(1)) >>",), "JavaScript"),
    ("names-js", "/Names << /JavaScript 4 0 R >>", ("<< /Names [(a) 5 0 R] >>",
                                                    "<< /S /JavaScript /JS (this.print()) >>"), "JavaScript"),
    ("launch", "/OpenAction 4 0 R", ("<< /S /Launch /F (cmd.exe) >>",), "启动外部程序"),
    ("submit", "/OpenAction 4 0 R", ("<< /S /SubmitForm /F (http://x/) >>",), "提交或导入数据"),
    ("embedded", "/Names << /EmbeddedFiles 4 0 R >>", (
        "<< /Names [(a.exe) 5 0 R] >>", "<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
        "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"), "嵌入的文件"),
    ("xfa", "/AcroForm << /Fields [] /XFA 4 0 R >>", ("<< /Length 0 >>\nstream\n\nendstream",), "XFA"),
])
def test_a_pdf_with_active_content_is_refused(label, catalog, objects, expected):
    message = refused(f"{label}.pdf", uploads.pdf_with(catalog, objects))
    assert expected in message and "危害" in message


def test_a_pdf_with_an_open_password_is_refused():
    doc = pymupdf.open(stream=uploads.pdf())
    locked = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    assert "打开密码" in refused("来文.pdf", locked)


def test_the_pdf_page_limit_is_a_setting(settings):
    settings.UPLOAD_MAX_PDF_PAGES = 2
    assert "有 3 页，超过上限 2 页" in refused("来文.pdf", uploads.pdf(pages=3))


# --- images ---------------------------------------------------------------------------

def test_an_image_that_declares_too_many_pixels_is_refused():
    message = refused("扫描.png", uploads.png_header(30_000, 30_000))
    assert "图像过大" in message and "300 dpi" in message


def test_the_pixel_limit_is_a_setting(settings):
    data = uploads.png(2000, 1000)
    assert check_upload("扫描.png", data, allowed=(PNG,)) is PNG
    settings.UPLOAD_MAX_MEGAPIXELS = 1
    assert "2000×1000 像素，上限 100 万像素" in refused("扫描.png", data)


def test_a_tiff_with_too_many_pages_is_refused(settings):
    from PIL import Image

    frames = [Image.new("L", (20, 20), 255) for _ in range(4)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    assert check_upload("扫描.tif", out.getvalue(), allowed=(TIFF,)) is TIFF
    settings.UPLOAD_MAX_IMAGE_FRAMES = 3
    assert "有 4 页，超过上限 3 页" in refused("扫描.tif", out.getvalue())


def test_a_truncated_image_is_refused():
    assert "已损坏" in refused("扫描.png", uploads.png(300, 300)[:-40])


# --- stored files, checked again on download ----------------------------------------

def test_check_stored_refuses_a_bomb_and_a_damaged_pdf_naming_the_file(bomb):
    with pytest.raises(UnacceptableFile, match="文件“旧通知.docx”未通过安全检查.*压缩炸弹.*不能下载"):
        files.check_stored("旧通知.docx", bomb, "docx")
    with pytest.raises(UnacceptableFile, match="文件“旧来文.pdf”未通过安全检查.*结构已损坏"):
        files.check_stored("旧来文.pdf", uploads.pdf().replace(b"startxref\n", b"startxref\n9", 1), "pdf")
    with pytest.raises(UnacceptableFile, match="内容与登记的格式不符"):
        files.check_stored("旧来文.pdf", uploads.png(), "pdf")
    files.check_stored("来文.pdf", uploads.pdf(), "pdf")
    files.check_stored("来文.docx", uploads.docx(), "docx")
