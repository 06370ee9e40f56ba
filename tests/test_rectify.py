"""整改 carried forward: `init --previous` pre-fills the roster and a 整改台账 from the sample's 2021
predecessor; the filled 整改台账 opens section 二 and feeds the overdue and recurring rules."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.api import run_report
from pipeline.cli import cli
from pipeline.reading.cells import parse_deadline
from tests.test_previous import make_sample

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS_2021 = [title for kind, title, _ in make_sample.PREV_PROBLEMS if kind == "问题"]
RECTIFY_FILE = "13-整改台账.xlsx"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def last_year(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("last")
    make_sample.write_previous(base / "台账2021")
    assert run_report(base / "台账2021", base / "输出2021", None)[0].report_written
    return {"ledgers": base / "台账2021", "outputs": base / "输出2021"}


def rows(path: Path, first: int = 4) -> list[tuple]:
    ws = load_workbook(path).active
    return [r for r in ws.iter_rows(min_row=first, values_only=True) if any(v is not None for v in r)]


def test_init_previous_prefills_roster_and_rectification(last_year, tmp_path):
    folder = tmp_path / "台账2022"
    result = invoke("init", "--inputs", str(folder), "--year", "2022", "--previous", str(last_year["ledgers"]))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "已生成 14 个2022年度空白台账："
    assert lines[13] == f"  {folder / RECTIFY_FILE}"
    assert lines[14] == f"  {folder / '14-入党积极分子.xlsx'}"
    assert lines[15] == (f"已按上年度预填：基本信息（支部名称、书记、上级党组织）、党员名册 10 行、整改台账 3 行"
                         f"（取自 {last_year['ledgers']}（2021年度台账））。请核对：书记有变动的改正基本信息，"
                         "党员名册删去已转出的党员、补上新党员；整改台账逐条填写整改措施、责任人、完成时限和完成情况。")
    info = {a: b for a, b in load_workbook(folder / "01-基本信息.xlsx").active.iter_rows(min_row=3, values_only=True)}
    assert info == {"党支部名称": make_sample.BRANCH, "支部书记": make_sample.SECRETARY, "年度": 2022,
                    "上级党组织": make_sample.SUPERIOR, "报告日期": None, "支部类型": None, "本届任期起始": None,
                    "党费缴纳方式": None, "党小组": None, "书记与每名党员谈话": None, "党课每季度次数": None}
    assert rows(folder / RECTIFY_FILE) == [(i, title, None, None, None, None, None, None)
                                           for i, title in enumerate(PROBLEMS_2021, 1)]
    roster = rows(folder / "02-党员名册.xlsx")
    assert [r[1] for r in roster] == make_sample.NAMES
    assert roster[0] == (1, "李明华", "男", "1975.01", "1996.06", "正式党员", "党支部书记", None, None, None, None, None, None,
                         None, None)
    assert roster[-1][1:6] == ("郑欣怡", "女", "1996.05", "2021.12", "预备党员")
    assert rows(folder / "03-组织生活台账.xlsx") == []  # only 基本信息, the roster and 整改台账 are pre-filled
    # The pre-filled ledgers read back: the roster counts, the 整改台账 waits for 完成情况.
    check = invoke("check", "--inputs", str(folder))
    assert check.exit_code == 1
    assert not [line for line in check.output.splitlines() if line.startswith(("[错误]", "[警告]"))
                and ("基本信息" in line or "党员名册" in line)]
    assert (f"[错误] {RECTIFY_FILE}，工作表「整改台账」，第4行，「完成情况」列：缺少必填内容“完成情况”。请补填，或删除这一行。"
            in check.output.splitlines())


def test_init_previous_from_outputs_fills_only_the_rectification(last_year, tmp_path):
    folder = tmp_path / "台账2022"
    result = invoke("init", "--inputs", str(folder), "--year", "2022", "--previous", str(last_year["outputs"]))
    assert result.exit_code == 0
    assert (f"已按上年度预填：基本信息（支部名称、书记、上级党组织）、整改台账 3 行（取自 "
            f"{last_year['outputs'] / 'metrics.json'}（上年输出中没有党员名单，党员名册未预填））。") in result.output
    assert load_workbook(folder / "01-基本信息.xlsx").active["B3"].value == make_sample.BRANCH
    assert [r[1] for r in rows(folder / RECTIFY_FILE)] == PROBLEMS_2021
    assert rows(folder / "02-党员名册.xlsx") == []


def test_init_previous_usage_errors(tmp_path):
    result = invoke("init", "--inputs", str(tmp_path / "新"), "--previous", str(tmp_path / "无此文件夹"))
    assert result.exit_code == 2
    assert result.output.strip().startswith(f"错误：找不到上年度文件夹：{tmp_path / '无此文件夹'}")
    assert not (tmp_path / "新").exists()
    plain = invoke("init", "--inputs", str(tmp_path / "新"), "--year", "2023")
    assert plain.output.splitlines()[0] == "已生成 13 个2023年度空白台账："  # no 整改台账 without --previous


def fill_rectification(folder: Path, status: dict[int, tuple]) -> None:
    """(整改措施, 责任人, 完成时限, 完成情况, 完成时间, 未完成原因) per pre-filled row (1-based)."""
    path = folder / RECTIFY_FILE
    wb = load_workbook(path)
    ws = wb.active
    for index, values in status.items():
        for column, value in enumerate(values, 3):
            ws.cell(row=3 + index, column=column, value=value)
    wb.save(path)


@pytest.fixture
def branch_2022(last_year, tmp_path) -> Path:
    """The sample's 2022 ledgers plus the pre-filled 整改台账, filled in."""
    init = tmp_path / "init"
    invoke("init", "--inputs", str(init), "--year", "2022", "--previous", str(last_year["ledgers"]))
    folder = tmp_path / "台账2022"
    shutil.copytree(ROOT / "inputs", folder)
    shutil.copy(init / RECTIFY_FILE, folder / RECTIFY_FILE)
    return folder


def test_the_report_opens_section_two_with_last_years_problems(last_year, branch_2022, tmp_path):
    fill_rectification(branch_2022, {
        1: ("制定年度学习计划", "李明华", dt.datetime(2022, 6, 30), "已完成", dt.datetime(2022, 6, 20), None),
        2: ("每月10日前召开主题党日", "王建国", "2022年9月底前", "推进中", None, "7月因集中开展专项工作推迟召开"),
        3: ("每月提醒党员按时缴纳党费", "刘志强", "长期坚持", "推进中", None, "个别党员长期在外驻村。"),
    })
    out = tmp_path / "输出"
    result = invoke("report", "--inputs", str(branch_2022), "--outputs", str(out), "--previous", str(last_year["outputs"]))
    assert result.exit_code == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    section = text.split("## 二、存在的主要问题及原因\n\n")[1]
    assert section.startswith("上年度查摆问题3个，已完成整改1个，2个正在推进：“组织生活不够规范”，原因是7月因集中开展专项工作推迟召开；"
                              "“党费收缴不够及时”，原因是个别党员长期在外驻村。\n\n一是责任落实不够到位。")
    # The secretary's own shortcomings, first person, with figures; last year's overdue and recurring ones last.
    assert ("此外，对照台账逐项自查，还存在以下不足：一是落实“三会一课”等组织生活制度还不够严格，"
            "1个月的主题党日晚于当月10日开展（7月12日）；") in section
    assert ("三是上年度查摆问题整改还不够到位，“组织生活不够规范”整改时限为2022年9月30日，"
            "年底仍推进中（7月因集中开展专项工作推迟召开），上年检查发现的“主题党日按时开展”方面问题今年再次出现") in section
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in m["整改"].items() if k != "事项"} == {"问题数": 3, "已完成": 1, "推进中": 2, "未完成": 0}
    assert m["整改"]["事项"][1] == {"问题": "组织生活不够规范", "整改措施": "每月10日前召开主题党日", "责任人": "王建国",
                                "完成时限": "2022-09-30", "完成情况": "推进中", "完成时间": "",
                                "未完成原因": "7月因集中开展专项工作推迟召开"}
    assert m["整改"]["事项"][2]["完成时限"] == ""  # 长期坚持: no deadline, never overdue
    rules = [f["规则"] for f in m["检查发现"]]
    assert rules == ["主题党日按时开展", "支部委员之间谈心谈话", "党员和党员之间谈心谈话", "整改按期完成", "上年问题再次出现",
                     "上年问题再次出现"]
    assert m["检查发现"][4]["说明"] == ("上年检查发现的“主题党日按时开展”方面问题今年再次出现"
                                    "（上年：7月主题党日在10日后召开（7月13日））")
    assert m["检查规则"]["整改"]["已检查"] is True
    provenance = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["整改.推进中"] == [f"{RECTIFY_FILE} / 整改台账 / 5", f"{RECTIFY_FILE} / 整改台账 / 6"]


def test_all_done_and_a_missing_reason(branch_2022, tmp_path):
    fill_rectification(branch_2022, {i: ("措施", "李明华", dt.datetime(2022, 6, 30), "已整改", dt.datetime(2022, 6, 1), None)
                                     for i in (1, 2, 3)})
    run = run_report(branch_2022, tmp_path / "a", None)[0]
    assert "上年度查摆问题3个，已全部完成整改。\n\n一是" in (tmp_path / "a" / "report.md").read_text(encoding="utf-8")
    assert [f["规则"] for f in run.findings] == ["主题党日按时开展", "支部委员之间谈心谈话", "党员和党员之间谈心谈话"]
    fill_rectification(branch_2022, {3: ("措施", "李明华", dt.datetime(2022, 3, 31), "未整改", None, None)})
    run = run_report(branch_2022, tmp_path / "b", None)[0]
    text = (tmp_path / "b" / "report.md").read_text(encoding="utf-8")
    assert "上年度查摆问题3个，已完成整改2个，1个未完成：“党费收缴不够及时”。" in text
    assert run.findings[-1]["说明"] == "“党费收缴不够及时”整改时限为2022年3月31日，年底仍未完成"
    warning = [i for i in run.log.items if i.code == "rectify-no-reason"]
    assert [i.message() for i in warning] == [
        f"[警告] {RECTIFY_FILE}，工作表「整改台账」，第6行，「未完成原因」列：整改事项“党费收缴不够及时”未完成，但没有写明未完成原因。"
        "请在“未完成原因”列写明原因，报告中会引用。"]


def test_without_a_rectification_ledger_nothing_is_said():
    m = json.loads((ROOT / "outputs" / "metrics.json").read_text(encoding="utf-8"))
    assert "整改" not in m
    assert m["检查规则"]["整改"]["适用"] is False and m["检查规则"]["整改"]["未检查原因"] == "没有整改台账，不适用"
    assert "上年度查摆" not in (ROOT / "outputs" / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("typed, expected", [
    ("2022年6月底前", dt.date(2022, 6, 30)), ("2022.9", dt.date(2022, 9, 30)), ("2022-06-15", dt.date(2022, 6, 15)),
    (dt.datetime(2022, 5, 1), dt.date(2022, 5, 1)), ("长期坚持", None), ("立行立改", None),
])
def test_deadlines_as_typed(typed, expected):
    assert parse_deadline(typed, 2022) == expected


def test_a_deadline_that_is_not_one_is_an_error():
    with pytest.raises(ValueError):
        parse_deadline("尽快", 2022)
