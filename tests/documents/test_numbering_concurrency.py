"""32 leaders' sign-offs at the same moment, each giving its document a 发文字号: the
numbers are 1…32, none twice, none missing. Runs on both databases (on SQLite the
IMMEDIATE transactions queue the writers; on PostgreSQL the sequence row lock does)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from tests.documents.conftest import build_office, notice_spec
from tests.documents.helpers import agree_until, pending
from tests.factories import PersonFactory
from zhongshu.documents import services
from zhongshu.documents.models import OutgoingDocument, OutgoingStatus
from zhongshu.kernel.sequences import current_value
from zhongshu.org.models import Clearance, RoleCode

THREADS = 32


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_32_simultaneous_sign_offs_yield_32_consecutive_numbers(settings):
    # Another transactional test in this process may have flushed and recreated the
    # content types under new ids; the manager's cache would still hold the old ones.
    ContentType.objects.clear_cache()
    settings.DOCUMENTS_NUMBER_STAGE = "sign_off"
    office = build_office()
    leaders = [PersonFactory(username=f"signer{i}", full_name=f"领导{i}", unit=office.organ,
                             roles=[RoleCode.LEADER], clearance=Clearance.CORE) for i in range(THREADS)]
    steps = []
    for i, leader in enumerate(leaders):
        doc = services.outgoing_create(actor=office.drafter, doc_type="通知", sign_off_leader=leader,
                                       spec=notice_spec(f"关于第{i + 1}项工作的通知"))
        services.outgoing_submit(actor=office.drafter, document=doc)
        agree_until(doc, "签发")
        [step] = pending(doc)
        assert step.assignee == leader
        steps.append((doc, step))

    barrier = threading.Barrier(THREADS)
    outcomes: list[str | None] = [None] * THREADS

    def sign(index: int) -> None:
        doc, step = steps[index]
        try:
            barrier.wait(timeout=30)
            services.outgoing_act(actor=step.assignee, document=doc, step=step, action="agree")
            outcomes[index] = "ok"
        except Exception as exc:  # reported by the assertion below
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert outcomes == ["ok"] * THREADS
    year = timezone.localdate().year
    docs = OutgoingDocument.objects.filter(pk__in=[d.pk for d, _s in steps])
    assert all(d.status == OutgoingStatus.SIGNED_OFF for d in docs)
    seqs = sorted(docs.values_list("doc_seq", flat=True))
    assert seqs == list(range(1, THREADS + 1))
    assert sorted(docs.values_list("doc_number", flat=True)) == sorted(
        f"示委办发〔{year}〕{n}号" for n in range(1, THREADS + 1))
    assert current_value(services.number_key("示委办发", year)) == THREADS
