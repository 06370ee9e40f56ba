"""The public API: what the command line, the batch workers, scripts and a web front end call.

One branch goes read -> facts -> rules (pipeline.analysis), then its outputs are written
(pipeline.branch); many branches run in worker processes (pipeline.many). This module only
puts those stages in order and names the entry points.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from pipeline.analysis.analyse import BranchRun, analyse
from pipeline.analysis.folders import branches, check_folders, check_ours, found_branches
from pipeline.branch.report import REPORT_FILES, export_pdf, pdf_sources, report_branch, write_validation
from pipeline.core.errors import OutputError, UsageError
from pipeline.core.outputs import all_or_nothing, output_lock
from pipeline.core.packaged import DEFAULT_TEMPLATE
from pipeline.many.batch import Batch, Job, Listener, Outcome, batch_jobs, run_batch
from pipeline.rules import settings as settings_mod
from pipeline.years import prefill as prefill_mod
from pipeline.years.previous import analyse_with_previous, with_previous

__all__ = ["Batch", "BranchRun", "DEFAULT_TEMPLATE", "Listener", "Outcome", "REPORT_FILES", "analyse", "branches",
           "diff_summary", "export_pdf", "run_check", "run_diffs", "run_evaluate", "run_init", "run_report", "show_value",
           "with_previous"]

ROOT = Path(__file__).resolve().parent.parent  # a checkout: its inputs/ holds the sample ledgers


def _converter(pdf: bool, jobs: int | None, branches: int, outputs: Path | None):
    """With `pdf`, the PDF converter of a multi-branch run: a LibreOffice run per worker at most,
    files named from the output folder."""
    if not pdf:
        return nullcontext()
    from pipeline.writing.pdf import Converter

    return Converter(batch_jobs(jobs, branches), root=outputs)


def run_check(inputs: Path, outputs: Path | None, year: int | None,
              config_path: Path | None = None, previous: Path | None = None, *, jobs: int | None = None,
              listener: Listener | None = None, detail: bool = False, pdf: bool = False,
              force: bool = False) -> list[BranchRun] | Batch:
    """Validation only; writes 校验报告 per branch when `outputs` is given.

    Several branches (sub-folders) are run in worker processes and give a Batch; with `pdf`
    (and `outputs`) their 校验报告.xlsx are converted while the run goes on (Batch.pdf). A single
    branch's PDFs are made afterwards by export_pdf."""
    config = settings_mod.load(config_path)
    found = found_branches(inputs, outputs, year, previous)
    if outputs is not None and not force:
        check_ours(outputs)
    with output_lock(outputs) if outputs is not None else nullcontext():
        if found[0][0]:
            with _converter(pdf and outputs is not None, jobs, len(found), outputs) as converter:
                batch = run_batch(inputs, found, Job("check", outputs, year, config, None, False, detail, previous),
                                  jobs, listener, on_done=_feed(converter, report=False))
                if converter is not None:
                    batch.pdf = converter.finish()
            return batch
        runs = [analyse_with_previous(folder, name, year, config, previous) for name, folder in found]
        if outputs is not None:
            with all_or_nothing():
                for run in runs:
                    write_validation(run, outputs, keep_going=False)
        return runs


def _feed(converter, report: bool):
    """What hands a finished branch's files to the PDF converter (None without one)."""
    if converter is None:
        return None
    return lambda outcome: converter.add(pdf_sources(outcome.written, report))


def run_report(inputs: Path, outputs: Path, year: int | None, template: Path | None = None,
               keep_going: bool = False, config_path: Path | None = None, previous: Path | None = None, *,
               jobs: int | None = None, listener: Listener | None = None,
               detail: bool = False, pdf: bool = False, force: bool = False) -> list[BranchRun] | Batch:
    """The whole job: every branch's report, metrics, provenance and validation report.

    Several branches (sub-folders) are run in worker processes and give a Batch, with
    各支部汇总.xlsx/.docx written from their roll-up rows; with `pdf` the reports and 校验报告.xlsx
    are converted while the run goes on, 各支部汇总.docx last (Batch.pdf). A single branch's PDFs
    are made afterwards by export_pdf."""
    check_folders(inputs, outputs)  # before the template: a usage error names the folder first
    template = template or DEFAULT_TEMPLATE
    if not template.is_file():
        raise UsageError(f"找不到模板文件：{template}")
    from pipeline.writing import render  # docxtpl is only needed when a report is rendered

    # Opened, checked and compiled once for the whole run (a broken or unsafe template stops
    # it before any file is written); every branch renders this prepared template.
    prepared = render.prepare_template(template)
    config = settings_mod.load(config_path)
    found = found_branches(inputs, outputs, year, previous)
    if not force:
        check_ours(outputs)
    with output_lock(outputs):  # two runs at once on one folder could lose an edited report
        if found[0][0]:
            from pipeline.many.summary import write_summary

            with _converter(pdf, jobs, len(found), outputs) as converter:
                batch = run_batch(inputs, found, Job("report", outputs, year, config, prepared, keep_going, detail,
                                                     previous), jobs, listener, on_done=_feed(converter, report=True))
                batch.summary, batch.summary_notices = write_summary(batch.rollup, outputs)
                if converter is not None:
                    converter.add(pdf_sources(batch.summary, report=True))
                    batch.pdf = converter.finish()
            return batch
        runs = [analyse_with_previous(folder, name, year, config, previous) for name, folder in found]
        with all_or_nothing():  # a report open in Word leaves every old output as it was
            for run in runs:
                report_branch(run, outputs, prepared, keep_going)
        return runs


def run_init(inputs: Path, year: int | None = None, previous: Path | None = None,
             prefilled: dict | None = None) -> list[tuple[Path, str]]:
    """Write the blank ledgers into `inputs` (never overwriting): (path, written|skipped|other).

    With `previous` (last year's ledgers or outputs) the roster and a 整改台账 are pre-filled;
    `prefilled`, when given, receives {"来源": …, kind: row count}.
    """
    import datetime as dt

    from pipeline.writing.blank import write_blank_ledgers

    if inputs.exists() and not inputs.is_dir():
        raise UsageError(f"{inputs} 是一个文件，不是文件夹。请用 INPUTS=文件夹 指定存放台账的文件夹")
    if inputs.resolve() == (ROOT / "inputs").resolve():
        raise UsageError(f"{inputs} 是样例台账文件夹，不能在其中生成空白台账（会和样例混在一起）。"
                         f"请指定一个新文件夹，如：make init INPUTS=台账{year or dt.date.today().year} YEAR={year or dt.date.today().year}")
    year = year or dt.date.today().year
    rows = None
    if previous is not None:
        rows, source = prefill_mod.prefill(previous, year, settings_mod.load(None))
        if prefilled is not None:
            prefilled["来源"] = source
            prefilled.update((kind, len(items)) for kind, items in rows.items())
    try:
        return write_blank_ledgers(inputs, year, rows)
    except (OSError, OutputError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "没有写入权限，或同名台账正在 Excel/WPS 中打开"
        raise UsageError(f"无法在 {inputs} 中写入空白台账（{why or exc}）。请检查该文件夹是否可写") from None


def run_evaluate(outputs: Path, results: Path | None = None, config_path: Path | None = None,
                 comments: dict | None = None, decided: dict | None = None):
    """述职评议 (docs/述职评议.md) on a many-branch output folder: 测评表, 点评提纲, 三张清单, a blank
    测评结果.xlsx and, with votes (`results`, or that workbook filled in place), 评议结果 and 反馈意见.
    `comments` (folder -> 点评 items) and `decided` (folder -> {等次: votes…}) come from the portal."""
    from pipeline.evaluation import settings as evaluation_settings
    from pipeline.evaluation.run import evaluate

    if results is not None and not results.is_file():
        raise UsageError(f"找不到测评结果文件：{results}")
    with output_lock(outputs):
        return evaluate(outputs, evaluation_settings.load(config_path), results, comments, decided)


def run_diffs(old: Path, new: Path, outputs: Path | None = None):
    """差异报告 between two output folders (branch by branch for multi-branch folders)."""
    from pipeline.review.diff import run_diffs as diffs  # openpyxl and lxml only when comparing

    target = outputs if outputs is not None else new
    with output_lock(target) if target.is_dir() or outputs is not None else nullcontext():
        return diffs(old, new, outputs)


def diff_summary(diff) -> str:
    """One line counting each kind of change of a comparison."""
    from pipeline.review.diff import summary_line

    return summary_line(diff)


def show_value(value) -> str:
    """A figure or text of metrics.json as the 差异报告 shows it."""
    from pipeline.review.changes import show

    return show(value)
