"""Settle: completing a row of the kinds with more to it from its other columns, and saying
where they disagree: adoption (信息报送), membership changes (党员名册), the months paid (党费),
and a 组织生活 row's year. Called per row by the row reader (rows.py)."""

from __future__ import annotations

import re

from pipeline.core import vocab
from pipeline.core.issues import INFO, IssueLog
from pipeline.core.names import IssueCode
from pipeline.core.values import SPACES, is_blank, parse_number
from pipeline.reading.cells import bad_cell, change_in_text, warn_negative
from pipeline.reading.ingest import Table
from pipeline.reading.records import Source

_NONE_MARKS = frozenset(vocab.NONE_MARKS)
_TOPIC_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度")
_PAID = frozenset(vocab.PAID_MARKS)


def adoption(values: dict, log: IssueLog, sheet, r: int, table: Table) -> None:
    """Settle 是否采用 against 采用级别, and say so where the two disagree or one is missing."""
    said = values.get("是否采用")
    if isinstance(said, tuple):  # `省级采用` in the 是否采用 column
        values["是否采用"] = True
        values.setdefault("采用级别", said)
        return
    header = table.headers.get(table.columns.get("是否采用", -1), "是否采用")
    if said is False and values.get("采用级别"):
        log.warning(sheet.file, "是否采用为“否”，却填了采用级别，按已采用统计", "请核对这两列", sheet=sheet.name,
                    row=r + 1, column=header, code=IssueCode.ADOPTION_CONFLICT)
    elif said is None and not values.get("采用级别") and values.get("刊载媒体"):
        log.warning(sheet.file, "填了刊载媒体，但没有填是否采用，按未采用统计", "如已采用，请填“是”并选择采用级别",
                    sheet=sheet.name, row=r + 1, column=header, code=IssueCode.ADOPTION_CONFLICT)


def other_year(values: dict, next_year: tuple | None, year: int, window: int, log: IssueLog, sheet,
                r: int) -> bool:
    """Whether a 组织生活 row belongs to another year (and say why): a row dated next year counts
    only as a 组织生活会/民主评议党员 whose 所属年度 is `year`, within `window` months; a
    meeting held this year for another 所属年度 belongs to that year."""
    types = values["类型"] if values["类型"].__class__ is tuple else (values["类型"],)
    meeting = all(t in vocab.YEAR_OF_MEETING_TYPES for t in types)
    belongs = values.get("所属年度")
    where = dict(sheet=sheet.name, row=r + 1, code=IssueCode.OUT_OF_YEAR)
    if meeting and belongs is None and (found := _TOPIC_YEAR.search(values.get("主题") or "")):
        # `召开2021年度专题组织生活会` held in February 2022 is 2021's meeting.
        belongs = int(found.group(1))
        if belongs != year:
            log.warning(sheet.file, f"主题写明是{belongs}年度的{'、'.join(types)}，按所属年度{belongs}年处理，"
                        f"不计入{year}年度统计", f"如果它是{year}年度的，请改正主题中的年度，或加一列“所属年度”填写{year}",
                        column="主题", value=values.get("主题"), **{**where, "code": IssueCode.YEAR_FROM_TOPIC})
            return True
        topic = True
    else:
        topic = False
    if next_year is not None:
        header, day = next_year
        if meeting and belongs == year and day.month <= window:
            if topic:
                log.add(INFO, sheet.file, f"召开日期在{year + 1}年，主题写明是{year}年度的{'、'.join(types)}，"
                        f"计入{year}年度统计", sheet=sheet.name, row=r + 1, column="主题", value=values.get("主题"),
                        code=IssueCode.YEAR_FROM_TOPIC)
            return False
        if meeting and belongs == year:
            log.warning(sheet.file, f"所属年度为{year}年，但召开日期晚于{year + 1}年{window}月，本行不计入统计",
                        f"规则设置允许次年前{window}个月召开的计入上一年度；如日期写错，请改正",
                        column=header, value=day.isoformat(), **where)
        else:
            hint = (f"；如果是为{year}年召开的，请在“所属年度”一栏填写{year}" if meeting
                    else "；如果是往年记录，可忽略此提示")
            log.warning(sheet.file, f"日期不在报告年度（{year}年）内，本行不计入统计",
                        f"如果日期写错，请改正{hint}", column=header, value=day.isoformat(), **where)
        return True
    if meeting and belongs is not None and belongs != year:
        log.warning(sheet.file, f"所属年度为{belongs}年，不计入{year}年度统计",
                    "如果所属年度写错，请改正", column="所属年度", value=str(belongs), **where)
        return True
    return False


def dues_months(table: Table, row, r: int, values: dict, src: Source, log: IssueLog,
                 year: int, marked: dict) -> dict[int, float] | None:
    """The month columns of a wide dues row: {month: amount paid}; blank months are unpaid.

    None when a month cell is in error: the whole row then stays out, like any row error.
    """
    paid: dict[int, float] = {}
    failed = False
    for index, (col_year, month) in sorted(table.months.items(), key=lambda kv: kv[1][1]):
        raw = row[index] if index < len(row) else ""
        header = table.headers.get(index, f"{month}月")
        if (r, index) in table.sheet.bad_cells:
            bad_cell(log, table.sheet, r, index, header, table.sheet.bad_cells[(r, index)])
            failed = True
            continue
        text = raw.strip(SPACES) if raw.__class__ is str else None
        if is_blank(raw) or text in _NONE_MARKS:
            if text:
                marked.setdefault("none", []).append((src.row, header, text))
            continue  # unpaid
        if text in _PAID and values.get("缴纳标准"):
            marked.setdefault("paid", []).append((src.row, header, text))
            raw = values["缴纳标准"]
        if col_year is not None and col_year != year:
            log.warning(src.file, f"该列不在报告年度（{year}年）内，不计入统计", "如果年份写错，请改正表头",
                        sheet=src.sheet, row=src.row, column=header, value=raw, code=IssueCode.OUT_OF_YEAR)
            continue
        try:
            amount, _ = parse_number(raw)
        except ValueError as exc:
            log.error(src.file, str(exc), "请填写实缴金额（数字），未缴的月份留空", sheet=src.sheet,
                      row=src.row, column=header, value=raw, code=IssueCode.BAD_NUMBER)
            failed = True
            continue
        if amount < 0:
            warn_negative(log, src.file, src.sheet, src.row, header, raw)
        paid[month] = paid.get(month, 0) + amount
    if failed:
        return None
    declared = values.get("合计")
    total = round(sum(paid.values()), 2)
    if declared is not None and abs(declared - total) > 0.005:
        index = table.columns["合计"]
        log.warning(src.file, f"合计与各月金额之和（{total:g}）不一致，以各月金额为准",
                    "请核对各月金额和合计", sheet=src.sheet, row=src.row,
                    column=table.headers.get(index, "合计"), value=declared, code=IssueCode.DUES_TOTAL)
    return paid


def pay_month_in_year(values: dict, src: Source, log: IssueLog, year: int, table: Table) -> bool:
    """Whether a 逐笔 dues row's 所属月份 is in the report year (then 月份 keeps the month alone);
    one of another year is said and left out."""
    pay_year, month = values["月份"]
    if pay_year is not None and pay_year != year:
        header = table.headers.get(table.columns["月份"], "月份")
        log.warning(src.file, f"所属月份不在报告年度（{year}年）内，本行不计入统计",
                    "如果年份写错，请改正；如果是往年记录，可忽略此提示", sheet=src.sheet,
                    row=src.row, column=header, value=f"{pay_year}年{month}月", code=IssueCode.OUT_OF_YEAR)
        return False
    values["月份"] = month
    return True


def membership_change(values: dict, log: IssueLog, sheet, r: int, table: Table, year: int) -> None:
    """Settle a roster row's 状态, 转入时间 and 转出时间 (减少) from its columns, or from a
    remark in 备注 (`2023年6月转出`), saying so where read from the remark or a date is missing."""
    status, when = values.get("状态") or (None, None)
    source = "状态"
    if status in (None, vocab.NORMAL_STATUS) and not values.get("转入时间") and not values.get("转出时间"):
        found = change_in_text(values.get("备注") or "")
        if found:
            status, when = found
            source = "备注"
    if status in (None, vocab.NORMAL_STATUS):
        status = "转出" if values.get("转出时间") else vocab.JOINING_STATUS if values.get("转入时间") else status
    where = dict(sheet=sheet.name, row=r + 1, column=table.headers.get(table.columns.get(source, -1), source))
    joining = status == vocab.JOINING_STATUS
    column = "转入时间" if joining else "转出时间"
    if status not in (None, vocab.NORMAL_STATUS):
        date = values.get(column) or when
        said = f"{date[0]}年{f'{date[1]}月' if date[1] else ''}" if date else ""
        if date and date[1] == 0:
            # Only a year (`2019年转入`): enough for another year; for this one the month is missing.
            date = None if date[0] == year else (date[0], 1 if date[0] > year or joining else 12)
        values[column] = date
        if not date:
            effect = ("按年底在册计入党员人数；不知转入月份，不检查其党费" if joining else
                      "按本年度已不在册处理：不计入年底党员人数，不检查其党费和谈心谈话")
            log.warning(sheet.file, f"{'备注中' if source == '备注' else ''}写明“{status}”，但"
                        f"{f'只写了{said}，没有写月份' if said else '没有写年月'}，{effect}",
                        f"请在“{column}”列填写年月，如 {year}.06", value=_raw(table, r, source),
                        code=IssueCode.STATUS_NO_DATE, **where)
        elif not joining and date[0] < year:
            log.warning(sheet.file, f"{said}已{status}，不是{year}年的党员，不计入本年度的人数、党费和谈心谈话",
                        "如果时间写错，请改正；否则可从名册中删去这一行", value=_raw(table, r, source),
                        code=IssueCode.LEFT_BEFORE_YEAR, **where)
        elif source == "备注" and date[0] == year:
            log.warning(sheet.file, f"备注中写了{said}{status}，按此计算党员人数、党费和谈心谈话",
                        f"请在“状态”和“{column}”列中填写，以免误读", value=values.get("备注"),
                        code=IssueCode.STATUS_FROM_REMARK, **where)
    if status is None:
        values.pop("状态", None)  # blank: an ordinary member (nothing is written in its name)
    else:
        values["状态"] = status


def _raw(table: Table, r: int, name: str):
    """The cell of column `name` in row `r` as typed ("" when the sheet has no such column)."""
    index = table.columns.get(name)
    row = table.sheet.rows[r]
    return row[index] if index is not None and index < len(row) else ""
