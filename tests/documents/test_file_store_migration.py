"""The upgrade moves every file's bytes out of the database into the file store and the
downgrade moves them back, without losing a byte; a run that dies half-way goes on from
where it stopped when run again (decision 1310)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests import uploads
from tests.documents.conftest import build_office, notice_spec
from tests.documents.helpers import act, agree_until
from tests.factories import PersonFactory
from zhongshu.documents import services
from zhongshu.kernel import filestore

BEFORE = [("kernel", "0007_remove_exportjob"), ("incoming", "0009_reply_files_reply_drafts_co_units"),
          ("documents", "0005_also_submit_to"), ("workflow", "0008_opinion_phrases"),
          ("supervision", "0003_ledger_light_updated_in_place")]
AFTER = [("kernel", "0010_job_files_content_column_removed"),
         ("incoming", "0012_incoming_files_content_column_removed"),
         ("documents", "0008_attachments_content_column_removed"),
         ("workflow", "0011_task_files_content_column_removed"),
         ("supervision", "0006_instruction_scans_content_column_removed")]
# model: (bytes column before, pointer after)
FILES = {"kernel.JobFile": ("content", "blob"), "incoming.IncomingFile": ("content", "blob"),
         "documents.OutgoingAttachment": ("content", "blob"), "workflow.TaskFile": ("content", "blob"),
         "supervision.InstructionRecord": ("scan", "scan_blob")}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def office_with_files() -> dict[str, dict[int, bytes]]:
    """An office's files of every kind, made by the services as the office makes them: a
    document with two attachments issued to two units (their copies and the attachments
    they share), a task report's evidence, a paper instruction's scan and an export."""
    from zhongshu.kernel.models import Job, JobFile, JobStatus
    from zhongshu.org.models import RoleCode
    from zhongshu.supervision import services as supervision
    from zhongshu.workflow.models import Task, TaskFile, TaskReport

    office = build_office()
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec())
    for name, text in (("工作安排表.pdf", "安排"), ("名单.pdf", "名单")):
        services.outgoing_attachment_add(actor=office.drafter, document=doc, name=name, data=uploads.pdf(text))
    services.outgoing_distribution_set(actor=office.drafter, document=doc, main_units=[office.county],
                                       cc_units=[office.bureau], externals=[])
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "分发")
    act(doc, "分发")
    task = Task.objects.first()
    report = TaskReport.objects.create(task=task, kind="progress", author=office.county_secretary, text="已办理。")
    TaskFile.objects.create(report=report, name="佐证.pdf", kind="pdf", content_type="application/pdf",
                            size=9, blob=filestore.put(b"%PDF-1.4\n"))
    officer = PersonFactory(username="ducha", unit=office.organ, roles=[RoleCode.SUPERVISION_OFFICER])
    supervision.instruction_register(actor=officer, leader=office.leader, kind="reference", text="阅。",
                                     document_title="情况通报", given_on=timezone.localdate(),
                                     scan=("批示件.pdf", uploads.pdf("批示")))
    now = timezone.now()
    job = Job.objects.create(owner=office.drafter, kind="outgoing_register", status=JobStatus.DONE,
                             finished_at=now, expires_at=now + dt.timedelta(hours=24))
    JobFile.objects.create(job=job, purpose="result", name="发文登记簿.xlsx", content_type="application/x",
                           size=7, blob=filestore.put(b"PK xlsx"))
    from django.apps import apps

    return contents(apps)


def contents(apps) -> dict[str, dict[int, bytes]]:
    """Every file's bytes by model and row, wherever they are at this schema: in the
    store when the row points at them, else in the column."""
    found: dict[str, dict[int, bytes]] = {}
    for label, (column, pointer) in FILES.items():
        model = apps.get_model(label)
        fields = {f.name for f in model._meta.get_fields()}
        found[label] = {}
        for row in model.objects.all():
            blob = getattr(row, pointer) if pointer in fields else None
            if blob is not None:
                found[label][row.pk] = _read(apps, blob)
            elif column in fields and getattr(row, column) is not None:
                found[label][row.pk] = bytes(getattr(row, column))
    return found


def _read(apps, blob) -> bytes:
    from zhongshu.kernel import blobs

    return blobs.read_checked(blobs.object_name(blob.algorithm, blob.digest), algorithm=blob.algorithm,
                              digest=blob.digest, size=blob.size)


def fingerprint(files: dict[str, dict[int, bytes]]) -> dict[str, dict[int, str]]:
    return {label: {pk: hashlib.sha256(data).hexdigest() for pk, data in rows.items()}
            for label, rows in files.items()}


@pytest.mark.django_db(transaction=True)
def test_files_move_out_and_back_in_without_loss_and_a_broken_run_goes_on(newest_schema_after, monkeypatch):
    expected = fingerprint(office_with_files())
    assert {label: len(rows) for label, rows in expected.items()} == {
        "kernel.JobFile": 1, "incoming.IncomingFile": 8, "documents.OutgoingAttachment": 2,
        "workflow.TaskFile": 1, "supervision.InstructionRecord": 1}

    old = migrate(BEFORE)  # back into the database
    assert fingerprint(contents(old)) == expected

    # The upgrade dies on the fifth file: what was moved stays moved, nothing is lost …
    real, calls = filestore.put, []

    def failing_put(data, **kw):
        calls.append(1)
        if len(calls) == 5:
            raise OSError("file store unreachable")
        return real(data, **kw)

    monkeypatch.setattr(filestore, "put", failing_put)
    with pytest.raises(OSError, match="unreachable"):
        migrate(AFTER)
    monkeypatch.setattr(filestore, "put", real)
    executor = MigrationExecutor(connection)
    applied = executor.loader.applied_migrations
    half = executor.loader.project_state(list(applied)).apps
    moved = {label: half.get_model(label).objects.filter(**{f"{pointer}__isnull": False}).count()
             for label, (_, pointer) in FILES.items()
             if any(f.name == pointer for f in half.get_model(label)._meta.get_fields())}
    assert sum(moved.values()) == 4 and fingerprint(contents(half)) == expected

    # … and the next run goes on from there.
    new = migrate(AFTER)
    assert fingerprint(contents(new)) == expected
    # The two copies' shared attachments are one stored object each.
    incoming = new.get_model("incoming", "IncomingFile").objects.filter(is_attachment=True)
    assert incoming.count() == 4 and incoming.values("blob").distinct().count() == 2

    # Down and up again: the same bytes each way.
    assert fingerprint(contents(migrate(BEFORE))) == expected
    assert fingerprint(contents(migrate(AFTER))) == expected
