"""Names of the platform's audit events. Permanent once shipped: the auditor searches by
them and old events keep the name they were recorded with."""

from __future__ import annotations

from enum import StrEnum

from zhongshu.audit.events import register


@register
class WorkflowEvent(StrEnum):
    TEMPLATE_CREATE = "workflow.template.create"
    TEMPLATE_UPDATE = "workflow.template.update"
    ROUTE_START = "workflow.route.start"
    # One per step action: "workflow.step.agree", "workflow.step.return" …
    STEP_AGREE = "workflow.step.agree"
    STEP_AGREE_OPINION = "workflow.step.agree_opinion"
    STEP_RETURN = "workflow.step.return"
    STEP_REJECT = "workflow.step.reject"
    STEP_ADD_COUNTERSIGNER = "workflow.step.add_countersigner"
    STEP_TRANSFER = "workflow.step.transfer"
    STEP_WITHDRAW = "workflow.step.withdraw"
    # Tasks (the shared task model)
    TASK_GIVE = "workflow.task.give"
    TASK_ACT = "workflow.task.act"
    TASK_ACCEPT = "workflow.task.accept"
    TASK_RETURN = "workflow.task.return"
    TASK_REPORT = "workflow.task.report"
    TASK_HOLDING_REPLY = "workflow.task.holding_reply"
    TASK_COMPLETION_REQUEST = "workflow.task.completion_request"
    TASK_CLOSE = "workflow.task.close"
    TASK_SEND_BACK = "workflow.task.send_back"
    TASK_CANCEL = "workflow.task.cancel"
    TASK_EXTENSION_REQUEST = "workflow.task.extension_request"
    TASK_EXTENSION_DECIDE = "workflow.task.extension_decide"
    TASK_DUE_CHANGE = "workflow.task.due_change"
    TASK_REMIND = "workflow.task.remind"
    REMINDER_RULE_SET = "workflow.reminder_rule.set"
    # 常用意见 (office-wide and personal)
    PHRASE_ADD = "workflow.phrase.add"
    PHRASE_UPDATE = "workflow.phrase.update"
    PHRASE_DELETE = "workflow.phrase.delete"


def step_event(action: str) -> WorkflowEvent:
    return WorkflowEvent(f"workflow.step.{action}")


class RefusalCode(StrEnum):
    """Why the engine refused an action: the API answers 409 for these, by code, never
    by matching the Chinese message."""

    NOT_PENDING = "step_not_pending"
    NOT_ALLOWED = "step_action_not_allowed"
    INVALID = "workflow_invalid"
    NO_ASSIGNEE = "no_assignee"
    SEPARATION = "separation_of_duties"
    TASK_STATE = "task_state"
