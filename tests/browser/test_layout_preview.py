"""排版预览 in the browser: a secretary pastes a document, marks it a draft and downloads
the PDF, named by its number and title, with 草稿 on every page."""

import pytest
from django.conf import settings

from tests.layout.measure import SAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_secretary_downloads_a_draft_pdf_named_by_number_and_title(demo_site, page, tmp_path):
    import pymupdf

    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("账号").fill("mishu1")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(demo_site + "/")
    page.goto(demo_site + "/layout/render/")
    page.get_by_label("公文 JSON").fill((SAMPLES / "joint.json").read_text(encoding="utf-8"))
    page.get_by_label("格式").select_option("pdf")
    page.get_by_label("草稿（加“草稿”字样，标出印章位置）").check()
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载").click()
    download = info.value
    assert download.suggested_filename.startswith("示委办〔2026〕31号 中共示范市委办公室 示范市人民政府办公室关于")
    assert download.suggested_filename.endswith("的请示.pdf")
    path = tmp_path / "doc.pdf"
    download.save_as(path)
    doc = pymupdf.open(path)
    assert all("草稿" in p.get_text() for p in doc)
