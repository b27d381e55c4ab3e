"""Rendering a download holds no write transaction (issue 9 §7): on SQLite an open
transaction holds the database's write lock (IMMEDIATE), and laying out takes seconds."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from tests.documents.conftest import build_office, notice_spec
from zhongshu.access.classification import Level
from zhongshu.audit.models import AuditEvent
from zhongshu.documents import services
from zhongshu.org.models import Unit


def draft(office, **meta):
    return services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(), **meta)


@pytest.mark.django_db(transaction=True)
def test_rendering_a_download_holds_no_write_transaction(monkeypatch):
    """Failed before: outgoing_download was one transaction around the render, so on SQLite
    (IMMEDIATE) nobody could write for the seconds a layout takes. The renderer is made to
    wait until another connection has written."""
    office = build_office()
    doc = draft(office, classification=Level.CONFIDENTIAL, secrecy_years=5)
    rendering, written = threading.Event(), threading.Event()
    seen: dict = {}

    def slow_render(spec, fmt, **kwargs):
        seen["in_transaction"] = connection.in_atomic_block
        rendering.set()
        seen["other_wrote"] = written.wait(20)
        return b"%PDF-1.7 rendered"

    monkeypatch.setattr("zhongshu.layout.render.render", slow_render)

    def download():
        try:
            seen["data"] = services.outgoing_download(actor=office.drafter, document=doc, fmt="pdf")
        except Exception as exc:  # shown by the assertions below
            seen["error"] = exc
        finally:
            close_old_connections()
            connection.close()

    worker = threading.Thread(target=download)
    worker.start()
    assert rendering.wait(20)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # fail in a second, not after the 30 s default
            cursor.execute("PRAGMA busy_timeout = 1000")
    try:
        with transaction.atomic():  # another person's write while the download renders
            Unit.objects.filter(pk=office.bureau.pk).update(name="示例市财政局（改）")
        written.set()
    finally:
        written.set()
        worker.join(30)
    assert "error" not in seen, seen.get("error")
    assert seen["in_transaction"] is False and seen["other_wrote"] is True
    assert seen["data"] == b"%PDF-1.7 rendered"
    assert Unit.objects.get(pk=office.bureau.pk).name == "示例市财政局（改）"
    event = AuditEvent.objects.get(action="object.download", object_id=str(doc.pk))
    assert event.details == {"format": "pdf", "version": 1}


def test_a_failed_render_records_no_download(office, monkeypatch):
    doc = draft(office, classification=Level.CONFIDENTIAL, secrecy_years=5)

    def broken(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr("zhongshu.layout.render.render", broken)
    with pytest.raises(RuntimeError):
        services.outgoing_download(actor=office.drafter, document=doc, fmt="pdf")
    assert not AuditEvent.objects.filter(action="object.download").exists()


