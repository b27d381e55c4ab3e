"""The audit page and export: who sees which events, search, filters, pages, Excel."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from zhongshu.access import services as access
from zhongshu.audit import services as audit
from zhongshu.audit.models import AuditEvent
from zhongshu.audit.selectors import HIDDEN_REPR
from zhongshu.kernel.exports import TITLE_ROWS
from zhongshu.kernel.models import Job, JobStatus
from zhongshu.org import services as org
from zhongshu.org.lockout import account_unlock


def _activity(world):
    org.unit_create(actor=world.sysadmin, name="机要科", code="JYK", kind="department")  # admin's
    access.person_clearance_set(actor=world.secadmin, person=world.staff, clearance="general",
                                reason="调岗")  # the security admin's own act
    account_unlock(actor=world.sysadmin, person=world.secadmin)  # about them
    audit.record_access(actor=world.cleared_granted, obj=world.dossier)  # an ordinary user's
    audit.record(actor=world.staff, action="test.ordinary", object_repr="普通事项")


def _rows(response):
    return response.context["rows"]


def test_auditor_sees_everything_and_can_search_and_filter(client, world):
    _activity(world)
    client.force_login(world.auditor)
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 200
    actions = {r["event"].action for r in _rows(response)}
    assert {"org.unit.create", "access.clearance.set", "org.account.unlock", "object.view"} <= actions
    response = client.get(reverse("audit:event_list"), {"q": "系统管理员甲"})
    assert {r["event"].actor_name for r in _rows(response)} == {"系统管理员甲"}
    response = client.get(reverse("audit:event_list"), {"action": "access.clearance.set"})
    assert [r["event"].action for r in _rows(response)] == ["access.clearance.set"]
    response = client.get(reverse("audit:event_list"), {"outcome": "failure"})
    assert _rows(response) == []


def test_auditor_does_not_read_titles_above_their_clearance(client, world):
    _activity(world)
    client.force_login(world.auditor)  # 一般涉密: up to 秘密; the dossier is 机密
    html = client.get(reverse("audit:event_list"), {"action": "object.view"}).content.decode()
    assert HIDDEN_REPR in html and world.dossier.title not in html


def test_security_admin_sees_ordinary_users_but_nothing_about_themself(client, world):
    _activity(world)
    client.force_login(world.secadmin)
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 200
    events = [r["event"] for r in _rows(response)]
    assert {e.action for e in events} >= {"object.view", "test.ordinary"}
    assert all(e.actor_id not in {world.secadmin.pk, world.sysadmin.pk, world.auditor.pk} for e in events)
    assert not any(e.object_type == "org.person" and e.object_id == str(world.secadmin.pk) for e in events)
    assert client.post(reverse("audit:export")).status_code == 403
    assert not Job.objects.exists()


def test_security_admin_does_not_see_events_naming_them_in_details(client, world):
    audit.record(actor=world.staff, action="test.names", details={"person_id": world.secadmin.pk})
    audit.record(actor=world.staff, action="test.names", details={"person_id": world.staff.pk})
    client.force_login(world.secadmin)
    rows = _rows(client.get(reverse("audit:event_list"), {"action": "test.names"}))
    assert [r["event"].details["person_id"] for r in rows] == [world.staff.pk]


def test_the_list_is_paginated(client, world):
    for i in range(60):
        audit.record(actor=world.staff, action="test.bulk", details={"i": i})
    client.force_login(world.auditor)
    response = client.get(reverse("audit:event_list"), {"action": "test.bulk"})
    assert len(_rows(response)) == 50 and response.context["page"].paginator.count == 60
    response = client.get(reverse("audit:event_list"), {"action": "test.bulk", "page": 2})
    assert len(_rows(response)) == 10
    assert "第 2 / 2 页" in response.content.decode()


def test_excel_export_follows_the_filter_and_is_itself_recorded(client, world, django_capture_on_commit_callbacks):
    _activity(world)
    client.force_login(world.auditor)
    page = client.get(reverse("audit:event_list"), {"action": "access.clearance.set"}).content.decode()
    assert f'method="post" action="{reverse("audit:export")}?action=access.clearance.set"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:export") + "?action=access.clearance.set")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.owner, job.kind, job.status) == (world.auditor, "audit_events", JobStatus.DONE)
    # Made: recorded by the worker, as the auditor, with the slice taken.
    made = AuditEvent.objects.get(action="audit.export")
    assert made.actor_id == world.auditor.pk and made.details["rows"] == 1
    assert made.details["filter"] == {"action": "access.clearance.set"}
    assert AuditEvent.objects.filter(action="kernel.export.submit", actor_id=world.auditor.pk).exists()

    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "导出审计日志" in page and "已完成：共导出 1 行" in page
    assert f'href="{reverse("audit:event_list")}?action=access.clearance.set"' in page
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "audit-" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    assert rows[0][:5] == ("序号", "时间", "操作人", "委托人", "操作")
    assert [r[4] for r in rows[1:]] == ["access.clearance.set"]
    # Downloaded: recorded too.
    downloaded = AuditEvent.objects.get(action="kernel.export.download")
    assert downloaded.actor_id == world.auditor.pk and downloaded.details["kind"] == "audit_events"


def test_the_audit_export_masks_titles_above_the_auditors_clearance(client, world, django_capture_on_commit_callbacks):
    _activity(world)
    client.force_login(world.auditor)  # 一般涉密: the dossier is 机密
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:export") + "?action=object.view")
    job = Job.objects.get()
    rows = list(load_workbook(io.BytesIO(client.get(reverse("jobs:download", args=[job.pk])).content))
                .active.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    assert [r[7] for r in rows[1:]] == [HIDDEN_REPR] and world.dossier.title not in str(rows)


def test_others_cannot_open_the_audit_pages(client, world):
    for person in (world.sysadmin, world.staff, world.leader):
        client.force_login(person)
        assert client.get(reverse("audit:event_list")).status_code == 403
        assert client.post(reverse("audit:export")).status_code == 403
    client.force_login(world.auditor)
    assert client.get(reverse("audit:export")).status_code == 405
    assert not Job.objects.exists()
