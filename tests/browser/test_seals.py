"""电子印章 in the browser: the security administrator opens the demo seals, changes a key
and sees the old one retired."""

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_security_admin_rotates_a_demo_seal(demo_site, page, tmp_path):
    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("账号").fill("secadmin")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(demo_site + "/**")
    page.goto(demo_site + "/seals/")
    assert page.get_by_role("cell", name="中共示例市委员会", exact=True).is_visible()
    assert page.get_by_role("cell", name="中共示例市委办公室", exact=True).is_visible()
    page.screenshot(path=str(tmp_path / "seals.png"), full_page=True)
    page.get_by_role("row", name="中共示例市委员会").get_by_role("link", name="查看").click()
    page.get_by_label("更换原因").fill("年度更换")
    page.get_by_role("button", name="更换密钥").click()
    page.get_by_text("已更换签章密钥").wait_for()
    assert page.get_by_role("cell", name="sw-2").is_visible()
    assert page.get_by_role("row", name="sw-1").get_by_text("已轮换").is_visible()
    page.screenshot(path=str(tmp_path / "seal.png"), full_page=True)
