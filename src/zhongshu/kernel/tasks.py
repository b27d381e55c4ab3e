"""Background work with no business rules."""

from __future__ import annotations

import logging

from django_tasks import task

from . import jobs

logger = logging.getLogger(__name__)


@task()
def echo(message: str) -> str:
    """Proves a worker is running: operators enqueue it and watch it finish."""
    return message


@task()
def run_job(job_id: int) -> None:
    """Run one background job of any kind (``kernel.jobs``). Takes the job's id; safe to
    run twice or on several workers: only the run that claims the job does anything."""
    jobs.run(job_id)


@task()
def run_export(job_id: int) -> None:
    """Superseded by ``run_job``. Kept so that a task queued before the upgrade still
    finds its function: the export it named was moved to ``kernel.Job`` under a new id
    and marked interrupted (decision 0903), so there is nothing left for it to do."""
    logger.info("run_export(%s) queued before the upgrade: the job was moved to kernel.Job "
                "and marked interrupted; its owner may run it again", job_id)


@task()
def purge_jobs(day: str | None = None) -> dict[str, int]:
    """The jobs' daily clean-up (``zhongshu manage purge_jobs``), queued by the daily
    scheduler; ``day`` only names the run. Safe on several workers at once."""
    done = jobs.purge()
    return {"interrupted": done.interrupted, "files": done.files, "jobs": done.jobs}
