"""``{{ tracked|marked_copy }}``: the marked copy's runs and legend, one colour and name per
author (issue 10 §13)."""

from __future__ import annotations

from typing import Any

from django import template

from zhongshu.kernel.tracked_changes import marked_runs

register = template.Library()


@register.filter
def marked_copy(tracked: dict[str, Any] | None) -> dict[str, Any]:
    if not tracked or not tracked.get("segments"):
        return {"runs": [], "legend": []}
    versions = tracked.get("versions") or []
    base = versions[0].author.full_name if versions else None
    runs, legend = marked_runs(tracked["segments"], base)
    return {"runs": runs, "legend": legend}
