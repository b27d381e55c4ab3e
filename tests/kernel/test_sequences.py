import threading

import pytest
from django.db import connection, connections, transaction

from zhongshu.kernel.models import Sequence, VoidedNumber
from zhongshu.kernel.sequences import SequenceError, current_value, next_value, void_number


@pytest.mark.django_db
def test_numbers_are_consecutive_per_key():
    with transaction.atomic():
        assert [next_value("a:2026") for _ in range(3)] == [1, 2, 3]
        assert next_value("b:2026") == 1
    assert current_value("a:2026") == 3 and current_value("unknown") == 0


@pytest.mark.django_db
def test_a_rolled_back_number_is_not_lost():
    with transaction.atomic():
        next_value("k")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_value("k") == 2
        raise RuntimeError("the document failed to save")
    with transaction.atomic():
        assert next_value("k") == 2


@pytest.mark.django_db(transaction=True)
def test_next_value_refuses_to_run_outside_a_transaction():
    with pytest.raises(SequenceError):
        next_value("k")


@pytest.mark.django_db
def test_voided_numbers_are_recorded_and_never_reused(sysadmin):
    with transaction.atomic():
        for _ in range(3):
            next_value("k")
    void_number(key="k", value=2, reason="误编号", actor=sysadmin)
    with transaction.atomic():
        assert next_value("k") == 4
    assert VoidedNumber.objects.get().reason == "误编号"
    with pytest.raises(SequenceError, match="已于"):
        void_number(key="k", value=2, reason="again")
    with pytest.raises(SequenceError, match="尚未发出"):
        void_number(key="k", value=9, reason="future")
    with pytest.raises(SequenceError, match="必须说明原因"):
        void_number(key="k", value=1, reason=" ")


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_takers_get_32_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs separate connections to a server database (PostgreSQL)")
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(32)

    def take():
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(next_value("doc_number:示市委办发:2026"))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(1, 33))
    assert Sequence.objects.get().last_value == 32
