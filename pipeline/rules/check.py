"""Rule checks (检查发现): the year's records measured against the rules of branch life.

check() runs every rule of the table (table.RULES) that is on, applies to the branch and has a
whole ledger to judge, and gives its checker's findings with the rule's name, id and source;
applied() tells metrics.json (`检查规则`) each rule's numbers and whether it was checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pipeline.core.issues import IssueLog
from pipeline.core.names import IssueCode, LedgerKind, RuleId
from pipeline.core.values import fold_name
from pipeline.facts.dues import months_due
from pipeline.facts.membership import full_members, roster
from pipeline.reading.records import Ledgers
from pipeline.rules import dues, meetings, members, talks
from pipeline.rules.rule import Finding, Period, Rule, RuleSettings
from pipeline.rules.table import RULES, Settings, settings_of

if TYPE_CHECKING:
    from pipeline.facts.aggregate import Provenance


def check(ledgers: Ledgers, metrics: dict, config: Settings | None, provenance: Provenance,
          log: IssueLog | None = None) -> list[Finding]:
    """Every finding, in the order of RULES; provenance gets `检查发现.<i>` per finding.

    Trust first: a finding the checker could not decide (`uncertain`) or that rests on a cell
    the run warned about (a year-month that may be October, a name not on the roster that may
    be the member named, a name twice on the roster) is no 检查发现: `log` gets it as 待核实,
    for the 校验报告, and the report says nothing about it. A ledger kept without a data row
    judges nothing: its rules are 未检查 (`…未填写（没有数据行）`, in the 校验报告's and the
    console's 未检查 line)."""
    findings: list[Finding] = []
    doubts = Doubts.of(log, ledgers) if log is not None else Doubts()
    for rule in RULES:
        cfg = settings_of(config, rule)
        applies, basis = _applies(rule, cfg, ledgers, metrics)
        if _not_checked(rule, cfg, applies, ledgers):
            continue  # off, not applicable, or no whole ledger to judge by: no claim either way
        kinds = set(_ledger_kinds(rule, ledgers))
        for finding, sources in rule.check(rule, cfg, ledgers):
            # A finding may name its own source (a late 主题党日 is local practice, six months
            # without dues is the 党章's); otherwise the rule's.
            finding = replace(finding, rule=finding.rule or rule.name, rule_id=rule.id,
                              source=finding.source or _source(cfg), source_kind=finding.source_kind or cfg.source_kind)
            doubt = "" if finding.uncertain else doubts.about(finding, sources, kinds, rule.check in _COUNTS_NAMES)
            if finding.uncertain or doubt:
                if log is not None:
                    _withhold(log, finding, sources, doubt)
                continue
            provenance.add(f"检查发现.{len(findings)}", [*sources, *basis])
            provenance.add("检查发现", [*sources, *basis])
            findings.append(finding)
    return findings


_EMPTY = "未填写（没有数据行）"
# Checkers that count the names of a row (a quorum from 参加人员).
_COUNTS_NAMES = (meetings.quorum, meetings.committee_quorum)
# Warnings that put a cell in doubt: a finding resting on it is withheld (待核实).
_DOUBTING = (IssueCode.AMBIGUOUS_MONTH, IssueCode.NOT_IN_ROSTER, IssueCode.SAME_NAME)


@dataclass
class Doubts:
    """The cells this run warned about: rows (file, sheet, row) with a doubted cell, names not
    on the roster by the ledger kind they were found in, and names twice on the roster."""

    rows: dict = field(default_factory=dict)  # (file, sheet, row) -> the warning's location
    name_rows: dict = field(default_factory=dict)  # the same, for rows naming someone not on the roster
    unknown: dict = field(default_factory=dict)  # LedgerKind -> {name: location}
    twice: set = field(default_factory=set)

    @classmethod
    def of(cls, log: IssueLog, ledgers: Ledgers) -> Doubts:
        kinds: dict[tuple[str, str | None], LedgerKind] = {
            (a.file, a.sheet): LedgerKind.of(a.kind) for a in ledgers.accounts if a.kind in _KIND_NAMES}
        out = cls()
        for issue in log.items:
            if issue.code not in _DOUBTING:
                continue
            if issue.code == IssueCode.SAME_NAME:
                out.twice.add(str(issue.reason).split("“")[-1].split("”")[0])
            elif issue.code == IssueCode.NOT_IN_ROSTER and issue.value:
                kind = kinds.get((issue.file, issue.sheet))
                if kind is not None:
                    out.unknown.setdefault(kind, {})[issue.value] = issue.location()
            if issue.row:
                rows = out.name_rows if issue.code == IssueCode.NOT_IN_ROSTER else out.rows
                rows[(issue.file, issue.sheet, issue.row)] = issue.location()
        return out

    def about(self, finding: Finding, sources: list, kinds: set, counts_names: bool = False) -> str:
        """Where the doubted cell a finding rests on is ("" when none). A name not on the roster
        doubts the findings about a member it may be (or, `counts_names`, the rows it is in:
        a quorum counted from 参加人员)."""
        for source in sources:
            src = getattr(source, "src", source)
            key = (getattr(src, "file", None), getattr(src, "sheet", None), getattr(src, "row", None))
            where = self.rows.get(key) or (self.name_rows.get(key) if counts_names else None)
            if where:
                return where
        people = {finding.name} if finding.name else set(finding.involved)
        people |= {n for item in finding.involved for n in str(item).split("与")}
        for name in people & self.twice:
            return f"党员名册中“{name}”重名"
        for kind in kinds:
            for unknown, where in self.unknown.get(kind, {}).items():
                if any(_similar(unknown, name) for name in people):
                    return where
        return ""


_KIND_NAMES = {k.value for k in LedgerKind}


def _similar(unknown: str, name: str) -> bool:
    """Whether a name not on the roster may be the member `name` mistyped: the same length or
    one character apart, and the same surname or the same given name."""
    a, b = fold_name(unknown), fold_name(name)
    if not a or not b or a == b:
        return bool(a) and a == b
    return abs(len(a) - len(b)) <= 1 and (a[0] == b[0] or a[-1] == b[-1])


def _withhold(log: IssueLog, finding: Finding, sources: list, doubt: str) -> None:
    """The finding as 待核实 in the 校验报告, with the cell in doubt (or why it is undecided)."""
    first = next((getattr(s, "src", s) for s in sources if hasattr(getattr(s, "src", s), "file")), None)
    why = f"所依据的单元格有警告（{doubt}）" if doubt else "台账记载不足以判断"
    log.warning(first.file if first else "（规则检查）",
                f"待核实，未写入报告：【{finding.rule}】{finding.note}；{why}（依据：{finding.source}）",
                "请核对台账后重新生成报告", sheet=first.sheet if first else None, row=first.row if first else None,
                code=IssueCode.UNVERIFIED)


_OPTION_NAMES = {"deadline_day": "截止日", "min_full_members": "正式党员人数下限", "serious_months": "严重连续月数",
                 "next_year_months": "次年计入月数", "before_meeting_months": "会前谈话月数",
                 "absent_months": "连续缺席月数", "term_years": "任期年数", "village_term_years": "村社区任期年数",
                 "late_months": "补交提示月数", "committee_pairs": "支部委员之间谈话",
                 "committee_members": "支部委员和党员之间谈话", "member_pairs": "党员和党员之间谈话",
                 "each_member": "每名党员参加谈话", "secretary_committee": "书记与每名支委谈话",
                 "secretary_all": "书记与每名党员谈话", "pay_by": "缴纳方式", "voting_only": "只计有表决权的党员",
                 "spread_days": "偏离天数", "probation_months": "预备期月数", "extension_min_months": "延长预备期最短月数",
                 "extension_max_months": "延长预备期最长月数"}


_LOCAL_NAMES = {"threshold": "最少次数"}


def _shown(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def settings_lines(checked: dict | None) -> list[str]:
    """One line per rule for the 校验报告: its source and kind, its numbers, and which of them
    this branch's 基本信息 set (`【本支部基本信息】`)."""
    lines = []
    for entry in (checked or {}).values():
        if not entry.get("启用", True):
            lines.append(f"{entry['规则']}：不检查（已在规则设置中关闭）")
            continue
        numbers = [f"{label} {_shown(entry[label])}" for label in ("最少次数", *_OPTION_NAMES.values())
                   if label in entry]
        local = entry.get("本支部设置") or []
        text = f"{entry['规则']}（{entry.get('依据类别', '')}：{entry.get('依据', '')}）"
        if numbers:
            text += "：" + "，".join(numbers)
        if local:
            text += "；本支部基本信息设置：" + "；".join(local)
        lines.append(text)
    return lines


def _source(cfg: RuleSettings) -> str:
    return cfg.source.replace("{deadline_day}", str(cfg.deadline_day))


_PERIOD_NAMES = {Period.MONTH: "每月", Period.QUARTER: "每季度", Period.YEAR: "每年"}


def applied(config: Settings | None, ledgers: Ledgers, metrics: dict) -> dict[RuleId, dict]:
    """Every rule with its numbers, for metrics.json (`检查规则`) and templates: `启用` (on in
    pipeline.toml), `适用` (支委会 needs 7 正式党员, 党小组会 a roster with 党小组), `已检查`, and
    `未检查原因` when it was not checked."""
    out = {}
    for rule in RULES:
        cfg = settings_of(config, rule)
        applies = _applies(rule, cfg, ledgers, metrics)[0]
        why = _not_checked(rule, cfg, applies, ledgers)
        entry = {"规则": rule.name, "周期": _PERIOD_NAMES[rule.period], "启用": cfg.enabled, "适用": applies,
                 "已检查": not why, "依据": _source(cfg), "依据类别": cfg.source_kind}
        if why:
            entry["未检查原因"] = why
        if cfg.threshold is not None:
            entry["最少次数"] = cfg.threshold
        for key, label in _OPTION_NAMES.items():
            if getattr(cfg, key) is not None:
                entry[label] = getattr(cfg, key)
        local = (getattr(config, "local", None) or {}).get(rule.id)
        if local:
            # Set by this branch's 基本信息 rather than pipeline.toml: the 校验报告 says so.
            entry["本支部设置"] = [f"{_LOCAL_NAMES.get(k, _OPTION_NAMES.get(k, k))}：{_shown(v)}（{src.where() if src else '基本信息'}）"
                              for k, (v, src) in local.items()]
        out[rule.id] = entry
    return out


def _not_checked(rule: Rule, cfg: RuleSettings, applies: bool, ledgers: Ledgers) -> str:
    """Why a rule was not checked ("" when it was)."""
    if not cfg.enabled:
        return "已在规则设置中关闭"
    if not applies:
        if rule.applies == "full_members":
            return f"正式党员不足{cfg.min_full_members}人，不适用"
        if rule.applies == "rectify":
            return "没有整改台账，不适用"
        return "党员名册和基本信息中没有党小组，不适用"
    if rule.check is members.term:
        return "" if ledgers.info.get("本届任期起始") else "基本信息中没有填写“本届任期起始”"
    kinds = _ledger_kinds(rule, ledgers)
    if rule.check is talks.talks and kinds == (LedgerKind.ACTIVITIES,) and not ledgers.activities("谈心谈话"):
        return "没有谈心谈话记录"
    if not any(k in ledgers.records for k in kinds):
        return f"没有{kinds[0]}"
    if not any(ledgers.of(k) for k in kinds):
        return f"{kinds[0]}{_EMPTY}"
    if any(k in ledgers.incomplete for k in kinds):
        return f"{kinds[0]}中有错误行，改正后才能检查"
    if rule.check is dues.dues and not months_due(ledgers):
        return "党费台账中没有填写缴纳标准"
    if rule.check is meetings.quorum and not any(
            r["应到人数"] or (cfg.voting_only and roster(ledgers) and (r["实到人数"] is not None or r["参加人员"]
                                                                 or r["缺席人员"]))
            for r in ledgers.activities(rule.counted)):
        return "党员大会没有填写应到人数、实到人数或参加人员"
    if rule.check is meetings.committee_quorum and not any(
            r["应到人数"] or r["参加人员"] or r["缺席人员"] for r in ledgers.activities(rule.counted)):
        return "支委会没有填写应到人数或参加人员"
    if rule.check is members.absence and not members.attendance_rows(ledgers):
        return "组织生活台账没有“参加人员”或“缺席人员”"
    return ""


# The checkers that judge 组织生活台账 rows; any other judges the ledger its rule counts.
_ON_ACTIVITIES = (meetings.count, meetings.theme_day_deadline, meetings.theme_day_fixed, meetings.groups,
                  meetings.quorum, meetings.committee_quorum, meetings.secretary_lesson, members.absence)


def _ledger_kinds(rule: Rule, ledgers: Ledgers) -> tuple[LedgerKind, ...]:
    """The ledgers a rule judges (talks may be kept in 组织生活台账; dues in either form)."""
    if rule.check in _ON_ACTIVITIES:
        return (LedgerKind.ACTIVITIES,)
    if rule.check is talks.talks:
        return (LedgerKind.TALKS,) if LedgerKind.TALKS in ledgers.records else (LedgerKind.ACTIVITIES,)
    if rule.check is dues.dues:
        return (LedgerKind.DUES_WIDE, LedgerKind.DUES_LONG)
    return (LedgerKind.of(rule.counted),)


def next_year_months(config: Settings | None) -> int:
    """How many months of the next year a 组织生活会/民主评议党员 may be held in and still count
    for the report year (the larger of the two rules' settings; a rule turned off gives none)."""
    months = [cfg.next_year_months or 0 for cfg in (settings_of(config, rule) for rule in RULES
                                                     if "next_year_months" in rule.options) if cfg.enabled]
    return max(months, default=0)


def _applies(rule: Rule, cfg: RuleSettings, ledgers: Ledgers, metrics: dict) -> tuple[bool, list]:
    """Whether the rule applies to this branch, and the rows that decide it."""
    if rule.applies == "full_members":
        full = full_members(ledgers)
        count = (metrics.get("党员") or {}).get("正式党员", len(full))
        return count >= cfg.min_full_members, full
    if rule.applies == "rectify":
        return bool(ledgers.of(LedgerKind.RECTIFY)), []
    if rule.applies == "party_groups":
        grouped = [m for m in roster(ledgers) if m["党小组"]]
        named = [ledgers.info_src["党小组"]] if ledgers.info.get("党小组") else []
        return bool(meetings.party_groups(ledgers)), [*grouped, *named]
    return True, []
