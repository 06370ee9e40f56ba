"""Rule checks (检查发现): the year's records measured against the rules of branch life.

RULES is the one table of rules: what is counted, per which period, the default threshold,
when the rule applies and the source every finding cites. Rules own their settings (RuleSettings,
Settings below); settings.py only reads pipeline.toml into them, so it imports this module and
never the other way. Each rule kind has one small checker below.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core import vocab
from pipeline.core.names import LedgerKind, RuleId
from pipeline.core.values import norm_key, split_names
from pipeline.facts import rectify
from pipeline.facts.aggregate import check_occasions, secretary, talk_records
from pipeline.facts.dues import MonthDue, dues_by_month, dues_payments, monthly_standards, months_due
from pipeline.facts.membership import full_members, memberships, roster, year_end_members
from pipeline.reading.records import Ledgers, Record, Source

if TYPE_CHECKING:
    from pipeline.facts.aggregate import Provenance

MONTH, QUARTER, YEAR = "month", "quarter", "year"
REGULATIONS = "《中国共产党支部工作条例（试行）》"
DUES_REGULATIONS = "《关于中国共产党党费收缴、使用和管理的规定》"
CONSTITUTION = "《中国共产党章程》"
# What kind of document a source is: the 党章, the 条例 (Party regulations such as the 支部工作条例),
# a 规定 of the central departments (the 党费 rules), or local practice (本地规定: a 上级党委's
# 实施细则 or the branch's own system). Every rule names one; pipeline.toml may change it.
CHARTER, TIAOLI, GUIDING, LOCAL = "党章", "条例", "规定", "本地规定"
SOURCE_KINDS = (CHARTER, TIAOLI, GUIDING, LOCAL)


@dataclass(frozen=True)
class Rule:
    """One rule: its defaults here, its overrides in pipeline.toml under [rules."<id>"]."""

    id: RuleId  # its name in pipeline.toml, and 规则编号 of its findings
    name: str  # 规则 of its findings (their display name; a part of the rule may have its own)
    check: str  # the checker: count, theme_day, talks, dues, study, …
    counted: str  # the activity type (组织生活台账.类型) counted, or the LedgerKind a rule judges whole
    action: str  # what is done, for sentences: 召开支委会 -> `5月未召开支委会`
    period: str  # month, quarter or year
    threshold: int | None  # minimum per period (per member for talks); None: not settable
    source: str  # 依据 of every finding, with its article; `{deadline_day}` is filled in from the settings
    kind: str  # 依据类别: one of SOURCE_KINDS
    applies: str = ""  # "": always; full_members: ≥ min_full_members 正式党员; party_groups
    options: dict = field(default_factory=dict)  # further settable values and their defaults


RULES: tuple[Rule, ...] = (
    Rule(RuleId.COMMITTEE, "支委会每月召开", "count", "支委会", "召开支委会", MONTH, 1,
         f"{REGULATIONS}第十二条", TIAOLI, applies="full_members", options={"min_full_members": 7}),
    Rule(RuleId.MEMBERS_MEETING, "党员大会每季度召开", "count", "党员大会", "召开党员大会", QUARTER, 1,
         f"{REGULATIONS}第十一条", TIAOLI),
    # A meeting short of a quorum was still held: not one of context.ACTIVITY_RULES (the
    # appendix does not shade its month).
    Rule(RuleId.QUORUM, "大会到会人数过半数", "quorum", "党员大会", "召开党员大会", YEAR, None,
         f"{REGULATIONS}第十一条", TIAOLI),
    Rule(RuleId.GROUP_MEETING, "党小组会每月召开", "groups", "党小组会", "召开党小组会", MONTH, 1,
         f"{REGULATIONS}第十三条", TIAOLI, applies="party_groups"),
    Rule(RuleId.LESSON, "党课每季度开展", "count", "党课", "讲党课", QUARTER, 1,
         "本地“三会一课”制度（党课次数由上级党委规定）", LOCAL),
    Rule(RuleId.SECRETARY_LESSON, "支部书记每年讲党课", "secretary_lesson", "党课", "讲党课", YEAR, 1,
         f"本地“三会一课”制度（{REGULATIONS}第十五条要求党员领导干部定期讲党课）", LOCAL),
    Rule(RuleId.THEME_DAY, "主题党日每月开展", "theme_day", "主题党日", "开展主题党日", MONTH, 1,
         f"{REGULATIONS}第十六条", TIAOLI, options={"deadline_day": 10}),
    Rule(RuleId.LIFE_MEETING, "组织生活会每年召开", "count", "组织生活会", "召开组织生活会", YEAR, 1,
         f"{REGULATIONS}第十七条", TIAOLI, options={"next_year_months": 3}),
    Rule(RuleId.APPRAISAL, "民主评议党员每年开展", "count", "民主评议党员", "开展民主评议党员", YEAR, 1,
         f"{REGULATIONS}第十八条", TIAOLI, options={"next_year_months": 3}),
    Rule(RuleId.TALKS, "谈心谈话全覆盖", "talks", LedgerKind.TALKS, "开展谈心谈话", YEAR, 1,
         f"{REGULATIONS}第十九条", TIAOLI,
         options={"each_member": True, "secretary_committee": True, "secretary_all": False,
                  "before_meeting_months": 1}),
    Rule(RuleId.DUES, "党费按月缴纳", "dues", LedgerKind.DUES_WIDE, "缴纳党费", MONTH, None,
         f"{DUES_REGULATIONS}第十二条", GUIDING, options={"serious_months": 6, "pay_by": "按月", "late_months": 6}),
    Rule(RuleId.ABSENCE, "党员参加组织生活", "absence", LedgerKind.ACTIVITIES, "参加组织生活", MONTH, None,
         f"{CONSTITUTION}第九条", CHARTER, options={"absent_months": 6}),
    Rule(RuleId.PROBATION, "预备党员按期转正", "probation", LedgerKind.ROSTER, "讨论转正", YEAR, None,
         f"{CONSTITUTION}第七条", CHARTER),
    Rule(RuleId.TERM, "支部委员会按期换届", "term", LedgerKind.INFO, "换届", YEAR, None,
         f"{REGULATIONS}第二十一条", TIAOLI, options={"term_years": 3, "village_term_years": 5}),
    Rule(RuleId.STUDY, "学习笔记每季度检查", "study", LedgerKind.STUDY, "开展学习笔记检查", QUARTER, 1,
         "本地学习笔记检查制度（每季度调阅检查党员学习笔记）", LOCAL),
    Rule(RuleId.RECTIFY, "整改按期完成", "rectify", LedgerKind.RECTIFY, "完成整改", YEAR, None,
         "上年度查摆问题应按整改时限整改到位", LOCAL, applies="rectify"),
)

RULE_BY_ID: dict[RuleId, Rule] = {rule.id: rule for rule in RULES}

# The 规则 of findings that a part of a rule reports under a name of its own; their 规则编号
# is the rule's id.
LATE_THEME_DAY = "主题党日按时开展"
EACH_MEMBER_TALKS = "每名党员参加谈心谈话"
SECRETARY_COMMITTEE_TALKS = "书记与支委谈心谈话"
BEFORE_MEETING_TALKS = "组织生活会前谈心谈话"
# 规则 of the finding previous.recurring adds (RuleId.RECURRING).
RECURRING_NAME = "上年问题再次出现"
# Every 规则 a finding of this program can carry -> its rule id.
_ID_BY_NAME: dict[str, RuleId] = {
    **{rule.name: rule.id for rule in RULES},
    LATE_THEME_DAY: RuleId.THEME_DAY, EACH_MEMBER_TALKS: RuleId.TALKS, SECRETARY_COMMITTEE_TALKS: RuleId.TALKS,
    BEFORE_MEETING_TALKS: RuleId.TALKS, RECURRING_NAME: RuleId.RECURRING,
}


def rule_of(finding: Mapping) -> RuleId | None:
    """The rule id of a finding read back from a metrics.json: its 规则编号, or, for one written
    before findings carried it (last year's outputs, an older draft), the rule its 规则 names.
    None when neither tells. A finding of this run carries 规则编号: select by that."""
    said = finding.get("规则编号")
    if said is not None:
        return RuleId(said) if isinstance(said, str) and said in _RULE_IDS else None
    return _ID_BY_NAME.get(str(finding.get("规则") or ""))


_RULE_IDS = {rule_id.value for rule_id in RuleId}


@dataclass(frozen=True)
class RuleSettings:
    """One rule's settings after the project file is applied (None: not used by the rule)."""

    enabled: bool = True
    threshold: int | None = None
    source: str = ""
    source_kind: str = ""
    deadline_day: int | None = None
    min_full_members: int | None = None
    serious_months: int | None = None
    next_year_months: int | None = None
    before_meeting_months: int | None = None
    absent_months: int | None = None
    term_years: int | None = None
    village_term_years: int | None = None
    late_months: int | None = None
    each_member: bool | None = None
    secretary_committee: bool | None = None
    secretary_all: bool | None = None
    pay_by: str | None = None

    @classmethod
    def default(cls, rule: Rule) -> RuleSettings:
        return cls(enabled=True, threshold=rule.threshold, source=rule.source, source_kind=rule.kind,
                   **rule.options)


def default_settings() -> dict[RuleId, RuleSettings]:
    """Every rule's defaults by rule id."""
    return {rule.id: RuleSettings.default(rule) for rule in RULES}


@dataclass(frozen=True)
class Settings:
    """Every rule's settings by rule id (the ids of RULES), and the file they came from."""

    rules: dict[RuleId, RuleSettings] = field(default_factory=default_settings)
    path: Path | None = None
    # Settings a branch's 基本信息 gave (settings.for_branch): rule id -> {key: (value, Source)}.
    local: dict = field(default_factory=dict)

EACH = {MONTH: "各月", QUARTER: "各季度", YEAR: "全年"}
# Who may be named as 谈话人 for the secretary besides their name.
SECRETARY_TITLES = ("书记", "支部书记", "党支部书记")

Found = tuple[dict, list]  # (说明, 涉及 and any 规则/严重/姓名; the rows that prove it)


def check(ledgers: Ledgers, metrics: dict, config: Settings | None, provenance: Provenance) -> list[dict]:
    """Every finding, in the order of RULES; provenance gets `检查发现.<i>` per finding."""
    findings: list[dict] = []
    for rule in RULES:
        cfg = _settings_of(config, rule)
        applies, basis = _applies(rule, cfg, ledgers, metrics)
        if _not_checked(rule, cfg, applies, ledgers):
            continue  # off, not applicable, or no whole ledger to judge by: no claim either way
        for finding, sources in CHECKERS[rule.check](rule, cfg, ledgers):
            # A finding may name its own source (a late 主题党日 is local practice, six months
            # without dues is the 党章's); otherwise the rule's.
            source = finding.pop("依据", None) or _source(cfg)
            kind = finding.pop("依据类别", None) or cfg.source_kind
            finding = {"规则": finding.pop("规则", rule.name), "规则编号": rule.id, **finding, "依据": source,
                       "依据类别": kind}
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
_PERIOD_NAMES = {MONTH: "每月", QUARTER: "每季度", YEAR: "每年"}


def applied(config: Settings | None, ledgers: Ledgers, metrics: dict) -> dict[RuleId, dict]:
    """Every rule with its numbers, for metrics.json (`检查规则`) and templates: `启用` (on in
    pipeline.toml), `适用` (支委会 needs 7 正式党员, 党小组会 a roster with 党小组), `已检查`, and
    `未检查原因` when it was not checked."""
    out = {}
    for rule in RULES:
        cfg = _settings_of(config, rule)
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
    if rule.check == "term":
        return "" if ledgers.info.get("本届任期起始") else "基本信息中没有填写“本届任期起始”"
    kinds = _ledger_kinds(rule, ledgers)
    if rule.check == "talks" and kinds == (LedgerKind.ACTIVITIES,) and not ledgers.activities("谈心谈话"):
        return "没有谈心谈话记录"
    if not any(k in ledgers.records for k in kinds):
        return f"没有{kinds[0]}"
    if any(k in ledgers.incomplete for k in kinds):
        return f"{kinds[0]}中有错误行，改正后才能检查"
    if rule.check == "dues" and not months_due(ledgers):
        return "党费台账中没有填写缴纳标准"
    if rule.check == "quorum" and not any(r["应到人数"] for r in ledgers.activities(rule.counted)):
        return "党员大会没有填写应到人数"
    if rule.check == "absence" and not _attendance_rows(ledgers):
        return "组织生活台账没有“参加人员”或“缺席人员”"
    return ""


def _ledger_kinds(rule: Rule, ledgers: Ledgers) -> tuple[LedgerKind, ...]:
    """The ledgers a rule judges (talks may be kept in 组织生活台账; dues in either form)."""
    if rule.check in ("count", "theme_day", "groups", "quorum", "secretary_lesson", "absence"):
        return (LedgerKind.ACTIVITIES,)
    if rule.check == "talks":
        return (LedgerKind.TALKS,) if LedgerKind.TALKS in ledgers.records else (LedgerKind.ACTIVITIES,)
    if rule.check == "dues":
        return (LedgerKind.DUES_WIDE, LedgerKind.DUES_LONG)
    return (LedgerKind.of(rule.counted),)


def next_year_months(config: Settings | None) -> int:
    """How many months of the next year a 组织生活会/民主评议党员 may be held in and still count
    for the report year (the larger of the two rules' settings; a rule turned off gives none)."""
    months = [cfg.next_year_months or 0 for cfg in (_settings_of(config, rule) for rule in RULES
                                                     if "next_year_months" in rule.options) if cfg.enabled]
    return max(months, default=0)


def _settings_of(config: Settings | None, rule: Rule) -> RuleSettings:
    rules = config.rules if config is not None else {}
    return rules.get(rule.id) or RuleSettings.default(rule)


# ---------------------------------------------------------------- when a rule applies

def _applies(rule: Rule, cfg: RuleSettings, ledgers: Ledgers, metrics: dict) -> tuple[bool, list]:
    """Whether the rule applies to this branch, and the rows that decide it."""
    members = roster(ledgers)
    if rule.applies == "full_members":
        full = full_members(ledgers)
        count = (metrics.get("党员") or {}).get("正式党员", len(full))
        return count >= cfg.min_full_members, full
    if rule.applies == "rectify":
        return bool(ledgers.of(LedgerKind.RECTIFY)), []
    if rule.applies == "party_groups":
        grouped = [m for m in members if m["党小组"]]
        named = [ledgers.info_src["党小组"]] if ledgers.info.get("党小组") else []
        return bool(party_groups(ledgers)), [*grouped, *named]
    return True, []


def party_groups(ledgers: Ledgers) -> list[str]:
    """The branch's 党小组: named in 基本信息 (`第一党小组、第二党小组`), else on the roster.
    基本信息 `无` (or 否) says the branch has none."""
    said = split_names(ledgers.info.get("党小组") or "")
    if said and norm_key(said[0]) in {norm_key(w) for w in vocab.NO} | {"无", "没有", "未设"}:
        return []
    if said:
        return list(dict.fromkeys(said))
    return list(dict.fromkeys(m["党小组"] for m in year_end_members(ledgers) if m["党小组"]))


# ---------------------------------------------------------------- periods and sentences

def _periods(period: str) -> list[tuple[int, str]]:
    if period == MONTH:
        return [(m, f"{m}月") for m in range(1, 13)]
    if period == QUARTER:
        return list(enumerate(vocab.QUARTERS, 1))
    return [(1, "全年")]


def _by_period(days: Counter, period: str) -> Counter:
    """Activities per period (1-12, 1-4 or 1) from activities per day (Ledgers.days)."""
    out: Counter = Counter()
    for day, n in days.items():
        out[_period_of(day, period)] += n
    return out


def _period_of(day: dt.date, period: str) -> int:
    if period == MONTH:
        return day.month
    if period == QUARTER:
        return (day.month - 1) // 3 + 1
    return 1


def _join(items) -> str:
    return "、".join(items)


def _shortfall(rule: Rule, threshold: int, counts: Counter, sources: list) -> list[Found]:
    """One finding listing the periods below threshold: `5月、6月未召开支委会`."""
    labels = _periods(rule.period)
    short = [(label, counts[key]) for key, label in labels if counts[key] < threshold]
    if not short:
        return []
    none = [label for label, n in short if n == 0]
    few = [label for label, n in short if n > 0]
    if len(none) == len(labels):
        parts = [f"全年未{rule.action}"]
    elif len(few) == len(labels) > 1:
        parts = [f"{EACH[rule.period]}{rule.action}均不足{threshold}次"]
    else:
        parts = [f"{_join(none)}未{rule.action}"] if none else []
        parts += [f"{_join(few)}{rule.action}不足{threshold}次"] if few else []
        if few and none and short[0][1] > 0:
            parts.reverse()  # the earlier period first
    finding = {"说明": "，".join(parts), "涉及": [label for label, _ in short]}
    return [(finding, sources)]


# ---------------------------------------------------------------- checkers, one per rule kind

def _needed(value: int | None) -> int:
    """A number the rule's checker uses: RULES gives every such rule a default, and settings
    cannot unset it, so None here is a defect in RULES."""
    if value is None:
        raise ValueError("rule setting without a default in rules.RULES")
    return value


def _count(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """At least `threshold` activities of a type in every month, quarter or the year."""
    rows = ledgers.activities(rule.counted)
    return _shortfall(rule, _needed(cfg.threshold), _by_period(ledgers.days(rule.counted), rule.period), rows)


def _theme_day(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """主题党日: held every month, and the month's first one by `deadline_day`."""
    rows = ledgers.activities(rule.counted)
    found = _count(rule, cfg, ledgers)
    first: dict[int, dt.date] = {}  # month -> the day of its first 主题党日
    for day in sorted(ledgers.days(rule.counted), reverse=True):
        first[day.month] = day
    deadline = _needed(cfg.deadline_day)
    late = {m: day for m, day in sorted(first.items()) if day.day > deadline}
    if late:
        months = [f"{m}月" for m in late]
        days = _join(f"{d.month}月{d.day}日" for d in late.values())
        # The 条例 fixes one day a month; a day of the month is local practice.
        finding = {"规则": LATE_THEME_DAY,
                   "说明": f"{_join(months)}{rule.counted}在{cfg.deadline_day}日后召开（{days}）",
                   "涉及": months, "依据": f"本地主题党日制度（每月{cfg.deadline_day}日前开展；{REGULATIONS}第十六条："
                                       "每月相对固定1天开展主题党日）", "依据类别": LOCAL}
        found.append((finding, [r for r in rows if r.values["日期"].month in late]))
    return found


def _talks(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """谈心谈话 as the 条例 has it, each part a setting: every member takes part at least
    `threshold` times a year; the secretary talks with every 支委 (or, with secretary_all,
    every member); and talks are held in the `before_meeting_months` before each 组织生活会."""
    found: list[Found] = []
    flagged: set[str] = set()
    if cfg.secretary_all:
        found += _secretary_all(rule, cfg, ledgers)
        # Those already named (and the secretary, whose missing talks that finding tells) are
        # not named twice.
        flagged = {n for f, _ in found for n in f["涉及"]} | ({secretary(ledgers)} if found else set())
    elif cfg.secretary_committee:
        found += _secretary_committee(cfg, ledgers)
    if cfg.each_member:
        found += _each_member(cfg, ledgers, flagged)
    if cfg.before_meeting_months:
        found += _before_meeting(cfg, ledgers)
    return found


def _talkers(record: Record, sec: str) -> set[str]:
    """The people a 谈话人 cell names, with `书记` read as the secretary."""
    text = re.sub(r"[（(].*?[)）]", "", str(record["谈话人"] or ""))
    names = {n.removesuffix("同志") for n in split_names(text)}
    if sec and _by_secretary(record["谈话人"], sec):
        names.add(sec)
    return names


def _each_member(cfg: RuleSettings, ledgers: Ledgers, flagged: set[str]) -> list[Found]:
    """Every member (the secretary too) in at least `threshold` talks, as 谈话人 or 谈话对象."""
    sec = secretary(ledgers)
    rows = ledgers.of(LedgerKind.TALKS)
    unnamed = ledgers.activities("谈心谈话")
    counts: Counter = Counter()
    for r in rows:
        counts.update(_talkers(r, sec) | set(r["谈话对象"] or ()))
    everyone = year_end_members(ledgers)
    members = [m for m in everyone if m["姓名"] not in flagged]
    short = [m for m in members if counts[m["姓名"]] < _needed(cfg.threshold)]
    if not short:
        return []
    names = [m["姓名"] for m in short]
    rule = EACH_MEMBER_TALKS
    if not rows and unnamed:
        # Talks logged only as 组织生活 rows name no one: say what cannot be verified.
        return [({"规则": rule, "说明": "谈心谈话未记录谈话人和谈话对象，无法核实每名党员参加谈心谈话的情况",
                  "涉及": names, "报告说明": "谈心谈话未记录谈话对象，无法核实是否覆盖全体党员"}, [*short, *unnamed])]
    if not rows and len(short) == len(everyone) > 1:
        return [({"规则": rule, "说明": "全年未开展谈心谈话", "涉及": names, "报告说明": "全年未开展谈心谈话"}, short)]
    what = "未参加谈心谈话" if cfg.threshold == 1 else f"参加谈心谈话不足{cfg.threshold}次"
    finding = {"规则": rule, "说明": f"{_join(names)}全年{what}", "涉及": names,
               "报告说明": f"有{len(names)}名党员全年{what}"}
    return [(finding, short)]


def committee(ledgers: Ledgers) -> list[Record]:
    """Year-end members whose 党内职务 makes them 支委 (书记, 副书记, 委员), the secretary aside."""
    sec = secretary(ledgers)
    return [m for m in year_end_members(ledgers) if m["姓名"] != sec
            and any(w in str(m["党内职务"] or "") for w in vocab.COMMITTEE_TITLES)]


def _secretary_committee(cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """The secretary talks with every other 支委 at least `threshold` times a year."""
    sec = secretary(ledgers)
    members = committee(ledgers)
    if not sec or not members or not ledgers.of(LedgerKind.TALKS):
        return []
    counts = Counter(n for r in ledgers.of(LedgerKind.TALKS) if _by_secretary(r["谈话人"], sec)
                     for n in set(r["谈话对象"] or ()))
    short = [m for m in members if counts[m["姓名"]] < _needed(cfg.threshold)]
    if not short:
        return []
    names = [m["姓名"] for m in short]
    what = "开展谈心谈话" if cfg.threshold == 1 else f"谈心谈话{cfg.threshold}次"
    finding = {"规则": SECRETARY_COMMITTEE_TALKS, "说明": f"支部书记全年未与支委{_join(names)}{what}", "涉及": names,
               "报告说明": f"支部书记全年未与{len(names)}名支委{what}"}
    return [(finding, [*short, ledgers.info_src["支部书记"]] if "支部书记" in ledgers.info_src else short)]


def _before_meeting(cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """Each 组织生活会 has talks (dated) from the start of the `before_meeting_months`-th month
    before it up to its day (a meeting on 18 February, 1 month: talks from 1 January). A window
    reaching into last year, whose talks are not in these ledgers, is not judged."""
    talks = [r for r in talk_records(ledgers) if r["日期"]]
    if not talks:
        return []
    missing = []
    for meeting in ledgers.activities("组织生活会"):
        day = meeting["日期"]
        months = day.year * 12 + day.month - 1 - cfg.before_meeting_months
        start = dt.date(months // 12, months % 12 + 1, 1)
        if start.year < ledgers.year or any(start <= t["日期"] <= day for t in talks):
            continue
        missing.append(meeting)
    if not missing:
        return []
    days = [f"{m['日期'].month}月{m['日期'].day}日" if m["日期"].year == ledgers.year
            else f"{m['日期'].year}年{m['日期'].month}月{m['日期'].day}日" for m in missing]
    span = f"当月及前{cfg.before_meeting_months}个月"
    finding = {"规则": BEFORE_MEETING_TALKS,
               "说明": f"{_join(days)}组织生活会{span}会前没有谈心谈话记录", "涉及": days,
               "报告说明": "组织生活会前未开展谈心谈话"}
    return [(finding, missing)]


def _secretary_all(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """The secretary talks with every other roster member at least `threshold` times a year.

    Only rows of 谈心谈话记录 whose 谈话人 is the secretary (by name or as 书记) count; when
    基本信息 names no secretary, every talk counts. Members who left the branch during the
    year (转出, 去世 …) are not expected; those who came in are.
    """
    sec = secretary(ledgers)
    targets = [m for m in year_end_members(ledgers) if m["姓名"] != sec]
    talks = [r for r in ledgers.of(LedgerKind.TALKS) if not sec or _by_secretary(r["谈话人"], sec)]
    counts = Counter(name for r in talks for name in set(r["谈话对象"] or ()))
    threshold = _needed(cfg.threshold)
    short = [m for m in targets if counts[m["姓名"]] < threshold]
    if not short:
        return []
    none = [m["姓名"] for m in short if counts[m["姓名"]] == 0]
    few = [m["姓名"] for m in short if counts[m["姓名"]] > 0]
    unnamed = ledgers.activities("谈心谈话")
    if not talks and unnamed:
        # Talks logged only as 组织生活 rows name no one: say what cannot be verified.
        parts = ["谈心谈话未记录谈话对象，无法核实支部书记与每名党员谈心谈话的情况"]
    elif len(none) == len(targets) > 1:
        parts = ["支部书记全年未与党员开展谈心谈话"]
    else:
        parts = [f"支部书记全年未与{_join(none)}开展谈心谈话"] if none else []
        parts += [f"{'' if none else '支部书记全年'}与{_join(few)}谈心谈话不足{threshold}次"] if few else []
    finding = {"说明": "，".join(parts), "涉及": [m["姓名"] for m in short],
               "报告说明": _talks_by_number(none, few, targets, threshold, bool(not talks and unnamed))}
    basis = [ledgers.info_src["支部书记"]] if "支部书记" in ledgers.info_src else []
    return [(finding, [*short, *basis, *(unnamed if not talks else ())])]


def _talks_by_number(none: list, few: list, targets: list, threshold: int, unnamed: bool) -> str:
    """The talks finding without names, for the report: `有2名党员全年未开展谈心谈话`."""
    if unnamed:
        return "谈心谈话未记录谈话对象，无法核实是否覆盖全体党员"
    if len(none) == len(targets) > 1:
        return "全年未与党员开展谈心谈话"
    parts = [f"有{len(none)}名党员全年未开展谈心谈话"] if none else []
    parts += [f"{'' if none else '有'}{len(few)}名党员谈心谈话不足{threshold}次"] if few else []
    return "，".join(parts)


def _by_secretary(talker, sec: str) -> bool:
    """Whether a 谈话人 cell names the secretary (`李明华`, `李明华、王建国`, `书记`, `书记李明华`)."""
    text = re.sub(r"[（(].*?[)）]", "", str(talker or ""))
    for name in split_names(text):
        name = name.removesuffix("同志")
        title = next((t for t in sorted(SECRETARY_TITLES, key=len, reverse=True)
                      if norm_key(name).startswith(t)), "")
        if name == sec or (title and name[len(title):] in ("", sec)):
            return True
    return False


def _dues(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """Each member with a standard pays every owed month in full and on time: by the month
    itself (按月) or by the end of its quarter (按季度). A 补交 counts for the months it covers;
    one more than `late_months` late is named. Missing `serious_months` running is serious."""
    members = {m["姓名"]: m for m in roster(ledgers)}
    rows: dict[str, list[Source]] = defaultdict(list)
    for name, _, _, src in dues_payments(ledgers):
        rows[name].append(src)
    standards = monthly_standards(ledgers)
    found = []
    for name, dues in dues_by_month(ledgers, cfg.pay_by == "按季度").items():
        finding = _dues_finding(name, dues, cfg)
        if finding is None:
            continue
        first = int(finding["涉及"][0].removesuffix("月"))
        sources = [standards[name][first][1], *rows[name], *([members[name]] if name in members else [])]
        found.append((finding, sources))
    return found


def _due_by(month: int, cfg: RuleSettings) -> int:
    """The month by whose end a month's dues are to be paid."""
    return (month - 1) // 3 * 3 + 3 if cfg.pay_by == "按季度" else month


def _on_time(due: MonthDue, cfg: RuleSettings) -> bool:
    return due.settled is not None and due.settled <= _due_by(due.month, cfg)


def _months(months: list[int]) -> str:
    """`3月`, `3月、5月`, `3月至6月` (a run of three or more)."""
    parts = []
    for run in _runs(months):
        parts += [f"{run[0]}月至{run[-1]}月"] if len(run) >= 3 else [f"{m}月" for m in run]
    return _join(parts)


def _dues_finding(name: str, dues: list[MonthDue], cfg: RuleSettings) -> dict | None:
    """`张某某2月、3月未缴纳党费`; short payments (`少缴`), 补交 more than `late_months` late and
    a run of `serious_months` or more months not paid on time (党章第九条) are told too."""
    missed = [d.month for d in dues if d.unpaid]
    short = [d for d in dues if d.short]
    # month -> the month it was settled in, for 补交 more than `late_months` late
    late = {d.month: d.settled for d in dues
            if d.settled is not None and d.settled - _due_by(d.month, cfg) > _needed(cfg.late_months)}
    # 党章第九条 is about not paying: a month paid in part is short, not unpaid.
    not_paid = [d.month for d in dues if d.unpaid or (d.settled is not None and not _on_time(d, cfg))]
    serious = [run for run in _runs(not_paid) if len(run) >= _needed(cfg.serious_months)]
    if not (missed or short or late or serious):
        return None
    involved = sorted({*missed, *(d.month for d in short), *late, *(m for r in serious for m in r)})
    finding: dict = {"说明": "", "涉及": [f"{m}月" for m in involved], "姓名": name}
    if len(missed) == len(dues) == 12 and serious:
        finding["说明"] = f"{name}全年未缴纳党费，属于应予严肃处理的情形"
    else:
        in_runs = {m for run in serious for m in run}
        parts = []
        others = [m for m in missed if m not in in_runs]
        if others:
            parts.append(f"{_join(f'{m}月' for m in others)}未缴纳党费")
        if short:
            parts.append(_short_note([(d.month, d.standard, d.paid) for d in short]))
        for run in serious:
            unpaid = [m for m in run if m in missed]
            if len(unpaid) == len(run):
                parts.append(f"连续{len(run)}个月（{run[0]}月至{run[-1]}月）未缴纳党费")
            else:
                still = f"（其中{_months(unpaid)}至年底仍未缴纳）" if unpaid else ""
                parts.append(f"连续{len(run)}个月（{run[0]}月至{run[-1]}月）未按时缴纳党费{still}")
        by_settled: dict[int, list[int]] = defaultdict(list)
        for month, settled in late.items():
            by_settled[settled].append(month)
        for paid_in, months in by_settled.items():
            parts.append(f"{_months(months)}党费于{paid_in}月补交，超过{cfg.late_months}个月")
        finding["说明"] = name + "，".join(parts) + ("，属于应予严肃处理的情形" if serious else "")
    if short:
        finding["少缴"] = True
    if serious:
        finding["严重"] = True
        # Six months without dues is 自行脱党 under the 党章, not a matter of the dues rules.
        finding["依据"] = f"{CONSTITUTION}第九条"
        finding["依据类别"] = CHARTER
    return finding


def _short_note(under: list[tuple[int, float, float]]) -> str:
    """`3月、4月实缴少于缴纳标准（标准80元，实缴1元）`; several amounts are listed. A standard
    that changed during the year is named with each month (`3月（标准80元，实缴1元）、…`)."""
    from pipeline.core.cnfmt import money

    if len({std for _, std, _ in under}) > 1:
        months = _join(f"{m}月（标准{money(std)}元，实缴{money(p)}元）" for m, std, p in under)
        return f"{months}实缴少于缴纳标准"
    standard = under[0][1]
    paid = _join(dict.fromkeys(f"{money(p)}元" for _, _, p in under))
    return (f"{_join(f'{m}月' for m, _, _ in under)}实缴少于缴纳标准"
            f"（标准{money(standard)}元，实缴{paid}）")


def _runs(months: list[int]) -> list[list[int]]:
    """Consecutive months grouped: [2, 3, 7] -> [[2, 3], [7]]."""
    runs: list[list[int]] = []
    for m in months:
        if runs and runs[-1][-1] == m - 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def _study(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """At least `threshold` study-note checks a quarter (by 检查日期, else the 季度 column)."""
    counts = Counter({q: len(days) for q, days in check_occasions(ledgers).items()})
    return _shortfall(rule, _needed(cfg.threshold), counts, ledgers.of(LedgerKind.STUDY))


def _groups(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """党小组会 each month in every 党小组. Rows name their group in 党小组; when no row does (an
    old ledger without the column) the branch is judged as a whole; a row without a group counts
    for the group only where the branch has one."""
    rows = ledgers.activities(rule.counted)
    groups = party_groups(ledgers)
    if not any(r["党小组"] for r in rows):
        return _count(rule, cfg, ledgers)
    found = []
    keys = {norm_key(g): g for g in groups}
    for group in groups:
        mine = [r for r in rows if keys.get(norm_key(r["党小组"] or "")) == group
                or (not r["党小组"] and len(groups) == 1)]
        counts = _by_period(Counter(r["日期"] for r in mine), rule.period)
        for finding, sources in _shortfall(rule, _needed(cfg.threshold), counts, mine):
            finding["说明"] = group + finding["说明"]
            finding["党小组"] = group
            found.append((finding, sources))
    return found


def _quorum(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """A 党员大会 with 应到人数 needs more than half of them present (实到人数 > 应到人数 / 2)."""
    short = []
    for r in ledgers.activities(rule.counted):
        due, came = r.values.get("应到人数"), r.values.get("实到人数")
        if due and came is not None and came * 2 <= due:
            short.append(r)
    if not short:
        return []
    days = [f"{r['日期'].month}月{r['日期'].day}日" for r in short]
    parts = [f"{d}党员大会应到{r['应到人数']}人、实到{r['实到人数']}人" for d, r in zip(days, short)]
    finding = {"说明": "，".join(parts) + "，到会人数未超过应到人数的一半", "涉及": days,
               "报告说明": f"{len(short)}次党员大会到会人数未超过半数"}
    return [(finding, short)]


def _secretary_lesson(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """The secretary gives at least `threshold` 党课 a year (主讲人类别 书记, or 主讲人 names them)."""
    sec = secretary(ledgers)
    rows = ledgers.activities(rule.counted)
    threshold = _needed(cfg.threshold)
    said: dict[str, bool] = {}  # the same few 主讲人 cells recur all year
    given = 0
    for r in rows:
        values = r.values
        speaker = values.get("主讲人")
        if values.get("主讲人类别") == "书记" or (sec and speaker and (
                said[speaker] if speaker in said else said.setdefault(speaker, _by_secretary(speaker, sec)))):
            given += 1
            if given >= threshold:
                return []  # enough: how many more does not change the finding
    note = "支部书记全年未讲党课" if not given else f"支部书记全年讲党课{given}次，不足{cfg.threshold}次"
    basis = [ledgers.info_src["支部书记"]] if "支部书记" in ledgers.info_src else []
    return [({"说明": note, "涉及": ["全年"]}, [*rows, *basis])]


def _attendance_rows(ledgers: Ledgers) -> list[Record]:
    """组织生活 every member is expected at, with 参加人员 or 缺席人员 filled in (found once:
    whether to check absence and the check itself both ask)."""
    if "attendance" in ledgers.cache:
        return ledgers.cache["attendance"]
    out: list[Record] = []
    ledgers.cache["attendance"] = out
    possible = ledgers.fields.get(LedgerKind.ACTIVITIES)
    if possible is not None and not possible & {"缺席人员", "参加人员"}:
        return out  # no sheet has either column: most ledgers record neither
    members = {m["姓名"] for m in roster(ledgers)}
    for t in vocab.ALL_MEMBER_ACTIVITIES:
        for r in ledgers.activities(t):
            values = r.values
            if "缺席人员" not in values and "参加人员" not in values:
                continue  # most ledgers record neither: nothing to learn from the row
            if values["日期"].year == ledgers.year and (values.get("缺席人员") or _names_present(r, members)):
                out.append(r)
    return out


def _names_present(row: Record, members: set[str]) -> bool:
    """A 参加人员 cell that names someone on the roster (or 全体党员); `7人` names no one."""
    present = _bare_names(row["参加人员"])
    return bool(present & members) or any(p in vocab.ALL_MEMBERS for p in present)


def _attended(row: Record, name: str, members: set[str]) -> bool:
    """Whether a row shows `name` present: listed in 参加人员 (or 全体党员), else not listed in
    缺席人员 (`张一（病假）` names 张一)."""
    if _names_present(row, members):
        present = _bare_names(row["参加人员"])
        return name in present or any(p in vocab.ALL_MEMBERS for p in present)
    return name not in _bare_names(row["缺席人员"])


@functools.lru_cache(maxsize=4096)
def _bare_names(names: tuple[str, ...] | None) -> frozenset[str]:
    """Names without a remark in brackets (`张一（病假）` -> 张一); the same cells recur all year."""
    return frozenset(_REMARK.sub("", n).strip() for n in names or ())


_REMARK = re.compile(r"[（(].*?[)）]")


def _expected_at(row: Record, group: str | None) -> bool:
    """Whether a member of `group` is expected at this 组织生活: another group's 党小组会 is not theirs."""
    return not (row["类型"] == "党小组会" and row["党小组"] and group and norm_key(row["党小组"]) != norm_key(group))


def _absence(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """No member misses 组织生活 for `absent_months` months running (党章第九条).

    A month counts as missed when the member was in the branch, at least one 组织生活 they were
    expected at records who attended (参加人员) or who did not (缺席人员), and none lists them
    as present. A month with no such record says nothing and breaks a run.
    """
    rows = _attendance_rows(ledgers)
    spans = memberships(ledgers)
    everyone = set(spans)
    by_month: dict[int, list[Record]] = defaultdict(list)
    for r in rows:
        by_month[r["日期"].month].append(r)
    found = []
    for member in year_end_members(ledgers) + [m for m in roster(ledgers) if spans[m["姓名"]].left]:
        name = member["姓名"]
        months = spans[name].months
        group = member["党小组"]
        missed = []
        for m in months:
            held = [r for r in by_month[m] if _expected_at(r, group)]
            if held and not any(_attended(r, name, everyone) for r in held):
                missed.append(m)
        runs = [run for run in _runs(missed) if len(run) >= _needed(cfg.absent_months)]
        if not runs:
            continue
        note = name + "，".join(f"连续{len(run)}个月（{run[0]}月至{run[-1]}月）未参加组织生活" for run in runs)
        finding = {"说明": note, "涉及": [f"{m}月" for run in runs for m in run], "姓名": name,
                   "报告说明": f"有党员连续{cfg.absent_months}个月以上未参加组织生活"}
        found.append((finding, [member, *(r for run in runs for m in run for r in by_month[m] if _expected_at(r, group))]))
    if len(found) > 1:
        for finding, _ in found:
            finding["报告说明"] = f"有{len(found)}名党员连续{cfg.absent_months}个月以上未参加组织生活"
    return found


_EXTENDED = ("延长预备期", "延期转正", "延长预备")


def _probation(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """A 预备党员 whose year of probation (from 入党时间) ended before December of the report
    year and whose 转正时间 is blank: 转正 not discussed on time (党章第七条). A 备注 that says
    the probation was extended (延长预备期) is respected."""
    year = ledgers.year
    late = []
    for m in year_end_members(ledgers):
        joined = m["入党时间"]
        if m["人员类别"] != "预备党员" or not joined or m["转正时间"]:
            continue
        if any(w in str(m["备注"] or "") for w in _EXTENDED):
            continue
        if (joined[0] + 1, joined[1]) < (year, 12):
            late.append(m)
    if not late:
        return []
    parts = [f"{m['姓名']}{m['入党时间'][0]}年{m['入党时间'][1]}月入党，预备期已于{m['入党时间'][0] + 1}年"
             f"{m['入党时间'][1]}月届满，名册未记载转正" for m in late]
    names = [m["姓名"] for m in late]
    finding = {"说明": "；".join(parts), "涉及": names,
               "报告说明": f"{len(late)}名预备党员预备期满未记载按期转正"}
    return [(finding, late)]


def _term(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """The 支部委员会 is re-elected when its term ends: 本届任期起始 plus term_years (村、社区:
    village_term_years, by 支部类型) falling in or before December of the report year."""
    start = ledgers.info["本届任期起始"]
    kind = str(ledgers.info.get("支部类型") or "")
    village = any(w in kind for w in vocab.VILLAGE_WORDS)
    years = cfg.village_term_years if village else cfg.term_years
    end = (start[0] + years, start[1])
    if end > (ledgers.year, 12):
        return []
    note = (f"基本信息中本届任期起始为{start[0]}年{start[1]}月，任期{years}年，已于{end[0]}年{end[1]}月届满，"
            "未记载换届")
    sources = [ledgers.info_src[k] for k in ("本届任期起始", "支部类型") if k in ledgers.info_src]
    return [({"说明": note, "涉及": [f"{end[0]}年{end[1]}月"], "报告说明": "支部委员会任期已满，未按期换届"}, sources)]


CHECKERS = {"count": _count, "theme_day": _theme_day, "talks": _talks, "dues": _dues, "study": _study,
            "groups": _groups, "quorum": _quorum, "secretary_lesson": _secretary_lesson, "absence": _absence,
            "probation": _probation, "term": _term, "rectify": rectify.overdue}
