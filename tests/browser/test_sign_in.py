import pytest
from django.conf import settings

pytestmark = pytest.mark.browser


def test_demo_leader_signs_in_and_sees_the_home_page(demo_site, page):
    page.goto(demo_site + "/")
    assert "/accounts/login/" in page.url
    page.get_by_label("账号").fill("shuji")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(demo_site + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "陈国栋，您好"
    nav = page.get_by_role("navigation", name="主导航")
    for label in ["办文", "办会", "督查督办", "信息", "值班", "档案"]:
        assert nav.get_by_text(label, exact=True).is_visible()
    # A leader is not a system administrator.
    assert nav.get_by_text("系统管理").count() == 0
    # htmx and the stylesheet are served locally, not from a CDN.
    assert page.evaluate("typeof window.htmx") == "object"
    top_border = page.locator(".topbar").evaluate("e => getComputedStyle(e).borderTopColor")
    assert top_border == "rgb(166, 27, 27)"
    assert "星期" in page.locator("main .lead").first.inner_text()  # the date, on the 工作台


def test_wrong_password_shows_a_chinese_message(demo_site, page):
    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("账号").fill("shuji")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert "请输入一个正确的" in page.get_by_role("alert").inner_text()


def test_system_admin_imports_and_watches_progress(demo_site, page, tmp_path):
    from tests.org.test_import import many_people, many_units, workbook

    path = tmp_path / "org.xlsx"
    path.write_bytes(workbook(many_units(5), many_people(5)))
    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("账号").fill("sysadmin")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="系统管理").click()
    page.get_by_role("link", name="批量导入").click()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_text("导入完成").wait_for()
    assert "新增人员 5 人" in page.locator("#job-progress").inner_text()
