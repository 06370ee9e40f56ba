"""A branch's ledgers as real workbooks, for the rule checks: a compliant year to start from.

`compliant()` returns the keyword arguments of `write_ledgers` for a branch that meets every
rule; a test changes one part and writes it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.builders import write_xlsx

YEAR = 2023
SECRETARY = "王书记"
NAMES = (SECRETARY, "张一", "李二", "赵三", "钱四", "孙五", "周六")  # 7 正式党员
CHECK_DAYS = ((3, 28), (6, 27), (9, 26), (12, 26))


def member(name: str, category: str | None = "正式党员", group: str | None = None,
           joined: str = "2010-01", **more) -> dict:
    """One roster row; category None leaves 人员类别 blank (counts as 正式党员); `more` adds
    columns (党内职务=…, 转正时间=…, 备注=…)."""
    return {"姓名": name, "人员类别": category, "党小组": group, "入党时间": joined, **more}


def compliant(year: int = YEAR) -> dict:
    """Keyword arguments of write_ledgers for a year that meets every rule."""
    d = lambda m, day: dt.date(year, m, day)  # noqa: E731
    activities = []
    for m in range(1, 13):
        activities += [(d(m, 3), "支委会"), (d(m, 5), "主题党日")]
        if m % 3 == 0:
            activities += [(d(m, 15), "党课", "书记"), (d(m, 20), "党员大会")]
    activities += [(d(2, 18), "组织生活会"), (d(2, 18), "民主评议党员")]
    others = [n for n in NAMES if n != SECRETARY]
    return {
        "year": year,
        "members": [member(n) for n in NAMES],
        "activities": activities,
        # 条例第十九条: the secretary (the one 支委 here) with every member, and members in pairs.
        "talks": [(d(i, 10), SECRETARY, n) for i, n in enumerate(others, 1)]
        + [(d(11, 10 + i), others[i], others[i + 1]) for i in range(0, len(others) - 1, 2)],
        "dues": [(n, 50, range(1, 13)) for n in NAMES],
        "checks": [(n, q, d(*CHECK_DAYS[q - 1]), 5000) for q in range(1, 5) for n in NAMES],
    }


def without(activities: list, kind: str, *months: int) -> list:
    """The activity rows less those of `kind` (in `months`, or all of them)."""
    return [a for a in activities if not (a[1] == kind and (not months or a[0].month in months))]


def moved(activities: list, kind: str, month: int, day: int) -> list:
    """The activity rows with `kind` in `month` moved to `day`."""
    return [(a[0].replace(day=day), *a[1:]) if a[1] == kind and a[0].month == month else a
            for a in activities]


def write_ledgers(folder: Path, *, year: int = YEAR, secretary: str = SECRETARY,
                  members: list[dict] | None = None, activities: list | None = None,
                  talks: list | None = None, dues: list | None = None,
                  checks: list | None = None, info: dict | None = None) -> Path:
    """One workbook with a sheet per ledger given (None leaves the ledger out).

    activities: (date, 类型[, 主讲人类别[, {more columns}]]); talks: (date, 谈话人, 谈话对象);
    dues: (姓名, 缴纳标准, months paid at the standard, or {month: amount}) in the wide form;
    checks: (姓名, 季度, 检查日期, 字数); info: more 基本信息 rows {项目: 内容}.
    """
    sheets: dict[str, list[list]] = {
        "基本信息": [["党支部名称", "测试党支部"], ["支部书记", secretary], ["年度", year],
                 *([k, v] for k, v in (info or {}).items())],
    }
    if members is not None:
        columns = list(dict.fromkeys(k for m in members for k in m))
        sheets["党员名册"] = [columns, *([m.get(c) for c in columns] for m in members)]
    if activities is not None:
        more = list(dict.fromkeys(k for a in activities if len(a) > 3 for k in a[3]))
        sheets["组织生活"] = [["日期", "类型", "主题", "主讲人类别", *more],
                          *([a[0], a[1], f"{a[1]}{a[0]:%m%d}", a[2] if len(a) > 2 else None,
                             *((a[3].get(c) if len(a) > 3 else None) for c in more)]
                            for a in activities)]
    if talks is not None:
        sheets["谈心谈话"] = [["日期", "谈话人", "谈话对象", "主要内容"],
                          *([t[0], t[1], t[2], "思想和工作情况"] for t in talks)]
    if dues is not None:
        sheets["党费"] = [["姓名", "缴纳标准", *(f"{m}月" for m in range(1, 13))],
                        *([name, standard, *(_paid(standard, paid, m) for m in range(1, 13))]
                          for name, standard, paid in dues)]
    if checks is not None:
        sheets["学习笔记检查"] = [["姓名", "季度", "检查日期", "学习笔记", "心得体会"],
                            *([n, q, day, words, 1] for n, q, day, words in checks)]
    write_xlsx(folder / "台账.xlsx", sheets)
    return folder


def _paid(standard, paid, month: int):
    if isinstance(paid, dict):
        return paid.get(month)
    return standard if month in set(paid) else None


def write_config(path: Path, text: str) -> Path:
    """A project file (pipeline.toml) with `text`."""
    path.write_text(text, encoding="utf-8")
    return path
