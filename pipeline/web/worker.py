"""Analysis outside the request thread: each job runs pipeline.api in a fresh worker process with
an address-space and CPU limit, and is killed when it overruns its time. Only plain data (the
summary the pages show) comes back; every file the job writes stays in the version's folder.

The functions named in JOBS run in the child; `run` is called in the server.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline import api
from pipeline.core.errors import PipelineError

MB = 1024 * 1024


def run(job: str, args: tuple, seconds: int, memory: int) -> dict:
    """Run JOBS[job](*args) in a worker process: {"ok": result} or {"failure": Chinese text}."""
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    # Not a daemon: the summary job runs the batch, which starts worker processes of its own.
    process = ctx.Process(target=child, args=(send, job, args, seconds, memory), daemon=False)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            return {"failure": f"分析超过 {seconds} 秒仍未完成，已停止。请检查上传的文件是否过大或已损坏。"}
        try:
            return receive.recv()
        except EOFError:
            return {"failure": f"分析进程异常退出（可能超过 {memory // MB} MB 的内存上限），已停止。"
                               "请检查上传的文件是否过大或已损坏。"}
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def _context():
    """forkserver where there is one: each job forks from a clean process that has already imported
    the pipeline (no fork of the threaded server, no second of imports per upload); spawn on Windows."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.web.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


def child(send, job: str, args: tuple, seconds: int, memory: int) -> None:
    """The worker process: limit itself, run the job, send back one dict."""
    try:
        import resource
    except ImportError:  # Windows: the time limit still holds (the parent kills the process)
        pass
    else:
        for limit, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, seconds + 5)):
            _, hard = resource.getrlimit(limit)
            resource.setrlimit(limit, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))
    result: dict
    try:
        result = {"ok": JOBS[job](*args)}
    except PipelineError as exc:
        result = {"failure": str(exc), "exit_code": exc.exit_code}
    except Exception as exc:  # MemoryError, or a thread that found no memory; else a defect, said plainly
        if isinstance(exc, MemoryError) or "can't start new thread" in str(exc):
            result = {"failure": f"分析所需内存超过 {memory // MB} MB 的上限，已停止。请检查上传的文件是否过大或已损坏。"}
        else:
            result = {"failure": f"程序内部错误（{type(exc).__name__}：{exc}）。上传的文件没有改动，请联系维护人员。"}
    try:
        send.send(result)
    finally:
        send.close()
    sys.exit(0)


def check(inputs: Path, outputs: Path) -> dict:
    runs = api.run_check(inputs, outputs, None)
    assert isinstance(runs, list)
    return summarise(runs[0])


def report(inputs: Path, outputs: Path, pdf: bool) -> dict:
    """The report (a marked draft when there are errors), metrics and 校验报告; PDF when LibreOffice is here."""
    runs = api.run_report(inputs, outputs, None, keep_going=True)
    assert isinstance(runs, list)
    run = runs[0]
    docx = [p.name for p in run.written if p.suffix == ".docx" and p.parent == outputs]
    out = {"report": docx[0] if docx else "", "draft": bool(run.log.errors), "pdf": "", "pdf_note": ""}
    if pdf and docx and (shutil.which("soffice") or shutil.which("libreoffice")):
        outcome = api.export_pdf(runs, report=True)
        made = [p.name for p in outcome.written if p.suffix == ".pdf" and p.stem == Path(docx[0]).stem]
        out["pdf"] = made[0] if made else ""
        out["pdf_note"] = "" if made else "PDF 没有生成（LibreOffice 转换失败）。"
    return out


def summary(inputs: Path, outputs: Path) -> dict:
    """各支部汇总.xlsx/.docx of a folder of branch folders (the latest submitted versions)."""
    batch = api.run_report(inputs, outputs, None, keep_going=True, jobs=1)
    assert isinstance(batch, api.Batch)
    return {"files": [p.name for p in batch.summary]}


def diff(old: Path, new: Path, outputs: Path) -> dict:
    diffs = api.run_diffs(old, new, outputs)
    return {"line": "；".join(api.diff_summary(d.diff) for d in diffs if d.diff is not None),
            "files": sorted(p.name for p in outputs.iterdir() if p.is_file())}


JOBS: dict[str, Callable[..., dict]] = {"check": check, "report": report, "summary": summary, "diff": diff}

# The rule-check figures the overview shows for each branch (metrics.json section, key).
FIGURES = [("党员总数", "党员", "总数"), ("党员大会", "组织生活", "党员大会"), ("主题党日", "组织生活", "主题党日"),
           ("党课", "党课", "总数"), ("谈心谈话", "谈心谈话", "次数"), ("党费实缴（元）", "党费", "实缴总额"),
           ("信息报送（篇）", "信息报送", "报送篇数")]


def summarise(run: api.BranchRun) -> dict:
    """What the result and overview pages show, as plain JSON data."""
    metrics = run.metrics or {}
    issues = [{"severity": str(i.severity), "file": i.file, "sheet": i.sheet or "", "row": i.row,
               "column": i.column or "", "value": i.value or "", "reason": i.reason, "action": i.action,
               "code": str(i.code)} for i in run.log.items]
    accounts = [] if run.ledgers is None else [
        {"file": a.file, "sheet": a.sheet, "kind": str(a.kind), "read": a.read, "skipped": a.skipped,
         "counts": [[str(k), v] for k, v in a.counts.items()], "balanced": a.balanced()} for a in run.ledgers.accounts]
    found: dict[str, int] = {}
    for finding in run.findings:
        found[str(finding.get("规则编号", ""))] = found.get(str(finding.get("规则编号", "")), 0) + 1
    rules = []
    for rule_id, entry in (metrics.get("检查规则") or {}).items():
        if not entry.get("启用", True):
            state = "未启用"
        elif not entry.get("已检查", False):
            state = "未检查"
        else:
            state = "不符合" if found.get(str(rule_id)) else "符合"
        rules.append({"id": str(rule_id), "name": str(entry.get("规则", rule_id)), "state": state,
                      "findings": found.get(str(rule_id), 0), "why": str(entry.get("未检查原因", ""))})
    figures = []
    for label, section, key in FIGURES:
        value = (metrics.get(section) or {}).get(key) if isinstance(metrics.get(section), dict) else None
        figures.append({"label": label, "value": api.show_value(value) if value is not None else "—"})
    branch = metrics.get("支部") or {}
    return {"year": metrics.get("年度"), "branch": str(branch.get("名称") or ""), "errors": len(run.log.errors),
            "warnings": len(run.log.warnings), "infos": len(run.log.infos), "issues": issues, "accounts": accounts,
            "findings": [{"rule": str(f.get("规则", "")), "text": str(f.get("说明", "")), "basis": str(f.get("依据", ""))}
                         for f in run.findings],
            "rules": rules, "figures": figures, "notices": list(run.notices)}
