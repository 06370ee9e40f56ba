"""Tests for pipeline.core.cnfmt: Chinese figure, date and list formatting used as Jinja filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import jinja2
import pytest

from pipeline.core.cnfmt import (
    FILTERS,
    approx,
    cn_date,
    cn_month,
    enum,
    heading,
    join_cn,
    money,
    number,
    ordinal,
    quantity,
    subheading,
    wan,
    wanyuan,
)

NUMERIC_FUNCS = [approx, wan, money, wanyuan, number]
INDEX_FUNCS = [ordinal, heading, subheading, enum]


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0"),
        (8, "8"),
        (9, "9"),
        (9.5, "9.5"),
        (10, "10"),
        (11, "10余"),
        (50, "50"),
        (57, "50余"),
        (57.9, "50余"),
        (99, "90余"),
        (100, "100"),
        (126, "120余"),
        (999, "990余"),
        (1000, "1000"),
        (1523, "1500余"),
        (1500, "1500"),
        (1500.0, "1500"),
        (1500.5, "1500余"),
        (9999, "9900余"),
        (10000, "1万"),
        (10001, "1万余"),
        (30512, "3万余"),
        (30512.0, "3万余"),
        (30000, "3万"),
        (125000, "12万余"),
        (100000, "10万"),
        (99999999, "9999万余"),
        (100000000, "1亿"),
        (230000000, "2亿余"),
        (200000000, "2亿"),
        (Decimal("30512"), "3万余"),
        (Decimal("1523.00"), "1500余"),
        (Decimal("1500.00"), "1500"),
        (Decimal("8"), "8"),
    ],
)
def test_approx(n, expected):
    assert approx(n) == expected


@pytest.mark.parametrize("n", [-1, -0.5, Decimal("-57")])
def test_approx_rejects_negative(n):
    with pytest.raises(ValueError):
        approx(n)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (12000, "1.2万"),
        (30000, "3万"),
        (2800000, "280万"),
        (9999, "9999"),
        (9999.5, "9999.5"),
        (10000, "1万"),
        (12345, "12345"),  # 1.2345万 would need rounding: the exact figure instead
        (14280, "14280"),
        (12345.0, "12345"),
        (Decimal("12000"), "1.2万"),
        (Decimal("12345.00"), "12345"),
        (12345.5, "12345.5"),
        (9999.996, "1万"),  # rounds to 10000.00 (cents), so printed in 万
        (0, "0"),
        (-12000, "-1.2万"),
    ],
)
def test_wan(n, expected):
    assert wan(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (5760, "5760"),
        (5760.0, "5760"),
        (5760.5, "5760.50"),
        (5760.456, "5760.46"),
        (5760.455, "5760.46"),  # half-up on the decimal figure, not the binary float
        (5760.454, "5760.45"),
        (5760.001, "5760"),
        (0.005, "0.01"),
        (0, "0"),
        (1234567, "1234567"),  # no thousands separators
        (Decimal("5760.50"), "5760.50"),
        (Decimal("5760.455"), "5760.46"),
        (Decimal("5760.00"), "5760"),
        (-5760.5, "-5760.50"),
        (-0.004, "0"),
    ],
)
def test_money(n, expected):
    assert money(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (7250, "7250元"),
        (7250.5, "7250.50元"),
        (9999, "9999元"),
        (9999.99, "9999.99元"),
        (10000, "1万元"),
        (12000, "1.2万元"),
        (12345, "12345元"),
        (14280, "14280元"),
        (14280.5, "14280.50元"),
        (2800000, "280万元"),
        (2800000.0, "280万元"),
        (Decimal("7250.5"), "7250.50元"),
        (Decimal("2800000"), "280万元"),
    ],
)
def test_wanyuan(n, expected):
    assert wanyuan(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (3, "3"),
        (3.0, "3"),
        (3.5, "3.5"),
        (3.50, "3.5"),
        (3.14159, "3.14"),
        (2.675, "2.68"),  # half-up on the decimal figure
        (30512, "30512"),
        (30512.0, "30512"),
        (0, "0"),
        (0.1, "0.1"),
        (100, "100"),
        (1e10, "10000000000"),  # never exponent form
        (Decimal("3.00"), "3"),
        (Decimal("3.50"), "3.5"),
        (Decimal("1E+3"), "1000"),
        (-3.5, "-3.5"),
        (-0.001, "0"),  # rounds to zero: never printed as -0
        (Decimal("-0"), "0"),
    ],
)
def test_number(n, expected):
    assert number(n) == expected


@pytest.mark.parametrize("func", NUMERIC_FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "bad", [None, "30512", True, float("nan"), float("inf"), Decimal("NaN"), [1]], ids=repr
)
def test_numeric_funcs_reject_non_numbers(func, bad):
    with pytest.raises(ValueError):
        func(bad)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"数量": 1500, "单位": "棵", "约数": True}, "1500余棵"),
        ({"数量": 280, "单位": "万元", "约数": False}, "280万元"),
        ({"数量": 12, "单位": "人"}, "12人"),
        ({"数量": 12.0, "单位": "人"}, "12人"),
        ({"数量": Decimal("3.50"), "单位": "公里"}, "3.5公里"),
        ({"数量": 40}, "40"),
        ({"数量": 40, "单位": ""}, "40"),
        ({"数量": 40, "单位": None}, "40"),
        ({"数量": 40, "约数": True}, "40余"),
    ],
)
def test_quantity(item, expected):
    assert quantity(item) == expected


@pytest.mark.parametrize(
    "item",
    [None, {}, {"单位": "棵"}, {"数量": None, "单位": "棵"}, {"数量": "1500"}, 1500, {"数量": 1, "单位": 5}],
    ids=repr,
)
def test_quantity_rejects_bad_input(item):
    with pytest.raises(ValueError):
        quantity(item)


@pytest.mark.parametrize(
    ("i", "expected"),
    [
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (35, "三十五"),
        (90, "九十"),
        (99, "九十九"),
    ],
)
def test_ordinal(i, expected):
    assert ordinal(i) == expected


@pytest.mark.parametrize(
    ("func", "i", "expected"),
    [
        (heading, 1, "一、"),
        (heading, 12, "十二、"),
        (subheading, 1, "（一）"),
        (subheading, 2, "（二）"),
        (subheading, 10, "（十）"),
        (enum, 1, "一是"),
        (enum, 3, "三是"),
        (enum, 11, "十一是"),
    ],
)
def test_heading_forms(func, i, expected):
    assert func(i) == expected


@pytest.mark.parametrize("func", INDEX_FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [0, -1, 100, None, 1.0, "1", True], ids=repr)
def test_ordinals_reject_bad_index(func, bad):
    with pytest.raises(ValueError):
        func(bad)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (dt.date(2023, 3, 5), "2023年3月5日"),
        (dt.date(2023, 12, 31), "2023年12月31日"),
        (dt.datetime(2023, 3, 5, 14, 30), "2023年3月5日"),
        ("2023-03-05", "2023年3月5日"),
        ("2023-11-20", "2023年11月20日"),
        (" 2023-03-05 ", "2023年3月5日"),
        ("2023-03-05T14:30:00", "2023年3月5日"),
    ],
)
def test_cn_date(d, expected):
    assert cn_date(d) == expected


@pytest.mark.parametrize("bad", [None, "", "2023/03/05", "2023-02-30", "三月五日", 20230305], ids=repr)
def test_cn_date_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        cn_date(bad)


@pytest.mark.parametrize(("m", "expected"), [(1, "1月"), (3, "3月"), (12, "12月")])
def test_cn_month(m, expected):
    assert cn_month(m) == expected


@pytest.mark.parametrize("bad", [0, 13, -1, None, "3", 3.0, True], ids=repr)
def test_cn_month_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        cn_month(bad)


@pytest.mark.parametrize(
    ("items", "last", "expected"),
    [
        (["中央", "省", "市"], None, "中央、省、市"),
        (["a", "b", "c"], "和", "a、b和c"),
        (["a", "b"], "和", "a和b"),
        (["a", "b"], None, "a、b"),
        (["a"], "和", "a"),
        (["a"], None, "a"),
        ([], None, ""),
        (("中央", "省"), "及", "中央及省"),
        (["a", "b", "c", "d"], "以及", "a、b、c以及d"),
    ],
)
def test_join_cn(items, last, expected):
    assert join_cn(items, last) == expected


def test_join_cn_default_last_is_comma():
    assert join_cn(["中央", "省", "市"]) == "中央、省、市"


@pytest.mark.parametrize("bad", [None, "中央", ["a", None], 5], ids=repr)
def test_join_cn_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        join_cn(bad)


def test_filters_keys_and_functions():
    assert list(FILTERS) == ["约数", "万", "金额", "万元", "数字", "数量", "序号", "大标题", "小标题", "一是",
                             "日期", "月份", "顿号"]
    assert FILTERS["约数"] is approx and FILTERS["顿号"] is join_cn and FILTERS["一是"] is enum


@pytest.fixture
def env():
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    environment.filters.update(FILTERS)
    return environment


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("{{ 30512|约数 }}字", {}, "3万余字"),
        ("{{ 2|小标题 }}", {}, "（二）"),
        ("{{ 1|大标题 }}基本情况", {}, "一、基本情况"),
        ("{{ 3|一是 }}", {}, "三是"),
        ("{{ 21|序号 }}", {}, "二十一"),
        ("{{ 12345|万 }}", {}, "12345"),
        ("{{ 12300|万 }}", {}, "1.23万"),
        ("{{ x|金额 }}元", {"x": 5760.5}, "5760.50元"),
        ("{{ x|万元 }}", {"x": Decimal("2800000")}, "280万元"),
        ("{{ 3.0|数字 }}", {}, "3"),
        ("{{ q|数量 }}", {"q": {"数量": 1500, "单位": "棵", "约数": True}}, "1500余棵"),
        ("{{ '2023-03-05'|日期 }}", {}, "2023年3月5日"),
        ("{{ 3|月份 }}", {}, "3月"),
        ("{{ xs|顿号 }}", {"xs": ["中央", "省", "市"]}, "中央、省、市"),
        ("{{ xs|顿号('和') }}", {"xs": ["a", "b", "c"]}, "a、b和c"),
        (
            "{% for s in xs %}{{ loop.index|一是 }}{{ s }}；{% endfor %}",
            {"xs": ["学", "做"]},
            "一是学；二是做；",
        ),
    ],
)
def test_filters_in_jinja_template(env, source, context, expected):
    assert env.from_string(source).render(**context) == expected


def test_jinja_none_raises(env):
    with pytest.raises(ValueError):
        env.from_string("{{ x|约数 }}").render(x=None)


@pytest.mark.parametrize("item,text", [
    ({"数量": 12000, "单位": "人次"}, "1.2万人次"),
    ({"数量": 30000, "单位": "棵", "约数": True}, "3万余棵"),
    ({"数量": 9999, "单位": "棵"}, "9999棵"),
    ({"数量": 12000, "单位": "万元"}, "12000万元"),
])
def test_quantity_uses_wan_for_large_figures(item, text):
    assert quantity(item) == text
