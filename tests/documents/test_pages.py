"""The outgoing pages as people meet them (Django test client)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.documents.conftest import notice_spec
from tests.documents.helpers import act, agree_until
from zhongshu.access.classification import Level
from zhongshu.audit.models import AuditEvent
from zhongshu.documents import services
from zhongshu.documents.models import OutgoingDocument
from zhongshu.kernel.exports import TITLE_ROWS
from zhongshu.kernel.models import Job


def draft(office, **kw):
    spec = kw.pop("spec", None) or notice_spec()
    return services.outgoing_create(actor=office.drafter, doc_type=kw.pop("doc_type", "通知"), spec=spec, **kw)


def form_data(**overrides):
    data = {"doc_type": "通知", "title": "关于开展安全检查的通知", "urgency": "normal",
            "classification": "1", "main_recipients": "各县委办公室", "signature": "示例市委办公室",
            "seal": "on", "file_copies": "1",
            "block_type_0": "paragraph", "block_text_0": "为保障安全，决定开展检查。",
            "block_type_1": "h1", "block_text_1": "检查范围",
            "block_type_2": "table", "block_text_2": "单位 | 时间\n县委办 | 12月",
            "block_type_3": "paragraph", "block_text_3": ""}
    data.update(overrides)
    return data


def test_home_lists_my_work_and_links_to_registers_and_tools(client, office):
    doc = draft(office)
    client.force_login(office.drafter)
    page = client.get(reverse("documents:home")).content.decode()
    assert doc.title in page and reverse("documents:create") in page
    services.outgoing_submit(actor=office.drafter, document=doc)
    client.force_login(office.head)
    page = client.get(reverse("documents:home")).content.decode()
    assert "部门审核" in page and reverse("documents:detail", args=[doc.pk]) in page
    client.force_login(office.secretary)
    page = client.get(reverse("documents:home")).content.decode()
    for name in ("documents:register", "documents:numbers", "documents:stats", "layout:render", "proofread:check"):
        assert reverse(name) in page


def test_drafting_in_the_browser_creates_the_first_version(client, office):
    client.force_login(office.drafter)
    response = client.post(reverse("documents:create"), form_data())
    doc = OutgoingDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[doc.pk])
    body = doc.current_version.spec["body"]
    assert body == [{"type": "paragraph", "text": "为保障安全，决定开展检查。"},
                    {"type": "heading", "level": 1, "text": "检查范围"},
                    {"type": "table", "rows": [["单位", "时间"], ["县委办", "12月"]], "header": True}]
    page = client.get(reverse("documents:detail", args=[doc.pk]) + "?view=clean").content.decode()
    assert "一、检查范围" in page and "县委办" in page


def test_a_refused_draft_says_why_and_creates_nothing(client, office):
    client.force_login(office.drafter)
    response = client.post(reverse("documents:create"), form_data(doc_type="请示", main_recipients="市委、市政府"))
    assert response.status_code == 200
    assert "只能主送一个上级机关" in response.content.decode()
    assert OutgoingDocument.objects.count() == 0


def test_second_save_is_refused_with_a_way_to_merge(client, office):
    doc = draft(office)
    client.force_login(office.drafter)
    editor = client.get(reverse("documents:edit", args=[doc.pk]))
    base = editor.context["form"].initial["base_version"]
    first = client.post(reverse("documents:edit", args=[doc.pk]),
                        form_data(title=doc.title, base_version=base, notes="甲的修改"))
    assert first.status_code == 302
    second = client.post(reverse("documents:edit", args=[doc.pk]),
                         form_data(title=doc.title, base_version=base, notes="乙的修改"), follow=True)
    page = second.content.decode()
    assert "保存未成功" in page and "合并保存冲突" in page
    assert "乙的修改" in page and "甲的修改" in page  # the refused text and the latest, side by side
    assert doc.versions.count() == 3 and doc.versions.filter(is_side=True).count() == 1


def test_leaders_see_the_clean_copy_and_others_the_marks(client, office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "签发")
    client.force_login(office.leader)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert 'id="clean-copy"' in page and 'id="tracked"' not in page
    assert 'id="act"' in page  # the leader's sign-off step
    page = client.get(reverse("documents:detail", args=[doc.pk]) + "?view=marks").content.decode()
    assert 'id="tracked"' in page
    client.force_login(office.drafter)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert 'id="tracked"' in page and "陈科员" in page


def test_proofreading_findings_are_shown_inline(client, office):
    doc = draft(office, spec=notice_spec(body=[{"type": "paragraph", "text": "请于（12月31日前报送。"}]))
    client.force_login(office.drafter)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert "finding-error" in page
    response = client.post(reverse("documents:submit", args=[doc.pk]), follow=True)
    assert "公文校对发现错误" in response.content.decode()


def test_acting_on_the_page_draws_the_route(client, office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    client.force_login(office.head)
    response = client.post(reverse("documents:act", args=[doc.pk]),
                           {"action": "agree_opinion", "text": "同意，请核稿。"}, follow=True)
    page = response.content.decode()
    assert "已办理" in page and 'class="route-flow"' in page and "同意，请核稿。" in page and "核稿" in page
    # A refusal is explained: returning needs an opinion.
    client.force_login(office.secretary)
    page = client.post(reverse("documents:act", args=[doc.pk]), {"action": "return", "return_to": "0"},
                       follow=True).content.decode()
    assert "须填写意见" in page


def test_register_filters_sorts_pages_and_exports(client, office, django_capture_on_commit_callbacks):
    for i in range(35):
        draft(office, spec=notice_spec(f"关于第{i:02d}项工作的通知"))
    draft(office, doc_type="函", spec=notice_spec("关于商请支持的函"))
    client.force_login(office.drafter)
    assert client.get(reverse("documents:register")).status_code == 403  # not the office
    client.force_login(office.secretary)
    page = client.get(reverse("documents:register")).content.decode()
    assert "没有符合条件的发文" in page  # the office sees nothing it is not on
    client.force_login(office.leader)
    assert client.get(reverse("documents:register")).status_code == 200
    # Drafts are the drafter's; the leader sees them once they reach the leader.
    for doc in OutgoingDocument.objects.all():
        services.outgoing_submit(actor=office.drafter, document=doc)
        act(doc, "部门审核")
    client.force_login(office.secretary)
    response = client.get(reverse("documents:register"), {"sort": "title"})
    assert response.context["page"].paginator.count == 36
    assert len(response.context["page"].object_list) == 30
    assert response.context["page"][0].title == "关于商请支持的函"
    filtered = client.get(reverse("documents:register"), {"doc_type": "函"})
    assert [d.title for d in filtered.context["page"]] == ["关于商请支持的函"]
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("documents:register_export") + "?q=第0")
    job = Job.objects.get()
    assert started.url == reverse("jobs:detail", args=[job.pk])
    export = client.get(reverse("jobs:download", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    assert rows[0][0] == "发文字号" and len(rows) == 11


def test_number_register_shows_voided_numbers(client, office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "用印")
    client.force_login(office.secretary)
    response = client.post(reverse("documents:void_number", args=[doc.pk]), {"reason": "文号重复印制"}, follow=True)
    assert "原文号已作废" in response.content.decode()
    page = client.get(reverse("documents:numbers")).content.decode()
    assert "文号重复印制" in page and "〕2号" in page


def test_the_number_register_pages_keep_the_year(client, office, monkeypatch):
    from zhongshu.documents import views_lists

    for i in range(3):
        doc = draft(office, spec=notice_spec(f"关于第{i}项工作的通知"))
        services.outgoing_submit(actor=office.drafter, document=doc)
        act(doc, "部门审核")
        OutgoingDocument.objects.filter(pk=doc.pk).update(
            issuer_code="示办", doc_year=2024, doc_seq=i + 1, doc_number=f"示办〔2024〕{i + 1}号")
    monkeypatch.setattr(views_lists, "PAGE_SIZE", 1)
    client.force_login(office.secretary)
    page = client.get(reverse("documents:numbers"), {"year": 2024}).content.decode()
    assert "第 1 / 3 页" in page
    assert '?year=2024&page=2">下一页' in page and '?year=2024&page=3">末页' in page
    page = client.get(reverse("documents:numbers"), {"year": 2024, "page": 2}).content.decode()
    assert "示办〔2024〕2号" in page
    assert '?year=2024&page=1">上一页' in page and '?year=2024&page=3">下一页' in page


def test_statistics_page_has_its_charts(client, office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    act(doc, "部门审核")
    client.force_login(office.secretary)
    response = client.get(reverse("documents:stats"))
    page = response.content.decode()
    assert "echarts.min.js" in page and 'id="chart-data"' in page
    assert [i.title for i in response.context["slowest"]] == [doc.title]
    # The averages are not yet computed: the page asks for them in a second request.
    assert response.context["data"] is None and "正在统计" in page
    url = response.context["aggregates_url"]
    assert f'hx-get="{url}"' in page and 'hx-trigger="load"' in page
    fragment = client.get(url)
    assert fragment.status_code == 200 and 'id="chart-agg-data"' in fragment.content.decode()
    data = fragment.context["data"]
    assert [row[0] for row in data["per_stage"]] and data["per_type"] == [{"name": "通知", "data": [1]}]
    # Within ten minutes the page carries them itself.
    again = client.get(reverse("documents:stats"))
    assert again.context["data"]["computed_at"] == data["computed_at"] and "正在统计" not in again.content.decode()
    assert 'id="chart-agg-data"' in again.content.decode()


def test_statistics_without_javascript_count_in_the_page(client, office):
    client.force_login(office.secretary)
    page = client.get(reverse("documents:stats")).content.decode()
    assert "<noscript>" in page and "compute=1" in page
    response = client.get(reverse("documents:stats"), {"year": "all", "compute": "1"})
    assert response.context["data"] is not None and "统计范围内共" in response.content.decode()


@pytest.mark.parametrize("level", [Level.CONFIDENTIAL, Level.INTERNAL])
def test_classified_documents_are_watermarked_and_every_view_audited(client, office, level):
    extra = {"secrecy_years": 5} if level == Level.CONFIDENTIAL else {}
    doc = draft(office, classification=level, **extra)
    client.force_login(office.drafter)
    before = AuditEvent.objects.filter(action="object.view").count()
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    views = AuditEvent.objects.filter(action="object.view").count() - before
    if level == Level.CONFIDENTIAL:
        assert 'data-testid="watermark"' in page and "陈科员" in page and views == 1
    else:
        assert 'data-testid="watermark"' not in page and views == 0
    response = client.get(reverse("documents:download", args=[doc.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_invisible_documents_are_404(client, office):
    doc = draft(office)
    client.force_login(office.outsider)
    assert client.get(reverse("documents:detail", args=[doc.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[doc.pk, "pdf"])).status_code == 404


def test_a_register_beyond_its_count_cap_says_so_and_pages_to_the_last_counted(client, office, monkeypatch):
    from zhongshu.documents import views_lists
    from zhongshu.kernel import paging

    for i in range(5):
        doc = draft(office, spec=notice_spec(f"关于第{i}项工作的通知"))
        services.outgoing_submit(actor=office.drafter, document=doc)
    monkeypatch.setattr(paging, "REGISTER_COUNT_CAP", 3)
    monkeypatch.setattr(views_lists, "PAGE_SIZE", 1)
    client.force_login(office.secretary)
    page = client.get(reverse("documents:register")).content.decode()
    assert "第 1 / 3 页，超过 3 条，请用筛选条件缩小范围" in page
    assert "page=3\">末页" in page and "page=1\">首页" not in page
    page = client.get(reverse("documents:register"), {"page": 3}).content.decode()
    assert "page=1\">首页" in page and "末页" not in page and "下一页" not in page
