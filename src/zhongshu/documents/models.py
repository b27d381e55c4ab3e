"""Outgoing documents (发文): the document, its immutable versions and its deliveries.

The content of every version is the document interchange format (docs/document-format.md),
so each version renders with ``zhongshu.layout.render`` and is checked by the proofreader.
The document row keeps what registers filter and sort on (type, title, status, number).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongshu.access.classification import Classified
from zhongshu.kernel.append_only import AppendOnly, ImmutableRecord  # noqa: F401 (re-exported)
from zhongshu.kernel.urgency import Urgency

from . import doctypes


class OutgoingStatus(models.TextChoices):
    DRAFT = "draft", _("拟稿中")
    ROUTING = "routing", _("审核中")
    SIGNED_OFF = "signed_off", _("已签发")
    DISTRIBUTED = "distributed", _("已分发")
    ARCHIVED = "archived", _("已归档")
    REJECTED = "rejected", _("未通过")


class OrganFormat(models.TextChoices):
    """The header an organ's documents carry (GB/T 9704: 文件格式, 信函格式, 纪要格式)."""

    STANDARD = "standard", _("文件格式（×××文件）")
    LETTER = "letter", _("信函格式")
    MINUTES = "minutes", _("纪要格式")


class IssuingOrgan(models.Model):
    """An organ entitled to issue documents (发文机关): the committee, its office … never a
    department (处). It names the header, gives the 机关代字 of the number, signs the
    document, is the recipients' 来文单位 and the file's author. ``code`` is stable; the
    office edits the rest. The drafting department is recorded on the document
    separately (拟稿单位, ``owner_unit``)."""

    code = models.SlugField(_("标识"), max_length=30, unique=True)
    unit = models.ForeignKey("org.Unit", verbose_name=_("对应单位"), on_delete=models.PROTECT,
                             related_name="issuing_organs")
    name = models.CharField(_("发文机关全称"), max_length=100)
    header_mark = models.CharField(_("版头"), max_length=100,
                                   help_text=_("红头文字，如“中共示例市委办公室文件”"))
    issuer_code = models.CharField(_("机关代字"), max_length=30)
    format = models.CharField(_("版式"), max_length=20, choices=OrganFormat.choices,
                              default=OrganFormat.STANDARD)
    printing_office = models.CharField(_("印发机关"), max_length=100,
                                       help_text=_("版记中的印发机关，通常为办公厅（室）"))
    # 核稿: the office's director or the secretaries general he designates.
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("核稿人"),
                                       blank=True, related_name="+")
    # The secretariat (文书) that checks, numbers, seals, prints and sends; and the archive.
    secretariat = models.ForeignKey("org.Unit", verbose_name=_("文书部门"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    help_text=_("负责复核、编号、用印、印制、分发的部门"))
    archive = models.ForeignKey("org.Unit", verbose_name=_("归档部门"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("发文机关")
        verbose_name_plural = _("发文机关")

    def __str__(self) -> str:
        return self.name


class SignAuthority(models.Model):
    """Who may sign (签发) an organ's documents: by office (the organ's principal, e.g. 书记
    for 市委文件, 秘书长 or 主任 for 市委办文件) or authorised by one who signs by office.
    Checked by the policy at sign-off and when a draft names its signer."""

    organ = models.ForeignKey(IssuingOrgan, on_delete=models.CASCADE, related_name="signers")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"),
                               on_delete=models.PROTECT, related_name="sign_authorities")
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("授权人"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+",
                                      help_text=_("空：依职务签发"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("设立时间"), auto_now_add=True)

    class Meta:
        ordering = ["organ", "authorised_by", "id"]
        verbose_name = _("签发权")
        verbose_name_plural = _("签发权")
        constraints = [models.UniqueConstraint(fields=["organ", "person"],
                                               name="documents_sign_authority_once")]

    def __str__(self) -> str:
        return f"{self.organ}：{self.person}"

    @property
    def by_office(self) -> bool:
        return self.authorised_by_id is None


class OutgoingDocument(Classified):
    """A document an organ issues. ``issuing_organ`` is the 发文机关, ``owner_unit`` the
    drafting department (拟稿单位) and ``registered_by`` the drafter (拟稿人)."""

    doc_type = models.CharField(_("文种"), max_length=10, choices=doctypes.CHOICES)
    title = models.CharField(_("标题"), max_length=200)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    issuer_code = models.CharField(_("机关代字"), max_length=30, blank=True)
    # The organ that issues it; ``owner_unit`` is the drafting department (拟稿单位).
    issuing_organ = models.ForeignKey(IssuingOrgan, verbose_name=_("发文机关"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="documents")
    sign_off_leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发领导"),
                                        null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    countersign_units = models.ManyToManyField("org.Unit", verbose_name=_("会签单位"), blank=True,
                                               related_name="+")
    # 呈批 of a 签报 to several leaders, one after another after the first (依次圈批).
    also_submit_to = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("续呈领导"),
                                            blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=OutgoingStatus.choices,
                              default=OutgoingStatus.DRAFT)
    doc_year = models.PositiveSmallIntegerField(_("发文年度"), null=True, blank=True)
    doc_seq = models.PositiveIntegerField(_("发文序号"), null=True, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=60, blank=True)
    numbered_at = models.DateTimeField(_("编号时间"), null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    # Copies kept by the issuing office beyond one per recipient (存档).
    file_copies = models.PositiveSmallIntegerField(_("留存份数"), default=1)
    copies_printed = models.PositiveIntegerField(_("印制份数"), default=0)
    issued_at = models.DateTimeField(_("分发时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("拟稿时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    current_version = models.ForeignKey("DraftVersion", verbose_name=_("当前版本"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta(Classified.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = _("发文")
        verbose_name_plural = _("发文")
        constraints = [
            *Classified.Meta.constraints,
            # Never a duplicate 发文字号: the database says so too.
            models.UniqueConstraint(fields=["issuer_code", "doc_year", "doc_seq"],
                                    condition=Q(doc_seq__isnull=False),
                                    name="documents_outgoing_number_unique"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in OutgoingStatus]),
                                   name="documents_outgoing_status_valid"),
        ]
        indexes = [
            # The register's default order: lets the database walk the newest rows and
            # test need-to-know per row until a page is full (bench/outgoing.py).
            models.Index(fields=["-created_at", "-id"], name="documents_out_newest"),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["doc_type", "-created_at"]),
            models.Index(fields=["owner_unit", "-created_at"]),
            models.Index(fields=["registered_by", "-created_at"]),
            models.Index(fields=["doc_year", "doc_seq"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    @property
    def kind(self) -> doctypes.DocKind:
        return doctypes.BY_NAME[self.doc_type]

    @property
    def drafter(self):
        return self.registered_by


class DraftVersion(AppendOnly):
    """One saved state of the text (every save is a new version; never edited). A save
    refused because someone else saved first is kept on a side branch (旁支) for merging."""

    immutable_message = "稿件版本一经保存不可修改或删除。"

    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"),
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    spec = models.JSONField(_("公文内容"))
    # The version the author started from.
    parent = models.ForeignKey("self", verbose_name=_("基于版本"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    is_side = models.BooleanField(_("旁支（保存冲突）"), default=False)
    stage_name = models.CharField(_("修改环节"), max_length=50, blank=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    findings = models.JSONField(_("校对结果"), default=list, blank=True)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("稿件版本")
        verbose_name_plural = _("稿件版本")
        constraints = [models.UniqueConstraint(fields=["document", "number"],
                                               name="documents_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.document} 第{self.number}稿"


class DeliveryKind(models.TextChoices):
    MAIN = "main", _("主送")
    CC = "cc", _("抄送")


class Channel(models.TextChoices):
    ELECTRONIC = "electronic", _("电子公文交换")
    CONFIDENTIAL = "confidential", _("机要交通")
    MAIL = "mail", _("邮寄")
    HAND = "hand", _("专人送达")
    FAX = "fax", _("传真")


class Delivery(models.Model):
    """One recipient on the distribution list: an internal unit (delivered as an incoming
    item at once) or an external one (recorded with its channel). One copy each."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT, related_name="deliveries")
    kind = models.CharField(_("类别"), max_length=10, choices=DeliveryKind.choices,
                            default=DeliveryKind.MAIN)
    recipient_unit = models.ForeignKey("org.Unit", verbose_name=_("接收单位"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    external_name = models.CharField(_("外部单位"), max_length=100, blank=True)
    channel = models.CharField(_("分发渠道"), max_length=20, choices=Channel.choices,
                               default=Channel.ELECTRONIC)
    copy_number = models.PositiveIntegerField(_("份号"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("分发时间"), null=True, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("分发人"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    reminded_at = models.DateTimeField(_("最近催收"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("催收次数"), default=0)

    class Meta:
        ordering = ["document", "-kind", "id"]  # 主送 before 抄送
        verbose_name = _("分发")
        verbose_name_plural = _("分发")
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient_unit__isnull=False, external_name="")
                           | Q(recipient_unit__isnull=True) & ~Q(external_name="")),
                name="documents_delivery_unit_xor_external"),
            models.UniqueConstraint(fields=["document", "recipient_unit"],
                                    condition=Q(recipient_unit__isnull=False),
                                    name="documents_delivery_unit_once"),
            models.UniqueConstraint(fields=["document", "copy_number"],
                                    condition=Q(copy_number__isnull=False),
                                    name="documents_delivery_copy_once"),
        ]
        indexes = [models.Index(fields=["recipient_unit", "document"])]

    def __str__(self) -> str:
        return self.recipient_name

    @property
    def recipient_name(self) -> str:
        return self.recipient_unit.name if self.recipient_unit is not None else self.external_name

    @property
    def is_internal(self) -> bool:
        return self.recipient_unit_id is not None

    @property
    def copy_label(self) -> str:
        return f"{self.copy_number:06d}" if self.copy_number else ""


class OutgoingAttachment(models.Model):
    """An attachment (附件) of the document as a file, uploaded while the text may be
    edited. Its bytes are in the file store like incoming files' (``blob``, decision
    1310). Its title joins the 附件说明 when the
    document is rendered (decision 0510)."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.PROTECT,
                                 related_name="attachment_files")
    position = models.PositiveSmallIntegerField(_("顺序"))
    title = models.CharField(_("附件名称"), max_length=150)
    name = models.CharField(_("原文件名"), max_length=200)
    kind = models.CharField(_("格式"), max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    blob = models.ForeignKey("kernel.StoredFile", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["document", "position", "id"]
        verbose_name = _("发文附件")
        verbose_name_plural = _("发文附件")
        constraints = [
            models.UniqueConstraint(fields=["document", "position"],
                                    name="documents_attachment_position_unique"),
            # Titles are what the 附件说明 lists: two files cannot share one.
            models.UniqueConstraint(fields=["document", "title"],
                                    name="documents_attachment_title_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def content(self) -> bytes:
        """The file's bytes from the file store, checked (``kernel.blobs.Damaged``)."""
        return self.blob.read()

    @property
    def kind_label(self) -> str:
        from zhongshu.kernel.files import ALL_KINDS

        return next((k.label for k in ALL_KINDS if k.code == self.kind), self.kind)
