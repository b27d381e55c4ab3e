"""The platform's data: routing templates and routes (``routes``), and the one task
model for work given to people and units (``tasks``)."""

from .phrases import OpinionPhrase
from .routes import (
    ACTED_STEP_STATUSES,
    OPEN_STEP_STATUSES,
    AssigneeKind,
    ImmutableRecord,
    Opinion,
    Route,
    RouteStatus,
    RouteTemplate,
    StageDef,
    StageMode,
    Step,
    StepAction,
    StepStatus,
    TemplateVersion,
)
from .tasks import (
    ACTIVE_TASK_STATUSES,
    OPEN_TASK_STATUSES,
    ExtensionStatus,
    ReminderRule,
    ReminderTarget,
    ReminderTrigger,
    ReportKind,
    ReportState,
    Task,
    TaskBatch,
    TaskEvent,
    TaskEventKind,
    TaskExtension,
    TaskFile,
    TaskReminder,
    TaskReport,
    TaskRole,
    TaskStatus,
)

__all__ = [
    "ACTED_STEP_STATUSES", "ACTIVE_TASK_STATUSES", "OPEN_STEP_STATUSES", "OPEN_TASK_STATUSES",
    "AssigneeKind", "ExtensionStatus", "ImmutableRecord", "Opinion", "OpinionPhrase", "ReminderRule",
    "ReminderTarget", "ReminderTrigger", "ReportKind", "ReportState", "Route", "RouteStatus",
    "RouteTemplate", "StageDef", "StageMode", "Step", "StepAction", "StepStatus", "Task",
    "TaskBatch", "TaskEvent", "TaskEventKind", "TaskExtension", "TaskFile", "TaskReminder",
    "TaskReport", "TaskRole", "TaskStatus", "TemplateVersion",
]
