import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_is_public_and_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["database"] is True and data["status"] == "ok"
    assert data["pending_tasks"] == 0


@pytest.mark.django_db
def test_pages_require_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_sign_in_page_is_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录中枢" in response.content.decode()


@pytest.mark.django_db
def test_home_shows_navigation_by_the_offices_work(client, staff):
    client.force_login(staff)
    html = client.get(reverse("home")).content.decode()
    for label in ["办文", "办会", "督查督办", "信息", "值班", "档案"]:
        assert label in html
    assert "系统管理" not in html
    assert staff.full_name in html


@pytest.mark.django_db
def test_404_is_friendly_chinese(client, staff):
    client.force_login(staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到该页面" in response.content.decode()


def test_every_static_file_the_shell_uses_is_found():
    from django.contrib.staticfiles import finders

    for path in ["zhongshu/app.css", "vendor/htmx/htmx.min.js", "vendor/echarts/echarts.min.js"]:
        assert finders.find(path), path


@pytest.mark.django_db
def test_ui_is_chinese_even_for_an_english_browser(client, staff):
    client.force_login(staff)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html and "星期" in html


def test_500_page_is_friendly_and_needs_no_database(rf):
    from zhongshu.config.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "您的数据未被修改" in response.content.decode()


@pytest.mark.django_db
def test_expired_form_gets_a_chinese_explanation(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(reverse("org:profile"), {})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
