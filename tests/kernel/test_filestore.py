"""The file store (kernel.blobs, kernel.filestore, docs/decisions/1310): files once by
content, checked when read, `zhongshu files verify` naming the damaged, gc, and nothing
lost when a write or its transaction fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os

import pytest
from django.db import transaction
from django.utils import timezone

from zhongshu import cli
from zhongshu.kernel import blobs, filestore
from zhongshu.kernel.models import Job, JobFile, JobStatus, StoredFile

pytestmark = pytest.mark.django_db


def on_disk(store, blob: StoredFile):
    return store / blob.name


def objects_in(store) -> list[str]:
    return sorted(str(p.relative_to(store)) for p in store.rglob("*") if p.is_file())


def job_file(owner, blob: StoredFile, name="结果.xlsx") -> JobFile:
    now = timezone.now()
    job = Job.objects.create(owner=owner, kind="outgoing_register", status=JobStatus.DONE, finished_at=now,
                             expires_at=now + dt.timedelta(hours=24))
    return JobFile.objects.create(job=job, purpose=JobFile.Purpose.RESULT, name=name,
                                  content_type="application/octet-stream", size=blob.size, blob=blob)


def test_the_same_bytes_are_stored_once_under_their_sm3_digest(file_store):
    data = "关于做好年终工作的通知".encode() * 1000
    first, second = filestore.put(data), filestore.put(io.BytesIO(data))
    assert first.pk == second.pk and StoredFile.objects.count() == 1
    assert (first.algorithm, first.digest, first.size) == ("sm3", hashlib.new("sm3", data).hexdigest(), len(data))
    assert objects_in(file_store) == [f"sm3/{first.digest[:2]}/{first.digest[2:4]}/{first.digest}"]
    assert on_disk(file_store, first).read_bytes() == data
    assert filestore.read(first) == data


def test_a_large_stream_is_stored_in_chunks_and_read_back_whole(file_store):
    data = os.urandom(12 * 1024 * 1024 + 7)  # larger than the 8 MB kept in memory
    blob = filestore.put(io.BytesIO(data))
    assert blob.size == len(data) and blob.read() == data


@pytest.mark.parametrize(("damage", "what"), [
    (lambda p: p.write_bytes(p.read_bytes()[:-1] + b"X"), "文件内容已被改动（SM3 摘要不符）"),
    (lambda p: p.write_bytes(p.read_bytes()[:10]), "文件大小不符（应为 2000 字节，实际 10 字节）"),
    (lambda p: p.unlink(), "文件缺失"),
])
def test_a_damaged_or_missing_file_is_refused_when_read(file_store, damage, what):
    blob = filestore.put(b"A" * 2000)
    damage(on_disk(file_store, blob))
    with pytest.raises(blobs.Damaged) as exc:
        filestore.read(StoredFile.objects.get(pk=blob.pk))
    assert what in str(exc.value) and "请联系系统管理员从备份恢复" in str(exc.value)


def test_files_verify_names_the_damaged_file_and_what_uses_it(file_store, staff, capsys):
    good = filestore.put(b"good bytes")
    bad = filestore.put(b"bytes that will rot on disk")
    job_file(staff, good, "完好.xlsx")
    job_file(staff, bad, "登记簿导出.xlsx")
    assert cli.main(["files", "verify", "--quiet"]) == 0
    assert "文件存储完好：共 2 个文件" in capsys.readouterr().out
    path = on_disk(file_store, bad)
    path.write_bytes(path.read_bytes().replace(b"rot", b"ROT"))
    with pytest.raises(SystemExit) as exc:
        cli.main(["files", "verify"])
    assert exc.value.code == 1
    out = capsys.readouterr()
    assert f"损坏：{bad.name}" in out.out and "文件内容已被改动" in out.out
    assert "后台任务文件 #" in out.out and "登记簿导出.xlsx" in out.out
    assert good.name not in out.out and "完好.xlsx" not in out.out
    assert "1 个文件损坏或缺失（共 2 个）" in out.err and "已校验 2/2" in out.err


def test_a_rolled_back_upload_leaves_no_row_and_gc_removes_its_object_after_the_grace(file_store):
    with pytest.raises(RuntimeError), transaction.atomic():
        filestore.put(b"an upload whose registration fails")
        raise RuntimeError("registration failed")
    assert not StoredFile.objects.exists() and len(objects_in(file_store)) == 1
    # Young objects may belong to a transaction still running: kept.
    assert filestore.gc().objects == 0 and len(objects_in(file_store)) == 1
    later = timezone.now() + dt.timedelta(hours=25)
    assert filestore.gc(now=later, dry_run=True).objects == 1 and len(objects_in(file_store)) == 1
    assert filestore.gc(now=later).objects == 1 and objects_in(file_store) == []


def test_gc_removes_what_nothing_points_at_and_never_a_file_in_use(file_store, staff, capsys):
    used, unused = filestore.put(b"still used"), filestore.put(b"no longer used")
    job_file(staff, used)
    StoredFile.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    assert cli.main(["files", "gc"]) == 0
    assert "已清理：1 条无人引用的文件记录" in capsys.readouterr().out
    assert list(StoredFile.objects.all()) == [used] and unused.name in objects_in(file_store)
    # The row went now; its object is no older than the row was, so it waits its grace.
    later = timezone.now() + dt.timedelta(days=2)
    assert filestore.gc(now=later) == filestore.Collected(rows=0, objects=1)
    assert objects_in(file_store) == [used.name] and filestore.read(used) == b"still used"


def test_a_write_that_dies_half_way_leaves_no_object_under_its_name(file_store, monkeypatch):
    class Failing(io.BytesIO):
        def read(self, size=-1):
            if self.tell() > 0:
                raise OSError("disk full")
            return super().read(min(size, 100))

    data = b"x" * 1000
    content = Failing(data)
    name = blobs.object_name("sm3", hashlib.new("sm3", data).hexdigest())
    with pytest.raises(OSError, match="disk full"):
        blobs.write(name, content)
    assert objects_in(file_store) == []  # no truncated object, and no temporary file left


def test_a_lost_object_is_written_again_when_the_same_bytes_are_stored(file_store):
    blob = filestore.put(b"the same scan again")
    on_disk(file_store, blob).unlink()
    assert filestore.put(b"the same scan again").pk == blob.pk
    assert filestore.read(blob) == b"the same scan again"


def test_the_file_store_setting_is_checked_at_start(monkeypatch, tmp_path):
    from zhongshu.config.env import SettingError, env_file_store

    monkeypatch.setenv("ZS_STORE", "s3://archive-bucket/zhongshu?endpoint_url=http://127.0.0.1:9000&region=cn-1")
    assert env_file_store("ZS_STORE", tmp_path) == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "archive-bucket", "location": "zhongshu", "file_overwrite": True, "default_acl": None,
        "querystring_auth": True, "endpoint_url": "http://127.0.0.1:9000", "region_name": "cn-1"}}
    monkeypatch.setenv("ZS_STORE", f"file://{tmp_path}/files")
    assert env_file_store("ZS_STORE", tmp_path)["OPTIONS"] == {"location": f"{tmp_path}/files"}
    for bad, said in [("s3://key:secret@bucket", "AWS_ACCESS_KEY_ID"), ("s3://bucket?acl=public", "unknown option"),
                      ("ftp://host/dir", "expected file:///dir or s3://"), ("file://relative", "absolute")]:
        monkeypatch.setenv("ZS_STORE", bad)
        with pytest.raises(SettingError, match=said):
            env_file_store("ZS_STORE", tmp_path)
