"""One background job model for every kind of long work (ARCHITECTURE §6; decision 0903).

An app registers a ``JobKind`` from its ``ready``; people submit jobs of that kind; the
worker (``db_worker``) runs them through ``kernel.tasks.run_job``; the kernel keeps the
status, the progress, the claim token, stale recovery, the Chinese failure text, the
uploaded and produced files and their expiry, and shows every kind on one page."""

from .registry import DEFAULT_ERROR_TEXT, JobKind, kind_of, kinds, register
from .runner import FILE_EXPIRY, JobContext, JobLost, JobOutcome, JobRefused, ResultFile, run
from .selectors import my_jobs, refreshed
from .services import (
    INTERRUPTED_TEXT,
    KEEP,
    MAX_OPEN_PER_PERSON,
    Purged,
    Upload,
    is_stale,
    job_download,
    job_retry,
    job_submit,
    may_retry,
    purge,
    recover_stale,
    result_file,
    stale_after,
)

__all__ = [
    "DEFAULT_ERROR_TEXT", "FILE_EXPIRY", "INTERRUPTED_TEXT", "KEEP", "MAX_OPEN_PER_PERSON",
    "JobContext", "JobKind", "JobLost", "JobOutcome", "JobRefused", "Purged", "ResultFile",
    "Upload", "is_stale", "job_download", "job_retry", "job_submit", "kind_of", "kinds",
    "may_retry", "my_jobs", "purge", "recover_stale", "refreshed", "register", "result_file",
    "run", "stale_after",
]
