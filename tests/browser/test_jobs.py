"""A background export in a browser: 导出 Excel on the 发文登记簿 opens the job's page,
which waits while the job is queued and, polling by htmx, shows the result and the
download once a worker has run it; 我的后台任务 lists it."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.test_outgoing_journey import sign_in

pytestmark = pytest.mark.browser

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=DB_TASKS)
def test_an_export_waits_for_the_worker_then_offers_its_file(demo_site, browser):
    from zhongshu.kernel.models import Job, JobStatus

    page = sign_in(browser, demo_site, "mishu1")
    page.goto(f"{demo_site}/documents/outgoing/")
    page.get_by_role("button", name="导出 Excel").click()
    page.wait_for_url(f"{demo_site}/jobs/*/")
    progress = page.locator("#job-progress")
    expect(page.get_by_role("heading", name="导出发文登记簿")).to_be_visible()
    expect(progress).to_contain_text("排队中")
    expect(progress).to_have_attribute("hx-trigger", "every 1s")
    job = Job.objects.get(owner__username="mishu1")
    assert job.status == JobStatus.QUEUED

    # A worker comes; the page, still open, picks up the result by itself.
    call_command("db_worker", "--batch", "--no-reload", "--interval", "0.1")
    expect(progress).to_contain_text("已完成：共导出")
    expect(progress).not_to_have_attribute("hx-trigger", "every 1s")
    with page.expect_download() as download:
        progress.get_by_role("link", name="下载").click()
    assert download.value.suggested_filename.startswith("outgoing-register-")

    page.get_by_role("link", name="我的后台任务").click()
    row = page.locator(f'tr[data-job="{job.pk}"]')
    expect(row).to_contain_text("导出发文登记簿")
    expect(row).to_contain_text("已完成")
