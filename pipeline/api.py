"""The pipeline on one screen: ingest -> normalise -> aggregate -> check -> render -> write."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline import rectify, rules
from pipeline import settings as settings_mod
from pipeline.affected import AffectedSheet
from pipeline.affected import collect as collect_affected
from pipeline.aggregate import Provenance, aggregate
from pipeline.diff import ROWS_JSON, row_contents
from pipeline.errors import OutputError, UsageError, WrongYearError
from pipeline.ingest import ingest
from pipeline.issues import IssueLog
from pipeline.names import RuleId
from pipeline.normalise import Ledgers, dated_years, guess_year, normalise, read_info
from pipeline.outputs import VALIDATION_XLSX, all_or_nothing, check_folder, dumps_json, move, safe_filename, write_bytes
from pipeline.packaged import DEFAULT_TEMPLATE_NAME, data_file
from pipeline.readers import is_spreadsheet, list_input_files
from pipeline.validation import render_validation_md
from pipeline.values import natural_key
from pipeline.variables import Section, check_metrics

if TYPE_CHECKING:
    from pipeline.batch import Batch, Listener

ROOT = Path(__file__).resolve().parent.parent  # a checkout: its inputs/ holds the sample ledgers
DEFAULT_TEMPLATE = data_file(DEFAULT_TEMPLATE_NAME)  # built by tools/build_template.py
VALIDATION_MD = "校验报告.md"
# What the run wrote into an output folder, with each file's sha256: an edited report is
# recognised by its bytes whoever edited it (Word, WPS, a script).
MANIFEST = "生成记录.json"
NO_DATE_NOTE = ("基本信息中没有填写“报告日期”：报告落款日期留作“　年　月　日”，请打印后手写，"
                "或在基本信息中补填“报告日期”后重新生成。")
REPORT_FILES = ("report.md", "metrics.json", "provenance.json", "rows.json")


@dataclass
class BranchRun:
    """Everything one branch's run produced; the CLI turns it into console lines."""

    name: str  # branch folder in multi-branch mode, "" for a single branch
    folder: Path
    log: IssueLog = field(default_factory=IssueLog)
    ledgers: Ledgers | None = None
    metrics: dict | None = None
    provenance: Provenance | None = None
    findings: list = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    report_written: bool = False
    notices: list[str] = field(default_factory=list)  # about files found in the output folder
    affected: list[AffectedSheet] = field(default_factory=list)  # rows issues point at, for 校验报告.xlsx

    def analysed(self) -> tuple[Ledgers, dict, Provenance]:
        """ledgers, metrics and provenance, which every run returned by analyse() has."""
        if self.ledgers is None or self.metrics is None or self.provenance is None:
            raise ValueError(f"branch {self.name or self.folder} has not been analysed")
        return self.ledgers, self.metrics, self.provenance

    # sha256 of every file written, taken from the bytes (writes may be staged until the end).
    digests: dict[Path, str] = field(default_factory=dict)

    def write(self, path: Path, data: bytes) -> None:
        """Write (or stage) one output file and remember what it holds."""
        write_bytes(path, data)
        self.written.append(path)
        self.digests[path] = hashlib.sha256(data).hexdigest()

    def detail_lines(self, accounts: bool = False) -> list[str]:
        """Every problem, rule finding and unchecked rule (and with `accounts` each sheet's row
        balance, as `check` shows it): one console line each, unlabelled."""
        from pipeline.validation import unchecked_rules

        lines = [issue.message() for issue in self.log.items]
        lines += [f"[规则检查] {finding['说明']}。" for finding in self.findings]
        # Rules that could not be judged for lack of a whole ledger (not the ones turned off or
        # not applicable to this branch).
        checked = (self.metrics.get("检查规则") if self.metrics else None) or {}
        skipped = unchecked_rules({rule_id: entry for rule_id, entry in checked.items()
                                   if entry.get("启用", True) and entry.get("适用", True)})
        if skipped:
            lines.append(f"[规则检查] 未检查：{'；'.join(skipped)}。")
        if accounts and self.ledgers is not None:
            lines += [f"[行数核对] {a.file}「{a.sheet}」（{a.kind}）：{a.line()}" for a in self.ledgers.accounts]
        return lines


@contextmanager
def _bulk():
    """Pause the cyclic garbage collector while building many small acyclic records.

    Hundreds of thousands of dicts trigger a collection every few hundred allocations and
    double the time of normalising; refcounting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Without this the first allocation after enable() would scan every object made
            # meanwhile: freeze() + unfreeze() moves them straight to the oldest generation.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def analyse(folder: Path, name: str, year: int | None, config: settings_mod.Settings) -> BranchRun:
    """Ingest, normalise, aggregate and rule-check one branch folder (no file is written)."""
    with _bulk():
        return _analyse(folder, name, year, config)


def _analyse(folder: Path, name: str, year: int | None, config: settings_mod.Settings) -> BranchRun:
    run = BranchRun(name, folder)
    ingested = ingest(folder, run.log)
    # The year decides which rows count, so it is settled before normalising.
    info, info_src = read_info(ingested.tables, IssueLog())
    given = year
    if year is None:
        year = info.get("年度") or guess_year(ingested.tables)
    if year is None:
        raise UsageError(f"无法确定报告年度（{folder}）：请在“基本信息”表中填写“年度”，"
                         "或在命令中指定，如 make report YEAR=2023")
    _check_year(folder, name, year, given, info.get("年度"), dated_years(ingested.tables),
                info_src["年度"].where() if "年度" in info_src else "")
    run.ledgers = normalise(ingested.tables, run.log, year, ingested.files, rules.next_year_months(config))
    config = settings_mod.for_branch(config, run.ledgers.info, run.ledgers.info_src, run.log)
    run.metrics, provenance = aggregate(run.ledgers, config.rules[RuleId.DUES].pay_by == "按季度")
    if (rectified := rectify.metrics(run.ledgers, provenance, run.log)) is not None:
        run.metrics[Section.RECTIFY] = rectified  # only with a 整改台账: last year's problems (pipeline/rectify.py)
    run.findings = rules.check(run.ledgers, run.metrics, config, provenance)
    run.metrics[Section.FINDINGS] = run.findings
    run.metrics[Section.RULES] = rules.applied(config, run.ledgers, run.metrics)
    run.metrics[Section.VALIDATION] = run.log.counts()
    check_metrics(run.metrics)  # a key the README's variables table does not list is a defect
    run.provenance = provenance
    run.affected = collect_affected(run.log, ingested.sheets, ingested.tables)
    return run


def _check_year(folder: Path, name: str, year: int, given: int | None, info_year: int | None,
                years, info_where: str = "") -> None:
    """Stop when most dated rows fall outside the report year, or 基本信息's 年度 disagrees
    with them: a plausible report of the wrong year is worse than none."""
    total = sum(years.values())
    if not total:
        return
    main_year, main_count = min(years.items(), key=lambda kv: (-kv[1], -kv[0]))
    where = f"【{name}】" if name else ""
    spread = "、".join(f"{y}年{n}行" for y, n in sorted(years.items()))
    if (total - years[year]) * 2 > total:
        source = f"命令中指定的 YEAR={given}" if given is not None else (
            f"基本信息中的“年度”（{info_year}）" if info_year else f"{year}年")
        raise WrongYearError(
            f"{where}报告年度是{year}年（{source}），但台账中写明日期的{total}行里只有{years[year]}行在{year}年"
            f"（{spread}），这些台账是{main_year}年的。"
            f"要生成{main_year}年度的报告，请运行 make report YEAR={main_year}"
            + (f"，并把基本信息（{info_where}）中的“年度”改为{main_year}" if info_year and info_year != main_year else "")
            + f"；要生成{year}年度的报告，请换用{year}年的台账（如 make report INPUTS=台账{year} YEAR={year}）。"
            "没有生成报告。")
    if info_year and info_year != year and (total - years[info_year]) * 2 > total:
        raise WrongYearError(
            f"{where}基本信息（{info_where}）中的“年度”是{info_year}，但台账中写明日期的{total}行里{main_count}行"
            f"在{main_year}年（{spread}）。请把那里的“年度”改为{year}，或换用{info_year}年的台账。没有生成报告。")


def branches(inputs: Path) -> list[tuple[str, Path]]:
    """One branch per sub-folder holding spreadsheets (multi-branch mode), else the folder."""
    if inputs.is_file():
        raise UsageError(f"{inputs} 是一个文件，不是文件夹。请指定台账所在的文件夹，如 INPUTS=台账2023")
    if not inputs.is_dir():
        raise UsageError(f"找不到输入文件夹：{inputs}。请把台账文件放进该文件夹，或用 INPUTS=文件夹 指定")
    subs = [p for p in sorted(inputs.iterdir(), key=lambda p: (natural_key(p.name), p.name))
            if p.is_dir() and not p.name.startswith(".") and any(map(is_spreadsheet, list_input_files(p)))]
    if subs:
        loose = [p.name for p in list_input_files(inputs) if is_spreadsheet(p)]
        if loose:
            raise UsageError(f"输入文件夹 {inputs} 中既有支部子文件夹，又有台账文件（{'、'.join(sorted(loose))}）。"
                             "多支部时，请把每个支部的台账放进该支部自己的子文件夹")
        return [(p.name, p) for p in subs]
    if not list_input_files(inputs):
        raise UsageError(f"输入文件夹 {inputs} 中没有台账文件。可先运行 make init 生成空白台账")
    return [("", inputs)]


def _check_folders(inputs: Path, outputs: Path | None) -> None:
    if outputs is None:
        return
    i, o = inputs.resolve(), outputs.resolve()
    if o == i or i in o.parents:
        raise UsageError("输出文件夹不能是输入文件夹或位于其中（程序从不改动输入文件夹）。请换一个输出文件夹")
    check_folder(outputs)  # a file in its place or no permission: said now, before any work


def _found(inputs: Path, outputs: Path | None, year: int | None = None,
           previous: Path | None = None) -> list[tuple[str, Path]]:
    """The branches, after checking no output folder lies inside the inputs (nor is last year's)."""
    _check_folders(inputs, outputs)
    found = branches(inputs)
    for name, _ in found:
        _check_folders(inputs, outputs / name if outputs is not None and name else outputs)
    if previous is not None and outputs is not None and previous.resolve() == outputs.resolve():
        raise UsageError(f"上年度文件夹 {previous} 就是本次的输出文件夹，上年的输出会被覆盖。"
                         "请把本年度输出到另一个文件夹，如 OUTPUTS=输出" + str(year or "本年度"))
    if previous is not None and not previous.exists():  # once, not as a failure of every branch
        raise UsageError(f"找不到上年度文件夹：{previous}。PREVIOUS 应为上年度的输出文件夹（其中有 metrics.json）"
                         "或台账文件夹")
    return found


def with_previous(run: BranchRun, previous: Path | None, config: settings_mod.Settings) -> None:
    """Last year's figures beside this year's (pipeline/previous.py), when asked for."""
    if previous is None:
        return
    from pipeline import previous as previous_mod

    ledgers, metrics, _ = run.analysed()
    last, source, known = previous_mod.load(previous, ledgers.year, config, run.name)
    previous_mod.attach(metrics, last, source, known)
    check_metrics(metrics)
    run.notices.append(f"上年数字取自 {source}。")


def _analyse_one(folder: Path, name: str, year: int | None, config: settings_mod.Settings,
                 previous: Path | None) -> BranchRun:
    run = analyse(folder, name, year, config)
    with_previous(run, previous, config)
    return run


def run_check(inputs: Path, outputs: Path | None, year: int | None,
              config_path: Path | None = None, previous: Path | None = None, *, jobs: int | None = None,
              listener: Listener | None = None, detail: bool = False) -> list[BranchRun] | Batch:
    """Validation only; writes 校验报告 per branch when `outputs` is given.

    Several branches (sub-folders) are run in worker processes and give a Batch."""
    config = settings_mod.load(config_path)
    found = _found(inputs, outputs, year, previous)
    if found[0][0]:
        from pipeline.batch import Job, run_batch

        return run_batch(inputs, found, Job("check", outputs, year, config, None, False, detail, previous),
                         jobs, listener)
    runs = [_analyse_one(folder, name, year, config, previous) for name, folder in found]
    if outputs is not None:
        with all_or_nothing():
            for run in runs:
                _write_validation(run, outputs, keep_going=False)
    return runs


def run_report(inputs: Path, outputs: Path, year: int | None, template: Path | None = None,
               keep_going: bool = False, config_path: Path | None = None, previous: Path | None = None, *,
               jobs: int | None = None, listener: Listener | None = None,
               detail: bool = False) -> list[BranchRun] | Batch:
    """The whole job: every branch's report, metrics, provenance and validation report.

    Several branches (sub-folders) are run in worker processes and give a Batch, with
    各支部汇总.xlsx/.docx written from their roll-up rows."""
    _check_folders(inputs, outputs)  # before the template: a usage error names the folder first
    template = template or DEFAULT_TEMPLATE
    if not template.is_file():
        raise UsageError(f"找不到模板文件：{template}")
    from pipeline import render  # docxtpl is only needed when a report is rendered

    render.check_template(template)  # a broken or unsafe template stops the run before any file is written
    config = settings_mod.load(config_path)
    found = _found(inputs, outputs, year, previous)
    if found[0][0]:
        from pipeline.batch import Job, run_batch
        from pipeline.summary import write_summary

        batch = run_batch(inputs, found, Job("report", outputs, year, config, template, keep_going, detail,
                                             previous), jobs, listener)
        batch.summary = write_summary(batch.rollup, outputs)
        return batch
    runs = [_analyse_one(folder, name, year, config, previous) for name, folder in found]
    with all_or_nothing():  # a report open in Word leaves every old output as it was
        for run in runs:
            _report_branch(run, outputs, template, keep_going)
    return runs


def _report_branch(run: BranchRun, target: Path, template: Path, keep_going: bool) -> None:
    """One branch's report, metrics, provenance and validation report into `target`."""
    from pipeline import render  # docxtpl is only needed when a report is rendered
    from pipeline.context import build_context

    if run.log.errors and not keep_going:
        _write_validation(run, target, keep_going)
        old = sorted(p.name for p in target.glob("*.docx")) + [n for n in REPORT_FILES if (target / n).exists()]
        if old:
            run.notices.append(f"注意：{target} 中的{'、'.join(old)}是以前生成的，本次因有错误没有更新。")
        return
    ledgers, metrics, provenance = run.analysed()
    # Render in memory first: a template error must leave no file behind.
    docx = render.render_docx(template, build_context(metrics))
    title = f"{metrics['年度']}年度{metrics['支部']['名称'] or run.name}书记抓党建工作述职报告"
    docx_name = safe_filename(title) + ".docx"
    manifest = _read_manifest(target)
    _keep_hand_edits(run, target / docx_name, render.is_generated, manifest)
    others = sorted(p.name for p in target.glob("*.docx") if p.name != docx_name and not p.name.startswith("~$"))
    if others:
        run.notices.append(f"注意：{target} 中另有报告 {'、'.join(others)}，不是本次生成的。")
    files = {
        docx_name: docx,
        "report.md": render.docx_to_markdown(docx).encode("utf-8"),
        "metrics.json": dumps_json(metrics).encode("utf-8"),
        "provenance.json": dumps_json(provenance.as_dict(metrics)).encode("utf-8"),
        ROWS_JSON: dumps_json(row_contents(ledgers)).encode("utf-8"),  # for `diff`
    }
    for name, data in files.items():
        run.write(target / name, data)
    run.report_written = True
    if not metrics["支部"].get("报告日期") and not run.name:
        # Many branches: said in each 校验报告 only, not once per branch on the console.
        run.notices.append(NO_DATE_NOTE)
    _write_validation(run, target, keep_going)
    _write_manifest(run, target, manifest)


def _write_manifest(run: BranchRun, target: Path, manifest: dict[str, str]) -> None:
    """Record every file this run wrote into `target` with its sha256 (earlier entries kept)."""
    manifest.update({path.name: digest for path, digest in run.digests.items() if path.parent == target})
    run.write(target / MANIFEST, dumps_json(manifest).encode("utf-8"))


def _read_manifest(target: Path) -> dict[str, str]:
    """What the last run wrote here: file name -> sha256 (empty when none or unreadable)."""
    try:
        data = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}


def _edited(path: Path, is_generated, manifest: dict[str, str]) -> bool:
    """Whether the report at `path` differs from what this tool wrote there: by the manifest's
    sha256 when it lists the file (any editor, any tool), else by the document properties."""
    if path.name in manifest:
        return hashlib.sha256(path.read_bytes()).hexdigest() != manifest[path.name]
    return not is_generated(path)


def _keep_hand_edits(run: BranchRun, path: Path, is_generated, manifest: dict[str, str]) -> None:
    """A report edited after it was generated is moved aside, never overwritten."""
    if not path.exists() or not _edited(path, is_generated, manifest):
        return
    n = 1
    while (backup := path.with_name(f"{path.stem}（修改稿{n if n > 1 else ''}）{path.suffix}")).exists():
        n += 1
    move(path, backup)
    manifest.pop(path.name, None)
    run.notices.append(f"注意：{path.name} 在生成后被修改过，已另存为 {backup.name}，请把修改合并到新报告中。")


def _write_validation(run: BranchRun, target: Path, keep_going: bool) -> None:
    branch = run.metrics["支部"]["名称"] if run.metrics else run.name
    notes = [NO_DATE_NOTE] if run.metrics and not run.metrics["支部"].get("报告日期") else []
    text = render_validation_md(run.log, branch=branch or run.name, year=run.ledgers.year if run.ledgers else None,
                                files=run.ledgers.files if run.ledgers else [], findings=run.findings,
                                keep_going=keep_going, checked=run.metrics.get("检查规则") if run.metrics else None,
                                notes=notes, accounts=run.ledgers.accounts if run.ledgers else None)
    run.write(target / VALIDATION_MD, text.encode("utf-8"))
    from pipeline.workbooks import validation_workbook  # openpyxl only when writing

    data = validation_workbook(run.log, branch=branch or run.name, year=run.ledgers.year if run.ledgers else None,
                               files=run.ledgers.files if run.ledgers else [], findings=run.findings,
                               keep_going=keep_going, affected=run.affected,
                               checked=run.metrics.get("检查规则") if run.metrics else None, notes=notes,
                               accounts=run.ledgers.accounts if run.ledgers else None)
    run.write(target / VALIDATION_XLSX, data)


class _Written(Protocol):
    written: list[Path]


def export_pdf(runs: Sequence[_Written], report: bool):
    """PDF copies of this run's Word reports (report) and validation workbooks, in one
    LibreOffice run; each PDF is listed with its branch's outputs."""
    from pipeline import pdf

    wanted = [(run, path) for run in runs for path in run.written
              if (report and path.suffix == ".docx") or path.name == VALIDATION_XLSX]
    outcome = pdf.convert([path for _, path in wanted])
    made = set(outcome.written)
    for run, path in wanted:
        if path.with_suffix(".pdf") in made:
            run.written.append(path.with_suffix(".pdf"))
    return outcome


def run_init(inputs: Path, year: int | None = None, previous: Path | None = None,
             prefilled: dict | None = None) -> list[tuple[Path, str]]:
    """Write the blank ledgers into `inputs` (never overwriting): (path, written|skipped|other).

    With `previous` (last year's ledgers or outputs) the roster and a 整改台账 are pre-filled;
    `prefilled`, when given, receives {"来源": …, kind: row count}.
    """
    import datetime as dt

    from pipeline.blank import write_blank_ledgers

    if inputs.exists() and not inputs.is_dir():
        raise UsageError(f"{inputs} 是一个文件，不是文件夹。请用 INPUTS=文件夹 指定存放台账的文件夹")
    if inputs.resolve() == (ROOT / "inputs").resolve():
        raise UsageError(f"{inputs} 是样例台账文件夹，不能在其中生成空白台账（会和样例混在一起）。"
                         f"请指定一个新文件夹，如：make init INPUTS=台账{year or dt.date.today().year} YEAR={year or dt.date.today().year}")
    year = year or dt.date.today().year
    rows = None
    if previous is not None:
        rows, source = rectify.prefill(previous, year, settings_mod.load(None))
        if prefilled is not None:
            prefilled["来源"] = source
            prefilled.update((kind, len(items)) for kind, items in rows.items())
    try:
        return write_blank_ledgers(inputs, year, rows)
    except (OSError, OutputError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "没有写入权限，或同名台账正在 Excel/WPS 中打开"
        raise UsageError(f"无法在 {inputs} 中写入空白台账（{why or exc}）。请检查该文件夹是否可写") from None
