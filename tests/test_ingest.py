"""Reading ledgers as secretaries fill them in: formats, headers, values, and every bad input."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from pipeline.api import analyse
from pipeline.core import vocab
from pipeline.core.names import LedgerKind
from pipeline.core.values import month_of_header, norm_header, parse_date, parse_month, parse_number, parse_quarter, split_names
from pipeline.rules.settings import load
from tests.builders import BASIC, ROSTER, branch, write_csv, write_ods, write_xls, write_xlsx


def run(folder: Path, year: int | None = 2023):
    """Analyse a small test branch; ledgers it leaves out on purpose are not its subject."""
    result = analyse(folder, "", year, load(None))
    result.log.items = [i for i in result.log.items if i.code != "missing-ledger"]
    return result


def messages(result, code: str | None = None) -> list[str]:
    return [i.message() for i in result.log.items if code is None or i.code == code]


# Among the longest modules: `heavy` has xdist start it first, not leave it for the end.
pytestmark = pytest.mark.heavy


# ---------------------------------------------------------------- value forms

@pytest.mark.parametrize("raw", [
    dt.date(2023, 3, 5), dt.datetime(2023, 3, 5, 9, 30), 44990, 44990.0, "44990",
    "2023年3月5日", "2023.3.5", "2023/3/5", "2023-03-05", "2023-3-5", "20230305", 20230305,
    "3月5日", "3.5", 3.5, "３月５日", " 2023年3月5号 ", "2023-03-05 00:00:00",
    "2023年3月5日上午", "2023年3月5日 9:30", "2023.3.5下午14时", "2023年3月5日至6日", "2023.3.5～3.7",
    "3月5日—3月6日", "2023年3月5日（周日）", "'2023-03-05", "2023.3.5(星期日)",
])
def test_date_forms(raw):
    assert parse_date(raw, 2023) == dt.date(2023, 3, 5)


@pytest.mark.parametrize("raw,reason", [
    ("2023-02-30", "不是有效的日期（2023年没有2月30日）"),
    ("2023年13月1日", "不是有效的日期（2023年没有13月1日）"),
    ("上旬", "无法识别的日期"),
    (3.1, "日期被 Excel 存成了数字，无法确定是几日（如 3.10 会显示为 3.1）"),
])
def test_bad_dates(raw, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_date(raw, 2023)


@pytest.mark.parametrize("raw", ["1975.01", "1975.1", 1975.01, "1975年1月", "1975-01", "197501", 197501,
                                 dt.date(1975, 1, 20), "1975/1"])
def test_month_forms(raw):
    assert parse_month(raw) == (1975, 1)


@pytest.mark.parametrize("raw,value,approx", [
    (50, 50, False), (50.0, 50, False), (3.5, 3.5, False), ("7,250", 7250, False),
    ("７２５０", 7250, False), ("50元", 50, False), ("¥50", 50, False), ("￥50", 50, False),
    ("1500棵", 1500, False), ("1.2万", 12000, False), ("1500余", 1500, True),
    ("1500余棵", 1500, True), ("3万余字", 30000, True), (" 12 ", 12, False), ("2.5万元", 25000, False),
    ("约100", 100, True), ("大约3万字", 30000, True), ("1500多棵", 1500, True),
])
def test_number_forms(raw, value, approx):
    assert parse_number(raw) == (value, approx)


@pytest.mark.parametrize("raw", ["一千五", "百余", "12-15", "1.2.3"])
def test_bad_numbers(raw):
    with pytest.raises(ValueError, match="无法识别的数字"):
        parse_number(raw)


@pytest.mark.parametrize("raw,names", [
    ("张三、李四", ["张三", "李四"]), ("张三，李四", ["张三", "李四"]), ("张三,李四", ["张三", "李四"]),
    ("张三;李四", ["张三", "李四"]), ("张三；李四", ["张三", "李四"]), ("张三/李四", ["张三", "李四"]),
    ("张三 李四", ["张三", "李四"]), ("张三\n李四", ["张三", "李四"]), (" 张三 ", ["张三"]),
    ("张　三、李四", ["张三", "李四"]), ("张 三", ["张三"]), ("欧阳明 李四", ["欧阳明", "李四"]),
    ("张三同志、李四同志", ["张三", "李四"]),
])
def test_name_lists(raw, names):
    assert split_names(raw) == names


@pytest.mark.parametrize("raw,month", [("1月", 1), ("一月", 1), ("01月", 1), ("2023年1月", 1),
                                       ("2023-01", 1), ("十二月", 12), ("12月份", 12)])
def test_month_headers(raw, month):
    assert month_of_header(norm_header(raw))[1] == month


@pytest.mark.parametrize("raw,quarter", [("第一季度", 1), ("一季度", 1), ("Q2", 2), (3, 3), ("4", 4),
                                         ("2023年第4季度", 4)])
def test_quarters(raw, quarter):
    assert parse_quarter(raw) == quarter


@pytest.mark.parametrize("raw,normal", [
    (" 学 习 笔 记（字）", "学习笔记"), ("缴纳标准（元/月）", "缴纳标准"), ("姓\n名", "姓名"),
    ("姓　名", "姓名"), ("ＡＢＣ", "ABC"), ("实到人数(人)", "实到人数"),
])
def test_header_normalisation(raw, normal):
    assert norm_header(raw) == normal


# ---------------------------------------------------------------- header synonyms, every kind

def _synonym_cases():
    for kind in vocab.KINDS:
        if kind.name == "基本信息":
            continue
        for column in kind.columns:
            for synonym in (column.name, *column.synonyms):
                yield pytest.param(kind, column, synonym, id=f"{kind.name}-{synonym}")


_SAMPLE_VALUES = {
    "text": "文本", "name": "张三", "date": "2023-05-06", "anydate": "2023-05-06", "month": "1980.05", "number": "12",
    "int": "9", "names": "张三、李四", "activity": "支委会", "speaker": "书记", "category": "正式党员",
    "yesno": "是", "level": "省", "problem": "问题", "quarter": "第二季度", "paymonth": "5月", "status": "正常",
    "section": "理论学习", "remit": "是", "rectify": "推进中", "deadline": "2023年6月底前",
}


@pytest.mark.parametrize("kind,column,synonym", list(_synonym_cases()))
def test_header_synonyms(tmp_path, kind, column, synonym):
    """Every listed synonym is recognised as its column in its own kind of ledger."""
    header, row = [], []
    for other in kind.columns:
        if other.required or other is column:
            header.append(synonym if other is column else other.name)
            row.append(_SAMPLE_VALUES[other.type])
    if kind.name == LedgerKind.DUES_WIDE:
        header.append("5月")
        row.append("30")
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, kind.name: [header, row]})
    result = run(tmp_path)
    assert not result.log.errors, messages(result)
    records = result.ledgers.of(kind.name)
    assert len(records) == 1, messages(result)
    assert column.name in records[0].values


@pytest.mark.parametrize("typed,canonical", [
    (s, canon) for canon, syns in vocab.ACTIVITY_TYPES.items() for s in (canon, *syns)
] + [("支 委 会", "支委会"), ("主题党日活动 ", "主题党日")])
def test_activity_synonyms(tmp_path, typed, canonical):
    result = run(branch(tmp_path, [["2023-05-06", typed, "学习"]]))
    assert [r["类型"] for r in result.ledgers.of("组织生活台账")] == [canonical]
    assert not result.log.warnings


def test_unknown_activity_type_counts_as_other(tmp_path):
    result = run(branch(tmp_path, [["2023-05-06", "读书会", "学习"]]))
    assert result.metrics["组织生活"]["其他"] == 1
    assert messages(result) == [
        "[警告] 台账.xlsx，工作表「组织生活」，第2行，「类型」列：值「读书会」不是已知的活动类型，按“其他”统计。"
        "如属于支委会、党员大会、党小组会、党课、主题党日、专题研讨等类型，请改用标准名称。"]


# ---------------------------------------------------------------- sheet layout

def test_title_rows_merged_cells_totals_and_serial_numbers(tmp_path):
    rows = [
        ["2023年度组织生活台账", None, None, None],
        [None, None, None, None],
        ["序号", "活动\n日期", "会议 类型", "主题"],
        [1, dt.date(2023, 1, 5), "支委会", "学习一"],
        [2, 44962, "支委会", "学习二"],  # serial number typed in a General cell: 2023-02-05
        [3, "2023.3.5", "党课", "学习三"],
        [4, None, None, None],  # pre-numbered empty row
        [5, "4月5日", "党课", "学习四"],
        ["合计", 4, None, None],
    ]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "组织生活": rows}, {"组织生活": ["A1:D1"]})
    result = run(tmp_path)
    records = result.ledgers.of("组织生活台账")
    assert [r["日期"] for r in records] == [dt.date(2023, 1, 5), dt.date(2023, 2, 5), dt.date(2023, 3, 5),
                                           dt.date(2023, 4, 5)]
    assert [r.src.row for r in records] == [4, 5, 6, 8]
    assert not result.log.items


def test_vertically_merged_type_applies_to_every_row(tmp_path):
    rows = [["日期", "类型", "主题"], ["2023-01-05", "支委会", "一"], ["2023-02-05", None, "二"]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "组织生活": rows}, {"组织生活": ["B2:B3"]})
    result = run(tmp_path)
    assert result.metrics["组织生活"]["支委会"] == 2


def test_most_columns_wins_and_two_level_dues_header(tmp_path):
    notes = [["姓名", "学习笔记（字）"], ["张三", "1,200"]]
    dues = [["党费收缴台账", None, None, None, None],
            ["姓名", "缴纳标准（元/月）", "缴纳情况", "缴纳情况", "合计"],
            ["姓名", "缴纳标准（元/月）", "1月", "2月", "合计"],
            ["张三", 10, 10, 10, 20]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "笔记": notes, "党费": dues},
               {"党费": ["A2:A3", "B2:B3", "C2:D2", "E2:E3"]})
    result = run(tmp_path)
    assert result.metrics["学习"]["笔记总字数"] == 1200
    assert result.metrics["党费"]["按月"][:3] == [10, 10, 0]
    assert not result.log.errors, messages(result)


def test_dues_total_mismatch_is_a_warning(tmp_path):
    dues = [["姓名", "缴纳标准", "1月", "2月", "合计"], ["张三", 10, 10, 10, 30]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "党费": dues})
    assert messages(run(tmp_path), "dues-total") == [
        "[警告] 台账.xlsx，工作表「党费」，第2行，「合计」列：值「30」合计与各月金额之和（20）不一致，以各月金额为准。"
        "请核对各月金额和合计。"]


def test_basic_info_as_table_and_year_forms(tmp_path):
    info = [["党支部名称", "支部书记", "年度"], ["第二党支部", "赵书记", "2022年度"]]
    write_xlsx(tmp_path / "a.xlsx", {"信息": info, "党员名册": ROSTER})
    result = run(tmp_path, year=None)
    assert result.metrics["年度"] == 2022
    assert result.metrics["支部"]["名称"] == "第二党支部"


def test_year_falls_back_to_most_event_rows(tmp_path):
    rows = [["日期", "类型"], ["2021-12-30", "支委会"], ["2022-01-05", "支委会"], ["2022-02-05", "支委会"]]
    write_xlsx(tmp_path / "a.xlsx", {"组织生活": rows})
    result = run(tmp_path, year=None)
    assert result.metrics["年度"] == 2022
    assert result.metrics["组织生活"]["支委会"] == 2
    assert messages(result, "out-of-year") == [
        "[警告] a.xlsx，工作表「组织生活」，第2行，「日期」列：值「2021-12-30」日期不在报告年度（2022年）内，"
        "本行不计入统计。如果日期写错，请改正；如果是往年记录，可忽略此提示。"]


def test_ambiguous_sheet_is_a_warning_and_name_breaks_ties(tmp_path):
    sheets = {"基本信息": BASIC, "Sheet1": [["标题"], ["第一篇"]], "信息报送": [["标题"], ["第二篇"]]}
    write_xlsx(tmp_path / "a.xlsx", sheets)
    result = run(tmp_path)
    assert [r["标题"] for r in result.ledgers.of("信息报送台账")] == ["第二篇"]
    assert messages(result, "ambiguous-sheet") == [
        "[警告] a.xlsx，工作表「Sheet1」，第1行：无法确定该表是哪一种台账（可能是：信息报送台账、任务清单），未读取。"
        "请在工作表名称中写明台账种类（如“信息报送台账”），或补全表头。"]


# ---------------------------------------------------------------- formats

SHEET = [["日期", "类型", "主题"], [dt.date(2023, 5, 6), "支委会", "学习"], ["2023年6月7日", "党课", "党课"]]


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm", ".xls", ".ods"])
def test_workbook_formats(tmp_path, suffix):
    sheets = {"基本信息": BASIC, "组织生活": SHEET}
    path = tmp_path / f"台账{suffix}"
    {".xls": write_xls, ".ods": write_ods}.get(suffix, write_xlsx)(path, sheets)
    result = run(tmp_path)
    assert not result.log.items, messages(result)
    assert result.metrics["组织生活"]["支委会"] == 1 and result.metrics["组织生活"]["党课"] == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    branch(tmp_path)
    write_csv(tmp_path / "信息报送.csv", [["报送日期", "信息标题", "是否采用", "采用级别"],
                                          ["2023-05-06", "支部开展主题党日活动", "是", "省级"],
                                          ["2023/6/7", "党员志愿服务", "否", ""]], encoding)
    result = run(tmp_path)
    assert not result.log.items, messages(result)
    assert result.metrics["信息报送"]["报送篇数"] == 2
    assert result.metrics["信息报送"]["按级别"]["省"] == 1


# ---------------------------------------------------------------- bad input, exact messages

def test_lock_and_hidden_files_are_skipped(tmp_path):
    branch(tmp_path)
    (tmp_path / "~$台账.xlsx").write_bytes(b"lock")
    (tmp_path / ".hidden.xlsx").write_bytes(b"junk")
    result = run(tmp_path)
    assert not result.log.items
    assert result.ledgers.files == ["台账.xlsx"]


def test_corrupt_file(tmp_path):
    branch(tmp_path)
    (tmp_path / "坏文件.xlsx").write_bytes(b"this is not a workbook")
    assert messages(run(tmp_path)) == [
        "[错误] 坏文件.xlsx：文件已损坏或不是真正的表格文件，无法读取。请用 Excel/WPS 打开确认后重新另存为 .xlsx，或将其移出输入文件夹。"]


def test_not_a_spreadsheet(tmp_path):
    branch(tmp_path)
    (tmp_path / "说明.docx").write_bytes(b"PK")
    assert messages(run(tmp_path)) == [
        "[警告] 说明.docx：不是表格文件，已跳过（程序只读取 .xlsx、.xls、.et、.ods、.csv 表格）。"
        "如果其中有要统计的内容，请填入台账；否则可以不理会，或将其移出输入文件夹。"]


def test_encrypted_workbook(tmp_path):
    branch(tmp_path)
    blob = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    (tmp_path / "加密.xlsx").write_bytes(blob + b"\x00" * 2048)
    assert messages(run(tmp_path)) == [
        "[错误] 加密.xlsx：文件设置了打开密码，无法读取。请在 Excel/WPS 中取消密码后另存，再重试。"]


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    from dataclasses import replace

    from pipeline.core import limits
    monkeypatch.setattr(limits, "MB", 1024)  # 1 "MB" is 1 KB here: the small workbook is a bomb
    branch(tmp_path)
    found = messages(analyse(tmp_path, "", 2023, replace(load(None), limits=limits.Limits(unpacked_mb=1))), "too-large")
    assert len(found) == 1 and found[0].startswith("[错误] 台账.xlsx：文件解压后 ")
    assert "，超过读取上限 1 MB（可能已损坏或含有异常内容），整个文件没有读取。请删除无关的工作表或数据后重新保存；" in found[0]
    assert "pipeline.toml 的 [limits] 中把 unpacked_mb 调高到 " in found[0]


def test_impossible_date_unparseable_number_and_missing_value(tmp_path):
    rows = [["日期", "类型", "主题", "实到人数"],
            ["2023-02-30", "支委会", "一", 5],
            ["2023-03-01", "支委会", "二", "五人"],
            [None, "党课", "三", 5],
            ["2023-04-01", "党课", "四", 5]]
    result = run(branch(tmp_path, extra={"组织生活": rows}))
    assert messages(result) == [
        "[错误] 台账.xlsx，工作表「组织生活」，第2行，「日期」列：值「2023-02-30」不是有效的日期（2023年没有2月30日）。"
        "请写成 2023年3月5日 或 2023-03-05 这样的日期。",
        "[错误] 台账.xlsx，工作表「组织生活」，第3行，「实到人数」列：值「五人」无法识别的数字。请填写整数。",
        "[错误] 台账.xlsx，工作表「组织生活」，第4行，「日期」列：缺少必填内容“日期”。请补填，或删除这一行。",
    ]
    assert result.metrics["组织生活"]["党课"] == 1  # only the valid row counts


def test_formula_without_cached_value_is_reported(tmp_path):
    rows = [["事项", "数量", "单位"], ["购买读本", "=40+60", "本"]]
    write_xlsx(tmp_path / "a.xlsx", {"基本信息": BASIC, "其他事项": rows})
    result = run(tmp_path)
    assert messages(result) == [
        "[错误] a.xlsx，工作表「其他事项」，第2行，「数量（B2）」列："
        "单元格是公式但没有计算结果（文件可能由程序生成、未在 Excel/WPS 中保存过）。"
        "请用 Excel/WPS 打开该文件、保存后再运行，或把公式改为数值。"]


def test_formula_with_cached_value_is_used(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"基本信息": BASIC, "其他事项": [["事项", "数量", "单位"],
                                                                          ["购买读本", "=40+60", "本"]]})
    # Give the formula the cached value Excel would have saved.
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    for name, data in parts.items():
        if b"<f>40+60</f>" in data:
            parts[name] = data.replace(b"<f>40+60</f><v></v>", b"<f>40+60</f><v>100</v>").replace(
                b"<f>40+60</f></c>", b"<f>40+60</f><v>100</v></c>")
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    result = run(tmp_path)
    assert not result.log.errors, messages(result)
    assert result.metrics["其他事项"]["购买读本"]["数量"] == 100


def test_unknown_sheet_is_a_warning_and_empty_sheet_is_not(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", {"基本信息": BASIC, "填表说明": [["请按要求填写"], ["日期写成 2023-03-05"]],
                                     "Sheet2": []})
    assert messages(run(tmp_path)) == [
        "[警告] a.xlsx，工作表「填表说明」：未识别为任何一种台账（表头中找不到必填列），已跳过。"
        "如果这是台账，请检查表头是否包含必填列（见 README 的台账说明）；如果是说明页，可忽略此提示。"]


def test_duplicate_across_files_counted_once(tmp_path):
    rows = [["日期", "类型", "主题"], ["2023-05-06", "支委会", "学习"]]
    write_xlsx(tmp_path / "a.xlsx", {"基本信息": BASIC, "组织生活": rows})
    write_xlsx(tmp_path / "b（旧）.xlsx", {"组织生活": rows})
    result = run(tmp_path)
    assert result.metrics["组织生活"]["支委会"] == 1
    assert messages(result) == [
        "[警告] b（旧）.xlsx，工作表「组织生活」，第2行：与a.xlsx「组织生活」第2行完全相同（各项内容都一样），是同一条记录，"
        "只计一次。如果是旧版本文件重复放入，请删除多余的文件或行；如果确是两条记录，请写明区别（如时间、地点、参加人员）。"]


def test_rows_differing_in_any_field_are_two_records(tmp_path):
    rows = [["日期", "类型", "主题", "实到人数"], ["2023-05-06", "支委会", "学习", 5],
            ["2023-05-06", "支委会", "学习", 6]]
    result = run(branch(tmp_path, extra={"组织生活": rows}))
    assert result.metrics["组织生活"]["支委会"] == 2
    assert messages(result, "duplicate") == []


def test_names_not_on_roster_are_warned(tmp_path):
    talks = [["谈话人", "谈话对象"], ["王书记", "张三、李四四"]]
    result = run(branch(tmp_path, extra={"谈心谈话": talks}))
    assert result.metrics["谈心谈话"]["覆盖党员"] == 1
    assert result.metrics["谈心谈话"]["未覆盖党员"] == ["李四"]
    assert messages(result, "not-in-roster") == [
        "[警告] 台账.xlsx，工作表「谈心谈话」，第2行，「谈话对象」列：值「李四四」“李四四”不在党员名册中，不计入党员覆盖情况。"
        "如果是笔误，请改为名册中的姓名；如果是新党员，请补入党员名册。"]


def test_unrecognised_columns_are_named(tmp_path):
    rows = [["日期", "类型", "主讲人类型"], ["2023-05-06", "党课", "书记"]]
    assert messages(run(branch(tmp_path, extra={"组织生活": rows}))) == [
        "[警告] 台账.xlsx，工作表「组织生活」，第1行：以下列不属于“组织生活台账”的识别范围，未参与统计：主讲人类型。"
        "如果这些列有需要统计的内容，请把表头改为 README 中列出的名称。"]


def test_combined_and_bracketed_activity_types(tmp_path):
    rows = [["日期", "类型", "主题"], ["2023-05-06", "主题党日暨党课", "学习"], ["2023-06-06", "支委会（扩大）", "研究"],
            ["2023-07-06", "支部党员大会+专题党课", "大会"]]
    result = run(branch(tmp_path, extra={"组织生活": rows}))
    life = result.metrics["组织生活"]
    assert (life["主题党日"], life["党课"], life["支委会"], life["党员大会"]) == (1, 2, 1, 1)
    assert not result.log.items


def test_unknown_speaker_counts_as_unspecified_with_a_warning(tmp_path):
    rows = [["日期", "类型", "主讲人类别"], ["2023-05-06", "党课", "市委党校教授"], ["2023-06-06", "党课", "书记"]]
    result = run(branch(tmp_path, extra={"组织生活": rows}))
    assert result.metrics["党课"]["未注明"] == 1 and result.metrics["党课"]["书记"] == 1
    assert messages(result) == [
        "[警告] 台账.xlsx，工作表「组织生活」，第2行，「主讲人类别」列：值「市委党校教授」不是已知的主讲人类别，按“未注明”统计。"
        "请填写书记、领导干部、专家、党员之一。"]


def test_non_members_on_the_roster_are_left_out(tmp_path):
    roster = [["姓名", "人员类别"], ["王书记", "正式党员"], ["张　三", "中共党员"], ["赵六", "入党积极分子"]]
    result = run(branch(tmp_path, extra={"党员名册": roster}))
    assert result.metrics["党员"] == {"总数": 2, "正式党员": 2, "预备党员": 0, "增加": 0, "减少": 0, "变动": [],
                                       "新发展党员": 0, "入党积极分子": 0, "本年确定积极分子": 0}
    assert [r["姓名"] for r in result.ledgers.of("党员名册")] == ["王书记", "张三"]
    assert messages(result) == [
        "[警告] 台账.xlsx，工作表「党员名册」，第4行，「人员类别」列：值「入党积极分子」不是党员，不计入党员人数。"
        "如确为党员，请把人员类别改为“正式党员”或“预备党员”。"]


@pytest.mark.parametrize("typed,level", [("省级媒体", "省"), ("市委网站", "市"), ("国家级", "中央"), ("县融媒体中心", "县")])
def test_adoption_level_prefixes(tmp_path, typed, level):
    rows = [["标题", "采用级别"], ["一篇信息", typed]]
    result = run(branch(tmp_path, extra={"信息报送": rows}))
    assert result.metrics["信息报送"]["按级别"][level] == 1


def test_header_units_scale_and_supply_the_unit(tmp_path):
    notes = [["姓名", "学习笔记（万字）", "心得体会（篇）"], ["张三", "1.5", 2]]
    aid = [["帮扶对象", "帮扶事项", "数量（万元）"], ["石门村", "落实项目资金", 280]]
    result = run(branch(tmp_path, extra={"笔记": notes, "帮扶": aid}))
    assert not result.log.items, messages(result)
    assert result.metrics["学习"]["笔记总字数"] == 15000
    assert result.metrics["帮扶"] == [{"对象": "石门村", "事项": "落实项目资金", "数量": 280, "单位": "万元", "约数": False}]


def test_xml_entities_are_refused(tmp_path):
    """A billion-laughs workbook is refused by name, never expanded."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses through defusedxml
    path = write_xlsx(tmp_path / "炸弹.xlsx", {"基本信息": BASIC})
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    entities = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    book = parts["xl/workbook.xml"]
    start = book.index(b"?>") + 2 if book.startswith(b"<?xml") else 0
    parts["xl/workbook.xml"] = book[:start] + entities + book[start:]
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    assert messages(run(tmp_path), "unsafe-xml") == [
        "[错误] 炸弹.xlsx：文件含有不安全的 XML 内容（实体定义等），拒绝读取。请用 Excel/WPS 打开后另存为新的 .xlsx 文件再放入。"]


def test_missing_basic_info_is_a_warning_and_split_info_is_merged(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", {"组织生活": [["日期", "类型"], ["2023-05-06", "支委会"]]})
    assert messages(run(tmp_path)) == [
        "[警告] （输入文件夹）：没有找到“基本信息”表，报告中不会出现支部名称，谈心谈话检查也无法排除书记本人。"
        "请加一张名为“基本信息”的工作表：左列写“党支部名称”“支部书记”“年度”，右列写内容。"]
    write_xlsx(tmp_path / "b.xlsx", {"基本信息": [["党支部名称", "测试党支部"]]})
    write_xlsx(tmp_path / "c.xlsx", {"基本信息": [["支部书记", "王书记"]]})
    result = run(tmp_path)
    assert not result.log.items, messages(result)
    assert result.metrics["支部"]["书记"] == "王书记"


def test_month_headers_typed_as_dates_and_totals_rows_with_colons(tmp_path):
    dues = [["姓名", "缴纳标准", dt.datetime(2023, 1, 1), dt.datetime(2023, 2, 1), "合计"],
            ["张三", 10, 10, 10, 20], ["合计：", None, 10, 10, 20], ["合计:2人", None, None, None, None]]
    result = run(branch(tmp_path, extra={"党费": dues}))
    assert not result.log.items, messages(result)
    assert result.metrics["党费"]["按月"][:3] == [10, 10, 0]
    assert result.metrics["党员"]["总数"] == 3


def test_basic_info_labels_with_colons(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", {"基本信息": [["党支部名称：", "第九党支部"], ["支部书记:", "周书记"], ["年度：", "2023"]]})
    result = run(tmp_path, year=None)
    assert result.metrics["支部"]["名称"] == "第九党支部" and result.metrics["年度"] == 2023


def _with_cached(path: Path, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    for name, data in parts.items():
        parts[name] = data.replace(old, new)
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_formula_error_values_are_named(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"基本信息": BASIC, "其他事项": [["事项", "数量", "单位"],
                                                                          ["购买读本", "=A9/0", "本"]]})
    _with_cached(path, b'<c r="B2"><f>A9/0</f><v></v></c>', b'<c r="B2" t="e"><f>A9/0</f><v>#DIV/0!</v></c>')
    assert messages(run(tmp_path)) == [
        "[错误] a.xlsx，工作表「其他事项」，第2行，「数量（B2）」列：单元格是公式计算出的错误值 #DIV/0!。"
        "请在 Excel/WPS 中改正该公式，或改为数值。"]


def test_a_total_column_formula_without_value_only_loses_the_cross_check(tmp_path):
    dues = [["姓名", "缴纳标准", "1月", "2月", "合计"], ["张三", 10, 10, 10, "=C2+D2"]]
    result = run(branch(tmp_path, extra={"党费": dues}))
    assert result.metrics["党费"]["实缴总额"] == 20
    assert [i.severity for i in result.log.items] == ["警告"]
    assert "无法核对合计" in result.log.items[0].reason


def test_a_dues_row_with_a_bad_month_stays_out_whole(tmp_path):
    dues = [["姓名", "缴纳标准", "1月", "2月"], ["张三", 10, 10, "十元"], ["李四", 10, 10, 10]]
    result = run(branch(tmp_path, extra={"党费": dues}))
    assert result.metrics["党费"]["实缴总额"] == 20  # 李四 only
    assert [i.code for i in result.log.errors] == ["bad-number"]


def test_merged_cells_in_ods(tmp_path):
    """calamine gives no merged ranges for .ods; content.xml supplies them."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="组织生活")
    rows = [["日期", "类型", "主题"], ["2023-05-06", "党小组会", "一"], [None, None, "二"]]
    for r, values in enumerate(rows):
        tr = TableRow()
        for c, value in enumerate(values):
            if r == 2 and c < 2:
                tr.addElement(CoveredTableCell())
                continue
            attrs = {"numberrowsspanned": 2} if r == 1 and c < 2 else {}
            cell = TableCell(valuetype="string", **attrs)
            cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "组织生活.ods"))
    write_xlsx(tmp_path / "a.xlsx", {"基本信息": BASIC})
    result = run(tmp_path)
    assert not result.log.errors, messages(result)
    assert result.metrics["组织生活"]["党小组会"] == 2


def test_negative_numbers_are_warned_about(tmp_path):
    dues = [["姓名", "缴纳标准", "1月"], ["张三", 10, -5]]
    assert messages(run(branch(tmp_path, extra={"党费": dues}))) == [
        "[警告] 台账.xlsx，工作表「党费」，第2行，「1月」列：值「-5」是负数。请核对；如果是退还或冲销，请在备注中说明。"]
    other = [["事项", "数量", "单位"], ["退还经费", -50, "元"]]
    assert messages(run(branch(tmp_path / "b", extra={"其他": other}))) == [
        "[警告] 台账.xlsx，工作表「其他」，第2行，「数量」列：值「-50」是负数。请核对；如果是退还或冲销，请在备注中说明。"]


def test_basic_info_with_two_pairs_on_a_row(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", {"基本信息": [["党支部名称", "测试党支部", "支部书记", "王 书记"],
                                                  ["年度", 2023, "报告日期", "12月30日"]],
                                     "党员名册": ROSTER})
    result = run(tmp_path, year=None)
    assert not result.log.items, messages(result)
    assert result.metrics["支部"] == {"名称": "测试党支部", "书记": "王书记", "上级党组织": "",
                                     "报告日期": "2023-12-30"}
    assert result.metrics["谈心谈话"]["未覆盖党员"] == ["张三", "李四"]  # 王 书记 is 王书记: not listed


@pytest.mark.parametrize("raw,value", [("5千", 5000), ("1.5千元", 1500), ("3百棵", 300), ("5千克", 5)])
def test_thousands_and_hundreds(raw, value):
    assert parse_number(raw) == (value, False)


def test_a_csv_with_an_unclosed_quote_is_refused(tmp_path):
    branch(tmp_path)
    (tmp_path / "信息.csv").write_text('标题,是否采用\n"第一篇,是\n第二篇,否\n', encoding="utf-8")
    assert messages(run(tmp_path), "unreadable") == [
        "[错误] 信息.csv：CSV 文件格式有误（引号不成对），无法读取。"
        "多半是某个单元格里有不成对的英文引号 \"；请在 Excel/WPS 中打开、改正后另存为 .xlsx。"]


def test_a_sheet_named_as_a_ledger_with_a_bad_header_is_an_error(tmp_path):
    rows = [["活动日起", "类型"], ["2023-05-06", "支委会"]]
    assert messages(run(branch(tmp_path, extra={"组织生活（下半年）": rows}))) == [
        "[错误] 台账.xlsx，工作表「组织生活（下半年）」：工作表名称看起来是“组织生活台账”，但表头中找不到必填列：日期。"
        "请检查表头文字是否写错（可用的写法见 README 的台账说明）。"]


def test_a_roster_month_stored_as_a_number_ending_in_1_is_flagged(tmp_path):
    roster = [["姓名", "入党时间"], ["王书记", 1990.1], ["张三", 1995.12]]
    result = run(branch(tmp_path, extra={"党员名册": roster}))
    assert messages(result) == [
        "[警告] 台账.xlsx，工作表「党员名册」，第2行，「入党时间」列：值「1990.1」年月存成了数字，按1月计（10月也会显示为这个数字）。"
        "如果是10月，请把该列设为文本后写 1975.10。"]


@pytest.mark.parametrize("mark", ["/", "—", "-", "无", "未缴"])
def test_none_marks_in_number_cells_read_as_empty(tmp_path, mark):
    dues = [["姓名", "缴纳标准", "1月", "2月"], ["张三", 10, 10, mark]]
    rows = [["日期", "类型", "实到人数"], ["2023-05-06", "支委会", mark]]
    result = run(branch(tmp_path, extra={"党费": dues, "组织生活": rows}))
    assert not result.log.errors, messages(result)
    assert result.metrics["党费"]["欠缴"][0] == {"姓名": "张三", "月份": 2}
    assert result.metrics["组织生活"]["支委会"] == 1


def test_sign_in_sheets_and_activist_lists_are_not_the_roster(tmp_path):
    sheets = {"入党积极分子": [["序号", "姓名", "性别", "出生年月"], [1, "赵六", "男", "1999.01"]],
              "签到表": [["姓名", "签到时间"], ["钱七", "9:00"]]}
    result = run(branch(tmp_path, extra=sheets))
    assert result.metrics["党员"]["总数"] == 3
    # The activist list is read as its own ledger (counted as 入党积极分子, never as members).
    assert result.metrics["党员"]["入党积极分子"] == 1
    assert sorted(i.sheet for i in result.log.items if i.code == "unknown-sheet") == ["签到表"]


def test_same_name_members_are_two_people_with_a_warning(tmp_path):
    roster = [["姓名", "性别", "出生年月"], ["王书记", "男", "1970.05"], ["王伟", "男", "1980.01"],
              ["王伟", "女", "1990.03"], ["王伟", "男", "1980.01"]]
    result = run(branch(tmp_path, extra={"党员名册": roster}))
    assert result.metrics["党员"]["总数"] == 3
    assert [i.code for i in result.log.items] == ["duplicate", "same-name"]


@pytest.mark.parametrize("word", ["合计（元）", "全年合计", "一季度小计", "第二季度合计", "合计：4人"])
def test_totals_rows_in_their_usual_wordings(tmp_path, word):
    rows = [["日期", "类型", "主题"], ["2023-05-06", "支委会", "一"], [word, None, None], ["2023-06-06", "支委会", "二"]]
    result = run(branch(tmp_path, extra={"组织生活": rows}))
    assert not result.log.items, messages(result)
    assert result.metrics["组织生活"]["支委会"] == 2


def test_section_headings_repeated_headers_and_filled_down_totals_are_not_data(tmp_path):
    rows = [["日期", "类型", "主题"], ["一、第一季度", "一、第一季度", "一、第一季度"], ["2023-02-06", "支委会", "一"],
            ["日期", "类型", "主题"], ["2023-05-06", "支委会", "二"]]
    dues = [["姓名", "缴纳标准", "1月", "合计"], ["张三", 10, 10, 10], [None, None, None, 0], [None, None, None, 0]]
    result = run(branch(tmp_path, extra={"组织生活": rows, "党费": dues}))
    assert not result.log.items, messages(result)
    assert result.metrics["组织生活"]["支委会"] == 2 and result.metrics["党费"]["实缴总额"] == 10


def test_talks_with_all_members_or_names_joined_by_he(tmp_path):
    roster = [["姓名", "人员类别"], ["王书记", "正式党员"], ["张三", "正式党员"], ["李四", "正式党员"], ["和平", "正式党员"]]
    talks = [["谈话人", "谈话对象"], ["王书记", "全体党员"]]
    result = run(branch(tmp_path, extra={"党员名册": roster, "谈心谈话": talks}))
    assert result.metrics["谈心谈话"]["覆盖党员"] == 3 and result.metrics["谈心谈话"]["未覆盖党员"] == []
    talks = [["谈话人", "谈话对象"], ["王书记", "张三和李四"], ["王书记", "和平"]]
    result = run(branch(tmp_path / "b", extra={"党员名册": roster, "谈心谈话": talks}))
    assert result.metrics["谈心谈话"]["未覆盖党员"] == [] and not result.log.items, messages(result)


def test_adoption_levels_and_their_column_mixups(tmp_path):
    rows = [["标题", "是否采用", "采用级别", "刊载媒体"],
            ["一", "是", "省、市", ""],  # two levels: counted at both
            ["二", "省级采用", "", ""],  # level written in 是否采用
            ["三", "否", "县", ""],  # contradiction: adopted per 采用级别, warned
            ["四", "", "", "人民日报"]]  # media but no yes: not adopted, warned
    result = run(branch(tmp_path, extra={"信息报送": rows}))
    info = result.metrics["信息报送"]
    assert (info["报送篇数"], info["采用篇数"]) == (4, 3)
    assert info["按级别"] == {"中央": 0, "省": 2, "市": 1, "县": 1}
    assert [(i.row, i.code) for i in result.log.items] == [(4, "adoption-conflict"), (5, "adoption-conflict")]


def test_month_headers_typed_as_numbers(tmp_path):
    months = [2023 + m / 100 for m in range(1, 13)]  # 2023.01 … 2023.12; 2023.10 is stored as 2023.1
    dues = [["姓名", "缴纳标准", *months], ["张三", 10, *range(1, 13)]]
    result = run(branch(tmp_path, extra={"党费": dues}))
    assert result.metrics["党费"]["按月"] == list(range(1, 13))
    assert result.metrics["党费"]["欠缴"] == []


def test_long_dues_month_typed_as_a_number(tmp_path):
    dues = [["姓名", "缴费月份", "金额"], ["张三", 2023.01, 10], ["张三", 2023.11, 10]]
    result = run(branch(tmp_path, extra={"党费": dues}))
    assert not result.log.errors, messages(result)
    assert result.metrics["党费"]["按月"][0] == 10 and result.metrics["党费"]["按月"][10] == 10


def test_paid_marks_exempt_members_and_none_marks_are_said_once_per_sheet(tmp_path):
    dues = [["姓名", "缴纳标准", "1月", "2月", "3月"], ["张三", 10, "√", "已缴", "/"], ["李四", 20, "√", 20, "—"],
            ["王书记", "免缴", None, None, None]]
    result = run(branch(tmp_path, extra={"党费": dues}))
    assert result.metrics["党费"]["按月"][:3] == [30, 30, 0]
    assert result.metrics["党费"]["欠缴"] == [{"姓名": "张三", "月份": m} for m in range(3, 13)] + \
        [{"姓名": "李四", "月份": m} for m in range(3, 13)]
    assert messages(result) == [
        "[警告] 台账.xlsx，工作表「党费」，第2行，「1月」列：共 3 个数字单元格写的是“√”、“已缴”，表示已缴，按该党员的缴纳标准计金额"
        "（第一个在第2行）。如果实缴金额不同，请填写金额。",
        "[警告] 台账.xlsx，工作表「党费」，第2行，「3月」列：共 2 个数字单元格写的是“/”、“—”，按空白（未缴、未填）处理"
        "（第一个在第2行）。如果不是这个意思，请填写数字。"]


def test_star_marked_headers_period_prefixed_types_and_member_kinds(tmp_path):
    rows = [["*日期", "※类型"], ["2023-05-06", "3月份支委会"], ["2023-06-06", "第二季度党员大会"], ["2023-07-06", "支委扩大会"]]
    roster = [["姓名", "人员类别"], ["王书记", "正式党员"], ["张三", "流动党员"], ["李四", "离退休党员"]]
    result = run(branch(tmp_path, extra={"组织生活": rows, "党员名册": roster}))
    assert not result.log.items, messages(result)
    assert (result.metrics["组织生活"]["支委会"], result.metrics["组织生活"]["党员大会"]) == (2, 1)
    assert result.metrics["党员"]["正式党员"] == 3


def test_quarterly_dues_and_ambiguous_numeric_pay_months_are_said(tmp_path):
    dues = [["姓名", "缴纳标准", "第一季度", "第二季度"], ["张三", 10, 30, 30]]
    assert messages(run(branch(tmp_path, extra={"党费": dues})), "bad-header") == [
        "[错误] 台账.xlsx，工作表「党费」：工作表名称看起来是“党费收缴台账”，但表头中找不到必填列："
        "1月至12月各月的列（按季度或半年缴纳的，请分到各月，或改用逐笔台账）。请检查表头文字是否写错（可用的写法见 README 的台账说明）。"]
    long = [["姓名", "缴费月份", "金额"], ["张三", 2023.1, 10]]
    assert [i.code for i in run(branch(tmp_path / "b", extra={"逐笔": long})).log.items] == ["ambiguous-month"]
