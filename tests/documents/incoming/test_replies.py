"""Answering the sender: the reply file at 办结 and the sending unit told; a 批复/复函
drafted from a 收文 and linked both ways; the printable 文件处理签 with its 拟办意见."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tests import uploads
from tests.documents.incoming.helpers import register, to_handling, to_instructing, to_proposing
from zhongshu.access.policy import Action, can
from zhongshu.documents.incoming import replies, services
from zhongshu.documents.incoming.models import IncomingFile, ReplyDraft, Status
from zhongshu.documents.models import OutgoingDocument
from zhongshu.inbox.models import Notification


def page(client, person, url, **params):
    client.force_login(person)
    return client.get(url, params)


def act(client, person, doc, **data):
    client.force_login(person)
    return client.post(reverse("incoming:act", args=[doc.pk]), data, follow=True)


# --- the reply at 办结 and the sender told ------------------------------------------------

def test_the_reply_file_reaches_the_sending_units_liaison(org, client):
    doc = to_handling(org)  # sent by 测试区委, whose liaison is 联络员辛
    client.force_login(org.handler)
    r = client.post(reverse("incoming:act", args=[doc.pk]), {
        "op": "complete", "summary": "经研究，同意安排专项经费50万元。",
        "reply_files": [SimpleUploadedFile("答复函.pdf", uploads.pdf("答复函"), "application/pdf")]},
        follow=True)
    assert [str(m) for m in r.context["messages"]] == ["已办结。已通知来文单位查看答复。"]
    doc.refresh_from_db()
    assert doc.status == Status.COMPLETED
    reply = IncomingFile.objects.get(incoming=doc, is_reply=True)
    assert reply.name == "答复函.pdf"
    # The liaison is told, not the unit's head; the link opens a page he may see.
    [note] = Notification.objects.filter(item_key=f"incoming.reply:{doc.pk}")
    assert note.recipient == org.liaison and "关于申请专项经费的请示" in note.title
    assert note.url == reverse("incoming:reply", args=[doc.pk])
    assert replies.may_view_reply(org.liaison, doc)
    html = page(client, org.liaison, note.url).content.decode()
    assert "经研究，同意安排专项经费50万元。" in html and "答复函.pdf" in html
    # …but not the receiving side's page: its route and opinions stay inside.
    assert page(client, org.liaison, reverse("incoming:detail", args=[doc.pk])).status_code == 404
    assert "拟请书记阅示" not in html and "打开收文" not in html
    r = page(client, org.liaison, reverse("incoming:reply_download", args=[doc.pk, reply.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    # The reply file is listed on the document's own page.
    html = page(client, org.secretary, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert 'id="reply-files"' in html and "答复文件" in html
    # Others see nothing.
    for person in (org.outsider, org.sub_head):
        assert page(client, person, note.url).status_code == 404
        assert page(client, person, reverse("incoming:reply_download", args=[doc.pk, reply.pk])).status_code == 404


def test_the_reply_page_waits_for_completion(org, client):
    doc = to_handling(org)
    assert page(client, org.liaison, reverse("incoming:reply", args=[doc.pk])).status_code == 404
    assert not Notification.objects.filter(item_key=f"incoming.reply:{doc.pk}").exists()


def test_an_unacceptable_reply_file_is_refused_and_nothing_changes(org, client):
    doc = to_handling(org)
    client.force_login(org.handler)
    r = client.post(reverse("incoming:act", args=[doc.pk]), {
        "op": "complete", "summary": "已答复。",
        "reply_files": [SimpleUploadedFile("答复.pdf", b"MZ not a pdf", "application/pdf")]}, follow=True)
    assert "答复.pdf" in " ".join(str(m) for m in r.context["messages"])
    doc.refresh_from_db()
    assert doc.status == Status.HANDLING
    assert not IncomingFile.objects.filter(incoming=doc, is_reply=True).exists()
    assert not Notification.objects.exists()


def test_an_external_sender_is_not_notified(org):
    doc = to_handling(org, sender_unit=org.external)
    services.incoming_complete(actor=org.handler, incoming=doc, summary="已电话答复。")
    assert not Notification.objects.exists()
    assert replies.sender_contacts(doc) == []


# --- a reply drafted from the 收文 ------------------------------------------------------

def test_a_reply_is_drafted_to_the_sender_and_linked_both_ways(org, client):
    doc = to_handling(org)
    client.force_login(org.handler)
    r = client.post(reverse("incoming:draft_reply", args=[doc.pk]), {"kind": "approval"}, follow=True)
    draft = OutgoingDocument.objects.get()
    assert r.redirect_chain[-1][0] == reverse("documents:detail", args=[draft.pk])
    assert draft.title == "关于申请专项经费的批复" and draft.doc_type == "批复"
    assert draft.current_version.spec["main_recipients"] == "测试区委"
    assert "关于申请专项经费的请示" in draft.current_version.spec["body"][0]["text"]
    assert draft.registered_by == org.handler
    link = ReplyDraft.objects.get()
    assert (link.incoming, link.outgoing, link.kind) == (doc, draft, "approval")
    # On the 收文 page: the draft, linked.
    html = page(client, org.handler, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert 'id="reply-drafts"' in html and reverse("documents:detail", args=[draft.pk]) in html
    assert "关于申请专项经费的批复" in html and "起草答复文" in html
    # On the outgoing page (the include the documents page carries): the 收文 it answers.
    out = render_to_string("incoming/_replies_for_outgoing.html",
                           {"doc": draft, "user": org.handler}, request=RequestFactory().get("/"))
    assert "所答复的来文" in out and reverse("incoming:detail", args=[doc.pk]) in out
    assert "关于申请专项经费的请示" in out
    # Someone who may see the draft but not the 收文 sees no title of it.
    out = render_to_string("incoming/_replies_for_outgoing.html", {"doc": draft, "user": org.outsider})
    assert "关于申请专项经费的请示" not in out and out.strip() == ""


def test_a_reply_letter_to_any_title_and_a_classified_source(org, client):
    doc = to_proposing(org, actor=org.clerk, title="省委办公厅来函", classification=3, secrecy_years=10)
    link = replies.incoming_draft_reply(actor=org.clerk, incoming=doc, kind="letter")
    assert link.outgoing.title == "关于《省委办公厅来函》的复函" and link.outgoing.doc_type == "函"
    # The draft is as classified as the 收文 it answers.
    assert link.outgoing.classification == 3
    assert not can(org.secretary, Action.OBJECT_VIEW, link.outgoing)


def test_a_reply_cannot_be_drafted_before_intake_or_by_someone_outside(org, client):
    doc = register(org)
    client.force_login(org.secretary)
    r = client.post(reverse("incoming:draft_reply", args=[doc.pk]), {"kind": "approval"}, follow=True)
    assert "初审通过后才能起草答复" in " ".join(str(m) for m in r.context["messages"])
    doc = to_proposing(org, title="关于某事的请示")
    r = client.post(reverse("incoming:draft_reply", args=[doc.pk]), {"kind": "nonsense"}, follow=True)
    assert "请选择答复类型" in " ".join(str(m) for m in r.context["messages"])
    client.force_login(org.outsider)
    assert client.post(reverse("incoming:draft_reply", args=[doc.pk]), {"kind": "approval"}).status_code == 404
    assert not OutgoingDocument.objects.exists() and not ReplyDraft.objects.exists()


# --- 拟办意见 above the 批示 box; the 文件处理签 ---------------------------------------

def test_the_leader_reads_the_proposal_above_the_instruction_box(org, client):
    doc = to_instructing(org)
    html = page(client, org.leader, reverse("incoming:detail", args=[doc.pk])).content.decode()
    form = html[html.index('id="instruct"'):]
    assert form.index("拟请书记阅示。") < form.index('id="instruct-text"')
    assert "主任丙" in form[:form.index('id="instruct-text"')]


def test_the_handling_slip_prints_the_proposal_and_the_instruction(org, client):
    doc = to_handling(org)
    url = reverse("incoming:slip", args=[doc.pk])
    html = page(client, org.secretary, reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert url in html and "文件处理签（打印）" in html
    html = page(client, org.secretary, url).content.decode()
    assert "测试市委文件处理签" in html and doc.receipt_number in html
    proposals = html[html.index('id="slip-proposals"'):html.index('id="slip-instructions"')]
    assert "拟请书记阅示。" in proposals and "主任丙" in proposals
    instructions = html[html.index('id="slip-instructions"'):]
    assert "请督查处研究办理。" in instructions and "书记丁" in instructions
    assert "督查处" in html and "window.print()" in html
    assert page(client, org.outsider, url).status_code == 404
