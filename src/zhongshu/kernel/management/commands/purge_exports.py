"""`zhongshu manage purge_exports`: the old name of `purge_jobs`, kept so that the
schedules written for it keep working (docs/operations.md)."""

from __future__ import annotations

from .purge_jobs import Command as PurgeJobs


class Command(PurgeJobs):
    help = "purge_jobs 的旧名称：" + PurgeJobs.help
