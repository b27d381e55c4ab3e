"""The first two documents of a type, sent at the same moment on two processes, both find
the type's default routing template: one creates it, the other uses it (decision 0502)."""

import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from zhongshu.documents import doctypes, routing
from zhongshu.workflow.models import RouteTemplate


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND datname = current_database()")
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_first_documents_of_a_type_at_once_share_its_default_template():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises the two transactions")
    ContentType.objects.clear_cache()
    kind = doctypes.BY_NAME["通知"]
    created, outcome = threading.Event(), {}

    def first():  # the other process: creates the template, commits once we wait for it
        try:
            with transaction.atomic():
                outcome["first"] = routing.ensure_template(kind).pk
                created.set()
                end = time.monotonic() + 30
                while not _someone_waits_on_a_lock() and time.monotonic() < end:
                    time.sleep(0.05)
        except Exception as exc:  # reported by the assertion below
            outcome["first"] = repr(exc)
        finally:
            connection.close()

    other = threading.Thread(target=first)
    other.start()
    try:
        assert created.wait(timeout=30)
        with transaction.atomic():
            mine = routing.ensure_template(kind)
    finally:
        other.join(timeout=60)
    assert outcome["first"] == mine.pk
    assert RouteTemplate.objects.filter(code=routing.template_code(kind)).count() == 1
    assert [s.key for s in mine.current_version.stages.all()] == [
        s["key"] for s in doctypes.default_stages(kind)]
