"""The policy is complete at start: every declared action has exactly one decision and
every rule resolves (issue 9 §4). A failure stops ``zhongshu run`` and the suite."""

from __future__ import annotations

from typing import Any

from django.core import checks

from . import registry


@checks.register()
def policy_complete(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="access.E001") for problem in registry.problems()]
