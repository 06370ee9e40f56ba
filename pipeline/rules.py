"""Rule checks (检查发现): the year's records measured against the rules of branch life.

RULES is the one table of rules: what is counted, per which period, the default threshold,
when the rule applies and the source every finding cites. Rules own their settings (RuleSettings,
Settings below); settings.py only reads pipeline.toml into them, so it imports this module and
never the other way. Each rule kind has one small checker below.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import rectify, vocab
from pipeline.aggregate import check_occasions, dues_gaps, dues_short, full_members, months_due, roster, secretary, year_end_members
from pipeline.normalise import Ledgers, Record, Source, dues_payments
from pipeline.values import norm_key, split_names

if TYPE_CHECKING:
    from pipeline.aggregate import Provenance

MONTH, QUARTER, YEAR = "month", "quarter", "year"
REGULATIONS = "《中国共产党支部工作条例（试行）》"
DUES_REGULATIONS = "《关于中国共产党党费收缴、使用和管理的规定》"


@dataclass(frozen=True)
class Rule:
    """One rule: its defaults here, its overrides in pipeline.toml under [rules."<id>"]."""

    id: str  # its name in pipeline.toml
    name: str  # 规则 of its findings
    check: str  # the checker: count, theme_day, talks, dues, study
    counted: str  # the activity type (组织生活台账.类型) or ledger kind counted
    action: str  # what is done, for sentences: 召开支委会 -> `5月未召开支委会`
    period: str  # month, quarter or year
    threshold: int | None  # minimum per period (per member for talks); None: not settable
    source: str  # 依据 of every finding; `{deadline_day}` is filled in from the settings
    applies: str = ""  # "": always; full_members: ≥ min_full_members 正式党员; party_groups
    options: dict = field(default_factory=dict)  # further settable numbers and their defaults


RULES: tuple[Rule, ...] = (
    Rule("支委会", "支委会每月召开", "count", "支委会", "召开支委会", MONTH, 1,
         f"{REGULATIONS}第十二条", applies="full_members", options={"min_full_members": 7}),
    Rule("党员大会", "党员大会每季度召开", "count", "党员大会", "召开党员大会", QUARTER, 1,
         f"{REGULATIONS}第十一条"),
    Rule("党小组会", "党小组会每月召开", "count", "党小组会", "召开党小组会", MONTH, 1,
         f"{REGULATIONS}第十三条", applies="party_groups"),
    Rule("党课", "党课每季度开展", "count", "党课", "讲党课", QUARTER, 1,
         "“三会一课”制度及本地有关规定"),
    Rule("主题党日", "主题党日每月开展", "theme_day", "主题党日", "开展主题党日", MONTH, 1,
         "主题党日每月相对固定1天开展，每月{deadline_day}日前完成当月组织生活",
         options={"deadline_day": 10}),
    Rule("组织生活会", "组织生活会每年召开", "count", "组织生活会", "召开组织生活会", YEAR, 1,
         REGULATIONS),
    Rule("民主评议党员", "民主评议党员每年开展", "count", "民主评议党员", "开展民主评议党员", YEAR, 1,
         REGULATIONS),
    Rule("谈心谈话", "谈心谈话全覆盖", "talks", "谈心谈话记录", "开展谈心谈话", YEAR, 1, REGULATIONS),
    Rule("党费", "党费按月缴纳", "dues", vocab.DUES_WIDE, "缴纳党费", MONTH, None, DUES_REGULATIONS,
         options={"serious_months": 6}),
    Rule("学习笔记检查", "学习笔记每季度检查", "study", "学习笔记检查", "开展学习笔记检查", QUARTER, 1,
         "每季度对党员学习笔记进行调阅检查的制度"),
    Rule("整改", "整改按期完成", "rectify", "整改台账", "完成整改", YEAR, None,
         "上年度查摆问题应按整改时限整改到位", applies="rectify"),
)

RULE_BY_ID = {rule.id: rule for rule in RULES}


@dataclass(frozen=True)
class RuleSettings:
    """One rule's settings after the project file is applied (None: not used by the rule)."""

    enabled: bool = True
    threshold: int | None = None
    source: str = ""
    deadline_day: int | None = None
    min_full_members: int | None = None
    serious_months: int | None = None

    @classmethod
    def default(cls, rule: Rule) -> RuleSettings:
        return cls(enabled=True, threshold=rule.threshold, source=rule.source, **rule.options)


def default_settings() -> dict[str, RuleSettings]:
    """Every rule's defaults by rule id."""
    return {rule.id: RuleSettings.default(rule) for rule in RULES}


@dataclass(frozen=True)
class Settings:
    """Every rule's settings by rule id (the ids of RULES), and the file they came from."""

    rules: dict[str, RuleSettings] = field(default_factory=default_settings)
    path: Path | None = None

EACH = {MONTH: "各月", QUARTER: "各季度", YEAR: "全年"}
# Who may be named as 谈话人 for the secretary besides their name.
SECRETARY_TITLES = ("书记", "支部书记", "党支部书记")
ALL_MET = "经对全年台账核查，“三会一课”、主题党日、谈心谈话、党费收缴等制度均按规定落实。"

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
            finding = {"规则": finding.pop("规则", rule.name), **finding,
                       "依据": cfg.source.replace("{deadline_day}", str(cfg.deadline_day))}
            provenance.add(f"检查发现.{len(findings)}", [*sources, *basis])
            provenance.add("检查发现", [*sources, *basis])
            findings.append(finding)
    return findings


_OPTION_NAMES = {"deadline_day": "截止日", "min_full_members": "正式党员人数下限", "serious_months": "严重连续月数"}
_PERIOD_NAMES = {MONTH: "每月", QUARTER: "每季度", YEAR: "每年"}


def applied(config: Settings | None, ledgers: Ledgers, metrics: dict) -> dict[str, dict]:
    """Every rule with its numbers, for metrics.json (`检查规则`) and templates: `启用` (on in
    pipeline.toml), `适用` (支委会 needs 7 正式党员, 党小组会 a roster with 党小组), `已检查`, and
    `未检查原因` when it was not checked."""
    out = {}
    for rule in RULES:
        cfg = _settings_of(config, rule)
        applies = _applies(rule, cfg, ledgers, metrics)[0]
        why = _not_checked(rule, cfg, applies, ledgers)
        entry = {"规则": rule.name, "周期": _PERIOD_NAMES[rule.period], "启用": cfg.enabled, "适用": applies,
                 "已检查": not why, "依据": cfg.source.replace("{deadline_day}", str(cfg.deadline_day))}
        if why:
            entry["未检查原因"] = why
        if cfg.threshold is not None:
            entry["最少次数"] = cfg.threshold
        for key, label in _OPTION_NAMES.items():
            if getattr(cfg, key) is not None:
                entry[label] = getattr(cfg, key)
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
        return "党员名册中没有党小组，不适用"
    kinds = _ledger_kinds(rule, ledgers)
    if rule.check == "talks" and kinds == ("组织生活台账",) and not ledgers.activities("谈心谈话"):
        return "没有谈心谈话记录"
    if not any(k in ledgers.records for k in kinds):
        return f"没有{_KIND_NAMES.get(kinds[0], kinds[0])}"
    if any(k in ledgers.incomplete for k in kinds):
        return f"{_KIND_NAMES.get(kinds[0], kinds[0])}中有错误行，改正后才能检查"
    if rule.check == "dues" and not months_due(ledgers):
        return "党费台账中没有填写缴纳标准"
    return ""


_KIND_NAMES = {vocab.DUES_WIDE: "党费收缴台账"}


def _ledger_kinds(rule: Rule, ledgers: Ledgers) -> tuple[str, ...]:
    if rule.check in ("count", "theme_day"):
        return ("组织生活台账",)
    if rule.check == "talks":
        return ("谈心谈话记录",) if "谈心谈话记录" in ledgers.records else ("组织生活台账",)
    if rule.check == "dues":
        return (vocab.DUES_WIDE, vocab.DUES_LONG)
    return (rule.counted,)


# What the all-met sentence may name, and the rules behind each name.
MET_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("“三会一课”", ("支委会", "党员大会", "党小组会", "党课")),
    ("主题党日", ("主题党日",)),
    ("谈心谈话", ("谈心谈话",)),
    ("党费收缴", ("党费",)),
    ("组织生活会", ("组织生活会",)),
    ("学习笔记检查", ("学习笔记检查",)),
)


def met_sentence(checked: dict | None) -> str:
    """The all-met sentence, naming only what was checked (nothing checked: no sentence)."""
    if checked is None:
        return ALL_MET
    names = [name for name, ids in MET_NAMES if any((checked.get(i) or {}).get("已检查") for i in ids)]
    if not names:
        return ""
    return f"经对全年台账核查，{'、'.join(names[:4])}等制度均按规定落实。"


def evidence_sentence(findings: list[dict], checked: dict | None = None) -> str:
    """Section 二's evidence: the findings in one sentence, or that every checked rule was met.

    Findings about named members are told by number (`2名党员…`): a 述职报告 is read aloud
    at the 评议 meeting; the names stay in 校验报告 and metrics.json.
    """
    notes: list[str] = []
    dues = [f for f in findings or [] if f.get("规则") == RULE_BY_ID["党费"].name]
    for f in findings or []:
        if f in dues:
            if f is dues[0]:
                notes.append(_dues_summary(dues))
            continue
        notes.append(str(f.get("报告说明") or f.get("说明") or "").strip().rstrip("。；;，, "))
    notes = [n for n in notes if n]
    if not notes:
        return met_sentence(checked)
    return "经对全年台账核查，" + "；".join(notes) + "。"


def _dues_summary(dues: list[dict]) -> str:
    serious = [f for f in dues if f.get("严重")]
    missed = [f for f in dues if not f.get("少缴") or "未缴纳" in f.get("说明", "")]
    under = [f for f in dues if f.get("少缴")]
    parts = [f"{len(missed)}名党员存在未按月缴纳党费的情况"] if missed else []
    parts += [f"{len(under)}名党员存在未足额缴纳党费的情况"] if under else []
    text = "，".join(parts)
    if serious:
        text += f"，其中{len(serious)}名连续多月未缴纳" if len(missed) > 1 else "，且连续多月未缴纳"
    return text


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
        return bool(ledgers.of("整改台账")), []
    if rule.applies == "party_groups":
        grouped = [m for m in members if m["党小组"]]
        return bool(grouped), grouped
    return True, []


# ---------------------------------------------------------------- periods and sentences

def _periods(period: str) -> list[tuple[int, str]]:
    if period == MONTH:
        return [(m, f"{m}月") for m in range(1, 13)]
    if period == QUARTER:
        return list(enumerate(vocab.QUARTERS, 1))
    return [(1, "全年")]


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
    counts = Counter(_period_of(r["日期"], rule.period) for r in rows)
    return _shortfall(rule, _needed(cfg.threshold), counts, rows)


def _theme_day(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """主题党日: held every month, and the month's first one by `deadline_day`."""
    rows = ledgers.activities(rule.counted)
    found = _count(rule, cfg, ledgers)
    by_month: dict[int, list[Record]] = defaultdict(list)
    for r in rows:
        by_month[r["日期"].month].append(r)
    late = {m: min(r["日期"] for r in rs) for m, rs in sorted(by_month.items())
            if min(r["日期"] for r in rs).day > cfg.deadline_day}
    if late:
        months = [f"{m}月" for m in late]
        days = _join(f"{d.month}月{d.day}日" for d in late.values())
        finding = {"规则": f"{rule.counted}按时开展",
                   "说明": f"{_join(months)}{rule.counted}在{cfg.deadline_day}日后召开（{days}）",
                   "涉及": months}
        found.append((finding, [r for m in late for r in by_month[m]]))
    return found


def _talks(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """The secretary talks with every other roster member at least `threshold` times a year.

    Only rows of 谈心谈话记录 whose 谈话人 is the secretary (by name or as 书记) count; when
    基本信息 names no secretary, every talk counts. Members who left the branch during the
    year (转出, 去世 …) are not expected; those who came in are.
    """
    sec = secretary(ledgers)
    targets = [m for m in year_end_members(ledgers) if m["姓名"] != sec]
    talks = [r for r in ledgers.of("谈心谈话记录") if not sec or _by_secretary(r["谈话人"], sec)]
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
    """Each member with a standard pays, in full, every month of membership; long gaps are serious."""
    members = {m["姓名"]: m for m in roster(ledgers)}
    rows: dict[str, list[Source]] = defaultdict(list)
    for name, _, _, src in dues_payments(ledgers):
        rows[name].append(src)
    gaps, short = dues_gaps(ledgers), dues_short(ledgers)
    found = []
    where: Source | None  # the dues row behind the finding
    for name in dict.fromkeys([*gaps, *short]):
        missed, where = gaps.get(name) or ([], None)
        under, where = short.get(name, ([], where))
        finding = _dues_finding(name, missed, _needed(cfg.serious_months)) if missed else {"说明": "", "涉及": [], "姓名": name}
        if under:
            note = _short_note(under)
            finding["说明"] = f"{finding['说明']}，{note}" if finding["说明"] else f"{name}{note}"
            finding["涉及"] = sorted(set(finding["涉及"]) | {f"{m}月" for m, _, _ in under},
                                   key=lambda x: int(x[:-1]))
            finding["少缴"] = True
        sources = [where, *rows[name], *([members[name]] if name in members else [])]
        found.append((finding, sources))
    return found


def _short_note(under: list[tuple[int, float, float]]) -> str:
    """`3月、4月实缴少于缴纳标准（标准80元，实缴1元）`; several amounts are listed. A standard
    that changed during the year is named with each month (`3月（标准80元，实缴1元）、…`)."""
    from pipeline.cnfmt import money

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


def _dues_finding(name: str, missed: list[int], serious_months: int) -> dict:
    """`张某某2月、3月未缴纳党费`; a run of `serious_months` or more is flagged as serious."""
    serious = [run for run in _runs(missed) if len(run) >= serious_months]
    finding: dict[str, Any] = {"说明": "", "涉及": [f"{m}月" for m in missed], "姓名": name}
    if not serious:
        finding["说明"] = f"{name}{_join(f'{m}月' for m in missed)}未缴纳党费"
        return finding
    if len(missed) == 12:
        note = f"{name}全年未缴纳党费"
    else:
        others = [m for m in missed if not any(m in run for run in serious)]
        parts = [f"{_join(f'{m}月' for m in others)}未缴纳党费"] if others else []
        parts += [f"连续{len(run)}个月（{run[0]}月至{run[-1]}月）未缴纳党费" for run in serious]
        note = name + "，".join(parts)
    finding["说明"] = note + "，属于应予严肃处理的情形"
    finding["严重"] = True
    return finding


def _study(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """At least `threshold` study-note checks a quarter (by 检查日期, else the 季度 column)."""
    counts = Counter({q: len(days) for q, days in check_occasions(ledgers).items()})
    return _shortfall(rule, _needed(cfg.threshold), counts, ledgers.of("学习笔记检查"))


CHECKERS = {"count": _count, "theme_day": _theme_day, "talks": _talks, "dues": _dues, "study": _study,
            "rectify": rectify.overdue}
