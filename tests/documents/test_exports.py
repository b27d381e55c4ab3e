"""The 发文登记簿's 导出 Excel as people meet it: a background export with a progress page,
a workbook holding what its owner may see, for the owner alone (kernel.exports)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.documents.conftest import notice_spec
from tests.documents.helpers import act
from zhongshu.audit.models import AuditEvent
from zhongshu.documents import exports as outgoing_exports
from zhongshu.documents import services
from zhongshu.kernel import exports
from zhongshu.kernel.models import ExportJob, ExportStatus
from zhongshu.kernel.tasks import run_export
from zhongshu.org.models import RoleCode


def draft(office, title, doc_type="通知"):
    return services.outgoing_create(actor=office.drafter, doc_type=doc_type, spec=notice_spec(title))


def submitted(office, title, doc_type="通知"):
    doc = draft(office, title, doc_type)
    services.outgoing_submit(actor=office.drafter, document=doc)
    act(doc, "部门审核")
    return doc


def start(client, person, query="", run=True, capture=None):
    client.force_login(person)
    url = reverse("documents:register_export") + (f"?{query}" if query else "")
    if run:
        with capture(execute=True):
            response = client.post(url)
    else:
        response = client.post(url)
    return response


def workbook_rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_export_runs_in_the_background_with_the_filters_and_only_visible_rows(client, office, capture):
    notice = submitted(office, "关于第一项工作的通知")
    submitted(office, "关于商请支持的函", doc_type="函")
    hidden = draft(office, "关于尚在起草的通知")  # a draft: the drafter's alone
    response = start(client, office.secretary, "doc_type=通知&sort=title", capture=capture)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:detail", args=[job.pk])
    assert (job.owner, job.kind, job.status) == (office.secretary, "outgoing_register", ExportStatus.DONE)
    assert job.params == {"doc_type": "通知", "sort": "title"}
    assert (job.total_rows, job.processed_rows, job.capped) == (1, 1, False)
    assert job.expires_at - job.finished_at == dt.timedelta(hours=24)

    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert "已完成" in page and reverse("exports:download", args=[job.pk]) in page
    assert "every 1s" not in page  # finished: no more polling

    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "outgoing-register-" in download["Content-Disposition"]
    rows = workbook_rows(download)
    assert rows[0][:3] == ("发文字号", "文种", "标题")
    assert [r[2] for r in rows[1:]] == [notice.title]
    assert hidden.title not in str(rows)
    event = AuditEvent.objects.get(action="kernel.export.download")
    assert event.actor_id == office.secretary.pk and event.details["rows"] == 1
    assert AuditEvent.objects.filter(action="kernel.export.submit", object_id=str(job.pk)).exists()


def test_need_to_know_applies_when_the_export_runs(client, office, capture):
    doc = draft(office, "关于稍后送审的通知")
    start(client, office.secretary, run=False)
    job = ExportJob.objects.get()
    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    # Before the worker reaches the job the document leaves drafting: the office sees it.
    services.outgoing_submit(actor=office.drafter, document=doc)
    run_export.call(job.pk)
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert [r[2] for r in workbook_rows(download)[1:]] == [doc.title]


def test_the_progress_page_counts_rows(client, office):
    job = ExportJob.objects.create(owner=office.secretary, kind="outgoing_register",
                                   status=ExportStatus.RUNNING, processed_rows=500, total_rows=1200)
    client.force_login(office.secretary)
    fragment = client.get(reverse("exports:detail", args=[job.pk]), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.lstrip().startswith("<section") and "正在导出 500/1200 行" in html
    assert 'hx-trigger="every 1s"' in html and 'value="42"' in html
    # Not downloadable while running.
    response = client.get(reverse("exports:download", args=[job.pk]), follow=True)
    assert "尚未完成或已过期" in response.content.decode()
    assert not AuditEvent.objects.filter(action="kernel.export.download").exists()


def test_someone_elses_export_does_not_exist(client, office, capture):
    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    job = ExportJob.objects.get()
    for other in (office.leader, office.drafter):
        client.force_login(other)
        assert client.get(reverse("exports:detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
        assert job.pk not in [r["job"].pk for r in client.get(reverse("exports:list")).context["rows"]]
    client.force_login(office.secretary)
    mine = client.get(reverse("exports:list"))
    assert [r["job"].pk for r in mine.context["rows"]] == [job.pk]
    assert "发文登记簿" in mine.content.decode()


def test_the_download_rechecks_the_right_to_the_register(client, office, capture):
    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    job = ExportJob.objects.get()
    office.secretary.roles.filter(code=RoleCode.SECRETARY).delete()
    client.force_login(office.secretary)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 403


def test_a_person_without_the_register_cannot_start_an_export(client, office):
    client.force_login(office.drafter)
    assert client.post(reverse("documents:register_export")).status_code == 403
    assert client.get(reverse("documents:register_export")).status_code == 405
    assert not ExportJob.objects.exists()


def test_a_failing_export_shows_why_and_leaves_nothing_to_download(client, office, capture, monkeypatch):
    submitted(office, "关于第一项工作的通知")

    def broken(doc):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "_KINDS", {**exports._KINDS, "outgoing_register": exports.ExportKind(
        **{**outgoing_exports.outgoing_register.__dict__, "row": broken})})
    start(client, office.secretary, capture=capture)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and bytes(job.content) == b""
    page = client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert "失败" in page and "导出时出错，未生成文件" in page and "every 1s" not in page
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 302 and response.url == reverse("exports:detail", args=[job.pk])


def test_an_owner_who_lost_the_register_gets_a_failed_export(client, office, capture):
    start(client, office.secretary, run=False)
    job = ExportJob.objects.get()
    office.secretary.roles.filter(code=RoleCode.SECRETARY).delete()
    run_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "已无权查看发文登记簿" in job.error


def test_a_retry_does_not_redo_a_finished_export(client, office, capture):
    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    job = ExportJob.objects.get()
    before = (job.finished_at, bytes(job.content))
    submitted(office, "关于第二项工作的通知")
    run_export.call(job.pk)
    job.refresh_from_db()
    assert (job.finished_at, bytes(job.content)) == before


def test_a_stale_running_export_is_claimed_again(client, office):
    submitted(office, "关于第一项工作的通知")
    job = ExportJob.objects.create(owner=office.secretary, kind="outgoing_register",
                                   status=ExportStatus.RUNNING, processed_rows=7,
                                   started_at=timezone.now() - dt.timedelta(hours=2))
    run_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.processed_rows == 1


def test_the_cap_is_kept_and_said_in_the_sheet(client, office, capture, monkeypatch):
    for i in range(3):
        submitted(office, f"关于第{i}项工作的通知")
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    start(client, office.secretary, capture=capture)
    job = ExportJob.objects.get()
    assert job.capped and job.processed_rows == 2
    rows = workbook_rows(client.get(reverse("exports:download", args=[job.pk])))
    assert len([r for r in rows[1:] if r and r[2] and "通知" in r[2]]) == 2
    assert "超过 2 件" in rows[-1][0]
    assert "只导出了前 2 行" in client.get(reverse("exports:detail", args=[job.pk])).content.decode()


def test_progress_is_reported_in_chunks(office, monkeypatch):
    for i in range(5):
        submitted(office, f"关于第{i}项工作的通知")
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    calls = []
    content, rows, capped = exports.build_workbook(
        outgoing_exports.outgoing_register, office.secretary, {}, lambda d, t: calls.append((d, t)))
    assert calls == [(0, 5), (2, 5), (4, 5)] and rows == 5 and not capped


def test_the_rows_are_counted_without_ordering_them(office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitted(office, "关于第一项工作的通知")
    with CaptureQueriesContext(connection) as ctx:
        exports.build_workbook(outgoing_exports.outgoing_register, office.secretary, {},
                               lambda d, t: None)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and not any("ORDER BY" in sql.upper() for sql in counts)


def test_expired_exports_are_not_downloadable_and_are_purged(client, office, capture):
    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert "文件已过期" in client.get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 302
    start(client, office.secretary, run=False)  # a new export purges the expired ones
    assert not ExportJob.objects.filter(pk=job.pk).exists()


def test_one_person_has_at_most_three_exports_running(client, office):
    for _ in range(3):
        start(client, office.secretary, "q=通知", run=False)
    response = client.post(reverse("documents:register_export") + "?q=通知", follow=True)
    assert "您已有 3 个导出正在进行" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("documents:register") + "?q=%E9%80%9A%E7%9F%A5"
    assert ExportJob.objects.count() == 3


def test_abandoned_exports_stop_blocking_their_owner(client, office):
    """Three exports cut off by a worker restart are never finished (django_tasks_db does
    not retry); once stale they no longer count, and are stored as failed."""
    for _ in range(3):
        start(client, office.secretary, "q=通知", run=False)
    long_ago = timezone.now() - ExportJob.STALE_AFTER - dt.timedelta(minutes=1)
    queued, running, _ = ExportJob.objects.order_by("id")
    ExportJob.objects.filter(pk=queued.pk).update(created_at=long_ago)
    ExportJob.objects.filter(pk=running.pk).update(status=ExportStatus.RUNNING, started_at=long_ago)
    response = client.post(reverse("documents:register_export") + "?q=通知")
    assert response.status_code == 302 and ExportJob.objects.count() == 4
    for job in (queued, running):
        job.refresh_from_db()
        assert job.status == ExportStatus.FAILED and job.error == ExportJob.INTERRUPTED
        assert job.expires_at > timezone.now() and not bytes(job.content)
    # The live ones still count: one more, then three are open again.
    assert client.post(reverse("documents:register_export") + "?q=通知").status_code == 302
    assert ExportJob.objects.count() == 5
    response = client.post(reverse("documents:register_export") + "?q=通知", follow=True)
    assert "您已有 3 个导出正在进行" in response.content.decode()


def test_the_page_of_an_abandoned_export_says_it_failed_and_stops_polling(client, office):
    job = ExportJob.objects.create(owner=office.secretary, kind="outgoing_register",
                                   status=ExportStatus.RUNNING, processed_rows=7, total_rows=9,
                                   started_at=timezone.now() - dt.timedelta(hours=2))
    client.force_login(office.secretary)
    url = reverse("exports:detail", args=[job.pk])
    for headers in ({}, {"HX-Request": "true"}):
        html = client.get(url, headers=headers).content.decode()
        assert "失败：导出中断（后台任务未完成），请重新导出。" in html
        assert "<strong>失败</strong>" in html
        assert "hx-trigger" not in html and "正在导出 7/9" not in html
    html = client.get(reverse("exports:list")).content.decode()
    assert "导出中断（后台任务未完成），请重新导出。" in html and "7/9" not in html
    # A fresh one still polls.
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
    assert 'hx-trigger="every 1s"' in client.get(url).content.decode()


def test_the_purge_marks_abandoned_exports_failed_then_deletes_them(office):
    job = ExportJob.objects.create(owner=office.secretary, kind="outgoing_register")
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert exports.purge_expired() == 0
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.error == ExportJob.INTERRUPTED
    assert exports.purge_expired(timezone.now() + exports.EXPIRY + dt.timedelta(minutes=1)) == 1


def test_the_register_page_offers_the_export_as_a_form(client, office):
    client.force_login(office.secretary)
    html = client.get(reverse("documents:register"), {"q": "通知"}).content.decode()
    assert f'method="post" action="{reverse("documents:register_export")}?q=' in html
    assert reverse("exports:list") in html


def test_the_purge_command_deletes_only_expired_exports(client, office, capture):
    from io import StringIO

    from django.core.management import call_command

    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    start(client, office.secretary, capture=capture)
    old, new = ExportJob.objects.order_by("id")
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    out = StringIO()
    call_command("purge_exports", stdout=out)
    assert "已删除过期导出 1 个" in out.getvalue()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]
