"""Periods and the sentences that list them, shared by the checkers: `5月、6月未召开支委会`."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from pipeline.core import vocab
from pipeline.rules.rule import Finding, Found, Period, Rule

EACH = {Period.MONTH: "各月", Period.QUARTER: "各季度", Period.YEAR: "全年"}


def periods(period: Period) -> list[tuple[int, str]]:
    """Each period of the year with its label: (1, `1月`) … or (1, `第一季度`) … or (1, `全年`)."""
    if period == Period.MONTH:
        return [(m, f"{m}月") for m in range(1, 13)]
    if period == Period.QUARTER:
        return list(enumerate(vocab.QUARTERS, 1))
    return [(1, "全年")]


def by_period(days: Counter, period: Period) -> Counter:
    """Activities per period (1-12, 1-4 or 1) from activities per day (Ledgers.days)."""
    out: Counter = Counter()
    for day, n in days.items():
        out[period_of(day, period)] += n
    return out


def period_of(day: dt.date, period: Period) -> int:
    if period == Period.MONTH:
        return day.month
    if period == Period.QUARTER:
        return (day.month - 1) // 3 + 1
    return 1


def join(items) -> str:
    return "、".join(items)


def runs(months: list[int]) -> list[list[int]]:
    """Consecutive months grouped: [2, 3, 7] -> [[2, 3], [7]]."""
    out: list[list[int]] = []
    for m in months:
        if out and out[-1][-1] == m - 1:
            out[-1].append(m)
        else:
            out.append([m])
    return out


def shortfall(rule: Rule, threshold: int, counts: Counter, sources: list) -> list[Found]:
    """One finding listing the periods below threshold: `5月、6月未召开支委会`."""
    labels = periods(rule.period)
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
        parts = [f"{join(none)}未{rule.action}"] if none else []
        parts += [f"{join(few)}{rule.action}不足{threshold}次"] if few else []
        if few and none and short[0][1] > 0:
            parts.reverse()  # the earlier period first
    return [(Finding("，".join(parts), [label for label, _ in short]), sources)]
