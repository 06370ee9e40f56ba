"""One branch folder through the stages up to the findings: read, normalise, count, check.

Nothing is written here; pipeline/branch writes a run's outputs and pipeline/many runs many.
"""

from __future__ import annotations

import gc
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.errors import UsageError, WrongYearError
from pipeline.core.issues import IssueLog
from pipeline.core.names import IssueCode, RuleId
from pipeline.core.outputs import write_bytes
from pipeline.core.variables import Section, check_metrics
from pipeline.facts import rectify
from pipeline.facts.aggregate import Provenance, aggregate
from pipeline.reading.affected import AffectedSheet
from pipeline.reading.affected import collect as collect_affected
from pipeline.reading.ingest import ingest
from pipeline.reading.normalise import normalise
from pipeline.reading.records import Ledgers
from pipeline.reading.year import dated_years, guess_year, read_info
from pipeline.rules import check as rules
from pipeline.rules import settings as settings_mod


@dataclass
class BranchRun:
    """Everything one branch's run produced; the CLI turns it into console lines."""

    name: str  # branch folder in multi-branch mode, "" for a single branch
    folder: Path
    log: IssueLog = field(default_factory=IssueLog)
    ledgers: Ledgers | None = None
    metrics: dict | None = None
    provenance: Provenance | None = None
    # metrics.json `检查发现` itself (the same list of dicts): what --previous adds or amends
    # there (years/previous) reaches the console and the 校验报告 too.
    findings: list[dict] = field(default_factory=list)
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
        from pipeline.writing.validation import unchecked_rules

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
def bulk():
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
    with bulk():
        return _analyse(folder, name, year, config)


def _analyse(folder: Path, name: str, year: int | None, config: settings_mod.Settings) -> BranchRun:
    run = BranchRun(name, folder)
    ingested = ingest(folder, run.log, config.limits)
    # The year decides which rows count, so it is settled before normalising.
    info, info_src = read_info(ingested.tables, IssueLog())
    given = year
    if year is None:
        year = info.get("年度") or guess_year(ingested.tables)
    if year is None:
        too_large = [issue for issue in run.log.errors if issue.code == IssueCode.TOO_LARGE]
        if too_large:  # the year was in what could not be read: say that, not that the year is missing
            said = "".join(i.message().removeprefix(f"[{i.severity}] ") for i in too_large)
            which = "这个文件" if len(too_large) == 1 else "这些文件"
            raise UsageError(f"{said}没有读取{which}，也就无法确定报告年度（{folder}）")
        raise UsageError(f"无法确定报告年度（{folder}）：请在“基本信息”表中填写“年度”，"
                         "或在命令中指定，如 make report YEAR=2023")
    _check_year(folder, name, year, given, info.get("年度"), dated_years(ingested.tables),
                info_src["年度"].where() if "年度" in info_src else "")
    run.ledgers = normalise(ingested.tables, run.log, year, ingested.files, rules.next_year_months(config))
    config = settings_mod.for_branch(config, run.ledgers.info, run.ledgers.info_src, run.log)
    run.metrics, provenance = aggregate(run.ledgers, config.rules[RuleId.DUES].pay_by == "按季度")
    if (rectified := rectify.metrics(run.ledgers, provenance, run.log)) is not None:
        run.metrics[Section.RECTIFY] = rectified  # only with a 整改台账: last year's problems (pipeline/facts/rectify.py)
    run.findings = [finding.as_dict() for finding in rules.check(run.ledgers, run.metrics, config, provenance, run.log)]
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
