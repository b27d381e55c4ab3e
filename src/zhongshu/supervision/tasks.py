"""Background work of 督查督办."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from . import services


@task()
def run_daily(day: str | None = None) -> dict[str, int]:
    """The daily job (``zhongshu supervision daily``) for ``day``, queued once a day by
    the daily scheduler. Safe to run on several workers at once."""
    return services.daily(today=dt.date.fromisoformat(day) if day else None)
