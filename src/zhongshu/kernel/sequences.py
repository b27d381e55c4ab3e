"""Gap-free numbering (发文字号, 收文号, 期号, 件号).

A number is taken inside the caller's transaction by locking the sequence row and
incrementing it: if the caller rolls back, the increment rolls back with it, so no
number is lost; while the caller's transaction is open, a second caller waits on the
row lock, so no number is given twice. On SQLite the IMMEDIATE transactions the
settings ask for serialise writers the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F

from .models import Sequence, VoidedNumber

if TYPE_CHECKING:
    from zhongshu.org.models import Person


class SequenceError(ValueError):
    pass


def next_value(key: str) -> int:
    """Take the next number of ``key``. Must run inside the transaction that uses it."""
    if not transaction.get_connection().in_atomic_block:
        raise SequenceError("next_value must be called inside the transaction that uses the number")
    # Create the row if it is new; a concurrent creator makes this a no-op.
    Sequence.objects.bulk_create([Sequence(key=key)], ignore_conflicts=True)
    updated = Sequence.objects.filter(key=key).update(last_value=F("last_value") + 1)
    assert updated == 1
    # The UPDATE holds the row lock until commit; reading back inside the same
    # transaction sees our own increment.
    return Sequence.objects.filter(key=key).values_list("last_value", flat=True).get()


def current_value(key: str) -> int:
    return Sequence.objects.filter(key=key).values_list("last_value", flat=True).first() or 0


@transaction.atomic
def void_number(*, key: str, value: int, reason: str, actor: Person | None = None) -> VoidedNumber:
    """Record that a number given out will not be used. It stays taken."""
    if not reason.strip():
        raise SequenceError("作废编号必须说明原因。")
    if not 1 <= value <= current_value(key):
        raise SequenceError(f"编号 {value} 尚未发出，不能作废。")
    voided, created = VoidedNumber.objects.get_or_create(
        key=key, value=value, defaults={"reason": reason.strip(), "voided_by": actor})
    if not created:
        raise SequenceError(f"编号 {value} 已于 {voided.voided_at:%Y-%m-%d} 作废。")
    return voided
