"""System checks of the platform: every registered route purpose and task kind has an
item that answers the engine's questions (deny by default otherwise, but a purpose no
item can serve is a programming error to catch at start, not in an office)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from . import registry


@checks.register()
def registry_complete(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="workflow.E001") for problem in registry.problems()]
