"""`init`: blank ledgers a secretary can fill in, which then pass `check` (example rows never count)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from pipeline import api
from pipeline.cli import main
from pipeline.core import vocab
from pipeline.writing.blank import CHOICES, FIRST_DATA_ROW, blank_columns, blank_workbook, describe, file_name, ledger_kinds
from tests.builders import write_xlsx

YEAR = 2023
NAMES = [file_name(n, k) for n, k in enumerate(ledger_kinds(), 1)]


def validations(ws) -> dict[str, object]:
    """Header text -> the data validation covering that column's example row."""
    out = {}
    for rule in ws.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            if cell_range.min_row <= FIRST_DATA_ROW <= cell_range.max_row:
                out[ws.cell(row=2, column=cell_range.min_col).value] = rule
    return out


def test_init_writes_one_workbook_per_kind(tmp_path):
    result = api.run_init(tmp_path / "台账", YEAR)
    assert [(p.name, status) for p, status in result] == [(name, "written") for name in NAMES]
    assert NAMES[:3] == ["01-基本信息.xlsx", "02-党员名册.xlsx", "03-组织生活台账.xlsx"]
    assert "06-党费收缴台账.xlsx" in NAMES and not any("逐笔" in n for n in NAMES)


def test_blank_table_layout(tmp_path):
    api.run_init(tmp_path, YEAR)
    for number, kind in enumerate(ledger_kinds(), 1):
        if kind.name == "基本信息":
            continue
        wb = openpyxl.load_workbook(tmp_path / file_name(number, kind))
        assert wb.sheetnames == [kind.name, vocab.HELP_SHEET]
        ws = wb[kind.name]
        columns = blank_columns(kind)
        assert ws["A1"].value == f"{YEAR}年度{kind.title}"
        assert [str(r) for r in ws.merged_cells.ranges] == [f"A1:{get_column_letter(len(columns) + 1)}1"]
        assert [c.value for c in ws[2]] == ["序号", *[c.name for c in columns]]
        assert ws.freeze_panes == "B3"
        assert ws["A3"].value.startswith(vocab.EXAMPLE_MARKER) and ws["A3"].font.i
        for index, column in enumerate(columns, 2):
            header = ws.cell(row=2, column=index)
            assert (header.comment is not None and header.comment.text == "必填") == column.required
            assert ws.column_dimensions[header.column_letter].width == column.width
        rules = validations(ws)
        assert set(rules) == {c.name for c in columns if c.required or describe(c, YEAR)}
        for column in columns:
            rule = rules.get(column.name)
            if rule is None:
                continue
            if column.choices:
                assert rule.type == "list" and rule.formula1 == '"' + ",".join(column.choices) + '"'
            elif column.type == "date":
                assert rule.type == "date"
                letter = get_column_letter(columns.index(column) + 2)
                assert ws.column_dimensions[letter].number_format == 'yyyy"年"m"月"d"日"'
            elif column.type in ("number", "int"):
                assert rule.type == ("whole" if column.type == "int" else "decimal")
            assert rule.prompt.startswith("必填" if column.required else "选填")


def test_drop_down_lists_come_from_the_vocabularies(tmp_path):
    api.run_init(tmp_path, YEAR)
    expect = {
        ("03-组织生活台账.xlsx", "类型"): [*vocab.ACTIVITY_TYPES, vocab.OTHER_ACTIVITY],
        ("03-组织生活台账.xlsx", "主讲人类别"): list(vocab.SPEAKER_CATEGORIES),
        ("02-党员名册.xlsx", "人员类别"): list(vocab.MEMBER_CATEGORIES),
        ("07-信息报送台账.xlsx", "是否采用"): ["是", "否"],
        ("07-信息报送台账.xlsx", "采用级别"): list(vocab.LEVELS),
        ("09-问题清单.xlsx", "类型"): list(vocab.PROBLEM_TYPES),
    }
    for (name, header), values in expect.items():
        ws = openpyxl.load_workbook(tmp_path / name).worksheets[0]
        rule = validations(ws)[header]
        assert rule.formula1.strip('"').split(",") == values
        assert len(rule.formula1) <= 255
    assert all(len('"' + ",".join(v) + '"') <= 255 for v in CHOICES.values())


def test_blank_dues_ledger_is_the_wide_form(tmp_path):
    api.run_init(tmp_path, YEAR)
    ws = openpyxl.load_workbook(tmp_path / "06-党费收缴台账.xlsx").worksheets[0]
    assert [c.value for c in ws[2]] == ["序号", "姓名", "缴纳标准", *[f"{m}月" for m in range(1, 13)], "合计", "上缴"]


def test_basic_info_is_label_value_rows(tmp_path):
    api.run_init(tmp_path, YEAR)
    ws = openpyxl.load_workbook(tmp_path / "01-基本信息.xlsx")["基本信息"]
    labels = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(3, ws.max_row + 1)}
    assert labels == {"党支部名称": None, "支部书记": None, "年度": YEAR, "上级党组织": None, "报告日期": None,
                      "支部类型": None, "本届任期起始": None, "党费缴纳方式": None, "党小组": None,
                      "书记与每名党员谈话": None, "党课每季度次数": None}
    assert ws["A3"].font.color.rgb.endswith("C00000")  # required labels in red


def test_help_sheet_lists_every_column(tmp_path):
    api.run_init(tmp_path, YEAR)
    ws = openpyxl.load_workbook(tmp_path / "03-组织生活台账.xlsx")[vocab.HELP_SHEET]
    assert ws["A1"].value == vocab.HELP_MARKER
    rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0] in {"日期", "类型", "备注"}}
    assert rows["日期"][0] == "必填" and f"{YEAR}-03-05" in rows["日期"][1]
    assert rows["类型"][0] == "必填" and "支委会、党员大会" in rows["类型"][1]
    assert rows["备注"][0] == "选填"


def test_blank_workbooks_are_byte_identical():
    from tests.builders import assert_zip_is_fixed

    kind = vocab.KIND_BY_NAME["组织生活台账"]
    assert blank_workbook(kind, YEAR) == blank_workbook(kind, YEAR)
    assert_zip_is_fixed(blank_workbook(kind, YEAR))


def test_unfilled_ledgers_only_ask_for_the_basic_info(tmp_path):
    api.run_init(tmp_path, YEAR)
    run = api.run_check(tmp_path, None, None)[0]
    assert [i.message() for i in run.log.items] == [
        "[错误] 01-基本信息.xlsx，工作表「基本信息」：基本信息缺少“党支部名称”。请在基本信息表中补填“党支部名称”。",
        "[错误] 01-基本信息.xlsx，工作表「基本信息」：基本信息缺少“支部书记”。请在基本信息表中补填“支部书记”。",
        "[警告] （输入文件夹）：“问题清单”中没有内容，报告“二、存在的主要问题及原因”部分将没有内容。请在“问题清单”中填写。",
        "[警告] （输入文件夹）：“任务清单”中没有内容，报告“三、下一步工作打算”部分将没有内容，报告将注明“本稿仅供核对”。"
        "请在“任务清单”中填写。",
        "[警告] （输入文件夹）：没有整改台账，也没有指定上年度的台账，报告“二、存在的主要问题及原因”中不写上年度查摆问题的"
        "整改情况。请把上年度问题的整改情况填入整改台账（make init 生成的 13-整改台账.xlsx：问题、整改措施、完成情况），"
        "或运行时用 PREVIOUS= 指定上年度的台账文件夹。"]


def _append(path: Path, rows: list[list]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for row in rows:
        ws.append(row)
    wb.save(path)


def fill(folder: Path) -> None:
    """Fill every blank ledger the way a secretary would, under the example row."""
    d = lambda m, day: dt.date(YEAR, m, day)  # noqa: E731
    wb = openpyxl.load_workbook(folder / "01-基本信息.xlsx")
    ws = wb["基本信息"]
    ws["B3"], ws["B4"], ws["B6"] = "第一党支部", "王书记", "中共某某县直属机关工作委员会"
    wb.save(folder / "01-基本信息.xlsx")
    _append(folder / "02-党员名册.xlsx", [[1, "王书记", "男", "1970.01", "1995.07", "正式党员", "书记"],
                                         [2, "李四", "女", "1988年3月", "2015-06", "预备党员", None]])
    _append(folder / "03-组织生活台账.xlsx", [[1, d(1, 5), "支委会", "研究全年工作", None, None, 2, 2],
                                             [2, d(2, 6), "支委会", "学习", None, None, 2, 2],
                                             [3, d(3, 8), "主题党日", "植树", "李四", None, 2, 2]])
    _append(folder / "04-谈心谈话记录.xlsx", [[1, d(4, 1), "王书记", "李四", "个别谈话", "谈工作"]])
    _append(folder / "05-学习笔记检查.xlsx", [[1, "李四", "第一季度", d(3, 30), 3000, 2]])
    _append(folder / "06-党费收缴台账.xlsx", [[1, "李四", 20, *[20] * 12, 240]])
    _append(folder / "07-信息报送台账.xlsx", [[1, d(5, 1), "支部开展植树活动", "县直机关工委", "否", None, None]])
    _append(folder / "08-帮扶共建台账.xlsx", [[1, d(4, 2), "柳沟村", "送去棉服", 20, "件"]])
    _append(folder / "09-问题清单.xlsx", [[1, "问题", "学习不够深入", "学用结合不紧。"],
                                         [2, "原因", "思想认识不足", "重业务轻党建。"]])
    _append(folder / "10-任务清单.xlsx", [[1, "加强学习", "每月集中学习1次。"]])
    _append(folder / "11-其他事项.xlsx", [[1, "开展志愿服务", 6, "次"]])
    _append(folder / "12-工作举措.xlsx", [[1, "理论学习", "制定年度学习计划"], [2, "作风建设", "开展作风纪律整顿"]])
    _append(folder / "13-入党积极分子.xlsx", [[1, "钱七", "2023.05", "王书记"]])


def test_filled_blank_ledgers_pass_check_and_examples_never_count(tmp_path):
    api.run_init(tmp_path, YEAR)
    fill(tmp_path)
    run = api.run_check(tmp_path, None, None)[0]
    # Only that last year's 整改 is missing (no 整改台账, no PREVIOUS): said, never silent.
    assert [i.code for i in run.log.items] == ["missing-ledger"], [i.message() for i in run.log.items]
    assert run.log.items[0].reason.startswith("没有整改台账，也没有指定上年度的台账")
    m = run.metrics
    assert m["年度"] == YEAR and m["支部"]["名称"] == "第一党支部"
    assert m["党员"] == {"总数": 2, "正式党员": 1, "预备党员": 1, "增加": 0, "减少": 0, "变动": [],
                       "新发展党员": 0, "入党积极分子": 1, "本年确定积极分子": 1}  # not the example 张三
    assert m["组织生活"]["支委会"] == 2 and m["组织生活"]["主题党日"] == 1
    assert m["组织生活"]["党课"] == 0 and m["党课"]["总数"] == 0  # the example row is a 党课
    assert m["谈心谈话"]["次数"] == 1
    assert m["学习"]["笔记总字数"] == 3000
    assert m["党费"]["实缴总额"] == 240
    assert m["信息报送"]["报送篇数"] == 1 and m["信息报送"]["采用篇数"] == 0
    assert [(b["对象"], b["事项"]) for b in m["帮扶"]] == [("柳沟村", "送去棉服")]
    assert [p["标题"] for p in m["问题"]] == ["学习不够深入"]
    assert [p["标题"] for p in m["打算"]] == ["加强学习"]
    assert list(m["其他事项"]) == ["开展志愿服务"]
    assert m["工作举措"] == {"责任落实": [], "理论学习": ["制定年度学习计划"], "组织建设": [], "中心工作": [],
                         "作风建设": ["开展作风纪律整顿"]}  # not the example row
    kinds = {kind for kind, records in run.ledgers.records.items() if records}
    assert kinds == {k.name for k in ledger_kinds()} - {"基本信息"}


def test_init_never_overwrites(tmp_path):
    mine = write_xlsx(tmp_path / "02-党员名册.xlsx", {"名册": [["姓名"], ["张三"]]})
    before = mine.read_bytes()
    result = api.run_init(tmp_path, YEAR)
    assert dict((p.name, s) for p, s in result)["02-党员名册.xlsx"] == "skipped"
    assert mine.read_bytes() == before
    assert [s for _, s in api.run_init(tmp_path, YEAR)] == ["skipped"] * len(NAMES)


def cli(*args: str) -> int:
    """Run `python -m pipeline …` in-process and return its exit code."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code


def test_cli_init_lists_files_and_next_step(tmp_path, capsys):
    folder = tmp_path / "台账2023"
    assert cli("init", "--inputs", str(folder), "--year", "2023") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "已生成 13 个2023年度空白台账："
    assert lines[1:14] == [f"  {folder / name}" for name in NAMES]
    assert lines[-1] == (f"台账在 {folder}。下一步：用 Excel 或 WPS 打开填写（第3行是示例，不会统计；"
                         f"各表的“填表说明”页有填写要求），填好后运行 make check INPUTS={folder} 检查。")
    assert cli("init", "--inputs", str(folder)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [f"已存在，未覆盖：{folder / name}" for name in NAMES]


def test_cli_init_warns_about_other_ledgers(tmp_path, capsys):
    write_xlsx(tmp_path / "样例.xlsx", {"名册": [["姓名"], ["张三"]]})
    assert cli("init", "--inputs", str(tmp_path), "--year", "2023") == 0
    out = capsys.readouterr().out
    assert (f"注意：{tmp_path} 中还有其他台账（样例.xlsx），检查和生成报告时也会读取。"
            "如果是样例，请移走，或换一个文件夹：make init INPUTS=新文件夹") in out.splitlines()


def test_cli_init_on_a_file_exits_2(tmp_path, capsys):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"x")
    assert cli("init", "--inputs", str(target)) == 2
    assert capsys.readouterr().err == f"错误：{target} 是一个文件，不是文件夹。请用 INPUTS=文件夹 指定存放台账的文件夹\n"


@pytest.mark.parametrize("year", ["1800", "二〇二三"])
def test_cli_init_bad_year_exits_2(tmp_path, capsys, year):
    assert cli("init", "--inputs", str(tmp_path), "--year", year) == 2
    assert capsys.readouterr().err.startswith("用法错误：参数 --year 的值无效（")
    assert not any(tmp_path.iterdir())


@pytest.mark.spawns
def test_make_init_calls_the_init_command():
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(["make", "-n", "init", "INPUTS=台账2023", "YEAR=2023"], cwd=root,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # The values travel in the environment (exported by make), never pasted into the shell line.
    assert '-m pipeline init --inputs "$INPUTS" ${YEAR:+--year "$YEAR"}' in proc.stdout


def test_an_example_row_typed_over_is_reported_not_dropped(tmp_path):
    import openpyxl

    from pipeline.api import run_check, run_init

    run_init(tmp_path, 2023)
    path = tmp_path / "03-组织生活台账.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["组织生活台账"] if "组织生活台账" in wb.sheetnames else wb.worksheets[0]
    ws["C3"] = "专题研究党建"  # the 类型 cell of the example row, 示例 left in A3
    wb.save(path)
    run = run_check(tmp_path, None, 2023)[0]
    assert [i.message() for i in run.log.items if i.code == "example-row"] == [
        "[警告] 03-组织生活台账.xlsx，工作表「组织生活台账」，第3行：这一行以“示例”开头，按填写示例处理，未计入统计。"
        "如果这是真实记录，请删去第一格中的“示例”二字。"]
    untouched = [i for i in run.log.items if i.code == "example-row" and i.file != "03-组织生活台账.xlsx"]
    assert untouched == []


def test_a_report_from_filled_blank_ledgers_claims_nothing_they_do_not_carry(tmp_path):
    from tests.test_render import MODEL_ONLY

    api.run_init(tmp_path / "in", YEAR)
    fill(tmp_path / "in")
    api.run_report(tmp_path / "in", tmp_path / "out", None)
    text = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    before = text.split("## 二、")[0]
    assert not [w for w in MODEL_ONLY if w in before]
    for claim in ("足额", "已全部上缴", "严格按照", "认真落实", "每季度", "按时"):
        assert claim not in before, claim
    assert "和全体党员开展谈心谈话1次" in before  # 王书记 talked with 李四, the only other member
    assert text.startswith("# 2023年度第一党支部书记抓党建工作述职报告\n\n第一党支部书记 王书记\n")
    assert "（二）政治理论学习情况。制定年度学习计划。" in text
    assert "（五）作风建设情况。开展作风纪律整顿。" in text
    assert "\n第一党支部\n\n\u3000年\u3000月\u3000日\n" in text
