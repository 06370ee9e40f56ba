"""The 谈心谈话 checker. 支部工作条例第十九条: talks 支部委员之间、支部委员和党员之间、党员和党员之间,
each 每年一般不少于1次 — three pairings, each a setting of its own. Talks before each 组织生活会
are 第十七条's; every member at least once, the secretary with every 支委 or with everyone are
local variants (本地规定), each a setting too."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace

from pipeline.core import vocab
from pipeline.core.names import LedgerKind
from pipeline.core.values import norm_key, split_names
from pipeline.facts.aggregate import secretary, talk_records
from pipeline.facts.membership import year_end_members
from pipeline.reading.records import Ledgers, Record
from pipeline.rules.periods import join
from pipeline.rules.rule import LOCAL, REGULATIONS, TIAOLI, Finding, Found, Rule, RuleSettings, needed

# The 规则 of the parts of the rule that report under a name of their own (their 规则编号 is
# the rule's id).
EACH_MEMBER_TALKS = "每名党员参加谈心谈话"
SECRETARY_COMMITTEE_TALKS = "书记与支委谈心谈话"
BEFORE_MEETING_TALKS = "组织生活会前谈心谈话"
COMMITTEE_PAIRS_TALKS = "支部委员之间谈心谈话"
COMMITTEE_MEMBER_TALKS = "支部委员和党员之间谈心谈话"
MEMBER_PAIRS_TALKS = "党员和党员之间谈心谈话"
# The sources of the parts that are not 第十九条's pairings.
LOCAL_TALKS = f"本地谈心谈话制度（{REGULATIONS}第十九条规定支部委员之间、支部委员和党员之间、党员和党员之间谈心谈话）"
BEFORE_MEETING_SOURCE = f"{REGULATIONS}第十七条"
# Who may be named as 谈话人 for the secretary besides their name.
SECRETARY_TITLES = ("书记", "支部书记", "党支部书记")


def talks(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """谈心谈话 as the 条例 has it, each part a setting: the three pairings of 第十九条
    (committee_pairs, committee_members, member_pairs), at least `threshold` times a year; the
    local variants (each_member, secretary_committee, secretary_all); and talks in the
    `before_meeting_months` before each 组织生活会 (第十七条)."""
    found: list[Found] = []
    if cfg.committee_pairs:
        found += _committee_pairs(cfg, ledgers)
    if cfg.committee_members:
        found += _committee_members(cfg, ledgers)
    if cfg.member_pairs:
        found += _member_pairs(cfg, ledgers)
    local: list[Found] = []
    flagged: set[str] = set()
    if cfg.secretary_all:
        local += _secretary_all(rule, cfg, ledgers)
        # Those already named (and the secretary, whose missing talks that finding tells) are
        # not named twice.
        flagged = {n for f, _ in local for n in f.involved} | ({secretary(ledgers)} if local else set())
    elif cfg.secretary_committee:
        local += _secretary_committee(cfg, ledgers)
    if cfg.each_member:
        local += _each_member(cfg, ledgers, flagged)
    found += [(f if f.source else replace(f, source=LOCAL_TALKS, source_kind=LOCAL), rows) for f, rows in local]
    if cfg.before_meeting_months:
        found += [(replace(f, source=BEFORE_MEETING_SOURCE, source_kind=TIAOLI), rows)
                  for f, rows in _before_meeting(cfg, ledgers)]
    return found


def _pairs(ledgers: Ledgers) -> Counter:
    """Talks per pair of people (a frozenset of two names): each 谈话人 with each 谈话对象."""
    sec = secretary(ledgers)
    out: Counter = Counter()
    for r in ledgers.of(LedgerKind.TALKS):
        for talker in _talkers(r, sec):
            for target in set(r["谈话对象"] or ()):
                if target != talker:
                    out[frozenset((talker, target))] += 1
    return out


def committee_all(ledgers: Ledgers) -> list[str]:
    """The 支部委员: the secretary (基本信息) and the members whose 党内职务 names a 支委 post."""
    sec = secretary(ledgers)
    names = [m["姓名"] for m in committee(ledgers)]
    on_roster = {m["姓名"] for m in year_end_members(ledgers)}
    return [*([sec] if sec and sec in on_roster else []), *names]


def _unnamed(ledgers: Ledgers) -> bool:
    """Talks logged only as 组织生活 rows: they name no one, so no pairing can be judged."""
    return not ledgers.of(LedgerKind.TALKS)


def _committee_pairs(cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """第十九条 支部委员之间: every two 支委 talk at least `threshold` times a year."""
    members = committee_all(ledgers)
    if len(members) < 2 or _unnamed(ledgers):
        return []  # no 支委会 named on the roster: nothing to judge
    pairs = _pairs(ledgers)
    threshold = needed(cfg.threshold)
    short = [(a, b) for i, a in enumerate(members) for b in members[i + 1:] if pairs[frozenset((a, b))] < threshold]
    if not short:
        return []
    named = [f"{a}与{b}" for a, b in short]
    finding = Finding(f"支部委员{join(named)}全年未开展谈心谈话", named, rule=COMMITTEE_PAIRS_TALKS,
                      report_note=f"支部委员之间有{len(short)}对全年未开展谈心谈话（支委共{len(members)}人）")
    return [(finding, [m for m in year_end_members(ledgers) if m["姓名"] in {n for p in short for n in p}])]


def _committee_members(cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """第十九条 支部委员和党员之间: every member who is not a 支委 talks with some 支委."""
    members = committee_all(ledgers)
    if not members or _unnamed(ledgers):
        return []
    pairs = _pairs(ledgers)
    threshold = needed(cfg.threshold)
    others = [m for m in year_end_members(ledgers) if m["姓名"] not in members]
    short = [m for m in others if sum(pairs[frozenset((m["姓名"], c))] for c in members) < threshold]
    if not short:
        return []
    names = [m["姓名"] for m in short]
    finding = Finding(f"{join(names)}全年未与支部委员开展谈心谈话", names, rule=COMMITTEE_MEMBER_TALKS,
                      report_note=f"{len(names)}名党员全年未与支部委员开展谈心谈话（共{len(others)}名党员）")
    return [(finding, short)]


def _member_pairs(cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """第十九条 党员和党员之间: every member who is not a 支委 talks with another such member
    (a branch whose talks all went through the secretary has none)."""
    members = set(committee_all(ledgers))
    others = [m for m in year_end_members(ledgers) if m["姓名"] not in members]
    if len(others) < 2 or _unnamed(ledgers):
        return []
    pairs = _pairs(ledgers)
    names = {m["姓名"] for m in others}
    threshold = needed(cfg.threshold)
    short = [m for m in others if sum(pairs[frozenset((m["姓名"], n))] for n in names if n != m["姓名"]) < threshold]
    if not short:
        return []
    if len(short) == len(others):
        finding = Finding("全年没有党员和党员之间的谈心谈话记录", [m["姓名"] for m in short], rule=MEMBER_PAIRS_TALKS,
                          report_note=f"党员和党员之间的谈心谈话没有记录（支部委员以外的党员{len(others)}名）")
        return [(finding, short)]
    got = [m["姓名"] for m in short]
    finding = Finding(f"{join(got)}全年未与其他党员开展谈心谈话", got, rule=MEMBER_PAIRS_TALKS,
                      report_note=f"{len(got)}名党员全年未与其他党员开展谈心谈话（共{len(others)}名党员）")
    return [(finding, short)]


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
