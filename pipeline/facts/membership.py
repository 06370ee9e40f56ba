"""Membership: who belonged to the branch in the report year and for which months (the roster
with its 转入, 转出 and 入党 dates): year-end members, members of the year, the months dues are owed."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core import vocab
from pipeline.core.names import LedgerKind
from pipeline.reading.records import Ledgers, Record


def roster(ledgers: Ledgers) -> list[Record]:
    """Every roster row of a member (also those who left during the year)."""
    return ledgers.of(LedgerKind.ROSTER)


@dataclass(frozen=True)
class Membership:
    """A roster member's months in the branch during the report year.

    `months`: the months of membership (转入 month to 转出/减少 month, both included);
    `dues`: the months dues are owed here (转入 month excluded: that month's dues are settled
    at the old branch; after a 去世, 停止党籍 or 出党 the month of the change is not owed either);
    `at_year_end`: still a member in December.
    """

    months: range
    dues: range
    at_year_end: bool
    joined: bool  # came in during the year (转入, or admitted: 入党时间 in the year)
    left: bool  # left during the year (转出, 去世, 停止党籍, 出党)


def membership(member: Record, year: int) -> Membership:
    """The months a roster row's member belonged to the branch in `year` (see Membership)."""
    status = member["状态"] or vocab.NORMAL_STATUS
    first = dues_first = 1
    last = dues_last = 12
    joined = left = False
    admitted = member["入党时间"]
    if admitted and admitted[0] >= year:
        first = dues_first = admitted[1] if admitted[0] == year else 13
        joined = admitted[0] == year
    moved_in = member["转入时间"]
    if moved_in and moved_in[0] >= year:
        if moved_in[0] == year:
            first, dues_first, joined = max(first, moved_in[1]), max(dues_first, moved_in[1] + 1), True
        else:
            first = dues_first = 13
    elif status == vocab.JOINING_STATUS and moved_in is None:
        dues_first = 13  # 转入 without a month: a member at year end, dues not judged
    moved_out = member["转出时间"]
    if status not in (vocab.NORMAL_STATUS, vocab.JOINING_STATUS) or moved_out:
        if moved_out is None:  # a change without a month: no month can be judged
            last = dues_last = 0
            left = True
        elif moved_out[0] < year:
            last = dues_last = 0
        elif moved_out[0] == year:
            last, left = moved_out[1], True
            dues_last = last if status in ("转出", vocab.NORMAL_STATUS, vocab.JOINING_STATUS) else last - 1
    return Membership(range(first, last + 1), range(dues_first, dues_last + 1), last == 12 and first <= 12,
                      joined, left)


def memberships(ledgers: Ledgers) -> dict[str, Membership]:
    """Each roster name's membership (the first row of a name that appears twice)."""
    out: dict[str, Membership] = {}
    for member in roster(ledgers):
        out.setdefault(member["姓名"], membership(member, ledgers.year))
    return out


def year_end_members(ledgers: Ledgers) -> list[Record]:
    """Roster members still in the branch at the end of the year (党员.总数 counts these)."""
    return [m for m in roster(ledgers) if membership(m, ledgers.year).at_year_end]


def year_members(ledgers: Ledgers) -> list[Record]:
    """Roster members who belonged to the branch for some part of the year (also those who
    left, even without a month): the people whose study notes the year's figures hold."""
    out = []
    for member in roster(ledgers):
        span = membership(member, ledgers.year)
        if span.months or span.left or span.at_year_end:
            out.append(member)
    return out


def full_members(ledgers: Ledgers) -> list[Record]:
    """Year-end members who are 正式党员 (a blank 人员类别 counts as 正式)."""
    return [m for m in year_end_members(ledgers) if m["人员类别"] in (None, "正式党员")]
