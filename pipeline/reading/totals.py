"""Totals rows (合计, 小计, 汇总 …): the labels they carry and the rows that are one, so a
sum typed under a ledger is counted as a totals row and never as a record."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from pipeline.core import vocab
from pipeline.core.values import is_blank, no_spaces, parse_number

# A totals label: a totals word on its own (合计, 小计, 总计, 共计), optionally after a period or
# page word (本页合计, 全年合计, 第二季度小计), a unit in brackets (合计（元）) or a colon and a
# figure (合计：4人). `党员自愿捐款合计 3200元` names a thing: it is data.
TOTAL_LABEL = re.compile(
    r"^(?:" + "|".join(vocab.TOTAL_PREFIXES) + r")?(?:" + "|".join(vocab.TOTAL_MARKERS) + r")"
    r"(?:[（(][^）)]{0,6}[)）])?(?:[:：]?(?:[约]?\d[\d.,]*[万千]?[余多]?[^\d]{0,2})?)?[:：]?$")


# The last characters of the totals words (计 for all four): a row without one is no totals row.
TOTAL_HINT = re.compile("[" + "".join(sorted({re.escape(word[-1]) for word in vocab.TOTAL_MARKERS})) + "]")


def _is_total(value) -> bool:
    """A cell holding a totals label (see TOTAL_LABEL), spaces of any kind ignored."""
    return value.__class__ is str and bool(TOTAL_LABEL.match(no_spaces(value)))


def is_totals_row(row: list, unit_columns: AbstractSet[int]) -> bool:
    """A totals row: its first text cell is a totals label, and every other filled cell is a
    figure (a number, `4人`, `3200元`, `/`) or a unit; any other text or a date makes it a record."""
    label = ""
    for index, value in enumerate(row):
        kind = value.__class__
        if kind is str:
            if index in unit_columns or is_blank(value):
                continue
            if label:
                # A label merged across cells repeats in each of them.
                if value == label or _figure(value) or no_spaces(value) in vocab.NONE_MARKS:
                    continue
                return False
            if TOTAL_HINT.search(value) and _is_total(value):
                label = value
                continue
            return False  # text before any totals label: a record
        if value is not None and kind not in (int, float):
            return False  # a date or time: record content
    return bool(label)


def totals_label(row: list) -> str:
    """The totals label of a totals row, spaces removed ("" when there is none)."""
    return next((no_spaces(v) for v in row if _is_total(v)), "")


_COUNT_PREFIX = re.compile(r"^(?:共计|合计|总计|共|计)[:：]?")


def _figure(text: str) -> bool:
    """A figure as totals rows write them: `12`, `3200元`, `共60次`, `合计：4人`."""
    try:
        parse_number(_COUNT_PREFIX.sub("", no_spaces(text)))
    except ValueError:
        return False
    return True
