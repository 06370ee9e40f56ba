"""Reading ledgers typed the ways real branches type them (issue 8): Unicode spaces, activity
names, date forms, two-row headers, headers far down, stray files, hidden sheets and rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.core.cnfmt import ordinal
from pipeline.core.values import (
    clean_name,
    clean_text,
    cn_numeral,
    dig,
    is_blank,
    month_of_header,
    natural_key,
    norm_header,
    norm_key,
    parse_date,
    parse_number,
    parse_quarter,
)
from pipeline.reading.cells import sheet_period
from tests.builders import BASIC, ROSTER, branch, write_xlsx
from tests.test_ingest import messages, run

# ---------------------------------------------------------------- 3. every Unicode space

NBSP, IDEO, ZWSP, BOM = "\xa0", "\u3000", "\u200b", "\ufeff"


@pytest.mark.parametrize("raw", [f"栽植核桃树{NBSP}", f"{BOM}栽植核桃树", f"栽植核桃树{ZWSP}", "\t栽植核桃树\n",
                                 f"{IDEO}栽植核桃树\u2003", "栽植核桃树\u202f"])
def test_every_space_is_trimmed_from_values(raw):
    assert clean_text(raw) == "栽植核桃树"


def test_spaces_inside_a_value_become_one_ordinary_space():
    assert clean_text(f"学习党章{NBSP}{NBSP}党规") == "学习党章 党规"
    assert clean_text("学习党章\n党规") == "学习党章 党规"
    assert clean_text(f"学习{ZWSP}党章") == "学习党章"
    assert clean_text(f"张{IDEO}三") == f"张{IDEO}三"  # an aligning ideographic space is kept as typed
    assert clean_name(f"张{NBSP}三") == "张三"


@pytest.mark.parametrize("raw", [NBSP, ZWSP, BOM, f"{IDEO}\t\n", "\u2002"])
def test_a_cell_of_spaces_is_blank(raw):
    assert is_blank(raw)


def test_headers_keys_and_numbers_ignore_every_space():
    assert norm_header(f"日期{NBSP}") == "日期"
    assert norm_header(f"{BOM}实到{ZWSP}人数") == "实到人数"
    assert norm_key(f"主题{NBSP}党日") == "主题党日"
    assert parse_number(f"1{NBSP}500{ZWSP}元") == (1500, False)
    assert parse_date(f"{BOM}2023年3月5日{NBSP}", 2023) == dt.date(2023, 3, 5)


def test_pasted_spaces_do_not_split_one_item_into_two(tmp_path):
    branch(tmp_path, [[f"2023年3月5日{NBSP}", f"党课{ZWSP}", f"学习{NBSP}党章"]], extra={
        "帮扶共建": [[f"日期{NBSP}", "对象", f"事项{BOM}", "数量", "单位"],
                 ["2023-04-01", "石门村", "栽植核桃树", 100, "棵"],
                 ["2023-05-01", f"石门村{IDEO}", f"栽植核桃树{NBSP}", 50, f"棵{ZWSP}"]],
        "其他事项": [["事项", "数量", "单位"], [f"购买学习读本{NBSP}", 100, "本"], [f"{BOM}慰问困难党员", 3, "人"]]})
    result = run(tmp_path)
    assert messages(result) == []
    assert result.metrics["帮扶"] == [{"对象": "石门村", "事项": "栽植核桃树", "数量": 150, "单位": "棵", "约数": False}]
    assert list(result.metrics["其他事项"]) == ["购买学习读本", "慰问困难党员"]
    assert result.metrics["组织生活"]["党课"] == 1


# ---------------------------------------------------------------- 4. activity names people type

@pytest.mark.parametrize("typed,canonical", [
    ("支部大会", "党员大会"), ("全体党员大会", "党员大会"), ("党支部党员大会", "党员大会"),
    ("固定主题党日", "主题党日"), ("党日活动", "主题党日"), ("主题党日活动", "主题党日"), ("固定党日", "主题党日"),
    ("书记讲党课", "党课"), ("廉政党课", "党课"), ("微党课", "党课"), ("七一党课", "党课"), ("专题党课", "党课"),
    ("支委扩大会议", "支委会"), ("支部委员会议", "支委会"), ("党支部委员会会议", "支委会"),
    ("党小组学习", "党小组会"), ("3月份支部大会", "党员大会"), ("廉政党课（七一）", "党课"),
])
def test_activity_names_people_type(tmp_path, typed, canonical):
    branch(tmp_path, [["2023-03-05", typed, "学习党章"]])
    result = run(tmp_path)
    assert messages(result) == []
    assert result.metrics["组织生活"][canonical] == 1
    assert result.metrics["组织生活"]["其他"] == 0


def test_secretary_lecture_sets_the_speaker_category(tmp_path):
    branch(tmp_path, extra={"组织生活": [["日期", "类型", "主题", "主讲人类别"],
                                      ["2023-03-05", "书记讲党课", "学习党章", None],
                                      ["2023-06-28", "七一党课", "党史", None],
                                      ["2023-09-05", "主题党日暨书记讲党课", "学习", None],
                                      ["2023-10-05", "书记讲党课", "学习", "专家"]]})
    result = run(tmp_path)
    assert messages(result) == []
    # The category typed wins over the one the name states.
    assert result.metrics["党课"] == {"专家": 1, "书记": 2, "党员": 0, "总数": 4, "未注明": 1, "领导干部": 0}
    assert result.metrics["组织生活"]["主题党日"] == 1


def test_an_unknown_activity_type_stays_a_warning(tmp_path):
    branch(tmp_path, [["2023-03-05", "读书分享会", "学习党章"]])
    result = run(tmp_path)
    assert messages(result) == ["[警告] 台账.xlsx，工作表「组织生活」，第2行，「类型」列：值「读书分享会」不是已知的活动类型，"
                                "按“其他”统计。如属于支委会、党员大会、党小组会、党课、主题党日、专题研讨等类型，请改用标准名称。"]
    assert result.metrics["组织生活"]["其他"] == 1


# ---------------------------------------------------------------- 5. date forms

@pytest.mark.parametrize("raw,day", [
    ("2023年3月5日 星期日", (3, 5)), ("3月5日周日", (3, 5)), ("2023.3.5 周日", (3, 5)), ("2023年3月5日星期天", (3, 5)),
    ("2023年3月5日礼拜日", (3, 5)), ("3月25日-26日", (3, 25)), ("2023.3.25-26", (3, 25)), ("3月25日至26日", (3, 25)),
    ("2023.3.25-3.26", (3, 25)), ("3月25-26日", (3, 25)), ("2023/3/25-26", (3, 25)), ("3.25-26", (3, 25)),
    ("2023年3月25日－2023年3月26日", (3, 25)), ("2023-03-25", (3, 25)), ("2023-3-25", (3, 25)),
    ("二〇二三年三月五日", (3, 5)), ("二零二三年三月五日", (3, 5)), ("二○二三年三月五日", (3, 5)),
    ("三月五日", (3, 5)), ("三月二十五日", (3, 25)), ("二〇二三年十二月三十一日", (12, 31)), ("十月一日", (10, 1)),
    ("2023年三月五日", (3, 5)), ("二〇二三年三月五日（星期日）", (3, 5)), ("三月廿五日", (3, 25)),
])
def test_more_date_forms(raw, day):
    assert parse_date(raw, 2023) == dt.date(2023, *day)


@pytest.mark.parametrize("raw,month", [("一九七五年一月", (1975, 1)), ("一九七五年十二月", (1975, 12)),
                                       ("二〇一〇年七月", (2010, 7)), ("1985年六月", (1985, 6))])
def test_year_months_in_chinese_numerals(raw, month):
    from pipeline.core.values import parse_month

    assert parse_month(raw) == month


@pytest.mark.parametrize("raw,reason", [
    ("三十二月一日", "不是有效的日期（2023年没有32月1日）"), ("二〇二三年二月三十日", "不是有效的日期（2023年没有2月30日）"),
    ("2023-3", "无法识别的日期"), ("3月下旬", "无法识别的日期"),
])
def test_still_not_dates(raw, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_date(raw, 2023)


def test_a_span_counts_once_on_its_first_day(tmp_path):
    branch(tmp_path, [["3月31日-4月1日", "党课", "学习党章"], ["2023年3月5日 星期日", "支部大会", "选举"],
                      ["二〇二三年六月三十日", "七一党课", "党史"], ["6月5日周一", "固定主题党日", "植树"]])
    result = run(tmp_path)
    assert messages(result) == []
    lessons = result.metrics["组织生活"]["按月"]["党课"]
    assert lessons == [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert result.metrics["组织生活"]["党员大会"] == 1
    assert result.metrics["组织生活"]["按月"]["主题党日"][5] == 1


# ---------------------------------------------------------------- 6. headers

def _activities(result) -> list[tuple]:
    return [(r.src.row, r["日期"].isoformat(), r["类型"], r["应到人数"], r["实到人数"], r["主讲人"], r["主讲人类别"])
            for r in result.ledgers.of("组织生活台账")]


TWO_ROW = [["序号", "日期", "类型", "主题", "参会人数", None, "主讲人", None],
           [None, None, None, None, "应到", "实到", "姓名", "类别"],
           [1, "2023-03-05", "党课", "学习党章", 7, 6, "王书记", "书记"],
           [2, "2023-06-05", "党课", "学习党史", 7, 5, "李教授", "专家"]]
TWO_ROW_MERGES = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1", "G1:H1"]


def test_a_two_row_header_with_merged_group_cells(tmp_path):
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "组织生活": TWO_ROW},
               merges={"组织生活": TWO_ROW_MERGES})
    result = run(tmp_path)
    assert messages(result) == []
    assert _activities(result) == [(3, "2023-03-05", "党课", 7, 6, "王书记", "书记"),
                                   (4, "2023-06-05", "党课", 7, 5, "李教授", "专家")]
    assert result.metrics["党课"]["书记"] == 1 and result.metrics["党课"]["专家"] == 1


def test_a_two_row_header_without_vertical_merges(tmp_path):
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "组织生活": TWO_ROW},
               merges={"组织生活": ["E1:F1", "G1:H1"]})
    result = run(tmp_path)
    assert messages(result) == []
    assert [a[3:5] for a in _activities(result)] == [(7, 6), (7, 5)]


def test_a_group_title_centred_across_without_merging(tmp_path):
    rows = [["日期", "类型", "参会人数", None, "主讲人", None], [None, None, "应到", "实到", "姓名", "类别"],
            ["2023-03-05", "党课", 7, 6, "王书记", "书记"]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "组织生活": rows})
    result = run(tmp_path)
    assert messages(result) == []
    assert _activities(result) == [(3, "2023-03-05", "党课", 7, 6, "王书记", "书记")]


@pytest.mark.parametrize("merge", [["A1:G1"], ["A1:C1"], []])
def test_a_title_above_the_header_is_not_a_group_title(tmp_path, merge):
    rows = [["2023年组织生活台账"], ["日期", "类型", "主题", "应到人数", "实到人数"], ["2023-03-05", "支委会", "学习", 7, "七"]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "组织生活": rows}, merges={"组织生活": merge})
    assert messages(run(tmp_path)) == [
        "[错误] 台账.xlsx，工作表「组织生活」，第3行，「实到人数」列：值「七」无法识别的数字。请填写整数。"]


@pytest.mark.parametrize("merges", [["A1:A2", "B1:B2", "C1:D1"], ["C1:D1"]])
def test_units_named_in_a_two_row_header_scale_the_figures(tmp_path, merges):
    rows = [["姓名", "季度", "学习情况", None], [None, None, "学习笔记（万字）", "心得体会（篇）"],
            ["王书记", "第一季度", 0.5, 2], ["张三", "第一季度", 1.2, 1]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "学习笔记": rows},
               merges={"学习笔记": merges})
    result = run(tmp_path)
    assert messages(result) == []
    assert (result.metrics["学习"]["笔记总字数"], result.metrics["学习"]["心得体会总篇数"]) == (17000, 3)


def test_sub_titles_the_vocabulary_does_not_know_are_still_never_data(tmp_path):
    rows = [["日期", "类型", "主讲人", None], [None, None, "姓名", "单位"], ["2023-03-05", "党课", "王书记", "本支部"]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "组织生活": rows},
               merges={"组织生活": ["A1:A2", "B1:B2", "C1:D1"]})
    result = run(tmp_path)
    assert messages(result) == ["[警告] 台账.xlsx，工作表「组织生活」，第2行：以下列不属于“组织生活台账”的识别范围，"
                                "未参与统计：主讲人/单位。如果这些列有需要统计的内容，请把表头改为 README 中列出的名称。"]
    assert [(a[0], a[2], a[5]) for a in _activities(result)] == [(3, "党课", "王书记")]


def test_a_header_in_row_17_after_notes(tmp_path):
    notes = [["组织生活台账"], ["填报单位：测试党支部"], *[[f"说明{i}：按要求如实填写，不得漏记。"] for i in range(1, 15)]]
    data = [[i, dt.date(2023, 1 + i % 12, 5), "支委会", f"第{i}次支委会"] for i in range(1, 38)]
    rows = [*notes, ["序号", "日期", "类型", "主题"], *data]
    assert len(notes) == 16
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "Sheet1": rows})
    result = run(tmp_path)
    assert messages(result) == []
    assert result.metrics["组织生活"]["支委会"] == 37
    assert [r.src.row for r in result.ledgers.of("组织生活台账")][:2] == [18, 19]


def test_data_without_a_header_names_the_rows_it_skipped(tmp_path):
    rows = [["测试党支部2023年组织生活记录"],
            *[[i, dt.date(2023, i, 5), "支委会", "研究工作"] for i in range(1, 6)]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "Sheet1": rows})
    result = run(tmp_path)
    assert messages(result) == ["[警告] 台账.xlsx，工作表「Sheet1」：看起来是台账数据，但找不到可识别的表头（含必填列的一行），"
                                "该表 6 行内容均未读取。请在数据上方加一行表头，列名见 README 的台账说明（如“日期”“类型”“姓名”）。"]


def test_a_header_below_data_is_not_taken(tmp_path):
    """Rows of records above a header-like row would be lost if that row were taken as the header."""
    rows = [*[[i, dt.date(2023, i, 5), "支委会", "研究工作"] for i in range(1, 4)], ["序号", "日期", "类型", "主题"],
            [4, dt.date(2023, 4, 5), "支委会", "研究工作"]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "Sheet1": rows})
    result = run(tmp_path)
    assert [i.code for i in result.log.items] == ["unknown-sheet"]
    assert "该表 5 行内容均未读取" in messages(result)[0]


# ---------------------------------------------------------------- 8. files no secretary made

def test_files_the_computer_made_are_skipped_silently(tmp_path):
    branch(tmp_path)
    for name in ("Thumbs.db", "desktop.ini", ".DS_Store", "~$台账.xlsx", "~WRL0001.tmp", "ehthumbs.db"):
        (tmp_path / name).write_bytes(b"\x00\x01junk")
    result = run(tmp_path)
    assert messages(result) == []
    assert result.ledgers.files == ["台账.xlsx"]


def test_documents_that_are_not_spreadsheets_are_skipped_with_a_warning(tmp_path):
    branch(tmp_path)
    for name in ("工作总结.docx", "照片.jpg", "通知.pdf", "说明.txt"):
        (tmp_path / name).write_bytes(b"PK\x03\x04 not a sheet")
    result = run(tmp_path)
    assert not result.log.errors
    assert messages(result) == [
        f"[警告] {name}：不是表格文件，已跳过（程序只读取 .xlsx、.xls、.et、.ods、.csv 表格）。"
        "如果其中有要统计的内容，请填入台账；否则可以不理会，或将其移出输入文件夹。"
        for name in sorted(("工作总结.docx", "照片.jpg", "通知.pdf", "说明.txt"))]
    assert result.ledgers.files == ["台账.xlsx"]


def test_a_folder_of_only_system_files_has_no_ledgers(tmp_path):
    from pipeline.api import branches
    from pipeline.core.errors import UsageError

    (tmp_path / "Thumbs.db").write_bytes(b"x")
    with pytest.raises(UsageError, match="中没有台账文件"):
        branches(tmp_path)


@pytest.mark.parametrize("inside", ["xls", "xlsx"])
def test_wps_et_files_are_read(tmp_path, inside):
    """WPS saves .et as an .xls- or .xlsx-like file; python-calamine reads it by content."""
    from tests.builders import write_xls

    rows = [["日期", "类型", "主题"], ["2023-03-05", "支部大会", "选举"], ["2023-04-05", "党课", "党章"]]
    sheets = {"基本信息": BASIC, "党员名册": ROSTER, "组织生活": rows}
    built = (write_xls if inside == "xls" else write_xlsx)(tmp_path / "build" / f"台账.{inside}", sheets)
    (tmp_path / "in").mkdir()
    built.rename(tmp_path / "in" / "台账.et")
    result = run(tmp_path / "in")
    assert messages(result) == []
    assert result.ledgers.files == ["台账.et"]
    assert (result.metrics["组织生活"]["党员大会"], result.metrics["组织生活"]["党课"]) == (1, 1)


def test_an_et_file_calamine_cannot_read_says_save_as_xlsx(tmp_path):
    branch(tmp_path)
    (tmp_path / "组织生活.et").write_bytes(b"\x00WPS proprietary" * 64)
    assert messages(run(tmp_path)) == [
        "[错误] 组织生活.et：WPS 表格文件（.et）无法读取（不是程序能识别的格式）。"
        "请在 WPS 中另存为 .xlsx（文件 → 另存为 → Excel 工作簿），再放入输入文件夹。"]


def test_an_unreadable_spreadsheet_is_still_an_error(tmp_path):
    branch(tmp_path)
    (tmp_path / "坏文件.xls").write_bytes(b"not a workbook")
    assert [i.severity for i in run(tmp_path).log.items] == ["错误"]


# ---------------------------------------------------------------- 9. hidden sheets and rows

def _hidden_workbook(path: Path) -> Path:
    import openpyxl

    write_xlsx(path, {"基本信息": BASIC, "党员名册": ROSTER,
                      "组织生活": [["日期", "类型", "主题"], *[[f"2023-{m:02d}-05", "支委会", "研究工作"] for m in range(1, 8)]],
                      "组织生活（旧）": [["日期", "类型", "主题"], ["2023-03-20", "党课", "学习党章"]],
                      "说明": [["本表由组织委员填写"]]})
    wb = openpyxl.load_workbook(path)
    wb["组织生活（旧）"].sheet_state = "hidden"
    wb["说明"].sheet_state = "hidden"  # hidden but not a ledger: nothing counted, nothing said about hiding
    for r in (3, 4, 5, 8):
        wb["组织生活"].row_dimensions[r].hidden = True
    wb.save(path)
    return path


HIDDEN_INFOS = [
    "[提示] 台账.xlsx，工作表「组织生活」，第3行：第3至5行（共 3 行）是隐藏的行，已与其他行一样读取和统计（隐藏不等于删除）。"
    "如果是作废的记录，请删除这些行。",
    "[提示] 台账.xlsx，工作表「组织生活」，第8行：这一行是隐藏的行，已与其他行一样读取和统计（隐藏不等于删除）。"
    "如果是作废的记录，请删除这些行。",
    "[提示] 台账.xlsx，工作表「组织生活（旧）」：这是隐藏的工作表，其中的内容已与其他工作表一样读取和统计（隐藏不等于删除）。"
    "如果这是作废的旧表，请删除该工作表或移出文件。",
]


def test_hidden_sheets_and_rows_are_counted_and_listed(tmp_path):
    _hidden_workbook(tmp_path / "台账.xlsx")
    result = run(tmp_path)
    assert messages(result, "hidden-rows") + messages(result, "hidden-sheet") == HIDDEN_INFOS
    assert result.log.counts() == {"错误": 0, "警告": 1}  # the 说明 page, as for any note page
    assert result.metrics["组织生活"]["支委会"] == 7 and result.metrics["组织生活"]["党课"] == 1


def test_hidden_ones_are_listed_in_both_validation_reports_without_counting_as_problems(tmp_path):
    import openpyxl
    from click.testing import CliRunner

    from pipeline.cli import cli

    _hidden_workbook(tmp_path / "in" / "台账.xlsx")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["check", "--inputs", str(tmp_path / "in"), "--outputs", str(out), "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert "校验完成：0 个错误，8 个警告，3 条提示，规则检查发现 6 项。" in result.output.splitlines()
    assert HIDDEN_INFOS[0] in result.output.splitlines()
    md = (out / "校验报告.md").read_text(encoding="utf-8")
    assert "- 提示：3 条（不需改正：隐藏的工作表或行已照常统计等，见下面的“提示”）" in md
    section = md[md.index("## 提示（不需改正，已照常统计）：3 个"):].split("\n## ")[0]
    assert [line.split(". ", 1)[1] for line in section.splitlines() if line[:1].isdigit()] == HIDDEN_INFOS
    wb = openpyxl.load_workbook(out / "校验报告.xlsx")
    listed = [(row[1], row[3], row[4]) for row in wb["全部问题"].iter_rows(min_row=2, values_only=True)]
    assert ("提示", "组织生活", 3) in listed and ("提示", "组织生活", 8) in listed and ("提示", "组织生活（旧）", None) in listed
    assert not any(title.startswith("问题行-") for title in wb.sheetnames)  # nothing to correct, no copies
    summary = [c for row in wb["汇总"].iter_rows(values_only=True) for c in row if c]
    assert "提示：3 条（不需改正：隐藏的工作表或行已照常统计等，见“全部问题”）" in summary


def test_hidden_rows_of_an_ods_and_hidden_sheets_of_an_xls(tmp_path):
    """.ods rows hidden (collapsed) in LibreOffice; .xls sheets hidden in Excel (calamine does not
    say which .xls rows are hidden: those rows are read and counted, without the 提示)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P


    doc = OpenDocumentSpreadsheet()
    table = Table(name="组织生活")
    for i, row in enumerate([["日期", "类型"], ["2023-03-05", "支委会"], ["2023-04-05", "支委会"], ["2023-05-05", "党课"]]):
        element = TableRow(visibility="collapsed") if i in (2, 3) else TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            element.addElement(cell)
        table.addElement(element)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "组织生活.ods"))
    import xlwt

    book = xlwt.Workbook()
    for name, rows in {"基本信息": BASIC, "党员名册": ROSTER, "谈心谈话": [["谈话人", "谈话对象"], ["王书记", "张三、李四"]]}.items():
        ws = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                ws.write(r, c, value)
    ws.visibility = 1  # 谈心谈话 hidden
    book.save(str(tmp_path / "台账.xls"))
    result = run(tmp_path)
    assert messages(result) == [
        "[提示] 台账.xls，工作表「谈心谈话」：这是隐藏的工作表，其中的内容已与其他工作表一样读取和统计（隐藏不等于删除）。"
        "如果这是作废的旧表，请删除该工作表或移出文件。",
        "[提示] 组织生活.ods，工作表「组织生活」，第3行：第3至4行（共 2 行）是隐藏的行，已与其他行一样读取和统计（隐藏不等于删除）。"
        "如果是作废的记录，请删除这些行。"]
    assert (result.metrics["组织生活"]["支委会"], result.metrics["组织生活"]["党课"]) == (2, 1)
    assert (result.metrics["谈心谈话"]["次数"], result.metrics["谈心谈话"]["覆盖党员"]) == (1, 2)


# ---------------------------------------------------------------- 10. Chinese numerals, one reader

@pytest.mark.parametrize(("text", "value"), [("三", 3), ("十", 10), ("十二", 12), ("二十五", 25), ("廿五", 25),
                                             ("卅一", 31), ("一百零五", 105), ("二〇二三", 2023), ("两", 2)])
def test_chinese_numerals_are_read_by_value(text, value):
    assert cn_numeral(text) == value


def test_chinese_numerals_read_back_what_the_report_writes():
    assert [cn_numeral(ordinal(i)) for i in range(1, 100)] == list(range(1, 100))


@pytest.mark.parametrize("text", ["", "三月", "3"])
def test_what_is_no_chinese_numeral_is_refused(text):
    with pytest.raises(ValueError, match="不是中文数字"):
        cn_numeral(text)


def test_every_reader_of_chinese_numerals_agrees():
    assert parse_date("二〇二三年三月二十五日", None) == dt.date(2023, 3, 25)
    assert parse_date("二〇二三年十二月廿五日", None) == dt.date(2023, 12, 25)
    assert parse_quarter("第三季度") == 3
    assert month_of_header("十一月") == (None, 11)
    assert sheet_period("2023年十二月份") == ("月", 12) and sheet_period("第四季度") == ("季度", 4)
    assert sorted(["第十党支部", "第二党支部", "第十二党支部"], key=natural_key) == ["第二党支部", "第十党支部", "第十二党支部"]


def test_dig_reads_a_nested_value_or_none():
    metrics = {"学习": {"人均笔记字数": 5000}, "年度": 2023}
    assert dig(metrics, "学习", "人均笔记字数") == 5000
    assert dig(metrics, "学习", "检查次数") is None
    assert dig(metrics, "年度", "人数") is None  # a figure has no levels below it
    assert dig(metrics) is metrics


def test_a_number_in_a_text_column_is_read_as_its_text(tmp_path):
    """A number typed into 主题 or 党小组 (`2023`, `1`) used to stop the run with an AttributeError."""
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER,
                                       "组织生活": [["日期", "类型", "主题", "党小组"],
                                                    ["2023-03-05", "党课", 2023, 1], ["2023-04-05", "党课", 12.5, "1"]]})
    from pipeline.api import analyse
    from pipeline.rules.settings import load

    run = analyse(tmp_path, "", 2023, load(None))
    assert [(r["主题"], r["党小组"]) for r in run.ledgers.of("组织生活台账")] == [("2023", "1"), ("12.5", "1")]
    assert [i for i in run.log.items if i.sheet] == []  # nothing said about the cells
