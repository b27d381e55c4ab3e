"""办文 as the demo office works it (issue 10): the issuing organ on the draft, the chain
of review, sign-off by those entitled, 印发 on one screen, and the issued text delivered."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tests.documents.helpers import pending
from zhongshu.documents import doctypes, organs, routing, services
from zhongshu.documents.content import render_spec
from zhongshu.documents.incoming.models import IncomingDocument, IncomingFile
from zhongshu.documents.models import IssuingOrgan, OutgoingStatus
from zhongshu.org.models import Person, Unit
from zhongshu.workflow import assignees
from zhongshu.workflow import services as workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("demo")
    return {p.username: p for p in Person.objects.filter(username__in=[
        "shuji", "mishuzhang", "zhuren", "fuzhuren", "mishu1", "keyuan1", "wenshu", "ducha", "xinxi",
        "dangan", "lianluo01"])}


def notice(title: str = "关于做好岁末年初安全稳定工作的通知") -> dict:
    return {"title": title, "main_recipients": "各区县委办公室",
            "body": [{"type": "paragraph", "text": "为做好岁末年初安全稳定工作，现将有关事项通知如下。"},
                     {"type": "heading", "level": 1, "text": "压实工作责任"},
                     {"type": "paragraph", "text": "各单位要严格落实值班值守制度。"}],
            "seal": True}


def step_of(doc, person):
    return next(s for s in pending(doc) if s.assignee_id == person.pk)


def agree(doc, person, text="同意。"):
    services.outgoing_act(actor=person, document=doc, step=step_of(doc, person), action="agree_opinion",
                          text=text)


def test_a_notice_goes_the_offices_way_and_recipients_receive_the_issued_text(demo):
    p = demo
    units = {u.code: u for u in Unit.objects.filter(code__in=["BGS-DC", "BGS-XX", "DCQ", "XCQ"])}
    doc = services.outgoing_create(actor=p["keyuan1"], doc_type="通知", spec=notice(),
                                   countersign_units=[units["BGS-DC"], units["BGS-XX"]])
    # The organ is the office, never the 处 that drafts; the 处 is the 拟稿单位.
    assert doc.issuing_organ.code == "swb" and doc.owner_unit.name == "秘书一处"
    assert doc.issuer_code == "示市委办发"
    printed = render_spec(doc, doc.current_version.spec)
    assert printed["issuers"] == [{"name": "中共示例市委办公室", "issuer_code": "示市委办发"}]
    assert printed["mark"] == "中共示例市委办公室文件"
    assert printed["signature"] == ["中共示例市委办公室"]
    assert printed["printing_office"] == "中共示例市委办公室"

    services.outgoing_submit(actor=p["keyuan1"], document=doc)
    assert [s.assignee for s in pending(doc)] == [p["mishu1"]]  # 部门审核: his 处长
    # 核稿 by the director or the deputy he designates: the 处长 sends it to the director.
    from zhongshu.workflow.selectors import next_choice

    choice = next_choice(step_of(doc, p["mishu1"]))
    assert choice.stage_name == "核稿" and {pk for pk, _ in choice.candidates} == {p["zhuren"].pk, p["fuzhuren"].pk}
    services.outgoing_act(actor=p["mishu1"], document=doc, step=step_of(doc, p["mishu1"]), action="agree",
                          chosen=[p["zhuren"].pk])
    assert [s.assignee for s in pending(doc)] == [p["zhuren"]]  # 核稿: the office director
    agree(doc, p["zhuren"])
    assert {s.assignee for s in pending(doc)} == {p["ducha"], p["xinxi"]}  # 会签 by unit
    agree(doc, p["ducha"])
    agree(doc, p["xinxi"])
    assert [s.assignee for s in pending(doc)] == [p["mishuzhang"]]  # 签发: entitled for 市委办文件
    agree(doc, p["mishuzhang"], "同意印发。")
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.SIGNED_OFF and doc.signed_off_by == p["mishuzhang"]
    # The secretariat (文书 of 综合处) holds 复核; nobody of the drafting 处.
    clerks = {s.assignee for s in pending(doc)}
    assert p["wenshu"] in clerks and all(c.unit.code == "BGS-ZH" for c in clerks)
    assert services.next_number(doc).startswith("示市委办发〔")

    services.outgoing_distribution_set(actor=p["wenshu"], document=doc,
                                       main_units=[units["DCQ"], units["XCQ"]])
    done = services.outgoing_issue(actor=p["wenshu"], document=doc)
    assert done == ["复核", "编号", "用印", "印制", "分发"]
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.DISTRIBUTED and doc.doc_number.startswith("示市委办发〔")
    assert doc.copies_printed == 3  # two recipients and the office's own copy
    archivists = {s.assignee for s in pending(doc)}  # 归档: the archive's archivists
    assert p["dangan"] in archivists and {a.unit.code for a in archivists} == {"BGS-DA"}

    received = IncomingDocument.objects.get(recipient_unit=units["DCQ"])
    assert received.sender_name == "中共示例市委办公室"
    files = list(IncomingFile.objects.filter(incoming=received).order_by("id"))
    assert [f.kind for f in files] == ["pdf", "ofd"] and not any(f.is_attachment for f in files)
    assert files[0].name == f"{doc.doc_number} 关于做好岁末年初安全稳定工作的通知（份号000001）.pdf"
    import pymupdf

    text = pymupdf.open(stream=bytes(files[0].content), filetype="pdf")[0].get_text()
    flat = text.replace("\n", "").replace(" ", "")  # the layout spaces Latin digits from CJK
    assert "中共示例市委办公室文件" in flat and "000001" in flat and doc.doc_number in flat
    assert "秘书一处" not in flat
    # 用印: both formats carry the office's electronic seal, and it verifies.
    from zhongshu.seals.verify import verify_file

    for f in files:
        report = verify_file(bytes(f.content))
        assert report.ok, (f.name, report)
        assert [x.organ_code for x in report.findings] == ["swb"]
    # The recipient never sees the sender's page: drafts, marks, opinions, route.
    from zhongshu.documents import selectors

    assert selectors.document_get(p["lianluo01"], doc.pk) is None


def test_a_head_who_drafts_is_reviewed_by_the_deputy_director_in_charge(demo):
    doc = services.outgoing_create(actor=demo["mishu1"], doc_type="通知", spec=notice())
    services.outgoing_submit(actor=demo["mishu1"], document=doc)
    assert [s.assignee for s in pending(doc)] == [demo["fuzhuren"]]


def test_the_director_who_drafts_is_not_his_own_reviewer(demo):
    doc = services.outgoing_create(actor=demo["zhuren"], doc_type="通知", spec=notice())
    services.outgoing_submit(actor=demo["zhuren"], document=doc)
    agree(doc, pending(doc)[0].assignee)
    # 核稿 goes to the deputy he designated, never to himself.
    assert [s.assignee for s in pending(doc)] == [demo["fuzhuren"]]


def test_only_those_entitled_sign_and_a_draft_cannot_name_another(demo):
    with pytest.raises(ValidationError) as refused:
        services.outgoing_create(actor=demo["keyuan1"], doc_type="通知", spec=notice(),
                                 sign_off_leader=demo["shuji"])
    assert "陈国栋无权签发中共示例市委办公室的文件" in str(refused.value)
    assert "林志远" in str(refused.value) and "周文博" in str(refused.value)
    committee = IssuingOrgan.objects.get(code="sw")
    doc = services.outgoing_create(actor=demo["keyuan1"], doc_type="通知", spec=notice(),
                                   issuing_organ=committee, sign_off_leader=demo["shuji"])
    assert doc.issuer_code == "示市委发"
    assert render_spec(doc, doc.current_version.spec)["mark"] == "中共示例市委员会文件"
    # Withdrawn authority: the leader can no longer act on the sign-off stage.
    assert organs.may_sign(demo["shuji"], committee)
    assert not organs.may_sign(demo["mishuzhang"], committee)


def test_no_stage_of_any_default_template_goes_to_the_person_whose_work_it_reviews(demo):
    """For every default template and for each of the people a stage could name — the
    department head, the office director (核稿), the signer — when he drafts himself, the
    reviewing stages go to someone else or are refused with the reason."""
    purpose = routing.PURPOSE
    organ = IssuingOrgan.objects.get(code="swb")
    for drafter in (demo["keyuan1"], demo["mishu1"], demo["zhuren"]):
        for kind in doctypes.KINDS:
            template = routing.ensure_template(kind)
            doc = services.outgoing_create(
                actor=drafter, doc_type=kind.name, issuing_organ=organ,
                spec={**notice(), "seal": kind.seal,
                      "notes": "联系人：张三，电话：0771-1234567" if kind.contact_in_notes else ""})
            route = workflow.route_start(actor=drafter, obj=doc, template=template, title=doc.title,
                                         urgency=doc.urgency, importance=1)
            for stage in template.current_version.stages.all():
                key = purpose.key(stage.key)
                if key is None or key.author or not key.reviews:
                    continue
                ctx = assignees.Context(author=drafter, author_stage=False, level=doc.classification,
                                        stage_name=stage.name, subject=doc, route=route)
                try:
                    people = [a.person for a in assignees.resolve(stage.assignees, ctx)]
                except ValidationError as exc:
                    assert "拟稿人" in str(exc) or "找不到办理人" in str(exc)
                    continue
                assert drafter not in people, (drafter, kind.name, stage.name)


def test_the_sender_withdraws_until_the_next_person_acts(demo, client):
    p = demo
    doc = services.outgoing_create(actor=p["keyuan1"], doc_type="通知", spec=notice())
    services.outgoing_submit(actor=p["keyuan1"], document=doc)
    assert services.may_withdraw(p["keyuan1"], doc) and not services.may_withdraw(p["mishu1"], doc)
    client.force_login(p["keyuan1"])
    page = client.get(f"/documents/outgoing/{doc.pk}/").content.decode()
    assert "撤回" in page
    response = client.post(f"/documents/outgoing/{doc.pk}/withdraw/", follow=True)
    assert "已撤回，回到“拟稿”环节" in response.content.decode()
    assert [(s.assignee, s.stage_key) for s in pending(doc)] == [(p["keyuan1"], "drafting")]
    # Sent again, and once the 处长 has acted, it can no longer be withdrawn.
    services.outgoing_act(actor=p["keyuan1"], document=doc, step=step_of(doc, p["keyuan1"]), action="agree")
    agree(doc, p["mishu1"])
    assert not services.may_withdraw(p["keyuan1"], doc)
    with pytest.raises(ValidationError, match="只能撤回本人刚送出"):
        services.outgoing_withdraw(actor=p["keyuan1"], document=doc)


def test_a_choice_outside_the_stages_people_is_refused(demo):
    doc = services.outgoing_create(actor=demo["keyuan1"], doc_type="通知", spec=notice())
    services.outgoing_submit(actor=demo["keyuan1"], document=doc)
    with pytest.raises(ValidationError, match="所选办理人不在环节“核稿”的办理人范围内"):
        services.outgoing_act(actor=demo["mishu1"], document=doc, step=step_of(doc, demo["mishu1"]),
                              action="agree", chosen=[demo["shuji"].pk])
    assert [s.assignee for s in pending(doc)] == [demo["mishu1"]]


def test_the_act_form_offers_the_choice_and_sends_to_the_one_chosen(demo, client):
    doc = services.outgoing_create(actor=demo["keyuan1"], doc_type="通知", spec=notice())
    services.outgoing_submit(actor=demo["keyuan1"], document=doc)
    client.force_login(demo["mishu1"])
    page = client.get(f"/documents/outgoing/{doc.pk}/").content.decode()
    assert "送核稿：办理人" in page and "周文博" in page and "杜振宇" in page
    response = client.post(f"/documents/outgoing/{doc.pk}/act/",
                           {"action": "agree", "next_assignees": [demo["fuzhuren"].pk]}, follow=True)
    assert "已办理。" in response.content.decode()
    assert [s.assignee for s in pending(doc)] == [demo["fuzhuren"]]


def test_a_memo_is_submitted_to_several_leaders_in_turn(demo):
    p = demo
    spec = {**notice("关于调整值班安排的签报"), "main_recipients": "林秘书长、陈书记", "seal": False}
    doc = services.outgoing_create(actor=p["keyuan1"], doc_type="签报", spec=spec,
                                   sign_off_leader=p["mishuzhang"], also_submit_to=[p["shuji"]])
    services.outgoing_submit(actor=p["keyuan1"], document=doc)
    agree(doc, p["mishu1"])
    agree(doc, pending(doc)[0].assignee)  # 核稿
    assert [s.assignee for s in pending(doc)] == [p["mishuzhang"]]
    agree(doc, p["mishuzhang"], "拟同意，呈陈书记阅示。")
    assert [s.assignee for s in pending(doc)] == [p["shuji"]]
    agree(doc, p["shuji"], "同意。")
    doc.refresh_from_db()
    assert doc.signed_off_by == p["shuji"]
    with pytest.raises(ValidationError, match="只有签报可以依次呈送多位领导"):
        services.outgoing_create(actor=p["keyuan1"], doc_type="通知", spec=notice(),
                                 also_submit_to=[p["shuji"]])


def test_the_department_head_finds_the_reclassification_page_on_the_document(demo, client):
    doc = services.outgoing_create(actor=demo["keyuan1"], doc_type="通知", spec=notice())
    services.outgoing_submit(actor=demo["keyuan1"], document=doc)
    client.force_login(demo["mishu1"])
    page = client.get(f"/documents/outgoing/{doc.pk}/").content.decode()
    assert f"/documents/classification/outgoing/{doc.pk}/" in page and "变更密级" in page
    client.force_login(demo["keyuan1"])
    assert "变更密级" not in client.get(f"/documents/outgoing/{doc.pk}/").content.decode()
