"""Simultaneous actions on PostgreSQL, where they really overlap. (SQLite serialises
writers; the same guards are tested one after the other in test_services.)"""

import threading

import pytest
from django.db import connection

from tests.documents.incoming.helpers import register
from tests.documents.incoming.test_contract import deliver
from zhongshu.documents.incoming import services
from zhongshu.documents.incoming.models import IncomingDocument, TaskKind
from zhongshu.documents.incoming.selectors import tasks_of


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except services.IncomingError as exc:
            outcomes[index] = "refused: " + exc.messages[0]
        except Exception as exc:  # reported by the assertions
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_signing_at_once_give_one_receipt(org, memo):
    doc = deliver(org, memo)
    copies = [IncomingDocument.objects.get(pk=doc.pk) for _ in range(2)]
    outcomes = _race([
        lambda: services.incoming_confirm_receipt(actor=org.secretary, incoming=copies[0]).receipt_number,
        lambda: services.incoming_confirm_receipt(actor=org.director, incoming=copies[1]).receipt_number,
    ])
    numbers = [o for o in outcomes if not o.startswith("refused")]
    refused = [o for o in outcomes if o.startswith("refused")]
    assert len(numbers) == 1 and numbers[0].endswith("〕1号"), outcomes
    assert refused == ["refused: 本环节不允许该操作：该收文当前为“待初审”，不能签收。"], outcomes
    assert tasks_of(doc).filter(kind=TaskKind.RECEIVE.code, status="done").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_registrations_get_consecutive_receipt_numbers(org):
    n = 16
    outcomes = _race([lambda i=i: register(org, title=f"来文{i}").receipt_seq for i in range(n)])
    assert sorted(outcomes) == list(range(1, n + 1)), outcomes
