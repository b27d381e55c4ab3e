"""Reads of 收文. Lists and pages take the viewer and show only what they may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q

from .models import IncomingDocument


def receipts_for_sources(sources: Iterable[Model]) -> dict[tuple[int, int], IncomingDocument]:
    """The incoming item each delivered copy became, keyed by (content type id, object id),
    so the sender can show who has signed for it (``received_at``/``received_by``), who
    returned it (``status``/``return_reason``) and who has not yet. Receipt facts only:
    the caller shows them to people who may see the sending side."""
    sources = list(sources)
    if not sources:
        return {}
    q = Q()
    for model in {type(s) for s in sources}:
        ct = ContentType.objects.get_for_model(model)
        q |= Q(source_type=ct, source_id__in=[s.pk for s in sources if type(s) is model])
    rows = (IncomingDocument.objects.filter(q)
            .select_related("received_by", "recipient_unit")
            .only("pk", "source_type_id", "source_id", "status", "received_at", "received_by",
                  "recipient_unit", "receipt_number", "return_reason", "copy_number"))
    return {(r.source_type_id, r.source_id): r for r in rows}


