"""Who may see and do what: every object is looked up through the user's branches, so another
branch's id is a 404 whatever the URL; acting needs the role on that branch (else 404 too, so
a reviewer cannot even tell a secretary-only page exists)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from pipeline.web.models import Branch, Committee, Submission, Version


def branch(user, pk: int) -> Branch:
    return get_object_or_404(Branch.visible_to(user).select_related("committee"), pk=pk)


def version(user, pk: int) -> Version:
    return get_object_or_404(Version.objects.filter(branch__in=Branch.visible_to(user)).select_related("branch"), pk=pk)


def committee(user, pk: int) -> Committee:
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Committee.objects.filter(reviewers=user), pk=pk)


def submission(user, pk: int) -> Submission:
    """A submission the user reviews (as a reviewer of its branch's committee)."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Submission.objects.filter(version__branch__committee__reviewers=user)
                             .select_related("version__branch"), pk=pk)


def is_secretary(user, branch: Branch) -> bool:
    return branch.secretaries.filter(pk=user.pk).exists()


def is_reviewer(user, branch: Branch) -> bool:
    return branch.committee.reviewers.filter(pk=user.pk).exists()


def secretary_of(user, pk: int) -> Branch:
    found = branch(user, pk)
    if not is_secretary(user, found):
        raise Http404
    return found


def own_version(user, pk: int) -> Version:
    """A version the user may act on as its branch's secretary."""
    found = version(user, pk)
    if not is_secretary(user, found.branch):
        raise Http404
    return found


STATES = ("未上传", "分析中", "有错误", "待生成", "已生成", "已提交", "已退回")


def state(latest: Version | None, submission: Submission | None) -> str:
    """A branch at a glance: 未上传 / 分析中 / 有错误 / 待生成 / 已生成 / 已提交 / 已退回."""
    if submission is not None and (latest is None or submission.version_id == latest.pk or
                                   submission.version.number >= latest.number):
        return "已退回" if submission.state == Submission.RETURNED else "已提交"
    if latest is None:
        return "已退回" if submission is not None and submission.state == Submission.RETURNED else "未上传"
    if latest.busy and latest.state != Version.DONE:
        return "分析中"
    if latest.state == Version.FAILED or latest.errors:
        return "有错误"
    return "已生成" if latest.has_report else "待生成"
