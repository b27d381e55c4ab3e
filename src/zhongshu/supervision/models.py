"""督查督办: leaders' instructions (批示件), supervised matters (督办事项) from every
source, their milestones, and one ledger row (台账) per supervised task.

The work itself is the shared task model (``workflow.Task``, kind ``supervision.task``,
subject ``Matter``): accepting, returning, progress, holding replies, extensions and the
completion review are the task model's. This app keeps what the office supervises on top
of it: where a matter came from, who instructed it, its lights and its ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.access.classification import Classified
from zhongshu.kernel.urgency import Urgency

TASK_KIND = "supervision.task"


class InstructionKind(models.TextChoices):
    # The same codes as 收文's InstructionKind: a 批示 means the same wherever it is made.
    ACTIONABLE = "actionable", _("批办性")
    GUIDING = "guiding", _("指导性")
    REFERENCE = "reference", _("参阅性")


# Kinds that must become tracked work (批必查); 参阅性 circulates and creates no task.
ACTIONABLE_KINDS = (InstructionKind.ACTIONABLE, InstructionKind.GUIDING)


class InstructionOrigin(models.TextChoices):
    INCOMING = "incoming", _("收文批示")
    PAPER = "paper", _("批示件登记")


class InstructionRecord(Classified):
    """One leader's instruction in the 批示件 register: recorded on a 收文 (taken into the
    register by ``instructions_sync``) or registered from paper with its scan. Its
    classification is the document's; lowering it is the security admin's act."""

    origin = models.CharField(_("来源"), max_length=20, choices=InstructionOrigin.choices)
    incoming_instruction = models.OneToOneField(
        "incoming.Instruction", verbose_name=_("收文批示"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="supervision_record")
    incoming = models.ForeignKey("incoming.IncomingDocument", verbose_name=_("收文"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey("org.Person", verbose_name=_("批示领导"), on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField(_("批示类型"), max_length=20, choices=InstructionKind.choices)
    text = models.TextField(_("批示内容"))
    document_title = models.CharField(_("批示件标题"), max_length=300)
    given_at = models.DateTimeField(_("批示时间"), default=timezone.now)
    scan_name = models.CharField(_("扫描件"), max_length=200, blank=True)
    scan_type = models.CharField(max_length=100, blank=True)
    scan_blob = models.ForeignKey("kernel.StoredFile", verbose_name=_("扫描件内容"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    # 批必查: an actionable instruction with no task after one working day is flagged.
    flagged_at = models.DateTimeField(_("批必查提示时间"), null=True, blank=True)
    # 参阅性: circulated to the named readers, with no task.
    readers = models.ManyToManyField("org.Person", verbose_name=_("传阅人员"), blank=True,
                                     related_name="+")

    class Meta(Classified.Meta):
        ordering = ["-given_at", "-id"]
        verbose_name = _("批示件")
        verbose_name_plural = _("批示件")
        constraints = [
            *Classified.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in InstructionKind]),
                                   name="supervision_instruction_kind_valid"),
            models.CheckConstraint(
                condition=Q(origin="paper") | Q(incoming_instruction__isnull=False),
                name="supervision_instruction_incoming_has_source"),
        ]
        indexes = [models.Index(fields=["leader", "given_at"]),
                   models.Index(fields=["kind", "flagged_at"])]

    def __str__(self) -> str:
        return f"{self.leader} {self.get_kind_display()}：{self.text[:30]}"

    @property
    def actionable(self) -> bool:
        return self.kind in ACTIONABLE_KINDS

    @property
    def scan(self) -> bytes | None:
        """The scan's bytes from the file store, checked; None when there is none."""
        return self.scan_blob.read() if self.scan_blob is not None else None


class SourceKind(models.TextChoices):
    """Where a supervised matter came from: permanent once shipped (ledger filters)."""

    INSTRUCTION = "instruction", _("领导批示")
    MEETING = "meeting", _("会议决定")
    WORK_PLAN = "work_plan", _("年度重点工作")
    NPC = "npc", _("人大建议")
    CPPCC = "cppcc", _("政协提案")
    OFFICE = "office", _("督查室立项")


class MatterStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")
    CANCELLED = "cancelled", _("已撤销")


class Feedback(models.TextChoices):
    """The proposer's view of the reply (人大建议、政协提案)."""

    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Importance(models.IntegerChoices):
    NORMAL = 0, _("一般")
    IMPORTANT = 1, _("重要")
    KEY = 2, _("重大")


class Matter(Classified):
    """督办事项: one thing the office follows to its result, from one source. Its tasks
    (one per unit) are ``workflow.Task`` rows of kind ``supervision.task``."""

    source = models.CharField(_("来源"), max_length=20, choices=SourceKind.choices)
    instruction = models.ForeignKey(InstructionRecord, verbose_name=_("领导批示"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="matters")
    # Meeting decisions, plan items, proposals: the origin in the office's words and a
    # stable reference for the calling app (``decision_register`` is idempotent on it).
    source_ref = models.CharField(_("来源编号"), max_length=100, blank=True)
    source_title = models.CharField(_("来源名称"), max_length=300, blank=True)
    leader = models.ForeignKey("org.Person", verbose_name=_("交办领导"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("督办事项"), max_length=300)
    requirement = models.TextField(_("目标要求"), blank=True)
    importance = models.SmallIntegerField(_("重要程度"), choices=Importance.choices,
                                          default=Importance.NORMAL)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    status = models.CharField(_("状态"), max_length=20, choices=MatterStatus.choices,
                              default=MatterStatus.OPEN)
    created_at = models.DateTimeField(_("立项时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    merged_into = models.ForeignKey("self", verbose_name=_("并入"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged")
    plan_year = models.PositiveSmallIntegerField(_("计划年度"), null=True, blank=True)
    # 人大建议、政协提案
    proposer = models.CharField(_("代表或委员"), max_length=100, blank=True)
    reply_due = models.DateField(_("答复期限"), null=True, blank=True)
    reply_text = models.TextField(_("答复内容"), blank=True)
    reply_document = models.ForeignKey("documents.OutgoingDocument", verbose_name=_("答复文件"),
                                       null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    feedback = models.CharField(_("代表委员意见"), max_length=20, choices=Feedback.choices,
                                blank=True)
    feedback_note = models.CharField(_("意见说明"), max_length=500, blank=True)
    handling_round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)

    class Meta(Classified.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        constraints = [
            *Classified.Meta.constraints,
            models.CheckConstraint(condition=Q(source__in=[s.value for s in SourceKind]),
                                   name="supervision_matter_source_valid"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in MatterStatus]),
                                   name="supervision_matter_status_valid"),
            models.UniqueConstraint(fields=["source", "source_ref"], condition=~Q(source_ref=""),
                                    name="supervision_matter_one_per_source_ref"),
        ]
        indexes = [models.Index(fields=["leader", "created_at"]),
                   models.Index(fields=["source", "created_at"]),
                   models.Index(fields=["instruction"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_proposal(self) -> bool:
        return self.source in (SourceKind.NPC, SourceKind.CPPCC)


class Milestone(models.Model):
    """A milestone of a matter (a work-plan item's quarterly targets)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点目标"), max_length=300)
    due_date = models.DateField(_("节点时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("节点")
        verbose_name_plural = _("节点")

    def __str__(self) -> str:
        return f"{self.due_date} {self.title}"


class Light(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")
    NONE = "none", _("—")  # finished: no light


class LedgerRow(models.Model):
    """台账: one row per supervised task, kept in step with the task by its item hook
    (every change recomputes its light) and recomputed for all tasks daily in one
    UPDATE. Its columns are copies of the task's and the matter's, so that the ledger,
    the lights and the statistics are one indexed table without generic joins."""

    task = models.OneToOneField("workflow.Task", primary_key=True, on_delete=models.PROTECT,
                                related_name="ledger_row")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="ledger_rows")
    unit = models.ForeignKey("org.Unit", verbose_name=_("办理单位"), on_delete=models.PROTECT,
                             related_name="+")
    role = models.CharField(_("角色"), max_length=10, blank=True)
    leader = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    source = models.CharField(_("来源"), max_length=20, choices=SourceKind.choices)
    classification = models.PositiveSmallIntegerField(_("密级"), default=1)
    title = models.CharField(_("督办事项"), max_length=300)
    status = models.CharField(_("状态"), max_length=20)
    importance = models.SmallIntegerField(default=0)
    created_on = models.DateField(_("交办日期"))
    due_date = models.DateField(_("办理时限"), null=True, blank=True)
    next_report_due = models.DateField(null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    light = models.CharField(_("督办灯"), max_length=10, choices=Light.choices,
                             default=Light.GREEN)

    class Meta:
        ordering = ["due_date", "task_id"]
        verbose_name = _("督办台账")
        verbose_name_plural = _("督办台账")
        # No index on the light: the daily recomputation rewrites lights, and an unindexed
        # column (with free space on the page, migration 0003) is updated in place.
        # The ledger's default order is by due date: the office walks (due_date, task),
        # a unit (unit, due_date, task), a leader (leader, due_date), and stops at the page.
        indexes = [
            models.Index(fields=["unit", "created_on"], name="supervision_row_unit"),
            models.Index(fields=["leader", "created_on"], name="supervision_row_leader"),
            models.Index(fields=["created_on", "task"], name="supervision_row_created"),
            models.Index(fields=["due_date", "task"], name="supervision_row_by_due"),
            models.Index(fields=["unit", "due_date", "task"], name="supervision_row_unit_due"),
            models.Index(fields=["leader", "due_date", "task"], name="supervision_row_leader_due"),
            models.Index(fields=["status", "due_date"], name="supervision_row_due"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.unit_id}）"


class WeeklyReport(models.Model):
    """督办周报: the overdue tasks of a week, compiled for the leadership each Monday."""

    week_of = models.DateField(_("周报日期"), unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    overdue = models.PositiveIntegerField(_("超期任务数"), default=0)
    body = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-week_of"]
        verbose_name = _("督办周报")
        verbose_name_plural = _("督办周报")

    def __str__(self) -> str:
        return f"督办周报 {self.week_of}"
