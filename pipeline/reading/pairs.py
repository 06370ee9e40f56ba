"""Paired columns under a merged header: wide dues kept as 应缴 | 实缴 under each month.

Both columns carry the month's header (the merge fills it into each), so read alone the month
would be counted twice and the arrears missed. The row below names which is which: 实缴 is the
month's payment, 应缴 is left out (said once)."""

from __future__ import annotations

from pipeline.core import vocab
from pipeline.core.issues import IssueLog
from pipeline.core.names import IssueCode
from pipeline.core.values import norm_header

_PAID = frozenset(norm_header(w) for w in vocab.PAID_SUBHEADERS)
_DUE = frozenset(norm_header(w) for w in vocab.DUE_SUBHEADERS)


def due_columns(months: dict[int, tuple], sub: list[str], sheet, row: int, log: IssueLog) -> set[int]:
    """The month columns that are 应缴 under a month shown twice (empty when there is no pair);
    `sub` is the normalised row below the header."""
    seen: dict[tuple, list[int]] = {}
    for index, month in months.items():
        seen.setdefault(month, []).append(index)
    due: set[int] = set()
    for columns in seen.values():
        names = [sub[i] if i < len(sub) else "" for i in columns]
        if len(columns) > 1 and any(n in _PAID for n in names):
            due.update(i for i, n in zip(columns, names) if n in _DUE)
    if due:
        log.info(sheet.file, "各月下分“应缴”“实缴”两列：按“实缴”列统计已缴金额，“应缴”列不计入",
                 "实缴为空的月份按未缴计", sheet=sheet.name, row=row + 2, code=IssueCode.PAIRED_COLUMNS)
    return due
