"""收文: the incoming document, its files, the leaders' instructions and its timeline.

The work it puts in people's inboxes — 签收, 初审, 拟办, 批示, 交办, 承办, 传阅 — are tasks
of the shared task model (``workflow.Task``, kinds ``incoming.<step>``), and extension
requests are the task model's, decided on an approval route (docs/incoming.md).

Evidence is appended, never edited: instructions and timeline entries refuse to change
once written.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.access.classification import Classified
from zhongshu.documents import doctypes
from zhongshu.kernel.append_only import AppendOnly
from zhongshu.kernel.urgency import Urgency


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("电子交换")
    PAPER = "paper", _("纸质来文")
    OTHER = "other", _("其他渠道")


class Status(models.TextChoices):
    PENDING_RECEIPT = "pending_receipt", _("待签收")
    INTAKE = "intake", _("待初审")
    RETURNED = "returned", _("已退回")
    PROPOSING = "proposing", _("待拟办")
    INSTRUCTING = "instructing", _("待批示")
    ASSIGNING = "assigning", _("待交办")
    HANDLING = "handling", _("办理中")
    COMPLETED = "completed", _("已办结")


OPEN_STATUSES = (Status.PENDING_RECEIPT, Status.INTAKE, Status.PROPOSING, Status.INSTRUCTING,
                 Status.ASSIGNING, Status.HANDLING)


class IncomingDocument(Classified):
    """One incoming document in one recipient unit (one copy, when it came electronically)."""

    # Where it came from: the sender's delivery row for electronic exchange.
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    channel = models.CharField(_("来文方式"), max_length=20, choices=Channel.choices,
                               default=Channel.PAPER)
    sender_unit = models.ForeignKey("org.Unit", verbose_name=_("来文单位"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    sender_name = models.CharField(_("来文单位名称"), max_length=200, blank=True)
    recipient_unit = models.ForeignKey("org.Unit", verbose_name=_("收文单位"),
                                       on_delete=models.PROTECT, related_name="+")
    copy_number = models.PositiveIntegerField(_("份号"), null=True, blank=True)

    title = models.CharField(_("标题"), max_length=300)
    doc_type = models.CharField(_("文种"), max_length=20, choices=doctypes.CHOICES)
    doc_number = models.CharField(_("来文字号"), max_length=100, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    spec = models.JSONField(_("结构化正文"), null=True, blank=True)

    # 收文号: given when the unit takes custody (签收 or 登记), from its own sequence.
    receipt_year = models.PositiveSmallIntegerField(_("收文年度"), null=True, blank=True)
    receipt_seq = models.PositiveIntegerField(_("收文顺序号"), null=True, blank=True)
    receipt_number = models.CharField(_("收文号"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    received_by = models.ForeignKey("org.Person", verbose_name=_("签收人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("来文时间"), default=timezone.now)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    instruct_leader = models.ForeignKey("org.Person", verbose_name=_("呈批领导"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    handling_unit = models.ForeignKey("org.Unit", verbose_name=_("承办单位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey("org.Person", verbose_name=_("承办人"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("办理时限"), null=True, blank=True)
    # Counted over a year whose holiday arrangement is not entered yet (shown as 暂定;
    # recomputed when it is).
    deadline_provisional = models.BooleanField(_("时限为暂定"), default=False)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    summary = models.TextField(_("办理结果"), blank=True)

    class Meta(Classified.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = _("收文")
        verbose_name_plural = _("收文")
        constraints = [
            *Classified.Meta.constraints,
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]),
                                   name="incoming_document_status_valid"),
            # One incoming item per delivered copy: a repeated distribution cannot
            # create a second receipt.
            models.UniqueConstraint(fields=["source_type", "source_id"],
                                    condition=Q(source_id__isnull=False),
                                    name="incoming_document_one_per_source"),
            models.UniqueConstraint(fields=["recipient_unit", "receipt_year", "receipt_seq"],
                                    condition=Q(receipt_seq__isnull=False),
                                    name="incoming_document_receipt_number_unique"),
            models.CheckConstraint(
                condition=Q(sender_unit__isnull=False) | ~Q(sender_name=""),
                name="incoming_document_has_sender"),
        ]
        indexes = [
            models.Index(fields=["recipient_unit", "status", "created_at"]),
            models.Index(fields=["recipient_unit", "receipt_year", "receipt_seq"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["handling_unit", "status"]),
            models.Index(fields=["created_at"]),
            # The register's default order, newest first (decision 0901).
            models.Index(fields=["-created_at", "-id"], name="incoming_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number or '（未编号）'} {self.title}"

    @property
    def sender_display(self) -> str:
        if self.sender_unit is not None:
            return self.sender_unit.name
        return self.sender_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class IncomingFile(models.Model):
    """A file of the document (its scan, PDF, OFD or Word text, or an attachment).

    Its bytes are in the file store (``blob``, decision 1310, which replaced 0602): the
    object is written before the row, so a failed registration leaves at most an object
    no row names, which ``zhongshu files gc`` removes. The copies of one issued
    attachment delivered to many units point at one object."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("格式"), max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    blob = models.ForeignKey("kernel.StoredFile", on_delete=models.PROTECT, related_name="+")
    is_attachment = models.BooleanField(_("附件"), default=False)
    # The reply file (答复文件) the handler gives at 办结; the sender reads it on the
    # reply page (docs/incoming.md).
    is_reply = models.BooleanField(_("答复文件"), default=False)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["is_attachment", "id"]
        verbose_name = _("收文文件")
        verbose_name_plural = _("收文文件")

    def __str__(self) -> str:
        return self.name

    @property
    def content(self) -> bytes:
        """The file's bytes from the file store, checked (``kernel.blobs.Damaged``)."""
        return self.blob.read()


class TaskKind(models.TextChoices):
    """The steps of 收文 as kinds of the shared task model (``incoming.<value>``,
    workflow.registry): permanent once shipped."""

    RECEIVE = "receive", _("签收")
    INTAKE = "intake", _("初审")
    PROPOSE = "propose", _("拟办")
    INSTRUCT = "instruct", _("批示")
    ASSIGN = "assign", _("交办")
    HANDLE = "handle", _("承办")
    READ = "read", _("传阅")
    ASSIST = "assist", _("协办")

    @property
    def code(self) -> str:
        return f"incoming.{self.value}"


def task_kind_of(code: str) -> TaskKind | None:
    """The 收文 step of a shared task kind code, or None for another app's kind."""
    value = code.removeprefix("incoming.")
    return TaskKind(value) if value != code and value in TaskKind.values else None


class InstructionKind(models.TextChoices):
    ACTIONABLE = "actionable", _("批办性")
    GUIDING = "guiding", _("指导性")
    REFERENCE = "reference", _("参阅性")


class Instruction(AppendOnly):
    """A leader's instruction (批示) on an incoming document — given at the 批示 step or
    while reading it in circulation (阅示). The supervision app will turn actionable ones
    into tasks."""

    immutable_message = "批示一经记录不可修改或删除（immutable）。"

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.PROTECT,
                                 related_name="instructions")
    leader = models.ForeignKey("org.Person", verbose_name=_("批示领导"), on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField(_("批示类型"), max_length=20, choices=InstructionKind.choices)
    text = models.TextField(_("批示内容"))
    given_at = models.DateTimeField(_("批示时间"), default=timezone.now)
    during_circulation = models.BooleanField(_("阅示"), default=False)

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        constraints = [models.CheckConstraint(condition=Q(kind__in=[k.value for k in InstructionKind]),
                                              name="incoming_instruction_kind_valid")]
        indexes = [models.Index(fields=["leader", "given_at"])]

    def __str__(self) -> str:
        return f"{self.leader} {self.get_kind_display()}：{self.text[:30]}"


class EventKind(models.TextChoices):
    DELIVERED = "delivered", _("来文送达")
    REGISTERED = "registered", _("登记")
    RECEIVED = "received", _("签收")
    ACCEPTED = "accepted", _("初审通过")
    RETURNED = "returned", _("退回来文单位")
    PROPOSED = "proposed", _("拟办")
    INSTRUCTED = "instructed", _("批示")
    ASSIGNED = "assigned", _("交办")
    CIRCULATED = "circulated", _("发起传阅")
    READ = "read", _("已阅")
    HOLDING_REPLY = "holding_reply", _("阶段性答复")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_REFUSED = "extension_refused", _("不同意延期")
    DEADLINE_RECOMPUTED = "deadline_recomputed", _("时限重算")
    COMPLETED = "completed", _("办结")
    ASSISTED = "assisted", _("协办意见")
    CHASED = "chased", _("催收")
    REPLY_DRAFTED = "reply_drafted", _("起草答复文")


class IncomingEvent(AppendOnly):
    """One line of the document's timeline: who did what, when, with what opinion."""

    immutable_message = "收文记录一经写入不可修改或删除（immutable）。"

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    opinion = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incoming", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ReplyKind(models.TextChoices):
    """The kinds of reply drafted from a 收文: a 批复 answers a 请示 from below; a 复函
    answers a 函 (docs/incoming.md)."""

    APPROVAL = "approval", _("批复")
    LETTER = "letter", _("复函")

    @property
    def doc_type(self) -> str:
        return "批复" if self == ReplyKind.APPROVAL else "函"


class ReplyDraft(models.Model):
    """An outgoing draft (批复, 复函) started from a 收文: the link both pages show."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.PROTECT, related_name="reply_drafts")
    outgoing = models.ForeignKey("documents.OutgoingDocument", on_delete=models.PROTECT,
                                 related_name="incoming_reply_links")
    kind = models.CharField(_("答复类型"), max_length=20, choices=ReplyKind.choices)
    created_by = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("答复文稿")
        verbose_name_plural = _("答复文稿")
        constraints = [
            models.UniqueConstraint(fields=["incoming", "outgoing"], name="incoming_reply_draft_once"),
            models.CheckConstraint(condition=Q(kind__in=["approval", "letter"]),
                                   name="incoming_reply_draft_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.outgoing_id}"
