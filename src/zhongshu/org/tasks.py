"""Background work of the org app."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_import(job_id: int) -> None:
    """Superseded: imports are ``kernel.jobs`` of kind ``org_import`` (``org.imports``),
    run by ``kernel.tasks.run_job``. Kept so that a task queued before the upgrade still
    finds its function; the import it named was moved to ``kernel.Job`` under a new id
    and marked interrupted (decision 0903)."""
    logger.info("run_import(%s) queued before the upgrade: the import was moved to "
                "kernel.Job and marked interrupted; its owner may run it again", job_id)
