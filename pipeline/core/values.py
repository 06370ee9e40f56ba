"""Parsing the values people type: dates, months, numbers, names, headers.

Each parser returns a value or raises `ValueError` with a Chinese reason; the caller turns
that into a row error. Nothing is ever guessed: a form not listed here is an error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers that are plausible dates (1954..2064); others are not taken as dates.
SERIAL_MIN, SERIAL_MAX = 20000, 60000

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space


def half_width(text: str) -> str:
    """Full-width ASCII forms (digits, letters, punctuation) to their half-width forms."""
    return text.translate(_FULLWIDTH)


# Every character that shows as (or hides as) white space: ordinary, tab and line breaks,
# no-break (U+00A0, pasted from web pages), the U+2000 family, ideographic (U+3000) and the
# invisible ones (zero-width U+200B-U+200D, word joiner U+2060, byte-order mark U+FEFF).
SPACES = (" \t\n\r\v\f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200E)))
          + "\u2028\u2029\u202f\u205f\u2060\u3000\ufeff")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE = re.compile(f"[{SPACES}]+")
# Inside a value: invisible characters go, and a run of spaces other than the ideographic one
# (a line break, a tab, a pasted no-break space) becomes one ordinary space.
_INNER_SPACE = re.compile(f"[{''.join(c for c in SPACES if c not in _INVISIBLE + chr(0x3000))}]+")
_DROP_INVISIBLE = {ord(c): None for c in _INVISIBLE}
_UNIT_SUFFIX = re.compile(r"[（(][^（）()]*[）)]$")


def plain(value) -> str:
    """A cell as text for parsing: half-width, invisible characters dropped, spaces trimmed."""
    return half_width(str(value)).translate(_DROP_INVISIBLE).strip(SPACES)


def no_spaces(value) -> str:
    """A cell as text with every kind of space removed (for comparing short labels)."""
    return _SPACE.sub("", str(value))


def header_text(value) -> str:
    """A header cell as text; a date cell (Excel turns a typed `2023-01` into one) names its month."""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year}年{value.month}月"
    if value is None:
        return ""
    return _SPACE.sub("", str(value))


def norm_header(value) -> str:
    """A header cell as compared with the vocabularies: no spaces, half-width, no unit or colon."""
    text = half_width(header_text(value)).lstrip("*※★")  # `*日期` marks a required column
    text = _UNIT_SUFFIX.sub("", text.rstrip(":："))
    return text.replace("（", "(").replace("）", ")")


_UNIT_TEXT = re.compile(r"[（(]([^（）()]*)[）)]\s*$")


def header_unit(value) -> str:
    """The unit a header names in trailing brackets (`学习笔记（万字）` -> `万字`), or ""."""
    m = _UNIT_TEXT.search(plain(value or ""))
    return _SPACE.sub("", m[1]) if m else ""


# A header unit that scales the numbers typed under it (`（万字）`, `（万元）`).
UNIT_SCALES = {"万": 10000, "千": 1000, "百": 100}


def norm_key(value) -> str:
    """A value compared with a vocabulary (types, categories): no spaces, half-width, lower."""
    return _SPACE.sub("", half_width(str(value))).lower()


# The middle dots of minority and foreign names as typed (· • ・ ． ‧ ∙ ⋅ ･ and a full stop).
_DOTS = str.maketrans({c: "·" for c in "•・．‧∙⋅･.·"})
_ROLE = re.compile(r"[（(][^（()）]*[)）]")


def fold_name(name) -> str:
    """A name as compared with the roster: middle-dot variants made one (`阿依•古丽` is
    `阿依·古丽`), a role or remark in brackets dropped (`张三（书记）` is 张三), spaces dropped."""
    return _SPACE.sub("", _ROLE.sub("", str(name or "")).translate(_DOTS))


def clean_text(value) -> str:
    """Text as typed, with every kind of space trimmed at the ends; inside, invisible characters
    dropped and a line break, tab or no-break space made one ordinary space (so `栽植核桃树`
    and `栽植核桃树\xa0` are one item)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip(SPACES)
    # isprintable() is False for every space but the ordinary one (and for line breaks, tabs and
    # invisible characters): a fast test that nearly every cell passes.
    if not text.isprintable() or "  " in text:
        text = _INNER_SPACE.sub(" ", text.translate(_DROP_INVISIBLE))
    return text


def is_blank(value) -> bool:
    """Empty, None, or only spaces of any kind."""
    if value.__class__ is str:
        return not value or not value.strip(SPACES)
    return value is None


def has_content(row: list, columns) -> bool:
    """Whether any of `columns` (0-based, ascending) holds something in `row` (is_blank inlined:
    the ledgers' row scans call this once per row)."""
    width = len(row)
    for c in columns:
        if c < width and (value := row[c]) != "" and (value.strip(SPACES) if value.__class__ is str
                                                        else value is not None):
            return True
    return False


# ---------------------------------------------------------------- dates

_DATE_FULL = re.compile(r"^(\d{4})\s*(?:年|[./\-])\s*(\d{1,2})\s*(?:月|[./\-])\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_NOYEAR = re.compile(r"^(\d{1,2})\s*(?:月|[./\-])\s*(\d{1,2})\s*日?$")
_MONTH_FULL = re.compile(r"^(\d{4})\s*(?:年|[./\-])\s*(\d{1,2})\s*月?$")
_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_TIME_TAIL = re.compile(r"[\sT]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def _make_date(y: int, m: int, d: int, text: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"不是有效的日期（{y}年没有{m}月{d}日）") from None


def serial_to_date(serial: float) -> dt.date:
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


# A time of day after the date (`上午`, `9:00`, `14时30分`) says nothing about the day.
_DAY_TIME_TAIL = re.compile(r"(?:\s*(?:上午|下午|晚上|中午|早上|傍晚))?\s*(?:\d{1,2}\s*[:：时点]\s*(?:\d{1,2}\s*分?)?)?\s*$")
# A weekday, in brackets or not: `（周日）`, ` 星期日`, `周日`.
_WEEKDAY = re.compile(r"\s*[（(]?\s*(?:周|星期|礼拜)[一二三四五六日天七]\s*[）)]?\s*")
_SPAN = re.compile(r"\s*(?:至|到|~|～|—|–)\s*")


def parse_date(value, year: int | None) -> dt.date:
    """A day: date cells, Excel serials, and the text forms listed in the README (各台账填什么).

    Year-less forms (`3月5日`, `3.5`) take `year`, the report year; a span is dated by its
    first day and a time of day after the date is ignored.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_MIN <= value <= SERIAL_MAX:
            return serial_to_date(value)
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)), year)
        if 1 <= value < 13 and not float(value).is_integer():
            # `3.5` typed into a General cell became the number 3.5; 3.10 would show as 3.1,
            # so a one-digit day of 1-3 cannot be told from 10-30 and is not guessed.
            day_text = repr(float(value)).partition(".")[2]
            if len(day_text) == 1 and day_text in "123":
                raise ValueError("日期被 Excel 存成了数字，无法确定是几日（如 3.10 会显示为 3.1）")
            return parse_date(f"{int(value)}.{day_text}", year)
        raise ValueError("不是日期")
    # A leading apostrophe (a text export) and a weekday say nothing about the day.
    text = _SPAN.split(plain(value).lstrip("'‘`"), maxsplit=1)[0]
    text = _WEEKDAY.sub(" ", text).strip()
    if _CN_NUMERAL.search(text):
        text = _CN_NUMERAL.sub(_cn_number, text)  # 二〇二三年三月二十五日
    text = _TIME_TAIL.sub("", text).replace("号", "日")
    text = _DAY_TIME_TAIL.sub("", text) if not _DATE_COMPACT.match(text) else text
    found = _day(text, year)
    if found is None and (m := _RANGE_TAIL.search(text)):
        found = _day(text[:m.start()], year)  # 3月25日-26日, 2023.3.25-26: the first day
    if found is None:
        raise ValueError("无法识别的日期")
    return found


# The end of a span written with a hyphen (`-26日`, `-3.26`, `-2023年3月26日`); tried only when the
# whole text is not a date, since `2023-03-25` uses the hyphen inside the date.
_RANGE_TAIL = re.compile(r"\s*[-－]\s*(?:\d{4}\s*(?:年|[./\-])\s*)?(?:\d{1,2}\s*(?:月|[./\-])\s*)?\d{1,2}\s*日?$")
_CN_NUMERAL = re.compile(r"[〇零○Ｏ一二两三四五六七八九十廿卅]+")


def _cn_number(m: re.Match) -> str:
    """Chinese numerals in a date as digits: a year digit by digit (二〇二三), a month or day by
    value (十二, 二十五, 廿五)."""
    text = m.group()
    units = [c for c in text if c in "十廿卅"]
    if not units:
        return f"{cn_numeral(text):0{len(text)}d}"  # digit by digit, so 〇三 stays 03
    before, _, after = text.partition(units[0])
    if len(units) > 1 or len(before) > 1 or len(after) > 1:
        return text  # not a month or day: left as typed, and so not a date
    # A digit before 十 counts its tens (二十); 廿 and 卅 are tens by themselves.
    tens = cn_numeral(before) * 10 if units[0] == "十" and before else cn_numeral(units[0])
    return str(tens + (cn_numeral(after) if after else 0))


def _day(text: str, year: int | None) -> dt.date | None:
    """The day `text` names in one of the listed forms, or None."""
    if m := _DATE_FULL.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _DATE_COMPACT.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _DATE_NOYEAR.match(text):
        if year is None:
            raise ValueError("日期缺少年份，且无法确定报告年度")
        return _make_date(year, int(m[1]), int(m[2]), text)
    if re.fullmatch(r"\d+(\.0+)?", text):
        serial = float(text)
        if SERIAL_MIN <= serial <= SERIAL_MAX:
            return serial_to_date(serial)
    return None


def parse_month(value) -> tuple[int, int]:
    """A year-month (出生年月, 入党时间): `1975.01`, `1975年1月`, `1975-01`, `197501`, dates."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year, value.month
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_MIN <= value <= SERIAL_MAX:
            d = serial_to_date(value)
            return d.year, d.month
        if 190001 <= value <= 210012 and float(value).is_integer():
            value = str(int(value))
        elif 1900 <= value < 2101:
            # 1975.01 typed into a number cell: the decimals as Excel shows them are the
            # month (1975.10 shows as 1975.1 and so reads as January, like the typed text).
            year_text, _, month_text = repr(float(value)).partition(".")
            year, month = int(year_text), int(month_text or 0)
            if 1 <= month <= 12:
                return year, month
            raise ValueError("无法识别的年月")
        else:
            raise ValueError("无法识别的年月")
    text = _TIME_TAIL.sub("", plain(value))
    if _CN_NUMERAL.search(text):
        text = _CN_NUMERAL.sub(_cn_number, text)  # 一九七五年一月
    for pattern in (_MONTH_FULL, _MONTH_COMPACT):
        if m := pattern.match(text):
            y, mo = int(m[1]), int(m[2])
            if 1 <= mo <= 12 and 1900 <= y <= 2100:
                return y, mo
            raise ValueError("不是有效的年月")
    try:
        d = parse_date(text, None)
    except ValueError:
        raise ValueError("无法识别的年月") from None
    return d.year, d.month


# ---------------------------------------------------------------- numbers

_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_CURRENCY = re.compile(r"^(?:¥|￥|RMB|人民币)")


def parse_number(value) -> tuple[float | int, bool]:
    """A number and whether it was approximate (`1500余`).

    Accepts numeric cells, `7,250`, full-width digits, units (`50元`, `¥50`, `1500棵`),
    `万` (`1.2万` = 12000) and `余`/`多`. Whole values come back as int.
    """
    if isinstance(value, bool):
        raise ValueError("不是数字")
    if isinstance(value, (int, float)):
        return _whole(value), False
    text = _SPACE.sub("", plain(value)).replace(",", "").replace("，", "")
    text = _CURRENCY.sub("", text)
    approx = False
    if text.startswith(("约", "大约")):
        text, approx = text.removeprefix("大").removeprefix("约"), True
    # Strip a unit word at the end, but keep 万/千/余 which change the value's meaning
    # (千克, 千米, 百分 are units, not multiples).
    m = re.match(r"^([-+]?[\d.]+)\s*(万|亿|千(?![克米瓦])|百(?![分米]))?\s*(余|多)?(.*)$", text)
    if not m or not _NUMBER.match(m[1]):
        raise ValueError("无法识别的数字")
    multiplier = _MULTIPLES.get(m[2], 1)
    if m[3]:
        approx = True
    tail = m[4]
    if tail and re.search(r"\d", tail):
        raise ValueError("无法识别的数字")
    number = float(m[1]) * multiplier
    return _whole(round(number, 6)), approx


_MULTIPLES = {"万": 10000, "亿": 100000000, "千": 1000, "百": 100}


def _whole(number):
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def parse_int(value) -> int:
    number, _ = parse_number(value)
    if not float(number).is_integer():
        raise ValueError("应为整数")
    return int(number)


# ---------------------------------------------------------------- lists, quarters, months



_LIST_SEPARATORS = re.compile(r"[、，,;；/]+")


def clean_name(value) -> str:
    """A person's name without the spaces typed to align two-character names (`张　三`) or a
    courtesy `同志` after it."""
    return _SPACE.sub("", clean_text(value)).removesuffix("同志") or "同志"


def split_names(value) -> list[str]:
    """Names listed in one cell, in order, without empties.

    Separators are 、，,;；/ and white space; a piece whose space-separated parts are single
    characters is one aligned name (`张 三` is 张三, not 张 and 三).
    """
    names = []
    for piece in _LIST_SEPARATORS.split(half_width(clean_text(value))):
        parts = piece.split()
        if len(parts) > 1 and any(len(p) == 1 for p in parts):
            names.append("".join(parts))
        else:
            names.extend(parts)
    return [n.removesuffix("同志") or n for n in names]


def parse_quarter(value) -> int:
    """`第一季度`, `一季度`, `Q1`, `1`, `2023年第1季度` -> 1..4."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value in (1, 2, 3, 4):
            return int(value)
        raise ValueError("季度应为1至4")
    text = _SPACE.sub("", plain(value)).upper()
    text = re.sub(r"^\d{4}年?度?", "", text)
    m = re.fullmatch(r"(?:第|Q)?([1-4一二三四])(?:季度|季)?", text)
    if not m:
        raise ValueError("无法识别的季度")
    return int(m[1]) if m[1].isdigit() else cn_numeral(m[1])


_MONTH_HEADER = re.compile(r"^(?:(\d{4})(?:年|[-./]))?(\d{1,2}|十[一二]?|[一二三四五六七八九])月?(?:份)?$")


def month_of_header(header: str) -> tuple[int | None, int] | None:
    """A wide dues column header naming a month: `1月`, `一月`, `01月`, `2023年1月`, `2023-01`."""
    m = _MONTH_HEADER.match(header)
    if not m:
        return None
    raw = m[2]
    if raw.isdigit():
        if not header.endswith(("月", "份")) and m[1] is None:
            return None  # a bare number is not a month header
        month = int(raw)
    else:
        if not header.endswith(("月", "份")):
            return None
        month = cn_numeral(raw)
    if not 1 <= month <= 12:
        return None
    return (int(m[1]) if m[1] else None), month


def parse_pay_month(value, year: int | None) -> tuple[int | None, int]:
    """The month a due is paid for: `1月`, `一月`, `2023-01`, `2023年1月`, a date, or 1..12."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 12:
            return None, int(value)
        if (190001 <= value <= 210012 and float(value).is_integer()) or 1900 <= value < 2101:
            return parse_month(value)  # 202301, or 2023.01 typed into a number cell
        d = parse_date(value, year)
        return d.year, d.month
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year, value.month
    text = norm_header(value)
    if (found := month_of_header(text)) is not None:
        return found
    try:
        return parse_month(text)
    except ValueError:
        pass
    d = parse_date(text, year)
    return d.year, d.month


# ---------------------------------------------------------------- Chinese numerals, ordering

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "廿": 20, "卅": 30, "百": 100}


def cn_numeral(text: str) -> int:
    """The value of a Chinese numeral: digit by digit where no 十, 廿, 卅 or 百 is written
    (二〇二三 = 2023), else by place (十二 = 12, 二十五 = 25, 廿五 = 25, 一百零五 = 105). The one
    reader of 一二三… (dates, months, quarters, sheet periods, sorting); ValueError for any other text."""
    if not text:
        raise ValueError("不是中文数字：空白")
    total = current = 0
    for ch in text:
        unit = _CN_UNITS.get(ch)
        if unit is not None:
            total += (current or 1) * unit
            current = 0
        elif (digit := _CN_DIGITS.get(ch)) is not None:
            current = current * 10 + digit
        else:
            raise ValueError(f"不是中文数字：{text}")
    return total + current


_NUMERALS = re.compile(r"\d+|[一二三四五六七八九十百零〇两]+")


def natural_key(name: str) -> list:
    """Sort 第二党支部 before 第十党支部 and 支部2 before 支部10 (numbers, Arabic or Chinese, by value)."""
    key: list = []
    last = 0
    for m in _NUMERALS.finditer(name):
        key += [(0, name[last:m.start()])] if m.start() > last else []
        text = m.group()
        key.append((1, int(text) if text.isdigit() else cn_numeral(text)))
        last = m.end()
    return key + ([(0, name[last:])] if last < len(name) else [])


# ---------------------------------------------------------------- nested lookups

def dig(data: Any, *keys: str) -> Any:
    """`data[k1][k2]…`, None where a level is missing or is not a mapping (metrics read by path)."""
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BREAKING = frozenset(("Cc", "Zl", "Zp"))  # control characters and line/paragraph separators


def printable(name: str) -> str:
    """A file or folder name as shown to people: control characters (a line break in a name
    would forge a console line or break a table) written as visible escapes such as \\n."""
    if name.isprintable():
        return name
    return "".join(_ESCAPES.get(ch, f"\\u{ord(ch):04x}") if unicodedata.category(ch) in _BREAKING else ch
                   for ch in name)
