"""The inline viewer (在线阅读) on the 收文 page: page images drawn on the server, each
answering to the document's need-to-know, a classified page stamped as its download is."""

import pymupdf
import pytest
from django.core.cache import cache
from django.urls import reverse

from tests import uploads
from tests.documents.incoming.helpers import register, to_assigning, to_handling
from zhongshu.audit.models import AuditEvent
from zhongshu.documents.incoming.models import IncomingFile
from zhongshu.layout import stamp

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def page(client, person, url, **params):
    client.force_login(person)
    return client.get(url, params)


def image_url(doc, f, n):
    return reverse("incoming:page_image", args=[doc.pk, f.pk, n])


def test_the_page_shows_every_page_of_the_main_file_as_an_image(org, client):
    doc = register(org, files=[("请示.pdf", uploads.pdf("两页的请示", pages=2))],
                   attachments=[("附件.png", uploads.png(300, 200))])
    main = doc.files.get(is_attachment=False)
    html = page(client, org.secretary, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert 'id="viewer"' in html and "在线阅读" in html and "共 2 页" in html
    assert image_url(doc, main, 1) in html and image_url(doc, main, 2) in html
    assert image_url(doc, main, 3) not in html
    r = page(client, org.secretary, image_url(doc, main, 2))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r.content.startswith(PNG_MAGIC)
    assert pymupdf.Pixmap(r.content).width > 800  # an A4 page, readable
    # The attachment (a scan) is one click away, and is one page.
    attachment = doc.files.get(is_attachment=True)
    html = page(client, org.secretary, reverse("incoming:detail", args=[doc.pk]),
                view=attachment.pk).content.decode()
    assert "共 1 页" in html and image_url(doc, attachment, 1) in html
    assert page(client, org.secretary, image_url(doc, attachment, 1)).content.startswith(PNG_MAGIC)


def test_a_page_that_does_not_exist_is_refused_in_chinese(org, client):
    doc = register(org)
    main = doc.files.get()
    r = page(client, org.secretary, image_url(doc, main, 5))
    assert r.status_code == 404 and "没有这一页" in r.content.decode()


def test_page_images_answer_to_need_to_know(org, client):
    doc = to_assigning(org)
    main = doc.files.get()
    url = image_url(doc, main, 1)
    # Outside need-to-know: 404, as the document itself — nothing drawn, nothing said.
    for person in (org.outsider, org.handler, org.liaison):
        r = page(client, person, url)
        assert r.status_code == 404 and not r.content.startswith(PNG_MAGIC)
    # A file of another document, asked for under this one: 404.
    other = register(org, title="另一份来文")
    r = page(client, org.secretary, image_url(doc, other.files.get(), 1))
    assert r.status_code == 404
    # Once the handling unit is given the document, its head may read it.
    from zhongshu.documents.incoming import services

    services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.dept, workdays=5)
    assert page(client, org.handler, url).content.startswith(PNG_MAGIC)
    assert page(client, org.outsider, url).status_code == 404


def test_a_classified_page_carries_the_viewers_watermark_as_its_download_does(org, client, monkeypatch):
    doc = register(org, actor=org.clerk, title="机密来文", classification=3, secrecy_years=10)
    main = doc.files.get()
    marks = []
    real = stamp.stamp_pdf

    def spy(data, text, out):
        marks.append(text)
        return real(data, text, out)

    monkeypatch.setattr(stamp, "stamp_pdf", spy)
    # Ordinary secretaries do not see state secrets: not the page, not its pictures.
    assert page(client, org.secretary, image_url(doc, main, 1)).status_code == 404
    html = page(client, org.clerk, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert "页面加注阅读人姓名和时间水印" in html
    before = AuditEvent.objects.filter(action="object.view").count()
    r = page(client, org.clerk, image_url(doc, main, 1))
    assert r.status_code == 200 and r.content.startswith(PNG_MAGIC)
    assert r["Cache-Control"] == "private, no-store"
    assert len(marks) == 1 and marks[0].startswith("机要员乙 ")
    # The picture differs from the same page drawn without the mark.
    with pymupdf.open(stream=bytes(IncomingFile.objects.get(pk=main.pk).content), filetype="pdf") as plain:
        assert r.content != plain[0].get_pixmap(dpi=110, alpha=False).tobytes("png")
    event = AuditEvent.objects.filter(action="object.view").order_by("-id").first()
    assert AuditEvent.objects.filter(action="object.view").count() == before + 1
    assert event.details["page"] == 1 and event.details["file"] == main.name
    # The download is stamped by the same drawing with the same words.
    page(client, org.clerk, reverse("incoming:download", args=[doc.pk, main.pk]))
    assert len(marks) == 2 and marks[1].split(" ")[0] == "机要员乙"


def test_an_ofd_is_drawn_by_the_layouts_reader(org, client):
    from tests.layout.measure import sample
    from zhongshu.layout.render import render

    ofd = render(sample("order"), "ofd")
    doc = register(org, files=[("来文.ofd", ofd)])
    main = doc.files.get()
    html = page(client, org.secretary, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert image_url(doc, main, 1) in html
    r = page(client, org.secretary, image_url(doc, main, 1))
    assert r.status_code == 200 and r.content.startswith(PNG_MAGIC)


def test_a_word_file_is_offered_for_download_not_drawn(org, client):
    doc = register(org, files=[("来文.docx", uploads.docx("正文"))])
    main = doc.files.get()
    html = page(client, org.secretary, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert 'id="viewer"' not in html and "来文.docx" in html
    r = page(client, org.secretary, image_url(doc, main, 1))
    assert r.status_code == 404 and "请下载后查看" in r.content.decode()


def test_the_handler_reads_the_document_while_handling(org, client):
    doc = to_handling(org)
    html = page(client, org.handler, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert image_url(doc, doc.files.get(), 1) in html


def test_a_long_file_shows_its_first_pages_and_says_so(org, client, monkeypatch):
    from zhongshu.documents.incoming import viewer

    monkeypatch.setattr(viewer, "MAX_PAGES", 2)
    doc = register(org, files=[("长文.pdf", uploads.pdf("长文", pages=3))])
    main = doc.files.get()
    html = page(client, org.secretary, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert "共 2 页" in html and "仅显示前 2 页，其余请下载查看" in html
    assert image_url(doc, main, 3) not in html
    assert page(client, org.secretary, image_url(doc, main, 3)).status_code == 404
