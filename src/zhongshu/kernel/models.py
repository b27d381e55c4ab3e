"""Shared data with no business rules: the office's corrections to the holiday calendar."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import blobs


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


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    # The worker fell silent (the host stopped, the process was killed): nothing will
    # finish the job unless its owner runs it again (kernel.jobs, decision 0903).
    INTERRUPTED = "interrupted", _("已中断")


LIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    """One piece of long work run by the background worker for one person: an import, an
    export, later a rebuild of an index. What the job does is its kind, a code an app
    registers in ``kernel.jobs``; the kernel keeps the job's state, progress and files.

    The worker that claims a job stamps it with a fresh ``claim`` token, and every later
    write of that run matches the token: a worker that comes back after its job was
    taken over by another changes nothing."""

    owner = models.ForeignKey("org.Person", verbose_name=_("提交人"), on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(_("任务类型"), max_length=50)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    stage = models.CharField(_("当前阶段"), max_length=50, blank=True)
    done = models.PositiveIntegerField(_("已完成数"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    claim = models.UUIDField(_("执行令牌"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    # For the owner, in Chinese; the exception itself goes only to the log.
    failure = models.CharField(_("失败原因"), max_length=500, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    queued_at = models.DateTimeField(_("排队时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # When the job's files are deleted (its record is kept longer: kernel.jobs.KEEP).
    expires_at = models.DateTimeField(_("文件过期时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["owner", "-created_at"], name="kernel_job_owner_idx"),
                   models.Index(fields=["owner", "kind", "-created_at"], name="kernel_job_owner_kind_idx"),
                   models.Index(fields=["status", "heartbeat_at"], name="kernel_job_status_idx"),
                   models.Index(fields=["expires_at"], name="kernel_job_expiry_idx"),
                   models.Index(fields=["finished_at"], name="kernel_job_finished_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values),
                                   name="kernel_job_status_valid"),
            # A running job always carries the token of the run that claimed it.
            models.CheckConstraint(
                condition=~models.Q(status=JobStatus.RUNNING)
                | models.Q(claim__isnull=False, started_at__isnull=False, heartbeat_at__isnull=False),
                name="kernel_job_running_is_claimed"),
            # A finished job says when it finished; a successful one when its files go.
            models.CheckConstraint(
                condition=models.Q(status__in=LIVE_STATUSES) | models.Q(finished_at__isnull=False),
                name="kernel_job_finished_has_time"),
            models.CheckConstraint(
                condition=~models.Q(status=JobStatus.DONE) | models.Q(expires_at__isnull=False),
                name="kernel_job_done_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        """Queued or running: its page keeps asking for progress."""
        return self.status in LIVE_STATUSES

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))


class StoredFile(models.Model):
    """One object in the file store (kernel.blobs): its digest and size, recorded when it
    was written and checked whenever it is read. Rows of files (收文文件, 发文附件 …)
    point at it; the same bytes are one object however many rows point at them
    (docs/decisions/1310). Written only by ``kernel.filestore.put``."""

    algorithm = models.CharField(_("摘要算法"), max_length=10)
    digest = models.CharField(_("摘要"), max_length=128, unique=True)
    size = models.PositiveBigIntegerField(_("大小"))
    created_at = models.DateTimeField(_("存入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("存储文件")
        verbose_name_plural = _("存储文件")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.digest}"

    @property
    def name(self) -> str:
        """The object's name in the store."""
        return blobs.object_name(self.algorithm, self.digest)

    def read(self) -> bytes:
        """The bytes, checked against the recorded size and digest (``blobs.Damaged``)."""
        return blobs.read_checked(self.name, algorithm=self.algorithm, digest=self.digest,
                                  size=self.size)


class JobFile(models.Model):
    """A file of a job: what its owner uploaded (deleted once the job has finished) or
    what it produced (deleted when the job's ``expires_at`` passes)."""

    class Purpose(models.TextChoices):
        INPUT = "input", _("上传文件")
        RESULT = "result", _("结果文件")

    job = models.ForeignKey(Job, verbose_name=_("后台任务"), on_delete=models.CASCADE,
                            related_name="files")
    purpose = models.CharField(_("用途"), max_length=10, choices=Purpose.choices)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    blob = models.ForeignKey(StoredFile, verbose_name=_("文件内容"), on_delete=models.PROTECT,
                             related_name="+")
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("后台任务文件")
        verbose_name_plural = _("后台任务文件")
        constraints = [
            models.UniqueConstraint(fields=["job", "purpose"], name="kernel_jobfile_one_per_purpose"),
            models.CheckConstraint(condition=models.Q(purpose__in=["input", "result"]),
                                   name="kernel_jobfile_purpose_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def content(self) -> bytes:
        return self.blob.read()
