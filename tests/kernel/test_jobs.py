"""The one background job model (kernel.jobs) with a kind of its own: the claim token,
stale recovery, the late worker, retry, the clean-up, the pages."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory
from zhongshu.audit.models import AuditEvent
from zhongshu.kernel import jobs
from zhongshu.kernel.jobs import registry, runner
from zhongshu.kernel.models import Job, JobFile, JobStatus
from zhongshu.kernel.tasks import run_job
from zhongshu.layout.proofread.actions import ProofreadAction
from zhongshu.org.models import RoleCode

CODE = "test_count"


class Counting:
    """A kind whose work the test controls: count to ``n``, then ``during`` (if set)
    runs before the kind hands back its outcome, whose write is recorded in ``written``."""

    def __init__(self) -> None:
        self.n = 3
        self.during = None
        self.written: list[int] = []

    def run(self, ctx: jobs.JobContext) -> jobs.JobOutcome:
        ctx.stage("计数中", total=self.n)
        for i in range(1, self.n + 1):
            ctx.progress(i)
        if self.during:
            self.during()
        return jobs.JobOutcome(summary={"counted": self.n}, write=lambda: self.written.append(ctx.job_id),
                               file=jobs.ResultFile("count.txt", b"1 2 3", "text/plain"))


@pytest.fixture
def kind(monkeypatch):
    counting = Counting()
    monkeypatch.setitem(registry._KINDS, CODE, jobs.JobKind(
        code=CODE, label="测试计数", action=ProofreadAction.USE, run=counting.run,
        submit_event="test.job.submit", download_event="test.job.download", unit="项"))
    return counting


@pytest.fixture
def owner(db):
    return PersonFactory(username="owner", full_name="提交人甲", roles=[RoleCode.SECRETARY])


def submit(owner, capture):
    with capture(execute=False):
        return jobs.job_submit(actor=owner, kind=CODE, params={"a": "1"})


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_a_job_runs_reports_progress_and_keeps_its_file(owner, kind, capture, client):
    job = submit(owner, capture)
    assert job.status == JobStatus.QUEUED and AuditEvent.objects.filter(action="test.job.submit").exists()
    run_job.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.result, job.attempts) == (
        JobStatus.DONE, 3, 3, {"counted": 3}, 1)
    assert kind.written == [job.pk] and job.claim is not None
    client.force_login(owner)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "测试计数" in html and "已完成。" in html and "下载 count.txt" in html
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.content == b"1 2 3" and response["Content-Type"] == "text/plain"
    event = AuditEvent.objects.get(action="test.job.download")
    assert event.details == {"kind": CODE, "params": {"a": "1"}, "file_name": "count.txt", "size": 5}


@pytest.mark.django_db(transaction=True)
def test_of_two_claimers_exactly_one_wins():
    owner = PersonFactory(roles=[RoleCode.SECRETARY])
    job = Job.objects.create(owner=owner, kind=CODE)
    claimers = 6
    barrier = threading.Barrier(claimers)
    tokens, errors = [], []

    def claim():
        try:
            barrier.wait()
            tokens.append(runner.claim(job.pk))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim) for _ in range(claimers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    won = [t for t in tokens if t is not None]
    assert len(won) == 1 and len(tokens) == claimers
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.claim == won[0] and job.attempts == 1


def test_a_finished_job_is_not_claimed_again(owner, kind, capture):
    job = submit(owner, capture)
    run_job.call(job.pk)
    assert runner.claim(job.pk) is None
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.attempts == 1 and kind.written == [job.pk]


def _go_stale(job):
    long_ago = timezone.now() - jobs.stale_after() - dt.timedelta(minutes=1)
    Job.objects.filter(pk=job.pk).update(queued_at=long_ago, heartbeat_at=long_ago)


def test_a_late_worker_cannot_overwrite_a_job_run_again(owner, kind, capture):
    """Worker A falls silent; the job is marked interrupted and its owner runs it again;
    worker B does it. When A wakes up, nothing it reports or writes lands."""
    job = submit(owner, capture)
    token_a = runner.claim(job.pk)
    job_a = Job.objects.select_related("owner").get(pk=job.pk)
    ctx_a = runner.JobContext(job_a, registry.kind_of(CODE), token_a)
    ctx_a.progress(1, 3)
    _go_stale(job)
    assert jobs.purge().interrupted == 1
    with capture(execute=True):
        jobs.job_retry(actor=owner, job=Job.objects.get(pk=job.pk))
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 2, {"counted": 3})
    assert job.claim != token_a
    # A comes back.
    with pytest.raises(runner.JobLost):
        ctx_a.progress(2, 3)
    outcome = jobs.JobOutcome(summary={"counted": 99}, write=lambda: kind.written.append(-1))
    with pytest.raises(runner.JobLost):
        runner._finish(job_a, registry.kind_of(CODE), token_a, outcome)
    job.refresh_from_db()
    assert job.result == {"counted": 3} and kind.written == [job.pk]


def test_a_run_that_loses_its_job_before_the_end_writes_nothing(owner, kind, capture):
    job = submit(owner, capture)

    def taken_over():
        # Between the last progress report and the end: the job is run again elsewhere.
        Job.objects.filter(pk=job.pk).update(status=JobStatus.INTERRUPTED, finished_at=timezone.now())
        with capture(execute=False):
            jobs.job_retry(actor=owner, job=Job.objects.get(pk=job.pk))

    kind.during = taken_over
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and kind.written == []
    assert not JobFile.objects.filter(job=job).exists()


def test_a_slow_worker_may_still_finish_a_job_nobody_ran_again(owner, kind, capture):
    """Interrupted is what the job looks like from outside; the token decides: as long as
    nobody ran it again, the run holding the token may finish it."""
    job = submit(owner, capture)

    def fall_silent():
        _go_stale(job)
        assert jobs.recover_stale() == 1

    kind.during = fall_silent
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.failure == "" and kind.written == [job.pk]


def test_a_queued_job_whose_task_comes_late_still_runs(owner, kind, capture):
    job = submit(owner, capture)
    _go_stale(job)
    jobs.recover_stale()
    job.refresh_from_db()
    assert job.status == JobStatus.INTERRUPTED and job.started_at is None
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


@override_settings(ZHONGSHU_JOB_STALE_MINUTES=5)
def test_the_time_after_which_a_job_is_stale_is_configurable(owner, kind, capture):
    quiet, busy = submit(owner, capture), submit(owner, capture)
    runner.claim(quiet.pk), runner.claim(busy.pk)
    now = timezone.now()
    Job.objects.filter(pk=quiet.pk).update(heartbeat_at=now - dt.timedelta(minutes=6))
    Job.objects.filter(pk=busy.pk).update(heartbeat_at=now - dt.timedelta(minutes=4))
    assert jobs.recover_stale() == 1
    assert Job.objects.get(pk=quiet.pk).status == JobStatus.INTERRUPTED
    assert Job.objects.get(pk=busy.pk).status == JobStatus.RUNNING


def test_an_unexpected_error_is_told_in_chinese_and_logged(owner, kind, capture, client, caplog):
    def boom():
        raise ZeroDivisionError("division by zero in secret_module.py")

    kind.during = boom
    job = submit(owner, capture)
    # The task itself fails too, so that the worker's record of it says so.
    with pytest.raises(ZeroDivisionError):
        run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.failure == jobs.DEFAULT_ERROR_TEXT
    client.force_login(owner)
    for url in (reverse("jobs:detail", args=[job.pk]), reverse("jobs:list")):
        body = client.get(url).content.decode()
        assert jobs.DEFAULT_ERROR_TEXT in body
        assert "ZeroDivisionError" not in body and "secret_module" not in body
    assert "ZeroDivisionError" in caplog.text and "secret_module.py" in caplog.text


def test_a_job_of_an_unknown_kind_fails_with_a_reason(owner):
    job = Job.objects.create(owner=owner, kind="no_such_kind")
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.failure == "未知的任务类型，任务未执行。"


def test_an_interrupted_job_needing_its_upload_cannot_run_once_it_is_gone(owner, monkeypatch, capture):
    monkeypatch.setitem(registry._KINDS, "test_upload", jobs.JobKind(
        code="test_upload", label="测试上传", action=ProofreadAction.USE, needs_input=True,
        run=lambda ctx: jobs.JobOutcome(summary={"size": len(ctx.input())}), submit_event="test.upload"))
    with capture(execute=False):
        job = jobs.job_submit(actor=owner, kind="test_upload", upload=jobs.Upload("a.bin", b"abc", "x/y"))
    _go_stale(job)
    jobs.purge()
    job.refresh_from_db()
    assert job.status == JobStatus.INTERRUPTED and JobFile.objects.filter(job=job).exists()
    # 24 hours later the upload is deleted with the other expired files.
    jobs.purge(timezone.now() + jobs.FILE_EXPIRY + dt.timedelta(minutes=1))
    with pytest.raises(jobs.JobRefused, match="请重新上传"):
        jobs.job_retry(actor=owner, job=job)
    assert Job.objects.get(pk=job.pk).status == JobStatus.INTERRUPTED


def test_only_the_owner_runs_a_job_again(owner, kind, capture, client):
    job = submit(owner, capture)
    _go_stale(job)
    jobs.recover_stale()
    other = PersonFactory(roles=[RoleCode.SECRETARY])
    with pytest.raises(PermissionDenied):
        jobs.job_retry(actor=other, job=Job.objects.get(pk=job.pk))
    client.force_login(other)
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    assert Job.objects.get(pk=job.pk).status == JobStatus.INTERRUPTED
    assert not AuditEvent.objects.filter(action="kernel.job.retry").exists()


def test_the_purge_never_deletes_a_live_job(owner, kind, capture):
    job = submit(owner, capture)
    far = timezone.now() + jobs.KEEP * 2
    Job.objects.filter(pk=job.pk).update(queued_at=far)  # queued "just now" at that time
    assert jobs.purge(far).jobs == 0 and Job.objects.filter(pk=job.pk).exists()


def test_my_jobs_lists_every_kind_newest_first_with_progress(owner, kind, capture, client):
    done = submit(owner, capture)
    run_job.call(done.pk)
    running = submit(owner, capture)
    ctx_token = runner.claim(running.pk)
    runner.JobContext(Job.objects.get(pk=running.pk), registry.kind_of(CODE), ctx_token).stage("计数中", 7)
    Job.objects.filter(pk=running.pk).update(done=2)
    queued = Job.objects.create(owner=owner, kind="outgoing_register")
    client.force_login(owner)
    response = client.get(reverse("jobs:list"))
    assert [r["job"].pk for r in response.context["rows"]] == [queued.pk, running.pk, done.pk]
    html = response.content.decode()
    assert "导出发文登记簿" in html and "测试计数" in html
    assert "2/7 项" in html and "排队中" in html and reverse("jobs:download", args=[done.pk]) in html
    fragment = client.get(reverse("jobs:detail", args=[running.pk]), headers={"HX-Request": "true"})
    assert "计数中 2/7 项" in fragment.content.decode() and 'value="29"' in fragment.content.decode()


def test_the_list_is_paginated(owner):
    Job.objects.bulk_create([Job(owner=owner, kind=CODE, status=JobStatus.FAILED, failure="x",
                                 finished_at=timezone.now()) for _ in range(35)])
    from django.test import Client

    client = Client()
    client.force_login(owner)
    first = client.get(reverse("jobs:list"))
    assert len(first.context["rows"]) == 30 and "第 1 / 2 页" in first.content.decode()
    assert len(client.get(reverse("jobs:list"), {"page": 2}).context["rows"]) == 5
