"""Last year beside this year: the sample's 2021 predecessor (tools/make_sample.py --previous)
under `--previous`, as an outputs folder and as a ledgers folder."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.api import run_report
from pipeline.cli import cli
from pipeline.writing.wording import meetings_change
from pipeline.writing.wording import year_on_year_words as derived
from pipeline.years.previous import RECURRING, dues_across_years, recurring

ROOT = Path(__file__).resolve().parent.parent


def _make_sample():
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "tools" / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_sample = _make_sample()


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def years(tmp_path_factory) -> dict[str, Path]:
    """2021 ledgers and outputs; 2022 (the sample) reported against each."""
    base = tmp_path_factory.mktemp("years")
    ledgers_2021 = base / "台账2021"
    make_sample.write_previous(ledgers_2021)
    assert run_report(ledgers_2021, base / "输出2021", None)[0].report_written
    assert run_report(ROOT / "inputs", base / "输出2022", None, previous=base / "输出2021")[0].report_written
    assert run_report(ROOT / "inputs", base / "输出2022b", None, previous=ledgers_2021)[0].report_written
    return {"ledgers": ledgers_2021, "2021": base / "输出2021", "2022": base / "输出2022",
            "2022b": base / "输出2022b"}


def metrics(folder: Path) -> dict:
    return json.loads((folder / "metrics.json").read_text(encoding="utf-8"))


def test_the_2021_predecessor_has_its_own_figures(years):
    m = metrics(years["2021"])
    assert m["年度"] == 2021
    assert m["组织生活"]["党课"] == 8 and m["党课"]["书记"] == 3
    assert m["谈心谈话"]["次数"] == make_sample.PREV_TALKS == 8
    assert m["信息报送"]["报送篇数"] == 120 and m["信息报送"]["采用篇数"] == 15
    assert m["党费"]["实缴总额"] == make_sample.prev_dues_total() == 5530
    assert m["党费"]["欠缴"] == [{"姓名": "孙海涛", "月份": 10}, {"姓名": "孙海涛", "月份": 11},
                              {"姓名": "孙海涛", "月份": 12}]
    # 2021's 组织生活会 was held on 18 February 2022 (its topic says 2021年度); the talks before it
    # are in the 2022 ledgers, which this run does not read.
    assert [f["说明"] for f in m["检查发现"]] == [
        "7月主题党日在10日后召开（7月13日）", "支部委员王建国与张丽娟、王建国与刘志强、张丽娟与刘志强全年未开展谈心谈话",
        "郑欣怡全年未与支部委员开展谈心谈话", "全年没有党员和党员之间的谈心谈话记录",
        "2022年2月18日组织生活会当月及前1个月会前没有谈心谈话记录", "孙海涛10月、11月、12月未缴纳党费"]
    assert (m["组织生活"]["组织生活会"], m["组织生活"]["民主评议党员"]) == (1, 1)


def test_metrics_gain_last_year_and_the_change(years):
    m = metrics(years["2022"])
    same = metrics(ROOT / "outputs")
    # No existing key changes: the sample's metrics are the committed ones plus 同比, and two
    # findings more (the late 主题党日 and the 谈心谈话 pairings of 2021 recur in 2022).
    assert m["检查发现"][:-2] == same["检查发现"]
    # With last year given, no warning that last year's 整改 is missing (the sample alone has one).
    assert m["校验"] == {**same["校验"], "警告": same["校验"]["警告"] - 1}
    assert {k: v for k, v in m.items() if k not in ("同比", "检查发现", "校验")} == {
        k: v for k, v in same.items() if k not in ("检查发现", "校验")}
    yoy = m["同比"]
    assert yoy["上年度"] == 2021 and yoy["来源"] == str(years["2021"] / "metrics.json")
    assert yoy["上年"]["组织生活"]["党课"] == 8 and yoy["增减"]["组织生活"]["党课"] == 2
    assert yoy["上年"]["组织生活"]["支委会"] == 12 and yoy["增减"]["组织生活"]["支委会"] == 0
    assert yoy["上年"]["谈心谈话"] == {"次数": 8, "覆盖党员": 8}
    assert yoy["增减"]["谈心谈话"] == {"次数": 2, "覆盖党员": 1}
    assert yoy["上年"]["党费"] == {"实缴总额": 5530, "应缴总额": 5650}
    assert yoy["增减"]["党费"] == {"实缴总额": 230, "应缴总额": 110}
    assert yoy["上年"]["信息报送"] == {"报送篇数": 120, "采用篇数": 15,
                                   "按级别": {"中央": 0, "省": 0, "市": 15, "县": 0}}
    assert yoy["增减"]["信息报送"]["按级别"] == {"中央": 2, "省": 5, "市": -4, "县": 0}
    assert yoy["上年"]["党课"]["总数"] == 8 and yoy["增减"]["党课"]["书记"] == 1
    # 2021 had no 学习笔记检查 ledger: its 0s are not last year's figures.
    assert "学习" not in yoy["上年"] and "学习" not in yoy["增减"]
    assert set(yoy["上年"]) == {"组织生活", "主题党日", "党课", "谈心谈话", "党费", "信息报送", "党员"}


def test_the_report_says_how_the_year_compares(years):
    text = (years["2022"] / "report.md").read_text(encoding="utf-8")
    # 条例第十九条 not met (talks all through the secretary): no 和全体党员, the figures stay.
    assert "开展谈心谈话10次，较上年增加2次。" in text and "和全体党员开展谈心谈话" not in text
    assert ("全年召开支委会12次，党员大会4次，开展主题党日活动12次，讲党课10次。"
            "支委会、党员大会、主题党日活动次数与上年持平，讲党课较上年增加2次。") in text
    assert "全年共收党费5760元，较上年增加230元，已全部上缴。" in text
    assert ("全年撰写上报各类信息126篇，较上年增加6篇，"
            "被中央、省、市各类网站、报纸刊物、杂志所登载18篇（次），较上年增加3篇（次）。") in text
    assert "学习笔记3万余字，撰写" in text and "上年" not in text.split("学习笔记")[1].split("。")[0]


def test_last_years_ledgers_give_the_same_report(years):
    assert (years["2022"] / "report.md").read_text(encoding="utf-8") == \
        (years["2022b"] / "report.md").read_text(encoding="utf-8")
    assert metrics(years["2022b"])["同比"]["增减"] == metrics(years["2022"])["同比"]["增减"]


def test_without_previous_the_report_is_silent():
    text = (ROOT / "outputs" / "report.md").read_text(encoding="utf-8")
    assert "上年" not in text
    assert "同比" not in metrics(ROOT / "outputs")


def test_cli_previous_and_its_usage_errors(years, tmp_path):
    result = invoke("check", "--inputs", str(ROOT / "inputs"), "--previous", str(years["2021"]))
    assert result.exit_code == 0
    assert f"上年数字取自 {years['2021'] / 'metrics.json'}。" in result.output.splitlines()
    wrong = invoke("check", "--inputs", str(ROOT / "inputs"), "--previous", str(years["2022"]))
    assert wrong.exit_code == 2
    assert wrong.output.strip() == (f"错误：上年度输出 {years['2022'] / 'metrics.json'} 是2022年度的，本次报告是2022年度，"
                                    "应使用2021年度的输出文件夹")
    missing = invoke("report", "--inputs", str(ROOT / "inputs"), "--outputs", str(tmp_path / "o"),
                     "--previous", str(tmp_path / "无"))
    assert missing.exit_code == 2 and "错误：找不到上年度文件夹：" in missing.output
    assert not (tmp_path / "o").exists()
    same = invoke("report", "--inputs", str(ROOT / "inputs"), "--outputs", str(years["2021"]),
                  "--previous", str(years["2021"]))
    assert same.exit_code == 2
    assert same.output.strip() == (f"错误：上年度文件夹 {years['2021']} 就是本次的输出文件夹，上年的输出会被覆盖。"
                                   "请把本年度输出到另一个文件夹，如 OUTPUTS=输出本年度")
    multi = tmp_path / "多支部2021"
    shutil.copytree(years["2021"], multi / "一支部")
    chosen = invoke("check", "--inputs", str(ROOT / "inputs"), "--previous", str(multi))
    assert chosen.exit_code == 2
    assert chosen.output.strip() == (f"错误：上年度文件夹 {multi} 是多支部的输出（一支部），其中没有“本支部”。"
                                     f"请指定该支部上年的子文件夹，如 PREVIOUS={multi / '一支部'}")
    assert invoke("check", "--inputs", str(ROOT / "inputs"), "--previous", str(multi / "一支部")).exit_code == 0
    (tmp_path / "空").mkdir()
    empty = invoke("check", "--inputs", str(ROOT / "inputs"), "--previous", str(tmp_path / "空"))
    assert empty.exit_code == 2 and "中既没有 metrics.json，也没有台账文件" in empty.output


def test_last_years_ledgers_with_errors_are_refused(years, tmp_path):
    from openpyxl import load_workbook

    broken = tmp_path / "台账2021"
    shutil.copytree(years["ledgers"], broken)
    path = broken / "2021年组织生活台账.xlsx"
    wb = load_workbook(path)
    wb["组织生活"]["A2"] = "2021年2月30日"
    wb.save(path)
    result = invoke("check", "--inputs", str(ROOT / "inputs"), "--previous", str(broken))
    assert result.exit_code == 2
    assert f"错误：上年度台账 {broken} 有 1 个错误，上年数字不可靠。请先运行 make check INPUTS={broken} YEAR=2021" \
        in result.output


def _dues_metrics(months: list[int]) -> dict:
    return {"检查规则": {"党费": {"规则": "党费按月缴纳", "已检查": True, "严重连续月数": 6}},
            "检查发现": [{"规则": "党费按月缴纳", "规则编号": "党费", "说明": "孙海涛" + "、".join(f"{m}月" for m in months) + "未缴纳党费",
                      "涉及": [f"{m}月" for m in months], "姓名": "孙海涛"}]}


def test_a_dues_gap_from_last_autumn_counts_across_the_year():
    last = {"党费": {"欠缴": [{"姓名": "孙海涛", "月份": m} for m in (10, 11, 12)]}}
    m = _dues_metrics([1, 2, 3])
    dues_across_years(m, last)
    assert m["检查发现"][0]["说明"] == ("孙海涛1月、2月、3月未缴纳党费，连同上年10月至12月，已连续6个月未缴纳党费，"
                                   "属于应予严肃处理的情形")
    assert m["检查发现"][0]["严重"] is True
    short = _dues_metrics([1, 2])  # 5 months in a row: not yet serious
    dues_across_years(short, last)
    assert "严重" not in short["检查发现"][0]
    later = _dues_metrics([2, 3, 4, 5])  # paid in January: the run is broken
    dues_across_years(later, last)
    assert "严重" not in later["检查发现"][0]


def test_wording_is_silent_where_last_year_is_unknown():
    m = {"组织生活": {"支委会": 12, "党课": 0, "党员大会": 3},
         "同比": {"上年": {"组织生活": {"支委会": 12, "党课": 4, "党员大会": 4}},
                "增减": {"组织生活": {"支委会": 0, "党课": -4, "党员大会": -1}}},
         "谈心谈话": {"次数": 5}}
    assert meetings_change(m) == "支委会次数与上年持平，召开党员大会较上年减少1次，讲党课较上年减少4次"
    words = derived(m)
    assert words["同比谈心谈话"] == "" and words["同比党费"] == "" and words["同比信息报送"] == ""
    assert all(v == "" for v in derived({"组织生活": {"支委会": 12}}).values())


def test_recurring_findings_are_matched_by_rule_id():
    late = {"规则": "主题党日按时开展", "规则编号": "主题党日", "说明": "7月主题党日在10日后召开（7月12日）", "涉及": ["7月"]}
    talks = {"规则": "每名党员参加谈心谈话", "规则编号": "谈心谈话", "说明": "张一全年未参加谈心谈话", "涉及": ["张一"]}
    # Last year's metrics.json may be older than 规则编号: its 规则 says the rule (rules.rule_of);
    # a 规则 no rule has is left out rather than guessed at.
    last = {"检查发现": [{"规则": "主题党日每月开展", "说明": "3月未开展主题党日"},
                       {"规则": "书记与支委谈心谈话", "说明": "支部书记全年未与支委李二开展谈心谈话"},
                       {"规则": "主题党日", "说明": "不是本程序的发现"},
                       {"规则": RECURRING, "说明": "上年的再次出现不再算"}]}
    m = {"检查发现": [late, talks]}
    recurring(m, last)
    added = m["检查发现"][2:]
    assert [(f["规则"], f["规则编号"], f["涉及"]) for f in added] == [
        (RECURRING, "上年问题再次出现", ["主题党日按时开展"]), (RECURRING, "上年问题再次出现", ["每名党员参加谈心谈话"])]
    assert added[0]["说明"] == "上年检查发现的“主题党日按时开展”方面问题今年再次出现（上年：3月未开展主题党日）"
    assert added[1]["报告说明"] == "上年检查发现的“每名党员参加谈心谈话”方面问题今年再次出现"
    # With 规则编号 last year, the same; a rule found only last year adds nothing.
    again = {"检查发现": [late]}
    recurring(again, {"检查发现": [{**late, "说明": "5月主题党日在10日后召开（5月11日）"},
                                   {"规则": "党费按月缴纳", "规则编号": "党费", "说明": "张一2月未缴纳党费"}]})
    assert [f["说明"] for f in again["检查发现"][1:]] == [
        "上年检查发现的“主题党日按时开展”方面问题今年再次出现（上年：5月主题党日在10日后召开（5月11日））"]
