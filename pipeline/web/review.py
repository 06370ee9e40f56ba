"""The reviewer's pages: every branch of a 上级党委 at a glance, send-back, 各支部汇总."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pipeline.web import jobs, scope
from pipeline.web.models import Branch, Submission, Version, audit
from pipeline.web.views import send_file

SUMMARY_FILES = {"xlsx": "各支部汇总.xlsx", "docx": "各支部汇总.docx"}


def rows(committee) -> tuple[list[dict], list[dict]]:
    """One row per branch (state, figures, findings) and the compliance per rule across branches."""
    latest = Version.objects.filter(branch=OuterRef("pk")).order_by("-number").values("pk")[:1]
    last_sub = Submission.objects.filter(version__branch=OuterRef("pk")).order_by("-submitted", "-id").values("pk")[:1]
    branches = list(committee.branches.annotate(latest_id=Subquery(latest), sub_id=Subquery(last_sub)))
    versions = Version.objects.in_bulk([b.latest_id for b in branches if b.latest_id])
    subs = Submission.objects.select_related("version").in_bulk([b.sub_id for b in branches if b.sub_id])
    out: list[dict] = []
    rules: dict[str, dict] = {}
    for b in branches:
        version = versions.get(b.latest_id)
        sub = subs.get(b.sub_id)
        shown = sub.version if sub is not None else version  # figures of what was submitted
        summary = (shown.summary if shown is not None else None) or {}
        failed = [r["name"] for r in summary.get("rules", []) if r["state"] == "不符合"]
        for r in summary.get("rules", []):
            counts = rules.setdefault(r["name"], {"name": r["name"], "ok": 0, "bad": 0, "skip": 0})
            counts[{"符合": "ok", "不符合": "bad"}.get(r["state"], "skip")] += 1
        out.append({"branch": b, "state": scope.state(version, sub), "version": version, "shown": shown,
                    "submission": sub, "figures": summary.get("figures", []), "findings": len(summary.get("findings", [])),
                    "failed": failed})
    return out, list(rules.values())


@login_required
@require_GET
def committee(request, pk: int):
    found = scope.committee(request.user, pk)
    table, rules = rows(found)
    counts = {name: sum(1 for r in table if r["state"] == name) for name in scope.STATES}
    labels = [f["label"] for f in table[0]["figures"]] if table and table[0]["figures"] else []
    return render(request, "portal/committee.html", {"committee": found, "rows": table, "rules": rules,
                                                     "counts": counts, "labels": labels})


@login_required
@require_POST
def send_back(request, pk: int):
    sub = scope.submission(request.user, pk)
    comment = request.POST.get("comment", "").strip()
    if not comment:
        messages.error(request, "请填写退回意见，说明需要修改什么。")
    elif sub.state != Submission.SUBMITTED:
        messages.info(request, "这份报告已经退回过了。")
    else:
        Submission.objects.filter(pk=sub.pk).update(state=Submission.RETURNED, comment=comment[:5000],
                                                    returned_by=request.user, returned=timezone.now())
        audit(request.user, "退回", version=sub.version, detail=comment[:200])
        messages.success(request, f"已退回{sub.version.branch.name}第{sub.version.number}版。")
    return redirect("portal:version", sub.version.pk)


@login_required
@require_GET
def summary(request, pk: int, kind: str):
    """各支部汇总 of the latest submitted version of each branch, by the batch run itself."""
    found = scope.committee(request.user, pk)
    if kind not in SUMMARY_FILES:
        raise Http404
    picked = []
    for b in Branch.objects.filter(committee=found):
        sub = Submission.objects.filter(version__branch=b, state=Submission.SUBMITTED).select_related("version").first()
        if sub is not None:
            picked.append(sub.version)
    if not picked:
        messages.error(request, "还没有支部提交报告，无法汇总。")
        return redirect("portal:committee", found.pk)
    key = "-".join(str(v.pk) for v in sorted(picked, key=lambda v: v.pk))
    work = Path(settings.DATA) / "files" / f"committee-{found.pk}" / f"summary-{key}"
    if not (work / "outputs" / SUMMARY_FILES[kind]).is_file():
        shutil.rmtree(work, ignore_errors=True)
        for v in picked:  # a folder of branch folders, as the batch run reads it
            target = work / "inputs" / f"{v.branch.pk:05d}-{v.branch.name}"[:120]
            target.mkdir(parents=True)
            for path in v.inputs.iterdir():
                _link(path, target / path.name)
        result = jobs.call("summary", work / "inputs", work / "outputs")
        if "ok" not in result:
            messages.error(request, "汇总失败：" + result.get("failure", ""))
            return redirect("portal:committee", found.pk)
    audit(request.user, "下载汇总", detail=f"{found.name}：{len(picked)} 个支部")
    return send_file(work / "outputs" / SUMMARY_FILES[kind], f"{found.name}-{SUMMARY_FILES[kind]}")


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # the inputs are never changed, so a hard link is a free copy
    except OSError:
        shutil.copy2(source, target)
