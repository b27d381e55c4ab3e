"""The home page (工作台) as people meet it: their own 待办 and 待阅 by urgency, what is
late and due, the office's 通知公告, shortcuts by role, and a plain line where a role's
module is still to come."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.inbox.conftest import FakeProvider
from zhongshu.audit.models import AuditEvent
from zhongshu.dashboard.models import Announcement
from zhongshu.inbox import registry
from zhongshu.inbox.registry import Box
from zhongshu.org.models import Person


@pytest.fixture
def demo(db):
    call_command("demo")


@pytest.fixture
def fake_provider():
    provider = FakeProvider()
    registry.register(provider)
    yield provider
    registry.unregister(provider.kind)


def clerk() -> Person:
    """A 科员 of 秘书一处 (the demo's own staff)."""
    return Person.objects.filter(unit__name="秘书一处", position="科员").order_by("pk").first()


def page(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_todo_is_ordered_by_urgency_and_shows_what_is_late_and_due(client, demo, fake_provider):
    person = clerk()
    today = timezone.localdate()
    fake_provider.add(person, "关于下月例会的通知", deadline=today + dt.timedelta(days=10))
    fake_provider.add(person, "关于防汛值班的紧急通知", urgency="extra_urgent")
    fake_provider.add(person, "关于报送年度总结的通知", deadline=today - dt.timedelta(days=2))
    fake_provider.add(person, "关于今日会议材料的通知", deadline=today)
    fake_provider.add(person, "市委办公室工作简报", box=Box.TOREAD)
    html = page(client, person)
    todo = html[html.index('id="home-todo"'):html.index('id="home-toread"')]
    order = [todo.index(t) for t in ("关于防汛值班的紧急通知", "关于报送年度总结的通知",
                                    "关于今日会议材料的通知", "关于下月例会的通知")]
    assert order == sorted(order)
    assert "特急" in todo and "已超期" in todo and "今日到期" in todo
    assert "<strong>1</strong> 件已超期" in html and "<strong>1</strong> 件今日到期" in html
    assert "<strong>4</strong> 件待办" in html
    toread = html[html.index('id="home-toread"'):html.index('id="home-announcements"')]
    assert "市委办公室工作简报" in toread and "关于下月例会的通知" not in toread


def test_each_role_sees_its_own_shortcuts_and_what_is_still_to_come(client, demo):
    leader = page(client, Person.objects.get(username="shuji"))
    assert "发文统计" in leader and "没有待办事项。" in leader and "我的批示" in leader
    assert "尚在建设中" not in leader

    staff = page(client, clerk())
    assert "起草发文" in staff and "单位与人员" not in staff and "审计日志" not in staff
    assert "发布通知公告" in staff  # 秘书一处 are the office's secretaries

    supervision = page(client, Person.objects.get(username="ducha"))
    assert "尚在建设中" not in supervision and "督办台账" in supervision
    archivist = page(client, Person.objects.get(username="dangan"))
    assert "档案模块尚在建设中" in archivist
    duty = page(client, Person.objects.get(username="zhiban"))
    assert "值班模块尚在建设中" in duty

    admin = page(client, Person.objects.get(username="sysadmin"))
    assert "单位与人员" in admin and "起草发文" not in admin
    liaison = page(client, Person.objects.get(username="lianluo01"))
    assert "发布通知公告" not in liaison and "通知公告" in liaison


def test_the_office_publishes_a_notice_everyone_reads_on_the_home_page(client, demo):
    director = Person.objects.get(username="zhuren")
    client.force_login(director)
    refused = client.post(reverse("announcements:create"), {"title": "", "body": ""})
    assert refused.status_code == 200 and "这个字段是必填项" in refused.content.decode()
    assert 'class="req"' in refused.content.decode()
    assert not Announcement.objects.exists()
    response = client.post(reverse("announcements:create"), {
        "title": "关于元旦假期值班安排的通知", "body": "各处室：元旦假期值班安排如下。", "pinned": "on"})
    notice = Announcement.objects.get()
    assert response.status_code == 302 and response.url == reverse("announcements:detail", args=[notice.pk])
    assert notice.author == director and notice.unit_name == director.unit.name
    assert AuditEvent.objects.filter(action="dashboard.announcement.publish", object_id=str(notice.pk)).exists()

    liaison = Person.objects.get(username="lianluo01")
    html = page(client, liaison)
    assert "关于元旦假期值班安排的通知" in html and "置顶" in html
    assert client.get(reverse("announcements:create")).status_code == 403
    assert client.post(reverse("announcements:withdraw", args=[notice.pk])).status_code == 403
    detail = client.get(reverse("announcements:detail", args=[notice.pk])).content.decode()
    assert "各处室：元旦假期值班安排如下。" in detail and "撤下" not in detail

    client.force_login(director)
    client.post(reverse("announcements:withdraw", args=[notice.pk]))
    assert AuditEvent.objects.filter(action="dashboard.announcement.withdraw").count() == 1
    assert "关于元旦假期值班安排的通知" not in page(client, liaison)
    assert client.get(reverse("announcements:detail", args=[notice.pk])).status_code == 404
    # Past its last day, a notice leaves the home page by itself.
    Announcement.objects.create(title="关于已过期事项的通知", body="略", author=director,
                                published_at=timezone.now(),
                                expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert "关于已过期事项的通知" not in page(client, liaison)


def test_the_site_has_a_favicon_for_everyone(client, db):
    response = client.get("/favicon.ico")  # asked before sign-in, by every browser
    assert response.status_code == 301 and response.url.endswith("zhongshu/favicon.ico")
    login = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in login and "favicon.ico" in login


def test_each_page_names_itself_before_the_site_in_the_browser_tab(client, demo):
    import re
    from pathlib import Path

    import zhongshu

    html = page(client, clerk())
    assert "<title>工作台 · 中枢</title>" in html
    # Every page on the shell names itself: base.html puts " · 中枢" after the name.
    root = Path(zhongshu.__file__).parent
    unnamed = [str(f.relative_to(root)) for f in root.rglob("*.html")
               if re.search(r'{%\s*extends\s+"base.html"', f.read_text(encoding="utf-8"))
               and "{% block title %}" not in f.read_text(encoding="utf-8")]
    assert unnamed == []


def test_those_who_read_the_offices_statistics_see_what_is_stuck(client, demo):
    from tests.documents.conftest import notice_spec
    from zhongshu.documents import services

    drafter = clerk()
    doc = services.outgoing_create(actor=drafter, doc_type="通知", spec=notice_spec("关于压在审核环节的通知"))
    services.outgoing_submit(actor=drafter, document=doc)
    # The head of 秘书一处 (a secretary: he reads the statistics) sees it among what is stuck.
    leader = page(client, Person.objects.get(username="mishu1"))
    stuck = leader[leader.index('id="home-slowest"'):]
    assert "关于压在审核环节的通知" in stuck[:stuck.index("</section>")]
    liaison = page(client, Person.objects.get(username="lianluo01"))
    assert 'id="home-slowest"' not in liaison and "关于压在审核环节的通知" not in liaison
