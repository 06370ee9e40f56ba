"""The 测评参考 indicators: each one a figure from a branch's metrics.json with the ledger rows
behind it (provenance.json). A maintainer adds one by writing a function and a CATALOG line.

`score` is what branches are compared on for a 亮点 (higher is better); None where more is not
better (发展党员 follows the 上级's plan) or the figure is missing. Nothing is estimated: a
ledger that is missing gives "未提供…" and no score."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from pipeline.core.cnfmt import money, number
from pipeline.evaluation.branches import BranchOut, get


@dataclass(frozen=True)
class Figure:
    indicator: str
    text: str  # short, for the 测评表 line: "支委会12/12个月"
    rows: list[str] = field(default_factory=list)  # the ledger rows it rests on
    score: Fraction | None = None
    unit: str = ""  # how `score` reads in a comparison ("个月", "%")
    shown: str = ""  # the score as the comparison says it ("12个月", "100%")


def _has(branch: BranchOut, prefix: str) -> bool:
    return any(key.startswith(prefix) and rows for key, rows in branch.provenance.items())


def _months(values) -> list[int]:
    return [m for m, n in enumerate(values or [], 1) if isinstance(n, int) and n > 0]


def _quarters(months: list[int]) -> int:
    return len({(m - 1) // 3 for m in months})


def _percent(value: Fraction) -> str:
    return f"{number(round(float(value) * 100, 1))}%"


def meetings(branch: BranchOut) -> Figure:
    if not _has(branch, "组织生活."):
        return Figure("三会一课", "未提供组织生活台账")
    by_month = get(branch.metrics, "组织生活.按月") or {}
    committee = len(_months(by_month.get("支委会")))
    general = _quarters(_months(by_month.get("党员大会")))
    lessons = _quarters(_months(by_month.get("党课")))
    met = committee + general * 3 + lessons * 3  # each out of 12 month-equivalents
    return Figure("三会一课", f"支委会{committee}/12个月、党员大会{general}/4个季度、党课{lessons}/4个季度",
                  branch.rows("组织生活.支委会", "组织生活.党员大会", "党课.总数"), Fraction(met, 36), "%",
                  _percent(Fraction(met, 36)))


def theme_day(branch: BranchOut) -> Figure:
    if not _has(branch, "组织生活."):
        return Figure("主题党日", "未提供组织生活台账")
    # 每月开展 and 10日前 are two rules: a month counts when neither found it missing or late.
    ids = ("主题党日", "主题党日按时开展")
    held = set(_months((get(branch.metrics, "组织生活.按月") or {}).get("主题党日")))
    flagged = {int(m[1]) for f in branch.findings if f.rule_id in ids
               for i in f.involved if (m := re.fullmatch(r"(\d{1,2})月", i))}
    checked = (get(branch.metrics, "检查规则.主题党日按时开展") or {}).get("已检查")
    rows = branch.rows("主题党日.举办日", *[f"检查发现.{i}" for i, f in enumerate(branch.findings)
                                      if f.rule_id in ids])
    if not checked:
        return Figure("主题党日", f"开展{len(held)}个月（未检查是否按时）", rows)
    on_time = len(held - flagged)
    return Figure("主题党日", f"按时开展{on_time}/12个月", rows, Fraction(on_time), "个月", f"{on_time}个月")


def talks(branch: BranchOut) -> Figure:
    total = get(branch.metrics, "党员.总数")
    covered = get(branch.metrics, "谈心谈话.覆盖党员")
    if not _has(branch, "谈心谈话.") or not isinstance(total, int) or not total or not isinstance(covered, int):
        return Figure("谈心谈话", "未提供谈心谈话台账或党员名册")
    share = Fraction(covered, total)
    return Figure("谈心谈话", f"覆盖党员{covered}/{total}人（{_percent(share)}）",
                  branch.rows("谈心谈话.覆盖党员", "谈心谈话.未覆盖党员"), share, "%", _percent(share))


def dues(branch: BranchOut) -> Figure:
    due, paid, total = (get(branch.metrics, k) for k in ("党费.应缴总额", "党费.实缴总额", "党员.总数"))
    if not _has(branch, "党费.") or not isinstance(paid, (int, float)):
        return Figure("党费", "未提供党费台账")
    found = [(i, item) for i, item in enumerate(get(branch.metrics, "检查发现") or [])
             if isinstance(item, dict) and item.get("规则编号") == "党费"]
    people = len({item.get("姓名") or item.get("说明") for _, item in found})
    text = f"实缴{money(paid)}元" + (f"（应缴{money(due)}元）" if isinstance(due, (int, float)) else "")
    rows = branch.rows("党费.实缴总额", "党费.欠缴", "党费.少缴", *[f"检查发现.{i}" for i, _ in found])
    if not isinstance(total, int) or not total:
        return Figure("党费", text + f"，未按月足额缴纳{people}人", rows)
    share = Fraction(total - people, total)
    return Figure("党费", f"按月足额缴纳{total - people}/{total}人，{text}", rows, share, "%", _percent(share))


def recruits(branch: BranchOut) -> Figure:
    new, candidates = get(branch.metrics, "党员.新发展党员"), get(branch.metrics, "党员.本年确定积极分子")
    if not _has(branch, "党员.") or not isinstance(new, int):
        return Figure("发展党员", "未提供党员名册")
    rows = branch.rows("党员.新发展党员", "党员.本年确定积极分子") or branch.rows("党员.总数")
    return Figure("发展党员", f"新发展党员{new}名、确定入党积极分子{candidates or 0}名", rows)


def rectify(branch: BranchOut) -> Figure:
    count, done = get(branch.metrics, "整改.问题数"), get(branch.metrics, "整改.已完成")
    if not isinstance(count, int) or not count:
        return Figure("整改", "无上年整改台账")
    share = Fraction(done or 0, count)
    return Figure("整改", f"上年问题整改完成{done or 0}/{count}项", branch.rows("整改.问题数", "整改.已完成"),
                  share, "%", _percent(share))


CATALOG: dict[str, Callable[[BranchOut], Figure]] = {
    "三会一课": meetings, "主题党日": theme_day, "谈心谈话": talks, "党费": dues, "发展党员": recruits, "整改": rectify,
}


def figures(branch: BranchOut, chosen: tuple[str, ...]) -> list[Figure]:
    return [CATALOG[name](branch) for name in chosen]


def cite(rows: list[str]) -> str:
    """Ledger rows grouped by file and sheet: "台账.xlsx / 组织生活 第3、5、7–9行"."""
    grouped: dict[str, list[int]] = {}
    for ref in rows:
        head, _, row = ref.rpartition(" / ")
        if row.isdigit():
            grouped.setdefault(head, []).append(int(row))
        else:
            grouped.setdefault(ref, [])
    parts = []
    for head, numbers in grouped.items():
        parts.append(f"{head} 第{_ranges(sorted(set(numbers)))}行" if numbers else head)
    return "；".join(parts)


def _ranges(numbers: list[int]) -> str:
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(str(start) if start == n else f"{start}–{n}")
            start = None
    return "、".join(out)


def sheets(rows: list[str]) -> str:
    """Only the files and sheets with the number of rows, for a printed line."""
    grouped: dict[str, int] = {}
    for ref in rows:
        head = ref.rpartition(" / ")[0] or ref
        grouped[head] = grouped.get(head, 0) + 1
    return "；".join(f"{head}，{n}行" for head, n in grouped.items())
