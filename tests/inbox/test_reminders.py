import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from tests.factories import PersonFactory
from tests.workflow.conftest import pending, start
from tests.workflow_sample.models import Memo
from zhongshu import cli
from zhongshu.inbox import services
from zhongshu.inbox.models import Notification, NotificationKind
from zhongshu.inbox.tasks import send_reminders

# Started on Wednesday 17 June 2026 with a two-working-day limit, the first step is due
# on Monday 22 June (19 June is the Dragon Boat holiday).
STARTED = dt.date(2026, 6, 17)
DUE = dt.date(2026, 6, 22)


@pytest.fixture
def due_route(standard_template, memo, org):
    org["head"].email = "head@example.org"
    org["head"].save()
    route = start(memo, standard_template, org, today=STARTED)
    assert pending(route)[0].due_date == DUE
    return route


@pytest.mark.django_db
def test_reminders_before_on_and_after_the_deadline(due_route, org):
    head = org["head"]
    assert services.reminders_send(today=STARTED).sent == 0, "two working days ahead: too early"
    # Thursday 18 June: the deadline is one working day ahead.
    services.reminders_send(today=dt.date(2026, 6, 18))
    services.reminders_send(today=DUE)
    services.reminders_send(today=dt.date(2026, 6, 23))
    services.reminders_send(today=dt.date(2026, 6, 24))
    rows = list(Notification.objects.filter(recipient=head).order_by("day")
                .values_list("day", "kind"))
    assert rows == [
        (dt.date(2026, 6, 18), NotificationKind.DUE_SOON),
        (DUE, NotificationKind.DUE_TODAY),
        (dt.date(2026, 6, 23), NotificationKind.OVERDUE),
        (dt.date(2026, 6, 24), NotificationKind.OVERDUE),
    ]
    assert len(mail.outbox) == 4 and mail.outbox[0].to == ["head@example.org"]
    assert "超期" in Notification.objects.get(day=dt.date(2026, 6, 24)).body


@pytest.mark.django_db
def test_days_before_is_a_setting(due_route, settings):
    settings.ZHONGSHU_REMINDER_DAYS_BEFORE = 2
    assert services.reminders_send(today=STARTED).sent == 1


@pytest.mark.django_db
def test_a_second_run_on_the_same_day_sends_nothing(due_route, org):
    first = services.reminders_send(today=DUE)
    second = services.reminders_send(today=DUE)
    assert (first.sent, first.emailed, second.sent, second.skipped) == (1, 1, 0, 1)
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_email_without_an_address(standard_template, memo, org):
    route = start(memo, standard_template, org, today=STARTED)
    run = services.reminders_send(today=DUE)
    assert run.sent == 1 and run.emailed == 0 and mail.outbox == []
    # The reminder opens the item's own page, not a generic route page.
    assert Notification.objects.get().url == f"/sample/memos/{route.object_id}/"


@pytest.mark.django_db
def test_acted_steps_are_not_reminded(due_route, org):
    from zhongshu.workflow import services as workflow

    workflow.step_act(actor=org["head"], step=pending(due_route)[0], action="agree", today=STARTED)
    services.reminders_send(today=DUE)
    assert not Notification.objects.filter(recipient=org["head"]).exists()
    # The countersigners' steps (due three working days after 17 June) are due that day.
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        u.head_id for u in org["units"]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_each_reminder_exactly_once(standard_template, org):
    """Two workers run the job at the same moment, each on its own database connection."""
    org["head"].email = "head@example.org"
    org["head"].save()
    for n in range(8):
        start(Memo.objects.create(title=f"事项{n}", owner=org["drafter"]), standard_template, org,
              today=STARTED)
    barrier = threading.Barrier(2)
    runs, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            runs.append(services.reminders_send(today=DUE))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(r.sent for r in runs) == 8 and sum(r.skipped for r in runs) == 8
    assert Notification.objects.count() == 8
    assert len(mail.outbox) == 8
    assert len({m.subject for m in mail.outbox}) == 8


@pytest.mark.django_db
def test_the_task_runs_the_job(due_route):
    result = send_reminders.enqueue(DUE.isoformat())
    assert result.return_value == {"considered": 1, "sent": 1, "emailed": 1, "skipped": 0}


@pytest.mark.django_db
def test_cli_sends_reminders(due_route, capsys):
    assert cli.main(["reminders", "--date", DUE.isoformat()]) == 0
    assert "新发送 1 条（邮件 1 封）" in capsys.readouterr().out
    assert Notification.objects.count() == 1
    cli.main(["reminders", "--date", DUE.isoformat()])
    assert "跳过 1 条" in capsys.readouterr().out


@pytest.mark.django_db
def test_cli_can_enqueue_and_rejects_bad_dates(due_route, capsys):
    assert cli.main(["reminders", "--enqueue", "--date", DUE.isoformat()]) == 0
    assert "已加入后台任务队列" in capsys.readouterr().out
    # The test settings run tasks at once, so the enqueued job has already sent.
    assert Notification.objects.count() == 1
    with pytest.raises(SystemExit):
        cli.main(["reminders", "--date", "2026-13-01"])
    assert "日期格式" in capsys.readouterr().err


@pytest.mark.django_db
def test_notifications_page_lists_and_marks_read(client, due_route, org):
    services.reminders_send(today=DUE)
    head = org["head"]
    client.force_login(head)
    home = client.get(reverse("home")).content.decode()
    assert "未读通知 1 条" in home
    page = client.get(reverse("inbox:notifications")).content.decode()
    assert "【今日到期】" in page and "标为已读" in page
    notification = Notification.objects.get()
    response = client.post(reverse("inbox:notification_read", args=[notification.pk]), {"open": "1"})
    assert response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "未读通知 0 条" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_someone_elses_notification_is_not_found(client, due_route, org):
    services.reminders_send(today=DUE)
    notification = Notification.objects.get()
    client.force_login(PersonFactory())
    assert client.post(reverse("inbox:notification_read", args=[notification.pk])).status_code == 404
    assert "【今日到期】" not in client.get(reverse("inbox:notifications")).content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
def test_mark_all_read(client, due_route, org):
    services.reminders_send(today=DUE)
    services.reminders_send(today=dt.date(2026, 6, 23))
    client.force_login(org["head"])
    response = client.post(reverse("inbox:notification_read_all"), follow=True)
    assert "已将 2 条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.django_db
def test_opening_a_notification_never_leaves_the_site(client, org):
    head = org["head"]
    notification = Notification.objects.create(
        recipient=head, kind=NotificationKind.OVERDUE, item_key="x", day=DUE, title="t",
        url="//evil.example/phish")
    client.force_login(head)
    response = client.post(reverse("inbox:notification_read", args=[notification.pk]), {"open": "1"})
    assert response["Location"] == reverse("inbox:notifications")
