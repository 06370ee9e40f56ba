"""The tree 上级党委 → 党支部, who belongs where, each upload as a version, submissions and the
audit log. Files live on disk under PORTAL_DATA (Version.folder); the database holds what the
pages show."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q


class Committee(models.Model):
    """上级党委: its reviewers see every branch under it."""

    name = models.CharField("名称", max_length=200, unique=True)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="reviewed_committees",
                                       verbose_name="审阅人")

    class Meta:
        verbose_name = verbose_name_plural = "上级党委"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    """党支部: its secretaries upload its ledgers."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="branches", verbose_name="上级党委")
    name = models.CharField("名称", max_length=200)
    secretaries = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="branches",
                                         verbose_name="书记（可上传）")

    class Meta:
        verbose_name = verbose_name_plural = "党支部"
        ordering = ["committee__name", "name"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="unique_branch_name")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def visible_to(user) -> models.QuerySet[Branch]:
        """The branches `user` may see: their own, and every branch of a committee they review."""
        if not user.is_authenticated:
            return Branch.objects.none()
        return Branch.objects.filter(Q(secretaries=user) | Q(committee__reviewers=user)).distinct()

    def latest(self) -> Version | None:
        return self.versions.order_by("-number").first()


class Version(models.Model):
    """One upload: its files kept unchanged in inputs/, the check (and report) in outputs/."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, "排队中"), (RUNNING, "分析中"), (DONE, "已完成"), (FAILED, "失败")]

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    created = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    files = models.JSONField(default=list)  # [{"name": …, "size": …}]
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    failure = models.TextField(blank=True)  # a usage error or a limit, in Chinese
    year = models.IntegerField(null=True)
    errors = models.IntegerField(default=0)
    warnings = models.IntegerField(default=0)
    summary = models.JSONField(default=dict)  # what the result page shows (worker.summarise)
    report_state = models.CharField(max_length=10, choices=STATES, blank=True)
    report_failure = models.TextField(blank=True)
    report_name = models.CharField(max_length=300, blank=True)
    report_draft = models.BooleanField(default=False)  # generated despite errors: 仅供核对
    report_summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["branch", "-number"]
        constraints = [models.UniqueConstraint(fields=["branch", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.branch} 第{self.number}版"

    @property
    def folder(self) -> Path:
        return Path(settings.DATA) / "files" / f"branch-{self.branch_id}" / f"v{self.number}"

    @property
    def inputs(self) -> Path:
        return self.folder / "inputs"

    @property
    def outputs(self) -> Path:
        return self.folder / "outputs"

    @property
    def busy(self) -> bool:
        return self.state in (self.QUEUED, self.RUNNING) or self.report_state in (self.QUEUED, self.RUNNING)

    @property
    def has_report(self) -> bool:
        return self.report_state == self.DONE and bool(self.report_name)


class Submission(models.Model):
    """A version sent to the 上级党委; a reviewer may send it back with a comment."""

    SUBMITTED, RETURNED = "submitted", "returned"
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted = models.DateTimeField("提交时间", auto_now_add=True)
    state = models.CharField(max_length=10, choices=[(SUBMITTED, "已提交"), (RETURNED, "已退回")], default=SUBMITTED)
    comment = models.TextField("退回意见", blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    returned = models.DateTimeField("退回时间", null=True, blank=True)

    class Meta:
        ordering = ["-submitted", "-id"]


class AuditEvent(models.Model):
    """Who did what when to which version: uploads, generations, downloads, submissions, send-backs."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name="用户")
    action = models.CharField("操作", max_length=40)
    branch = models.ForeignKey(Branch, null=True, on_delete=models.SET_NULL, verbose_name="支部")
    version = models.ForeignKey(Version, null=True, on_delete=models.SET_NULL, verbose_name="版本")
    detail = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作记录"
        ordering = ["-at", "-id"]


def audit(user, action: str, branch: Branch | None = None, version: Version | None = None, detail: str = "") -> None:
    """Record one event (user None: the system or an import command)."""
    AuditEvent.objects.create(user=user if user is not None and user.is_authenticated else None, action=action,
                              branch=branch or (version.branch if version else None), version=version,
                              detail=detail[:500])
