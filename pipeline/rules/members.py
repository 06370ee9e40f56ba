"""Checkers of people and terms: members at 组织生活 (absence), 预备党员 转正 on time (probation),
the 支部委员会's 换届 (term) and last year's 整改 by their deadlines (overdue)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from dataclasses import replace

from pipeline.core import vocab
from pipeline.core.names import LedgerKind
from pipeline.core.values import norm_key
from pipeline.facts.membership import memberships, roster, year_end_members
from pipeline.reading.records import Ledgers, Record
from pipeline.rules.periods import runs
from pipeline.rules.rule import Finding, Found, Rule, RuleSettings, needed


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


def probation(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
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
    finding = Finding("；".join(parts), [m["姓名"] for m in late],
                      report_note=f"{len(late)}名预备党员预备期满未记载按期转正")
    return [(finding, late)]


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
