"""Dues: what the 党费 ledgers say, from either form (wide: a row per member, a column per month;
long: a row per payment): each member's monthly standard, every payment, the months owed and
what went to each after every payment of the year is laid out, and the remittance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pipeline.core.names import LedgerKind
from pipeline.facts.membership import memberships
from pipeline.reading.records import Ledgers, Record, Source, is_remit_row


def monthly_standards(ledgers: Ledgers) -> dict[str, dict[int, tuple[float, Source]]]:
    """Each member's monthly standard for every month, from either dues form.

    A member kept in several wide rows (half-year sheets, a new row after the standard
    changed) takes, for each month, the standard of the row whose sheet has that month's
    column and which paid it; failing that, of the row whose payments began last before it;
    failing that, the first row. The long form's first standard serves the months left.
    """
    rows: dict[str, list[Record]] = {}
    for record in ledgers.of(LedgerKind.DUES_WIDE):
        if record["缴纳标准"] is not None and not is_remit_row(record):
            rows.setdefault(record["姓名"], []).append(record)
    out: dict[str, dict[int, tuple[float, Source]]] = {}
    for name, records in rows.items():
        out[name] = {m: _standard_of_month(records, m) for m in range(1, 13)}
    for record in ledgers.of(LedgerKind.DUES_LONG):
        if record["缴纳标准"] is not None and record["姓名"] not in rows and not is_remit_row(record):
            out.setdefault(record["姓名"], {m: (record["缴纳标准"], record.src) for m in range(1, 13)})
    return out


def _standard_of_month(records: list[Record], month: int) -> tuple[float, Source]:
    covering = [r for r in records if month in r["列月份"]] or records
    paid = [r for r in covering if month in r["各月"]]
    if paid:
        chosen = paid[0]
    else:
        started = [r for r in covering if r["各月"] and min(r["各月"]) <= month]
        chosen = max(started, key=lambda r: min(r["各月"])) if started else covering[0]
    return chosen["缴纳标准"], chosen.src


def dues_payments(ledgers: Ledgers) -> list[tuple[str, int, float, Source]]:
    """Every payment as (name, month, amount, source), from either dues form."""
    out: list[tuple[str, int, float, Source]] = []
    for record in ledgers.of(LedgerKind.DUES_WIDE):
        if not is_remit_row(record):
            out.extend((record["姓名"], m, amount, record.src) for m, amount in record["各月"].items())
    for record in ledgers.of(LedgerKind.DUES_LONG):
        if not is_remit_row(record):
            out.append((record["姓名"], record["月份"], record["金额"], record.src))
    return out


def dues_remittance(ledgers: Ledgers) -> tuple[list[Record], list[Record], float]:
    """What the dues ledgers say about handing dues on: (member rows with a 上缴 cell, the
    rows with payments but none, the amount on 上缴 rows and in amount cells)."""
    marked, unmarked, amount = [], [], 0.0
    for record in (*ledgers.of(LedgerKind.DUES_WIDE), *ledgers.of(LedgerKind.DUES_LONG)):
        if is_remit_row(record):
            amount += sum((record["各月"] or {}).values()) if record.kind == LedgerKind.DUES_WIDE else record["金额"] or 0
            continue
        paid = sum((record["各月"] or {}).values()) if record.kind == LedgerKind.DUES_WIDE else record["金额"] or 0
        remit = record["上缴"]
        if remit is None or remit is False:
            if paid > 0:
                unmarked.append(record)
            continue
        marked.append(record)
        if remit is not True:
            amount += remit
    return marked, unmarked, amount


def months_due(ledgers: Ledgers) -> dict[str, list[int]]:
    """For each member with a standard, the months dues are owed for: the months of membership
    (see Membership.dues; the whole year for a name not on the roster) whose standard is > 0."""
    spans = memberships(ledgers)
    out = {}
    for name, standards in monthly_standards(ledgers).items():
        span = spans[name].dues if name in spans else range(1, 13)
        months = [m for m in span if (standards[m][0] or 0) > 0]
        if months or any((s or 0) > 0 for s, _ in standards.values()):
            out[name] = months
    return out


@dataclass(frozen=True)
class MonthDue:
    """One owed month of one member after every payment of the year is laid against it.

    `paid`: the amount that went to this month by year end; `settled`: the month of the year in
    which it was paid in full (before the month itself for a 预交, after it for a 补交), None
    when it never was.
    """

    month: int
    standard: float
    paid: float
    settled: int | None

    @property
    def unpaid(self) -> bool:
        return self.paid < _CENT

    @property
    def short(self) -> bool:
        return not self.unpaid and self.settled is None


_CENT = 0.005


def dues_by_month(ledgers: Ledgers, by_quarter: bool | None = None) -> dict[str, list[MonthDue]]:
    """Each member's owed months with what was paid for them.

    Payments are laid out month by month: what is paid in a month goes to that month first (by
    quarter: to the quarter's months so far), then to the oldest months still owed (补交), and
    what is left over carries forward to the months after (预交, or a quarter paid at its start).
    A payment typed against the month it is for (逐笔 所属月份) is simply that month's payment.
    `by_quarter` None: as the branch's 基本信息 党费缴纳方式 says (else by month).
    """
    if by_quarter is None:
        by_quarter = "季" in str(ledgers.info.get("党费缴纳方式") or "")
    paid_in: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for name, month, amount, _ in dues_payments(ledgers):
        paid_in[name][month] += amount
    standards = monthly_standards(ledgers)
    out: dict[str, list[MonthDue]] = {}
    for name, months in months_due(ledgers).items():
        remaining = {m: float(standards[name][m][0]) for m in months}
        settled: dict[int, int] = {}
        credit = 0.0
        for m in range(1, 13):
            money = credit + paid_in[name].get(m, 0.0)
            current = range((m - 1) // 3 * 3 + 1, m + 1) if by_quarter else (m,)
            order = [c for c in current if c in remaining] + [a for a in sorted(remaining) if a < current[0]]
            for owed in order:
                if money < _CENT:
                    break
                if remaining[owed] < _CENT:
                    continue
                take = min(money, remaining[owed])
                remaining[owed] -= take
                money -= take
                if remaining[owed] < _CENT:
                    settled[owed] = m
            credit = max(money, 0.0)
        out[name] = [MonthDue(m, standards[name][m][0], round(standards[name][m][0] - remaining[m], 2),
                              settled.get(m)) for m in months]
    return out


def dues_gaps(ledgers: Ledgers, by_quarter: bool | None = None) -> dict[str, tuple[list[int], Source]]:
    """Members with a standard > 0 and the owed months nothing went to by year end (a later
    补交 or an earlier 预交 counts for the months it covers)."""
    standards = monthly_standards(ledgers)
    gaps = {}
    for name, dues in dues_by_month(ledgers, by_quarter).items():
        missed = [d.month for d in dues if d.unpaid]
        if missed:
            gaps[name] = (missed, standards[name][missed[0]][1])
    return gaps


def dues_short(ledgers: Ledgers, by_quarter: bool | None = None
               ) -> dict[str, tuple[list[tuple[int, float, float]], Source]]:
    """Members who paid something but less than the standard for a month they owe, after every
    payment of the year is laid out (dues_by_month): name -> ([(month, standard, paid)], the first
    such month's standard row). Months nothing went to are gaps (dues_gaps)."""
    standards = monthly_standards(ledgers)
    short = {}
    for name, dues in dues_by_month(ledgers, by_quarter).items():
        under = [(d.month, d.standard, d.paid) for d in dues if d.short]
        if under:
            short[name] = (under, standards[name][under[0][0]][1])
    return short
