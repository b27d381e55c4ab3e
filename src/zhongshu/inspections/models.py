"""Inspection plans (督查检查考核计划): every body that means to inspect, check, assess
or survey subordinate units registers the plan, so that the office can see each unit's
burden and merge or refuse overlapping visits (为基层减负)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongshu.kernel.append_only import AppendOnly
from zhongshu.org.models import Unit


class PlanForm(models.TextChoices):
    """形式. Stable codes; the labels are the office's words."""

    SUPERVISE = "supervise", _("督查")
    INSPECT = "inspect", _("检查")
    ASSESS = "assess", _("考核")
    SURVEY = "survey", _("调研")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("审批中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未获批准")
    # The office's own decisions when plans overlap (为基层减负): final.
    MERGED = "merged", _("已合并")
    REFUSED = "refused", _("不予开展")


# Plans that will (or may) happen: the ones overlaps and the burden map count.
ACTIVE_STATUSES = (PlanStatus.SUBMITTED, PlanStatus.APPROVED)
# The registrant may still change and (re)submit these.
EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.REJECTED)


class InspectionPlan(models.Model):
    topic = models.CharField(_("主题"), max_length=200)
    organiser = models.ForeignKey(Unit, verbose_name=_("组织单位"), on_delete=models.PROTECT,
                                  related_name="inspection_plans_organised")
    # Bodies joined in by a merge: the inspection is held jointly.
    co_organisers = models.ManyToManyField(Unit, verbose_name=_("联合组织单位"), blank=True,
                                           related_name="inspection_plans_joined")
    units = models.ManyToManyField(Unit, verbose_name=_("被检查单位"),
                                   related_name="inspection_plans_received")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    form = models.CharField(_("形式"), max_length=20, choices=PlanForm.choices)
    participants = models.CharField(_("参加人员"), max_length=500, blank=True)
    description = models.TextField(_("内容和方式"), blank=True)
    # The topic's words (rjieba, stop words removed), space-separated: computed when the
    # topic is saved, so comparing plans never segments text again.
    topic_words = models.TextField(editable=False, blank=True, default="")
    status = models.CharField(_("状态"), max_length=20, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"),
                                      on_delete=models.PROTECT, related_name="+")
    merged_into = models.ForeignKey("self", verbose_name=_("并入计划"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_plans")
    decision_reason = models.CharField(_("处理理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("督查检查考核计划")
        verbose_name_plural = _("督查检查考核计划")
        constraints = [
            models.CheckConstraint(condition=models.Q(starts_on__lte=models.F("ends_on")),
                                   name="inspections_plan_period_ordered"),
            models.CheckConstraint(condition=models.Q(form__in=PlanForm.values),
                                   name="inspections_plan_form_valid"),
            models.CheckConstraint(condition=models.Q(status__in=PlanStatus.values),
                                   name="inspections_plan_status_valid"),
            # A merged plan names the plan it went into; no other plan does.
            models.CheckConstraint(
                condition=models.Q(status=PlanStatus.MERGED, merged_into__isnull=False)
                | (~models.Q(status=PlanStatus.MERGED) & models.Q(merged_into__isnull=True)),
                name="inspections_plan_merged_into"),
        ]
        indexes = [models.Index(fields=["status", "starts_on", "ends_on"]),
                   models.Index(fields=["organiser", "starts_on"]),
                   models.Index(fields=["registered_by", "status"])]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class PlanEventKind(models.TextChoices):
    CREATED = "created", _("登记")
    UPDATED = "updated", _("修改")
    SUBMITTED = "submitted", _("报送审批")
    APPROVED = "approved", _("批准")
    REJECTED = "rejected", _("未获批准")
    MERGED_IN = "merged_in", _("并入其他计划")
    ABSORBED = "absorbed", _("合并其他计划")
    REFUSED = "refused", _("不予开展")


class PlanEvent(AppendOnly):
    """The plan's history, appended and never edited: the page shows it, and a merged
    plan's history stays with it."""

    immutable_message = "计划的处理记录一经保存不可修改或删除。"

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=PlanEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=600, blank=True)
    other = models.ForeignKey(InspectionPlan, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["plan", "at"])]


class InspectionSettings(models.Model):
    """The office's thresholds for flagging overlaps: one row, saved from the settings
    page; until then the deployment's settings (``selectors.current_settings``)."""

    similarity_threshold = models.DecimalField(
        _("主题相似度阈值"), max_digits=3, decimal_places=2,
        help_text=_("0.10 至 1.00：两个计划主题分词后的相似度达到该值即提示“主题相近”"))
    similar_window_days = models.PositiveSmallIntegerField(
        _("主题相近的时间范围（天）"),
        help_text=_("两个计划的时间相隔不超过该天数时才比较主题，1 至 366"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="inspections_settings_single_row"),
            models.CheckConstraint(
                condition=models.Q(similarity_threshold__gte=0.1, similarity_threshold__lte=1),
                name="inspections_settings_threshold_range"),
            models.CheckConstraint(
                condition=models.Q(similar_window_days__gte=1, similar_window_days__lte=366),
                name="inspections_settings_window_range"),
        ]

    def __str__(self) -> str:
        return "督查检查考核计划设置"
