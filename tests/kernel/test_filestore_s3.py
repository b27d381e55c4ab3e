"""The file store on S3-compatible object storage (django-storages), against moto's
standalone S3 server started here on 127.0.0.1: the same guarantees as on the file system
(decision 1310), and a real upload and download through the pages."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests import uploads
from zhongshu import cli
from zhongshu.kernel import blobs, filestore
from zhongshu.kernel.models import StoredFile

BUCKET = "zhongshu-files"
REGION = "cn-north-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server, settings, monkeypatch):
    """The file store in a fresh bucket of the server, configured as an office would:
    ZHONGSHU_FILE_STORE and the AWS_* keys in the environment."""
    import boto3

    from zhongshu.config.env import env_file_store

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "zhongshu-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "zhongshu-test-secret")
    monkeypatch.setenv("ZHONGSHU_FILE_STORE",
                       f"s3://{BUCKET}/office?endpoint_url={s3_server}&region={REGION}&addressing_style=path")
    client = boto3.client("s3", endpoint_url=s3_server, region_name=REGION)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {**settings.STORAGES, "files": env_file_store("ZHONGSHU_FILE_STORE", settings.VAR_DIR)}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.django_db
def test_stored_once_in_the_bucket_and_read_back_checked(s3):
    data = "批示件扫描".encode() * 5000
    first, second = filestore.put(data), filestore.put(data)
    assert first.pk == second.pk and StoredFile.objects.count() == 1
    assert keys(s3) == [f"office/sm3/{first.digest[:2]}/{first.digest[2:4]}/{first.digest}"]
    assert filestore.read(first) == data


@pytest.mark.django_db
def test_verify_names_an_object_changed_or_lost_in_the_bucket(s3, staff, capsys):
    from tests.kernel.test_filestore import job_file

    changed, lost, good = filestore.put(b"to be changed"), filestore.put(b"to be lost"), filestore.put(b"fine")
    job_file(staff, changed, "督办台账.xlsx")
    assert cli.main(["files", "verify", "--quiet"]) == 0
    s3.put_object(Bucket=BUCKET, Key=f"office/{changed.name}", Body=b"to be CHANGED")
    s3.delete_object(Bucket=BUCKET, Key=f"office/{lost.name}")
    with pytest.raises(blobs.Damaged, match="文件内容已被改动"):
        filestore.read(changed)
    with pytest.raises(blobs.Damaged, match="文件缺失"):
        filestore.read(lost)
    with pytest.raises(SystemExit) as exc:
        cli.main(["files", "verify", "--quiet"])
    out = capsys.readouterr()
    assert exc.value.code == 1 and "2 个文件损坏或缺失（共 3 个）" in out.err
    assert f"损坏：{changed.name}" in out.out and "督办台账.xlsx" in out.out
    assert f"损坏：{lost.name}" in out.out and "文件缺失" in out.out and good.name not in out.out


@pytest.mark.django_db
def test_gc_removes_an_orphan_object_from_the_bucket_after_the_grace(s3, staff):
    from tests.kernel.test_filestore import job_file

    kept = filestore.put(b"kept")
    job_file(staff, kept)
    orphan = blobs.object_name(blobs.ALGORITHM, blobs.hasher().hexdigest())  # a rolled-back upload's
    blobs.write(orphan, io.BytesIO(b""))
    assert filestore.gc().objects == 0
    assert filestore.gc(now=timezone.now() + dt.timedelta(days=2)).objects == 1
    assert keys(s3) == [f"office/{kept.name}"]


@pytest.mark.django_db
def test_an_attachment_uploaded_and_downloaded_through_the_pages(s3, client):
    from tests.documents.conftest import build_office, notice_spec
    from zhongshu.documents import services

    office = build_office()
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec())
    client.force_login(office.drafter)
    data = uploads.pdf("年终工作安排")
    page = client.post(reverse("documents:attachment_add", args=[doc.pk]),
                       {"title": "年终工作安排表", "file": SimpleUploadedFile("安排表.pdf", data)}, follow=True)
    assert "附件“年终工作安排表”已上传" in page.content.decode()
    attachment = doc.attachment_files.get()
    assert keys(s3) == [f"office/{attachment.blob.name}"]
    got = client.get(reverse("documents:attachment_download", args=[doc.pk, attachment.pk]))
    assert got.status_code == 200 and got.getvalue() == data
    # Damaged in the bucket: refused with a message in Chinese, not served.
    s3.put_object(Bucket=BUCKET, Key=f"office/{attachment.blob.name}", Body=data[:-5])
    refused = client.get(reverse("documents:attachment_download", args=[doc.pk, attachment.pk]), follow=True)
    assert "存储的文件已损坏：文件大小不符" in refused.content.decode()
