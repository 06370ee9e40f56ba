"""Rows: one ledger table's data rows -> records (table_records), each row's fate in the sheet's
row accounting, duplicates counted once (Kept).

This is the hot path: ledgers run to hundreds of thousands of rows repeating the same types,
dates and counts. Each distinct cell of a column is read once (_interpret, memoised per column);
a row whose every cell is one read before as a plain value takes _read_memoised, a dictionary
lookup per cell; any other row is read cell by cell (_read_cells), saying what its cells need said.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pipeline.core import vocab
from pipeline.core.errors import ContractError
from pipeline.core.issues import ERROR, WARNING, IssueLog
from pipeline.core.names import ColumnType, IssueCode, LedgerKind, RowFate, bad_code, unknown_code
from pipeline.core.values import SPACES, UNIT_SCALES, clean_text
from pipeline.reading.cells import (
    ACTIONS,
    NEGATIVE,
    Fallback,
    bad_cell,
    implied_speaker,
    parse_cell,
    sheet_period,
    time_of_day,
)
from pipeline.reading.ingest import Table
from pipeline.reading.readers import column_letter
from pipeline.reading.records import Record, Source
from pipeline.reading.settle import adoption, dues_months, membership_change, other_year, pay_month_in_year

_CHECK_ONLY = vocab.CHECK_ONLY
# Members of the enums the per-row code uses. On Python 3.11 `LedgerKind.X` goes through the
# enum class's __getattr__ (ten times a name lookup), which per row adds up.
_ACTIVITIES, _ROSTER, _STUDY, _SUBMISSIONS = (LedgerKind.ACTIVITIES, LedgerKind.ROSTER, LedgerKind.STUDY,
                                              LedgerKind.SUBMISSIONS)
_DUES_WIDE, _DUES_LONG = LedgerKind.DUES_WIDE, LedgerKind.DUES_LONG
_TEXT, _NUMBER, _DATE = ColumnType.TEXT, ColumnType.NUMBER, ColumnType.DATE
_COUNTED, _DUPLICATE, _OUT_OF_YEAR, _FAILED = RowFate.COUNTED, RowFate.DUPLICATE, RowFate.OUT_OF_YEAR, RowFate.FAILED
_DAY = dt.date
_NUMERIC = (ColumnType.NUMBER, ColumnType.INT)
_NONE_MARKS = frozenset(vocab.NONE_MARKS)
_EXEMPT = frozenset(vocab.EXEMPT_MARKS)
_NONE: frozenset = frozenset()
# What a cell's reading holds besides a plain value: the cell is blank and optional (nothing to
# store), or a _Cell (reading it says something, or it is not a plain value).
_SKIP = object()


def _scales(table: Table) -> dict[str, int]:
    """Number columns whose header names a multiple of their unit (`学习笔记（万字）`)."""
    out = {}
    for column in table.kind.columns:
        unit = table.units.get(table.columns.get(column.name, -1), "")
        if column.unit and unit[:1] in UNIT_SCALES and unit[1:].startswith(column.unit):
            out[column.name] = UNIT_SCALES[unit[:1]]
    return out


# A cell's fate in its row (_Cell.fate).
_KEEP, _BLANK, _BAD, _OUTSIDE, _NEXT_YEAR = "keep", "blank", "bad", "outside", "next-year"
# A 组织生活会 / 民主评议党员 (its year may be another: its 主题 or 所属年度 says); such rows are
# rare, so they leave the fast path through their 类型 cell and cost the others nothing.
_YEARLY = "yearly"
_YEAR_OF_MEETING = frozenset(vocab.YEAR_OF_MEETING_TYPES)


class _Cell(NamedTuple):
    """A cell whose reading is more than a plain value: what it says and what it does to its row.

    Reading depends only on the column and what is typed, so it is worked out once per distinct
    cell of a column (_interpret); each row it appears in then says it at its own row number."""

    fate: str  # _KEEP the value, _BLANK (nothing stored), _BAD (row error), _OUTSIDE, _NEXT_YEAR, _YEARLY
    value: Any = None
    approx: bool = False  # typed as approximate (`1500余`)
    notes: tuple = ()  # (severity, reason, action, code, value shown) to say at the row
    mark: str = ""  # a convention used (`/` as empty), said once per sheet with a count


@dataclass(slots=True)
class _Reader:
    """How one column of a table is read: where it is, its type, and what its cells read as
    (`read`: memo key -> plain value, _SKIP or _Cell; ledgers repeat the same types, dates
    and counts thousands of times)."""

    name: str
    index: int
    header: str  # as typed, for messages
    ctype: ColumnType
    required: bool
    scale: int = 1  # the header names a multiple of the unit (`（万字）`)
    read: dict = field(default_factory=dict)


def _interpret(reader: _Reader, raw, year: int, next_year_ok: bool):
    """What a cell of this column reads as: a plain value, _SKIP, or a _Cell (see there)."""
    name, ctype = reader.name, reader.ctype
    mark = ""
    if raw.__class__ is str:
        raw = raw.strip(SPACES)
        blank = not raw
        if ctype in _NUMERIC and raw in _NONE_MARKS:
            blank, mark = True, "none"
        elif name == "缴纳标准" and raw in _EXEMPT:
            return 0  # 免缴: owes nothing this year
    else:
        blank = raw is None
    if blank:
        if reader.required:
            return _Cell(_BAD, mark=mark, notes=((ERROR, f"缺少必填内容“{name}”", "请补填，或删除这一行",
                                                   IssueCode.MISSING_VALUE, None),))
        return _Cell(_BLANK, mark=mark) if mark else _SKIP
    if ctype == _TEXT and raw.__class__ is str:
        # Already trimmed; inner line breaks, tabs, no-break spaces need clean_text. (A number
        # in a text column, `2023` or `1`, is its text: clean_text below.)
        return raw if raw.isprintable() and "  " not in raw else clean_text(raw)
    try:
        value = parse_cell(ctype, raw, year)
    except ValueError as exc:
        return _Cell(_BAD, notes=((ERROR, str(exc), ACTIONS.get(ctype, "请按 README 的说明改正"), bad_code(ctype),
                                   raw),))
    if ctype == _NUMBER:
        value, approx = value
        notes = ((WARNING, *NEGATIVE, IssueCode.NEGATIVE, raw),) if value < 0 else ()
        if reader.scale != 1:
            value = round(value * reader.scale, 6)
        return _Cell(_KEEP, value, approx, notes) if approx or notes else value
    if next_year_ok and name == "类型" and (
            value in _YEAR_OF_MEETING if value.__class__ is str
            else value.__class__ is tuple and all(v in _YEAR_OF_MEETING for v in value)):
        return _Cell(_YEARLY, value)
    if value.__class__ is Fallback:
        note = (WARNING, value.reason, value.action, value.code or unknown_code(ctype), raw)
        return _Cell(_BAD if value.exclude else _KEEP, value.value, notes=(note,))
    if ctype == _DATE and value.year != year:
        if next_year_ok and value.year == year + 1:
            return _Cell(_NEXT_YEAR, value)  # a 组织生活 row of next year: its 所属年度 decides
        return _Cell(_OUTSIDE, notes=((WARNING, f"日期不在报告年度（{year}年）内，本行不计入统计",
                                       "如果日期写错，请改正；如果是往年记录，可忽略此提示", IssueCode.OUT_OF_YEAR,
                                       value.isoformat()),))
    return value


class _Row(NamedTuple):
    """What reading a row's cells gave besides its values."""

    ok: bool  # no cell in error
    outside: bool  # a date outside the report year
    next_year: tuple | None  # (header, date) of a 组织生活 row dated next year
    approx: frozenset  # columns typed as approximate (`1500余`)
    yearly: bool = False  # a 组织生活会 / 民主评议党员: its year may be another


_CLEAN_ROW = _Row(True, False, None, _NONE)


@dataclass
class _Reading:
    """One table being read into records: its column readers and what is said once per sheet."""

    table: Table
    log: IssueLog
    year: int
    next_year_months: int
    readers: list[_Reader]
    unit_default: str  # 数量（万元） names the unit where 单位 is left blank
    kind: LedgerKind  # the table's (read per row, so kept here)
    marked: dict = field(default_factory=dict)  # conventions used (`/` as empty, `√` as paid)
    moments: dict = field(default_factory=dict)  # time_of_day per distinct date cell
    speakers: dict = field(default_factory=dict)  # 类型 as typed -> 主讲人类别 it states
    period: tuple[str, int] | None = None  # the period the sheet's name gives (第一季度)
    date_index: int | None = None  # the 日期 column, whose cell may also give a time of day
    type_index: int | None = None  # the 类型 column (组织生活: `书记讲党课` names the speaker)

    @classmethod
    def of(cls, table: Table, log: IssueLog, year: int, next_year_months: int) -> _Reading:
        kind = table.kind
        unit_default = table.units.get(table.columns.get("数量", -1), "") if "单位" in kind.required else ""
        scales = _scales(table)
        readers = [_Reader(c.name, table.columns[c.name], table.headers.get(table.columns[c.name], c.name), c.type,
                           c.required and not (c.name == "单位" and unit_default), scales.get(c.name, 1))
                   for c in kind.columns if c.name in table.columns]
        return cls(table, log, year, next_year_months, readers, unit_default, kind.name,
                   period=sheet_period(table.sheet.name), date_index=table.columns.get("日期"),
                   type_index=table.columns.get("类型"))

    def cell(self, reader: _Reader, raw):
        """What a cell reads as (memoised per column: the next row with it takes it from there)."""
        key = _memo_key(raw)
        found = reader.read.get(key, _MISSING)
        if found is _MISSING:
            found = reader.read[key] = _interpret(reader, raw, self.year, self.kind is _ACTIVITIES)
        return found


def _memo_key(raw):
    """A cell as a key of what it was read as. 1, 1.0 and True are equal keys but may read
    differently (`1` vs `1.0` as text); a text or a date equals nothing of another type (a date
    is never equal to a datetime), so it is its own key."""
    return raw if raw.__class__ is str or raw.__class__ is _DAY else (raw.__class__, raw)


_MISSING = object()


@dataclass(slots=True)
class Kept:
    """One ledger kind's records so far. A row equal to an earlier one in every key field
    (Kind.key) is the same record typed twice: counted once, the second warned about."""

    kind: LedgerKind
    records: list[Record]  # Ledgers.records of the kind, in file/sheet/row order
    fields: frozenset[str]  # what its records may hold in this run (Kind.fields_with)
    # Key fields no record of this run can hold are None in every key: leaving them out
    # changes no comparison and saves most of the work of building keys.
    key_columns: list[str]
    first: dict[tuple, Record] = field(default_factory=dict)  # key -> first record with it

    @classmethod
    def of(cls, kind: vocab.Kind, fields: frozenset[str], records: list[Record]) -> Kept:
        return cls(kind.name, records, fields, [f for f in (*kind.key, *vocab.ALWAYS_KEY) if f in fields])

    def add(self, record: Record, r: int, outcome: dict[int, RowFate], log: IssueLog) -> None:
        """Keep a record of row `r` unless an earlier one is the same; the row's fate."""
        first = self.first.setdefault(tuple(map(record.values.get, self.key_columns)), record)
        if first is record:
            self.records.append(record)
            outcome[r] = _COUNTED
            return
        # A combined activity row counts when any of its records is new; warned about once.
        fate = outcome.get(r)
        if fate is None:
            _warn_duplicate(record, first, log)
        if fate != _COUNTED:
            outcome[r] = _DUPLICATE

    def undeclared(self, values: dict) -> ContractError:
        return ContractError(f"{self.kind} record holds {sorted(values.keys() - self.fields)}, "
                             "fields not in vocab.Kind.fields: add them to Kind.derived")


def _warn_duplicate(record: Record, first: Record, log: IssueLog) -> None:
    """Say that a row repeats an earlier one in every key field (it is counted once)."""
    log.warning(record.src.file, f"与{first.src.where()}完全相同（各项内容都一样），是同一条记录，只计一次",
                "如果是旧版本文件重复放入，请删除多余的文件或行；如果确是两条记录，请写明区别（如时间、地点、参加人员）",
                sheet=record.src.sheet, row=record.src.row, code=IssueCode.DUPLICATE)


def table_records(table: Table, log: IssueLog, year: int, outcome: dict[int, RowFate], next_year_months: int,
                  kept: Kept) -> None:
    """Read the data rows into `kept`; each row's fate goes into `outcome` (计入, 重复, or why it
    yields no record: 出错, 非本年度)."""
    reading = _Reading.of(table, log, year, next_year_months)
    fast = [(reader.name, reader.index, reader.read, reader.ctype == ColumnType.TEXT) for reader in reading.readers]
    width = max((reader.index for reader in reading.readers), default=-1) + 1
    rows = table.sheet.rows
    bad_rows = {r for r, _ in table.sheet.bad_cells}  # formula cells without a value
    kind, file, name = reading.kind, table.sheet.file, table.sheet.name
    fields, add, new = kept.fields, kept.add, tuple.__new__
    data_rows = table.data_rows
    if kind is _ACTIVITIES and (remarks := table.columns.get("备注")) is not None:
        not_held = _not_held(table, remarks, log, outcome)
        if not_held:
            data_rows = [r for r in data_rows if r not in not_held]
    for r in data_rows:
        row = rows[r]
        values = _read_memoised(row, fast) if len(row) >= width and r not in bad_rows else None
        state = _CLEAN_ROW
        if values is None:
            values, state = _read_cells(reading, r, row)
        read = len(values)  # every key so far is a column of the kind
        fate = _settle_row(reading, r, row, values, state)
        if fate is not None:
            outcome[r] = fate
            continue
        if len(values) != read and not values.keys() <= fields:
            raise kept.undeclared(values)  # settling set a field the kind does not declare
        if kind is _DUES_WIDE or (kind is _ACTIVITIES and values["类型"].__class__ is tuple):
            for record in _records_of(reading, r, values, state.approx):
                add(record, r, outcome, log)
        else:
            # Source made as the tuple it is: NamedTuple's own __new__ is Python code.
            add(Record(kind, values, new(Source, (file, name, r + 1)), state.approx), r, outcome, log)
    _say_marks(reading.marked, log, table.sheet)


_NOT_HELD = re.compile("|".join(vocab.NOT_HELD_WORDS))
_HELD_ANYWAY = re.compile("|".join(vocab.HELD_ANYWAY_WORDS))


def _not_held(table: Table, index: int, log: IssueLog, outcome: dict[int, RowFate]) -> set[int]:
    """Rows whose 备注 says the activity was cancelled or put off (取消, 延期至…): not held on
    that day, so not counted; each is named. One search of the column, not a cost per cell."""
    rows = table.sheet.rows
    search = _NOT_HELD.search
    found = set()
    for r in table.data_rows:
        row = rows[r]
        remark = row[index] if index < len(row) else ""
        said = search(remark) if isinstance(remark, str) else None
        if said is not None and not _HELD_ANYWAY.search(remark):
            found.add(r)
            outcome[r] = RowFate.NOT_HELD
            word = said.group(0)
            log.warning(table.sheet.file, f"备注写明“{word}”，这次活动按未召开处理，不计入统计",
                        "如果活动已经召开（日期是实际召开的日期），请在备注中写明“已召开”",
                        sheet=table.sheet.name, row=r + 1, column=table.headers.get(index, "备注"),
                        value=remark.strip(SPACES), code=IssueCode.NOT_HELD)
    return found


def _read_memoised(row: list, fast: list[tuple[str, int, dict, bool]]) -> dict | None:
    """The row's values when every cell is one its column has read before as a plain value (or
    blank), or free text that needs no cleaning; None sends the row to _read_cells. This is the
    path nearly every row takes, so it is kept to a dictionary lookup per cell."""
    values: dict = {}
    for name, index, read, text in fast:
        raw = row[index]
        cls = raw.__class__
        # Free text is kept as typed when it needs no trimming or cleaning (every space but the
        # ordinary one is unprintable; strip returns the very string when it strips nothing).
        if text and cls is str and raw and raw.isprintable() and raw.strip(" ") is raw and "  " not in raw:
            values[name] = raw
            continue
        value = read.get(raw if cls is str or cls is _DAY else (cls, raw), _MISSING)  # _memo_key, inlined
        if value is _SKIP:
            continue
        if value is _MISSING or value.__class__ is _Cell:
            return None
        values[name] = value
    return values


def _read_cells(reading: _Reading, r: int, row: list) -> tuple[dict, _Row]:
    """Read a row cell by cell, saying what each cell needs said at this row."""
    table, log = reading.table, reading.log
    sheet = table.sheet
    values: dict = {}
    ok, outside, next_year, yearly = True, False, None, False
    approx: set[str] = set()
    for reader in reading.readers:
        index, header = reader.index, reader.header
        raw = row[index] if index < len(row) else ""
        if (r, index) in sheet.bad_cells:
            # A 合计 column is only cross-checked: its bad cell is a warning.
            bad_cell(log, sheet, r, index, header, sheet.bad_cells[(r, index)], warn=reader.name in _CHECK_ONLY)
            ok = ok and reader.name in _CHECK_ONLY
            continue
        got = reading.cell(reader, raw)
        if got is _SKIP:
            continue
        if got.__class__ is not _Cell:
            values[reader.name] = got
            continue
        for severity, reason, action, code, shown in got.notes:
            log.add(severity, sheet.file, reason, action, sheet=sheet.name, row=r + 1, column=header,
                    value=shown, code=code)
        if got.mark:
            reading.marked.setdefault(got.mark, []).append((r + 1, header, raw.strip(SPACES)))
        if got.approx:
            approx.add(reader.name)
        if got.fate == _BAD:
            ok = False
        elif got.fate == _OUTSIDE:
            outside = True
        elif got.fate in (_KEEP, _NEXT_YEAR, _YEARLY):
            values[reader.name] = got.value
            if got.fate == _NEXT_YEAR:
                next_year = (header, got.value)
            elif got.fate == _YEARLY:
                yearly = True
    return values, _Row(ok, outside, next_year, frozenset(approx) if approx else _NONE, yearly)


def _settle_row(reading: _Reading, r: int, row: list, values: dict, state: _Row) -> RowFate | None:
    """Complete a row's values from the sheet and its other columns (period, time of day,
    membership, unit, adoption, dues months); the row's fate when it yields no record."""
    if state is not _CLEAN_ROW:
        if not state.ok:
            return _FAILED
        if state.outside:
            return _OUT_OF_YEAR
    kind = reading.kind
    if kind is _ACTIVITIES and (state.yearly or state.next_year is not None or "所属年度" in values):
        if other_year(values, state.next_year, reading.year, reading.next_year_months, reading.log,
                      reading.table.sheet, r):
            return _OUT_OF_YEAR
    if period := reading.period:
        values["期间"] = period
        if kind is _STUDY and "季度" not in reading.table.columns and period[0] == "季度":
            values["季度"] = period[1]  # quarterly sheets: the sheet names the quarter
    date_index = reading.date_index
    # A date cell holds no time of day; a datetime or text may (`2023-03-05 14:30`, `下午`).
    if date_index is not None and date_index < len(row) and (cell := row[date_index]).__class__ is not _DAY:
        key = _memo_key(cell)
        moment = reading.moments.get(key)
        if moment is None:
            moment = reading.moments[key] = time_of_day(cell)
        if moment:
            values["时刻"] = moment
    if kind is _ACTIVITIES:
        if "主讲人类别" not in values and reading.type_index is not None:  # 类型 is required: never None
            raw_type = row[reading.type_index]
            if (implied := reading.speakers.get(raw_type, False)) is False:
                implied = reading.speakers[raw_type] = implied_speaker(raw_type)
            if implied:
                values["主讲人类别"] = implied  # 书记讲党课 says who spoke
    elif (fate := _settle_kind(reading, r, row, values)) is not None:
        return fate
    if reading.unit_default and not values.get("单位"):
        values["单位"] = reading.unit_default
    return None


def _settle_kind(reading: _Reading, r: int, row: list, values: dict) -> RowFate | None:
    """Settling a row of the kinds with more to it: membership changes (党员名册), adoption
    (信息报送), the months paid (党费); the row's fate when it yields no record."""
    table, log, year, kind = reading.table, reading.log, reading.year, reading.kind
    sheet = table.sheet
    if kind is _ROSTER:
        membership_change(values, log, sheet, r, table, year)
    elif kind is _SUBMISSIONS:
        adoption(values, log, sheet, r, table)
    elif kind is _DUES_WIDE:
        src = Source(sheet.file, sheet.name, r + 1)
        values["各月"] = dues_months(table, row, r, values, src, log, year, reading.marked)
        if values["各月"] is None:
            return _FAILED
        values["月份"] = tuple(sorted(values["各月"].items()))  # the facts: (month, amount)
        values["列月份"] = frozenset(m for y, m in table.months.values() if y in (None, year))
    elif kind is _DUES_LONG and not pay_month_in_year(values, Source(sheet.file, sheet.name, r + 1),
                                                      log, year, table):
        return _OUT_OF_YEAR
    return None


def _records_of(reading: _Reading, r: int, values: dict, approx: frozenset) -> list[Record]:
    """The records of a settled row of a combined activity or of 党费 by month."""
    table = reading.table
    kind = reading.kind
    src = Source(table.sheet.file, table.sheet.name, r + 1)
    if kind is _ACTIVITIES:
        # A combined activity (`主题党日暨党课`) counts once for each of its types.
        return [Record(kind, {**values, "类型": activity}, src, approx) for activity in values["类型"]]
    # The cell of each month, for messages that name it (`E5`).
    cells = {m: f"{column_letter(i)}{r + 1}" for i, (_, m) in table.months.items()}
    columns = {m: i for i, (_, m) in table.months.items()}
    return [Record(kind, values, src, approx, cells, columns)]


_MARK_NOTES = {
    "none": ("按空白（未缴、未填）处理", "如果不是这个意思，请填写数字", IssueCode.MARK_NONE),
    "paid": ("表示已缴，按该党员的缴纳标准计金额", "如果实缴金额不同，请填写金额", IssueCode.MARK_PAID),
}


def _say_marks(marked: dict, log: IssueLog, sheet) -> None:
    """One warning per convention used in a sheet, with how many cells and where the first is."""
    for kind, cells in marked.items():
        row, header, raw = cells[0]
        reason, action, code = _MARK_NOTES[kind]
        values = "、".join(dict.fromkeys(f"“{c[2]}”" for c in cells))
        log.warning(sheet.file, f"共 {len(cells)} 个数字单元格写的是{values}，{reason}（第一个在第{row}行）",
                    action, sheet=sheet.name, row=row, column=header, code=code)
