"""校验报告.xlsx: summary counts, every problem, and the affected rows highlighted with comments."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from pipeline import api
from pipeline.cli import main
from pipeline.core import vocab
from pipeline.core.issues import IssueLog
from pipeline.core.names import ISSUE_LABELS, ColumnType, IssueCode, bad_code, unknown_code
from pipeline.core.outputs import VALIDATION_XLSX
from pipeline.writing.validation import KEEP_GOING_NOTE, NO_FINDINGS, NOTHING_CHECKED
from pipeline.writing.workbooks import _sheet_title, validation_workbook
from tests.builders import ROSTER, branch, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
RED, YELLOW = "FFC7CE", "FFEB9C"
ACTIVITIES = [["2023-02-30", "支委会", "学习"],  # row 2: impossible date
              [None, "党课", "三"],  # row 3: missing required 日期
              ["2023-05-06", "党课", "四"],  # row 4: fine
              ["2022-05-06", "支委会", "往年"]]  # row 5: out of year (warning)


@pytest.fixture
def report(tmp_path) -> openpyxl.Workbook:
    folder = branch(tmp_path / "in", ACTIVITIES)
    api.run_check(folder, tmp_path / "out", 2023)
    return openpyxl.load_workbook(tmp_path / "out" / VALIDATION_XLSX)


def rows(ws, first: int = 1) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=first, values_only=True)]


def fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else ""


def test_sheets(report):
    assert report.sheetnames == ["汇总", "全部问题", "规则检查", "行数核对", "问题行-组织生活"]


def test_summary_counts_by_file_and_kind(report):
    ws = report["汇总"]
    values = rows(ws)
    assert values[0][0] == "校验报告：测试党支部"
    assert ("结果：2 个错误，2 个警告。有错误，改正后才能生成报告。", None, None, None) in values
    # The second warning: no 整改台账 and no PREVIOUS (last year's 整改 is not silent).
    assert ("台账.xlsx", 2, 1, 3) in values and ("（输入文件夹）", 0, 1, 1) in values and ("合计", 2, 2, 4) in values
    start = values.index(("问题种类", "级别", "个数", None))
    assert values[start + 1:start + 4] == [("日期无法识别", "错误", 1, None), ("缺少必填内容", "错误", 1, None),
                                           ("不在报告年度内", "警告", 1, None)]
    assert values[start + 4] == ("缺少台账", "警告", 1, None)


def test_problem_list_has_every_issue(report):
    ws = report["全部问题"]
    assert rows(ws)[0] == ("序号", "级别", "文件", "工作表", "行", "列", "值", "问题", "处理办法")
    assert rows(ws, 2) == [
        (1, "错误", "台账.xlsx", "组织生活", 2, "日期", "2023-02-30", "不是有效的日期（2023年没有2月30日）",
         "请写成 2023年3月5日 或 2023-03-05 这样的日期"),
        (2, "错误", "台账.xlsx", "组织生活", 3, "日期", None, "缺少必填内容“日期”", "请补填，或删除这一行"),
        (3, "警告", "台账.xlsx", "组织生活", 5, "日期", "2022-05-06", "日期不在报告年度（2023年）内，本行不计入统计",
         "如果日期写错，请改正；如果是往年记录，可忽略此提示"),
        (4, "警告", "（输入文件夹）", None, None, None, None,
         "没有整改台账，也没有指定上年度的台账，报告“二、存在的主要问题及原因”中不写上年度查摆问题的整改情况",
         "请把上年度问题的整改情况填入整改台账（make init 生成的 13-整改台账.xlsx：问题、整改措施、完成情况），"
         "或运行时用 PREVIOUS= 指定上年度的台账文件夹"),
    ]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:I5"
    assert fill(ws["B2"]) == RED and fill(ws["B4"]) == YELLOW
    assert ws["E2"].hyperlink.location == "'问题行-组织生活'!A3"


def test_affected_rows_are_copied_and_highlighted(report):
    ws = report["问题行-组织生活"]
    assert ws["A1"].value.startswith("文件：台账.xlsx　工作表：组织生活")
    assert rows(ws, 2) == [("原行号", "日期", "类型", "主题"), (2, "2023-02-30", "支委会", "学习"),
                           (3, None, "党课", "三"), (5, "2022-05-06", "支委会", "往年")]
    bad, missing, old = ws["B3"], ws["B4"], ws["B5"]
    assert (fill(bad), fill(missing), fill(old)) == (RED, RED, YELLOW)
    assert bad.comment.text == ("[错误] 值「2023-02-30」不是有效的日期（2023年没有2月30日）。"
                                "处理：请写成 2023年3月5日 或 2023-03-05 这样的日期。")
    assert missing.comment.text == "[错误] 缺少必填内容“日期”。处理：请补填，或删除这一行。"
    assert old.comment.text.startswith("[警告] 值「2022-05-06」日期不在报告年度（2023年）内")
    assert all(fill(c) == "" and c.comment is None for c in ws[3][2:])  # only the offending cell


def test_cell_refs_basic_info_and_duplicates_are_located(tmp_path):
    info = [["党支部名称", "测试党支部"], ["支部书记", "王书记"], ["年度", "明年"]]
    others = [["事项", "数量", "单位"], ["购买读本", "=40+60", "本"]]
    rows_ = [["日期", "类型", "主题"], ["2023-05-06", "支委会", "学习"], ["2023-05-06", "支委会", "学习"]]
    write_xlsx(tmp_path / "in" / "a.xlsx", {"基本信息": info, "党员名册": ROSTER, "其他事项": others, "组织生活": rows_})
    api.run_check(tmp_path / "in", tmp_path / "out", 2023)
    wb = openpyxl.load_workbook(tmp_path / "out" / VALIDATION_XLSX)
    assert wb.sheetnames[4:] == ["问题行-基本信息", "问题行-其他事项", "问题行-组织生活"]
    ws = wb["问题行-基本信息"]
    assert rows(ws, 3) == [(3, "年度", "明年")]
    assert fill(ws["C3"]) == RED and ws["C3"].comment.text.startswith("[错误] 值「明年」")  # the value, not the label
    ws = wb["问题行-其他事项"]
    assert fill(ws["C3"]) == RED and "公式" in ws["C3"].comment.text  # 数量（B2） -> column B
    ws = wb["问题行-组织生活"]
    assert ws["A3"].value == 3 and fill(ws["A3"]) == YELLOW and "同一条记录" in ws["A3"].comment.text


def test_clean_branch_has_an_empty_problem_list(tmp_path):
    api.run_check(branch(tmp_path / "in", [["2023-05-06", "支委会", "学习"]]), tmp_path / "out", 2023)
    wb = openpyxl.load_workbook(tmp_path / "out" / VALIDATION_XLSX)
    assert wb.sheetnames == ["汇总", "全部问题", "规则检查", "行数核对"]
    # Only that last year's 整改 is missing (no 整改台账, no PREVIOUS).
    assert [r[2:4] + r[7:8] for r in rows(wb["全部问题"], 2)] == [
        ("（输入文件夹）", None, "没有整改台账，也没有指定上年度的台账，报告“二、存在的主要问题及原因”中不写上年度查摆问题的整改情况")]
    assert rows(wb["规则检查"], 2)[0][1] == "党员大会每季度召开"


def test_report_run_writes_the_workbook_and_it_is_byte_identical(tmp_path):
    folder = branch(tmp_path / "in", ACTIVITIES)
    api.run_report(folder, tmp_path / "a", 2023, keep_going=True)
    api.run_report(folder, tmp_path / "b", 2023, keep_going=True)
    first = (tmp_path / "a" / VALIDATION_XLSX).read_bytes()
    assert first == (tmp_path / "b" / VALIDATION_XLSX).read_bytes()
    summary = rows(openpyxl.load_workbook(tmp_path / "a" / VALIDATION_XLSX)["汇总"])
    assert (f"已按 --keep-going 生成报告：{KEEP_GOING_NOTE}", None, None, None) in summary


def _md_says(md: str) -> dict:
    """What 校验报告.md states: result, notes, issues, findings, verdict, rules not checked."""
    lines = md.splitlines()
    skipped = lines[lines.index("未检查的规则：") + 1:] if "未检查的规则：" in lines else []
    skipped = skipped[:skipped.index("")] if "" in skipped else skipped  # the list ends at a blank line
    return {
        "结果": [line[2:] for line in lines if line.startswith(("- 结果：", "- 说明："))],
        "问题": sorted(re.sub(r"^\d+\. ", "", line) for line in lines if re.match(r"^\d+\. \[(错误|警告)\]", line)),
        "发现": [re.sub(r"^\d+\. 【(.*?)】(.*?)（依据：.*）$", r"\1|\2", line) for line in lines if re.match(r"^\d+\. 【", line)],
        "结论": [line for line in lines if line in (NO_FINDINGS, NOTHING_CHECKED)],
        "未检查": [line[2:] for line in skipped if line.startswith("- ")],
        "未计入": [line for line in lines if line == KEEP_GOING_NOTE],
    }


def _xlsx_says(wb) -> dict:
    summary = [r[0] for r in rows(wb["汇总"]) if isinstance(r[0], str)]
    issues = rows(wb["全部问题"], 2)
    checks = [r[0] for r in rows(wb["规则检查"], 2) if isinstance(r[0], str)] if "规则检查" in wb.sheetnames else []
    log = IssueLog()
    for _, severity, file, sheet, row, column, value, reason, action in issues:
        log.add(severity, file, reason, action or "", sheet=sheet, row=row, column=column, value=value,
                code=IssueCode.BAD_VALUE)  # the sheet has no codes; message() needs none
    return {
        "结果": [line for line in summary if line.startswith(("结果：", "说明："))],
        "问题": sorted(i.message() for i in log.items),
        "发现": [f"{r[1]}|{r[2]}" for r in rows(wb["规则检查"], 2) if isinstance(r[0], int)]
        if "规则检查" in wb.sheetnames else [],
        "结论": [line for line in checks if line in (NO_FINDINGS, NOTHING_CHECKED)],
        "未检查": [line[2:] for line in checks if line.startswith("- ")],
        "未计入": [line.removeprefix("已按 --keep-going 生成报告：") for line in summary
                  if line == f"已按 --keep-going 生成报告：{KEEP_GOING_NOTE}"],
    }


@pytest.mark.parametrize("case", ["keep-going", "clean", "nothing-checked"])
def test_workbook_and_markdown_say_the_same(tmp_path, case):
    if case == "keep-going":
        # Talks all with the secretary: a finding (条例第十九条, 党员和党员之间) in both reports.
        folder = branch(tmp_path / "in", ACTIVITIES, {"谈心谈话": [["谈话人", "谈话对象"], ["王书记", "张三、李四"]]})
    elif case == "clean":
        folder = branch(tmp_path / "in", [[f"2023-{m:02d}-05", "主题党日", "学习"] for m in range(1, 13)])
    else:
        folder = tmp_path / "in"
        write_xlsx(folder / "台账.xlsx", {"基本信息": [["党支部名称", "测试党支部"], ["支部书记", "王书记"],
                                                      ["年度", 2023]]})
    api.run_report(folder, tmp_path / "out", 2023, keep_going=True)
    md = _md_says((tmp_path / "out" / "校验报告.md").read_text(encoding="utf-8"))
    xlsx = _xlsx_says(openpyxl.load_workbook(tmp_path / "out" / VALIDATION_XLSX))
    assert md == xlsx
    assert md["结果"] and md["未检查"]  # every case leaves some rule unchecked
    if case == "keep-going":
        assert md["问题"] and md["未计入"] and md["发现"]
    if case == "nothing-checked":
        assert md["结论"] == [NOTHING_CHECKED]
    assert any("报告日期" in line for line in md["结果"])  # no 报告日期: said in both


def test_text_is_never_a_formula_and_control_characters_are_dropped(tmp_path):
    log = IssueLog()
    log.error("a.xlsx", "无法识别\x07", value="=HYPERLINK(\"x\")", sheet="表", row=2, column="日期", code=IssueCode.BAD_DATE)
    data = validation_workbook(log, branch="", year=2023, files=["a.xlsx"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cell = wb["全部问题"]["G2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
    assert wb["全部问题"]["H2"].value == "无法识别"


def test_sheet_titles_are_valid_and_unique():
    used = {"汇总", "全部问题"}
    assert _sheet_title("a/b:c*?[d]\\", used) == "问题行-a_b_c___d__"
    long = "很" * 40
    first, second = _sheet_title(long, used), _sheet_title(long, used)
    assert len(first) == len(second) == 31 and first != second and second.endswith("(2)")


def test_every_issue_code_has_a_label():
    assert set(ISSUE_LABELS) == set(IssueCode) and all(label.strip() for label in ISSUE_LABELS.values())
    assert IssueCode.MISSING_VALUE.label == "缺少必填内容" and IssueCode.HIDDEN_ROWS.label == "隐藏的行（已统计）"
    # Every column type of every ledger has its bad-/unknown- code, by ColumnType or its string.
    for ctype in {c.type for k in vocab.KINDS for c in k.columns}:
        assert bad_code(ctype).value == f"bad-{ctype}" and unknown_code(ctype).value == f"unknown-{ctype}"
    assert bad_code(ColumnType.DATE) is IssueCode.BAD_DATE and bad_code("date").label == "日期无法识别"
    assert unknown_code("activity").label == "不是已知的活动类型"
    # Still a plain string wherever one is written.
    assert json.dumps({"code": IssueCode.BAD_DATE}) == '{"code": "bad-date"}' and f"{IssueCode.BAD_DATE}" == "bad-date"


def test_an_unknown_issue_code_is_refused():
    with pytest.raises(ValueError, match="'bad-colour' is not a IssueCode"):
        IssueCode.of("bad-colour")
    with pytest.raises(ValueError):
        bad_code("colour")
    log = IssueLog()
    with pytest.raises(ValueError):
        log.error("a.xlsx", "无法识别", code="no-such-code")
    with pytest.raises(TypeError):
        log.error("a.xlsx", "无法识别")
    log.error("a.xlsx", "无法识别", code="bad-date")
    assert not log.items[1:] and log.items[0].code is IssueCode.BAD_DATE


def test_cli_points_to_the_workbook(tmp_path, capsys):
    folder = branch(tmp_path / "in", ACTIVITIES)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--inputs", str(folder), "--outputs", str(out), "--year", "2023"])
    assert exit_.value.code == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-4:] == [f"输出文件在 {out}：", f"  {out / '校验报告.md'}", f"  {out / VALIDATION_XLSX}",
                          f"下一步：打开 {out / VALIDATION_XLSX}，看“全部问题”和标出的单元格，"
                          f"改正台账后重新运行 make check INPUTS={folder}。"]

