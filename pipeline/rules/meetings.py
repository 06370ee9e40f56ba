"""Checkers of activities held: meetings and 党课 counted per period, 主题党日 on time and on a
fixed day, 党小组会 in every group, the quorum of a 党员大会 (members with a vote) and of a 支委会
(its 委员), the secretary's 党课, and study-note checks."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

from pipeline.core import vocab
from pipeline.core.names import LedgerKind
from pipeline.core.values import norm_key, split_names
from pipeline.facts.aggregate import check_occasions, secretary
from pipeline.facts.membership import memberships, roster, year_end_members
from pipeline.reading.records import Ledgers, Record
from pipeline.rules.periods import by_period, join, shortfall
from pipeline.rules.rule import Finding, Found, Rule, RuleSettings, bare_names, needed
from pipeline.rules.talks import by_secretary, committee_all


def count(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """At least `threshold` activities of a type in every month, quarter or the year."""
    rows = ledgers.activities(rule.counted)
    return shortfall(rule, needed(cfg.threshold), by_period(ledgers.days(rule.counted), rule.period), rows)


def theme_day_deadline(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """主题党日 by `deadline_day`: the month's first one on or before that day (本地规定: the 条例
    fixes one day a month, not which)."""
    rows = ledgers.activities(rule.counted)
    first = _first_days(ledgers, rule.counted)
    deadline = needed(cfg.deadline_day)
    late = {m: day for m, day in sorted(first.items()) if day.day > deadline}
    if not late:
        return []
    months = [f"{m}月" for m in late]
    days = join(f"{d.month}月{d.day}日" for d in late.values())
    finding = Finding(f"{join(months)}{rule.counted}在{cfg.deadline_day}日后召开（{days}）", months,
                      report_note=f"{len(late)}个月的主题党日晚于当月{cfg.deadline_day}日开展（{days}）")
    return [(finding, [r for r in rows if r.values["日期"].month in late])]


def _first_days(ledgers: Ledgers, kind: str) -> dict[int, dt.date]:
    """Month -> the day of its first activity of `kind`."""
    first: dict[int, dt.date] = {}
    for day in sorted(ledgers.days(kind), reverse=True):
        first[day.month] = day
    return first


def theme_day_fixed(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """主题党日 on a relatively fixed day (条例第十六条 “以每月相对固定1天”; how fixed is local):
    a month whose first 主题党日 is more than `spread_days` from the year's most usual day."""
    first = _first_days(ledgers, rule.counted)
    if len(first) < 2:
        return []
    usual = Counter(d.day for d in first.values()).most_common(1)[0][0]
    spread = needed(cfg.spread_days)
    off = {m: d for m, d in sorted(first.items()) if abs(d.day - usual) > spread}
    if not off:
        return []
    days = join(f"{d.month}月{d.day}日" for d in off.values())
    finding = Finding(f"主题党日多在每月{usual}日前后开展，{days}偏离{spread}日以上", [f"{m}月" for m in off],
                      report_note=f"主题党日开展时间不够固定，{len(off)}个月偏离每月{usual}日{spread}日以上")
    return [(finding, [r for r in ledgers.activities(rule.counted) if r.values["日期"].month in off])]


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


def voting_members(ledgers: Ledgers, day: dt.date) -> list[Record] | None:
    """The members with a vote on `day` (正式党员 in the branch that month: a blank 人员类别
    counts as 正式, a 预备党员 from the month of their 转正时间), or None without a roster."""
    members = roster(ledgers)
    if not members:
        return None
    spans = memberships(ledgers)
    out = []
    for m in members:
        if day.year == ledgers.year and day.month not in spans[m["姓名"]].months:
            continue
        full = m["人员类别"] in (None, "正式党员")
        passed = m["转正时间"]
        if m["人员类别"] == "预备党员" and passed and tuple(passed[:2]) <= (day.year, day.month):
            full = True
        if full:
            out.append(m)
    return out


def _present_voters(row: Record, voters: list[Record], everyone: set[str]) -> tuple[int, int] | None:
    """(least, most) members with a vote present at a meeting: counted from 参加人员 or 缺席人员
    when they name members, else bounded by 实到人数 (all of them may have had a vote, or as few
    as 实到人数 less the members without one)."""
    names = {m["姓名"] for m in voters}
    present = bare_names(row["参加人员"])
    if present & everyone:
        n = len(present & names)
        return n, n
    absent = bare_names(row["缺席人员"])
    if absent & everyone:
        n = len(names - absent)
        return n, n
    came = row.values.get("实到人数")
    if came is None:
        return None
    return max(0, came - (len(everyone) - len(names))), min(came, len(names))


def quorum(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """条例第十一条: 表决必须有半数以上有表决权的党员到会. With voting_only (the article) the
    members with a vote are the 正式党员 on the roster that day; without it (本地规定, or no
    roster) 应到人数 as written. A meeting that may or may not have had its quorum (实到人数
    only, some 预备党员) is not judged: check_uncertain names it for the 校验报告."""
    short, unsure = [], []
    parts = []
    everyone = {m["姓名"] for m in roster(ledgers)}
    for r in ledgers.activities(rule.counted):
        day = r["日期"]
        voters = voting_members(ledgers, day) if cfg.voting_only else None
        if voters is None:
            due, came = r.values.get("应到人数"), r.values.get("实到人数")
            if due and came is not None and came * 2 <= due:
                short.append(r)
                parts.append(f"{day.month}月{day.day}日党员大会应到{due}人、实到{came}人")
            continue
        bounds = _present_voters(r, voters, everyone)
        if bounds is None or not voters:
            continue
        least, most = bounds
        if most * 2 <= len(voters):
            short.append(r)
            parts.append(f"{day.month}月{day.day}日党员大会有表决权的党员{len(voters)}人、到会{most}人")
        elif least * 2 <= len(voters):
            unsure.append(r)
    found: list[Found] = []
    if short:
        days = [f"{r['日期'].month}月{r['日期'].day}日" for r in short]
        what = "有表决权的党员" if cfg.voting_only else "应到人数"
        finding = Finding("，".join(parts) + f"，到会人数未超过{what}的一半", days,
                          report_note=f"{len(short)}次党员大会到会人数未超过{what}的半数（{'、'.join(days)}）")
        found.append((finding, short))
    if unsure:
        days = [f"{r['日期'].month}月{r['日期'].day}日" for r in unsure]
        finding = Finding(f"{join(days)}党员大会只填了实到人数，无法区分到会的正式党员和预备党员，有表决权的党员"
                          "是否过半数待核实", days, uncertain=True)
        found.append((finding, unsure))
    return found


def committee_quorum(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """条例第十二条: 支部委员会会议须有半数以上委员到会方可进行 — from 参加人员 or 缺席人员
    against the 支委 on the roster (党内职务), else 应到人数 and 实到人数 as written."""
    members = set(committee_all(ledgers))
    short, parts = [], []
    for r in ledgers.activities(rule.counted):
        day = r["日期"]
        present, absent = bare_names(r["参加人员"]), bare_names(r["缺席人员"])
        due: int | None
        came: int | None
        if len(members) >= 2 and (present & members or absent & members):
            came = len(present & members) if present & members else len(members - absent)
            due = len(members)
        else:
            due, came = r.values.get("应到人数"), r.values.get("实到人数")
        if not due or came is None:
            continue
        if came * 2 <= due:
            short.append(r)
            parts.append(f"{day.month}月{day.day}日支委会委员{due}人、到会{came}人")
    if not short:
        return []
    days = [f"{r['日期'].month}月{r['日期'].day}日" for r in short]
    finding = Finding("，".join(parts) + "，到会委员未超过半数", days,
                      report_note=f"{len(short)}次支委会到会委员未超过半数（{'、'.join(days)}）")
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
