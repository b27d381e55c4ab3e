"""Every menu entry, tab and shortcut a person is shown opens for that person (issue 10:
menus linked to pages that answered 403)."""

import re

import pytest
from django.core.management import call_command

from zhongshu.org.demo import KEY_ACCOUNTS
from zhongshu.org.models import Person


@pytest.fixture
def demo(db):
    call_command("demo")


def _links(html: str, container: str) -> list[str]:
    block = re.search(container, html, re.S)
    assert block, container
    return re.findall(r'href="(/[^"#]*)"', block.group(0))


def test_every_menu_link_and_shortcut_opens_for_each_demo_person(client, demo):
    for account in KEY_ACCOUNTS:
        person = Person.objects.get(username=account.username)
        client.force_login(person)
        home = client.get("/")
        assert home.status_code == 200
        html = home.content.decode()
        links = set(_links(html, r'<nav class="mainnav".*?</nav>'))
        links |= set(_links(html, r'<section class="card" aria-labelledby="short-h".*?</section>'))
        assert links, account.username
        for url in sorted(links):
            # An area's entry may send a person to his own part of it (a leader to his view).
            response = client.get(url, follow=True)
            assert response.status_code == 200, (account.username, url, response.status_code)
            # Each area's own tabs, as that person sees them.
            tabs = re.findall(r'<nav class="tabs".*?</nav>', response.content.decode(), re.S)
            for tab in set(re.findall(r'href="(/[^"#]*)"', "".join(tabs))) - links:
                assert client.get(tab).status_code == 200, (account.username, url, tab)
        client.logout()
