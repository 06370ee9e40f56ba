"""Blank ledger workbooks for `init`: one per ledger kind, ready to fill in with Excel or WPS.

Each workbook has a title row, the canonical headers (required ones in red), one example row
that starts with vocab.EXAMPLE_MARKER (never counted), drop-down lists, date and number
validation, and a 填表说明 sheet that ingest skips by its marker.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.core import vocab
from pipeline.core.names import BlankStatus, ColumnType, LedgerKind
from pipeline.core.outputs import deterministic_zip, write_bytes
from pipeline.core.xlsxstyle import BOLD, BORDER, CENTER, HEADER_FILL, WRAP, fit_height, fit_to_width
from pipeline.core.xlsxwrite import put
from pipeline.reading.readers import SPREADSHEET_SUFFIXES, list_input_files

WRITTEN, SKIPPED, OTHER = BlankStatus.WRITTEN, BlankStatus.SKIPPED, BlankStatus.OTHER
FIRST_DATA_ROW = 3  # row 1 title, row 2 headers, row 3 the example
LAST_ROW = 1000  # validations and formats reach this row
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
# Cell formats by column type: dates shown as 2023年3月5日; year-months kept as typed text (1985.06).
FORMATS = {ColumnType.DATE: DATE_FORMAT, ColumnType.ANYDATE: DATE_FORMAT, ColumnType.DEADLINE: DATE_FORMAT,
           ColumnType.MONTH: "@"}
SERIAL_COLUMN = "序号"
DATE_TYPES = (ColumnType.DATE, ColumnType.ANYDATE)
NUMBER_TYPES = (ColumnType.NUMBER, ColumnType.INT)

# Fixed values offered as drop-down lists, by column type (plus 性别 by name).
CHOICES: dict[ColumnType, tuple[str, ...]] = {
    ColumnType.ACTIVITY: (*vocab.ACTIVITY_TYPES, vocab.OTHER_ACTIVITY),
    ColumnType.SPEAKER: tuple(vocab.SPEAKER_CATEGORIES),
    ColumnType.CATEGORY: tuple(vocab.MEMBER_CATEGORIES),
    ColumnType.YESNO: ("是", "否"),
    ColumnType.LEVEL: tuple(vocab.LEVELS),
    ColumnType.PROBLEM: tuple(vocab.PROBLEM_TYPES),
    ColumnType.QUARTER: vocab.QUARTERS,
    ColumnType.SECTION: tuple(vocab.SECTIONS),
    ColumnType.STATUS: tuple(vocab.MEMBER_STATUS),
    ColumnType.RECTIFY: tuple(vocab.RECTIFY_STATUS),
}
NAMED_CHOICES: dict[str, tuple[str, ...]] = {"性别": ("男", "女")}

# What to write in a column beyond its type, shown in the cell prompt and on 填表说明.
NOTES: dict[tuple[LedgerKind, str], str] = {
    (LedgerKind.INFO, "党支部名称"): "写全称，如“中共××县委组织部机关党支部”。",
    (LedgerKind.INFO, "年度"): "述职报告的年度，如 2023。",
    (LedgerKind.INFO, "报告日期"): "述职报告落款日期，可不填。",
    (LedgerKind.INFO, "支部类型"): "村、社区党支部写“村”或“社区”（支委会任期5年）；其他可不填（任期3年）。",
    (LedgerKind.INFO, "本届任期起始"): "本届支部委员会选举产生的年月，程序据此检查是否按期换届。",
    (LedgerKind.INFO, "党费缴纳方式"): "经支部同意按季度缴纳的写“按季度”；空白按规则设置（默认按月）。",
    (LedgerKind.INFO, "党小组"): "设有党小组的写各党小组名称，用顿号分隔；没有写“无”。",
    (LedgerKind.INFO, "书记与每名党员谈话"): "写“是”时检查书记与每名党员谈心谈话；空白按规则设置。",
    (LedgerKind.INFO, "党课每季度次数"): "上级党委对本支部党课次数另有要求的填写，如每月1次填 3；空白按规则设置。",
    (LedgerKind.ROSTER, "党内职务"): "支委填写书记、副书记、组织委员等，程序据此检查书记与支委谈心谈话。",
    (LedgerKind.ROSTER, "转正时间"): "预备党员转正的年月；预备期满一年仍空白的会被列出。",
    (LedgerKind.ROSTER, "人员类别"): "空白按正式党员计。",
    (LedgerKind.ROSTER, "党小组"): "设有党小组时填写，程序据此检查党小组会。",
    (LedgerKind.ROSTER, "状态"): "本年度转入、转出、去世等的党员填写，并填写对应的时间；空白按正常在册计。",
    (LedgerKind.ROSTER, "转入时间"): "本年度转入的党员填写；党费从转入的次月起在本支部计算。",
    (LedgerKind.ROSTER, "转出时间"): "转出、去世、停止党籍、出党的年月；此后不再计入党员人数和党费。",
    (LedgerKind.ACTIVITIES, "类型"): "列表中没有的活动选“其他”，并在“主题”中写明。",
    (LedgerKind.ACTIVITIES, "主讲人类别"): "类型为“党课”时填写；空白记为“未注明”。",
    (LedgerKind.ACTIVITIES, "党小组"): "党小组会写是哪个党小组召开的。",
    (LedgerKind.ACTIVITIES, "参加人员"): "可不填；填了参加人员或缺席人员，程序检查党员是否连续6个月未参加组织生活。",
    (LedgerKind.ACTIVITIES, "缺席人员"): "可不填；没有缺席的写“无”。",
    (LedgerKind.ACTIVITIES, "所属年度"): "组织生活会、民主评议党员在次年年初召开的，填所属的年度，如 2023。",
    (LedgerKind.TALKS, "谈话人"): "书记谈话写书记姓名或“书记”。",
    (LedgerKind.STUDY, "季度"): "没填检查日期时按季度统计检查次数。",
    (LedgerKind.STUDY, "学习笔记"): "上次检查以来新记的笔记字数，不是笔记本上的累计总字数（各次检查的字数相加即全年字数）。",
    (LedgerKind.STUDY, "心得体会"): "心得体会篇数。",
    (LedgerKind.DUES_WIDE, "缴纳标准"): "每月应缴金额（元）；填了标准的党员，程序检查每月是否缴纳。",
    (LedgerKind.DUES_WIDE, "合计"): "可不填；填了会与各月金额之和核对。",
    (LedgerKind.SUBMISSIONS, "是否采用"): "被采用填“是”，并选择采用级别。",
    (LedgerKind.SUBMISSIONS, "采用级别"): "被采用时填写：中央、省、市、县。",
    (LedgerKind.ASSISTANCE, "数量"): "约数可写“1500余”。",
    (LedgerKind.ASSISTANCE, "单位"): "如 棵、万元、件、名、吨。",
    (LedgerKind.PROBLEMS, "类型"): "“问题”写进报告的问题部分，“原因”写进原因剖析。",
    (LedgerKind.OTHER, "事项"): "报告中要引用的事项名称，如“购买规定学习读本”。",
    (LedgerKind.DUES_WIDE, "上缴"): "党费上缴上级党组织后填“是”或上缴日期（也可填上缴金额）；"
                         "都填了，报告才写“已全部上缴”。",
    (LedgerKind.MEASURES, "板块"): "决定这条举措写进“履职工作主要情况”的哪一部分；作风建设单列为最后一部分。",
    (LedgerKind.MEASURES, "内容"): "一条举措一行，写本支部实际做了的事，报告照录原文（数字请以台账统计为准，不必重复）。",
    (LedgerKind.MEASURES, "小标题"): "可不填：该部分在报告中的小标题，如“坚持用心用力，抓实政治学习”；每个板块填一次即可，"
                        "以第一次填写的为准。不填时用中性的标题，如“政治理论学习情况”。",
    (LedgerKind.RECTIFY, "问题"): "上年度问题清单中的问题（make init PREVIOUS=上年度文件夹 会自动填好）。",
    (LedgerKind.RECTIFY, "完成时限"): "填日期，如 2023-06-30，也可写“2023年6月底前”或“长期坚持”。",
    (LedgerKind.RECTIFY, "完成情况"): "已完成、推进中或未完成。",
    (LedgerKind.RECTIFY, "完成时间"): "已完成的填写完成日期。",
    (LedgerKind.RECTIFY, "未完成原因"): "推进中、未完成的写明原因，报告中会引用。",
}
MONTH_NOTE = "当月实缴金额（元），未缴的月份留空。"


_NUMBER_HINTS = {"元": "填金额（元），如 50 或 50元。", "字": "填字数，如 3200 或 3,200。",
                 "篇": "填篇数，如 2。"}


def _examples(year: int) -> dict[str, dict[str, object]]:
    """vocab.EXAMPLES with their (month, day) dates placed in `year`."""
    return {kind: {col: dt.date(year, *v) if isinstance(v, tuple) else v for col, v in row.items()}
            for kind, row in vocab.EXAMPLES.items()}


@dataclass(frozen=True)
class BlankColumn:
    """One column of a blank ledger: header, width, whether required, value type, help."""

    name: str
    width: int
    required: bool = False
    type: ColumnType = ColumnType.TEXT
    note: str = ""
    unit: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        return CHOICES.get(self.type) or NAMED_CHOICES.get(self.name, ())


RECTIFY_KIND = LedgerKind.RECTIFY


def ledger_kinds(rectify: bool = False) -> list[vocab.Kind]:
    """The kinds `init` writes, in vocab order (the 逐笔 dues form is accepted but not written;
    the 整改台账 only with `init --previous`, which fills it with last year's problems)."""
    return [k for k in vocab.KINDS if k.name != LedgerKind.DUES_LONG and (rectify or k.name != RECTIFY_KIND)]


def file_name(number: int, kind: vocab.Kind) -> str:
    return f"{number:02d}-{kind.name}.xlsx"


def blank_columns(kind: vocab.Kind) -> list[BlankColumn]:
    """The columns of a blank ledger; the wide dues form gets 1月..12月 before 合计."""
    out = []
    for col in kind.columns:
        if kind.name == LedgerKind.DUES_WIDE and col.name == "合计":
            out += [BlankColumn(f"{m}月", 8, type=ColumnType.NUMBER, note=MONTH_NOTE, unit="元") for m in range(1, 13)]
        out.append(BlankColumn(col.name, col.width, col.required, col.type, NOTES.get((kind.name, col.name), ""),
                               col.unit))
    return out


def describe(column: BlankColumn, year: int | None = None) -> str:
    """The help text of one column: what to write and the allowed values.

    With year None (the README) the text speaks of 报告年度 and shows 2023 in examples."""
    parts = []
    shown = year or 2023
    if column.type in DATE_TYPES:
        parts.append(f"填日期，如 {shown}-03-05 或 {shown}年3月5日。")
        if column.type == ColumnType.DATE:
            parts.append(f"只统计{f'{year}年' if year else '报告年度'}内的日期。")
    elif column.type == ColumnType.PAYMONTH:
        parts.append("填所属月份，如 1月 或 2023年1月。")
    elif column.type == ColumnType.MONTH:
        parts.append("写到月即可，如 1985.06 或 1985年6月。")
    elif column.type == ColumnType.NUMBER:
        parts.append(_NUMBER_HINTS.get(column.unit, "填数字，可带单位或写约数，如 1500棵、1500余。"))
    elif column.type == ColumnType.INT:
        parts.append("填整数。")
    elif column.type == ColumnType.NAMES:
        parts.append("多人用顿号（、）分隔。")
    if column.choices:
        parts.append(f"从下拉列表选择：{'、'.join(column.choices)}。")
    if column.note:
        parts.append(column.note)
    return "".join(parts)


# ---------------------------------------------------------------- styles

_BORDER, _HEADER_FILL = BORDER, HEADER_FILL
_EXAMPLE_FILL = PatternFill("solid", fgColor="F2F2F2")
_HEADER_FONT = BOLD
_REQUIRED_FONT = Font(bold=True, color="C00000")
_EXAMPLE_FONT = Font(italic=True, color="808080")
_TITLE_FONT = Font(bold=True, size=16)
_CENTER, _WRAP = CENTER, WRAP
_AUTHOR = "填表说明"


def _comment(text: str, width: int = 260, height: int = 80) -> Comment:
    comment = Comment(text, _AUTHOR)
    comment.width, comment.height = width, height
    return comment


def _validation(column: BlankColumn, year: int) -> DataValidation | None:
    """The data validation of one column (lists stop wrong values; dates and numbers warn);
    a free-text column gets only its prompt, or nothing when there is nothing to say."""
    prompt = (("必填。" if column.required else "选填。") + describe(column, year))[:255]
    common = dict(showInputMessage=True, showErrorMessage=True, allow_blank=True,
                  promptTitle=column.name[:32], prompt=prompt, errorTitle="请检查填写内容")
    if column.choices:
        formula = '"' + ",".join(column.choices) + '"'
        assert len(formula) <= 255, column.name  # Excel's limit for an inline list
        return DataValidation(type="list", formula1=formula, errorStyle="stop",
                              error=f"请从下拉列表选择：{'、'.join(column.choices)}。", **common)
    if column.type in DATE_TYPES:
        low, high = (dt.date(year, 1, 1), dt.date(year, 12, 31)) if column.type == ColumnType.DATE else \
            (dt.date(2000, 1, 1), dt.date(2100, 12, 31))
        return DataValidation(type="date", operator="between", formula1=str(_serial(low)),
                              formula2=str(_serial(high)), errorStyle="warning",
                              error=f"应填{low.year}年{'内的' if low.year == high.year else '以后的'}日期，"
                                    f"如 {year}-03-05。确实无误可点“是”保留。", **common)
    if column.type in NUMBER_TYPES:
        least, most = (1949, 2100) if column.name == "年度" else (0, None)
        kind = "whole" if column.type == ColumnType.INT else "decimal"
        extra = dict(operator="between", formula1=str(least), formula2=str(most)) if most else \
            dict(operator="greaterThanOrEqual", formula1=str(least))
        error = ("应填整数，如 7。确实无误可点“是”保留。" if kind == "whole"
                 else "应填数字，如 50 或 1500。确实无误（如“1500余”）可点“是”保留。")
        return DataValidation(type=kind, errorStyle="warning", error=error, **extra, **common)
    if column.required or describe(column, year):
        return DataValidation(type=None, **common)  # a prompt only
    return None


def _serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def _title(ws, text: str, width: int) -> None:
    ws.cell(row=1, column=1, value=text).font = _TITLE_FONT
    ws.cell(row=1, column=1).alignment = _CENTER
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 32


# ---------------------------------------------------------------- sheets

def _table_sheet(ws, kind: vocab.Kind, year: int, rows: list[dict] | None = None) -> None:
    columns = blank_columns(kind)
    example = _examples(year).get(kind.name, {})
    _title(ws, f"{year}年度{kind.title or kind.name}", len(columns) + 1)
    headers = [BlankColumn(SERIAL_COLUMN, 6), *columns]
    for index, column in enumerate(headers, 1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        cell = ws.cell(row=2, column=index, value=column.name)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill, cell.border, cell.alignment = _HEADER_FILL, _BORDER, _CENTER
        if column.required:
            cell.comment = _comment("必填", 120, 40)
        value = vocab.EXAMPLE_MARKER if index == 1 else example.get(column.name)
        sample = ws.cell(row=FIRST_DATA_ROW, column=index, value=value)
        sample.font, sample.fill, sample.border = _EXAMPLE_FONT, _EXAMPLE_FILL, _BORDER
        if index == 1:
            continue
        if column.type in FORMATS:  # the column's style, used by every cell typed into it
            sample.number_format = ws.column_dimensions[letter].number_format = FORMATS[column.type]
        if rule := _validation(column, year):
            ws.add_data_validation(rule)
            rule.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_ROW}")
    for offset, values in enumerate(rows or (), 1):  # pre-filled from last year (`init --previous`)
        for index, column in enumerate(headers, 1):
            cell = put(ws, FIRST_DATA_ROW + offset, index, offset if index == 1 else values.get(column.name))
            cell.border = _BORDER
            if column.type in FORMATS:
                cell.number_format = FORMATS[column.type]
    ws["A3"].comment = _comment(f"第{FIRST_DATA_ROW}行是填写示例，以“{vocab.EXAMPLE_MARKER}”开头，程序不会统计；"
                                "可以保留，也可以删除。请从下一行起填写。")
    ws.row_dimensions[2].height = 30
    ws.freeze_panes = f"B{FIRST_DATA_ROW}"
    fit_to_width(ws, "1:2")


def _info_sheet(ws, kind: vocab.Kind, year: int, values: dict | None = None) -> None:
    """基本信息 as label/value rows: the label in A, the value in B (`values` pre-filled)."""
    _title(ws, f"{year}年度{kind.title}", 2)
    for index, header in enumerate(("项目", "内容"), 1):
        cell = ws.cell(row=2, column=index, value=header)
        cell.font, cell.fill, cell.border, cell.alignment = _HEADER_FONT, _HEADER_FILL, _BORDER, _CENTER
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 44
    for row, column in enumerate(blank_columns(kind), 3):
        label = ws.cell(row=row, column=1, value=column.name)
        label.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        label.border = _BORDER
        value = put(ws, row, 2, year if column.name == "年度" else (values or {}).get(column.name))
        value.border = _BORDER
        if column.type in FORMATS:
            value.number_format = FORMATS[column.type]
        if rule := _validation(column, year):
            ws.add_data_validation(rule)
            rule.add(f"B{row}")
    ws.freeze_panes = "A3"
    fit_to_width(ws, "1:2")


_HELP_WIDTHS = {"A": 16, "B": 10, "C": 80}


def _help_sheet(ws, kind: vocab.Kind, year: int) -> None:
    """填表说明: how to fill in this ledger, one row per column."""
    ws.cell(row=1, column=1, value=vocab.HELP_MARKER).font = Font(bold=True, size=14)
    lines = [kind.help]
    if kind.name == LedgerKind.INFO:
        lines.append("左列是项目名，请勿修改；在右列填写内容。红色项目为必填。")
    else:
        lines += ["第2行是表头，请勿修改表头文字；红色表头为必填列。",
                  f"第{FIRST_DATA_ROW}行是填写示例（第一格为“{vocab.EXAMPLE_MARKER}”），程序不会统计，可保留或删除；"
                  "从下一行起每行填写一条记录。",
                  "选中单元格会显示填写提示；带下拉箭头的列请从列表中选择。"]
    lines += [f"日期写成 {year}-03-05 或 {year}年3月5日；数字可带单位，如 50元、1500棵。",
              "填好后运行 make check 检查，按校验报告改正后运行 make report 生成述职报告。"]
    for row, line in enumerate(lines, 2):
        ws.cell(row=row, column=1, value=line)
    top = len(lines) + 3
    for index, header in enumerate(("列名", "是否必填", "填写要求"), 1):
        cell = ws.cell(row=top, column=index, value=header)
        cell.font, cell.fill, cell.border, cell.alignment = _HEADER_FONT, _HEADER_FILL, _BORDER, _CENTER
    for row, column in enumerate(blank_columns(kind), top + 1):
        text = describe(column, year)
        for index, value in enumerate((column.name, "必填" if column.required else "选填", text), 1):
            cell = ws.cell(row=row, column=index, value=value)
            cell.border, cell.alignment = _BORDER, _WRAP
        if column.required:
            ws.cell(row=row, column=2).font = _REQUIRED_FONT
        fit_height(ws, row, list(_HELP_WIDTHS.values()))
    for letter, width in _HELP_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    fit_to_width(ws)


def blank_workbook(kind: vocab.Kind, year: int, rows: list[dict] | None = None) -> bytes:
    """Deterministic .xlsx bytes of the blank ledger of one kind (with `rows` after the example)."""
    wb = Workbook()
    ws = wb.active
    ws.title = kind.name
    if kind.name == LedgerKind.INFO:
        _info_sheet(ws, kind, year, (rows or [{}])[0])
    else:
        _table_sheet(ws, kind, year, rows)
    _help_sheet(wb.create_sheet(vocab.HELP_SHEET), kind, year)
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())


def write_blank_ledgers(folder: Path, year: int,
                        prefill: dict[LedgerKind, list[dict]] | None = None) -> list[tuple[Path, str]]:
    """Write every missing blank ledger into `folder`; existing files are never overwritten.
    `prefill` gives rows by ledger kind (last year's roster and problems).

    Returns (path, status) per file: written, skipped (already there), or other (a spreadsheet
    that `init` did not write, which is read too).
    """
    folder.mkdir(parents=True, exist_ok=True)
    out: list[tuple[Path, str]] = []
    names = set()
    prefill = prefill or {}
    for number, kind in enumerate(ledger_kinds(RECTIFY_KIND in prefill), 1):
        path = folder / file_name(number, kind)
        names.add(path.name)
        if path.exists():
            out.append((path, SKIPPED))
            continue
        write_bytes(path, blank_workbook(kind, year, prefill.get(kind.name)))
        out.append((path, WRITTEN))
    out += [(p, OTHER) for p in list_input_files(folder)
            if p.name not in names and p.suffix.lower() in SPREADSHEET_SUFFIXES]
    return out
