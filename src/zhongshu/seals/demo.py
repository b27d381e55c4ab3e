"""Demo seals for the demo organs (`zhongshu demo`)."""

from __future__ import annotations

from .models import Seal
from .services import seal_create

DEMO_SEALS = (("sw", "中共示例市委员会"), ("swb", "中共示例市委办公室"))


def install_demo_seals() -> list[Seal]:
    """A seal for 市委 ("sw") and 市委办公室 ("swb"), drawn from their names; idempotent."""
    seals = []
    for code, name in DEMO_SEALS:
        seal = Seal.objects.filter(organ_code=code).first()
        seals.append(seal or seal_create(actor=None, organ_code=code, name=name))
    return seals
