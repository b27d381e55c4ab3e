"""Answers kept until the next write (``kernel.kept``): a register's total is counted
once, and counted again after any write to the office's records — through the ORM,
``update()``, ``bulk_create()`` or raw SQL — in this process at once and in every
process once the write commits."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.documents.incoming.conftest import build_org
from tests.documents.incoming.helpers import register
from zhongshu.documents.incoming.models import IncomingDocument
from zhongshu.kernel import kept
from zhongshu.kernel.paging import CappedPaginator
from zhongshu.org.models import Unit


def _shared() -> str:
    return kept.generation().split(".")[0]


def _count(key: str) -> int:
    return CappedPaginator(Unit.objects.filter(code__startswith="K"), 10, kept_key=key).count


def _counts(queries) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in queries)


@pytest.fixture
def org(db):
    return build_org()


@pytest.fixture
def units(db):
    return Unit.objects.bulk_create([Unit(name=f"单位{i:02d}", code=f"K{i:02d}", kind="department")
                                     for i in range(5)])


def test_a_total_is_counted_once_until_a_write(units):
    with CaptureQueriesContext(connection) as first:
        assert _count(kept.key("units", 1)) == 5
    with CaptureQueriesContext(connection) as again:
        assert _count(kept.key("units", 1)) == 5
    assert _counts(first) == 1 and _counts(again) == 0

    # Writes that send no model signal are seen too.
    Unit.objects.bulk_create([Unit(name="新单位", code="K99", kind="department")])
    assert _count(kept.key("units", 1)) == 6
    Unit.objects.filter(code="K99").update(code="X99")
    assert _count(kept.key("units", 1)) == 5
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM org_unit WHERE code = %s", ["K04"])
    assert _count(kept.key("units", 1)) == 4


def test_keys_differ_by_viewer_and_parameters(units):
    assert kept.key("units", 1) != kept.key("units", 2)
    assert kept.key("u", 1, params=[("a", "1"), ("b", "2")]) == kept.key("u", 1, params=[("b", "2"), ("a", "1")])
    assert kept.key("u", 1, params=[("a", "1")]) != kept.key("u", 1, params=[("a", "2")])


@pytest.mark.django_db(transaction=True)
def test_the_shared_generation_changes_when_a_write_commits():
    start = _shared()
    with transaction.atomic():
        Unit.objects.create(name="新单位", code="K01", kind="department")
        Unit.objects.create(name="新单位二", code="K02", kind="department")
        assert _shared() == start  # other processes keep their answers until the commit
    after_commit = _shared()
    assert after_commit != start
    assert int(after_commit) == int(start) + 1  # once per transaction, not per row

    with pytest.raises(RuntimeError), transaction.atomic():
        Unit.objects.create(name="不存", code="K03", kind="department")
        raise RuntimeError
    assert _shared() == after_commit  # rolled back: nothing changed
    Unit.objects.create(name="自动提交", code="K04", kind="department")
    assert _shared() != after_commit


@pytest.mark.django_db(transaction=True)
def test_notifications_have_a_generation_of_their_own():
    from zhongshu.inbox.models import Notification

    person = build_org().secretary
    data, notices = kept.generation(), kept.generation(kept.NOTICES)
    shell, register = kept.key("shell", 1, notices=True), kept.key("incoming", 1)
    with transaction.atomic():
        Notification.objects.create(recipient=person, kind="due_soon", item_key="x", day=timezone.localdate(),
                                    title="即将到期")
        Notification.objects.filter(recipient=person).update(read_at=timezone.now())
    assert kept.generation() == data  # a register's total is not counted again
    assert kept.generation(kept.NOTICES).split(".")[0] == str(int(notices.split(".")[0]) + 1)
    assert kept.key("incoming", 1) == register and kept.key("shell", 1, notices=True) != shell

    # A transaction that writes both changes both, once each.
    with transaction.atomic():
        Notification.objects.filter(recipient=person).delete()
        Unit.objects.create(name="新单位", code="K01", kind="department")
    assert kept.generation().split(".")[0] == str(int(data.split(".")[0]) + 1)
    assert kept.generation(kept.NOTICES).split(".")[0] == str(int(notices.split(".")[0]) + 2)


def test_reading_a_notification_updates_the_shell_and_recounts_no_register(org, client):
    from zhongshu.inbox.models import Notification

    register(org, title="防汛工作请示")
    note = Notification.objects.create(recipient=org.secretary, kind="due_soon", item_key="x",
                                       day=timezone.localdate(), title="即将到期")
    client.force_login(org.secretary)
    url = reverse("incoming:register")
    badge = '通知 <span class="badge danger">1</span>'
    assert badge in client.get(url).content.decode()
    client.post(reverse("inbox:notification_read", args=[note.pk]))
    with CaptureQueriesContext(connection) as again:
        html = client.get(url).content.decode()
    assert "防汛工作请示" in html and badge not in html
    assert not [q for q in again if "COUNT(" in q["sql"].upper() and "incoming_incomingdocument" in q["sql"]]
    assert [q for q in again if "inbox_notification" in q["sql"]]  # the shell counted its notices again


@pytest.mark.django_db(transaction=True)
def test_reads_and_writes_outside_the_office_records_keep_the_answers():
    start = _shared()
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now())
    list(Unit.objects.all())
    assert _shared() == start


def test_the_incoming_register_counts_again_after_a_registration(org, client, monkeypatch):
    from zhongshu.documents.incoming import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(3):
        register(org, title=f"来文{i}")
    client.force_login(org.secretary)
    url = reverse("incoming:register")
    assert "共 3 条" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as again:
        assert "共 3 条" in client.get(url, {"page": 2}).content.decode()
    assert not [q for q in again if "COUNT(" in q["sql"].upper() and "incoming_incomingdocument" in q["sql"]]

    register(org, title="新来文")
    assert "共 4 条" in client.get(url).content.decode()
    # A filter is its own total; a change made with update() is seen.
    assert "共 4 条" in client.get(url, {"q": "来文"}).content.decode()
    IncomingDocument.objects.filter(title="来文0").update(title="改名")
    assert "共 3 条" in client.get(url, {"q": "来文"}).content.decode()


def test_the_kept_pending_count_builds_no_query(org, client, monkeypatch):
    """收文登记簿's 待签收 badge: while its count is kept, the need-to-know query behind it
    is not even built (building it is most of the cost of a kept page)."""
    from zhongshu.documents.incoming import selectors

    client.force_login(org.secretary)
    url = reverse("incoming:register")
    client.get(url)
    built = []
    real = selectors.pending_receipts
    monkeypatch.setattr(selectors, "pending_receipts", lambda viewer: built.append(viewer) or real(viewer))
    html = client.get(url).content.decode()
    assert "待签收" in html and built == []
    register(org, title="新来文")  # a write: the count is computed again, once
    client.get(url)
    assert built == [org.secretary]


def test_each_viewer_has_his_own_total(org, client, monkeypatch):
    from zhongshu.documents.incoming import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    register(org, title="公开请示")
    register(org, title="另一件")
    register(org, actor=org.clerk, title="机密来文", classification=3, secrecy_years=10)
    url = reverse("incoming:register")
    client.force_login(org.clerk)
    assert "共 3 条" in client.get(url).content.decode()
    client.force_login(org.secretary)
    html = client.get(url).content.decode()
    assert "共 2 条" in html and "机密来文" not in html


def test_the_inbox_is_gathered_once_until_somebody_acts(org, client):
    from zhongshu.documents.incoming import services

    doc = register(org, title="待签收的来文")
    client.force_login(org.secretary)
    assert "待签收的来文" in client.get(reverse("inbox:home")).content.decode()
    with CaptureQueriesContext(connection) as again:
        html = client.get(reverse("inbox:home")).content.decode()
    assert "待签收的来文" in html
    kept.bump()  # as any other process's commit would
    with CaptureQueriesContext(connection) as fresh:
        assert "待签收的来文" in client.get(reverse("inbox:home")).content.decode()
    # Kept: the open items and the navigation's counts are not gathered again.
    assert len(again) <= len(fresh) - 2

    assert "待签收的来文（拟办）" not in html
    services.incoming_intake_check(actor=org.secretary, incoming=doc, accept=True)
    # The 初审 done, the same office now holds it at 拟办: the inbox says so at once.
    assert "待签收的来文（拟办）" in client.get(reverse("inbox:home")).content.decode()
    assert "待签收的来文" in client.get(reverse("inbox:home"), {"tab": "done"}).content.decode()


def test_a_process_keeps_at_most_max_kept_answers_and_none_past_its_time(monkeypatch):
    monkeypatch.setattr(kept, "MAX_KEPT", 3)
    monkeypatch.setattr(kept, "_shared_store", lambda: False)  # as with the database cache
    calls: list[str] = []

    def answer(name: str) -> str:
        calls.append(name)
        return name.upper()

    for name in ["a", "b", "c", "a", "d"]:  # "a" used again, so "b" is the oldest
        assert kept.kept(f"test:{name}", lambda name=name: answer(name)) == name.upper()
    assert calls == ["a", "b", "c", "d"]
    kept.kept("test:b", lambda: answer("b"))
    kept.kept("test:a", lambda: answer("a"))
    assert calls == ["a", "b", "c", "d", "b"]
    kept.kept("test:late", lambda: answer("late"), seconds=0)
    kept.kept("test:late", lambda: answer("late"), seconds=0)
    assert calls[-2:] == ["late", "late"]


def test_with_a_shared_cache_another_process_finds_the_answer(monkeypatch):
    calls: list[int] = []
    assert kept._shared_store()  # the tests' local-memory cache stands for Redis
    assert kept.kept("test:shared", lambda: calls.append(1) or 7) == 7
    monkeypatch.setattr(kept, "_store", type(kept._store)())  # another process: nothing in memory
    monkeypatch.setattr(kept, "_held", 0)
    assert kept.kept("test:shared", lambda: calls.append(1) or 7) == 7
    assert calls == [1]


def test_the_database_cache_keeps_answers_in_memory_only(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "zhongshu_cache"}}
    assert not kept._shared_store()


def test_a_process_holds_a_bounded_number_of_items(monkeypatch):
    """A person's open items are the large answers: the process keeps at most
    MAX_KEPT_ITEMS list items in all, and never one answer larger than that."""
    monkeypatch.setattr(kept, "_shared_store", lambda: False)
    monkeypatch.setattr(kept, "_store", type(kept._store)())
    monkeypatch.setattr(kept, "_held", 0)
    monkeypatch.setattr(kept, "MAX_KEPT_ITEMS", 30)
    calls: list[str] = []

    def items(name: str, n: int):
        return lambda: calls.append(name) or {"todo": list(range(n)), "toread": []}

    kept.kept("test:first", items("first", 10))
    kept.kept("test:second", items("second", 10))
    kept.kept("test:third", items("third", 10))  # 3 × 13 > 30: the first is dropped
    kept.kept("test:second", items("second", 10))
    kept.kept("test:first", items("first", 10))
    assert calls == ["first", "second", "third", "first"]
    assert kept._held <= 30
    kept.kept("test:huge", items("huge", 30))
    kept.kept("test:huge", items("huge", 30))
    assert calls[-2:] == ["huge", "huge"]


def test_a_page_reads_each_generation_once_and_sees_its_own_writes(org, client, monkeypatch):
    client.force_login(org.secretary)
    url = reverse("incoming:register")
    client.get(url)
    reads: list[str] = []
    get = kept.cache.get

    def counted(key, *args, **kwargs):
        reads.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(kept.cache, "get", counted)
    assert client.get(url).status_code == 200
    # With the database cache each read is a query: once a page, however many answers.
    assert reads.count(kept.KEY) == 1 and reads.count("zs:policy:generation") == 1
    # Outside a request each call reads, so a write elsewhere is seen at once; inside
    # one, advancing forgets the number read.
    before = _shared()
    kept.advance(kept.KEY)
    assert _shared() != before
    kept._request_started()
    try:
        first = _shared()
        kept.advance(kept.KEY)
        assert _shared() != first
    finally:
        kept._request_finished()
