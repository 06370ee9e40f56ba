"""Starting worker jobs for versions and writing their outcome into the database.

With PORTAL_BACKGROUND (the server) a job runs from a small thread pool that waits on the
worker process, so the request returns at once and the page polls; without it (tests) the
request waits for the worker process itself.
"""

from __future__ import annotations

import logging
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection

from pipeline.web import worker
from pipeline.web.models import Version

log = logging.getLogger("pipeline.web")
_pool: ThreadPoolExecutor | None = None


def _submit(fn, *args) -> None:
    global _pool
    if not settings.PORTAL_BACKGROUND:
        fn(*args)
        return
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=settings.PORTAL_JOBS_AT_ONCE, thread_name_prefix="portal-job")

    def task():
        close_old_connections()
        try:
            fn(*args)
        except Exception:
            log.exception("portal job %s%s failed", fn.__name__, args)
        finally:
            connection.close()

    _pool.submit(task)


def call(job: str, *args) -> dict:
    """One job in a worker process with the configured limits, waited for."""
    return worker.run(job, args, settings.PORTAL_JOB_SECONDS, settings.PORTAL_JOB_MEMORY)


def check(version: Version) -> None:
    Version.objects.filter(pk=version.pk).update(state=Version.QUEUED)
    _submit(_check, version.pk)


def check_now(version: Version) -> None:
    """The check of one version, waited for (the import command)."""
    _check(version.pk)


def _check(pk: int) -> None:
    version = Version.objects.get(pk=pk)
    Version.objects.filter(pk=pk).update(state=Version.RUNNING)
    result = call("check", version.inputs, version.outputs)
    if "ok" in result:
        s = result["ok"]
        Version.objects.filter(pk=pk).update(state=Version.DONE, summary=s, year=s["year"], errors=s["errors"],
                                             warnings=s["warnings"], failure="")
    else:
        Version.objects.filter(pk=pk).update(state=Version.FAILED, failure=result["failure"])


def report(version: Version) -> None:
    Version.objects.filter(pk=version.pk).update(report_state=Version.QUEUED, report_failure="")
    _submit(_report, version.pk)


def _report(pk: int) -> None:
    version = Version.objects.get(pk=pk)
    Version.objects.filter(pk=pk).update(report_state=Version.RUNNING)
    result = call("report", version.inputs, version.outputs, settings.PORTAL_PDF)
    if "ok" in result and result["ok"]["report"]:
        r = result["ok"]
        Version.objects.filter(pk=pk).update(report_state=Version.DONE, report_name=r["report"],
                                             report_draft=r["draft"], report_summary=r)
    else:
        Version.objects.filter(pk=pk).update(report_state=Version.FAILED,
                                             report_failure=result.get("failure") or "没有生成报告。")


def diff(old: Version, new: Version) -> tuple[Path, dict]:
    """差异报告 between two versions' outputs (generated reports), kept for the next request."""
    target = new.folder.parent / "diffs" / f"v{old.number}-v{new.number}"
    if (target / "done.json").is_file():
        import json

        return target, json.loads((target / "done.json").read_text(encoding="utf-8"))
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    result = call("diff", old.outputs, new.outputs, target)
    if "ok" in result:
        import json

        (target / "done.json").write_text(json.dumps(result["ok"], ensure_ascii=False), encoding="utf-8")
    return target, result.get("ok") or {"failure": result.get("failure", "")}


def interrupted() -> int:
    """Jobs a stopped server left half done are marked failed (at `serve`)."""
    busy = (Version.QUEUED, Version.RUNNING)
    note = "服务器重启，分析被中断。请重新上传，或重新生成。"
    n = Version.objects.filter(state__in=busy).update(state=Version.FAILED, failure=note)
    return n + Version.objects.filter(report_state__in=busy).update(report_state=Version.FAILED, report_failure=note)
