"""Many branches at once: each branch is analysed, reported and written in a worker process.

Workers are spawned (the same start method as on Windows, where the users are), take one
branch at a time and send back only a small Outcome, so the parent never holds a branch's
records. Outcomes reach the listener in folder order, whatever order they finish in, and
every file a branch writes depends only on that branch: the outputs are the same bytes for
any number of workers. A branch that raises, or kills its worker outright, is reported as
failed with its reason and the other branches go on. A script calling this must guard its
entry point with `if __name__ == "__main__":`, as every spawned worker imports it again.
"""

from __future__ import annotations

import gc
import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.branch.report import REPORT_FILES, report_branch, write_validation
from pipeline.core.errors import PipelineError, TemplateError
from pipeline.core.outputs import all_or_nothing, write_text
from pipeline.core.startup import skip_numpy
from pipeline.core.values import natural_key
from pipeline.many.rollup import FAILED, BranchRow, Rollup, branch_row, failed_row
from pipeline.reading.readers import leaves_folder
from pipeline.rules import settings as settings_mod
from pipeline.years.previous import analyse_with_previous

if TYPE_CHECKING:
    from pipeline.writing.pdf import Outcome as PdfOutcome
    from pipeline.writing.sandbox import PreparedTemplate

CRASHED = ("处理该支部时程序意外退出（可能是内存不足，或某个台账文件损坏使读取程序崩溃）。"
           "请用 Excel 或 WPS 打开并另存该支部的台账后重试；仍然出现请联系维护人员")


@dataclass(frozen=True)
class Job:
    """What every branch of the run is asked to do."""

    mode: str  # "report" or "check"
    outputs: Path | None
    year: int | None
    config: settings_mod.Settings
    template: PreparedTemplate | Path | None  # prepared once per run (api.run_report)
    keep_going: bool
    detail: bool  # send back the per-issue console lines (--verbose)
    previous: Path | None = None  # last year's outputs or ledgers (--previous)


@dataclass(frozen=True)
class Task:
    """One branch of the run. Only index, name and folder cross to a worker: the job went to
    each worker once, when it started (_start_worker)."""

    index: int
    name: str
    folder: Path
    job: Job


@dataclass
class Outcome:
    """What one branch leaves for the parent: its roll-up row, the files written, console text."""

    index: int
    name: str
    folder: Path
    target: Path | None  # its output folder
    row: BranchRow
    written: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)
    fatal: str = ""  # a template error: the same for every branch, so the run stops (exit 2)

    @property
    def failed(self) -> bool:
        return self.row.status == FAILED

    @property
    def has_errors(self) -> bool:
        return self.failed or self.row.errors > 0

    def validation_report(self) -> Path | None:
        """Where a reader finds this branch's problems (校验报告.xlsx, or .md for a failure)."""
        for name in ("校验报告.xlsx", "校验报告.md"):
            if any(p.name == name for p in self.written):
                return next(p for p in self.written if p.name == name)
        return None


class Listener(Protocol):
    """The console's view of a run: counts as branches finish, each branch in folder order."""

    def started(self, total: int, jobs: int, notices: list[str]) -> None: ...

    def progress(self, done: int, total: int, with_errors: int) -> None: ...

    def branch(self, outcome: Outcome) -> None: ...

    def finished(self) -> None: ...


@dataclass
class Batch:
    """A multi-branch run: every branch's outcome in folder order, notices, the summary files."""

    outcomes: list[Outcome]
    notices: list[str]
    jobs: int
    summary: list[Path] = field(default_factory=list)
    summary_notices: list[str] = field(default_factory=list)  # about the summary files found there
    pdf: PdfOutcome | None = None  # with --pdf: what the conversions alongside the run made

    @property
    def rollup(self) -> Rollup:
        return Rollup([o.row for o in self.outcomes])


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # Windows, macOS
        return os.cpu_count() or 1


_done_here = 0  # branches this worker process has done
COLLECT_EVERY = 8


def work(task: Task) -> Outcome:
    """One branch, in a worker process: analyse, write its files, return a small Outcome."""
    global _done_here
    _done_here += 1
    if _done_here % COLLECT_EVERY == 0:
        # A branch leaves ~1.4 MB of cyclic garbage (document trees) in the oldest generation,
        # which Python would collect only after the worker had grown a lot; collecting every
        # few branches keeps a worker's memory flat for ~1 % of the time.
        gc.collect()
    outcome = _work(task)
    if _done_here == 1:
        # After the first branch everything that lives as long as the worker exists (modules,
        # the compiled template, caches): frozen, a collection no longer walks it each time.
        gc.collect()
        gc.freeze()
    return outcome


def _work(task: Task) -> Outcome:
    job = task.job
    target = job.outputs / task.name if job.outputs is not None else None
    try:
        run = analyse_with_previous(task.folder, task.name, job.year, job.config, job.previous)
        with all_or_nothing():  # a branch's files are all replaced, or (one locked) none
            if job.mode == "report":
                assert target is not None and job.template is not None  # run_report always gives both
                report_branch(run, target, job.template, job.keep_going)
            elif target is not None:
                write_validation(run, target, keep_going=False)
    except TemplateError as exc:
        return Outcome(task.index, task.name, task.folder, target, failed_row(task.name, str(exc)), fatal=str(exc))
    except PipelineError as exc:
        return _failed(task, target, str(exc))
    except OSError as exc:  # typically a file left open in Excel or WPS (Windows locks it)
        where = exc.filename or target or task.folder
        return _failed(task, target, f"无法读写 {where}（{exc.strerror or exc}）。请关闭在 Excel 或 WPS 中打开的"
                                     "该支部文件，并确认输出文件夹可写")
    except Exception as exc:  # a defect met on this branch's data: the others still run
        return _failed(task, target, f"程序内部错误（{type(exc).__name__}：{exc}），请把该支部的台账发给维护人员")
    counts = run.log.counts()
    row = branch_row(task.name, run.metrics, counts["错误"], counts["警告"], run.report_written,
                     set(run.ledgers.records) if run.ledgers else None)
    return Outcome(task.index, task.name, task.folder, target, row, run.written, run.notices,
                   run.detail_lines(accounts=job.mode == "check") if job.detail else [])


def _failed(task: Task, target: Path | None, reason: str) -> Outcome:
    """A branch that could not be processed; its 校验报告.md says why (a stale one would mislead)."""
    outcome = Outcome(task.index, task.name, task.folder, target, failed_row(task.name, reason))
    if target is not None and target.is_dir():
        old = sorted(p.name for p in target.glob("*.docx")) + [n for n in REPORT_FILES if (target / n).exists()]
        if old:
            outcome.notices.append(f"注意：{target} 中的{'、'.join(old)}是以前生成的，本次没有更新。")
    if target is not None:
        try:
            path = target / "校验报告.md"
            write_text(path, f"# 校验报告：{task.name}\n\n- 结果：未能处理该支部的台账。\n- 原因：{reason}。\n")
            outcome.written.append(path)
        except OSError:
            pass  # the closing lines still give the reason
    return outcome


_job: Job | None = None  # this worker's job, from _start_worker


def _start_worker(job: Job) -> None:
    """Worker initializer: keep the run's job (settings, the prepared template), sent once per
    worker rather than with every branch; and leave when the parent is gone."""
    global _job
    _job = job
    skip_numpy()
    _watch_parent()


def _run_task(worker: Callable[[Task], Outcome], index: int, name: str, folder: Path) -> Outcome:
    """In a worker: one branch of the job this worker was started with."""
    assert _job is not None, "worker started without its job"
    return worker(Task(index, name, folder, _job))


def _watch_parent() -> None:
    """Leave when the parent is gone (killed, or its window closed), rather than wait for work
    forever; Ctrl-C reaches the workers by itself, a kill does not."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _empty_folders(inputs: Path, found: list[tuple[str, Path]]) -> list[str]:
    names = {name for name, _ in found}
    empty = sorted((p.name for p in inputs.iterdir() if p.is_dir() and not p.name.startswith(".")
                    and p.name not in names and not leaves_folder(p)), key=natural_key)
    links = sorted((p.name for p in inputs.iterdir() if p.is_dir() and leaves_folder(p)), key=natural_key)
    return ([f"注意：子文件夹 {'、'.join(empty)} 中没有台账文件，已跳过。"] if empty else []) + (
        [f"注意：{'、'.join(links)} 是指向输入文件夹以外的链接，没有读取；请把该支部的台账复制进来。"] if links else [])


class _Collector:
    """Counts outcomes as they finish and hands them to the listener in folder order."""

    def __init__(self, total: int, listener: Listener | None, on_done: Callable[[Outcome], None] | None = None) -> None:
        self.total, self.listener, self.on_done = total, listener, on_done
        self.outcomes: list[Outcome | None] = [None] * total
        self.done = self.with_errors = self.next = 0
        self.fatal = ""

    def add(self, outcome: Outcome) -> None:
        self.outcomes[outcome.index] = outcome
        self.done += 1
        self.with_errors += outcome.has_errors
        self.fatal = self.fatal or outcome.fatal
        if self.on_done is not None and not self.fatal:
            self.on_done(outcome)  # e.g. its PDFs start while the other branches go on
        if self.listener:
            self.listener.progress(self.done, self.total, self.with_errors)
        while self.next < self.total and (ready := self.outcomes[self.next]) is not None:
            if self.listener and not self.fatal:
                self.listener.branch(ready)
            ready.detail = []  # printed; the parent keeps only what the summary needs
            self.next += 1


def batch_jobs(jobs: int | None, branches: int) -> int:
    """The worker processes for `branches` branches: `jobs` or the cores, at most one a branch
    (and 61 on Windows)."""
    return max(1, min(jobs or default_jobs(), branches, 61 if os.name == "nt" else branches))


def run_batch(inputs: Path, found: list[tuple[str, Path]], job: Job, jobs: int | None,
              listener: Listener | None = None, worker: Callable[[Task], Outcome] | None = None,
              on_done: Callable[[Outcome], None] | None = None) -> Batch:
    """Every branch in `found` through `worker` (default `work`, a top-level function any
    spawned process can import) on `jobs` processes (default: the cores); `on_done` is given
    each outcome as it arrives, in the parent."""
    worker = worker or work
    tasks = [Task(i, name, folder, job) for i, (name, folder) in enumerate(found)]
    jobs = batch_jobs(jobs, len(tasks))
    notices = _empty_folders(inputs, found)
    collector = _Collector(len(tasks), listener, on_done)
    if listener:
        listener.started(len(tasks), jobs, notices)
    try:
        queue = deque(tasks)
        while queue and not collector.fatal:
            # A worker died: each branch it may have been holding is tried again alone, so
            # only the branch that kills a worker by itself is reported as failed; then the
            # rest go on in a new pool.
            suspects = deque(_pool(queue, jobs, collector, 2 * jobs, worker))
            while suspects and not collector.fatal:
                for task in _pool(suspects, 1, collector, 1, worker):
                    collector.add(_failed(task, job.outputs / task.name if job.outputs else None, CRASHED))
    finally:
        if listener:
            listener.finished()
    if collector.fatal:
        raise TemplateError(collector.fatal)
    return Batch([o for o in collector.outcomes if o is not None], notices, jobs)


def _pool(queue: deque, jobs: int, collector: _Collector, window: int, worker) -> list[Task]:
    """Run tasks from `queue` until it is empty or a worker dies; return the tasks then lost.

    At most `window` tasks are handed to the pool at a time, so a dead worker costs (and
    puts under suspicion) only those, not every branch still waiting.
    """
    # Imported here: a single branch's run needs no process pool (~10 ms of imports).
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    job = queue[0].job
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(job,))
    inflight: dict = {}
    lost: list[Task] = []
    try:
        while (queue or inflight) and not lost:
            while queue and len(inflight) < window and not collector.fatal:
                task = queue.popleft()
                try:
                    inflight[pool.submit(_run_task, worker, task.index, task.name, task.folder)] = task
                except BrokenProcessPool:
                    queue.appendleft(task)
                    break
            if not inflight:
                break
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: inflight[f].index):
                task = inflight.pop(future)
                try:
                    collector.add(future.result())
                except BrokenProcessPool:
                    lost.append(task)
                except Exception as exc:  # e.g. an outcome that could not be sent back
                    collector.add(_failed(task, task.job.outputs / task.name if task.job.outputs else None,
                                          f"程序内部错误（{type(exc).__name__}：{exc}）"))
        if lost:
            # The others held by the dead pool fail with it; any that finished still count.
            wait(inflight)
            for future, task in sorted(inflight.items(), key=lambda item: item[1].index):
                if future.exception() is None:
                    collector.add(future.result())
                else:
                    lost.append(task)
            inflight.clear()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return sorted(lost, key=lambda t: t.index)
