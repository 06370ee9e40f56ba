"""The roll-up of many branches: one small row per branch (built where the branch was
processed, so the parent never holds a branch's records) and, from those rows only, the
totals, rule compliance and monthly activity that 各支部汇总.xlsx and 各支部汇总.docx show."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.names import LedgerKind, RuleId
from pipeline.rules.table import RULES

# Status of a branch in the roll-up. Figures are shown, totalled and judged only for 正常:
# a branch with errors has rows left out, so its figures would understate (never a 0 that
# is not a 0).
OK = "正常"
ERRORS = "有错误"
FAILED = "失败"

# (column header, dotted metric path, the ledgers it comes from); a maintainer adds a column by
# adding a line. A figure whose ledgers are all missing is left blank, not shown as 0.
_ACTIVITIES = (LedgerKind.ACTIVITIES,)
FIGURES: tuple[tuple[str, str, tuple[LedgerKind, ...]], ...] = (
    ("党员总数", "党员.总数", (LedgerKind.ROSTER,)),
    ("正式党员", "党员.正式党员", (LedgerKind.ROSTER,)),
    ("预备党员", "党员.预备党员", (LedgerKind.ROSTER,)),
    ("支委会", "组织生活.支委会", _ACTIVITIES),
    ("党员大会", "组织生活.党员大会", _ACTIVITIES),
    ("党小组会", "组织生活.党小组会", _ACTIVITIES),
    ("党课", "党课.总数", _ACTIVITIES),
    ("主题党日", "组织生活.主题党日", _ACTIVITIES),
    ("专题研究党建", "组织生活.专题研究党建", _ACTIVITIES),
    ("谈心谈话", "谈心谈话.次数", (LedgerKind.TALKS, *_ACTIVITIES)),
    ("人均笔记字数", "学习.人均笔记字数", (LedgerKind.STUDY,)),
    ("党费实缴（元）", "党费.实缴总额", (LedgerKind.DUES_WIDE, LedgerKind.DUES_LONG)),
    ("信息报送", "信息报送.报送篇数", (LedgerKind.SUBMISSIONS,)),
    ("信息采用", "信息报送.采用篇数", (LedgerKind.SUBMISSIONS,)),
)
# Figures that add up across branches (人均 does not); the 三会一课 and 主题党日 first.
TOTALLED = ("党员总数", "正式党员", "预备党员", "党费实缴（元）", "支委会", "党员大会", "党小组会",
            "党课", "主题党日", "专题研究党建", "谈心谈话", "信息报送", "信息采用")
# Activities counted per month (组织生活.按月) for the monthly chart and table.
MONTHLY = ("支委会", "党员大会", "党小组会", "党课", "主题党日")


def _get(metrics: dict, path: str):
    value: Any = metrics
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


@dataclass
class BranchRow:
    """One branch in the roll-up: small and picklable (it crosses from a worker process)."""

    folder: str  # the branch's sub-folder name, also the link target next to the summary
    name: str = ""  # 党支部名称 from its ledgers ("" when unknown)
    year: int | None = None
    status: str = OK
    errors: int = 0
    warnings: int = 0
    report_written: bool = False
    reason: str = ""  # why a branch failed outright
    figures: dict = field(default_factory=dict)  # header -> value; empty unless status is 正常
    monthly: dict = field(default_factory=dict)  # activity -> 12 counts; empty unless 正常
    findings: list = field(default_factory=list)  # (规则编号, 说明)
    missing: list = field(default_factory=list)  # ledgers absent, whose figures are left blank
    rules: dict = field(default_factory=dict)  # RuleId -> True met / False not met / None unchecked

    @property
    def label(self) -> str:
        return self.name or self.folder


def branch_row(folder: str, metrics: dict | None, errors: int, warnings: int, report_written: bool,
               present: set[str] | None = None) -> BranchRow:
    """The roll-up row of a branch that was analysed (its metrics may be incomplete);
    `present` is the ledger kinds it has (None: all)."""
    metrics = metrics or {}
    row = BranchRow(folder, _get(metrics, "支部.名称") or "", metrics.get("年度"),
                    OK if not errors else ERRORS, errors, warnings, report_written)
    if errors:
        return row
    row.findings = [(f.get("规则编号"), f.get("说明", "")) for f in metrics.get("检查发现") or []]
    row.figures = {header: _get(metrics, path) if present is None or set(kinds) & present else None
                   for header, path, kinds in FIGURES}
    if present is not None:
        row.missing = list(dict.fromkeys(kinds[0] for _, _, kinds in FIGURES if not set(kinds) & present))
    by_month = _get(metrics, "组织生活.按月") or {}
    row.monthly = {kind: list(by_month.get(kind) or [0] * 12) for kind in MONTHLY}
    failed = {rule for rule, _ in row.findings}
    for rule_id, entry in (metrics.get("检查规则") or {}).items():
        row.rules[rule_id] = (rule_id not in failed) if entry.get("已检查") else None
    return row


def failed_row(folder: str, reason: str) -> BranchRow:
    """The row of a branch that could not be processed at all."""
    return BranchRow(folder, status=FAILED, reason=reason)


@dataclass
class RuleStat:
    id: RuleId
    name: str
    checked: int
    met: int

    @property
    def unmet(self) -> int:
        return self.checked - self.met

    @property
    def rate(self) -> float | None:
        return self.met / self.checked if self.checked else None


@dataclass
class Rollup:
    """Every branch's row plus what is computed across them (only 正常 branches count)."""

    rows: list[BranchRow]

    @property
    def counted(self) -> list[BranchRow]:
        return [row for row in self.rows if row.status == OK]

    def by_status(self, status: str) -> list[BranchRow]:
        return [row for row in self.rows if row.status == status]

    @property
    def year(self) -> int | None:
        """The report year when every branch that has one agrees, else None."""
        years = {row.year for row in self.rows if row.year}
        return years.pop() if len(years) == 1 else None

    def totals(self) -> dict:
        out = {}
        for header in TOTALLED:
            values = [row.figures.get(header) for row in self.counted]
            out[header] = sum(v for v in values if isinstance(v, (int, float)))
        return out

    def contributors(self, header: str) -> int:
        """How many branches a total adds up (a branch without the ledger adds nothing)."""
        return sum(1 for row in self.counted if isinstance(row.figures.get(header), (int, float)))

    def monthly(self) -> dict[str, list[int]]:
        out = {kind: [0] * 12 for kind in MONTHLY}
        for row in self.counted:
            for kind, counts in row.monthly.items():
                out[kind] = [a + b for a, b in zip(out[kind], counts)]
        return out

    def rule_stats(self) -> list[RuleStat]:
        stats = []
        for rule in RULES:
            judged = [row.rules.get(rule.id) for row in self.counted if row.rules.get(rule.id) is not None]
            stats.append(RuleStat(rule.id, rule.name, len(judged), sum(1 for met in judged if met)))
        return stats

    def failing(self, rule_id: RuleId) -> list[tuple[BranchRow, list[str]]]:
        """The branches that do not meet a rule, each with its findings under it."""
        out = []
        for row in self.counted:
            said = [text for rid, text in row.findings if rid == rule_id]
            if said:
                out.append((row, said))
        return out

    def duplicates(self) -> dict[str, list[str]]:
        """党支部名称 -> the folders sharing it, for names used by more than one branch."""
        seen: dict[str, list[str]] = defaultdict(list)
        for row in self.rows:
            if row.name:
                seen[row.name].append(row.folder)
        return {name: folders for name, folders in seen.items() if len(folders) > 1}
