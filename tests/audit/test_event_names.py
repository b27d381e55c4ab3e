"""Audit event names and refusal codes are permanent data: events stored years ago keep
the name they were recorded with, and API clients act on the codes. Each app declares
its own enum; these tests pin every value, so renaming one fails here first."""

from django.urls import reverse

from zhongshu.access.events import AccessEvent
from zhongshu.api.errors import ErrorCode
from zhongshu.api.services import ApiEvent
from zhongshu.audit import events
from zhongshu.audit.events import AuditLogEvent
from zhongshu.inbox.events import InboxEvent
from zhongshu.kernel.events import KernelEvent
from zhongshu.org.events import OrgEvent
from zhongshu.workflow.events import RefusalCode, WorkflowEvent

EVENT_NAMES = {
    AuditLogEvent: [
        "auth.sign_in", "auth.sign_in_failed", "auth.sign_out", "object.view", "object.download",
        "audit.export", "audit.key_rotate", "access.denied", "access.denied.throttled",
        "access.denied.summary",
    ],
    KernelEvent: [
        "kernel.calendar.override_set", "kernel.calendar.override_remove",
        "kernel.calendar.year_declare", "kernel.calendar.year_import",
        "kernel.calendar.recompute", "kernel.export.submit", "kernel.export.download",
        "kernel.job.retry",
    ],
    OrgEvent: [
        "org.unit.create", "org.unit.update", "org.person.create", "org.person.update",
        "org.person.password_set", "org.person.password_change_own", "org.account.unlock",
        "org.import.submit", "org.import.apply", "org.admin.install", "org.admin.password_reset",
        "org.admin.replace", "org.password_reset.request", "org.password_reset.approve",
        "org.password_reset.reject", "org.person.password_reset",
    ],
    AccessEvent: [
        "access.clearance.set", "access.grant.add", "access.grant.revoke",
        "access.forward.request", "access.forward.approve", "access.forward.reject",
        "access.delegation.create", "access.delegation.revoke", "access.roles.set",
        "access.grant.request",
    ],
    WorkflowEvent: [
        "workflow.template.create", "workflow.template.update", "workflow.route.start",
        "workflow.step.agree", "workflow.step.agree_opinion", "workflow.step.return",
        "workflow.step.reject", "workflow.step.add_countersigner", "workflow.step.transfer",
        "workflow.step.withdraw", "workflow.task.give", "workflow.task.act",
        "workflow.task.accept", "workflow.task.return", "workflow.task.report",
        "workflow.task.holding_reply", "workflow.task.completion_request", "workflow.task.close",
        "workflow.task.send_back", "workflow.task.cancel", "workflow.task.extension_request",
        "workflow.task.extension_decide", "workflow.task.due_change", "workflow.task.remind",
        "workflow.reminder_rule.set", "workflow.phrase.add", "workflow.phrase.update",
        "workflow.phrase.delete",
    ],
    InboxEvent: [
        "inbox.reminder.send", "inbox.notification.read", "inbox.notification.read_all",
    ],
    ApiEvent: [
        "api.token.create", "api.token.revoke",
    ],
}


def test_event_names_are_exactly_those_stored_so_far():
    for enum, values in EVENT_NAMES.items():
        assert [e.value for e in enum] == values, enum.__name__


def test_each_event_name_is_declared_once_and_registered():
    registered = events.registered()
    for enum in EVENT_NAMES:
        assert enum in registered, enum.__name__
    names = [e.value for enum in registered for e in enum]
    assert len(names) == len(set(names))
    assert set(events.known_names()) == set(names)


def test_refusal_and_api_error_codes_are_permanent():
    assert [c.value for c in RefusalCode] == [
        "step_not_pending", "step_action_not_allowed", "workflow_invalid", "no_assignee",
        "separation_of_duties", "task_state"]
    assert [c.value for c in ErrorCode] == [
        "invalid", "bad_request", "schema", "unauthenticated", "forbidden", "not_found", "error",
        "no_pending_step", "no_open_task", "step_refused", "cannot_watermark"]


def test_the_audit_filter_suggests_every_apps_event_names(client, world):
    client.force_login(world.auditor)
    html = client.get(reverse("audit:event_list")).content.decode()
    assert 'id="audit-actions"' in html
    for name in ("auth.sign_in", "org.person.create", "access.grant.add", "kernel.job.retry",
                 "workflow.step.agree", "inbox.notification.read", "api.token.create"):
        assert f'<option value="{name}">' in html, name
