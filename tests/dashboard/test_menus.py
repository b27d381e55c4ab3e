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


@pytest.mark.django_db
def test_menus_come_from_the_cache_and_follow_a_change_of_roles(client):
    """The menus are computed once per person (cached under the policy's generation) and
    a change of roles shows on the very next page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PersonFactory
    from zhongshu.org.models import Role, RoleCode

    person = PersonFactory(roles=[RoleCode.SECRETARY])
    client.force_login(person)

    def nav() -> str:
        html = client.get("/").content.decode()
        return re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)

    assert "督查督办" in nav()
    assert "系统管理" not in nav() and "/supervision/" not in nav()
    # Computed once: the second page asks nothing about delegations (a menu input).
    with CaptureQueriesContext(connection) as ctx:
        nav()
    assert not [q for q in ctx.captured_queries if "access_delegation" in q["sql"]]
    person.roles.add(Role.objects.get(code=RoleCode.SUPERVISION_OFFICER))
    assert 'href="/supervision/"' in nav()
    person.roles.remove(Role.objects.get(code=RoleCode.SUPERVISION_OFFICER))
    assert "/supervision/" not in nav()
