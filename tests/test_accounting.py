"""Row accounting: every row of every ledger sheet ends in exactly one place, and it is shown.

读取 = 计入 + 重复 + 合计行 + 非本年度 + 未召开 + 示例 + 出错, per sheet; normalise raises when it does not
balance, and tests/conftest.py sweeps every workbook the suite builds through the same check.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import cli
from pipeline.reading import ingest
from pipeline.rules.settings import load
from tests import conftest
from tests.builders import branch

# One sheet with a row of every fate, and the rows that are not data.
ACTIVITIES = [
    ["2023年度组织生活台账", None, None],  # title: above the header
    ["日期", "类型", "主题"],
    ["一、第一季度", "一、第一季度", "一、第一季度"],  # section heading: not data
    ["示例", "党课", "学习新修订的党章"],  # 示例 typed over: counted as 示例, warned
    [dt.date(2023, 1, 5), "支委会", "研究工作"],  # 计入
    [dt.date(2023, 1, 5), "支委会", "研究工作"],  # 重复
    [dt.date(2022, 12, 30), "支委会", "去年的会"],  # 非本年度
    ["2023-02-30", "支委会", "日期错"],  # 出错
    ["日期", "类型", "主题"],  # header pasted again: not data
    [dt.date(2023, 4, 6), "主题党日暨党课", "植树"],  # 计入 (one row, two records)
    [None, None, None, "注：本表由组织委员填写"],  # a note beside the table: not data
    ["合计", None, "共4次"],  # 合计行
    [None, None, None],  # blank: not a row
]
LINE = ("读取 7 行 = 计入 2 + 重复 1 + 合计行 1 + 非本年度 1 + 未召开 0 + 示例 1 + 出错 1"
        "（另有 3 行不是数据：标题、分节、重复的表头或只在未识别的列中有内容）")


@pytest.fixture
def folder(tmp_path) -> Path:
    return branch(tmp_path / "in", extra={"组织生活": ACTIVITIES})


def test_every_fate_is_counted_once(folder):
    run = api.analyse(folder, "", 2023, load(None))
    account = next(a for a in run.ledgers.accounts if a.sheet == "组织生活")
    assert (account.read, account.skipped) == (7, 3)
    assert account.counts == {"计入": 2, "重复": 1, "合计行": 1, "非本年度": 1, "未召开": 0, "示例": 1, "出错": 1}
    assert account.line() == LINE
    assert run.metrics["组织生活"]["支委会"] == 1 and run.metrics["组织生活"]["党课"] == 1


def test_check_prints_one_line_per_ledger_sheet_and_both_reports_hold_the_table(folder, tmp_path):
    result = CliRunner().invoke(cli, ["check", "--inputs", str(folder), "--outputs", str(tmp_path / "out"),
                                      "--year", "2023"], catch_exceptions=False)
    lines = [line for line in result.output.splitlines() if line.startswith("[行数核对]")]
    zeros = "重复 0 + 合计行 0 + 非本年度 0 + 未召开 0 + 示例 0 + 出错 0"
    assert lines == [
        "[行数核对] 台账.xlsx「党员名册」（党员名册）：读取 3 行 = 计入 3 + " + zeros,
        "[行数核对] 台账.xlsx「谈心谈话」（谈心谈话记录）：读取 0 行 = 计入 0 + " + zeros,
        "[行数核对] 台账.xlsx「学习笔记检查」（学习笔记检查）：读取 0 行 = 计入 0 + " + zeros,
        "[行数核对] 台账.xlsx「党费」（党费收缴台账）：读取 0 行 = 计入 0 + " + zeros,
        "[行数核对] 台账.xlsx「信息报送」（信息报送台账）：读取 0 行 = 计入 0 + " + zeros,
        "[行数核对] 台账.xlsx「问题清单」（问题清单）：读取 1 行 = 计入 1 + " + zeros,
        "[行数核对] 台账.xlsx「任务清单」（任务清单）：读取 1 行 = 计入 1 + " + zeros,
        f"[行数核对] 台账.xlsx「组织生活」（组织生活台账）：{LINE}"]
    md = (tmp_path / "out" / "校验报告.md").read_text(encoding="utf-8")
    assert "| 台账.xlsx | 组织生活 | 组织生活台账 | 7 | 2 | 1 | 1 | 1 | 0 | 1 | 1 | 3 |" in md
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "out" / "校验报告.xlsx")["行数核对"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ("文件", "工作表", "台账", "读取", "计入", "重复", "合计行", "非本年度", "未召开", "示例", "出错",
                       "不是数据的行")
    assert ("台账.xlsx", "组织生活", "组织生活台账", 7, 2, 1, 1, 1, 0, 1, 1, 3) in rows


def test_a_row_lost_by_a_defect_stops_the_run_as_an_internal_error(folder, monkeypatch):
    real = ingest._data_rows

    def losing(*args, **kwargs):
        data, totals, examples, skipped = real(*args, **kwargs)
        return data[1:], totals, examples, skipped  # a defect: the first data row vanishes

    monkeypatch.setattr(ingest, "_data_rows", losing)
    result = CliRunner().invoke(cli, ["check", "--inputs", str(folder), "--year", "2023"])
    assert result.exit_code == 3
    assert "程序内部错误（AccountingError：行数核对不平：台账.xlsx「党员名册」读取 3 行 = 计入 2" in result.output
    assert "未归类的行 [2]" in result.output


def test_a_row_counted_and_also_skipped_by_a_defect_stops_the_run(folder, monkeypatch):
    real = ingest._data_rows

    def doubling(*args, **kwargs):
        data, totals, examples, skipped = real(*args, **kwargs)
        return data, totals, examples, [*skipped, *data[:1]]  # a defect: a data row is also "not data"

    monkeypatch.setattr(ingest, "_data_rows", doubling)
    result = CliRunner().invoke(cli, ["check", "--inputs", str(folder), "--year", "2023"])
    assert result.exit_code == 3
    assert "程序内部错误（AccountingError：行数核对不平：台账.xlsx「党员名册」" in result.output
    assert "未归类的行 []，多出的行 [2]" in result.output


def test_balance_of_reads_a_folder_like_the_pipeline(folder):
    accounts = conftest.balance_of(folder)
    assert sum(a.read for a in accounts) == 3 + 1 + 1 + 7


# A session of its own (pytester, in this process) with only the sweep: it runs after every test,
# whatever ran before, and reads each folder of workbooks the test left under tmp_path.
SWEEP_ONLY = "from tests.conftest import _row_accounting_sweep  # noqa: F401"
LEAVES = """
from tests.builders import BASIC, ROSTER, write_xlsx

def test_leaves_a_branch(tmp_path):
    write_xlsx(tmp_path / "扫" / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER})

def test_leaves_no_workbook(tmp_path):
    (tmp_path / "说明.txt").write_text("不是台账", encoding="utf-8")
"""


def test_the_sweep_reads_each_folder_of_workbooks_a_test_leaves(pytester):
    pytester.makeconftest(SWEEP_ONLY)
    pytester.makepyfile(test_leaves=LEAVES)
    before = len(conftest.SWEPT)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    swept = conftest.SWEPT[before:]
    assert [(p.name, p.parent.name) for p in swept] == [("扫", "test_leaves_a_branch0")]


def test_the_sweep_fails_a_test_whose_workbooks_do_not_balance(pytester):
    # The defect must outlive the test's own fixtures (the sweep runs after their teardown),
    # hence a session-scoped one, undone when the inner session ends.
    pytester.makeconftest(SWEEP_ONLY + """
import pytest
from pipeline.reading import ingest

@pytest.fixture(scope="session", autouse=True)
def losing_a_row():
    real = ingest._data_rows

    def losing(*args, **kwargs):
        data, totals, examples, skipped = real(*args, **kwargs)
        return data[1:], totals, examples, skipped

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest, "_data_rows", losing)
        yield
""")
    pytester.makepyfile(test_leaves=LEAVES)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_leaves_a_branch*",
                                 "*AccountingError*行数核对不平：台账.xlsx「党员名册」读取 3 行 = 计入 2*"])
