"""``{% opinion_phrases as phrases %}``: the office's and the signed-in person's 常用意见,
for ``workflow/_phrases.html``."""

from __future__ import annotations

from typing import Any

from django import template

from zhongshu.workflow.phrases import phrases_for

register = template.Library()


@register.simple_tag(takes_context=True)
def opinion_phrases(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"office": [], "own": []}
    office, own = phrases_for(user)
    return {"office": office, "own": own}
