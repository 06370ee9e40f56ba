"""The secretary's pages: the branch, uploads, a version's result, downloads, report, submit."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from pipeline import api
from pipeline.web import jobs, scope, uploads
from pipeline.web.models import Branch, Committee, Submission, Version, audit

VALIDATION_XLSX, VALIDATION_MD = "校验报告.xlsx", "校验报告.md"
CONTENT_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 ".pdf": "application/pdf", ".md": "text/markdown; charset=utf-8", ".zip": "application/zip",
                 ".json": "application/json"}


def send_file(path: Path, name: str | None = None) -> FileResponse:
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=name or path.name,
                        content_type=CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"))


@login_required
@require_GET
def home(request):
    """Straight to the one branch or committee a user has; a list when there are several."""
    branches = list(Branch.visible_to(request.user).filter(secretaries=request.user))
    committees = list(Committee.objects.filter(reviewers=request.user))
    if len(branches) + len(committees) == 1:
        return redirect(*(("portal:branch", branches[0].pk) if branches else ("portal:committee", committees[0].pk)))
    return render(request, "portal/home.html", {"branches": branches, "committees": committees})


@login_required
@require_GET
def branch(request, pk: int):
    found = scope.branch(request.user, pk)
    versions = list(found.versions.order_by("-number"))
    submissions = list(Submission.objects.filter(version__branch=found).select_related("version", "returned_by"))
    latest = versions[0] if versions else None
    this_year = dt.date.today().year
    return render(request, "portal/branch.html", {
        "branch": found, "versions": versions, "latest": latest, "submissions": submissions,
        "state": scope.state(latest, submissions[0] if submissions else None),
        "secretary": scope.is_secretary(request.user, found), "reviewer": scope.is_reviewer(request.user, found),
        "years": [this_year - 1, this_year], "max_mb": settings.PORTAL_MAX_UPLOAD_BYTES // (1024 * 1024),
        "max_files": settings.PORTAL_MAX_FILES})


@login_required
@require_POST
def upload(request, pk: int):
    found = scope.secretary_of(request.user, pk)
    files = request.FILES.getlist("files")
    with transaction.atomic():
        Branch.objects.select_for_update().filter(pk=found.pk).first()  # one number per upload
        number = (found.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = Version.objects.create(branch=found, number=number, uploaded_by=request.user)
    try:
        kept, ignored = uploads.save(files, version.inputs)
    except (uploads.Refused, OSError) as exc:
        version.delete()
        shutil.rmtree(version.folder, ignore_errors=True)
        messages.error(request, str(exc) if isinstance(exc, uploads.Refused) else "保存上传的文件失败，请重试。")
        return redirect("portal:branch", found.pk)
    Version.objects.filter(pk=version.pk).update(files=kept)
    audit(request.user, "上传", version=version, detail="、".join(f["name"] for f in kept)[:500])
    if ignored:
        messages.warning(request, "以下文件不是台账，已忽略：" + "、".join(ignored))
    jobs.check(version)
    return redirect("portal:version", version.pk)


@login_required
@require_GET
def version(request, pk: int):
    found = scope.version(request.user, pk)
    summary = found.summary or {}
    groups: dict[str, list[dict]] = {}
    order = {"错误": 0, "警告": 1, "提示": 2}
    for issue in sorted(summary.get("issues", []), key=lambda i: order.get(i["severity"], 3)):
        groups.setdefault(issue["file"], []).append(issue)
    submissions = list(found.submissions.select_related("returned_by"))
    others = list(found.branch.versions.exclude(pk=found.pk).filter(report_state=Version.DONE).order_by("-number"))
    return render(request, "portal/version.html", {
        "version": found, "branch": found.branch, "summary": summary,
        "groups": sorted(groups.items(), key=lambda g: (order.get(g[1][0]["severity"], 3), g[0])),  # errors first
        "secretary": scope.is_secretary(request.user, found.branch),
        "reviewer": scope.is_reviewer(request.user, found.branch), "submissions": submissions,
        "submitted": any(s.state == Submission.SUBMITTED for s in submissions), "others": others,
        "can_submit": found.has_report and not found.report_draft and found.errors == 0})


@login_required
@require_GET
def status(request, pk: int):
    """What htmx polls while a job runs; once done, the whole page reloads."""
    found = scope.version(request.user, pk)
    if not found.busy:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "portal/status.html", {"version": found})


DOWNLOADS = {"validation-xlsx": VALIDATION_XLSX, "validation-md": VALIDATION_MD, "metrics": "metrics.json"}


@login_required
@require_GET
def download(request, pk: int, kind: str):
    found = scope.version(request.user, pk)
    if kind in DOWNLOADS:
        path = found.outputs / DOWNLOADS[kind]
    elif kind == "report" and found.has_report:
        path = found.outputs / found.report_name
    elif kind == "pdf" and found.has_report and found.report_summary.get("pdf"):
        path = found.outputs / found.report_summary["pdf"]
    else:
        raise Http404
    if not path.is_file():
        raise Http404
    audit(request.user, "下载", version=found, detail=path.name)
    stem = f"{found.branch.name}-第{found.number}版-"
    return send_file(path, path.name if kind in ("report", "pdf") else stem + path.name)


@login_required
@require_POST
def generate(request, pk: int):
    found = scope.own_version(request.user, pk)
    if found.state != Version.DONE:
        messages.error(request, "这一版还没有分析完成，不能生成报告。")
    elif not found.busy:
        jobs.report(found)
        audit(request.user, "生成报告", version=found, detail="核对稿（有错误）" if found.errors else "")
    return redirect("portal:version", found.pk)


@login_required
@require_POST
def submit(request, pk: int):
    found = scope.own_version(request.user, pk)
    if not (found.has_report and not found.report_draft and found.errors == 0):
        messages.error(request, "只有没有错误、已生成正式报告的版本才能提交。")
    elif found.submissions.filter(state=Submission.SUBMITTED).exists():
        messages.info(request, "这一版已经提交过了。")
    else:
        Submission.objects.create(version=found, submitted_by=request.user)
        audit(request.user, "提交", version=found)
        messages.success(request, f"第{found.number}版已提交给{found.branch.committee.name}。")
    return redirect("portal:version", found.pk)


@login_required
@require_GET
def blank(request, pk: int):
    """The blank ledgers of a year, as one zip (written by pipeline.api.run_init)."""
    found = scope.branch(request.user, pk)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "台账"
        api.run_init(folder, year)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, f"{year}年台账/{path.name}")
    audit(request.user, "下载空白台账", branch=found, detail=str(year))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{year}-blank-ledgers.zip"
    return response


@login_required
@require_GET
def diff(request, pk: int):
    """差异报告 between two versions of a branch that both have a generated report."""
    found = scope.branch(request.user, pk)
    ready = list(found.versions.filter(report_state=Version.DONE).order_by("-number"))
    context: dict = {"branch": found, "ready": ready}
    old_id, new_id = request.GET.get("old"), request.GET.get("new")
    if old_id and new_id:
        try:
            old, new = (found.versions.get(pk=int(old_id), report_state=Version.DONE),
                        found.versions.get(pk=int(new_id), report_state=Version.DONE))
        except (ValueError, Version.DoesNotExist):
            raise Http404 from None
        folder, result = jobs.diff(old, new)
        md = folder / "差异报告.md"
        context.update(old=old, new=new, result=result,
                       text=md.read_text(encoding="utf-8") if md.is_file() else "",
                       xlsx=reverse("portal:diff-file", args=[found.pk, old.pk, new.pk]))
    return render(request, "portal/diff.html", context)


@login_required
@require_GET
def diff_file(request, pk: int, old: int, new: int):
    found = scope.branch(request.user, pk)
    try:
        a, b = found.versions.get(pk=old), found.versions.get(pk=new)
    except Version.DoesNotExist:
        raise Http404 from None
    path = a.folder.parent / "diffs" / f"v{a.number}-v{b.number}" / "差异报告.xlsx"
    audit(request.user, "下载差异报告", branch=found, detail=f"第{a.number}版→第{b.number}版")
    return send_file(path, f"{found.name}-差异报告-第{a.number}版-第{b.number}版.xlsx")
