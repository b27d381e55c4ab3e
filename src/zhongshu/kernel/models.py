"""Shared data with no business rules: the office's corrections to the holiday calendar."""

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """One day whose status the office sets by hand: a holiday or an adjusted working
    day the holiday package does not know, or a local rule."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {'上班' if self.is_workday else '放假'}"


class CalendarYear(models.Model):
    """A year the office declares complete: its holidays and adjusted working days have
    all been entered as overrides, so the calendar may answer for it."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("已录入年份")
        verbose_name_plural = _("已录入年份")

    def __str__(self) -> str:
        return str(self.year)


class RecomputeStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在重算")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class CalendarRecompute(models.Model):
    """One background run of the apps' recompute hooks after a year became known
    (``kernel.calendar.on_year_known``), kept so the administrator sees that the
    provisional deadlines of that year were recomputed, or why not."""

    year = models.PositiveSmallIntegerField(_("年份"))
    status = models.CharField(_("状态"), max_length=20, choices=RecomputeStatus.choices,
                              default=RecomputeStatus.QUEUED)
    requested_by = models.ForeignKey("org.Person", verbose_name=_("发起人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # Per hook key: how many items it changed, or the Chinese reason it failed.
    results = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("期限重算")
        verbose_name_plural = _("期限重算")
        indexes = [models.Index(fields=["year", "-requested_at"], name="kernel_recompute_year_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=RecomputeStatus.values),
                                   name="kernel_recompute_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk} ({self.get_status_display()})"

    @property
    def changed(self) -> int:
        """Items the hooks changed, summed over those that reported a number."""
        return sum(v for v in self.results.values() if isinstance(v, int))


class Sequence(models.Model):
    """A gap-free counter per key (e.g. ``doc_number:示市委办发:2026``)."""

    key = models.CharField(_("序列"), max_length=200, unique=True)
    last_value = models.PositiveBigIntegerField(_("当前值"), default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.key}={self.last_value}"


class VoidedNumber(models.Model):
    """A number taken from a sequence and then voided: recorded, never reused."""

    key = models.CharField(_("序列"), max_length=200)
    value = models.PositiveBigIntegerField(_("编号"))
    reason = models.CharField(_("作废原因"), max_length=200)
    voided_by = models.ForeignKey("org.Person", verbose_name=_("作废人"), null=True,
                                  on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField(_("作废时间"), auto_now_add=True)

    class Meta:
        ordering = ["key", "value"]
        verbose_name = _("作废编号")
        verbose_name_plural = _("作废编号")
        constraints = [models.UniqueConstraint(fields=["key", "value"], name="kernel_voided_once")]

    def __str__(self) -> str:
        return f"{self.key}#{self.value}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """One Excel export of a long list, run in the background for its owner. The kind
    (which list) is declared by the app that owns the list (``kernel.exports``); the
    workbook is kept only once complete, and only until ``expires_at``."""

    owner = models.ForeignKey("org.Person", verbose_name=_("导出人"), on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(_("导出内容"), max_length=50)
    params = models.JSONField(_("查询条件"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已导出行数"), default=0)
    capped = models.BooleanField(_("超出上限"), default=False)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    content = models.BinaryField(_("文件内容"), default=b"", blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [models.Index(fields=["owner", "-created_at"], name="kernel_export_owner_idx"),
                   models.Index(fields=["expires_at"], name="kernel_export_expiry_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ExportStatus.values),
                                   name="kernel_export_status_valid"),
            # A finished workbook always says when it was finished and when it expires.
            models.CheckConstraint(
                condition=~models.Q(status=ExportStatus.DONE)
                | models.Q(finished_at__isnull=False, expires_at__isnull=False),
                name="kernel_export_done_has_times"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    # A job still queued this long after it was submitted, or still running this long
    # after it was claimed, has lost its worker (the host stopped; django_tasks_db does
    # not retry): it no longer counts as open, and it is shown, then stored, as failed.
    STALE_AFTER = dt.timedelta(hours=1)
    INTERRUPTED = "导出中断（后台任务未完成），请重新导出。"

    @classmethod
    def stale(cls, now: dt.datetime) -> models.Q:
        """The unfinished jobs whose worker is taken to be dead at ``now``."""
        cutoff = now - cls.STALE_AFTER
        return (models.Q(status=ExportStatus.QUEUED, created_at__lt=cutoff)
                | models.Q(status=ExportStatus.RUNNING, started_at__lt=cutoff)
                | models.Q(status=ExportStatus.RUNNING, started_at__isnull=True, created_at__lt=cutoff))

    @property
    def is_interrupted(self) -> bool:
        """Unfinished, but stale: nothing will finish it any more."""
        cutoff = timezone.now() - self.STALE_AFTER
        if self.status == ExportStatus.QUEUED:
            return self.created_at < cutoff
        if self.status == ExportStatus.RUNNING:
            return (self.started_at or self.created_at) < cutoff
        return False

    @property
    def is_failed(self) -> bool:
        return self.status == ExportStatus.FAILED or self.is_interrupted

    @property
    def failure(self) -> str:
        """Why the job failed, in Chinese."""
        return self.INTERRUPTED if self.is_interrupted else self.error

    @property
    def status_label(self) -> str:
        return ExportStatus.FAILED.label if self.is_interrupted else self.get_status_display()

    @property
    def is_finished(self) -> bool:
        return self.status in {ExportStatus.DONE, ExportStatus.FAILED} or self.is_interrupted
