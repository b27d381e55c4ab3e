"""Background work of the inbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from . import services


@task()
def send_reminders(day: str | None = None) -> dict[str, Any]:
    """The daily reminder run. Safe to run in several workers at once and to retry."""
    run = services.reminders_send(today=dt.date.fromisoformat(day) if day else None)
    return {"considered": run.considered, "sent": run.sent, "emailed": run.emailed,
            "skipped": run.skipped}
