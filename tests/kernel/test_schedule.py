"""The daily work queued by the workers themselves: once a day, after the day's hour,
whatever the number of workers asking (decision 1322)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from zhongshu.kernel import schedule
from zhongshu.kernel.sequences import current_value

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RAN: list[str] = []


@task()
def noted(day: str) -> str:
    RAN.append(day)
    return day


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 12, day, hour, minute))


@pytest.fixture
def only_noted(monkeypatch, settings):
    settings.ZHONGSHU_DAILY_AT = dt.time(7, 30)
    monkeypatch.setattr(schedule, "_daily", {"noted": noted})
    RAN.clear()
    yield
    RAN.clear()


def test_the_apps_register_their_daily_work():
    assert set(schedule.registered()) >= {"reminders", "supervision.daily", "purge_jobs"}
    assert schedule.registered()["reminders"].name == "send_reminders"


@pytest.mark.django_db
def test_queued_once_a_day_from_its_hour_on(only_noted):
    assert schedule.queue_due(at(7, 7, 29)) == []
    assert schedule.queue_due(at(7, 7, 30)) == ["noted"]
    assert schedule.queue_due(at(7, 15)) == []  # another check, another worker: taken
    assert schedule.queue_due(at(8, 0, 5)) == []  # after midnight, before the hour
    assert schedule.queue_due(at(8, 9)) == ["noted"]
    assert RAN == ["2026-12-07", "2026-12-08"]
    assert current_value(schedule.claim_key("noted", dt.date(2026, 12, 7))) == 1


@pytest.mark.django_db
def test_off_leaves_the_daily_work_to_cron(only_noted, settings):
    settings.ZHONGSHU_DAILY_AT = None
    assert schedule.queue_due(at(7, 23)) == []
    assert RAN == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_scheduler_thread_queues_beside_the_worker(only_noted, settings):
    settings.ZHONGSHU_DAILY_AT = dt.time(0, 0)
    scheduler = schedule.DailyScheduler(interval=0.05)
    scheduler.start()
    try:
        end = time.monotonic() + 20
        while not RAN and time.monotonic() < end:
            time.sleep(0.05)
    finally:
        scheduler.stop()
        scheduler.join(timeout=20)
    assert not scheduler.is_alive()
    assert RAN == [timezone.localdate().isoformat()]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_TASKS)
def test_many_workers_at_the_same_moment_queue_the_day_once(only_noted):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises the workers")
    barrier = threading.Barrier(8)
    queued, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            queued.extend(schedule.queue_due(at(7, 8)))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and queued == ["noted"]
    assert DBTaskResult.objects.filter(task_path__endswith=".noted").count() == 1
