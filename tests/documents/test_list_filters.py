"""Bad filters on the list pages: a year out of range or a date that is no date is
answered with a Chinese message on the page — never a 500, never silently dropped."""

from django.urls import reverse

from tests.access.world import build_world

BAD_YEAR = "年度“99999”无效"


def test_a_year_out_of_range_is_answered_on_every_outgoing_list(client, office):
    client.force_login(office.secretary)
    for name in ("documents:register", "documents:numbers", "documents:stats", "documents:stats_aggregates"):
        for year in ("99999", "0", "２０２６"):
            response = client.get(reverse(name), {"year": year})
            assert response.status_code == 200, (name, year)
        body = client.get(reverse(name), {"year": "99999"}).content.decode()
        if name != "documents:stats_aggregates":  # a fragment: its page shows the message
            assert BAD_YEAR in body and "1949 至 2100" in body, name
    assert "年度“" not in client.get(reverse("documents:register"), {"year": "2026"}).content.decode()


def test_the_register_export_ignores_a_bad_year_rather_than_failing(client, office, django_capture_on_commit_callbacks):
    client.force_login(office.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:register_export") + "?year=99999")
    assert response.status_code == 302
    job = client.get(response.url)
    assert "已完成" in job.content.decode()


def test_a_bad_date_on_the_incoming_register_is_answered_and_the_other_filters_kept(client, office):
    client.force_login(office.secretary)
    response = client.get(reverse("incoming:register"),
                          {"date_from": "2026-13-45", "doc_type": "通知"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "来文起始日期：日期无效，请按 年-月-日 填写" in body and "本次未按该条件筛选" in body


def test_a_bad_date_on_the_audit_trail_is_answered(client, db):
    world = build_world()
    client.force_login(world.auditor)
    response = client.get(reverse("audit:event_list"), {"date_to": "99999-01-01"})
    assert response.status_code == 200
    assert "截止日期：日期无效" in response.content.decode()
