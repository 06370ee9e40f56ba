"""Cells: how each column type's cells are read (PARSERS, one parser per vocab ColumnType), what
a cell that cannot be read says, and the period or time of day a sheet name or date cell gives.

A parser returns the value, a Fallback (outside the vocabulary but usable: warned about), or
raises ValueError with a Chinese reason; the row reader makes that a row error. Nothing is guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.core import vocab
from pipeline.core.issues import IssueLog
from pipeline.core.names import ColumnType, IssueCode
from pipeline.core.values import (
    clean_name,
    clean_text,
    cn_numeral,
    half_width,
    norm_key,
    parse_date,
    parse_int,
    parse_month,
    parse_number,
    parse_pay_month,
    parse_quarter,
    split_names,
)
from pipeline.reading.readers import column_letter

_ACTIVITY = {norm_key(s): canon for canon, syns in vocab.ACTIVITY_TYPES.items() for s in (canon, *syns)}
_SPEAKER = {norm_key(s): canon for canon, syns in vocab.SPEAKER_CATEGORIES.items() for s in (canon, *syns)}
_CATEGORY = {norm_key(s): canon for canon, syns in vocab.MEMBER_CATEGORIES.items() for s in (canon, *syns)}
_NON_MEMBERS = {norm_key(s) for s in vocab.NON_MEMBERS}
_LEVEL = {norm_key(s): canon for canon, syns in vocab.LEVELS.items() for s in (canon, *syns)}
_PROBLEM = {norm_key(s): canon for canon, syns in vocab.PROBLEM_TYPES.items() for s in (canon, *syns)}
_SECTION = {norm_key(s): canon for canon, syns in vocab.SECTIONS.items() for s in (canon, *syns)}
_YES = {norm_key(s) for s in vocab.YES}
_NO = {norm_key(s) for s in vocab.NO}


@dataclass(frozen=True)
class Fallback:
    """A value outside the vocabulary that is still usable: warned about, then counted as
    `value`, or, with `exclude`, kept out of the figures."""

    value: object
    reason: str
    action: str
    exclude: bool = False
    code: IssueCode | None = None  # None: unknown_code of the column type


_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_JOINERS = re.compile("|".join(re.escape(j) for j in vocab.ACTIVITY_JOINERS))


_PERIOD_PREFIX = re.compile(r"^(?:\d{4}年度?)?(?:\d{1,2}月份?|第?[一二三四1-4]季度|[上下]半年)")


def _parse_activity(raw):
    """Canonical type, a tuple of types for combined activities, or 其他 with a warning."""
    key = norm_key(raw)
    if key in _ACTIVITY:
        return _ACTIVITY[key]
    bare = _PERIOD_PREFIX.sub("", _BRACKETS.sub("", key))  # `支委会（扩大）`, `3月份支委会`
    if bare in _ACTIVITY:
        return _ACTIVITY[bare]
    parts = [_ACTIVITY.get(p) for p in _JOINERS.split(bare) if p]
    if len(parts) > 1 and all(parts):
        return tuple(dict.fromkeys(parts))
    if key == norm_key(vocab.OTHER_ACTIVITY):
        return vocab.OTHER_ACTIVITY
    return Fallback(vocab.OTHER_ACTIVITY, "不是已知的活动类型，按“其他”统计",
                     f"如属于{'、'.join(list(vocab.ACTIVITY_TYPES)[:6])}等类型，请改用标准名称")


_IMPLIED_SPEAKER = {norm_key(s): canon for canon, names in vocab.ACTIVITY_SPEAKERS.items() for s in names}


def implied_speaker(raw) -> str | None:
    """The 主讲人类别 an activity name states (`书记讲党课`, `主题党日暨书记讲党课`), if any."""
    bare = _PERIOD_PREFIX.sub("", _BRACKETS.sub("", norm_key(raw)))
    for part in (bare, *_JOINERS.split(bare)):
        if part in _IMPLIED_SPEAKER:
            return _IMPLIED_SPEAKER[part]
    return None


def _parse_speaker(raw):
    found = _SPEAKER.get(norm_key(raw)) or _SPEAKER.get(_BRACKETS.sub("", norm_key(raw)))
    if found:
        return found
    return Fallback(vocab.UNSPECIFIED_SPEAKER, "不是已知的主讲人类别，按“未注明”统计",
                     f"请填写{'、'.join(vocab.SPEAKER_CATEGORIES)}之一")


def _parse_category(raw):
    key = norm_key(raw)
    if key in _CATEGORY:
        return _CATEGORY[key]
    if key in _NON_MEMBERS:
        return Fallback(None, "不是党员，不计入党员人数", "如确为党员，请把人员类别改为“正式党员”或“预备党员”",
                         exclude=True)
    raise ValueError(f"不是可识别的人员类别（可填：{'、'.join(vocab.MEMBER_CATEGORIES)}）")


def _parse_level(raw) -> tuple[str, ...]:
    """One or more adoption levels (`省、市` counts at both), each canonical."""
    levels = [_one_level(part) for part in re.split("[、,，/;；和及]", str(raw)) if part.strip()]
    return tuple(dict.fromkeys(levels))


def _one_level(raw) -> str:
    key = _BRACKETS.sub("", norm_key(raw))
    if key in _LEVEL:
        return _LEVEL[key]
    for synonym, level in sorted(_LEVEL.items(), key=lambda kv: -len(kv[0])):
        if key.startswith(synonym):  # `省级媒体`, `市委网站`
            return level
    raise ValueError(f"不是可识别的采用级别（可填：{'、'.join(vocab.LEVELS)}）")


_RECTIFY = {norm_key(s): canon for canon, syns in vocab.RECTIFY_STATUS.items() for s in (canon, *syns)}
_OPEN_DEADLINES = {norm_key(s) for s in vocab.OPEN_DEADLINES}
_BEFORE = re.compile(r"(?:月底|月末|底|末)?(?:前|以前|之前)?$")


def parse_deadline(raw, year: int | None):
    """完成时限: a day, or a month (`2022年6月底前` = its last day); `长期坚持` is no deadline (None)."""
    if norm_key(raw) in _OPEN_DEADLINES:
        return None
    try:
        return parse_date(raw, year)
    except ValueError:
        pass
    text = _BEFORE.sub("", half_width(str(raw)).strip()) if isinstance(raw, str) else raw
    y, m = parse_month(text)
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _lookup(table: dict, value, what: str, choices) -> str:
    found = table.get(norm_key(value))
    if found is None:
        raise ValueError(f"不是可识别的{what}（可填：{'、'.join(choices)}）")
    return found


def _parse_yesno(value):
    """是/否 and their synonyms; `省级采用`, `市级`, `已采用（县委办）` also say yes, and which level
    (returned as the levels tuple, for the 采用级别 column to fall back on)."""
    key = norm_key(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    bare = _BRACKETS.sub("", key)
    if bare in _YES:
        return True
    try:
        return _parse_level(bare.replace("采用", "").replace("录用", "") or "×")
    except ValueError:
        raise ValueError("应填“是”或“否”") from None


def _parse_remit(raw, year: int | None):
    """A 上缴 cell: 是/否 (or √), a date it was handed on (yes), or the amount handed on."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)  # an amount (a date cell arrives as a date, not a number)
    key = norm_key(raw)
    if key in _YES:
        return True
    if key in _NO:
        return False
    try:
        return parse_date(raw, year) and True
    except ValueError:
        pass
    try:
        return float(parse_number(raw)[0])
    except ValueError:
        raise ValueError("应填“是”“否”、上缴日期或上缴金额") from None


# ---------------------------------------------------------------- membership status

_STATUS = {norm_key(s): canon for canon, syns in vocab.MEMBER_STATUS.items() for s in (canon, *syns)}
# Words that state a change inside free text (备注): the general 增加/减少/无 are left out.
_CHANGE_WORDS = sorted(((norm_key(s), canon) for canon, syns in vocab.MEMBER_STATUS.items()
                        if canon != vocab.NORMAL_STATUS for s in (canon, *syns)
                        if s not in ("增加", "减少", "新增")), key=lambda kv: -len(kv[0]))
_YEAR_MONTH = re.compile(r"(\d{4})\s*(?:年|[./\-．])\s*(\d{1,2})(?!\d)")
_YEAR_ONLY = re.compile(r"(?<!\d)(\d{4})\s*年?(?!\d)")


def change_in_text(text: str) -> tuple[str, tuple[int, int] | None] | None:
    """(status, (year, month) or None) stated in a cell (`2023年6月转出`), or None."""
    key = norm_key(text)
    found = next((canon for word, canon in _CHANGE_WORDS if word in key), None)
    if found is None:
        return None
    m = _YEAR_MONTH.search(str(text))
    if m and 1 <= int(m[2]) <= 12:
        return found, (int(m[1]), int(m[2]))
    year = _YEAR_ONLY.search(str(text))
    return found, (int(year[1]), 0) if year else None  # month 0: the year alone


def _parse_status(raw):
    """党员名册.状态: (canonical status, (year, month) written in the cell or None)."""
    key = norm_key(raw)
    if key in _STATUS:
        return (_STATUS[key], None)
    found = change_in_text(str(raw))
    if found:
        return found
    return Fallback((vocab.NORMAL_STATUS, None), "不是已知的党员状态，按正常在册统计",
                     f"请填写{'、'.join(vocab.MEMBER_STATUS)}之一")


def _maybe_october(raw, month, what: str, example: str):
    """A year-month typed into a number cell as 1975.10 is stored as 1975.1 and read as January:
    keep that reading, but say so."""
    if isinstance(raw, float) and raw > 1900 and repr(raw).endswith(".1"):
        return Fallback(month, f"{what}存成了数字，按1月计（10月也会显示为这个数字）",
                         f"如果是10月，请把该列设为文本后写 {example}", code=IssueCode.AMBIGUOUS_MONTH)
    return month


def _parse_int(raw, year: int | None) -> int:
    text = clean_text(raw)
    for suffix in ("年度", "年", "人", "名", "次"):
        text = text.removesuffix(suffix)
    return parse_int(text)


# How each column type is read: (raw cell, report year) -> the value, a Fallback, or ValueError.
# The approximate flag of numbers travels with the value: (number, is_approx).
PARSERS: dict[ColumnType, Callable[[Any, int | None], Any]] = {
    ColumnType.TEXT: lambda raw, year: clean_text(raw),
    ColumnType.DATE: parse_date,
    ColumnType.ANYDATE: parse_date,
    ColumnType.MONTH: lambda raw, year: _maybe_october(raw, parse_month(raw), "年月", "1975.10"),
    ColumnType.NUMBER: lambda raw, year: parse_number(raw),
    ColumnType.INT: _parse_int,
    ColumnType.NAMES: lambda raw, year: tuple(split_names(raw)),
    ColumnType.NAME: lambda raw, year: clean_name(raw),
    ColumnType.ACTIVITY: lambda raw, year: _parse_activity(raw),
    ColumnType.SPEAKER: lambda raw, year: _parse_speaker(raw),
    ColumnType.CATEGORY: lambda raw, year: _parse_category(raw),
    ColumnType.YESNO: lambda raw, year: _parse_yesno(raw),
    ColumnType.LEVEL: lambda raw, year: _parse_level(raw),
    ColumnType.PROBLEM: lambda raw, year: _lookup(_PROBLEM, raw, "类型", vocab.PROBLEM_TYPES),
    ColumnType.QUARTER: lambda raw, year: parse_quarter(raw),
    ColumnType.SECTION: lambda raw, year: _lookup(_SECTION, raw, "板块", vocab.SECTIONS),
    ColumnType.REMIT: _parse_remit,
    ColumnType.STATUS: lambda raw, year: _parse_status(raw),
    ColumnType.RECTIFY: lambda raw, year: _lookup(_RECTIFY, raw, "完成情况", vocab.RECTIFY_STATUS),
    ColumnType.DEADLINE: parse_deadline,
    ColumnType.PAYMONTH: lambda raw, year: _maybe_october(raw, parse_pay_month(raw, year), "所属月份", "2023.10"),
}


def parse_cell(ctype: ColumnType, raw, year: int | None):
    """Parse one cell by its column type (PARSERS)."""
    return PARSERS[ctype](raw, year)


# What to do about a cell its column type cannot read (a type not here: see the README).
ACTIONS: dict[ColumnType, str] = {
    ColumnType.DATE: "请写成 2023年3月5日 或 2023-03-05 这样的日期",
    ColumnType.NUMBER: "请填写数字（可带单位，如 50元、1500棵）",
    ColumnType.INT: "请填写整数",
    ColumnType.MONTH: "请写成 1975年1月 或 1975.01 这样的年月",
    ColumnType.PAYMONTH: "请写成 1月 或 2023年1月 这样的月份",
    ColumnType.QUARTER: "请写成 第一季度 或 1 至 4",
    ColumnType.YESNO: "请填写“是”或“否”",
    ColumnType.REMIT: "请填写“是”“否”、上缴日期或上缴金额",
    ColumnType.DEADLINE: "请写成 2023年6月30日、2023年6月底前 或 长期坚持",
}


# ---------------------------------------------------------------- cells that cannot be read

_FORMULA_REASON = "单元格是公式但没有计算结果（文件可能由程序生成、未在 Excel/WPS 中保存过）"
_FORMULA_ACTION = "请用 Excel/WPS 打开该文件、保存后再运行，或把公式改为数值"
NEGATIVE = ("是负数", "请核对；如果是退还或冲销，请在备注中说明")  # (reason, action)


def warn_negative(log: IssueLog, file: str, sheet: str, row: int, header: str, raw) -> None:
    """A negative amount is read, but a refund or write-off should say so."""
    log.warning(file, *NEGATIVE, sheet=sheet, row=row, column=header, value=raw, code=IssueCode.NEGATIVE)


def bad_cell(log: IssueLog, sheet, r: int, index: int, header: str, error: str, warn: bool = False) -> None:
    """A formula cell with no value or an error value: never read as blank."""
    where = dict(sheet=sheet.name, row=r + 1, column=f"{header}（{column_letter(index)}{r + 1}）", col=index)
    if error:
        reason, action, code = (f"单元格是公式计算出的错误值 {error}", "请在 Excel/WPS 中改正该公式，或改为数值",
                                IssueCode.FORMULA_ERROR)
    else:
        reason, action, code = _FORMULA_REASON, _FORMULA_ACTION, IssueCode.FORMULA_NO_VALUE
    if warn:
        log.warning(sheet.file, reason + "，无法核对合计", action, code=code, **where)
    else:
        log.error(sheet.file, reason, action, code=code, **where)


# ---------------------------------------------------------------- periods and times in a key

_QUARTER_WORD = re.compile(r"第?([一二三四1-4])季度|[Qq]([1-4])(?![0-9])")
_HALF_WORD = re.compile(r"([上下])半年")
_MONTH_WORD = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?(?!\d)")


def sheet_period(name: str) -> tuple[str, int] | None:
    """The period a sheet's name gives (`第一季度` -> (季度, 1), `下半年` -> (半年, 2), `3月` ->
    (月, 3)): rows of different periods are different records even where all else is equal."""
    text = norm_key(name)
    if m := _QUARTER_WORD.search(text):
        digit = m[1] or m[2]
        return ("季度", int(digit) if digit.isdigit() else cn_numeral(digit))
    if m := _HALF_WORD.search(text):
        return ("半年", 1 if m[1] == "上" else 2)
    if m := _MONTH_WORD.search(text):
        return ("月", int(m[1]) if m[1].isdigit() else cn_numeral(m[1]))
    return None


_CLOCK = re.compile(r"(\d{1,2})\s*[:：时点]\s*(\d{1,2})?")
_MERIDIEM = re.compile("上午|下午|中午|晚上|早上|傍晚")


def time_of_day(raw) -> str:
    """A time of day written with a date (`上午`, `14:30`, `下午3时`), "" when none: two meetings
    on one day at different times are different meetings."""
    if hasattr(raw, "hour"):
        return f"{raw.hour}:{raw.minute:02d}" if (raw.hour, raw.minute) != (0, 0) else ""
    if raw.__class__ is not str:
        return ""
    text = raw
    # Drop the date itself so that `2023.3.5` or `3月5日` is not read as a clock time.
    text = re.sub(r"\d{4}\s*[年./\-]\s*\d{1,2}\s*[月./\-]\s*\d{1,2}\s*[日号]?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]?", " ", text)
    meridiem = _MERIDIEM.search(text)
    clock = _CLOCK.search(text)
    out = meridiem[0] if meridiem else ""
    if clock:
        out += f"{int(clock[1])}:{int(clock[2] or 0):02d}"
    return out
