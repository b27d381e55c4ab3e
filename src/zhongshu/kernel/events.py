"""Names of the kernel's audit events. Permanent once shipped (``audit.events``)."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.audit.events import register


@register
class KernelEvent(StrEnum):
    # Working-day calendar
    CALENDAR_OVERRIDE_SET = "kernel.calendar.override_set"
    CALENDAR_OVERRIDE_REMOVE = "kernel.calendar.override_remove"
    CALENDAR_YEAR_DECLARE = "kernel.calendar.year_declare"
    CALENDAR_YEAR_IMPORT = "kernel.calendar.year_import"
    CALENDAR_RECOMPUTE = "kernel.calendar.recompute"
    # Background Excel exports of registers (kernel.exports)
    EXPORT_SUBMIT = "kernel.export.submit"
    EXPORT_DOWNLOAD = "kernel.export.download"
    # Any background job (kernel.jobs): its owner runs an interrupted one again
    JOB_RETRY = "kernel.job.retry"
