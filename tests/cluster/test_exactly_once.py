"""Two application hosts and two task workers against one PostgreSQL (issue 13 §2): each
number is given once and without gaps, each job runs once, each reminder is sent once.

Two real `zhongshu run` processes (gunicorn and the task worker each starts beside it) on
two ports, as two hosts behind a proxy would run them, against the test's own database.
Both workers queue the day's work (reminders, the 督办 daily job, the clean-up) as they
start and every second after; a secretary signed in on the first host registers 收文 on
both at the same moment; jobs are queued twice over for the two workers to race on; a
fixed day's reminder run is queued four times, as cron on several hosts would."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests import uploads
from tests.cluster.settings import CACHES as CLUSTER_CACHES
from tests.documents.incoming.conftest import build_org
from tests.factories import PASSWORD, PersonFactory
from tests.test_serve import ZS, environment, free_port, wait_for
from tests.workflow_sample.models import Memo
from zhongshu.audit.models import AuditEvent
from zhongshu.documents.incoming.exports import INCOMING_REGISTER
from zhongshu.documents.incoming.models import IncomingDocument
from zhongshu.inbox.events import InboxEvent
from zhongshu.inbox.models import Notification
from zhongshu.inbox.tasks import send_reminders
from zhongshu.kernel import tasks as kernel_tasks
from zhongshu.kernel.exports import export_submit
from zhongshu.kernel.models import Job, JobFile, JobStatus
from zhongshu.org.models import RoleCode

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

REGISTRATIONS = 16  # 收文, half through each host
JOB_OWNERS = 4  # three jobs each (the most one person may have open)
DEADLINE = 45  # seconds for any one phase; polled, never slept through


def _poll(what: str, ready, timeout: float = DEADLINE):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = ready()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {timeout} s")


@pytest.fixture
def world(transactional_db):
    """The organisation, and eight steps of the department head's that fell due on DUE
    (overdue today) — there before the hosts start, as on any morning."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite is served by one host")
    ContentType.objects.clear_cache()
    org = build_org()
    return org, _memos_due(org)


@pytest.fixture
def cluster(world, tmp_path, settings):
    with override_settings(CACHES=CLUSTER_CACHES):
        call_command("createcachetable", verbosity=0)
    db = connection.settings_dict  # the test database, not the one the settings name
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    mail = tmp_path / "mail"
    hosts, logs = [], []
    for n in range(2):
        port = free_port()
        log = tmp_path / f"host{n}.log"
        env = environment(Path(settings.VAR_DIR), DJANGO_SETTINGS_MODULE="tests.cluster.settings",
                          ZHONGSHU_DATABASE_URL=url, ZHONGSHU_PORT=str(port), ZHONGSHU_WORKERS="1",
                          ZHONGSHU_THREADS="8", ZHONGSHU_TEST_MAIL_DIR=str(mail),
                          # Both workers queue the day's work at once and every second after.
                          ZHONGSHU_DAILY_AT="00:00", ZHONGSHU_DAILY_CHECK_SECONDS="1")
        env["DJANGO_SETTINGS_MODULE"] = "tests.cluster.settings"
        with log.open("w") as out:
            process = subprocess.Popen([*ZS, "run"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        hosts.append((f"http://127.0.0.1:{port}", process))
        logs.append(log)
    try:
        for base, process in hosts:
            assert '"database": true' in wait_for(f"{base}/healthz", process, timeout=60)
        # Each host's task worker is polling the queue before any work is queued.
        _poll("both task workers started", lambda: all(
            "Starting worker" in log.read_text() for log in logs), timeout=60)
        yield [base for base, _ in hosts], mail
    finally:
        for _base, process in hosts:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _base, process in hosts:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _signed_in(base: str, username: str) -> dict[str, str]:
    """The cookies of a session signed in on ``base`` through the sign-in page."""
    browser = requests.Session()
    browser.get(f"{base}/accounts/login/", timeout=30)
    response = browser.post(f"{base}/accounts/login/", timeout=30, data={
        "username": username, "password": PASSWORD,
        "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    assert response.status_code == 200 and "退出" in response.text, response.text[:500]
    return dict(browser.cookies)


def _register(base: str, cookies: dict[str, str], org, n: int) -> str:
    """One 收文 registered through ``base``'s form; the page the secretary lands on."""
    browser = requests.Session()
    browser.cookies.update(cookies)
    response = browser.post(f"{base}/documents/incoming/new/", timeout=60, data={
        "csrfmiddlewaretoken": cookies["csrftoken"], "recipient_unit": org.committee.pk,
        "title": f"关于第{n}项工作的请示", "doc_type": "请示", "doc_number": f"测区委〔2026〕{n}号",
        "sender_unit": org.sub.pk, "sender_name": "", "channel": "paper", "urgency": "normal",
        "classification": "1"}, files={"main_file": ("请示.pdf", uploads.pdf(f"来文{n}"), "application/pdf")})
    return f"{response.status_code} {response.url}\n{response.text}"


def test_two_hosts_and_two_workers_give_each_number_job_and_reminder_once(world, cluster):
    (first, second), mail = cluster
    org, reminded = world
    today = timezone.localdate()

    # --- the day's work, queued by the two workers themselves: once, and run once ---
    daily = ["send_reminders", "run_daily", "purge_jobs"]
    _poll("the day's work done", lambda: DBTaskResult.objects.filter(
        args_kwargs__args=[today.isoformat()], status="SUCCESSFUL").count() >= len(daily))
    assert sorted(r.task_path.rsplit(".", 1)[1] for r in DBTaskResult.objects.filter(
        args_kwargs__args=[today.isoformat()])) == sorted(daily)
    overdue = Notification.objects.filter(day=today, kind="overdue")
    assert sorted(overdue.values_list("recipient_id", "item_key")) == sorted(reminded)

    # --- numbers: 16 registrations at once, half on each host, one signed-in session ---
    cookies = _signed_in(first, org.secretary.username)  # the other host knows the session
    pages: list[str] = [""] * REGISTRATIONS
    barrier = threading.Barrier(REGISTRATIONS)

    def register(i: int) -> None:
        barrier.wait(timeout=30)
        pages[i] = _register(first if i % 2 else second, cookies, org, i)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(REGISTRATIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    told = [re.search(r"已登记，收文号 ([^。<]+)。", page) for page in pages]
    assert all(told), [p[:300] for p, m in zip(pages, told) if not m]
    numbers = [m.group(1) for m in told if m]
    docs = IncomingDocument.objects.filter(title__startswith="关于第")
    assert sorted(numbers) == sorted(docs.values_list("receipt_number", flat=True))
    assert len(set(numbers)) == REGISTRATIONS
    assert sorted(docs.values_list("receipt_seq", flat=True)) == list(range(1, REGISTRATIONS + 1))

    # --- jobs: twelve exports, each queued twice, for the two workers to race on ---
    owners = [org.secretary] + [PersonFactory(full_name=f"秘书{i}", unit=org.ms1, roles=[RoleCode.SECRETARY])
                                for i in range(JOB_OWNERS - 1)]
    with override_settings(TASKS=CLUSTER_TASKS):
        jobs = [export_submit(actor=p, kind=INCOMING_REGISTER, params={}) for p in owners for _ in range(3)]
        for job in jobs:
            kernel_tasks.run_job.enqueue(job.pk)
    ids = [j.pk for j in jobs]
    _poll("every job finished", lambda: not Job.objects.filter(pk__in=ids).exclude(
        status=JobStatus.DONE).exclude(status=JobStatus.FAILED).exists())
    assert Counter(Job.objects.filter(pk__in=ids).values_list("status", "attempts")) == {
        (JobStatus.DONE, 1): len(ids)}
    assert Counter(JobFile.objects.filter(job_id__in=ids, purpose=JobFile.Purpose.RESULT)
                   .values_list("job_id", flat=True)) == dict.fromkeys(ids, 1)
    # The secretary's three workbooks each list the 16 registrations.
    assert set(Job.objects.filter(pk__in=ids[:3]).values_list("result__rows", flat=True)) == {
        REGISTRATIONS}

    # --- reminders of a fixed day, queued four times (cron on each host, twice over) ---
    with override_settings(TASKS=CLUSTER_TASKS):
        runs = [send_reminders.enqueue(DUE.isoformat()).id for _ in range(4)]
    _poll("the four reminder runs finished", lambda: DBTaskResult.objects.filter(
        pk__in=runs, status__in=["SUCCESSFUL", "FAILED"]).count() == len(runs))
    results = list(DBTaskResult.objects.filter(pk__in=runs))
    assert {r.status for r in results} == {"SUCCESSFUL"}, [r.traceback for r in results]
    assert sum(r.return_value["sent"] for r in results) == len(reminded)
    assert sum(r.return_value["skipped"] for r in results) == 3 * len(reminded)
    sent = Notification.objects.filter(day=DUE)
    assert sorted(sent.values_list("recipient_id", "item_key")) == sorted(reminded)
    assert AuditEvent.objects.filter(action=InboxEvent.REMINDER_SEND,
                                     object_id__in=[str(pk) for pk in sent.values_list("pk", flat=True)]
                                     ).count() == len(reminded)
    # One e-mail per reminder (DUE's and today's), whichever worker sent it.
    to_head = [line for f in mail.iterdir() for line in f.read_text().splitlines()
               if line == "To: head@example.org"]
    assert len(to_head) == 2 * len(reminded)

    # The work really was shared: both hosts' workers ran tasks of this test.
    workers = {w for r in DBTaskResult.objects.all() for w in r.worker_ids}
    assert len(workers) == 2, workers


# Started on Wednesday 17 June 2026 with a two-working-day limit, a route's first step is
# due on Monday 22 June (19 June is the Dragon Boat holiday): tests/inbox/test_reminders.py.
STARTED = dt.date(2026, 6, 17)
DUE = dt.date(2026, 6, 22)
CLUSTER_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _memos_due(org) -> list[tuple[int, str]]:
    """Eight routes whose first step (the department head's) falls due on DUE; the
    (recipient, item key) of each reminder that day."""
    from tests.workflow.conftest import stage
    from zhongshu.workflow import services as workflow
    from zhongshu.workflow.models import AssigneeKind, StageMode

    head = org.handler
    head.email = "head@example.org"
    head.save()
    template = workflow.template_create(actor=org.director, purpose="memo_approval", code="cluster",
                                        name="集群测试流程", stages=[
        stage("处长审核", StageMode.SINGLE, [{"kind": AssigneeKind.DRAFTER_UNIT_HEAD}], deadline=2)])
    drafter = PersonFactory(full_name="拟稿人", unit=org.dept)
    keys = []
    for n in range(8):
        memo = Memo.objects.create(title=f"事项{n}", owner=drafter)
        route = workflow.route_start(actor=drafter, obj=memo, template=template, title=memo.title,
                                     today=STARTED)
        [step] = route.steps.filter(status="pending")
        assert step.due_date == DUE and step.assignee_id == head.pk
        keys.append((head.pk, f"workflow.step:{step.pk}"))
    return keys


def test_what_one_host_keeps_is_computed_again_after_a_write_on_the_other(world, cluster):
    """待办 and its count are kept by each host until the next write (decision 1330): a
    收文 registered through one host is in the secretary's 待办 on the other at once."""
    (first, second), _mail = cluster
    org, _reminded = world
    cookies = _signed_in(first, org.secretary.username)
    browser = requests.Session()
    browser.cookies.update(cookies)

    def todo_on(base: str) -> tuple[int, str]:
        html = browser.get(f"{base}/inbox/", timeout=30).text
        found = re.search(r"待办 \((\d+)\)", html)
        assert found, html[:500]
        return int(found.group(1)), html

    before, _html = todo_on(second)
    assert todo_on(second)[0] == before  # the second view is served from what was kept
    assert "已登记，收文号" in _register(first, cookies, org, 99)
    after, html = todo_on(second)
    assert after == before + 1 and "关于第99项工作的请示" in html
