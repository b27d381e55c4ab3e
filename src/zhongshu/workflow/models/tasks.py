"""The one task model: work given to a person or to a unit, on any registered item.

收文's 签收/初审/拟办/批示/交办/承办/传阅, a supervised matter's tasks for a lead unit and
co-units, a bulletin's 约稿 and a shift's open matters all have the same shape: a holder
(a person, or a unit whose contacts act for it), a due date in working days, progress
reports, holding replies, extension requests approved on a route, a completion request
reviewed on a route, reminders and escalation as data, and a timeline. The item's app
declares its kinds (``registry.TaskKindSpec``) and is told of every change through its
``task_changed`` hook.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.kernel.append_only import AppendOnly
from zhongshu.kernel.urgency import Urgency


class TaskStatus(models.TextChoices):
    WAITING = "waiting", _("未轮到")  # sequential batches: not this holder's turn yet
    OPEN = "open", _("待处理")  # given; the holder has not acted (or accepted) yet
    ACCEPTED = "accepted", _("办理中")  # a unit accepted it and is working on it
    REVIEW = "review", _("待审核")  # completion requested, waiting for the review route
    DONE = "done", _("已完成")
    RETURNED = "returned", _("已退回")  # the unit returned it instead of accepting
    CANCELLED = "cancelled", _("已取消")


# In someone's hands: shown in the holder's inbox (REVIEW in the reviewers' instead).
ACTIVE_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.ACCEPTED)
OPEN_TASK_STATUSES = (TaskStatus.WAITING, TaskStatus.OPEN, TaskStatus.ACCEPTED, TaskStatus.REVIEW)


class TaskRole(models.TextChoices):
    NONE = "", _("—")
    LEAD = "lead", _("牵头单位")
    CO = "co", _("协办单位")


class TaskBatch(models.Model):
    """Tasks given together in order or all at once: a 传阅 of readers, one after another
    (``sequential``) or in parallel."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(_("类别"), max_length=50)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    sequential = models.BooleanField(_("依次办理"), default=False)
    due_date = models.DateField(_("时限"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("任务批次")
        verbose_name_plural = _("任务批次")
        indexes = [models.Index(fields=["subject_type", "subject_id", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id}（{self.started_at:%Y-%m-%d}）"


class Task(models.Model):
    """One piece of work on one item, given to one person or to one unit."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(_("类别"), max_length=50)
    title = models.CharField(_("事项"), max_length=300, blank=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="workflow_tasks")
    unit = models.ForeignKey("org.Unit", verbose_name=_("办理单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="workflow_tasks")
    role = models.CharField(_("角色"), max_length=10, choices=TaskRole.choices, blank=True,
                            default=TaskRole.NONE)
    # First to act: the open tasks of one group are one piece of work offered to several
    # people; when one acts, the others' copies go.
    group = models.BigIntegerField(null=True, blank=True)
    batch = models.ForeignKey(TaskBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="tasks")
    parent = models.ForeignKey("self", verbose_name=_("上级任务"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    importance = models.SmallIntegerField(_("重要程度"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("交办人"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("办理时限"), null=True, blank=True)
    # The due date was counted over a year whose holiday arrangement is not entered yet;
    # it is recomputed when the year is (kernel.calendar).
    due_provisional = models.BooleanField(_("时限为暂定"), default=False)
    # When the due date was given as working days from ``due_from``, so that it can be
    # recomputed; null when it was given as a date.
    due_workdays = models.PositiveSmallIntegerField(null=True, blank=True)
    due_from = models.DateField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    # Progress reports every N working days (办理进展); the next one is due on this date.
    report_every = models.PositiveSmallIntegerField(_("进展报送周期（工作日）"), null=True,
                                                    blank=True)
    next_report_due = models.DateField(_("下次报送进展"), null=True, blank=True)
    last_report_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveIntegerField(_("催办次数"), default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True)
                | Q(person__isnull=True, unit__isnull=False),
                name="workflow_task_person_xor_unit"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in TaskStatus]),
                                   name="workflow_task_status_valid"),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in TaskRole]),
                                   name="workflow_task_role_valid"),
        ]
        indexes = [
            models.Index(fields=["person", "status", "kind"], name="workflow_task_person_open"),
            models.Index(fields=["unit", "status", "kind"], name="workflow_task_unit_open"),
            models.Index(fields=["subject_type", "subject_id", "kind", "status"],
                         name="workflow_task_subject"),
            # Need-to-know asks "had this person a task on the item": answered from the
            # index alone (decision 0901).
            models.Index(fields=["person", "subject_type", "subject_id"],
                         name="workflow_task_person_subject"),
            models.Index(fields=["status", "due_date"], name="workflow_task_due"),
            models.Index(fields=["status", "activated_at"], name="workflow_task_waiting"),
            models.Index(fields=["group"], name="workflow_task_group"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.kind} #{self.pk}"

    @property
    def holder_name(self) -> str:
        return str(self.person) if self.person_id else str(self.unit)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_TASK_STATUSES


class TaskEventKind(models.TextChoices):
    """What can happen to a task: permanent once shipped (stored in every timeline)."""

    GIVEN = "given", _("交办")
    ACCEPTED = "accepted", _("接收")
    RETURNED = "returned", _("退回")
    REPORTED = "reported", _("报送进展")
    HOLDING_REPLY = "holding_reply", _("阶段性答复")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_REFUSED = "extension_refused", _("不同意延期")
    COMPLETION_REQUESTED = "completion_requested", _("申请办结")
    CLOSED = "closed", _("办结")
    SENT_BACK = "sent_back", _("退回重办")
    DONE = "done", _("已办理")
    CANCELLED = "cancelled", _("取消")
    REMINDED = "reminded", _("催办")
    DUE_CHANGED = "due_changed", _("时限变更")
    ACTIVATED = "activated", _("轮到办理")


class TaskEvent(AppendOnly):
    """One line of a task's timeline: who did what, when, with what text."""

    immutable_message = "任务记录一经写入不可修改或删除。"

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30, choices=TaskEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("任务记录")
        verbose_name_plural = _("任务记录")
        indexes = [models.Index(fields=["task", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("办理进展")
    HOLDING = "holding", _("阶段性答复")
    COMPLETION = "completion", _("办结报告")


class ReportState(models.TextChoices):
    RECORDED = "recorded", _("已报送")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已审核")
    REFUSED = "refused", _("退回")


class TaskReport(models.Model):
    """What a holder reports on a task: progress, a holding reply, or the result that
    asks for completion, with evidence files. The text never changes; only a pending
    report's state moves once when it is reviewed."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("类别"), max_length=20, choices=ReportKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"),
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("报送时间"), default=timezone.now)
    text = models.TextField(_("内容"))
    state = models.CharField(_("状态"), max_length=20, choices=ReportState.choices,
                             default=ReportState.RECORDED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("任务报送")
        verbose_name_plural = _("任务报送")
        indexes = [models.Index(fields=["task", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class TaskFile(models.Model):
    """A file given with a report (evidence, a reply document), checked by content at
    upload like every other file."""

    report = models.ForeignKey(TaskReport, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("格式"), max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    blob = models.ForeignKey("kernel.StoredFile", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("任务附件")
        verbose_name_plural = _("任务附件")

    def __str__(self) -> str:
        return self.name

    @property
    def content(self) -> bytes:
        """The file's bytes from the file store, checked (``kernel.blobs.Damaged``)."""
        return self.blob.read()


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")
    LAPSED = "lapsed", _("已失效")


class TaskExtension(models.Model):
    """申请延期: the holder asks for a later due date (in working days from the current
    due date, or a date); an approval route of the kind's ``extension_purpose`` decides.
    The due date never changes without one of these (or a recorded ``due_changed``)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    workdays = models.PositiveSmallIntegerField(_("延期工作日"), null=True, blank=True)
    requested_due = models.DateField(_("申请延至"), null=True, blank=True)
    reason = models.CharField(_("延期理由"), max_length=500)
    old_due = models.DateField(_("原时限"), null=True, blank=True)
    status = models.CharField(max_length=20, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("审批意见"), max_length=500, blank=True)
    new_due = models.DateField(_("新时限"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.CheckConstraint(condition=Q(workdays__isnull=False) | Q(requested_due__isnull=False),
                                   name="workflow_extension_has_length"),
            models.CheckConstraint(condition=Q(workdays__isnull=True) | Q(workdays__gte=1),
                                   name="workflow_extension_days_positive"),
            # At most one pending request per task.
            models.UniqueConstraint(fields=["task"], condition=Q(status="pending"),
                                    name="workflow_extension_one_pending"),
        ]

    def __str__(self) -> str:
        if self.workdays:
            return f"延期 {self.workdays} 个工作日（{self.get_status_display()}）"
        return f"延期至 {self.requested_due}（{self.get_status_display()}）"


class ReminderTrigger(models.TextChoices):
    BEFORE_DUE = "before_due", _("到期前")
    DUE_TODAY = "due_today", _("到期当日")
    OVERDUE = "overdue", _("已超期")
    OVERDUE_DAYS = "overdue_days", _("超期若干工作日后")
    REPORT_DUE = "report_due", _("进展报送到期或逾期")


class ReminderTarget(models.TextChoices):
    HOLDER = "holder", _("办理人（单位联络员和负责人）")
    UNIT_HEAD = "unit_head", _("办理单位负责人")
    UNIT_LEADER = "unit_leader", _("办理单位分管领导")
    GIVER = "giver", _("交办人")


class ReminderRule(models.Model):
    """Who is chased when (催办), as data per task kind: e.g. the unit's liaison officer
    3 working days before the due date, the unit's head when overdue, the leader in
    charge after 5 overdue working days. Each kind starts with the defaults it declares."""

    kind = models.CharField(_("任务类别"), max_length=50)
    trigger = models.CharField(_("时机"), max_length=20, choices=ReminderTrigger.choices)
    days = models.PositiveSmallIntegerField(_("工作日数"), default=0)
    target = models.CharField(_("催办对象"), max_length=20, choices=ReminderTarget.choices)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["kind", "trigger", "days", "id"]
        verbose_name = _("催办规则")
        verbose_name_plural = _("催办规则")
        constraints = [
            models.UniqueConstraint(fields=["kind", "trigger", "days", "target"],
                                    name="workflow_reminder_rule_once"),
            models.CheckConstraint(condition=Q(trigger__in=[t.value for t in ReminderTrigger]),
                                   name="workflow_reminder_rule_trigger_valid"),
            models.CheckConstraint(condition=Q(target__in=[t.value for t in ReminderTarget]),
                                   name="workflow_reminder_rule_target_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}：{self.get_trigger_display()} {self.days} → {self.get_target_display()}"


class TaskReminder(models.Model):
    """One reminder sent about a task to one person: by a rule (once per rule, person and
    day, even with several workers) or by hand (催办 with a message)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reminder_log")
    rule = models.ForeignKey(ReminderRule, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        constraints = [
            models.UniqueConstraint(fields=["task", "rule", "recipient", "day"],
                                    condition=Q(rule__isnull=False),
                                    name="workflow_reminder_once_per_rule_day"),
        ]
        indexes = [models.Index(fields=["task", "sent_at"])]

    def __str__(self) -> str:
        return f"催办 {self.task_id} → {self.recipient_id} {self.day}"
