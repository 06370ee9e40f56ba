"""Checkers of people and terms: members at 组织生活 (absence), 预备党员 转正 on time (probation),
the 支部委员会's 换届 (term) and last year's 整改 by their deadlines (overdue)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import replace

from pipeline.core import vocab
from pipeline.core.names import LedgerKind
from pipeline.core.values import norm_key
from pipeline.facts.membership import memberships, roster, year_end_members
from pipeline.reading.records import Ledgers, Record
from pipeline.rules.periods import join, runs
from pipeline.rules.rule import DEVELOPMENT, TIAOLI, Finding, Found, Rule, RuleSettings, bare_names, excused, needed


def attendance_rows(ledgers: Ledgers) -> list[Record]:
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
    present = bare_names(row["参加人员"])
    return bool(present & members) or any(p in vocab.ALL_MEMBERS for p in present)


def _attended(row: Record, name: str, members: set[str]) -> bool:
    """Whether a row shows `name` present or excused: listed in 参加人员 (or 全体党员), else not
    listed in 缺席人员 (`张一（病假）` names 张一); an absence with a reason (病假、事假、公差、请假
    in the cell or 备注) is no absence without reason (党章第九条 无正当理由)."""
    if name in excused(row["缺席人员"], row["备注"], members):
        return True
    if _names_present(row, members):
        present = bare_names(row["参加人员"])
        return name in present or any(p in vocab.ALL_MEMBERS for p in present)
    return name not in bare_names(row["缺席人员"])


def _expected_at(row: Record, group: str | None) -> bool:
    """Whether a member of `group` is expected at this 组织生活: another group's 党小组会 is not theirs."""
    return not (row["类型"] == "党小组会" and row["党小组"] and group and norm_key(row["党小组"]) != norm_key(group))


def absence(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """No member misses 组织生活 for `absent_months` months running (党章第九条).

    A month counts as missed when the member was in the branch, at least one 组织生活 they were
    expected at records who attended (参加人员) or who did not (缺席人员), and none lists them
    as present. A month with no such record says nothing and breaks a run.
    """
    rows = attendance_rows(ledgers)
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
        long_runs = [run for run in runs(missed) if len(run) >= needed(cfg.absent_months)]
        if not long_runs:
            continue
        note = name + "，".join(f"连续{len(run)}个月（{run[0]}月至{run[-1]}月）未参加组织生活" for run in long_runs)
        finding = Finding(note, [f"{m}月" for run in long_runs for m in run], name=name,
                          report_note=f"有党员连续{cfg.absent_months}个月以上未参加组织生活")
        found.append((finding, [member, *(r for run in long_runs for m in run for r in by_month[m]
                                          if _expected_at(r, group))]))
    if len(found) > 1:
        several = f"有{len(found)}名党员连续{cfg.absent_months}个月以上未参加组织生活"
        found = [(replace(finding, report_note=several), sources) for finding, sources in found]
    return found


_EXTENDED = ("延长预备期", "延期转正", "延长预备")
_EXT_MONTHS = re.compile(r"(?:延长预备期?|延期转正)\D{0,4}?(\d{1,2}|[一二两三四五六七八九十]{1,3}|半)\s*(个月|月|年)")
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
       "十一": 11, "十二": 12}


def _extension(member: Record) -> tuple[bool, int | None]:
    """(extended, months): the roster's 延长预备期 (months) or a 备注 such as `延长预备期6个月`,
    `延长预备期一年`, `延长预备期半年`; extended with months None when the length is not written."""
    months = member.values.get("延长预备期")
    if isinstance(months, int) and months > 0:
        return True, months
    remark = str(member["备注"] or "")
    if not any(w in remark for w in _EXTENDED):
        return False, None
    m = _EXT_MONTHS.search(remark)
    if not m:
        return True, None
    n = 1 if m[1] == "半" else int(m[1]) if m[1].isdigit() else _CN.get(m[1])
    if n is None:
        return True, None
    if m[2] == "年":
        n = 6 if m[1] == "半" else n * 12
    return True, n


def _plus(ym: tuple[int, int], months: int) -> tuple[int, int]:
    total = ym[0] * 12 + ym[1] - 1 + months
    return total // 12, total % 12 + 1


def _ym(ym: tuple[int, int]) -> str:
    return f"{ym[0]}年{ym[1]}月"


def probation(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """预备党员 转正 as the 党章 (第七条) and the 细则 (第三十二条) have it: the 预备期 is one year
    (`probation_months`) from admission (入党时间), extended at most once by
    `extension_min_months`–`extension_max_months`; 转正 is discussed when it ends, and the
    转正时间 is the day it ends (党龄 counts from it). Found: a 预备期 that ended before
    December with no 转正 (overdue), a 转正时间 in the report year that is not the end of the
    预备期, an extension outside the limits. An extension whose length is not written is for
    the 校验报告 (待核实)."""
    year = ledgers.year
    found: list[Found] = []
    overdue, off, unsure = [], [], []
    for m in year_end_members(ledgers):
        joined = m["入党时间"]
        if not joined:
            continue
        extended, ext = _extension(m)
        if extended and ext is not None and not (needed(cfg.extension_min_months) <= ext
                                                 <= needed(cfg.extension_max_months)):
            note = (f"{m['姓名']}延长预备期{ext}个月，不符合延长时间不少于{cfg.extension_min_months}个月、"
                    f"最长不超过{cfg.extension_max_months}个月的规定")
            found.append((Finding(note, [m["姓名"]], name=m["姓名"], source=f"{DEVELOPMENT}第三十二条",
                                  source_kind=TIAOLI, report_note="1名预备党员延长预备期的期限不符合规定"), [m]))
            continue
        if extended and ext is None:
            if m["人员类别"] == "预备党员" and not m["转正时间"]:
                unsure.append(m)
            continue
        end = _plus(tuple(joined[:2]), needed(cfg.probation_months) + (ext or 0))
        passed = m["转正时间"]
        if passed:
            passed = tuple(passed[:2])
            if passed[0] == year and passed != end:
                off.append((m, end, passed))
            continue
        if m["人员类别"] == "预备党员" and end < (year, 12):
            overdue.append((m, end, ext))
    if overdue:
        parts = [f"{m['姓名']}{_ym(tuple(m['入党时间'][:2]))}入党"
                 + (f"，延长预备期{ext}个月" if ext else "") + f"，预备期已于{_ym(end)}届满，名册未记载转正"
                 for m, end, ext in overdue]
        found.append((Finding("；".join(parts), [m["姓名"] for m, _, _ in overdue],
                              report_note=f"{len(overdue)}名预备党员预备期满未记载按期转正"), [m for m, _, _ in overdue]))
    if off:
        parts = [f"{m['姓名']}{_ym(tuple(m['入党时间'][:2]))}入党，预备期应于{_ym(end)}届满，名册记载转正时间为"
                 f"{_ym(passed)}，与预备期满时间不一致" for m, end, passed in off]
        found.append((Finding("；".join(parts), [m["姓名"] for m, _, _ in off],
                              report_note=f"{len(off)}名预备党员转正时间与预备期满时间不一致"), [m for m, _, _ in off]))
    if unsure:
        note = f"{join(m['姓名'] for m in unsure)}备注记载延长预备期，但未写明延长期限，能否按期转正待核实"
        found.append((Finding(note, [m["姓名"] for m in unsure], uncertain=True), unsure))
    return found


def term(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
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
    return [(Finding(note, [f"{end[0]}年{end[1]}月"], report_note="支部委员会任期已满，未按期换届"), sources)]


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def overdue(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """整改台账 items whose 完成时限 fell within the report year (or before) and are not done."""
    year_end = dt.date(ledgers.year, 12, 31)
    found = []
    for record in ledgers.of(LedgerKind.RECTIFY):
        deadline = record["完成时限"]
        if record["完成情况"] == vocab.DONE or not isinstance(deadline, dt.date) or deadline > year_end:
            continue
        reason = f"（{record['未完成原因']}）" if record["未完成原因"] else ""
        found.append((Finding(f"“{record['问题']}”整改时限为{_cn_date(deadline)}，年底仍{record['完成情况']}{reason}",
                              [record["问题"]]), [record]))
    return found
