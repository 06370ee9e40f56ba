"""Ingest: files -> sheets -> recognised ledger tables (by header row, never by name alone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core import vocab
from pipeline.core.issues import IssueLog
from pipeline.core.limits import DEFAULT, Limits
from pipeline.core.names import IssueCode, LedgerKind
from pipeline.core.values import (
    has_content,
    header_text,
    header_unit,
    is_blank,
    month_of_header,
    no_spaces,
    norm_header,
    norm_key,
    printable,
)
from pipeline.reading.pairs import due_columns
from pipeline.reading.readers import Sheet, is_spreadsheet, list_input_files, read_file, too_large
from pipeline.reading.totals import TOTAL_HINT, is_totals_row

# kind name -> {normalised synonym -> canonical column}
_LOOKUP: dict[str, dict[str, str]] = {
    kind.name: {norm_header(s): col.name for col in kind.columns for s in (col.name, *col.synonyms)}
    for kind in vocab.KINDS
}
_IGNORED = {norm_header(h) for h in vocab.IGNORED_HEADERS}
_INFO = vocab.KIND_BY_NAME[LedgerKind.INFO]
_TABLE_KINDS = [k for k in vocab.KINDS if k.name != LedgerKind.INFO]


@dataclass
class Table:
    """A sheet recognised as one ledger kind, with its data rows located."""

    kind: vocab.Kind
    sheet: Sheet
    columns: dict[str, int]  # canonical column -> 0-based index
    headers: dict[int, str]  # 0-based index -> header as typed (for messages)
    data_rows: list[int] = field(default_factory=list)  # 0-based indexes of rows holding data
    months: dict[int, tuple[int | None, int]] = field(default_factory=dict)  # dues wide: col -> (year, month)
    pairs: list[tuple[int, str, object]] = field(default_factory=list)  # 基本信息: (row, column, value)
    units: dict[int, str] = field(default_factory=dict)  # 0-based index -> unit named in its header
    # Row accounting (0-based indexes): every row below the header with content in a read
    # column is in exactly one of data_rows, totals, examples; headings and repeated header
    # rows (not data) are in `skipped`.
    header_row: int = 0
    totals: list[int] = field(default_factory=list)
    examples: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


@dataclass
class Ingested:
    tables: list[Table]
    files: list[str]
    sheets: list[Sheet] = field(default_factory=list)  # every sheet read, recognised or not


def ingest(folder: Path, log: IssueLog, limits: Limits = DEFAULT) -> Ingested:
    """Read every file of one branch folder and recognise its sheets.

    The size limits are checked for every file before any file is read: a workbook too large
    to read is said first, by name, with its size and the limit."""
    tables: list[Table] = []
    files: list[str] = []
    sheets: list[Sheet] = []
    paths = list_input_files(folder)
    refused = {path for path in paths if is_spreadsheet(path) and too_large(path, path.name, log, limits)}
    for path in paths:
        display = printable(path.name)
        if is_spreadsheet(path):
            files.append(display)
        if path in refused:
            continue
        for sheet in read_file(path, display, log, limits, sized=True):
            sheets.append(sheet)
            table = recognise(sheet, log)
            if table is not None:
                tables.append(table)
                _say_hidden(table, log)
    return Ingested(tables, files, sheets)


def _say_hidden(table: Table, log: IssueLog) -> None:
    """Hidden sheets and rows are data like any other: read, and listed so a secretary who hid
    a superseded sheet or rows sees they were counted."""
    sheet = table.sheet
    if not sheet.hidden and not sheet.hidden_rows:
        return
    rows = sorted({r for r, _, _ in table.pairs} if table.pairs else table.data_rows)
    if sheet.hidden and rows:
        log.info(sheet.file, "这是隐藏的工作表，其中的内容已与其他工作表一样读取和统计（隐藏不等于删除）",
                 "如果这是作废的旧表，请删除该工作表或移出文件", sheet=sheet.name, code=IssueCode.HIDDEN_SHEET)
    hidden = [r for r in rows if r in sheet.hidden_rows]
    start = 0
    for i in range(1, len(hidden) + 1):
        if i < len(hidden) and hidden[i] == hidden[i - 1] + 1:
            continue
        first, last = hidden[start] + 1, hidden[i - 1] + 1
        what = "这一行" if first == last else f"第{first}至{last}行（共 {last - first + 1} 行）"
        log.info(sheet.file, f"{what}是隐藏的行，已与其他行一样读取和统计（隐藏不等于删除）",
                 "如果是作废的记录，请删除这些行", sheet=sheet.name, row=first, code=IssueCode.HIDDEN_ROWS)
        start = i


def _match(kind: vocab.Kind, headers: list[str]) -> tuple[dict[str, int], dict[int, tuple]]:
    lookup = _LOOKUP[kind.name]
    columns: dict[str, int] = {}
    months: dict[int, tuple] = {}
    for index, header in enumerate(headers):
        if not header or header in _IGNORED:
            continue
        name = lookup.get(header)
        if name is not None:
            columns.setdefault(name, index)
        elif kind.name == LedgerKind.DUES_WIDE and (month := month_of_header(header)):
            months[index] = month
    return columns, months


def _candidates(headers: list[str], units: list[str], sheet: Sheet):
    """(score, kind, columns, months) for every kind whose required columns are all present.

    A 单位 column may be left out when the 数量 header names the unit (`数量（万元）`).
    """
    found = []
    name = norm_key(sheet.name)
    for kind in _TABLE_KINDS:
        if any(w in name for w in kind.avoid_words):
            continue
        columns, months = _match(kind, headers)
        if len(columns) + len(months) < kind.min_columns and not _hinted(kind, sheet):
            continue
        missing = [r for r in kind.required if r not in columns]
        if missing == ["单位"] and "数量" in columns and units[columns["数量"]]:
            missing = []
        if missing:
            continue
        if kind.name == LedgerKind.DUES_WIDE and not months:
            continue
        found.append((len(columns) + len(months), kind, columns, months))
    return found


def _hinted(kind: vocab.Kind, sheet: Sheet) -> bool:
    names = norm_key(sheet.name) + "|" + norm_key(sheet.file)
    return any(h in names for h in kind.hints)


def _choose(found, sheet: Sheet, row: int, log: IssueLog):
    best = max(score for score, *_ in found)
    top = [f for f in found if f[0] == best]
    if len(top) > 1:
        hinted = [f for f in top if _hinted(f[1], sheet)]
        if len(hinted) == 1:
            return hinted[0]
        names = "、".join(f[1].name for f in top)
        log.warning(sheet.file, f"无法确定该表是哪一种台账（可能是：{names}），未读取",
                    "请在工作表名称中写明台账种类（如“信息报送台账”），或补全表头", sheet=sheet.name,
                    row=row + 1, code=IssueCode.AMBIGUOUS_SHEET)
        return None
    return top[0]


def recognise(sheet: Sheet, log: IssueLog) -> Table | None:
    """Find the header row (anywhere above the first data row) and the ledger kind it belongs to;
    then sort the rows under it into data, totals, 示例 and skipped rows."""
    if _nothing_to_read(sheet):
        return None
    scan = _HeaderScan(sheet.rows)
    header = _find_header(sheet, scan)
    if header is None:
        info = _recognise_info(sheet)  # 基本信息 is read as item/value pairs, not under a header
        if info is None:
            _unrecognised(sheet, scan.names, log)
        return info
    choice = _choose(header.found, sheet, header.row, log)
    if choice is None:
        return None
    _, kind, columns, months = choice
    if kind.name == LedgerKind.DUES_WIDE and header.row == header.top and header.row + 1 < len(sheet.rows):
        scan.upto(header.row + 1)  # 应缴 | 实缴 under each month: the row below is part of the header
        if due := due_columns(months, scan.names[header.row + 1], sheet, header.row, log):
            months = {i: m for i, m in months.items() if i not in due}
            header = _Header(header.row, header.row + 1, header.names, header.units, header.found)
    table = Table(kind, sheet, columns, _typed_headers(sheet.rows, header), months=_october(months, sheet.rows[header.row]),
                  units={i: u for i, u in enumerate(header.units) if u}, header_row=header.row)
    _warn_unknown_columns(table, header.names, log, header.row)
    _locate_rows(table, header.names)
    _warn_touched_examples(table, log)
    return table


def _nothing_to_read(sheet: Sheet) -> bool:
    """An empty sheet (Excel's default Sheet2), or the help page `init` writes into every ledger."""
    rows = sheet.rows
    if not any(not is_blank(v) for row in rows for v in row):
        return True
    return sheet.name == vocab.HELP_SHEET and str(rows[0][0] if rows[0] else "").startswith(vocab.HELP_MARKER)


class _HeaderScan:
    """The sheet's rows as normalised header names and units, made on demand (a header is
    near the top; the rows below it are never normalised)."""

    def __init__(self, rows: list[list]) -> None:
        self.rows = rows
        self.names: list[list[str]] = []
        self.units: list[list[str]] = []

    def upto(self, i: int) -> None:
        while len(self.names) <= i:
            row = self.rows[len(self.names)]
            self.names.append([norm_header(v) for v in row])
            self.units.append([header_unit(v) for v in row])


@dataclass
class _Header:
    """A header row found: where it starts (`top`, the group row of a two-row header) and ends
    (`row`), its names and units, and the ledger kinds it fits."""

    top: int
    row: int
    names: list[str]
    units: list[str]
    found: list


def _find_header(sheet: Sheet, scan: _HeaderScan) -> _Header | None:
    """The first row (or pair of rows) that holds every required column of some ledger kind;
    None when data comes before any such row, or no row within HEADER_SEARCH_ROWS has one."""
    rows = sheet.rows
    for index in range(min(len(rows), vocab.HEADER_SEARCH_ROWS)):
        scan.upto(index)
        header = _Header(index, index, scan.names[index], scan.units[index],
                         _candidates(scan.names[index], scan.units[index], sheet))
        if index + 1 < len(rows):
            header = _two_row_header(sheet, scan, header)
        if header.found:
            return header
        if _looks_like_data(rows[index]):
            return None  # data before any header: what follows is not under a header either
    return None


def _two_row_header(sheet: Sheet, scan: _HeaderScan, single: _Header) -> _Header:
    """A two-row header: group titles (人数, 主讲人, 缴纳月份) over the names below them, read
    as combined names when that fits a ledger better than the top row alone."""
    index, found = single.top, single.found
    scan.upto(index + 1)
    below, below_units, uses_top = _combined(scan.names[index], scan.names[index + 1],
                                             scan.units[index], scan.units[index + 1])
    grouped = _grouped(sheet, index, scan.names[index + 1])
    # A merged title over the header (as wide as the table, or over its first columns) adds
    # nothing: the next row is then the header on its own.
    if not (uses_top or (grouped and found)) or _title(scan.names[index], scan.names[index + 1]):
        return single
    deeper = _candidates(below, below_units, sheet)
    if deeper and (not found or max(f[0] for f in deeper) > max(f[0] for f in found)
                   or (grouped and max(f[0] for f in deeper) >= max(f[0] for f in found))):
        return _Header(index, index + 1, below, below_units, deeper)
    return single


def _typed_headers(rows: list[list], header: _Header) -> dict[int, str]:
    """Column index -> the header as typed, for messages (`人数/应到` for a two-row header)."""
    typed = {i: header_text(v) for i, v in enumerate(rows[header.row]) if not is_blank(v)}
    if header.row != header.top:
        for i, v in enumerate(rows[header.top]):
            if is_blank(v):
                continue
            group = header_text(v)
            sub = typed.get(i)
            typed[i] = group if sub is None or sub == group else f"{group}/{sub}"
    return typed


def read_columns(table: Table) -> list[int]:
    """The columns whose content makes a row a row of the ledger (0-based, ascending): every
    recognised column but a 合计 that is only cross-checked, and the month columns of wide dues."""
    return sorted({i for n, i in table.columns.items() if n not in vocab.CHECK_ONLY} | set(table.months))


def _locate_rows(table: Table, headers: list[str]) -> None:
    """Sort the rows under the header into the table's data, totals, 示例 and skipped rows."""
    columns = table.columns
    unit_columns = {i for n, i in columns.items() if n == "单位"}
    # Columns whose content alone makes no row: 序号 (often numbered ahead) and a 合计 filled down.
    passive = {i for i, h in enumerate(headers) if h in _IGNORED} | {
        i for n, i in columns.items() if n in vocab.CHECK_ONLY}
    table.data_rows, table.totals, table.examples, table.skipped = _data_rows(
        table.sheet, table.header_row + 1, read_columns(table), headers, unit_columns, passive)


def _warn_touched_examples(table: Table, log: IssueLog) -> None:
    """A 示例 row is left out; one typed over (a real record starting 示例) is said so."""
    sheet = table.sheet
    for r in table.examples:
        if not _untouched_example(table, sheet.rows[r]):
            log.warning(sheet.file, f"这一行以“{vocab.EXAMPLE_MARKER}”开头，按填写示例处理，未计入统计",
                        f"如果这是真实记录，请删去第一格中的“{vocab.EXAMPLE_MARKER}”二字", sheet=sheet.name,
                        row=r + 1, code=IssueCode.EXAMPLE_ROW)


def _unrecognised(sheet: Sheet, scanned: list[list[str]], log: IssueLog) -> None:
    """Say why a sheet with content was not read as any ledger (never a silent skip)."""
    named = [k for k in _TABLE_KINDS if _named_after(k, sheet)]
    if named:
        # A sheet named like a ledger whose header lacks a required column is not a note page:
        # dropping it would silently lose that ledger's rows.
        missing = _missing_required(named[0], scanned)
        log.error(sheet.file, f"工作表名称看起来是“{named[0].name}”，但表头中找不到必填列：{'、'.join(missing)}",
                  "请检查表头文字是否写错（可用的写法见 README 的台账说明）", sheet=sheet.name,
                  code=IssueCode.BAD_HEADER)
        return
    rows = sheet.rows
    if any(_looks_like_data(row) for row in rows):
        filled = sum(1 for row in rows if any(not is_blank(v) for v in row))
        log.warning(sheet.file, f"看起来是台账数据，但找不到可识别的表头（含必填列的一行），该表 {filled} 行内容均未读取",
                    "请在数据上方加一行表头，列名见 README 的台账说明（如“日期”“类型”“姓名”）",
                    sheet=sheet.name, code=IssueCode.UNKNOWN_SHEET)
        return
    log.warning(sheet.file, "未识别为任何一种台账（表头中找不到必填列），已跳过",
                "如果这是台账，请检查表头是否包含必填列（见 README 的台账说明）；如果是说明页，可忽略此提示",
                sheet=sheet.name, code=IssueCode.UNKNOWN_SHEET)


# Every header name some ledger kind knows, to read a two-row header's combined names.
_KNOWN = {h for lookup in _LOOKUP.values() for h in lookup}


def _combined(top: list[str], sub: list[str], top_units: list[str], sub_units: list[str]
              ) -> tuple[list[str], list[str], bool]:
    """The names of a two-row header: a group title over sub-titles reads as the combination
    the vocabularies know (主讲人 + 类别 -> 主讲人类别, 人数 + 应到 -> 应到), else the sub-title;
    a column with nothing below takes its title from the top row. Also whether the top row
    added anything (else it is a title or a note, not part of the header)."""
    names, units, uses_top = [], [], False
    group = ""  # a title centred across columns without merging sits in its first cell only
    for (up, lo), (up_unit, lo_unit) in zip(_zip_longest(top, sub), _zip_longest(top_units, sub_units)):
        units.append(lo_unit or up_unit)
        if not lo or lo == up:
            names.append(up)
            uses_top = uses_top or (bool(up) and not lo)
            group = ""
            continue
        group = up or group
        both = next((h for h in (group + lo, lo + group) if h in _KNOWN), None) if group else None
        names.append(both or lo)
        uses_top = uses_top or both is not None
    return names, units, uses_top


def _title(top: list[str], sub: list[str]) -> bool:
    """One text across the whole width of the row below (a merged title), not group titles."""
    filled = {i for i, h in enumerate(top) if h}
    return len({top[i] for i in filled}) == 1 and filled >= {i for i, h in enumerate(sub) if h}


def _grouped(sheet: Sheet, index: int, below: list[str]) -> bool:
    """Row `index` holds a group title merged across columns, with sub-titles under it."""
    return any(r0 == r1 == index and c1 > c0 and c1 < len(below)
               and len({below[c] for c in range(c0, c1 + 1) if below[c]}) == c1 - c0 + 1
               for (r0, c0), (r1, c1) in sheet.merged)


def _looks_like_data(row: list) -> bool:
    """A row of records, not a title or note: several filled cells, two of them numbers or dates."""
    filled = [v for v in row if not is_blank(v)]
    typed = sum(1 for v in filled if v.__class__ in (int, float, dt.date, dt.datetime))
    return len(filled) >= 3 and typed >= 2


def _named_after(kind: vocab.Kind, sheet: Sheet) -> bool:
    """The sheet's own name (not the file's) points to this kind."""
    return any(w in norm_key(sheet.name) for w in (kind.name, *kind.sheet_words))


def _missing_required(kind: vocab.Kind, headers: list[list[str]]) -> list[str]:
    """The required columns of `kind` missing from the header row that comes closest."""
    best = max(headers, key=lambda row: len(_match(kind, row)[0]), default=[])
    columns, months = _match(kind, best)
    missing = [r for r in kind.required if r not in columns]
    if kind.name == LedgerKind.DUES_WIDE and not months:
        missing.append("1月至12月各月的列（按季度或半年缴纳的，请分到各月，或改用逐笔台账）")
    return missing or list(kind.required)


def _october(months: dict[int, tuple], raw: list) -> dict[int, tuple]:
    """Month headers typed as numbers (2023.01 … 2023.12) store 2023.10 as 2023.1, read as
    January: when January then appears twice, the number 2023.1 is October."""
    januaries = [c for c, (_, m) in months.items() if m == 1]
    if len(januaries) == 2 and 10 not in {m for _, m in months.values()}:
        for c in januaries:
            value = raw[c] if c < len(raw) else None
            if isinstance(value, float) and repr(value).endswith(".1"):
                return {**months, c: (months[c][0], 10)}
    return months


def _zip_longest(a: list[str], b: list[str]):
    n = max(len(a), len(b))
    return [(a[i] if i < len(a) else "", b[i] if i < len(b) else "") for i in range(n)]


def _warn_unknown_columns(table: Table, headers: list[str], log: IssueLog, header_row: int) -> None:
    used = set(table.columns.values()) | set(table.months)
    if table.kind.name == LedgerKind.DUES_WIDE:
        used |= {i for i, h in enumerate(headers) if h in _LOOKUP[LedgerKind.DUES_WIDE]}
    unknown = [table.headers.get(i, h) for i, h in enumerate(headers)
               if h and h not in _IGNORED and i not in used]
    if unknown:
        log.warning(table.sheet.file, f"以下列不属于“{table.kind.name}”的识别范围，未参与统计：{'、'.join(unknown)}",
                    "如果这些列有需要统计的内容，请把表头改为 README 中列出的名称", sheet=table.sheet.name,
                    row=header_row + 1, code=IssueCode.UNKNOWN_COLUMNS)


def _data_rows(sheet: Sheet, start: int, columns: list[int], headers: list[str],
               unit_columns: AbstractSet[int] = frozenset(), passive: AbstractSet[int] = frozenset()
               ) -> tuple[list[int], list[int], list[int], list[int]]:
    """Rows after the header with content in a read column, sorted into data rows, totals rows
    and 示例 rows; and the rows that are not data (a section heading, the header pasted again,
    content only in columns the ledger does not read, such as a note beside the table).

    Blank rows, and rows with nothing but a 序号 or a 合计 filled down (`passive`), are not
    rows of the ledger.
    """
    out, totals, examples, skipped = [], [], [], []
    rows = sheet.rows
    for index in range(start, len(rows)):
        row = rows[index]
        width = len(row)
        if not has_content(row, columns):
            if any(c not in passive and not is_blank(v) for c, v in enumerate(row)):
                skipped.append(index)  # content only outside the read columns
            continue
        if row[0].__class__ in (int, float) and width > 1 and row[1] != "":
            # The usual 序号 + value: never a heading or a repeated header, and a totals row only
            # when that value is its label (the cheap tests first: most rows are data).
            second = row[1]
            if second.__class__ is str and TOTAL_HINT.search(second) and is_totals_row(row, unit_columns):
                totals.append(index)
            else:
                out.append(index)
            continue
        if _heading_or_header(row, headers):
            skipped.append(index)
            continue
        first, _ = _leading(row)
        if first.__class__ is str and no_spaces(first).startswith(vocab.EXAMPLE_MARKER):
            examples.append(index)
        elif is_totals_row(row, unit_columns):
            totals.append(index)
        else:
            out.append(index)
    return out, totals, examples, skipped


def _heading_or_header(row: list, headers: list[str]) -> bool:
    """A merged section heading (`一、第一季度` across the row) or the header pasted again."""
    filled = [v for v in row if not is_blank(v)]
    if len(filled) >= 3 and len({str(v) for v in filled}) == 1 and filled[0].__class__ is str:
        return True
    texts = [norm_header(v) for v in row]
    wanted = [h for h in headers if h]
    return len(wanted) >= 2 and sum(1 for t in texts if t and t in wanted) >= max(2, len(wanted) - 1)


def _untouched_example(table: Table, row: list) -> bool:
    """Whether a 示例 row still holds the example `init` wrote (else it was typed over)."""
    example = vocab.EXAMPLES.get(table.kind.name)
    if example is None:
        return False
    month_columns = {f"{m}月": i for i, (_, m) in table.months.items()}
    for name, expected in example.items():
        index = table.columns.get(name, month_columns.get(name))
        if index is None:
            continue
        raw = row[index] if index < len(row) else ""
        if isinstance(expected, tuple):
            same = isinstance(raw, dt.date) and (raw.month, raw.day) == expected
        elif isinstance(expected, (int, float)):
            same = isinstance(raw, (int, float)) and float(raw) == expected
        else:
            same = str(raw).strip() == expected
        if not same:
            return False
    return True


def _leading(row: list) -> tuple[object, object]:
    """The first two filled cells of a row ("" where missing)."""
    found = []
    for value in row:
        if value == "" or value is None or (value.__class__ is str and is_blank(value)):
            continue
        found.append(value)
        if len(found) == 2:
            return found[0], found[1]
    found += ["", ""]
    return found[0], found[1]


_INFO_LOOKUP = _LOOKUP[LedgerKind.INFO]


def _recognise_info(sheet: Sheet) -> Table | None:
    """基本信息 as label/value pairs (label in one cell, value in the next) or as a table."""
    pairs: list[tuple[int, str, object]] = []
    for r, row in enumerate(sheet.rows[:60]):
        cells = [(c, v) for c, v in enumerate(row) if not is_blank(v)]
        labels = [(c, _INFO_LOOKUP.get(norm_header(v))) for c, v in cells]
        named = [(c, n) for c, n in labels if n]
        if len(named) >= 2 and len(named) == len(cells) and r + 1 < len(sheet.rows):
            # Table form: a row of labels only, values in the row below.
            below = sheet.rows[r + 1]
            pairs = [(r + 1, n, below[c] if c < len(below) else "") for c, n in named]
            break
        # Label/value form, possibly several pairs along a row (党支部名称|X|支部书记|Y).
        position = 0
        while position < len(labels):
            name = labels[position][1]
            if name and position + 1 < len(cells) and not labels[position + 1][1]:
                pairs.append((r, name, cells[position + 1][1]))
                position += 2
            else:
                position += 1
    names = {n for _, n, _ in pairs}
    if not all(req in names for req in _INFO.required) and not _hinted(_INFO, sheet):
        return None
    if not pairs:
        return None
    return Table(_INFO, sheet, {}, {}, pairs=pairs)
