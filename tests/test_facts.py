"""Facts, not rows: duplicates only when every meaningful field is equal, dues combined per
member and month, totals rows only for a totals word on its own, membership changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.api import analyse
from pipeline.core import vocab
from pipeline.rules.settings import load
from tests.builders import BASIC, EMPTY_LEDGERS, write_xlsx

MONTHS = [f"{m}月" for m in range(1, 13)]
NAMES = ["王书记", "张一", "李二", "赵三", "钱四", "孙五", "周六", "吴七"]
ROSTER = [["姓名", "人员类别"], *([n, "正式党员"] for n in NAMES)]


def run(folder: Path, year: int = 2023):
    result = analyse(folder, "", year, load(None))
    result.log.items = [i for i in result.log.items if i.code != "missing-ledger"]
    return result


def messages(result, code: str | None = None) -> list[str]:
    return [i.message() for i in result.log.items if code is None or i.code == code]


def book(folder: Path, sheets: dict, roster=ROSTER) -> Path:
    """One branch: 基本信息, a roster, the other ledgers empty, plus `sheets`."""
    others = {k: v for k, v in EMPTY_LEDGERS.items() if k not in sheets}
    write_xlsx(folder / "台账.xlsx", {"基本信息": BASIC, "党员名册": roster, **others, **sheets})
    return folder


def dues_sheet(months: range, names=NAMES, standard=50) -> list[list]:
    return [["姓名", "缴纳标准", *(f"{m}月" for m in months)], *([n, standard, *([standard] * len(months))]
                                                              for n in names)]


def account(result, sheet: str):
    return next(a for a in result.ledgers.accounts if a.sheet == sheet)


# ---------------------------------------------------------------- dues per member and month

def test_half_year_dues_sheets_combine(tmp_path):
    result = run(book(tmp_path, {"党费上半年": dues_sheet(range(1, 7)), "党费下半年": dues_sheet(range(7, 13))}))
    dues = result.metrics["党费"]
    assert dues["实缴总额"] == 8 * 12 * 50 and dues["应缴总额"] == 8 * 12 * 50
    assert dues["按月"] == [400] * 12 and dues["欠缴"] == []
    assert not [f for f in result.findings if f["规则"] == "党费按月缴纳"] and not messages(result)
    assert account(result, "党费下半年").counts["计入"] == 8


def test_quarterly_dues_sheets_combine(tmp_path):
    sheets = {f"第{q}季度": dues_sheet(range(3 * i + 1, 3 * i + 4)) for i, q in enumerate("一二三四")}
    result = run(book(tmp_path, sheets))
    assert result.metrics["党费"]["实缴总额"] == 4800 and result.metrics["党费"]["欠缴"] == []
    assert not messages(result)


def test_second_row_after_the_standard_rose(tmp_path):
    dues = [["姓名", "缴纳标准", *MONTHS], ["张一", 50, *[50] * 6, *[None] * 6],
            ["张一", 60, *[None] * 6, *[60] * 6]]
    roster = [["姓名"], ["王书记"], ["张一"]]
    result = run(book(tmp_path, {"党费": dues}, roster))
    assert result.metrics["党费"]["实缴总额"] == 660 and result.metrics["党费"]["应缴总额"] == 660
    assert result.metrics["党费"]["欠缴"] == [] and not messages(result)


def test_second_row_with_the_new_standard_unpaid_owes_at_the_new_rate(tmp_path):
    dues = [["姓名", "缴纳标准", *MONTHS], ["张一", 50, *[50] * 6, *[None] * 6],
            ["张一", 60, *[None] * 6, 60, 60, 60, 60, 60, None]]
    result = run(book(tmp_path, {"党费": dues}, [["姓名"], ["王书记"], ["张一"]]))
    assert result.metrics["党费"]["应缴总额"] == 6 * 50 + 6 * 60
    assert result.metrics["党费"]["欠缴"] == [{"姓名": "张一", "月份": 12}]


def test_same_member_month_with_two_amounts_is_an_error_naming_both_cells(tmp_path):
    first = [["姓名", "缴纳标准", "1月", "2月", "3月"], ["张一", 50, 50, 50, 50]]
    second = [["姓名", "缴纳标准", "3月", "4月"], ["张一", 50, 80, 50]]
    result = run(book(tmp_path, {"党费一": first, "党费二": second}, [["姓名"], ["王书记"], ["张一"]]))
    assert messages(result, "dues-conflict") == [
        "[错误] 台账.xlsx，工作表「党费二」，第2行，「3月（C2）」列：值「80」与台账.xlsx「党费一」第2行的3月（E2，50）"
        "是同一党员同一月份，金额却不同，无法确定哪个对。请核对后只在一处保留正确的金额（同一党员分几行或几张表记录时，每个月只填在一处）。"]
    assert account(result, "党费二").counts["出错"] == 1
    assert "党费" in {r["规则"] for r in result.metrics["检查规则"].values() if not r["已检查"]} or \
        not result.metrics["检查规则"]["党费"]["已检查"]


def test_identical_dues_rows_count_once_and_repeated_months_once(tmp_path):
    dues = [["姓名", "缴纳标准", "1月", "2月", "3月"], ["张一", 50, 50, 50, None], ["张一", 50, 50, 50, None],
            ["张一", 50, 50, None, 50]]
    result = run(book(tmp_path, {"党费": dues}, [["姓名"], ["王书记"], ["张一"]]))
    assert result.metrics["党费"]["按月"][:3] == [50, 50, 50]
    assert messages(result, "duplicate") == [
        "[警告] 台账.xlsx，工作表「党费」，第3行：与台账.xlsx「党费」第2行完全相同（各项内容都一样），是同一条记录，只计一次。"
        "如果是旧版本文件重复放入，请删除多余的文件或行；如果确是两条记录，请写明区别（如时间、地点、参加人员）。",
        "[警告] 台账.xlsx，工作表「党费」，第4行：1月的金额已在台账.xlsx「党费」第2行记过（同一党员、同一月份、同样金额），"
        "只计一次。请删去重复填写的月份。"]
    assert account(result, "党费").counts == {"计入": 2, "重复": 1, "合计行": 0, "非本年度": 0, "未召开": 0, "示例": 0, "出错": 0}


# ---------------------------------------------------------------- other ledgers

def test_study_notes_in_quarterly_sheets_are_summed(tmp_path):
    sheets = {f"{q}季度学习笔记": [["姓名", "学习笔记", "心得体会"], *([n, 5000, 1] for n in NAMES)] for q in "一二三四"}
    result = run(book(tmp_path, sheets))
    study = result.metrics["学习"]
    assert study["笔记总字数"] == 4 * 8 * 5000 and study["心得体会总篇数"] == 32
    assert study["人均笔记字数"] == 20000 and study["检查次数"] == 4
    assert not messages(result, "duplicate")


def test_meetings_differing_in_group_place_people_or_time_are_different(tmp_path):
    day = dt.date(2023, 5, 6)
    rows = [["日期", "类型", "主题", "党小组", "地点", "参加人员"],
            [day, "党小组会", "学习党章", "第一党小组", "", ""],
            [day, "党小组会", "学习党章", "第二党小组", "", ""],
            [day, "党小组会", "学习党章", "第三党小组", "", ""],
            [day, "支委会", "研究工作", "", "会议室", ""],
            [day, "支委会", "研究工作", "", "村部", ""],
            [day, "党课", "党史", "", "", "张一、李二"],
            [day, "党课", "党史", "", "", "赵三、钱四"],
            ["2023年5月6日上午", "主题党日", "植树", "", "", ""],
            ["2023年5月6日下午", "主题党日", "植树", "", "", ""],
            ["2023年5月6日下午", "主题党日", "植树", "", "", ""]]
    result = run(book(tmp_path, {"组织生活": rows}))
    life = result.metrics["组织生活"]
    assert (life["党小组会"], life["支委会"], life["党课"], life["主题党日"]) == (3, 2, 2, 2)
    assert [i.row for i in result.log.items if i.code == "duplicate"] == [11]


def test_submissions_with_one_title_on_different_dates_are_different(tmp_path):
    rows = [["日期", "标题", "是否采用"], *([f"2023-0{m}-10", "党建工作简报", "否"] for m in range(1, 5))]
    result = run(book(tmp_path, {"信息报送": rows}))
    assert result.metrics["信息报送"]["报送篇数"] == 4 and not messages(result, "duplicate")


def test_same_other_item_with_two_figures_is_an_error(tmp_path):
    rows = [["事项", "数量", "单位"], ["购买学习读本", 100, "本"], ["购买学习读本", 120, "本"], ["购买学习读本", 100, "本"]]
    result = run(book(tmp_path, {"其他事项": rows}))
    assert messages(result, "other-conflict") == [
        "[错误] 台账.xlsx，工作表「其他事项」，第3行：与台账.xlsx「其他事项」第2行的事项同名（“购买学习读本”），"
        "数量却不同（100本、120本），报告中无法确定引用哪一个。请核对后删去错误的一行；如果是两件事，请把事项名称写得有所区别。"]
    assert account(result, "其他事项").counts == {"计入": 1, "重复": 1, "合计行": 0, "非本年度": 0, "未召开": 0, "示例": 0, "出错": 1}


def test_every_ledger_key_names_its_own_fields():
    for kind in vocab.KINDS[1:]:  # 基本信息 is one set of values, not records
        columns = {c.name for c in kind.columns}
        assert set(kind.key) <= columns | set(vocab.KEY_FIELDS), kind.name
        # Every column carries meaning: a column outside the key would merge different records.
        assert columns - set(kind.key) <= set(vocab.CHECK_ONLY), kind.name


# ---------------------------------------------------------------- totals rows

@pytest.mark.parametrize("label", ["合计", "合 计", "合计：", "本页合计", "总计", "共计", "小计", "合\u00a0计"])
def test_totals_words_on_their_own_are_totals_rows(tmp_path, label):
    rows = [["日期", "类型", "主题", "实到人数"], ["2023-05-06", "支委会", "一", 5], ["2023-06-06", "支委会", "二", 6],
            [label, None, None, 11]]
    result = run(book(tmp_path, {"组织生活": rows}))
    assert result.metrics["组织生活"]["支委会"] == 2 and not result.log.errors, messages(result)
    assert account(result, "组织生活").counts["合计行"] == 1


def test_other_items_named_with_a_totals_word_are_data(tmp_path):
    rows = [["事项", "数量", "单位"], ["党员自愿捐款合计", "3200元", "元"], ["慰问金共计", "1.5万", "元"],
            ["合计", 18200, "元"]]
    result = run(book(tmp_path, {"其他事项": rows}))
    assert result.metrics["其他事项"] == {
        "党员自愿捐款合计": {"数量": 3200, "单位": "元", "约数": False},
        "慰问金共计": {"数量": 15000, "单位": "元", "约数": False}}
    assert not messages(result)
    assert account(result, "其他事项").counts["合计行"] == 1


def test_a_totals_word_with_record_content_is_data(tmp_path):
    rows = [["日期", "类型", "主题"], ["2023-05-06", "支委会", "一"], ["合计", "支委会", "学习"]]
    result = run(book(tmp_path, {"组织生活": rows}))
    assert [(i.row, i.code) for i in result.log.errors] == [(3, "bad-date")]
    assert account(result, "组织生活").counts["出错"] == 1


def test_totals_figure_differing_from_the_rows_it_closes_is_warned(tmp_path):
    rows = [["姓名", "季度", "学习笔记"], ["张一", 1, 5000], ["李二", 1, 3000], ["一季度小计", None, 8000],
            ["张一", 2, 4000], ["第二季度小计", None, 4500], ["全年合计", None, 12000]]
    result = run(book(tmp_path, {"学习笔记": rows}))
    assert result.metrics["学习"]["笔记总字数"] == 12000
    assert messages(result, "total-mismatch") == [
        "[警告] 台账.xlsx，工作表「学习笔记」，第6行，「学习笔记（C6）」列：值「4500」合计行的数字（4500）与它所合计的第5至5行之和"
        "（4000）不一致，报告按各行的数字统计。请核对合计行或上方各行。"]


# ---------------------------------------------------------------- membership changes

def test_members_who_left_owe_dues_only_for_their_months(tmp_path):
    roster = [["姓名", "人员类别", "状态", "转出时间", "备注"],
              ["王书记", "正式党员", "", "", ""],
              ["张一", "正式党员", "转出", "2023.06", ""],
              ["李二", "正式党员", "", "", "2023年9月转入"],
              ["赵三", "预备党员", "去世", "2023年3月", ""],
              ["钱四", "正式党员", "", "", "2023.10转出至县教育局党支部"],
              ["孙五", "正式党员", "停止党籍", "", ""]]
    paid = {"王书记": range(1, 13), "张一": range(1, 7), "李二": range(10, 13), "赵三": range(1, 3),
            "钱四": range(1, 11), "孙五": range(1, 5)}
    dues = [["姓名", "缴纳标准", *MONTHS], *([n, 50, *(50 if m in paid[n] else None for m in range(1, 13))]
                                             for n in paid)]
    talks = [["谈话人", "谈话对象"], ["王书记", "李二"]]
    notes = [["姓名", "学习笔记"], *([n, 6000] for n in paid)]
    result = run(book(tmp_path, {"党员名册": roster, "党费": dues, "谈心谈话": talks, "学习笔记检查": notes}, roster))
    members = result.metrics["党员"]
    assert (members["总数"], members["正式党员"], members["预备党员"], members["增加"], members["减少"]) == (2, 2, 0, 1, 4)
    assert members["变动"] == [
        {"姓名": "张一", "变动": "转出", "年月": "2023年6月"}, {"姓名": "李二", "变动": "转入", "年月": "2023年9月"},
        {"姓名": "赵三", "变动": "去世", "年月": "2023年3月"}, {"姓名": "钱四", "变动": "转出", "年月": "2023年10月"},
        {"姓名": "孙五", "变动": "停止党籍", "年月": ""}]
    assert result.metrics["党费"]["欠缴"] == []
    assert result.metrics["党费"]["应缴总额"] == 50 * (12 + 6 + 3 + 2 + 10)
    assert result.metrics["谈心谈话"]["未覆盖党员"] == []
    assert not [f for f in result.findings if f["规则"] == "党费按月缴纳"]
    # Notes are averaged over the six who were members during the year, not the two left at year end.
    assert result.metrics["学习"]["人均笔记字数"] == 6000
    assert messages(result, "status-from-remark") == [
        "[警告] 台账.xlsx，工作表「党员名册」，第4行，「备注」列：值「2023年9月转入」备注中写了2023年9月转入，"
        "按此计算党员人数、党费和谈心谈话。请在“状态”和“转入时间”列中填写，以免误读。",
        "[警告] 台账.xlsx，工作表「党员名册」，第6行，「备注」列：值「2023.10转出至县教育局党支部」备注中写了2023年10月转出，"
        "按此计算党员人数、党费和谈心谈话。请在“状态”和“转出时间”列中填写，以免误读。"]
    assert messages(result, "status-no-date") == [
        "[警告] 台账.xlsx，工作表「党员名册」，第7行，「状态」列：值「停止党籍」写明“停止党籍”，但没有写年月，"
        "按本年度已不在册处理：不计入年底党员人数，不检查其党费和谈心谈话。请在“转出时间”列填写年月，如 2023.06。"]


def test_member_transferred_out_in_june_is_never_reported_for_later_months(tmp_path):
    roster = [["姓名", "状态", "转出时间"], ["王书记", "", ""], ["张一", "转出", "2023-06"]]
    dues = [["姓名", "缴纳标准", *MONTHS], ["王书记", 50, *[50] * 12], ["张一", 50, 50, 50, 50, None, None, None,
                                                                      *[None] * 6]]
    result = run(book(tmp_path, {"党员名册": roster, "党费": dues}, roster))
    assert result.metrics["党费"]["欠缴"] == [{"姓名": "张一", "月份": 4}, {"姓名": "张一", "月份": 5},
                                            {"姓名": "张一", "月份": 6}]
    finding = next(f for f in result.findings if f["规则"] == "党费按月缴纳")
    assert finding["说明"] == "张一4月、5月、6月未缴纳党费"
    assert result.metrics["党员"]["总数"] == 1 and result.metrics["党员"]["减少"] == 1


def test_changes_in_other_years_and_dates_without_a_month(tmp_path):
    roster = [["姓名", "状态", "转出时间", "备注"], ["王书记", "", "", "2015.3转入"], ["张一", "转出", "2022.11", ""],
              ["李二", "", "", "2023年转出"], ["赵三", "", "", "2019年转入"], ["钱四", "正常", "2023年8月", ""]]
    result = run(book(tmp_path, {"党员名册": roster}, roster))
    members = result.metrics["党员"]
    assert (members["总数"], members["增加"], members["减少"]) == (2, 0, 2)
    assert members["变动"] == [{"姓名": "李二", "变动": "转出", "年月": ""}, {"姓名": "钱四", "变动": "转出", "年月": "2023年8月"}]
    assert messages(result) == [
        "[警告] 台账.xlsx，工作表「党员名册」，第3行，「状态」列：值「转出」2022年11月已转出，不是2023年的党员，"
        "不计入本年度的人数、党费和谈心谈话。如果时间写错，请改正；否则可从名册中删去这一行。",
        "[警告] 台账.xlsx，工作表「党员名册」，第4行，「备注」列：值「2023年转出」备注中写明“转出”，但只写了2023年，没有写月份，"
        "按本年度已不在册处理：不计入年底党员人数，不检查其党费和谈心谈话。请在“转出时间”列填写年月，如 2023.06。"]


@pytest.mark.parametrize("label", ["1-6月合计", "小计（第一季度）", "本季度合计", "全年总计："])
def test_totals_labels_with_a_period(tmp_path, label):
    rows = [["姓名", "学习笔记"], ["张一", 5000], ["李二", 3000], [label, 8000]]
    result = run(book(tmp_path, {"学习笔记": rows}))
    assert result.metrics["学习"]["笔记总字数"] == 8000 and not messages(result)


def test_totals_label_merged_across_cells(tmp_path):
    rows = [["日期", "类型", "主题", "实到人数"], ["2023-05-06", "支委会", "一", 5], ["2023-06-06", "支委会", "二", 6],
            ["合计", None, None, 11]]
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER, "组织生活": rows},
               {"组织生活": ["A4:C4"]})
    result = run(tmp_path)
    assert result.metrics["组织生活"]["支委会"] == 2 and not result.log.errors, messages(result)
    assert account(result, "组织生活").counts["合计行"] == 1


def test_a_combined_activity_row_twice_is_one_duplicate(tmp_path):
    rows = [["日期", "类型", "主题"], ["2023-05-06", "主题党日暨党课", "植树"], ["2023-05-06", "主题党日暨党课", "植树"]]
    result = run(book(tmp_path, {"组织生活": rows}))
    assert (result.metrics["组织生活"]["主题党日"], result.metrics["组织生活"]["党课"]) == (1, 1)
    assert [i.row for i in result.log.items if i.code == "duplicate"] == [3]
    assert account(result, "组织生活").counts["重复"] == 1


def test_long_form_payments_already_in_the_wide_form(tmp_path):
    wide = [["姓名", "缴纳标准", "1月", "2月"], ["张一", 50, 50, 50]]
    long = [["姓名", "缴费月份", "金额"], ["张一", "2月", 50], ["张一", "1月", 60], ["张一", "3月", 50]]
    result = run(book(tmp_path, {"党费": wide, "党费逐笔": long}, [["姓名"], ["王书记"], ["张一"]]))
    assert result.metrics["党费"]["按月"][:3] == [50, 50, 50]
    assert messages(result, "duplicate") == [
        "[警告] 台账.xlsx，工作表「党费逐笔」，第2行，「金额」列：值「50」张一2月的这笔党费已在台账.xlsx「党费」第2行的2月（D2）"
        "记过，金额相同，只计一次。同一笔党费只记在一种台账中（横表或逐笔表），请删去一处。"]
    assert messages(result, "dues-conflict") == [
        "[错误] 台账.xlsx，工作表「党费逐笔」，第3行，「金额」列：值「60」与台账.xlsx「党费」第2行的1月（C2，50）"
        "是同一党员同一月份，金额却不同，无法确定哪个对。请核对后只在一处保留正确的金额（同一笔党费只记在横表或逐笔表中的一种）。"]
    assert account(result, "党费逐笔").counts == {"计入": 1, "重复": 1, "合计行": 0, "非本年度": 0, "未召开": 0, "示例": 0, "出错": 1}


def test_init_previous_prefills_only_members_still_in_the_branch(tmp_path):
    import openpyxl

    from pipeline import api

    roster = [["姓名", "状态", "转出时间"], ["王书记", "", ""], ["张一", "转出", "2022.06"], ["李二", "", ""]]
    last = tmp_path / "2022"
    write_xlsx(last / "台账.xlsx", {"基本信息": [["党支部名称", "测试党支部"], ["支部书记", "王书记"], ["年度", 2022]],
                                    "党员名册": roster, **EMPTY_LEDGERS})
    api.run_init(tmp_path / "2023", 2023, last)
    ws = openpyxl.load_workbook(tmp_path / "2023" / "02-党员名册.xlsx").active
    names = [r[1] for r in ws.iter_rows(min_row=4, values_only=True) if r[1]]
    assert names == ["王书记", "李二"]


def test_rows_json_holds_what_was_typed_not_the_derived_key_fields(tmp_path):
    from pipeline.writing.rows import row_contents

    sheets = {"上半年党费": dues_sheet(range(1, 3), ["张一"]), "第一季度笔记": [["姓名", "学习笔记"], ["张一", 3000]]}
    result = run(book(tmp_path, sheets, [["姓名"], ["王书记"], ["张一"]]))
    rows = row_contents(result.ledgers)
    assert rows["台账.xlsx / 上半年党费 / 2"] == "姓名：张一；缴纳标准：50；各月：1月50，2月50"
    assert rows["台账.xlsx / 第一季度笔记 / 2"] == "姓名：张一；学习笔记：3000；季度：1"
    assert rows["台账.xlsx / 党员名册 / 3"] == "姓名：张一"


# ---------------------------------------------------------------- claims over facts (足额, 少缴)

def test_full_payment_is_judged_per_month_at_that_months_standard(tmp_path):
    roster = [["姓名"], ["王书记"], ["张一"]]
    rose = [["姓名", "缴纳标准", *MONTHS], ["王书记", 50, *[50] * 12], ["张一", 50, *[50] * 6, *[None] * 6],
            ["张一", 80, *[None] * 6, *[80] * 6]]
    result = run(book(tmp_path / "full", {"党费": rose}, roster))
    assert result.metrics["党费"]["足额"] and result.metrics["党费"]["少缴"] == []
    # The same payments at the old rate after the standard rose: 少缴 July to December, at 80元.
    stayed = [*rose[:3], ["张一", 80, *[None] * 6, *[50] * 6]]
    result = run(book(tmp_path / "short", {"党费": stayed}, roster))
    dues = result.metrics["党费"]
    assert not dues["足额"] and dues["欠缴"] == []
    assert dues["少缴"] == [{"姓名": "张一", "月份": m, "应缴": 80, "实缴": 50} for m in range(7, 13)]
    assert [f["说明"] for f in result.findings if f["规则"] == "党费按月缴纳"] == [
        "张一7月、8月、9月、10月、11月、12月实缴少于缴纳标准（标准80元，实缴50元）"]


def test_short_months_under_two_standards_name_each_standard(tmp_path):
    dues = [["姓名", "缴纳标准", *MONTHS], ["王书记", 50, *[50] * 12], ["张一", 50, 50, 50, 10, *[50] * 3, *[None] * 6],
            ["张一", 80, *[None] * 6, 80, 50, *[80] * 4]]
    result = run(book(tmp_path, {"党费": dues}, [["姓名"], ["王书记"], ["张一"]]))
    assert [f["说明"] for f in result.findings if f["规则"] == "党费按月缴纳"] == [
        "张一3月（标准50元，实缴10元）、8月（标准80元，实缴50元）实缴少于缴纳标准"]


def test_full_payment_counts_only_the_months_of_membership(tmp_path):
    # 张一 left in June and paid to June; 李二 left before the year and is not in the dues ledger.
    roster = [["姓名", "状态", "转出时间"], ["王书记", "", ""], ["张一", "转出", "2023-06"], ["李二", "转出", "2022-10"]]
    dues = [["姓名", "缴纳标准", *MONTHS], ["王书记", 50, *[50] * 12], ["张一", 50, *[50] * 6, *[None] * 6]]
    result = run(book(tmp_path / "left", {"党费": dues}, roster))
    assert result.metrics["党费"]["足额"], result.metrics["党费"]
    assert result.metrics["党费"]["未列入"] == [] and result.metrics["党费"]["欠缴"] == []
    # A member of the whole year the dues ledger does not list: no 足额.
    stayed = [["姓名", "状态", "转出时间"], ["王书记", "", ""], ["张一", "转出", "2023-06"], ["李二", "", ""]]
    result = run(book(tmp_path / "stayed", {"党费": dues}, stayed))
    assert result.metrics["党费"]["未列入"] == ["李二"] and not result.metrics["党费"]["足额"]


# ---------------------------------------------------------------- issue 9's sheets in the accounting

def test_a_sheet_named_for_another_year_is_counted_as_outside_the_year(tmp_path):
    dues = [["姓名", "缴纳标准", "1月", "2月"], ["张一", 50, 50, 50], ["李二", 50, 50, 50], ["合计", None, 100, 100]]
    result = run(book(tmp_path, {"2022年度党费": dues}))
    assert result.metrics["党费"]["实缴总额"] == 0
    assert account(result, "2022年度党费").counts == {"计入": 0, "重复": 0, "合计行": 1, "非本年度": 2, "未召开": 0, "示例": 0,
                                                   "出错": 0}


def test_measures_are_counted_and_an_identical_one_is_a_duplicate(tmp_path):
    rows = [["板块", "内容"], ["理论学习", "制定年度学习计划"], ["理论学习", "制定年度学习计划"], ["作风建设", "开展作风纪律整顿"]]
    result = run(book(tmp_path, {"工作举措": rows}))
    assert result.metrics["工作举措"]["理论学习"] == ["制定年度学习计划"]
    assert account(result, "工作举措").counts == {"计入": 2, "重复": 1, "合计行": 0, "非本年度": 0, "未召开": 0, "示例": 0, "出错": 0}
