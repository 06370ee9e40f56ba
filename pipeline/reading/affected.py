"""The ledger rows that issues point at, kept from ingest so that 校验报告.xlsx never opens an
input file again, and the column index of every row-level issue as data.

`collect` runs once at the end of a branch's analysis, while the sheets read by ingest are still
in memory; it keeps only the affected rows, not the sheets.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pipeline.core import vocab
from pipeline.core.issues import INFO, Issue, IssueLog
from pipeline.core.names import IssueCode, LedgerKind
from pipeline.core.values import is_blank, norm_header
from pipeline.reading.ingest import Table
from pipeline.reading.readers import Sheet

# Issues about a whole sheet (their row is the header row): listed, not copied.
SHEET_LEVEL = {IssueCode.AMBIGUOUS_SHEET, IssueCode.UNKNOWN_COLUMNS, IssueCode.UNKNOWN_SHEET, IssueCode.OUT_OF_YEAR_SHEET}


@dataclass
class AffectedSheet:
    """The rows of one input sheet that issues point at, as read, with their issues."""

    file: str
    sheet: str
    headers: dict[int, str] = field(default_factory=dict)  # 0-based column -> header as typed
    rows: dict[int, list] = field(default_factory=dict)  # Excel row -> cells as read ([] if gone)
    issues: dict[int, list[Issue]] = field(default_factory=dict)  # Excel row -> its issues, in order


def collect(log: IssueLog, sheets: list[Sheet], tables: list[Table]) -> list[AffectedSheet]:
    """Group row-level issues by (file, sheet) in the order found, copy their rows, and give
    each issue without one the 0-based index of its cell (log.items is updated in place)."""
    by_sheet = {(s.file, s.name): s for s in sheets}
    by_table = {(t.sheet.file, t.sheet.name): t for t in tables}
    groups: dict[tuple[str, str], AffectedSheet] = {}
    for n, issue in enumerate(log.items):
        row = issue.row
        if not (issue.sheet and row) or issue.code in SHEET_LEVEL or issue.severity == INFO:
            continue  # a whole-sheet issue, or a note that needs no correcting
        key = (issue.file, issue.sheet)
        group = groups.get(key)
        if group is None:
            table = by_table.get(key)
            group = groups[key] = AffectedSheet(issue.file, issue.sheet, dict(table.headers) if table else {})
        sheet = by_sheet.get(key)
        if row not in group.rows:
            group.rows[row] = list(sheet.rows[row - 1]) if sheet is not None and row <= len(sheet.rows) else []
        if issue.col is None and issue.column:
            col = _column_index(issue.column, by_table.get(key), group.rows[row])
            if col is not None:
                issue = log.items[n] = replace(issue, col=col)
        group.issues.setdefault(row, []).append(issue)
    return list(groups.values())


def _column_index(column: str, table: Table | None, row: list) -> int | None:
    """0-based index of the cell named by an issue's column header, or None (the whole row)."""
    if table is None:
        return None
    if table.pairs:  # 基本信息: the value right of its label
        kind = vocab.KIND_BY_NAME[LedgerKind.INFO]
        names = next(({norm_header(s) for s in (c.name, *c.synonyms)} for c in kind.columns if c.name == column),
                     {norm_header(column)})
        for index, value in enumerate(row):
            if not is_blank(value) and norm_header(value) in names:
                after = [i for i in range(index + 1, len(row)) if not is_blank(row[i])]
                return after[0] if after else index + 1
        return None
    for index, typed in table.headers.items():
        if typed == column:
            return index
    return table.columns.get(column)
