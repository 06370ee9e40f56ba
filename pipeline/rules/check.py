"""Rule checks (检查发现): the year's records measured against the rules of branch life.

check() runs every rule of the table (table.RULES) that is on, applies to the branch and has a
whole ledger to judge, and gives its checker's findings with the rule's name, id and source;
applied() tells metrics.json (`检查规则`) each rule's numbers and whether it was checked.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pipeline.core.names import LedgerKind, RuleId
from pipeline.facts.dues import months_due
from pipeline.facts.membership import full_members, roster
from pipeline.reading.records import Ledgers
from pipeline.rules import dues, meetings, members, talks
from pipeline.rules.rule import Finding, Period, Rule, RuleSettings
from pipeline.rules.table import RULES, Settings, settings_of

if TYPE_CHECKING:
    from pipeline.facts.aggregate import Provenance


def check(ledgers: Ledgers, metrics: dict, config: Settings | None, provenance: Provenance) -> list[Finding]:
    """Every finding, in the order of RULES; provenance gets `检查发现.<i>` per finding."""
    findings: list[Finding] = []
    for rule in RULES:
        cfg = settings_of(config, rule)
        applies, basis = _applies(rule, cfg, ledgers, metrics)
        if _not_checked(rule, cfg, applies, ledgers):
            continue  # off, not applicable, or no whole ledger to judge by: no claim either way
        for finding, sources in rule.check(rule, cfg, ledgers):
            # A finding may name its own source (a late 主题党日 is local practice, six months
            # without dues is the 党章's); otherwise the rule's.
            finding = replace(finding, rule=finding.rule or rule.name, rule_id=rule.id,
                              source=finding.source or _source(cfg), source_kind=finding.source_kind or cfg.source_kind)
            provenance.add(f"检查发现.{len(findings)}", [*sources, *basis])
            provenance.add("检查发现", [*sources, *basis])
            findings.append(finding)
    return findings


_OPTION_NAMES = {"deadline_day": "截止日", "min_full_members": "正式党员人数下限", "serious_months": "严重连续月数",
                 "next_year_months": "次年计入月数", "before_meeting_months": "会前谈话月数",
                 "absent_months": "连续缺席月数", "term_years": "任期年数", "village_term_years": "村社区任期年数",
                 "late_months": "补交提示月数", "each_member": "每名党员参加谈话",
                 "secretary_committee": "书记与每名支委谈话", "secretary_all": "书记与每名党员谈话",
                 "pay_by": "缴纳方式"}


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
    if any(k in ledgers.incomplete for k in kinds):
        return f"{kinds[0]}中有错误行，改正后才能检查"
    if rule.check is dues.dues and not months_due(ledgers):
        return "党费台账中没有填写缴纳标准"
    if rule.check is meetings.quorum and not any(r["应到人数"] for r in ledgers.activities(rule.counted)):
        return "党员大会没有填写应到人数"
    if rule.check is members.absence and not members.attendance_rows(ledgers):
        return "组织生活台账没有“参加人员”或“缺席人员”"
    return ""


# The checkers that judge 组织生活台账 rows; any other judges the ledger its rule counts.
_ON_ACTIVITIES = (meetings.count, meetings.theme_day, meetings.groups, meetings.quorum, meetings.secretary_lesson,
                  members.absence)


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
