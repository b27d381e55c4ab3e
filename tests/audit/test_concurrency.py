"""Several writers at once still make one linear chain (PostgreSQL: the chain-head row
lock; SQLite serialises writers with IMMEDIATE transactions by itself)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from zhongshu.audit import services as audit
from zhongshu.audit.models import AuditEvent

WRITERS, EACH = 4, 15


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_the_chain_linear():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the in-memory SQLite test database is not shared by threads")
    barrier = threading.Barrier(WRITERS)
    errors = []

    def writer(n):
        try:
            barrier.wait()
            for i in range(EACH):
                with transaction.atomic():
                    audit.record(actor=None, action="test.parallel", details={"writer": n, "i": i})
        except Exception as exc:  # reported below, with the thread's own error
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, WRITERS * EACH + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    assert len({(e.details["writer"], e.details["i"]) for e in events}) == WRITERS * EACH
    call_command("audit", "verify")
