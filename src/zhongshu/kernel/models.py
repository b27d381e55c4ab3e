"""Shared data with no business rules: the office's corrections to the holiday calendar."""

from django.db import models
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
