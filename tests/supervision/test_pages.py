"""督查督办's pages, asserting what each person reads: the ledger (office, unit,
leader), the register from a real 收文 instruction, a task's actions, the liaison's list,
the leader's view, statistics and the 通报 draft, the export and the plan import."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.uploads import pdf
from zhongshu.kernel.models import Job, JobStatus
from zhongshu.supervision import services
from zhongshu.supervision.models import InstructionRecord, LedgerRow, Matter
from zhongshu.workflow.models import Task

from .conftest import open_matter

D = dt.date


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_ledger_office_sees_all_a_unit_only_its_own(office, client):
    open_matter(office, title="甲事项", due_date=D(2030, 12, 31))
    other = services.matter_open(actor=office.officer, source="office", title="丙事项")
    services.task_give(actor=office.officer, matter=other, lead=office.other, due_workdays=5)
    client.force_login(office.officer)
    page = _body(client.get(reverse("supervision:ledger")))
    assert "甲事项" in page and "丙事项" in page and "督办台账" in page
    client.force_login(office.other_liaison)
    page = _body(client.get(reverse("supervision:ledger")))
    assert "丙事项" in page and "甲事项" not in page
    client.force_login(office.leader)
    page = _body(client.get(reverse("supervision:ledger")))
    assert "甲事项" in page and "丙事项" not in page


def test_ledger_filters_sort_columns_and_bad_input(office, client):
    open_matter(office, title="早到期", due_date=D(2030, 1, 31))
    open_matter(office, title="晚到期", due_date=D(2030, 12, 31))
    client.force_login(office.officer)
    page = _body(client.get(reverse("supervision:ledger"), {"sort": "-due", "kind": "lead"}))
    assert page.index("晚到期") < page.index("早到期")
    assert page.count('data-task="') == 2  # lead tasks only
    page = _body(client.get(reverse("supervision:ledger"), {"cols": ["title", "reminders"]}))
    assert '<th scope="col">催办次数</th>' in page and ">办理单位</a>" not in page
    page = _body(client.get(reverse("supervision:ledger"),
                            {"unit": "abc", "date_from": "2026-99-99", "sort": "drop", "page": "x"}))
    assert "早到期" in page
    page = _body(client.get(reverse("supervision:ledger"), {"q": "不存在的事项"}))
    assert "没有符合条件的督办任务" in page


def test_ledger_is_refused_to_people_outside_the_area(office, client):
    from tests.factories import PersonFactory

    client.force_login(PersonFactory(full_name="普通职员"))
    assert client.get(reverse("supervision:ledger")).status_code == 403


def test_register_from_a_real_incoming_instruction_to_a_task(office, client):
    from tests.documents.incoming.conftest import build_org
    from tests.documents.incoming.helpers import to_assigning

    org = build_org()
    doc = to_assigning(org, title="关于防汛工作的请示")
    client.force_login(office.officer)
    page = _body(client.get(reverse("supervision:register")))
    record = InstructionRecord.objects.get()
    assert (record.leader, record.kind, record.incoming_id) == (org.leader, "actionable", doc.pk)
    assert "关于防汛工作的请示" in page and "请督查处研究办理。" in page and "未立项" in page
    form = _body(client.get(reverse("supervision:matter_new"), {"instruction": record.pk}))
    assert "请督查处研究办理。" in form and "牵头单位" in form
    response = client.post(reverse("supervision:matter_new"), {
        "instruction": record.pk, "title": "落实防汛工作", "requirement": "汛前完成。",
        "classification": 1, "importance": 1, "urgency": "normal", "lead": office.lead.pk,
        "co_units": [office.co.pk], "due_workdays": 10, "report_every": 5})
    matter = Matter.objects.get()
    assert response.status_code == 302 and response.url == reverse("supervision:matter", args=[matter.pk])
    assert (matter.source, matter.leader, matter.instruction_id) == ("instruction", org.leader, record.pk)
    page = _body(client.get(response.url))
    assert "落实防汛工作" in page and "东城区委" in page and "西城区委" in page
    assert "已立项 1 项" in _body(client.get(reverse("supervision:register")))


def test_matter_form_tells_what_is_missing_and_changes_nothing(office, client):
    client.force_login(office.officer)
    page = _body(client.post(reverse("supervision:matter_new"), {
        "source": "office", "title": "", "classification": 1, "importance": 0,
        "urgency": "normal"}))
    assert "请选择牵头单位。" in page and "请填写办理时限" in page
    assert not Matter.objects.exists()


def test_the_liaisons_list_shows_open_tasks_before_closed_ones(office, client):
    """本单位督办任务 puts the work still to do first, on every database (PostgreSQL sorts
    an empty closing date last unless told otherwise)."""
    _, old = open_matter(office, title="去年已办结的事项", due_date=D(2030, 3, 31))
    open_matter(office, title="今年在办的事项", due_date=D(2030, 12, 31))
    closed = next(t for t in old if t.role == "lead")
    # closed long ago, with the earlier due date: only "open first" puts it second
    LedgerRow.objects.filter(task_id=closed.pk).update(due_date=D(2025, 3, 31),
                                                       closed_on=D(2025, 3, 30), status="done")
    client.force_login(office.lead_liaison)
    page = _body(client.get(reverse("supervision:mine")))
    assert page.index("今年在办的事项") < page.index("去年已办结的事项")


def test_liaison_accepts_reports_and_requests_completion_on_the_task_page(office, client):
    _, tasks = open_matter(office, due_date=D(2030, 12, 31))
    task = next(t for t in tasks if t.role == "lead")
    url = reverse("supervision:task_act", args=[task.pk])
    client.force_login(office.lead_liaison)
    page = _body(client.get(reverse("supervision:mine")))
    assert "推进老旧小区改造" in page and "牵头" in page
    page = _body(client.get(reverse("supervision:task", args=[task.pk])))
    assert "接收任务" in page and "退回理由" in page
    client.post(url, {"action": "accept"})
    page = _body(client.get(reverse("supervision:task", args=[task.pk])))
    assert "已接收任务。" in page and "报送进展" in page and "办理中" in page
    page = _body(client.post(url, {"action": "report", "text": ""}, follow=True))
    assert "请填写办理进展。" in page
    page = _body(client.post(url, {"action": "report", "text": "完成了一半。"}, follow=True))
    assert "已报送办理进展。" in page and "完成了一半。" in page
    page = _body(client.post(url, {"action": "complete", "text": "完成。"}, follow=True))
    assert "佐证材料" in page and Task.objects.get(pk=task.pk).status == "accepted"
    evidence = io.BytesIO(pdf("验收"))
    evidence.name = "验收.pdf"
    page = _body(client.post(url, {"action": "complete", "text": "全部完成。", "files": evidence},
                             follow=True))
    assert "已申请办结" in page and "验收.pdf" in page
    # The office sends it back once, then closes it.
    client.force_login(office.officer)
    page = _body(client.get(reverse("supervision:task", args=[task.pk])))
    assert "审核通过，办结" in page and "退回重办" in page
    page = _body(client.post(url, {"action": "send_back", "text": ""}, follow=True))
    assert "退回或不同意时请填写意见。" in page
    page = _body(client.post(url, {"action": "send_back", "text": "请补充照片。"}, follow=True))
    assert "已退回重办。" in page and "请补充照片。" in page
    client.force_login(office.lead_liaison)
    client.post(url, {"action": "complete", "text": "补充照片。"})
    client.force_login(office.officer)
    page = _body(client.post(url, {"action": "approve", "text": ""}, follow=True))
    assert "已审核通过，任务办结。" in page and "已办结" in page
    assert LedgerRow.objects.get(pk=task.pk).status == "done"


def test_another_unit_gets_404_on_the_task_and_the_matter(office, client):
    matter, tasks = open_matter(office, due_date=D(2030, 12, 31))
    client.force_login(office.other_liaison)
    assert client.get(reverse("supervision:task", args=[tasks[0].pk])).status_code == 404
    assert client.get(reverse("supervision:matter", args=[matter.pk])).status_code == 404
    response = client.post(reverse("supervision:task_act", args=[tasks[0].pk]), {"action": "accept"})
    assert response.status_code == 404
    assert Task.objects.get(pk=tasks[0].pk).status == "open"


def test_leader_view_shows_his_instructions_red_and_due_this_week(office, client):
    rec = services.instruction_register(
        actor=office.officer, leader=office.leader, kind="actionable", text="限期整改。",
        document_title="关于某问题的报告", given_on=D(2026, 9, 1))
    matter = services.matter_open(actor=office.officer, source="instruction", title="整改某问题",
                                  instruction=rec)
    services.task_give(actor=office.officer, matter=matter, lead=office.lead, due_date=D(2026, 9, 30),
                       today=D(2026, 9, 1))
    services.lights_recompute(today=D(2026, 10, 8))
    client.force_login(office.leader)
    page = _body(client.get(reverse("supervision:leader")))
    assert "关于某问题的报告" in page and "限期整改。" in page
    assert re.search(r'id="leader-red">.*整改某问题', page, re.S)
    assert "红灯 1" in page and "任务 1 项，已办结 0 项" in page
    assert 'name="viewport"' in page
    client.force_login(office.lead_leader)
    page = _body(client.get(reverse("supervision:leader")))
    assert "整改某问题" not in page


def test_stats_page_and_one_click_circular(office, client):
    open_matter(office, due_date=D(2030, 12, 31))
    client.force_login(office.officer)
    page = _body(client.get(reverse("supervision:stats")))
    assert "vendor/echarts/echarts.min.js" in page and 'id="chart-units"' in page
    assert re.search(rf'data-unit="{office.lead.pk}"><td>东城区委</td><td>1</td>', page)
    response = client.post(reverse("supervision:circular"), {"date_from": "2026-01-01",
                                                             "date_to": "2030-12-31"})
    assert response.status_code == 302 and "/documents/outgoing/" in response.url
    page = _body(client.get(response.url))
    assert "督查督办事项办理情况的通报" in page
    client.force_login(office.lead_liaison)
    assert client.get(reverse("supervision:stats")).status_code == 403


def test_ledger_export_holds_only_the_units_tasks(office, client, django_capture_on_commit_callbacks):
    open_matter(office, title="甲事项", due_date=D(2030, 12, 31))
    other = services.matter_open(actor=office.officer, source="office", title="丙事项")
    services.task_give(actor=office.officer, matter=other, lead=office.other, due_workdays=5)
    client.force_login(office.other_liaison)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:ledger_export") + "?status=open")
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status) == ("supervision_ledger", JobStatus.DONE)
    from zhongshu.kernel.exports import TITLE_ROWS

    rows = list(load_workbook(io.BytesIO(client.get(reverse("jobs:download", args=[job.pk])).content))
                .active.values)[TITLE_ROWS:]  # the title and the filters come first
    assert rows[0][1] == "督办事项"
    assert [r[1] for r in rows[1:]] == ["丙事项"]


def _plan(rows) -> bytes:
    from zhongshu.supervision.imports import HEADERS

    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_work_plan_import_in_the_background(office, client, django_capture_on_commit_callbacks):
    client.force_login(office.officer)
    bad = io.BytesIO(_plan([["招商引资", "", "NOPE", "", "2030-12-31"]]))
    bad.name = "plan.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("supervision:plan_import"), {"year": 2030, "file": bad})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and not Matter.objects.exists()
    assert "牵头单位代码“NOPE”不存在" in _body(client.get(reverse("jobs:detail", args=[job.pk])))
    good = io.BytesIO(_plan([["招商引资", "引进项目10个", office.lead.code, office.co.code, "2030-12-31",
                              "签约3个", "签约6个", "", "签约10个"]]))
    good.name = "plan.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("supervision:plan_import"), {"year": 2030, "file": good})
    job = Job.objects.order_by("-id").first()
    assert job.status == JobStatus.DONE, job.failure
    matter = Matter.objects.get()
    assert (matter.source, matter.plan_year) == ("work_plan", 2030)
    assert [(m.title, m.due_date) for m in matter.milestones.all()] == [
        ("签约3个", D(2030, 3, 31)), ("签约6个", D(2030, 6, 30)), ("签约10个", D(2030, 12, 31))]
    assert LedgerRow.objects.filter(matter=matter).count() == 2
    assert "立项并交办年度重点工作 1 项" in _body(client.get(reverse("jobs:detail", args=[job.pk])))


def test_reference_instruction_circulates_from_the_register_without_a_task(office, client):
    rec = services.instruction_register(actor=office.officer, leader=office.leader, kind="reference",
                                        text="阅。", document_title="经验材料", given_on=D(2026, 9, 1))
    client.force_login(office.officer)
    page = _body(client.get(reverse("supervision:register")))
    assert "参阅（不立项）" in page and "周主任" in page
    page = _body(client.post(reverse("supervision:instruction_circulate", args=[rec.pk]),
                             {"readers": []}, follow=True))
    assert "请选择传阅人员。" in page
    page = _body(client.post(reverse("supervision:instruction_circulate", args=[rec.pk]),
                             {"readers": [office.director.pk]}, follow=True))
    assert "已传阅给 1 人。" in page
    assert list(rec.readers.all()) == [office.director] and not Matter.objects.exists()


def test_daily_command_and_the_weekly_report_page(office, client):
    import io as _io

    from django.core.management import call_command

    open_matter(office, title="超期事项", due_date=D(2026, 9, 30), today=D(2026, 9, 1))
    out = _io.StringIO()
    call_command("supervision", "daily", "--date", "2026-10-12", stdout=out)
    assert "重算督办灯 2 项" in out.getvalue() and "督办周报超期 2 项" in out.getvalue()
    assert set(LedgerRow.objects.values_list("light", flat=True)) == {"red"}
    from zhongshu.supervision.models import WeeklyReport

    report = WeeklyReport.objects.get()
    client.force_login(office.officer)
    page = _body(client.get(reverse("supervision:weekly", args=[report.pk])))
    assert "超期任务 2 项" in page and "超期事项" in page and "2026-09-30" in page
