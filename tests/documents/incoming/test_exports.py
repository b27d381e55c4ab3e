"""The 收文登记簿's 导出 Excel: a background export, filtered like the register, holding
only what its owner may see, for the owner alone (kernel.exports)."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.documents.incoming.helpers import register, to_handling
from zhongshu.kernel.exports import TITLE_ROWS
from zhongshu.kernel.models import Job, JobStatus


def test_export_of_the_incoming_register(org, client, django_capture_on_commit_callbacks):
    to_handling(org, title="关于申请专项经费的请示")
    meeting = register(org, title="关于召开会议的通知", doc_type="通知")
    secret = register(org, actor=org.clerk, title="关于机密事项的通知", doc_type="通知",
                      classification=3, secrecy_years=10)
    client.force_login(org.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("incoming:export") + "?doc_type=通知&sort=-received")
    job = Job.objects.get()
    assert started.url == reverse("jobs:detail", args=[job.pk])
    assert (job.owner, job.kind, job.status) == (org.secretary, "incoming_register", JobStatus.DONE)

    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "导出收文登记簿" in page and "已完成" in page
    # Back to the register as it was filtered.
    assert f'href="{reverse("incoming:register")}?' in page and "doc_type=%E9%80%9A%E7%9F%A5" in page

    rows = list(load_workbook(io.BytesIO(client.get(reverse("jobs:download", args=[job.pk])).content))
                .active.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    assert rows[0][0] == "收文号"
    # Filtered to 通知; the 机密 document the secretary may not see is absent.
    assert [r[4] for r in rows[1:]] == [meeting.title]
    assert secret.title not in str(rows)

    # The clerk's own export of the same filter holds both; neither sees the other's job.
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(org.clerk)
        client.post(reverse("incoming:export") + "?doc_type=通知")
    clerk_job = Job.objects.exclude(pk=job.pk).get()
    rows = list(load_workbook(io.BytesIO(client.get(reverse("jobs:download", args=[clerk_job.pk])).content))
                .active.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))
    assert {r[4] for r in rows[1:]} == {meeting.title, secret.title}
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    client.force_login(org.secretary)
    assert client.get(reverse("jobs:download", args=[clerk_job.pk])).status_code == 404


def test_export_needs_the_incoming_register(org, client):
    client.force_login(org.handler)
    assert client.post(reverse("incoming:export")).status_code == 403
    client.force_login(org.secretary)
    assert client.get(reverse("incoming:export")).status_code == 405
    assert not Job.objects.exists()


def test_the_register_page_offers_the_export_as_a_form(org, client):
    client.force_login(org.secretary)
    html = client.get(reverse("incoming:register"), {"doc_type": "通知"}).content.decode()
    assert f'method="post" action="{reverse("incoming:export")}?doc_type=' in html
