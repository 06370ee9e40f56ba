"""Chinese number, date and list formatting for the report, registered as Jinja filters.

Every function is pure and strict: a None, a bool, text where a number belongs, NaN or
infinity raises ValueError, so a template never silently prints an empty or wrong figure.
Messages are Chinese because users read them verbatim.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

_CENT = Decimal("0.01")
_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)
_DIGITS = "零一二三四五六七八九"


def _to_decimal(n: object, what: str) -> Decimal:
    """Convert an int, float or Decimal to a finite Decimal; anything else is a ValueError.

    Floats go through repr so 5760.455 stays 5760.455 instead of its binary expansion.
    """
    if n is None:
        raise ValueError(f"{what}：值为空（None），无法输出")
    if isinstance(n, bool) or not isinstance(n, (int, float, Decimal)):
        raise ValueError(f"{what}：需要数字，得到 {type(n).__name__} {n!r}")
    try:
        d = Decimal(repr(n)) if isinstance(n, float) else Decimal(n)
    except InvalidOperation as exc:  # pragma: no cover - Decimal accepts every int/float repr
        raise ValueError(f"{what}：无法识别的数字 {n!r}") from exc
    if not d.is_finite():
        raise ValueError(f"{what}：不是有限数字 {n!r}")
    return d


def _plain(d: Decimal) -> str:
    """Print a Decimal in fixed point (never exponent form) without trailing zeros or '.0'."""
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def _round2(d: Decimal) -> Decimal:
    """Round half-up to cents, the precision every printed figure uses (never -0)."""
    d = d.quantize(_CENT, rounding=ROUND_HALF_UP)
    return d.copy_abs() if d.is_zero() else d


def _to_index(i: object, what: str) -> int:
    """Check a 1-based ordinal index: a real int from 1 to 99."""
    if i is None:
        raise ValueError(f"{what}：序号为空（None）")
    if isinstance(i, bool) or not isinstance(i, int):
        raise ValueError(f"{what}：序号必须是整数，得到 {type(i).__name__} {i!r}")
    if not 1 <= i <= 99:
        raise ValueError(f"{what}：序号须在 1 到 99 之间，得到 {i}")
    return i


def number(n: int | float | Decimal) -> str:
    """Print a figure plainly: whole values without '.0', otherwise at most 2 decimals.

    Used wherever a count or measure appears in the running text (3, 3.5, 30512).
    """
    return _plain(_round2(_to_decimal(n, "数字")))


def approx(n: int | float | Decimal) -> str:
    """Round a figure down and add 余 when something was dropped (57 -> 50余, 30512 -> 3万余).

    Reports quote loose figures this way; below 10 the exact figure is printed.
    """
    d = _to_decimal(n, "约数")
    if d < 0:
        raise ValueError(f"约数：不能为负数，得到 {n!r}")
    if d < 10:
        return number(d)
    if d < 1000:
        step, unit = Decimal(10), ""
    elif d < _WAN:
        step, unit = Decimal(100), ""
    elif d < _YI:
        step, unit = _WAN, "万"
    else:
        step, unit = _YI, "亿"
    whole = (d / step).to_integral_value(rounding=ROUND_DOWN)
    shown = whole if unit else whole * step
    rest = "余" if whole * step != d else ""
    return f"{_plain(shown)}{unit}{rest}"


def wan(n: int | float | Decimal) -> str:
    """Print a figure of 10000 or more in 万 when that is exact to 2 decimals (12000 -> 1.2万,
    2800000 -> 280万); otherwise the exact figure (12345 -> 12345): never a rounded amount.

    Smaller figures are printed plainly via `number`.
    """
    d = _round2(_to_decimal(n, "万"))
    if abs(d) < _WAN:
        return _plain(d)
    in_wan = d / _WAN
    if in_wan != in_wan.quantize(_CENT):
        return _plain(d)
    return f"{_plain(in_wan)}万"


def money(n: int | float | Decimal) -> str:
    """Print yuan with two decimals only when there are cents (5760, 5760.50), no separators.

    Official documents write 5760元, never 5,760.00元; rounding is half-up.
    """
    d = _round2(_to_decimal(n, "金额"))
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return f"{d:f}"


def wanyuan(n: int | float | Decimal) -> str:
    """Print an amount in yuan with its unit, exactly: 7250元, 14280元, 1.2万元, 280万元
    (万元 only where it loses nothing)."""
    d = _round2(_to_decimal(n, "万元"))
    shown = wan(d)
    return f"{shown}元" if shown.endswith("万") else f"{money(d)}元"


def quantity(item: dict) -> str:
    """Print a ledger quantity dict {"数量", "单位", "约数"} as e.g. 1500余棵, 280万元, 1.2万人次.

    The number is taken as already rounded; 约数 only appends 余 before the unit.
    """
    if not isinstance(item, dict):
        raise ValueError(f"数量：需要包含「数量」的字典，得到 {type(item).__name__} {item!r}")
    if "数量" not in item:
        raise ValueError(f"数量：字典缺少「数量」：{item!r}")
    unit = item.get("单位") or ""
    if not isinstance(unit, str):
        raise ValueError(f"数量：「单位」必须是文字，得到 {unit!r}")
    rest = "余" if item.get("约数") else ""
    unit = unit.strip()
    # Large figures in 万 as official prose writes them (12000人次 -> 1.2万人次), unless the
    # unit is already a multiple (280万元).
    shown = number(item["数量"]) if unit.startswith(("万", "亿")) else wan(item["数量"])
    return f"{shown}{rest}{unit}"


def ordinal(i: int) -> str:
    """Give the Chinese numeral for 1..99 (1 -> 一, 10 -> 十, 21 -> 二十一) for numbering."""
    i = _to_index(i, "序号")
    tens, ones = divmod(i, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "十" if tens == 1 else f"{_DIGITS[tens]}十"
    return head + (_DIGITS[ones] if ones else "")


def heading(i: int) -> str:
    """Give a top-level heading number such as 一、 (official document style)."""
    return f"{ordinal(_to_index(i, '大标题'))}、"


def subheading(i: int) -> str:
    """Give a second-level heading number such as （一） with full-width parentheses."""
    return f"（{ordinal(_to_index(i, '小标题'))}）"


def enum(i: int) -> str:
    """Give an in-paragraph enumeration word such as 一是, 二是."""
    return f"{ordinal(_to_index(i, '一是'))}是"


def cn_date(d: _dt.date | _dt.datetime | str) -> str:
    """Print a date, datetime or ISO string as 2023年3月5日 (no zero padding)."""
    if d is None:
        raise ValueError("日期：值为空（None），无法输出")
    if isinstance(d, str):
        text = d.strip()
        try:
            d = _dt.date.fromisoformat(text)
        except ValueError:
            try:
                d = _dt.datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(f"日期：无法识别的日期 {text!r}，应为 2023-03-05 的格式") from None
    if not isinstance(d, _dt.date):  # datetime is a subclass of date
        raise ValueError(f"日期：需要日期，得到 {type(d).__name__} {d!r}")
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(m: int) -> str:
    """Print a month number 1..12 as 3月."""
    if m is None:
        raise ValueError("月份：值为空（None），无法输出")
    if isinstance(m, bool) or not isinstance(m, int):
        raise ValueError(f"月份：需要整数，得到 {type(m).__name__} {m!r}")
    if not 1 <= m <= 12:
        raise ValueError(f"月份：须在 1 到 12 之间，得到 {m}")
    return f"{m}月"


def join_cn(items: list[str], last: str | None = None) -> str:
    """Join words with the enumeration comma 、, optionally joining the final pair with `last`.

    An empty list gives an empty string; a bare string or a None item is a ValueError.
    """
    if items is None:
        raise ValueError("顿号：列表为空（None），无法输出")
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise ValueError(f"顿号：需要词语列表，得到 {type(items).__name__} {items!r}")
    words = list(items)
    if any(w is None for w in words):
        raise ValueError(f"顿号：列表中有空值（None）：{words!r}")
    words = [str(w) for w in words]
    if last and len(words) >= 2:
        return "、".join(words[:-1]) + last + words[-1]
    return "、".join(words)


FILTERS: dict[str, Callable] = {
    "约数": approx,
    "万": wan,
    "金额": money,
    "万元": wanyuan,
    "数字": number,
    "数量": quantity,
    "序号": ordinal,
    "大标题": heading,
    "小标题": subheading,
    "一是": enum,
    "日期": cn_date,
    "月份": cn_month,
    "顿号": join_cn,
}
