"""Year: which year a table's rows, names and titles speak of (the report year when none is
given), and the branch's 基本信息 (read before the ledgers, since it may name the year)."""

from __future__ import annotations

import re
from collections import Counter

from pipeline.core import vocab
from pipeline.core.issues import IssueLog
from pipeline.core.names import ColumnType, IssueCode, LedgerKind
from pipeline.core.values import is_blank, parse_date
from pipeline.reading.branches import same_branch
from pipeline.reading.cells import parse_cell
from pipeline.reading.ingest import Table
from pipeline.reading.records import FOLDER, Source

_EVENT_DATE_COLUMNS = {(k.name, c.name) for k in vocab.KINDS for c in k.columns if c.type == ColumnType.DATE}


def table_years(table: Table) -> Counter:
    """Years written out in a table's dated cells: event dates (a year-less `6月3日` says no
    year), wide dues month headers (`2023年1月`) and 逐笔 dues months (`2023年1月`)."""
    years: Counter = Counter()
    rows = table.sheet.rows
    columns = [index for name, index in table.columns.items() if (table.kind.name, name) in _EVENT_DATE_COLUMNS]
    if table.kind.name == LedgerKind.DUES_LONG and "月份" in table.columns:
        columns.append(table.columns["月份"])
    for index in columns:
        # Dates repeat: count each distinct cell once (Counter runs in C), parse it once.
        cells = Counter([row[index] for row in map(rows.__getitem__, table.data_rows) if index < len(row)])
        for raw, n in cells.items():
            if is_blank(raw):
                continue
            found_year: int | None
            try:
                found_year = parse_date(raw, None).year
            except ValueError:
                found = _YEAR_IN_TEXT.search(raw) if isinstance(raw, str) else None
                found_year = int(found.group(1)) if found else None
            if found_year is not None:
                years[found_year] += n
    for col_year, _ in table.months.values():
        if col_year is not None:
            years[col_year] += len(table.data_rows)
    return years


_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")


def name_year(table: Table) -> int | None:
    """A year named in the file name, sheet name or title rows (`2022年度党费收缴台账`)."""
    texts = [table.sheet.file, table.sheet.name]
    first = min(table.data_rows) if table.data_rows else 0
    headers = set(table.headers.values())
    for row in table.sheet.rows[:first]:
        texts += [str(v) for v in row if isinstance(v, str) and v.strip() and v.strip() not in headers]
    for text in texts:
        found = _YEAR_IN_TEXT.search(text)
        if found:
            return int(found.group(1))
    return None


def dated_years(tables: list[Table]) -> Counter:
    """Dated rows per year over every ledger (基本信息 aside)."""
    years: Counter = Counter()
    for table in tables:
        if table.kind.name != LedgerKind.INFO:
            years.update(table_years(table))
    return years


def guess_year(tables: list[Table]) -> int | None:
    """The year most dated rows fall in, for runs with no --year and no 基本信息 year."""
    years = dated_years(tables)
    if not years:
        return None
    return min(years.items(), key=lambda kv: (-kv[1], -kv[0]))[0]


def read_info(tables: list[Table], log: IssueLog, year: int | None = None,
              others: dict[str, str] | None = None) -> tuple[dict, dict]:
    """基本信息 values (first seen wins; a conflicting second value is a warning). A 基本信息
    naming another branch is not read: its file goes into `others` (file -> that branch's name)."""
    info: dict = {}
    sources: dict = {}
    kind = vocab.KIND_BY_NAME[LedgerKind.INFO]
    ours = _our_branch(tables)
    for table in (t for t in tables if t.kind.name == LedgerKind.INFO):
        sheet = table.sheet
        named = _branch_named(table)
        if named is not None and ours is not None and not same_branch(named, ours):
            if others is not None:
                others.setdefault(sheet.file, named)
            continue
        for r, name, raw in table.pairs:
            src = Source(sheet.file, sheet.name, r + 1)
            if is_blank(raw):
                continue
            try:
                value = parse_cell(kind.column(name).type, raw, year)
                if name == "年度" and not 1949 <= value <= 2100:
                    raise ValueError("不是有效的年度")
            except ValueError as exc:
                log.error(sheet.file, str(exc), "请按 README 的说明改正", sheet=sheet.name, row=r + 1,
                          column=name, value=raw, code=IssueCode.BAD_VALUE)
                continue
            if name in info and info[name] != value:
                log.warning(sheet.file, f"与{sources[name].where()}的“{name}”不一致：采用那里的“{_show_info(info[name])}”，"
                            f"本行的“{_show_info(value)}”未采用",
                            "请统一各文件中的基本信息", sheet=sheet.name, row=r + 1, column=name,
                            value=raw, code=IssueCode.INFO_CONFLICT)
                continue
            info.setdefault(name, value)
            sources.setdefault(name, src)
    tables = [t for t in tables if t.kind.name == LedgerKind.INFO]
    if not tables:
        log.warning(FOLDER, "没有找到“基本信息”表，报告中不会出现支部名称，谈心谈话检查也无法排除书记本人",
                    "请加一张名为“基本信息”的工作表：左列写“党支部名称”“支部书记”“年度”，右列写内容",
                    code=IssueCode.NO_INFO)
    else:
        for required in (r for r in kind.required if r not in info):
            log.error(tables[0].sheet.file, f"基本信息缺少“{required}”", f"请在基本信息表中补填“{required}”",
                      sheet=tables[0].sheet.name, code=IssueCode.MISSING_VALUE)
    return info, sources


def _branch_named(table: Table) -> str | None:
    return next((" ".join(str(raw).split()) for _, name, raw in table.pairs
                 if name == "党支部名称" and not is_blank(raw)), None)


def _our_branch(tables: list[Table]) -> str | None:
    """The branch this folder is, when two 基本信息 name different ones: the one whose files hold
    more ledgers (then the first); the other's files are named as another branch's."""
    files = Counter(t.sheet.file for t in tables if t.kind.name != LedgerKind.INFO)
    named: list[tuple[str, int]] = []  # (name, ledgers in the files of its 基本信息)
    for table in (t for t in tables if t.kind.name == LedgerKind.INFO):
        name = _branch_named(table)
        if name is None:
            continue
        for i, (seen, count) in enumerate(named):
            if same_branch(seen, name):
                named[i] = (seen, count + files[table.sheet.file])
                break
        else:
            named.append((name, files[table.sheet.file]))
    return max(named, key=lambda item: item[1])[0] if named else None


def _show_info(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
