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
