"""Checkers of activities held: meetings and 党课 counted per period, 主题党日 on time, 党小组会 in
every group, a 党员大会's quorum, the secretary's 党课, and study-note checks."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from pipeline.core import vocab
from pipeline.core.names import LedgerKind
from pipeline.core.values import norm_key, split_names
from pipeline.facts.aggregate import check_occasions, secretary
from pipeline.facts.membership import year_end_members
from pipeline.reading.records import Ledgers
from pipeline.rules.periods import by_period, join, shortfall
from pipeline.rules.rule import LOCAL, REGULATIONS, Finding, Found, Rule, RuleSettings, needed
from pipeline.rules.talks import by_secretary

# The 规则 of a late 主题党日's finding (its 规则编号 is the rule's id).
LATE_THEME_DAY = "主题党日按时开展"


def count(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """At least `threshold` activities of a type in every month, quarter or the year."""
    rows = ledgers.activities(rule.counted)
    return shortfall(rule, needed(cfg.threshold), by_period(ledgers.days(rule.counted), rule.period), rows)


def theme_day(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """主题党日: held every month, and the month's first one by `deadline_day`."""
    rows = ledgers.activities(rule.counted)
    found = count(rule, cfg, ledgers)
    first: dict[int, dt.date] = {}  # month -> the day of its first 主题党日
    for day in sorted(ledgers.days(rule.counted), reverse=True):
        first[day.month] = day
    deadline = needed(cfg.deadline_day)
    late = {m: day for m, day in sorted(first.items()) if day.day > deadline}
    if late:
        months = [f"{m}月" for m in late]
        days = join(f"{d.month}月{d.day}日" for d in late.values())
        # The 条例 fixes one day a month; a day of the month is local practice.
        finding = Finding(f"{join(months)}{rule.counted}在{cfg.deadline_day}日后召开（{days}）", months,
                          rule=LATE_THEME_DAY, source=f"本地主题党日制度（每月{cfg.deadline_day}日前开展；"
                                                      f"{REGULATIONS}第十六条：每月相对固定1天开展主题党日）",
                          source_kind=LOCAL)
        found.append((finding, [r for r in rows if r.values["日期"].month in late]))
    return found


def party_groups(ledgers: Ledgers) -> list[str]:
    """The branch's 党小组: named in 基本信息 (`第一党小组、第二党小组`), else on the roster.
    基本信息 `无` (or 否) says the branch has none."""
    said = split_names(ledgers.info.get("党小组") or "")
    if said and norm_key(said[0]) in {norm_key(w) for w in vocab.NO} | {"无", "没有", "未设"}:
        return []
    if said:
        return list(dict.fromkeys(said))
    return list(dict.fromkeys(m["党小组"] for m in year_end_members(ledgers) if m["党小组"]))


def groups(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """党小组会 each month in every 党小组. Rows name their group in 党小组; when no row does (an
    old ledger without the column) the branch is judged as a whole; a row without a group counts
    for the group only where the branch has one."""
    rows = ledgers.activities(rule.counted)
    named = party_groups(ledgers)
    if not any(r["党小组"] for r in rows):
        return count(rule, cfg, ledgers)
    found = []
    keys = {norm_key(g): g for g in named}
    for group in named:
        mine = [r for r in rows if keys.get(norm_key(r["党小组"] or "")) == group
                or (not r["党小组"] and len(named) == 1)]
        counts = by_period(Counter(r["日期"] for r in mine), rule.period)
        for finding, sources in shortfall(rule, needed(cfg.threshold), counts, mine):
            found.append((replace(finding, note=group + finding.note, group=group), sources))
    return found


def quorum(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
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
    finding = Finding("，".join(parts) + "，到会人数未超过应到人数的一半", days,
                      report_note=f"{len(short)}次党员大会到会人数未超过半数")
    return [(finding, short)]


def secretary_lesson(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """The secretary gives at least `threshold` 党课 a year (主讲人类别 书记, or 主讲人 names them)."""
    sec = secretary(ledgers)
    rows = ledgers.activities(rule.counted)
    threshold = needed(cfg.threshold)
    said: dict[str, bool] = {}  # the same few 主讲人 cells recur all year
    given = 0
    for r in rows:
        values = r.values
        speaker = values.get("主讲人")
        if values.get("主讲人类别") == "书记" or (sec and speaker and (
                said[speaker] if speaker in said else said.setdefault(speaker, by_secretary(speaker, sec)))):
            given += 1
            if given >= threshold:
                return []  # enough: how many more does not change the finding
    note = "支部书记全年未讲党课" if not given else f"支部书记全年讲党课{given}次，不足{cfg.threshold}次"
    basis = [ledgers.info_src["支部书记"]] if "支部书记" in ledgers.info_src else []
    return [(Finding(note, ["全年"]), [*rows, *basis])]


def study(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """At least `threshold` study-note checks a quarter (by 检查日期, else the 季度 column)."""
    counts = Counter({q: len(days) for q, days in check_occasions(ledgers).items()})
    return shortfall(rule, needed(cfg.threshold), counts, ledgers.of(LedgerKind.STUDY))
