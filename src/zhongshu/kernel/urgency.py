"""紧急程度: the urgency vocabulary every app shares (documents, reports, tasks, inbox).

Kept in the kernel because it is vocabulary, not a rule: the inbox orders by it and every
app that routes work stores it, and neither may import the other.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    EXTRA_URGENT = "extra_urgent", _("特急")
    URGENT = "urgent", _("加急")
    NORMAL = "normal", _("普通")


# Lower sorts first: 特急 > 加急 > 普通.
URGENCY_RANK: dict[str, int] = {Urgency.EXTRA_URGENT: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}


def urgency_rank(value: str) -> int:
    return URGENCY_RANK.get(value, len(URGENCY_RANK))
