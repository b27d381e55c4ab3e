"""The routing engine's data: templates as versioned data, and the routes, steps and
opinions (意见) of items moving through them.

A template is edited by the office; every save makes a new immutable version, and a route
keeps the version it started with, so editing a template never changes work in progress.
Every stage carries a stable key (环节标识: ``sign_off``, ``numbering`` …) that the office
cannot change; rules and effects follow the key, never the stage's editable name.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongshu.kernel.append_only import AppendOnly
from zhongshu.kernel.append_only import ImmutableRecord as ImmutableRecord  # re-exported
from zhongshu.kernel.urgency import Urgency


class StageMode(models.TextChoices):
    SINGLE = "single", _("单人办理")
    SEQUENTIAL = "sequential", _("依次办理")
    ALL = "all", _("并行会签（全部同意）")
    ANY = "any", _("并行办理（任一人同意）")


class StepAction(models.TextChoices):
    AGREE = "agree", _("同意")
    AGREE_WITH_OPINION = "agree_opinion", _("同意并附意见")
    RETURN = "return", _("退回")
    REJECT = "reject", _("不同意")
    ADD_COUNTERSIGNER = "add_countersigner", _("加签")
    TRANSFER = "transfer", _("转办")


class AssigneeKind(models.TextChoices):
    PERSON = "person", _("指定人员")
    UNIT_HEAD = "unit_head", _("指定单位负责人")
    UNIT_LEADER = "unit_leader", _("指定单位分管领导")
    ROLE_IN_UNIT = "role_in_unit", _("指定单位内某角色")
    DRAFTER = "drafter", _("拟稿人")
    DRAFTER_UNIT_HEAD = "drafter_unit_head", _("拟稿人所在部门负责人")
    DRAFTER_UNIT_LEADER = "drafter_unit_leader", _("拟稿人所在单位分管领导")
    # The item itself names the people (会签单位, the authorised leader …): the owning app
    # answers ``workflow_assignees(slot)``. A stage whose item names nobody is skipped.
    ITEM = "item", _("由事项指定")


class RouteTemplate(models.Model):
    """A named routing template; its stages live in versions."""

    code = models.SlugField(_("代码"), max_length=50, unique=True,
                            help_text=_("唯一标识，供各业务模块引用，例如 outgoing-standard"))
    # The route purpose the template serves (流转目的, registered by an app): it says which
    # stage keys the template must keep.
    purpose = models.CharField(_("流转目的"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("流转模板")
        verbose_name_plural = _("流转模板")

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> TemplateVersion | None:
        return self.versions.order_by("-number").first()


class TemplateVersion(models.Model):
    """One immutable version of a template: the stages as they were when saved."""

    template = models.ForeignKey(RouteTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    # Null for an app's default template, created by the system on first use.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("模板版本")
        verbose_name_plural = _("模板版本")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="workflow_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class StageDef(models.Model):
    """One stage of a template version. ``assignees`` is a list of specs such as
    ``{"kind": "unit_head", "unit": 3}``; they are resolved to people when the stage
    starts, so a change of department head reaches running routes' later stages."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="stages")
    position = models.PositiveSmallIntegerField(_("顺序"))
    # Permanent once shipped: rules dispatch on it (registry.Purpose).
    key = models.SlugField(_("环节标识"), max_length=40)
    name = models.CharField(_("环节名称"), max_length=50)
    mode = models.CharField(_("办理方式"), max_length=20, choices=StageMode.choices)
    assignees = models.JSONField(_("办理人"), default=list)
    actions = models.JSONField(_("允许的操作"), default=list)
    deadline_workdays = models.PositiveSmallIntegerField(_("办理时限（工作日）"), null=True, blank=True)
    delegable = models.BooleanField(
        _("允许秘书代为处理"), default=True,
        help_text=_("签发、批示等环节不得委托他人代为处理"))
    # The person sending the item on picks who of the stage's people receive it (e.g. which
    # of the office's reviewers 核稿) instead of all of them.
    choosable = models.BooleanField(_("送出时可选择办理人"), default=False,
                                    help_text=_("上一环节送出时，从本环节的办理人中选择具体的人"))

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("环节")
        verbose_name_plural = _("环节")
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="workflow_stage_unique_position"),
            models.UniqueConstraint(fields=["version", "key"], name="workflow_stage_unique_key"),
            models.CheckConstraint(condition=models.Q(mode__in=[m.value for m in StageMode]),
                                   name="workflow_stage_mode_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def allows(self, action: str) -> bool:
        return action in self.actions


class RouteStatus(models.TextChoices):
    RUNNING = "running", _("流转中")
    COMPLETED = "completed", _("已办结")
    REJECTED = "rejected", _("未通过")


class Route(models.Model):
    """One item's journey through a template version. Attaches to any model instance."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    # Why the item is on this route (发文审批, 办结审核 …): one item may have several.
    purpose = models.CharField(_("流转目的"), max_length=40)
    template_version = models.ForeignKey(TemplateVersion, verbose_name=_("模板版本"),
                                         on_delete=models.PROTECT, related_name="routes")
    title = models.CharField(_("标题"), max_length=200)
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("拟稿人"),
                                on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"),
                                   on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=RouteStatus.choices,
                              default=RouteStatus.RUNNING)
    # The stage now open, or null when the route has finished.
    current_position = models.PositiveSmallIntegerField(_("当前环节"), null=True, blank=True)
    # Incremented by every return, so the steps of a stage's second pass are told apart
    # from the first pass's.
    round = models.PositiveIntegerField(_("轮次"), default=0)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    importance = models.SmallIntegerField(_("重要程度"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("流转")
        verbose_name_plural = _("流转")
        indexes = [models.Index(fields=["content_type", "object_id", "purpose"],
                                name="workflow_route_item_purpose")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=[s.value for s in RouteStatus]),
                                   name="workflow_route_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("待前序办理")
    PENDING = "pending", _("待办理")
    AGREED = "agreed", _("已同意")
    RETURNED = "returned", _("已退回")
    REJECTED = "rejected", _("不同意")
    TRANSFERRED = "transferred", _("已转办")
    CLOSED = "closed", _("无需办理")


OPEN_STEP_STATUSES = (StepStatus.WAITING, StepStatus.PENDING)
ACTED_STEP_STATUSES = (StepStatus.AGREED, StepStatus.RETURNED, StepStatus.REJECTED,
                       StepStatus.TRANSFERRED)


class Step(models.Model):
    """One person's part in one pass of one stage."""

    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField(_("环节顺序"))
    round = models.PositiveIntegerField(_("轮次"))
    order = models.PositiveIntegerField(_("环节内顺序"), default=0)
    stage_key = models.SlugField(_("环节标识"), max_length=40)
    stage_name = models.CharField(_("环节名称"), max_length=50)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"),
                                 on_delete=models.PROTECT, related_name="workflow_steps")
    # The unit the assignee answers for, when the stage named a unit (会签单位).
    unit = models.ForeignKey("org.Unit", verbose_name=_("代表单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=StepStatus.choices)
    activated_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    # Counted over a year whose holiday arrangement is not entered yet (recomputed when it is).
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    acted_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    added_by = models.ForeignKey("self", verbose_name=_("加签来源"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    transferred_from = models.ForeignKey("self", verbose_name=_("转办来源"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["route", "round", "position", "order", "id"]
        verbose_name = _("办理步骤")
        verbose_name_plural = _("办理步骤")
        indexes = [
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["route", "round", "position"]),
            # Need-to-know asks "which routes was this person on": answered from the
            # index alone (docs/benchmarks/documents.md).
            models.Index(fields=["assignee", "route"]),
            # The statistics' "slowest open items": pending steps oldest first, read
            # with ORDER BY activated_at LIMIT from this index alone.
            models.Index(fields=["status", "activated_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=[s.value for s in StepStatus]),
                                   name="workflow_step_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.stage_name} · {self.assignee}"


class Opinion(AppendOnly):
    """意见: what someone did at a step and what they wrote. Never edited or deleted; a
    correction is a new opinion."""

    immutable_message = "意见一经提交不可修改或删除。"

    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="opinions")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="opinions")
    stage_key = models.SlugField(_("环节标识"), max_length=40)
    stage_name = models.CharField(_("环节名称"), max_length=50)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填写人"),
                               on_delete=models.PROTECT, related_name="+")
    # The person whose step this was, when the author acted under their delegation.
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代为处理的领导"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    action = models.CharField(_("操作"), max_length=20, choices=StepAction.choices)
    text = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    # What the action pointed at: the stage returned to, or the person added or transferred to.
    target_position = models.PositiveSmallIntegerField(null=True, blank=True)
    target_person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        indexes = [models.Index(fields=["route", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author} {self.get_action_display()}"

