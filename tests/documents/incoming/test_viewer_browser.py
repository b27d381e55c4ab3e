"""The viewer and the 文件处理签 in Chromium: the page images arrive and are drawn; the slip
prints without the page's chrome."""

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests import uploads
from tests.documents.incoming.helpers import to_handling

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """An earlier transactional test's flush may have recreated content types under new
    ids; the cache must not hand out the old ones (as the demo site fixture does)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def sign_in_as(page, live_server, person):  # noqa: F811
    client = Client()
    client.force_login(person)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_the_handler_reads_the_pages_and_prints_the_slip(_fresh_content_types, org, live_server, page):  # noqa: F811
    doc = to_handling(org, files=[("请示.pdf", uploads.pdf("两页的请示", pages=2))])
    sign_in_as(page, live_server, org.handler)
    page.goto(live_server.url + reverse("incoming:detail", args=[doc.pk]))
    images = page.locator("#viewer img")
    expect(images).to_have_count(2)
    for n in range(2):
        image = images.nth(n)
        image.scroll_into_view_if_needed()
        expect(image).to_have_attribute("alt", f"请示.pdf 第 {n + 1} 页")
        page.wait_for_function("img => img.complete && img.naturalWidth > 800", arg=image.element_handle())
    page.get_by_role("link", name="文件处理签（打印）").click()
    expect(page.locator("#slip h1")).to_have_text("测试市委文件处理签")
    expect(page.locator("#slip-proposals")).to_contain_text("拟请书记阅示。")
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("#slip")).to_be_visible()
