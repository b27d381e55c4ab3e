"""Issue 11 §7: the auditor saw 机密 titles in route and step events. Every event about an
item carries the item's level, and the audit page, its search and its export mask the
title and the item's words in the details for a viewer below that level.

Before the fix the route and step events of a 机密 draft carried no level (a route has
none of its own), so the page and the export showed the draft's title to an auditor
cleared 一般 (秘密 at most), and a search for the title found those events."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import uploads
from tests.documents.conftest import build_office, notice_spec
from tests.factories import PersonFactory
from zhongshu.access.classification import Level
from zhongshu.audit import services as audit
from zhongshu.audit.models import AuditEvent
from zhongshu.audit.selectors import HIDDEN_REPR, HIDDEN_TEXT
from zhongshu.documents import services
from zhongshu.kernel.models import Job
from zhongshu.org.models import Clearance, RoleCode

TITLE = "关于某绝密工程选址的通知"


@pytest.fixture
def routed(db):
    w = build_office()
    w.auditor = PersonFactory(username="auditor", full_name="审计员", unit=w.organ,
                              roles=[RoleCode.AUDITOR], clearance=Clearance.GENERAL)
    w.core_auditor = PersonFactory(username="auditor2", full_name="审计员二", unit=w.organ,
                                   roles=[RoleCode.AUDITOR], clearance=Clearance.CORE)
    w.doc = services.outgoing_create(actor=w.drafter, doc_type="通知", spec=notice_spec(TITLE),
                                     classification=Level.SECRET, secrecy_years=10)
    services.outgoing_attachment_add(actor=w.drafter, document=w.doc, name=f"{TITLE}附件.pdf",
                                     data=uploads.pdf("附件"))
    services.outgoing_submit(actor=w.drafter, document=w.doc)
    return w


def test_route_and_step_events_carry_the_items_level(routed):
    events = AuditEvent.objects.filter(object_type="workflow.route")
    assert {e.action for e in events} >= {"workflow.route.start", "workflow.step.agree"}
    assert {e.classification for e in events} == {Level.SECRET}


def test_the_auditor_below_the_level_never_reads_the_title(client, routed):
    client.force_login(routed.auditor)
    html = client.get(reverse("audit:event_list")).content.decode()
    assert "workflow.route.start" in html and "workflow.step.agree" in html
    assert TITLE not in html and HIDDEN_REPR in html
    # Searching for the title finds nothing: the search would otherwise point at the
    # masked events that bear it.
    response = client.get(reverse("audit:event_list"), {"q": "绝密工程"})
    assert response.context["rows"] == [] and TITLE not in response.content.decode()


def test_details_with_the_items_words_are_masked_too(client, routed):
    client.force_login(routed.auditor)
    response = client.get(reverse("audit:event_list"), {"action": "documents.outgoing.attachment_add"})
    rows = response.context["rows"]
    assert rows, "the attachment's event is listed"
    assert TITLE not in response.content.decode() and HIDDEN_TEXT in rows[0]["details"]


def test_an_auditor_cleared_for_the_level_reads_it(client, routed):
    client.force_login(routed.core_auditor)
    html = client.get(reverse("audit:event_list"), {"q": "绝密工程"}).content.decode()
    assert TITLE in html


def test_the_export_masks_as_the_page_does(client, routed, django_capture_on_commit_callbacks):
    client.force_login(routed.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:export"))
    job = Job.objects.get()
    rows = list(load_workbook(io.BytesIO(client.get(reverse("jobs:download", args=[job.pk])).content))
                .active.iter_rows(values_only=True))
    assert len(rows) > 3 and TITLE not in str(rows)


def test_old_route_events_without_a_level_are_masked_for_everyone(client, routed):
    audit.record(actor=routed.drafter, action="workflow.route.start", object_type="workflow.route",
                 object_id=1, object_repr="旧流转的标题")
    client.force_login(routed.core_auditor)
    html = client.get(reverse("audit:event_list"), {"action": "workflow.route.start"}).content.decode()
    assert "旧流转的标题" not in html
