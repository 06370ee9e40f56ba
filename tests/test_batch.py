"""Many branches at once: worker processes, byte-identical outputs for any --jobs, a failing or
crashing branch isolated, the console for hundreds, 各支部汇总.xlsx and 各支部汇总.docx."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline import api
from pipeline.cli import _Console, cli
from pipeline.many.batch import Job, Outcome, Task, run_batch, work
from pipeline.many.rollup import ERRORS, FAILED, OK, BranchRow, Rollup, branch_row
from pipeline.many.rollup_report import rollup_docx, rollup_paragraphs
from pipeline.many.summary import summary_workbook
from pipeline.rules import settings
from tests.builders import EMPTY_LEDGERS, ROSTER, assert_zip_is_fixed, branch, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
# Among the longest modules: `heavy` has xdist start it first, not leave it for the end.
pytestmark = pytest.mark.heavy


def info(name: str, year: int | None = 2023) -> dict:
    rows = [["党支部名称", name], ["支部书记", "王书记"]] + ([["年度", year]] if year else [])
    return {"基本信息": rows}


def make_inputs(inputs: Path) -> Path:
    """Four branches: the sample, a clean one, one with a bad date, one whose year is unknown."""
    shutil.copytree(ROOT / "inputs", inputs / "第一党支部")
    branch(inputs / "第二党支部", [["2023-05-06", "支委会", "学习"]], extra=info("第二党支部"))
    branch(inputs / "第三党支部", [["2023-02-30", "支委会", "学习"]], extra=info("第三党支部"))
    write_xlsx(inputs / "第四党支部" / "台账.xlsx", {**info("第四党支部", None), "党员名册": ROSTER, **EMPTY_LEDGERS})
    return inputs


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One multi-branch `report` with --jobs 2, shared by the tests that read its outputs."""
    base = tmp_path_factory.mktemp("batch")
    inputs = make_inputs(base / "in")
    result = invoke("report", "--inputs", str(inputs), "--outputs", str(base / "out"), "--jobs", "2")
    return base, result


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.spawns
def test_outputs_are_the_same_bytes_with_one_or_two_processes(run, tmp_path):
    base, _ = run
    result = invoke("report", "--inputs", str(base / "in"), "--outputs", str(tmp_path / "one"), "--jobs", "1")
    assert result.exit_code == 1
    one, two = files(tmp_path / "one"), files(base / "out")
    assert "各支部汇总.xlsx" in one and "各支部汇总.docx" in one and "第二党支部/report.md" in one
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


@pytest.mark.spawns
def test_console_one_line_per_branch_and_closing_lines(run):
    base, result = run
    out = base / "out"
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "共 4 个支部，用 2 个进程同时处理。",
        "【第一党支部】0 个错误，4 个警告，规则检查发现 3 项；报告已生成。",
        "【第二党支部】0 个错误，1 个警告，规则检查发现 6 项；报告已生成。",
        "【第三党支部】1 个错误，1 个警告；因有错误，未生成报告。",
        f"【第四党支部】未能处理：无法确定报告年度（{base / 'in' / '第四党支部'}）：请在“基本信息”表中填写“年度”，"
        "或在命令中指定，如 make report YEAR=2023。",
        "共 4 个支部：2 个已生成报告，1 个有错误，1 个未能处理。",
        "有错误或未能处理的支部（2 个）：",
        f"  第三党支部：1 个错误，校验报告在 {out / '第三党支部' / '校验报告.xlsx'}",
        f"  第四党支部：未能处理（无法确定报告年度（{base / 'in' / '第四党支部'}）：请在“基本信息”表中填写“年度”，"
        f"或在命令中指定，如 make report YEAR=2023），校验报告在 {out / '第四党支部' / '校验报告.md'}",
        f"汇总在 {out / '各支部汇总.xlsx'}、{out / '各支部汇总.docx'}；各支部的文件在 {out} 中该支部的文件夹里。",
        f"下一步：打开上列支部的 校验报告.xlsx，改正台账后重新运行 make report INPUTS={base / 'in'}。",
    ]
    assert "未能处理该支部的台账" in (out / "第四党支部" / "校验报告.md").read_text(encoding="utf-8")


@pytest.mark.spawns
def test_verbose_adds_every_problem_and_a_clean_run_exits_0(tmp_path):
    inputs = tmp_path / "in"
    branch(inputs / "甲", [["2023-02-30", "支委会", "学习"]], extra=info("甲支部"))
    result = invoke("check", "--inputs", str(inputs), "--verbose", "--jobs", "1")
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0] == "共 1 个支部，逐个处理。"
    assert "【甲】[错误] 台账.xlsx，工作表「组织生活」，第2行，「日期」列：值「2023-02-30」" in lines[1]
    assert "【甲】1 个错误，1 个警告。" in lines
    assert lines[-1] == (f"下一步：改正上列支部的台账后重新运行 make check INPUTS={inputs}"
                         "（加 --outputs 可写出标出问题单元格的 校验报告.xlsx）。")
    quiet = invoke("check", "--inputs", str(inputs), "--jobs", "1").output.splitlines()
    assert not any("[错误]" in line for line in quiet)

    clean = tmp_path / "clean"
    branch(clean / "甲", [["2023-05-06", "支委会", "学习"]], extra=info("甲支部"))
    branch(clean / "乙", [["2023-05-06", "支委会", "学习"]], extra=info("乙支部"))
    result = invoke("check", "--inputs", str(clean))
    assert result.exit_code == 0
    assert result.output.splitlines()[-2:] == ["共 2 个支部：2 个没有错误。",
                                               f"下一步：运行 make report INPUTS={clean} 生成述职报告。"]


def test_a_terminal_gets_one_progress_line_rewritten_in_place(capsys):
    console = _Console(report=True, verbose=False, tty=True)
    good = Outcome(0, "甲", Path("甲"), None, BranchRow("甲", errors=0, report_written=True))
    bad = Outcome(1, "乙", Path("乙"), None, BranchRow("乙", status=ERRORS, errors=2), notices=["注意：旧文件。"])
    console.started(2, 2, [])
    console.progress(1, 2, 1)
    console.branch(good)
    console.progress(2, 2, 1)
    console.branch(bad)
    console.finished()
    blank = lambda text: "\r" + " " * sum(2 if ord(ch) > 0x7F else 1 for ch in text) + "\r"  # noqa: E731
    first, last = "已完成 1/2 个支部，1 个有错误 ……", "已完成 2/2 个支部，1 个有错误。"
    assert capsys.readouterr().out == (
        "共 2 个支部，用 2 个进程同时处理。\n" + first + blank(first) + last + blank(last)
        + "【乙】注意：旧文件。\n" + last + "\n")


# --------------------------------------------------------------------------- isolation
def crash_second(task):
    """Kills its worker process outright on the second branch (top level: spawn imports it)."""
    if task.name == "第二党支部":
        os._exit(7)
    return work(task)


def raise_second(task):
    if task.name == "第二党支部":
        raise RuntimeError("坏了")
    return work(task)


@pytest.mark.parametrize("worker, reason", [(crash_second, "处理该支部时程序意外退出"),
                                            (raise_second, "坏了")])
@pytest.mark.spawns
def test_a_branch_that_crashes_its_worker_fails_alone(tmp_path, worker, reason):
    inputs = tmp_path / "in"
    for name in ("第一党支部", "第二党支部", "第三党支部", "第四党支部", "第五党支部"):
        branch(inputs / name, [["2023-05-06", "支委会", "学习"]], extra=info(name))
    job = Job("report", tmp_path / "out", None, settings.load(None), api.DEFAULT_TEMPLATE, False, False)
    found = api.branches(inputs)
    batch = run_batch(inputs, found, job, 2, worker=worker)
    assert [o.name for o in batch.outcomes] == [name for name, _ in found]
    assert [o.failed for o in batch.outcomes] == [False, True, False, False, False]
    assert reason in batch.outcomes[1].row.reason
    assert all((tmp_path / "out" / name / "report.md").exists() for name in ("第一党支部", "第五党支部"))


@pytest.mark.spawns
def test_a_template_error_stops_the_run_with_exit_2(tmp_path):
    inputs = tmp_path / "in"
    branch(inputs / "甲", [["2023-05-06", "支委会", "学习"]], extra=info("甲支部"))
    branch(inputs / "乙", [["2023-05-06", "支委会", "学习"]], extra=info("乙支部"))
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ 没有这个 }}")
    doc.save(tmp_path / "坏模板.docx")
    result = CliRunner().invoke(cli, ["report", "--inputs", str(inputs), "--outputs", str(tmp_path / "out"),
                                      "--template", str(tmp_path / "坏模板.docx")])
    assert result.exit_code == 2
    assert "模板 坏模板.docx 使用了不存在的变量「没有这个」" in result.output
    assert not (tmp_path / "out" / "各支部汇总.xlsx").exists()


# --------------------------------------------------------------------------- the roll-up
def row(folder, name, status=OK, **figures) -> BranchRow:
    base = {"党员总数": 10, "正式党员": 9, "预备党员": 1, "党费实缴（元）": 1200.5, "支委会": 12, "党员大会": 4,
            "党小组会": 0, "党课": 4, "主题党日": 12}
    base.update(figures)
    r = BranchRow(folder, name, 2023, status, report_written=status == OK)
    if status == OK:
        r.figures = base
        r.monthly = {"支委会": [1] * 12, "党员大会": [0, 0, 1] * 4, "党小组会": [0] * 12, "党课": [0, 0, 1] * 4,
                     "主题党日": [1] * 12}
        r.rules = {"支委会": True, "党员大会": True, "党小组会": None, "党课": True, "主题党日": True}
    return r


@pytest.fixture
def rollup() -> Rollup:
    a = row("一支部", "第一党支部")
    b = row("二支部", "第一党支部", 党员总数=7, 正式党员=7, 预备党员=0)
    b.findings = [("主题党日", "7月主题党日在10日后召开（7月12日）")]
    b.rules["主题党日"] = False
    c = row("三支部", "第三党支部", status=ERRORS)
    c.errors = 3
    d = BranchRow("四支部", status=FAILED, reason="处理该支部时程序意外退出")
    return Rollup([a, b, c, d])


def sheet_rows(ws):
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_summary_workbook_rows_status_and_duplicates(rollup):
    data = summary_workbook(rollup)
    assert data == summary_workbook(rollup)
    assert_zip_is_fixed(data)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["各支部汇总"]
    rows = sheet_rows(ws)
    head = rows[0]
    assert head[:5] == ("序号", "支部文件夹", "党支部名称", "报告年度", "状态")
    col = {name: i for i, name in enumerate(head)}
    assert [r[col["支部文件夹"]] for r in rows[1:]] == ["一支部", "二支部", "三支部", "四支部"]
    assert [r[col["状态"]] for r in rows[1:]] == ["正常", "正常", "有错误", "失败"]
    assert rows[2][col["党员总数"]] == 7 and rows[2][col["规则检查发现（项）"]] == 1
    assert rows[2][col["发现内容"]] == "7月主题党日在10日后召开（7月12日）"
    # a branch that failed or has errors shows no figure at all, never a 0
    for failed in rows[3:]:
        assert all(failed[col[h]] is None for h in ("党员总数", "支委会", "党费实缴（元）", "规则检查发现（项）"))
    assert rows[3][col["备注"]] == "台账有 3 个错误，数字未列出、未计入合计，见该支部校验报告"
    assert rows[4][col["备注"]] == "未能处理：处理该支部时程序意外退出"
    assert rows[1][col["备注"]] == "党支部名称与 二支部 相同，请核实"
    assert rows[2][col["备注"]] == "党支部名称与 一支部 相同，请核实"
    assert ws["B2"].hyperlink.target == "一支部/"
    # print setup a reviewer can use
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "D2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(head))}5"


def test_summary_totals_rule_sheets_and_charts(rollup):
    data = summary_workbook(rollup)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    totals = {r[0]: r[1] for r in sheet_rows(wb["合计"])}
    assert totals["支部总数"] == 4 and totals["其中：台账无误（计入合计）"] == 2
    assert totals["其中：台账有错误（未计入合计）"] == 1 and totals["其中：未能处理（未计入合计）"] == 1
    assert totals["党员总数（合计）"] == 17 and totals["预备党员（合计）"] == 1
    assert totals["党费实缴（合计）"] == 2401 and totals["支委会（合计）"] == 24 and totals["党课（合计）"] == 8
    compliance = {r[0]: r[1:] for r in sheet_rows(wb["规则达标情况"])[1:]}
    assert compliance["主题党日每月开展"] == (2, 1, 1, 0.5, 0)
    assert compliance["党小组会每月召开"] == (0, 0, 0, None, 2)
    assert sheet_rows(wb["未达标-主题党日每月开展"])[:2] == [
        ("支部文件夹", "党支部名称", "发现"), ("二支部", "第一党支部", "7月主题党日在10日后召开（7月12日）")]
    assert sheet_rows(wb["未达标-支委会每月召开"])[-1][0] == "规则：支委会每月召开。只列台账无误的支部中未达标的；没有未达标的支部。"
    months = sheet_rows(wb["按月活动"])
    assert months[0] == ("月份", "支委会", "党员大会", "党小组会", "党课", "主题党日")
    assert months[3] == ("3月", 2, 2, 0, 2, 2) and months[13] == ("合计", 24, 8, 0, 8, 24)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 2
        xml = b"".join(archive.read(n) for n in charts).decode("utf-8")
    assert "<barChart>" in xml and "<lineChart>" in xml
    from pipeline.rules.table import RULES

    assert f"'规则达标情况'!$E$2:$E${len(RULES) + 1}" in xml and "'按月活动'!$B$2:$B$13" in xml


def test_rollup_report_says_the_figures_from_the_rows(rollup):
    items = rollup_paragraphs(rollup)
    texts = [content for style, content in items if style != "table"]
    assert texts[0] == "2023年度各党支部党建工作汇总情况"
    assert texts[1] == ("本汇总根据各党支部2023年度台账生成，共汇总党支部4个，其中台账无误的2个，台账有错误的1个，"
                        "未能处理的1个。以下数字只统计台账无误的党支部。")
    assert ("台账无误的2个党支部共有党员17名，其中正式党员16名、预备党员1名。全年实缴党费2401元。"
            "全年共召开支委会24次、党员大会8次，讲党课8次，开展主题党日24次。") in texts
    tables = [content for style, content in items if style == "table"]
    assert tables[0][1][2] == ["3月", "2", "2", "0", "2", "2"] and tables[0][1][12] == ["合计", "24", "8", "0", "8", "24"]
    rules = {r[0]: r[1:] for r in tables[1][1]}
    assert rules["主题党日每月开展"] == ["2", "1", "1", "50.0%", "0"]
    assert rules["党小组会每月召开"] == ["0", "0", "0", "—", "2"]
    assert tables[2][1] == [["1", "第一党支部（二支部）", "7月主题党日在10日后召开（7月12日）"]]
    assert ("（二）台账有错误或未能处理的党支部2个：第三党支部（3个错误）、四支部（未能处理）。"
            "其数字未计入本汇总，问题详见各支部文件夹中的校验报告。") in texts
    assert "（三）党支部名称重复：“第一党支部”见于文件夹一支部、二支部，请核实是否为同一支部。" in texts
    data = rollup_docx(rollup)
    assert data == rollup_docx(rollup)
    assert_zip_is_fixed(data)
    from pipeline.writing.render import docx_to_markdown

    md = docx_to_markdown(data)
    assert md.startswith("# 2023年度各党支部党建工作汇总情况\n") and "## 二、制度落实情况" in md


def test_rollup_report_uses_the_default_templates_styles(rollup):
    import docx

    document = docx.Document(io.BytesIO(rollup_docx(rollup)))
    styles = [p.style.name for p in document.paragraphs]
    assert styles[:3] == ["报告标题", "报告正文", "一级标题"]
    template = docx.Document(str(api.DEFAULT_TEMPLATE))
    assert document.sections[0].page_width == template.sections[0].page_width
    assert document.sections[0].left_margin == template.sections[0].left_margin


@pytest.mark.spawns
def test_the_run_writes_the_summary_from_the_branches(run):
    base, _ = run
    wb = openpyxl.load_workbook(base / "out" / "各支部汇总.xlsx")
    rows = sheet_rows(wb["各支部汇总"])
    assert [r[4] for r in rows[1:]] == ["正常", "正常", "有错误", "失败"]
    assert rows[1][2] == "青山县委组织部机关党支部" and rows[1][5] == 10


def test_rollup_report_when_no_branch_could_be_counted():
    from pipeline.many.rollup import failed_row

    texts = [c for s, c in rollup_paragraphs(Rollup([failed_row("甲", "原因"), failed_row("乙", "原因")]))]
    assert "没有台账无误的党支部，暂无可汇总的数字。" in texts and "没有可按规则检查的党支部。" in texts
    assert ("（一）台账有错误或未能处理的党支部2个：甲（未能处理）、乙（未能处理）。"
            "其数字未计入本汇总，问题详见各支部文件夹中的校验报告。") in texts
    assert not any(isinstance(t, str) and "（二）" in t for t in texts)
    summary_workbook(Rollup([failed_row("甲", "原因")]))  # charts over no counted branch still write


def test_a_branch_sends_back_a_small_outcome_not_its_records(tmp_path):
    """The parent keeps one Outcome per branch: it must stay small for thousands of branches."""
    import pickle

    job = Job("report", tmp_path, None, settings.load(None), api.DEFAULT_TEMPLATE, False, False)
    outcome = work(Task(0, "样例", ROOT / "inputs", job))
    assert outcome.row.figures["党员总数"] == 10 and outcome.row.report_written
    assert outcome.detail == []  # console detail only with --verbose
    assert len(pickle.dumps(outcome)) < 4000


def test_a_figure_whose_ledger_is_missing_is_blank_not_0():
    import json

    from pipeline.many.rollup import branch_row

    metrics = json.loads((ROOT / "outputs" / "metrics.json").read_text(encoding="utf-8"))
    full = branch_row("甲", metrics, 0, 0, True)
    part = branch_row("乙", {**metrics, "党员": {"总数": 0, "正式党员": 0, "预备党员": 0}}, 0, 0, True,
                      present={"组织生活台账", "党费收缴台账"})
    assert full.figures["党员总数"] == 10 and full.missing == []
    assert part.figures["党员总数"] is None and part.figures["支委会"] == 12 and part.figures["党费实缴（元）"] == 5760
    assert part.figures["谈心谈话"] == 10  # talks may be kept in the 组织生活台账
    assert part.missing == ["党员名册", "学习笔记检查", "信息报送台账"]
    part.name = "另一党支部"
    rollup = Rollup([full, part])
    assert rollup.totals()["党员总数"] == 10 and rollup.contributors("党员总数") == 1
    rows = sheet_rows(openpyxl.load_workbook(io.BytesIO(summary_workbook(rollup)))["各支部汇总"])
    assert rows[2][-1] == "缺少党员名册、学习笔记检查、信息报送台账，相应数字空白、未计入合计"
    totals = {r[0]: r[1:] for r in sheet_rows(openpyxl.load_workbook(io.BytesIO(summary_workbook(rollup)))["合计"])}
    assert totals["党员总数（合计）"] == (10, "名", 1) and totals["支委会（合计）"] == (24, "次", 2)
    text = [c for s, c in rollup_paragraphs(rollup) if s != "table"]
    assert any(t.startswith("台账无误的2个党支部共有党员10名") and t.endswith(
        "部分党支部缺少党员名册、党费或组织生活台账，相应数字未计入，各项计入的支部数见各支部汇总.xlsx的“合计”表。") for t in text)


def test_a_branch_row_judges_rules_by_the_findings_rule_ids():
    checked = {rule: {"已检查": True} for rule in ("谈心谈话", "组织生活会", "主题党日")}
    metrics = {"检查规则": checked, "检查发现": [
        {"规则": "组织生活会前谈心谈话", "规则编号": "谈心谈话", "说明": "3月1日组织生活会当月及前1个月会前没有谈心谈话记录"},
        {"规则": "每名党员参加谈心谈话", "规则编号": "谈心谈话", "说明": "张一全年未参加谈心谈话"}]}
    row = branch_row("一支部", metrics, 0, 0, True)
    # Both findings are parts of 谈心谈话; 组织生活会 (whose name one of them begins with) is met.
    assert row.rules == {"谈心谈话": False, "组织生活会": True, "主题党日": True}
    assert Rollup([row]).failing("谈心谈话") == [(row, ["3月1日组织生活会当月及前1个月会前没有谈心谈话记录",
                                                       "张一全年未参加谈心谈话"])]
