"""``{% incoming_sources_of doc user as links %}``: the 收文 an outgoing draft answers,
those the viewer may see (for ``incoming/_replies_for_outgoing.html``)."""

from __future__ import annotations

from django import template

from zhongshu.documents.incoming.models import ReplyDraft
from zhongshu.documents.incoming.replies import sources_of
from zhongshu.org.models import Person

register = template.Library()


@register.simple_tag
def incoming_sources_of(outgoing: object, viewer: Person) -> list[ReplyDraft]:
    if outgoing is None or getattr(outgoing, "pk", None) is None or not getattr(viewer, "is_authenticated", False):
        return []
    return sources_of(viewer, outgoing)  # type: ignore[arg-type]
