"""The 收文 pages as people meet them, through the Django test client."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import uploads
from tests.documents.incoming.helpers import (
    PDF,
    register,
    to_handling,
    to_instructing,
    to_proposing,
)
from tests.documents.incoming.test_contract import deliver
from zhongshu.audit.models import AuditEvent
from zhongshu.documents.incoming import selectors, views
from zhongshu.documents.incoming.models import IncomingDocument, Instruction, Status
from zhongshu.kernel.exports import TITLE_ROWS
from zhongshu.kernel.models import Job


def page(client, person, url, **params):
    client.force_login(person)
    return client.get(url, params)


def act(client, person, doc, **data):
    client.force_login(person)
    return client.post(reverse("incoming:act", args=[doc.pk]), data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# --- register ---------------------------------------------------------------------

def test_register_shows_only_what_the_viewer_may_see(org, client):
    mine = register(org, title="公开请示")
    secret = register(org, actor=org.clerk, title="机密来文", classification=3, secrecy_years=10)
    html = page(client, org.secretary, reverse("incoming:register")).content.decode()
    assert mine.title in html and secret.title not in html
    html = page(client, org.clerk, reverse("incoming:register")).content.decode()
    assert mine.title in html and secret.title in html and "机密★10年" in html
    assert page(client, org.handler, reverse("incoming:register")).status_code == 403


def test_register_filters(org, client):
    a = to_handling(org)
    b = register(org, title="关于召开会议的通知", doc_type="通知", urgency="extra_urgent")
    url = reverse("incoming:register")
    ids = lambda r: [row.doc.pk for row in r.context["rows"]]  # noqa: E731
    assert ids(page(client, org.secretary, url, status="handling")) == [a.pk]
    assert ids(page(client, org.secretary, url, doc_type="通知")) == [b.pk]
    assert ids(page(client, org.secretary, url, q="会议")) == [b.pk]
    assert ids(page(client, org.secretary, url, q=a.receipt_number)) == [a.pk]
    assert ids(page(client, org.secretary, url, urgency="extra_urgent")) == [b.pk]
    assert ids(page(client, org.secretary, url, sender="测试区委")) == [b.pk, a.pk]
    assert ids(page(client, org.secretary, url, overdue="on")) == []
    IncomingDocument.objects.filter(pk=a.pk).update(deadline="2020-01-02")
    assert ids(page(client, org.secretary, url, overdue="on")) == [a.pk]


def test_register_sorts_and_paginates(org, client, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    docs = [register(org, title=f"来文{i}") for i in range(3)]
    url = reverse("incoming:register")
    r = page(client, org.secretary, url, sort="number")
    assert [row.doc.pk for row in r.context["rows"]] == [docs[0].pk, docs[1].pk]
    assert "第 1 / 2 页" in r.content.decode()
    r = page(client, org.secretary, url, sort="number", page=2)
    assert [row.doc.pk for row in r.context["rows"]] == [docs[2].pk]
    r = page(client, org.secretary, url, sort="-number")
    assert [row.doc.pk for row in r.context["rows"]] == [docs[2].pk, docs[1].pk]
    urgent = register(org, title="特急件", urgency="extra_urgent")
    r = page(client, org.secretary, url, sort="urgency")
    assert r.context["rows"][0].doc.pk == urgent.pk


def test_register_shows_where_each_document_is_and_who_has_not_read(org, client):
    from zhongshu.documents.incoming import services

    doc = to_instructing(org)
    services.circulation_start(actor=org.secretary, incoming=doc, readers=[org.leader2, org.handler],
                               sequential=True)
    services.circulation_mark_read(actor=org.leader2, incoming=doc)
    r = page(client, org.secretary, reverse("incoming:register"))
    row = r.context["rows"][0]
    assert [(h.label, h.names, h.total) for h in row.holders] == [("批示", ["书记丁"], 1), ("传阅", ["处长己"], 1)]
    assert row.unread == ["处长己"]
    assert "处长己" in r.content.decode()


def test_export_is_the_filtered_register(org, client, django_capture_on_commit_callbacks):
    to_handling(org)
    register(org, title="关于召开会议的通知", doc_type="通知")
    client.force_login(org.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("incoming:export") + "?doc_type=通知&sort=-received")
    job = Job.objects.get()
    assert started.url == reverse("jobs:detail", args=[job.pk])
    assert job.params == {"doc_type": "通知", "sort": "-received"}
    r = client.get(reverse("jobs:download", args=[job.pk]))
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    assert rows[0][:5] == ("收文号", "来文时间", "来文单位", "来文字号", "标题")
    assert [row[4] for row in rows[1:]] == ["关于召开会议的通知"]
    assert AuditEvent.objects.filter(action="kernel.export.submit").exists()
    assert AuditEvent.objects.filter(action="kernel.export.download", object_id=str(job.pk)).exists()


# --- registration -----------------------------------------------------------------

def registration(**kw):
    data = {"recipient_unit": "", "title": "关于申请专项经费的请示", "doc_type": "请示",
            "doc_number": "测区委〔2026〕9号", "sender_unit": "", "sender_name": "省委办公厅",
            "channel": "paper", "urgency": "normal", "classification": "1"}
    data.update(kw)
    return data


def test_register_a_paper_document_by_upload(org, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.secretary)
    r = client.get(reverse("incoming:create"))
    assert r.context["form"].fields["recipient_unit"].initial == org.committee.pk
    r = client.post(reverse("incoming:create"), registration(
        recipient_unit=org.committee.pk, main_file=SimpleUploadedFile("请示.pdf", PDF),
        attachments=[SimpleUploadedFile("附件1.png", uploads.png()),
                     SimpleUploadedFile("附件2.pdf", PDF)]), follow=True)
    doc = IncomingDocument.objects.get()
    assert r.redirect_chain[-1][0] == reverse("incoming:detail", args=[doc.pk])
    assert f"已登记，收文号 {doc.receipt_number}。" in messages_of(r)
    assert sorted(doc.files.values_list("name", "is_attachment")) == [
        ("请示.pdf", False), ("附件1.png", True), ("附件2.pdf", True)]


def test_registration_refuses_a_disguised_file_and_says_why(org, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.secretary)
    r = client.post(reverse("incoming:create"), registration(
        recipient_unit=org.committee.pk, main_file=SimpleUploadedFile("请示.pdf", b"MZ\x90 exe")))
    assert r.status_code == 200
    assert "不是允许的格式（无法识别文件内容）" in r.content.decode()
    assert not IncomingDocument.objects.exists()


# --- the document page and its actions ---------------------------------------------

def test_walk_through_the_page(org, client):
    doc = register(org)
    url = reverse("incoming:detail", args=[doc.pk])
    assert 'id="intake"' in page(client, org.secretary, url).content.decode()
    assert page(client, org.leader, url).status_code == 404
    r = act(client, org.secretary, doc, op="return")
    assert messages_of(r) == ["请填写退回理由。"]
    assert IncomingDocument.objects.get().status == Status.INTAKE
    act(client, org.secretary, doc, op="accept")
    r = act(client, org.director, doc, op="propose", opinion="拟请书记阅示。", leader=org.leader.pk)
    assert "拟办意见已提交，呈书记丁批示。" in messages_of(r)
    html = page(client, org.leader, url).content.decode()
    assert 'id="instruct"' in html and "拟请书记阅示。" in html
    act(client, org.leader, doc, op="instruct", kind="actionable", text="请督查处研究办理。")
    assert Instruction.objects.get().kind == "actionable"
    r = act(client, org.secretary, doc, op="assign", handling_unit=org.dept.pk, workdays="0")
    assert messages_of(r) == ["办理时限应为 1 至 365 个工作日。"]
    act(client, org.secretary, doc, op="assign", handling_unit=org.dept.pk, workdays="5")
    act(client, org.secretary, doc, op="circulate", readers=[org.leader2.pk, org.leader.pk])
    r = act(client, org.leader2, doc, op="read", comment="已阅，同意。")
    assert messages_of(r) == ["已阅。"]
    act(client, org.leader, doc, op="read", comment="抓紧。", instruction_kind="guiding")
    act(client, org.handler, doc, op="holding", text="正在征求意见。")
    act(client, org.handler, doc, op="extension", workdays="2", reason="需要会签。")
    ext = selectors.extensions_of(doc).get()
    html = page(client, org.director, url).content.decode()
    assert 'id="decide"' in html and "申请延期 2 个工作日" in html
    act(client, org.director, doc, op="decide", extension=ext.pk, approve="1", note="同意")
    r = act(client, org.handler, doc, op="complete", summary="已答复。")
    assert messages_of(r) == ["已办结。已通知来文单位查看答复。"]
    doc.refresh_from_db()
    assert doc.status == Status.COMPLETED
    html = page(client, org.secretary, url).content.decode()
    for text in ("登记", "初审通过", "拟办", "批示", "交办", "发起传阅", "已阅", "阶段性答复",
                 "申请延期", "同意延期", "办结", "各环节用时", "已阅，同意。"):
        assert text in html, text


def test_common_opinions_sit_beside_the_hand_written_opinion_boxes(org, client):
    """常用意见 are offered beside 拟办 and 批示 boxes, as on the 发文 pages (issue 10 §10)."""
    from zhongshu.workflow.models import OpinionPhrase

    OpinionPhrase.objects.create(owner=org.leader, text="请抓紧落实，按时报结果。")
    doc = to_proposing(org)
    url = reverse("incoming:detail", args=[doc.pk])
    html = page(client, org.director, url).content.decode()
    assert 'data-target="propose-opinion"' in html
    # Someone else's own phrases are not offered.
    assert "请抓紧落实，按时报结果。" not in html
    act(client, org.director, doc, op="propose", opinion="拟请书记阅示。", leader=org.leader.pk)
    html = page(client, org.leader, url).content.decode()
    box = html[html.index('data-target="instruct-text"'):]
    box = box[:box.index("</div>")]
    assert "请抓紧落实，按时报结果。" in box and "常用意见" in box


def test_refused_step_comes_back_with_the_reason(org, client):
    doc = to_proposing(org)
    r = act(client, org.leader, doc, op="instruct", kind="guiding", text="x")
    assert r.status_code == 404  # not on the route: the document does not exist for them
    r = act(client, org.secretary, doc, op="instruct", kind="guiding", text="x")
    assert messages_of(r) == ["本环节不允许该操作：您不是该环节的办理人。"]
    r = act(client, org.secretary, doc, op="dance")
    assert messages_of(r) == ["本环节不允许该操作：未知的操作。"]
    r = act(client, org.secretary, doc, op="complete", summary="x")
    assert messages_of(r) == ["本环节不允许该操作：该收文当前为“待拟办”，不能办结。"]


def test_pending_receipts_and_signing_from_the_list(org, client, memo):
    doc = deliver(org, memo)
    r = page(client, org.secretary, reverse("incoming:pending"))
    assert doc.title in r.content.decode()
    assert page(client, org.liaison, reverse("incoming:pending")).context["page"].paginator.count == 0
    client.force_login(org.secretary)
    r = client.post(reverse("incoming:act", args=[doc.pk]), {"op": "receive", "next": "pending"},
                    follow=True)
    assert r.redirect_chain[-1][0] == reverse("incoming:pending")
    doc.refresh_from_db()
    assert any(m.startswith(f"已签收，收文号 {doc.receipt_number}") for m in messages_of(r))
    assert r.context["page"].paginator.count == 0


def real_pdf(text="来文正文") -> bytes:
    import pymupdf

    with pymupdf.open() as d:
        d.new_page().insert_text((72, 72), text, fontname="china-s")
        return d.tobytes()


def png() -> bytes:
    import pymupdf

    return pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 600, 800), False).tobytes("png")


def test_classified_page_is_watermarked_and_every_view_and_download_audited(org, client):
    import pymupdf

    doc = register(org, actor=org.clerk, classification=2, secrecy_years=5,
                   files=[("来文.pdf", real_pdf())], attachments=[("扫描件.png", png())])
    url = reverse("incoming:detail", args=[doc.pk])
    html = page(client, org.clerk, url).content.decode()
    assert "data-watermark" in html and org.clerk.full_name in html
    assert AuditEvent.objects.filter(action="object.view", object_id=str(doc.pk), actor_id=org.clerk.pk).exists()
    main, scan = doc.files.order_by("is_attachment")
    for f, name in ((main, "%E6%9D%A5%E6%96%87.pdf"), (scan, "%E6%89%AB%E6%8F%8F%E4%BB%B6.png.pdf")):
        r = client.get(reverse("incoming:download", args=[doc.pk, f.pk]))
        assert r["Content-Type"] == "application/pdf" and r["Content-Disposition"].endswith(name)
        with pymupdf.open(stream=r.getvalue(), filetype="pdf") as pdf:
            assert f"{org.clerk.full_name} " in pdf[0].get_text()
    assert AuditEvent.objects.filter(action="object.download", object_id=str(doc.pk)).count() == 2
    assert page(client, org.secretary, url).status_code == 404  # not cleared for the route


def test_classified_docx_and_ofd_downloads_stay_docx_and_ofd_stamped_with_the_viewer(org, client):
    import ofdkit
    from docx import Document

    from tests.layout.measure import sample
    from tests.layout.test_stamp import two_section_docx
    from zhongshu.layout.render import render

    ofd = render(sample("long_body"), "ofd")
    doc = register(org, actor=org.clerk, classification=2, secrecy_years=5,
                   files=[("来文.ofd", ofd)], attachments=[("附件.docx", two_section_docx())])
    client.force_login(org.director)  # cleared, and not the clerk who registered it
    main, attachment = doc.files.order_by("is_attachment")
    r = client.get(reverse("incoming:download", args=[doc.pk, main.pk]))
    assert r["Content-Type"] == "application/ofd" and r["Content-Disposition"].endswith("%E6%9D%A5%E6%96%87.ofd")
    with ofdkit.open(r.getvalue()) as stamped:
        pages = [page.text() for page in stamped.pages]
    with ofdkit.open(ofd) as original:
        assert len(pages) == len(original.pages) > 1
    assert all(f"{org.director.full_name} " in text for text in pages)
    r = client.get(reverse("incoming:download", args=[doc.pk, attachment.pk]))
    assert r["Content-Type"] == attachment.content_type and r["Content-Disposition"].endswith(".docx")
    header = Document(io.BytesIO(r.getvalue())).sections[0].header._element.xml
    assert f'string="{org.director.full_name} ' in header
    events = AuditEvent.objects.filter(action="object.download", object_id=str(doc.pk), actor_id=org.director.pk)
    assert sorted(e.details["file"] for e in events) == ["来文.ofd", "附件.docx"]


def test_classified_damaged_docx_is_not_served(org, client):
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as zf:  # sniffed as a DOCX, but with no Word document inside
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document")
    doc = register(org, actor=org.clerk, classification=2, secrecy_years=5, files=[("来文.docx", uploads.docx())])
    # intake refuses such a file now: it can only be one stored before
    uploads.store_as_before(doc.files.get(), docx.getvalue())
    client.force_login(org.clerk)
    r = client.get(reverse("incoming:download", args=[doc.pk, doc.files.get().pk]), follow=True)
    assert "无法加注水印，不能下载" in messages_of(r)[0]
    assert not AuditEvent.objects.filter(action="object.download").exists()


def test_classified_file_that_cannot_be_watermarked_is_not_served(org, client):
    doc = register(org, actor=org.clerk, classification=2, secrecy_years=5)
    uploads.store_as_before(doc.files.get(), uploads.DAMAGED_PDF)  # stored before intake checked PDFs
    client.force_login(org.clerk)
    r = client.get(reverse("incoming:download", args=[doc.pk, doc.files.get().pk]), follow=True)
    assert "文件“请示.pdf”未通过安全检查：无法作为 PDF 打开" in messages_of(r)[0]
    assert "不能下载" in messages_of(r)[0]
    assert not AuditEvent.objects.filter(action="object.download").exists()


def test_unclassified_download_is_the_file_itself(org, client):
    doc = register(org)
    client.force_login(org.secretary)
    r = client.get(reverse("incoming:download", args=[doc.pk, doc.files.get().pk]))
    assert r.getvalue() == PDF


def test_unclassified_page_has_no_watermark(org, client):
    doc = register(org)
    html = page(client, org.secretary, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert "data-watermark" not in html


@pytest.mark.parametrize("name", ["incoming:register", "incoming:pending"])
def test_navigation_tab(org, client, name):
    html = page(client, org.secretary, reverse(name)).content.decode()
    assert f'href="{reverse("incoming:register")}" aria-current="page"' in html


def test_register_names_three_holders_and_counts_the_rest(org, client):
    from tests.factories import PersonFactory
    from zhongshu.org.models import Clearance, RoleCode

    for name in ("秘书乙", "秘书丙", "秘书丁", "秘书戊"):
        PersonFactory(full_name=name, unit=org.ms1, roles=[RoleCode.SECRETARY], clearance=Clearance.IMPORTANT)
    doc = register(org, title="五人共管的来文")
    row = selectors.register_rows([doc])[0]
    names = [n for h in row.holders for n in h.names]
    assert len(names) >= 5  # the office step is held by every secretary
    assert [h.total for h in row.holders] == [len(names)]
    shown = selectors.register_rows([doc], holders_shown=3)[0].holders
    assert [(h.names, h.total) for h in shown] == [(names[:3], len(names))]
    html = page(client, org.secretary, reverse("incoming:register")).content.decode()
    cell = html.split('class="holders">')[1].split("</td>")[0]
    assert f"等 {len(names)} 人" in cell
    assert sum(n in cell for n in names) == 3
