"""批量导入 as the system administrator meets it: upload, a background job with progress,
every wrong row named, nothing imported unless everything is right (org.imports on
kernel.jobs)."""

import io
import uuid

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tests.factories import PersonFactory, UnitFactory
from zhongshu.audit.models import AuditEvent
from zhongshu.kernel import jobs
from zhongshu.kernel.models import Job, JobFile, JobStatus
from zhongshu.kernel.tasks import run_job
from zhongshu.org import importer, imports
from zhongshu.org.models import Person, RoleCode, Unit


def workbook(units, people) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "单位"
    ws.append(importer.UNIT_COLUMNS)
    for row in units:
        ws.append(row)
    ws = wb.create_sheet("人员")
    ws.append(importer.PERSON_COLUMNS)
    for row in people:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def many_units(n=40):
    rows = [["ROOT", "示例根单位", "根", "本机关", "", "示根发", 1]]
    rows += [[f"D{i:03d}", f"部门{i}", "", "内设机构", "ROOT", "", i] for i in range(n)]
    return rows


def many_people(n=120):
    # 涉密等级 and 角色 left empty: both are the security admin's (docs/decisions/0300,
    # docs/security-admin.md).
    return [[f"p{i:04d}", f"人员{i}", f"D{i % 40:03d}", "科员", "", "",
             f"p{i}@example.org", "", i, ""] for i in range(n)]


def upload(client, content, name="org.xlsx"):
    f = io.BytesIO(content)
    f.name = name
    # The job is queued after commit; run the queued (immediate-backend) task.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("org:import_start"), {"file": f})


@pytest.mark.django_db
def test_valid_file_imports_everything_and_reports(admin_client, sysadmin):
    response = upload(admin_client, workbook(many_units(), many_people()))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.owner, job.status) == ("org_import", sysadmin, JobStatus.DONE), job.failure
    assert job.params == {"file_name": "org.xlsx"} and job.done == job.total == 161
    assert Unit.objects.filter(code__startswith="D").count() == 40
    assert Unit.objects.get(code="D007").parent.code == "ROOT"
    p = Person.objects.get(username="p0041")
    # Roles carry content: the importer sets none (the security admin gives them).
    assert p.unit.code == "D001" and p.role_codes == set()
    page = admin_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "批量导入单位和人员" in page and "org.xlsx 导入完成" in page
    assert "新增单位 41 个" in page and "新增人员 120 人" in page and "hx-trigger" not in page
    assert reverse("org:import_start") in page  # back to the import page
    # The uploaded workbook is deleted once the import has finished; there is no file.
    assert not JobFile.objects.filter(job=job).exists()
    assert admin_client.get(reverse("jobs:download", args=[job.pk])).status_code == 403
    submit = AuditEvent.objects.get(action="org.import.submit")
    assert submit.details == {"kind": "org_import", "file_name": "org.xlsx"}
    assert AuditEvent.objects.get(action="org.import.apply").details["people_created"] == 120
    # The import page lists it among the person's recent imports.
    html = admin_client.get(reverse("org:import_start")).content.decode()
    assert "我最近的导入" in html and reverse("jobs:detail", args=[job.pk]) in html


@pytest.mark.django_db
def test_one_bad_row_among_many_imports_nothing_and_names_the_row(admin_client):
    people = many_people()
    people[86][5] = "绝密级"  # invalid clearance, in spreadsheet row 88 (header + 1-based)
    upload(admin_client, workbook(many_units(), people))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.result["errors"] == [{"sheet": "人员", "row": 88,
                                     "message": "涉密等级“绝密级”无效，应为：核心、重要、一般、非涉密"}]
    assert not Unit.objects.filter(code__startswith="D").exists()
    assert not Person.objects.filter(username__startswith="p0").exists()
    assert not JobFile.objects.filter(job=job).exists()
    page = admin_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "校验未通过：发现 1 处错误，未导入任何数据" in page
    assert "第 88 行" in page and "绝密级" in page and "重新执行" not in page


@pytest.mark.django_db
def test_every_error_is_reported_with_its_row(sysadmin):
    UnitFactory(code="EXIST")
    content = workbook(
        [["A", "甲", "", "内设机构", "NOPE", "", 1], ["A", "", "", "奇怪类型", "", "", "x"]],
        [["ok1", "张三", "EXIST", "", "", "", "", "", "", ""],
         ["bad one", "", "ZZZ", "", "神仙", "", "not-an-email", "", "", "123"]],
    )
    errors = [(e.sheet, e.row, e.message) for e in importer.parse(content).errors]
    assert ("单位", 2, "上级单位代码“NOPE”不存在") in errors
    assert ("单位", 3, "单位代码“A”与第 2 行重复") in errors
    assert ("单位", 3, "名称不能为空") in errors
    assert any(row == 3 and "类型“奇怪类型”无效" in m for _, row, m in errors)
    assert any(row == 3 and "排序“x”" in m for _, row, m in errors)
    bad = [m for s, row, m in errors if s == "人员" and row == 3]
    assert any("账号只能包含" in m for m in bad)
    assert "姓名不能为空" in bad and "单位代码“ZZZ”不存在" in bad
    assert any("角色“神仙”无效" in m for m in bad)
    assert any("电子邮箱“not-an-email”格式不正确" in m for m in bad)
    assert any(m.startswith("初始密码不符合要求") for m in bad)
    assert not any(s == "人员" and row == 2 for s, row, _ in errors)


@pytest.mark.django_db
def test_reimport_updates_instead_of_duplicating(admin_client):
    content = workbook(many_units(3), [["p1", "人员一", "D001", "科员", "", "", "", "", 1, "Import-Pass-2026"]])
    upload(admin_client, content)
    upload(admin_client, content)
    assert Person.objects.filter(username="p1").count() == 1
    assert Job.objects.filter(kind="org_import", status=JobStatus.DONE).count() == 2
    assert Person.objects.get(username="p1").check_password("Import-Pass-2026")


@pytest.mark.django_db
def test_non_excel_upload_is_refused_by_content(admin_client):
    response = upload(admin_client, b"name,code\n a,b", name="fake.xlsx")
    assert response.status_code == 200
    assert "请上传 Excel 2007 及以上格式" in response.content.decode()
    assert not Job.objects.exists()


def _running(owner, **fields):
    now = timezone.now()
    return Job.objects.create(owner=owner, kind="org_import", params={"file_name": "x.xlsx"},
                              status=JobStatus.RUNNING, claim=uuid.uuid4(), started_at=now,
                              heartbeat_at=now, **fields)


@pytest.mark.django_db
def test_progress_fragment_polls_until_finished(admin_client, sysadmin):
    job = _running(sysadmin, stage=imports.VALIDATING, total=200, done=50)
    url = reverse("jobs:detail", args=[job.pk])
    html = admin_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="25"' in html and "校验中 50/200 行" in html
    assert "<html" not in html
    # Writing happens in one transaction: the page shows the stage without a count.
    Job.objects.filter(pk=job.pk).update(stage=imports.IMPORTING, done=0, total=0)
    html = admin_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "导入中……" in html and "<progress aria-label" in html and 'hx-trigger="every 1s"' in html
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, done=200, total=200,
                                         finished_at=timezone.now(), expires_at=timezone.now(),
                                         result={"units_created": 1, "units_updated": 0,
                                                 "people_created": 2, "people_updated": 0})
    html = admin_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and "新增人员 2 人" in html


@pytest.mark.django_db
def test_an_unexpected_error_imports_nothing_and_shows_no_exception(admin_client, monkeypatch, caplog):
    def broken(parsed, *, actor, progress=None):
        services_create = importer.services.unit_create
        services_create(actor=actor, code="HALF", name="写了一半的单位", kind="department")
        raise RuntimeError("IntegrityError: duplicate key value violates unique constraint")

    monkeypatch.setattr(importer, "apply", broken)
    upload(admin_client, workbook(many_units(3), many_people(0)))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.failure == "导入时出错，未导入任何数据。请检查文件后重新上传；如仍失败，请联系系统管理员。"
    assert not Unit.objects.filter(code__in=["HALF", "D000"]).exists()  # rolled back
    assert not JobFile.objects.filter(job=job).exists()
    page = admin_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "失败：导入时出错，未导入任何数据" in page
    assert "IntegrityError" not in page and "duplicate key" not in page and "RuntimeError" not in page
    assert "IntegrityError" in caplog.text


@pytest.mark.django_db
def test_another_admins_import_does_not_exist_for_them(client, admin_client, sysadmin):
    upload(admin_client, workbook(many_units(3), many_people(0)))
    job = Job.objects.get()
    other = PersonFactory(username="sysadmin2", roles=[RoleCode.SYSTEM_ADMIN])
    client.force_login(other)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true").status_code == 404
    html = client.get(reverse("org:import_start")).content.decode()
    assert "我最近的导入" not in html and "org.xlsx" not in html


@pytest.mark.django_db
def test_an_interrupted_import_keeps_its_file_and_is_run_again(admin_client, sysadmin):
    with TestCase.captureOnCommitCallbacks(execute=False):  # no worker comes
        f = io.BytesIO(workbook(many_units(3), [["p1", "人员一", "D001", "", "", "", "", "", 1, ""]]))
        f.name = "late.xlsx"
        admin_client.post(reverse("org:import_start"), {"file": f})
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(queued_at=timezone.now() - jobs.stale_after() * 2)
    page = admin_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "已中断" in page and "重新执行" in page
    assert JobFile.objects.get(job=job).purpose == "input"  # kept for the retry
    with TestCase.captureOnCommitCallbacks(execute=True):
        admin_client.post(reverse("jobs:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Person.objects.filter(username="p1").exists()
    assert not JobFile.objects.filter(job=job).exists()


@pytest.mark.django_db
def test_a_run_that_lost_its_import_writes_nothing(sysadmin, monkeypatch):
    """A worker taken for dead comes back after the import was taken over by another
    run: its progress report finds the token changed, and it stops without writing."""
    content = workbook(many_units(3), [["p1", "人员一", "D001", "", "", "", "", "", 1, ""]])
    with TestCase.captureOnCommitCallbacks(execute=False):
        job = imports.import_submit(actor=sysadmin, file_name="a.xlsx", content=content)
    real_parse = importer.parse
    taken_over = {}

    def parse_then_lose_the_job(data, progress=None, *, actor=None):
        parsed = real_parse(data, progress=progress, actor=actor)
        # Meanwhile: marked interrupted, run again by its owner, taken by another worker.
        Job.objects.filter(pk=job.pk).update(status=JobStatus.INTERRUPTED, finished_at=timezone.now())
        with TestCase.captureOnCommitCallbacks(execute=False):
            jobs.job_retry(actor=sysadmin, job=Job.objects.get(pk=job.pk))
        taken_over["token"] = jobs.runner.claim(job.pk)
        return parsed

    monkeypatch.setattr(importer, "parse", parse_then_lose_the_job)
    run_job.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.claim) == (JobStatus.RUNNING, taken_over["token"])
    assert not Person.objects.filter(username="p1").exists()
    assert JobFile.objects.filter(job=job, purpose="input").exists()  # the new run needs it


@pytest.mark.django_db
def test_a_fourth_import_waits_for_the_first_three(admin_client, sysadmin):
    for _ in range(3):
        Job.objects.create(owner=sysadmin, kind="org_import", params={"file_name": "a.xlsx"})
    response = upload(admin_client, workbook(many_units(3), many_people(0)))
    assert response.status_code == 200
    assert "您已有 3 个后台任务正在进行，请等其完成后再提交。" in response.content.decode()
    assert Job.objects.count() == 3


@pytest.mark.django_db
def test_template_download_is_a_valid_import(admin_client):
    response = admin_client.get(reverse("org:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert importer.parse(response.content).errors == []


@pytest.mark.django_db
def test_import_is_for_the_system_admin_only(client, staff):
    client.force_login(staff)
    assert client.get(reverse("org:import_start")).status_code == 403
    assert client.post(reverse("org:import_start")).status_code == 403
    assert not Job.objects.exists()
