"""Units, people and roles: who the office is and who works in it."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    ORGAN = "organ", _("本机关")
    DEPARTMENT = "department", _("内设机构")
    SUBORDINATE = "subordinate", _("下级单位")
    EXTERNAL = "external", _("外部单位")


class Unit(models.Model):
    """A node of the organisation tree."""

    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    code = models.CharField(
        _("单位代码"), max_length=30, unique=True,
        help_text=_("唯一标识，用于导入和接口，例如 SWBGS"),
    )
    issuer_code = models.CharField(
        _("机关代字"), max_length=30, blank=True,
        help_text=_("发文单位填写，例如 市委办发"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    head = models.ForeignKey(
        "Person", verbose_name=_("负责人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="headed_units",
    )
    leader_in_charge = models.ForeignKey(
        "Person", verbose_name=_("分管领导"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="units_in_charge",
    )

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unit_unique_name_in_parent"),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in UnitKind]), name="org_unit_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["parent", "sort_order"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class RoleCode(models.TextChoices):
    LEADER = "leader", _("领导")
    OFFICE_DIRECTOR = "office_director", _("办公室主任")
    SECRETARY = "secretary", _("秘书/文书")
    CONFIDENTIAL_CLERK = "confidential_clerk", _("机要员")
    SUPERVISION_OFFICER = "supervision_officer", _("督查员")
    INFORMATION_OFFICER = "information_officer", _("信息员")
    DUTY_OFFICER = "duty_officer", _("值班员")
    LIAISON_OFFICER = "liaison_officer", _("联络员")
    ARCHIVIST = "archivist", _("档案员")
    # Keeps the routing templates beside the office director; given by the security admin.
    WORKFLOW_ADMIN = "workflow_admin", _("流程管理员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全保密管理员")
    AUDITOR = "auditor", _("安全审计员")


class Role(models.Model):
    """A role as data, so offices can describe it; the code is permanent once shipped."""

    code = models.CharField(_("代码"), max_length=40, unique=True, choices=RoleCode.choices)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("角色")
        verbose_name_plural = _("角色")

    def __str__(self) -> str:
        return self.name


class Clearance(models.TextChoices):
    """涉密人员等级."""

    CORE = "core", _("核心涉密人员")
    IMPORTANT = "important", _("重要涉密人员")
    GENERAL = "general", _("一般涉密人员")
    NONE = "none", _("非涉密人员")


class PersonManager(UserManager["Person"]):
    pass


class Person(AbstractUser):
    """A person who works with the system; the account is the person."""

    # AbstractUser's first/last names do not fit Chinese names: one full name instead.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="people",
    )
    position = models.CharField(_("职务"), max_length=50, blank=True)
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="people")
    clearance = models.CharField(
        _("涉密等级"), max_length=20, choices=Clearance.choices, default=Clearance.NONE
    )
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    # A one-time password (given at creation, installation or a reset) opens nothing but
    # the change-password page (``org.middleware.OneTimePasswordMiddleware``).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    # Who last reset the password and when: the person is told at the next sign-in.
    password_reset_by = models.ForeignKey(
        "self", verbose_name=_("密码重置人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")
    password_reset_at = models.DateTimeField(_("密码重置时间"), null=True, blank=True)

    objects: ClassVar[PersonManager] = PersonManager()
    # Filled by ``has_role`` (or emptied by a change of roles).
    _role_codes: set[str] | None

    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(clearance__in=[c.value for c in Clearance]),
                name="org_person_clearance_valid",
            ),
        ]
        indexes = [models.Index(fields=["unit", "sort_order"]), models.Index(fields=["full_name"])]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    def has_role(self, code: str) -> bool:
        # Roles are read many times per request; prefetching fills this cache.
        cache = getattr(self, "_role_codes", None)
        if cache is None:
            cache = set(self.roles.values_list("code", flat=True))
            self._role_codes = cache
        return code in cache

    @property
    def role_codes(self) -> set[str]:
        self.has_role("")
        return self._role_codes or set()


class ResetStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")
    USED = "used", _("已重置")


class PasswordResetRequest(models.Model):
    """The system admin's request to reset the password of a person cleared 重要 or
    核心, which the security admin approves before the reset may happen (三员分立:
    a reset lets whoever holds the new password act as that person)."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="+")
    requested_by = models.ForeignKey(Person, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    reason = models.CharField(_("重置原因"), max_length=200)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=ResetStatus.choices,
                              default=ResetStatus.PENDING)
    decided_by = models.ForeignKey(Person, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    used_at = models.DateTimeField(_("重置时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("密码重置审批")
        verbose_name_plural = _("密码重置审批")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=[s.value for s in ResetStatus]),
                                   name="org_reset_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status=ResetStatus.PENDING, decided_by__isnull=True)
                | (~models.Q(status=ResetStatus.PENDING) & models.Q(decided_by__isnull=False)),
                name="org_reset_decided_iff_not_pending"),
        ]
        indexes = [models.Index(fields=["status", "created_at"]),
                   models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"密码重置申请 #{self.pk}"


class PickKind(models.TextChoices):
    """What a picker chooses: people or units."""

    PEOPLE = "people", _("人员")
    UNITS = "units", _("单位")


class PickGroup(models.Model):
    """A group the office keeps for choosing many at once in a picker (各区县委, 市直各单位,
    市委常委). Choosing a group adds its members; the group itself is never a recipient,
    so changing it later changes no document already sent."""

    code = models.SlugField(_("标识"), max_length=40, unique=True,
                            help_text=_("唯一标识，由字母、数字和连字符组成，例如 districts"))
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=PickKind.choices)
    people = models.ManyToManyField(Person, verbose_name=_("人员"), blank=True, related_name="+")
    units = models.ManyToManyField(Unit, verbose_name=_("单位"), blank=True, related_name="+")
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("常用分组")
        verbose_name_plural = _("常用分组")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=[k.value for k in PickKind]),
                                   name="org_pickgroup_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class RecentPick(models.Model):
    """What one person last chose in one picker (by the picker's key, e.g.
    ``documents.countersign``): ids, most recent first, a few dozen at most."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=PickKind.choices)
    ids = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "key", "kind"], name="org_recentpick_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {len(self.ids)}"
