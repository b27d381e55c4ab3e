import io

import pytest
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook

from tests.factories import UnitFactory
from zhongshu.org import importer
from zhongshu.org.models import ImportJob, ImportStatus, Person, Unit


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
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    assert job.status == ImportStatus.DONE, job.errors
    assert Unit.objects.filter(code__startswith="D").count() == 40
    assert Unit.objects.get(code="D007").parent.code == "ROOT"
    p = Person.objects.get(username="p0041")
    assert p.unit.code == "D001" and p.role_codes == set()
    page = admin_client.get(reverse("org:import_status", args=[job.pk])).content.decode()
    assert "导入完成" in page and "新增单位 41 个" in page and "新增人员 120 人" in page


@pytest.mark.django_db
def test_one_bad_row_among_many_imports_nothing_and_names_the_row(admin_client):
    people = many_people()
    people[86][5] = "绝密级"  # invalid clearance, in spreadsheet row 88 (header + 1-based)
    upload(admin_client, workbook(many_units(), people))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REJECTED
    assert job.errors == [{"sheet": "人员", "row": 88,
                           "message": "涉密等级“绝密级”无效，应为：核心、重要、一般、非涉密"}]
    assert not Unit.objects.filter(code__startswith="D").exists()
    assert not Person.objects.filter(username__startswith="p0").exists()
    page = admin_client.get(reverse("org:import_status", args=[job.pk])).content.decode()
    assert "未导入任何数据" in page and "第 88 行" in page and "绝密级" in page


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
    content = workbook(many_units(3), many_people(3)[:0] + [
        ["p1", "人员一", "D001", "科员", "", "", "", "", 1, "Import-Pass-2026"]])
    upload(admin_client, content)
    upload(admin_client, content)
    assert Person.objects.filter(username="p1").count() == 1
    assert ImportJob.objects.filter(status=ImportStatus.DONE).count() == 2
    assert Person.objects.get(username="p1").check_password("Import-Pass-2026")


@pytest.mark.django_db
def test_non_excel_upload_is_refused_by_content(admin_client):
    response = upload(admin_client, b"name,code\n a,b", name="fake.xlsx")
    assert response.status_code == 200
    assert "请上传 Excel 2007 及以上格式" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_progress_fragment_polls_until_finished(admin_client, sysadmin):
    job = ImportJob.objects.create(created_by=sysadmin, file_name="x.xlsx", content=b"",
                                   total_rows=200, processed_rows=50,
                                   status=ImportStatus.VALIDATING)
    fragment = admin_client.get(reverse("org:import_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="25"' in html and "50 / 200" in html
    assert "<html" not in html
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, processed_rows=200)
    html = admin_client.get(reverse("org:import_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html


@pytest.mark.django_db
def test_template_download_is_a_valid_import(admin_client):
    response = admin_client.get(reverse("org:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert importer.parse(response.content).errors == []


@pytest.mark.django_db
def test_import_is_for_the_system_admin_only(client, staff):
    client.force_login(staff)
    assert client.get(reverse("org:import_start")).status_code == 403
