"""The 谈心谈话 checker: every member talked with, the secretary with the 支委 (or everyone), and
talks before each 组织生活会 (支部工作条例第十九条), each part a setting."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from pipeline.core import vocab
from pipeline.core.names import LedgerKind
from pipeline.core.values import norm_key, split_names
from pipeline.facts.aggregate import secretary, talk_records
from pipeline.facts.membership import year_end_members
from pipeline.reading.records import Ledgers, Record
from pipeline.rules.periods import join
from pipeline.rules.rule import Finding, Found, Rule, RuleSettings, needed

# The 规则 of the parts of the rule that report under a name of their own (their 规则编号 is
# the rule's id).
EACH_MEMBER_TALKS = "每名党员参加谈心谈话"
SECRETARY_COMMITTEE_TALKS = "书记与支委谈心谈话"
BEFORE_MEETING_TALKS = "组织生活会前谈心谈话"
# Who may be named as 谈话人 for the secretary besides their name.
SECRETARY_TITLES = ("书记", "支部书记", "党支部书记")


def talks(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """谈心谈话 as the 条例 has it, each part a setting: every member takes part at least
    `threshold` times a year; the secretary talks with every 支委 (or, with secretary_all,
    every member); and talks are held in the `before_meeting_months` before each 组织生活会."""
    found: list[Found] = []
    flagged: set[str] = set()
    if cfg.secretary_all:
        found += _secretary_all(rule, cfg, ledgers)
        # Those already named (and the secretary, whose missing talks that finding tells) are
        # not named twice.
        flagged = {n for f, _ in found for n in f.involved} | ({secretary(ledgers)} if found else set())
    elif cfg.secretary_committee:
        found += _secretary_committee(cfg, ledgers)
    if cfg.each_member:
        found += _each_member(cfg, ledgers, flagged)
    if cfg.before_meeting_months:
        found += _before_meeting(cfg, ledgers)
    return found


def by_secretary(talker, sec: str) -> bool:
    """Whether a 谈话人 (or 主讲人) cell names the secretary (`李明华`, `李明华、王建国`, `书记`,
    `书记李明华`)."""
    text = re.sub(r"[（(].*?[)）]", "", str(talker or ""))
    for name in split_names(text):
        name = name.removesuffix("同志")
        title = next((t for t in sorted(SECRETARY_TITLES, key=len, reverse=True)
                      if norm_key(name).startswith(t)), "")
        if name == sec or (title and name[len(title):] in ("", sec)):
            return True
    return False


def _talkers(record: Record, sec: str) -> set[str]:
    """The people a 谈话人 cell names, with `书记` read as the secretary."""
    text = re.sub(r"[（(].*?[)）]", "", str(record["谈话人"] or ""))
    names = {n.removesuffix("同志") for n in split_names(text)}
    if sec and by_secretary(record["谈话人"], sec):
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
    short = [m for m in members if counts[m["姓名"]] < needed(cfg.threshold)]
    if not short:
        return []
    names = [m["姓名"] for m in short]
    rule = EACH_MEMBER_TALKS
    if not rows and unnamed:
        # Talks logged only as 组织生活 rows name no one: say what cannot be verified.
        return [(Finding("谈心谈话未记录谈话人和谈话对象，无法核实每名党员参加谈心谈话的情况", names, rule=rule,
                         report_note="谈心谈话未记录谈话对象，无法核实是否覆盖全体党员"), [*short, *unnamed])]
    if not rows and len(short) == len(everyone) > 1:
        return [(Finding("全年未开展谈心谈话", names, rule=rule, report_note="全年未开展谈心谈话"), short)]
    what = "未参加谈心谈话" if cfg.threshold == 1 else f"参加谈心谈话不足{cfg.threshold}次"
    finding = Finding(f"{join(names)}全年{what}", names, rule=rule, report_note=f"有{len(names)}名党员全年{what}")
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
    counts = Counter(n for r in ledgers.of(LedgerKind.TALKS) if by_secretary(r["谈话人"], sec)
                     for n in set(r["谈话对象"] or ()))
    short = [m for m in members if counts[m["姓名"]] < needed(cfg.threshold)]
    if not short:
        return []
    names = [m["姓名"] for m in short]
    what = "开展谈心谈话" if cfg.threshold == 1 else f"谈心谈话{cfg.threshold}次"
    finding = Finding(f"支部书记全年未与支委{join(names)}{what}", names, rule=SECRETARY_COMMITTEE_TALKS,
                      report_note=f"支部书记全年未与{len(names)}名支委{what}")
    return [(finding, [*short, ledgers.info_src["支部书记"]] if "支部书记" in ledgers.info_src else short)]


def _before_meeting(cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """Each 组织生活会 has talks (dated) from the start of the `before_meeting_months`-th month
    before it up to its day (a meeting on 18 February, 1 month: talks from 1 January). A window
    reaching into last year, whose talks are not in these ledgers, is not judged."""
    dated = [r for r in talk_records(ledgers) if r["日期"]]
    if not dated:
        return []
    months_before = needed(cfg.before_meeting_months)
    missing = []
    for meeting in ledgers.activities("组织生活会"):
        day = meeting["日期"]
        months = day.year * 12 + day.month - 1 - months_before
        start = dt.date(months // 12, months % 12 + 1, 1)
        if start.year < ledgers.year or any(start <= t["日期"] <= day for t in dated):
            continue
        missing.append(meeting)
    if not missing:
        return []
    days = [f"{m['日期'].month}月{m['日期'].day}日" if m["日期"].year == ledgers.year
            else f"{m['日期'].year}年{m['日期'].month}月{m['日期'].day}日" for m in missing]
    span = f"当月及前{cfg.before_meeting_months}个月"
    finding = Finding(f"{join(days)}组织生活会{span}会前没有谈心谈话记录", days, rule=BEFORE_MEETING_TALKS,
                      report_note="组织生活会前未开展谈心谈话")
    return [(finding, missing)]


def _secretary_all(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """The secretary talks with every other roster member at least `threshold` times a year.

    Only rows of 谈心谈话记录 whose 谈话人 is the secretary (by name or as 书记) count; when
    基本信息 names no secretary, every talk counts. Members who left the branch during the
    year (转出, 去世 …) are not expected; those who came in are.
    """
    sec = secretary(ledgers)
    targets = [m for m in year_end_members(ledgers) if m["姓名"] != sec]
    held = [r for r in ledgers.of(LedgerKind.TALKS) if not sec or by_secretary(r["谈话人"], sec)]
    counts = Counter(name for r in held for name in set(r["谈话对象"] or ()))
    threshold = needed(cfg.threshold)
    short = [m for m in targets if counts[m["姓名"]] < threshold]
    if not short:
        return []
    none = [m["姓名"] for m in short if counts[m["姓名"]] == 0]
    few = [m["姓名"] for m in short if counts[m["姓名"]] > 0]
    unnamed = ledgers.activities("谈心谈话")
    if not held and unnamed:
        # Talks logged only as 组织生活 rows name no one: say what cannot be verified.
        parts = ["谈心谈话未记录谈话对象，无法核实支部书记与每名党员谈心谈话的情况"]
    elif len(none) == len(targets) > 1:
        parts = ["支部书记全年未与党员开展谈心谈话"]
    else:
        parts = [f"支部书记全年未与{join(none)}开展谈心谈话"] if none else []
        parts += [f"{'' if none else '支部书记全年'}与{join(few)}谈心谈话不足{threshold}次"] if few else []
    finding = Finding("，".join(parts), [m["姓名"] for m in short],
                      report_note=_talks_by_number(none, few, targets, threshold, bool(not held and unnamed)))
    basis = [ledgers.info_src["支部书记"]] if "支部书记" in ledgers.info_src else []
    return [(finding, [*short, *basis, *(unnamed if not held else ())])]


def _talks_by_number(none: list, few: list, targets: list, threshold: int, unnamed: bool) -> str:
    """The talks finding without names, for the report: `有2名党员全年未开展谈心谈话`."""
    if unnamed:
        return "谈心谈话未记录谈话对象，无法核实是否覆盖全体党员"
    if len(none) == len(targets) > 1:
        return "全年未与党员开展谈心谈话"
    parts = [f"有{len(none)}名党员全年未开展谈心谈话"] if none else []
    parts += [f"{'' if none else '有'}{len(few)}名党员谈心谈话不足{threshold}次"] if few else []
    return "，".join(parts)
