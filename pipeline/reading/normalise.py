"""Normalise: recognised tables -> typed records of the report year, de-duplicated.

Every cell goes through the parser of its column type (vocab.Column.type). A value that
cannot be read is a row error and the row stays out of the figures; nothing is guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pipeline.core import vocab
from pipeline.core.errors import ContractError
from pipeline.core.issues import ERROR, WARNING, IssueLog
from pipeline.core.names import ColumnType, IssueCode, LedgerKind, bad_code, unknown_code
from pipeline.core.values import (
    SPACES,
    UNIT_SCALES,
    clean_name,
    clean_text,
    half_width,
    has_content,
    is_blank,
    norm_key,
    parse_date,
    parse_int,
    parse_month,
    parse_number,
    parse_pay_month,
    parse_quarter,
    split_names,
)
from pipeline.reading.ingest import Table, read_columns
from pipeline.reading.readers import column_letter

# Issues about the folder as a whole rather than one file.
FOLDER = "（输入文件夹）"
_FORMULA_REASON = "单元格是公式但没有计算结果（文件可能由程序生成、未在 Excel/WPS 中保存过）"
_FORMULA_ACTION = "请用 Excel/WPS 打开该文件、保存后再运行，或把公式改为数值"
_CHECK_ONLY = vocab.CHECK_ONLY
# Members of the kinds the per-row code tells apart. On Python 3.11 `LedgerKind.X` goes through
# the enum class's __getattr__ (ten times a name lookup), which per row adds up.
_ACTIVITIES, _ROSTER, _STUDY, _SUBMISSIONS = (LedgerKind.ACTIVITIES, LedgerKind.ROSTER, LedgerKind.STUDY,
                                              LedgerKind.SUBMISSIONS)
_DUES_WIDE, _DUES_LONG = LedgerKind.DUES_WIDE, LedgerKind.DUES_LONG
_TEXT, _NUMBER, _DATE = ColumnType.TEXT, ColumnType.NUMBER, ColumnType.DATE
_DAY = dt.date


def _adoption(values: dict, log: IssueLog, sheet, r: int, table: Table) -> None:
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


_NEGATIVE = ("是负数", "请核对；如果是退还或冲销，请在备注中说明")


def _warn_negative(log: IssueLog, file: str, sheet: str, row: int, header: str, raw) -> None:
    log.warning(file, *_NEGATIVE, sheet=sheet, row=row, column=header, value=raw, code=IssueCode.NEGATIVE)


def _bad_cell(log: IssueLog, sheet, r: int, index: int, header: str, error: str, warn: bool = False) -> None:
    """A formula cell with no value or an error value: never read as blank."""
    where = dict(sheet=sheet.name, row=r + 1, column=f"{header}（{column_letter(index)}{r + 1}）", col=index)
    if error:
        reason, action, code = (f"单元格是公式计算出的错误值 {error}", "请在 Excel/WPS 中改正该公式，或改为数值",
                                IssueCode.FORMULA_ERROR)
    else:
        reason, action, code = _FORMULA_REASON, _FORMULA_ACTION, IssueCode.FORMULA_NO_VALUE
    if warn:
        log.warning(sheet.file, reason + "，无法核对合计", action, code=code, **where)
    else:
        log.error(sheet.file, reason, action, code=code, **where)


class Source(NamedTuple):
    """Where a record came from, as a reviewer finds it in Excel (sorts by file, sheet, row)."""

    file: str
    sheet: str
    row: int  # as Excel numbers it

    def __str__(self) -> str:
        return f"{self.file} / {self.sheet} / {self.row}"

    def where(self) -> str:
        return f"{self.file}「{self.sheet}」第{self.row}行"


@dataclass(slots=True)
class Record:
    kind: LedgerKind
    values: dict
    src: Source
    approx: frozenset = frozenset()  # columns typed as approximate (`1500余`)
    cells: dict | None = None  # wide dues: month -> cell reference (`E5`), for messages
    columns: dict | None = None  # wide dues: month -> 0-based column index (Issue.col)

    def __getitem__(self, key: str):
        """The field's value, None when blank; a name that is no field of the kind is a defect
        (a typo would otherwise read as blank everywhere), so it raises KeyError."""
        value = self.values.get(key, _ABSENT)
        if value is _ABSENT:
            if key not in _FIELDS[self.kind]:
                raise KeyError(f"{key!r} is not a field of {self.kind} (vocab.Kind.fields)")
            return None
        return value


_ABSENT = object()
_FIELDS = {kind.name: kind.fields for kind in vocab.KINDS}


# Where a row of a ledger sheet ended up (row accounting): exactly one of these per row.
COUNTED, DUPLICATE, TOTALS, OUT_OF_YEAR, EXAMPLE, FAILED = "计入", "重复", "合计行", "非本年度", "示例", "出错"
OUTCOMES = (COUNTED, DUPLICATE, TOTALS, OUT_OF_YEAR, EXAMPLE, FAILED)


@dataclass
class Account:
    """Row accounting of one ledger sheet: 读取 = 计入 + 重复 + 合计行 + 非本年度 + 示例 + 出错.

    `skipped` (section headings, the header pasted again, content only in unread columns)
    are not rows of the ledger and not part of 读取; they are shown beside it so that nothing
    leaves the sheet unseen.
    """

    file: str
    sheet: str
    kind: str
    read: int
    counts: dict[str, int]
    skipped: int = 0

    def balanced(self) -> bool:
        return self.read == sum(self.counts.values())

    def line(self) -> str:
        """`读取 12 行 = 计入 10 + 重复 1 + 合计行 1 + 非本年度 0 + 示例 0 + 出错 0`."""
        parts = " + ".join(f"{name} {self.counts[name]}" for name in OUTCOMES)
        text = f"读取 {self.read} 行 = {parts}"
        if self.skipped:
            text += f"（另有 {self.skipped} 行不是数据：标题、分节、重复的表头或只在未识别的列中有内容）"
        return text


@dataclass
class Ledgers:
    """All records of one branch for one report year."""

    year: int
    info: dict = field(default_factory=dict)  # 基本信息 column -> value
    info_src: dict = field(default_factory=dict)  # 基本信息 column -> Source
    records: dict[LedgerKind, list[Record]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # Kinds with rows left out by errors (--keep-going): their rules cannot be judged.
    incomplete: set[LedgerKind] = field(default_factory=set)
    # Tables left out whole: undated, and their name or title names another year.
    excluded: list = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)  # row accounting, one per ledger sheet
    # Per kind, the fields its records can hold in this run (Kind.fields_with its sheets'
    # columns): a field outside it is blank in every record, without looking at them.
    fields: dict[LedgerKind, frozenset[str]] = field(default_factory=dict)
    # Indexes built once from the finished records (activities by type, rules' attendance rows).
    cache: dict = field(default_factory=dict, repr=False)

    def of(self, kind: LedgerKind) -> list[Record]:
        """The records of one ledger kind ([] when the branch has none); any name that is not a
        LedgerKind raises ValueError rather than reading as an empty ledger."""
        if kind.__class__ is not LedgerKind:
            kind = LedgerKind.of(kind)
        return self.records.get(kind, [])

    def activities(self, activity_type: str) -> list[Record]:
        """组织生活台账 records of one canonical type (indexed once; rules ask many times)."""
        return self.by_type().get(activity_type, [])

    def by_type(self) -> dict[str, list[Record]]:
        """组织生活台账 records by canonical type, in ledger order."""
        found = self.cache.get("by_type")
        if found is None:
            found = self.cache["by_type"] = {}
            dates = self.cache["dates"] = {}  # the same, their dates (日期 is required), for days()
            for record in self.of(LedgerKind.ACTIVITIES):
                values = record.values
                found.setdefault(values["类型"], []).append(record)
                dates.setdefault(values["类型"], []).append(values["日期"])
        return found

    def days(self, activity_type: str) -> Counter:
        """How many 组织生活台账 records of one type each date has. Ledgers hold thousands of
        rows on a few hundred days: counts by month, quarter and first day of the month are read
        from here rather than from every row, again for each rule."""
        found = self.cache.setdefault("days", {})
        if activity_type not in found:
            self.by_type()
            found[activity_type] = Counter(self.cache["dates"].get(activity_type, []))
        return found[activity_type]


_ACTIVITY = {norm_key(s): canon for canon, syns in vocab.ACTIVITY_TYPES.items() for s in (canon, *syns)}
_SPEAKER = {norm_key(s): canon for canon, syns in vocab.SPEAKER_CATEGORIES.items() for s in (canon, *syns)}
_CATEGORY = {norm_key(s): canon for canon, syns in vocab.MEMBER_CATEGORIES.items() for s in (canon, *syns)}
_NON_MEMBERS = {norm_key(s) for s in vocab.NON_MEMBERS}
_LEVEL = {norm_key(s): canon for canon, syns in vocab.LEVELS.items() for s in (canon, *syns)}
_PROBLEM = {norm_key(s): canon for canon, syns in vocab.PROBLEM_TYPES.items() for s in (canon, *syns)}
_SECTION = {norm_key(s): canon for canon, syns in vocab.SECTIONS.items() for s in (canon, *syns)}
_YES = {norm_key(s) for s in vocab.YES}
_NO = {norm_key(s) for s in vocab.NO}
_SPACES = SPACES
_EVENT_DATE_COLUMNS = {(k.name, c.name) for k in vocab.KINDS for c in k.columns if c.type == ColumnType.DATE}


@dataclass(frozen=True)
class _Fallback:
    """A value outside the vocabulary that is still usable: warned about, then counted as
    `value`, or, with `exclude`, kept out of the figures."""

    value: object
    reason: str
    action: str
    exclude: bool = False
    code: IssueCode | None = None  # None: unknown_code of the column type


_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_JOINERS = re.compile("|".join(re.escape(j) for j in vocab.ACTIVITY_JOINERS))


_PERIOD_PREFIX = re.compile(r"^(?:\d{4}年度?)?(?:\d{1,2}月份?|第?[一二三四1-4]季度|[上下]半年)")


def _parse_activity(raw):
    """Canonical type, a tuple of types for combined activities, or 其他 with a warning."""
    key = norm_key(raw)
    if key in _ACTIVITY:
        return _ACTIVITY[key]
    bare = _PERIOD_PREFIX.sub("", _BRACKETS.sub("", key))  # `支委会（扩大）`, `3月份支委会`
    if bare in _ACTIVITY:
        return _ACTIVITY[bare]
    parts = [_ACTIVITY.get(p) for p in _JOINERS.split(bare) if p]
    if len(parts) > 1 and all(parts):
        return tuple(dict.fromkeys(parts))
    if key == norm_key(vocab.OTHER_ACTIVITY):
        return vocab.OTHER_ACTIVITY
    return _Fallback(vocab.OTHER_ACTIVITY, "不是已知的活动类型，按“其他”统计",
                     f"如属于{'、'.join(list(vocab.ACTIVITY_TYPES)[:6])}等类型，请改用标准名称")


_IMPLIED_SPEAKER = {norm_key(s): canon for canon, names in vocab.ACTIVITY_SPEAKERS.items() for s in names}


def _implied_speaker(raw) -> str | None:
    """The 主讲人类别 an activity name states (`书记讲党课`, `主题党日暨书记讲党课`), if any."""
    bare = _PERIOD_PREFIX.sub("", _BRACKETS.sub("", norm_key(raw)))
    for part in (bare, *_JOINERS.split(bare)):
        if part in _IMPLIED_SPEAKER:
            return _IMPLIED_SPEAKER[part]
    return None


def _parse_speaker(raw):
    found = _SPEAKER.get(norm_key(raw)) or _SPEAKER.get(_BRACKETS.sub("", norm_key(raw)))
    if found:
        return found
    return _Fallback(vocab.UNSPECIFIED_SPEAKER, "不是已知的主讲人类别，按“未注明”统计",
                     f"请填写{'、'.join(vocab.SPEAKER_CATEGORIES)}之一")


def _parse_category(raw):
    key = norm_key(raw)
    if key in _CATEGORY:
        return _CATEGORY[key]
    if key in _NON_MEMBERS:
        return _Fallback(None, "不是党员，不计入党员人数", "如确为党员，请把人员类别改为“正式党员”或“预备党员”",
                         exclude=True)
    raise ValueError(f"不是可识别的人员类别（可填：{'、'.join(vocab.MEMBER_CATEGORIES)}）")


def _parse_level(raw) -> tuple[str, ...]:
    """One or more adoption levels (`省、市` counts at both), each canonical."""
    levels = [_one_level(part) for part in re.split("[、,，/;；和及]", str(raw)) if part.strip()]
    return tuple(dict.fromkeys(levels))


def _one_level(raw) -> str:
    key = _BRACKETS.sub("", norm_key(raw))
    if key in _LEVEL:
        return _LEVEL[key]
    for synonym, level in sorted(_LEVEL.items(), key=lambda kv: -len(kv[0])):
        if key.startswith(synonym):  # `省级媒体`, `市委网站`
            return level
    raise ValueError(f"不是可识别的采用级别（可填：{'、'.join(vocab.LEVELS)}）")


_RECTIFY = {norm_key(s): canon for canon, syns in vocab.RECTIFY_STATUS.items() for s in (canon, *syns)}
_OPEN_DEADLINES = {norm_key(s) for s in vocab.OPEN_DEADLINES}
_BEFORE = re.compile(r"(?:月底|月末|底|末)?(?:前|以前|之前)?$")


def parse_deadline(raw, year: int | None):
    """完成时限: a day, or a month (`2022年6月底前` = its last day); `长期坚持` is no deadline (None)."""
    if norm_key(raw) in _OPEN_DEADLINES:
        return None
    try:
        return parse_date(raw, year)
    except ValueError:
        pass
    text = _BEFORE.sub("", half_width(str(raw)).strip()) if isinstance(raw, str) else raw
    y, m = parse_month(text)
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _lookup(table: dict, value, what: str, choices) -> str:
    found = table.get(norm_key(value))
    if found is None:
        raise ValueError(f"不是可识别的{what}（可填：{'、'.join(choices)}）")
    return found


def _parse_yesno(value):
    """是/否 and their synonyms; `省级采用`, `市级`, `已采用（县委办）` also say yes, and which level
    (returned as the levels tuple, for the 采用级别 column to fall back on)."""
    key = norm_key(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    bare = _BRACKETS.sub("", key)
    if bare in _YES:
        return True
    try:
        return _parse_level(bare.replace("采用", "").replace("录用", "") or "×")
    except ValueError:
        raise ValueError("应填“是”或“否”") from None


def _parse_remit(raw, year: int | None):
    """A 上缴 cell: 是/否 (or √), a date it was handed on (yes), or the amount handed on."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)  # an amount (a date cell arrives as a date, not a number)
    key = norm_key(raw)
    if key in _YES:
        return True
    if key in _NO:
        return False
    try:
        return parse_date(raw, year) and True
    except ValueError:
        pass
    try:
        return float(parse_number(raw)[0])
    except ValueError:
        raise ValueError("应填“是”“否”、上缴日期或上缴金额") from None


def is_remit_row(record: Record) -> bool:
    """A dues row recording the remittance (姓名 `上缴`, `已上缴`…), not a member's payments."""
    return str(record.values.get("姓名") or "").startswith(vocab.REMIT_ROWS)


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


def read_info(tables: list[Table], log: IssueLog, year: int | None = None) -> tuple[dict, dict]:
    """基本信息 values (first seen wins; a conflicting second value is a warning)."""
    info: dict = {}
    sources: dict = {}
    kind = vocab.KIND_BY_NAME[LedgerKind.INFO]
    for table in (t for t in tables if t.kind.name == LedgerKind.INFO):
        sheet = table.sheet
        for r, name, raw in table.pairs:
            src = Source(sheet.file, sheet.name, r + 1)
            if is_blank(raw):
                continue
            try:
                value = _parse(kind.column(name).type, raw, year)
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


def _show_info(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _maybe_october(raw, month, what: str, example: str):
    """A year-month typed into a number cell as 1975.10 is stored as 1975.1 and read as January:
    keep that reading, but say so."""
    if isinstance(raw, float) and raw > 1900 and repr(raw).endswith(".1"):
        return _Fallback(month, f"{what}存成了数字，按1月计（10月也会显示为这个数字）",
                         f"如果是10月，请把该列设为文本后写 {example}", code=IssueCode.AMBIGUOUS_MONTH)
    return month


def _parse_int(raw, year: int | None) -> int:
    text = clean_text(raw)
    for suffix in ("年度", "年", "人", "名", "次"):
        text = text.removesuffix(suffix)
    return parse_int(text)


# How each column type is read: (raw cell, report year) -> the value, a _Fallback, or ValueError.
# The approximate flag of numbers travels with the value: (number, is_approx).
_PARSERS: dict[ColumnType, Callable[[Any, int | None], Any]] = {
    ColumnType.TEXT: lambda raw, year: clean_text(raw),
    ColumnType.DATE: parse_date,
    ColumnType.ANYDATE: parse_date,
    ColumnType.MONTH: lambda raw, year: _maybe_october(raw, parse_month(raw), "年月", "1975.10"),
    ColumnType.NUMBER: lambda raw, year: parse_number(raw),
    ColumnType.INT: _parse_int,
    ColumnType.NAMES: lambda raw, year: tuple(split_names(raw)),
    ColumnType.NAME: lambda raw, year: clean_name(raw),
    ColumnType.ACTIVITY: lambda raw, year: _parse_activity(raw),
    ColumnType.SPEAKER: lambda raw, year: _parse_speaker(raw),
    ColumnType.CATEGORY: lambda raw, year: _parse_category(raw),
    ColumnType.YESNO: lambda raw, year: _parse_yesno(raw),
    ColumnType.LEVEL: lambda raw, year: _parse_level(raw),
    ColumnType.PROBLEM: lambda raw, year: _lookup(_PROBLEM, raw, "类型", vocab.PROBLEM_TYPES),
    ColumnType.QUARTER: lambda raw, year: parse_quarter(raw),
    ColumnType.SECTION: lambda raw, year: _lookup(_SECTION, raw, "板块", vocab.SECTIONS),
    ColumnType.REMIT: _parse_remit,
    ColumnType.STATUS: lambda raw, year: _parse_status(raw),
    ColumnType.RECTIFY: lambda raw, year: _lookup(_RECTIFY, raw, "完成情况", vocab.RECTIFY_STATUS),
    ColumnType.DEADLINE: parse_deadline,
    ColumnType.PAYMONTH: lambda raw, year: _maybe_october(raw, parse_pay_month(raw, year), "所属月份", "2023.10"),
}


def _parse(ctype: ColumnType, raw, year: int | None):
    """Parse one cell by its column type (_PARSERS)."""
    return _PARSERS[ctype](raw, year)


_ACTIONS: dict[ColumnType, str] = {
    ColumnType.DATE: "请写成 2023年3月5日 或 2023-03-05 这样的日期",
    ColumnType.NUMBER: "请填写数字（可带单位，如 50元、1500棵）",
    ColumnType.INT: "请填写整数",
    ColumnType.MONTH: "请写成 1975年1月 或 1975.01 这样的年月",
    ColumnType.PAYMONTH: "请写成 1月 或 2023年1月 这样的月份",
    ColumnType.QUARTER: "请写成 第一季度 或 1 至 4",
    ColumnType.YESNO: "请填写“是”或“否”",
    ColumnType.REMIT: "请填写“是”“否”、上缴日期或上缴金额",
    ColumnType.DEADLINE: "请写成 2023年6月30日、2023年6月底前 或 长期坚持",
}


def normalise(tables: list[Table], log: IssueLog, year: int, files: list[str],
              next_year_months: int = vocab.NEXT_YEAR_MONTHS) -> Ledgers:
    """Typed records of `year`, in file/sheet/row order, duplicates counted once, and the
    accounting of every row of every ledger sheet.

    A 组织生活会 or 民主评议党员 held in the first `next_year_months` months of the next year
    counts for `year` when its 所属年度 says so (and one held this year for last year does not).
    """
    info, info_src = read_info(tables, log, year)
    ledgers = Ledgers(year=year, info=info, info_src=info_src, files=files)
    kept: dict[LedgerKind, _Kept] = {}  # per kind: its records so far, duplicates left out
    possible = ledgers.fields = _possible_fields(tables)
    outcomes: list[tuple[Table, dict[int, str]]] = []
    for table in tables:
        if table.kind.name == LedgerKind.INFO:
            continue
        kind = table.kind
        other = name_year(table)
        # 任务清单 plans next year's work: `2024年工作打算` belongs in the 2023 report.
        next_year_plan = kind.name == LedgerKind.TASKS and other == year + 1
        if other is not None and other != year and not next_year_plan and not table_years(table):
            # No row of it carries a year, and its name says another one: not this year's.
            log.warning(table.sheet.file, f"这张表的名称或标题写的是{other}年，表中又没有写明年份的日期，"
                        f"不属于报告年度（{year}年），整张表不计入统计（{len(table.data_rows)}行）",
                        f"如果它就是{year}年的台账，请把名称或标题中的年份改为{year}年；"
                        f"如果要生成{other}年度的报告，请运行 make report YEAR={other}",
                        sheet=table.sheet.name, code=IssueCode.OUT_OF_YEAR_SHEET)
            ledgers.excluded.append(table)
            # Counted as 非本年度, row by row, so the sheet's accounting still balances.
            outcome: dict[int, str] = {r: OUT_OF_YEAR for r in table.data_rows}
            outcome.update((r, TOTALS) for r in table.totals)
            outcome.update((r, EXAMPLE) for r in table.examples)
            outcomes.append((table, outcome))
            continue
        if kind.name not in kept:
            kept[kind.name] = _Kept.of(kind, possible[kind.name], ledgers.records.setdefault(kind.name, []))
        logged = len(log.items)
        outcome = {r: TOTALS for r in table.totals}
        outcome.update((r, EXAMPLE) for r in table.examples)
        _table_records(table, log, year, outcome, next_year_months, kept[kind.name])
        _check_totals(table, log)
        if any(i.severity == ERROR for i in log.items[logged:]):
            ledgers.incomplete.add(kind.name)
        outcomes.append((table, outcome))
    _combine_dues(ledgers, log, {(t.sheet.file, t.sheet.name): o for t, o in outcomes})
    _check_other_items(ledgers, log, {(t.sheet.file, t.sheet.name): o for t, o in outcomes})
    ledgers.accounts = [_account(table, outcome) for table, outcome in outcomes]
    _expand_talk_targets(ledgers)
    _check_roster_names(ledgers, log)
    _warn_missing_ledgers(ledgers, log)
    return ledgers


def _possible_fields(tables: list[Table]) -> dict[LedgerKind, frozenset[str]]:
    """Per ledger kind, the fields its records can hold in this run: the columns its sheets
    have, and what normalise sets from elsewhere (vocab.Kind.derived, vocab.DERIVED)."""
    columns: dict[LedgerKind, set[str]] = {}
    for table in tables:
        columns.setdefault(table.kind.name, set()).update(table.columns)
    return {name: vocab.KIND_BY_NAME[name].fields_with(found) for name, found in columns.items()}


class AccountingError(RuntimeError):
    """A row of a ledger sheet was not accounted for exactly once: a defect, never bad input."""


def _account(table: Table, outcome: dict[int, str]) -> Account:
    """The sheet's row accounting; it must balance, or the program has lost or doubled a row."""
    sheet = table.sheet
    fates = Counter(outcome.values())
    if not fates.keys() <= set(OUTCOMES):
        raise AccountingError(f"行数核对：{sheet.file}「{sheet.name}」有行的归类不是{'、'.join(OUTCOMES)}之一："
                              f"{sorted(fates.keys() - set(OUTCOMES))}")
    counts = {name: fates[name] for name in OUTCOMES}
    skipped = set(table.skipped)
    lost = [r + 1 for r in _unaccounted(table, outcome, skipped)]
    extra = sorted(r + 1 for r in outcome if r <= table.header_row or r in skipped or r >= len(sheet.rows))
    # 读取 is every row of the ledger: those with a fate, and any found lost (then it cannot balance).
    account = Account(sheet.file, sheet.name, table.kind.name, len(outcome) + len(lost), counts, len(table.skipped))
    if lost or extra or not account.balanced():
        raise AccountingError(f"行数核对不平：{sheet.file}「{sheet.name}」{account.line()}；"
                              f"未归类的行 {lost}，多出的行 {extra}")
    return account


def _unaccounted(table: Table, outcome: dict[int, str], skipped: set[int]) -> list[int]:
    """Rows below the header with content in a column the ledger reads that got no fate and are
    not a skipped non-data row (heading, repeated header). Found from the sheet itself, not from
    how ingest sorted it, so that a row the sorting or the reading dropped stops the run. Only
    rows without a fate are tested for content: each row with one became a record or said why not."""
    columns = read_columns(table)
    rows = table.sheet.rows
    return [r for r in range(table.header_row + 1, len(rows))
            if r not in outcome and r not in skipped and has_content(rows[r], columns)]


# Ledgers that fill a whole section of the report: kept but empty, the section is empty too.
_SECTIONS = {LedgerKind.PROBLEMS: "“二、存在的主要问题及原因”", LedgerKind.TASKS: "“三、下一步工作打算”"}


def _warn_missing_ledgers(ledgers: Ledgers, log: IssueLog) -> None:
    for kinds in vocab.EXPECTED_LEDGERS:
        if kinds == (LedgerKind.INFO,):
            continue  # warned about by read_info
        if not any(k in ledgers.records for k in kinds):
            log.warning(FOLDER, f"没有找到“{kinds[0]}”，报告中与之相关的内容将略去，相关规则不作检查",
                        "如果本年度有这类记录，请把台账放进输入文件夹", code=IssueCode.MISSING_LEDGER)
        elif kinds[0] in _SECTIONS and not ledgers.of(kinds[0]):
            log.warning(FOLDER, f"“{kinds[0]}”中没有内容，报告{_SECTIONS[kinds[0]]}部分将没有内容",
                        f"请在“{kinds[0]}”中填写", code=IssueCode.MISSING_LEDGER)


def _warn_duplicate(record: Record, first: Record, log: IssueLog) -> None:
    log.warning(record.src.file, f"与{first.src.where()}完全相同（各项内容都一样），是同一条记录，只计一次",
                "如果是旧版本文件重复放入，请删除多余的文件或行；如果确是两条记录，请写明区别（如时间、地点、参加人员）",
                sheet=record.src.sheet, row=record.src.row, code=IssueCode.DUPLICATE)


_NUMERIC = (ColumnType.NUMBER, ColumnType.INT)
_NONE_MARKS = frozenset(vocab.NONE_MARKS)
_PAID = frozenset(vocab.PAID_MARKS)
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


class _Cell(NamedTuple):
    """A cell whose reading is more than a plain value: what it says and what it does to its row.

    Reading depends only on the column and what is typed, so it is worked out once per distinct
    cell of a column (_interpret); each row it appears in then says it at its own row number."""

    fate: str  # _KEEP the value, _BLANK (nothing stored), _BAD (row error), _OUTSIDE, _NEXT_YEAR
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
        raw = raw.strip(_SPACES)
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
    if ctype == _TEXT:
        # Already trimmed; inner line breaks, tabs, no-break spaces need clean_text.
        return raw if raw.isprintable() and "  " not in raw else clean_text(raw)
    try:
        value = _parse(ctype, raw, year)
    except ValueError as exc:
        return _Cell(_BAD, notes=((ERROR, str(exc), _ACTIONS.get(ctype, "请按 README 的说明改正"), bad_code(ctype),
                                   raw),))
    if ctype == _NUMBER:
        value, approx = value
        notes = ((WARNING, *_NEGATIVE, IssueCode.NEGATIVE, raw),) if value < 0 else ()
        if reader.scale != 1:
            value = round(value * reader.scale, 6)
        return _Cell(_KEEP, value, approx, notes) if approx or notes else value
    if value.__class__ is _Fallback:
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
class _Kept:
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
    def of(cls, kind: vocab.Kind, fields: frozenset[str], records: list[Record]) -> _Kept:
        return cls(kind.name, records, fields, [f for f in (*kind.key, *vocab.ALWAYS_KEY) if f in fields])

    def add(self, record: Record, r: int, outcome: dict[int, str], log: IssueLog) -> None:
        """Keep a record of row `r` unless an earlier one is the same; the row's fate."""
        first = self.first.setdefault(tuple(map(record.values.get, self.key_columns)), record)
        if first is record:
            self.records.append(record)
            outcome[r] = COUNTED
            return
        # A combined activity row counts when any of its records is new; warned about once.
        fate = outcome.get(r)
        if fate is None:
            _warn_duplicate(record, first, log)
        if fate != COUNTED:
            outcome[r] = DUPLICATE

    def undeclared(self, values: dict) -> ContractError:
        return ContractError(f"{self.kind} record holds {sorted(values.keys() - self.fields)}, "
                             "fields not in vocab.Kind.fields: add them to Kind.derived")


def _table_records(table: Table, log: IssueLog, year: int, outcome: dict[int, str], next_year_months: int,
                   kept: _Kept) -> None:
    """Read the data rows into `kept`; each row's fate goes into `outcome` (计入, 重复, or why it
    yields no record: 出错, 非本年度)."""
    reading = _Reading.of(table, log, year, next_year_months)
    fast = [(reader.name, reader.index, reader.read, reader.ctype == ColumnType.TEXT) for reader in reading.readers]
    width = max((reader.index for reader in reading.readers), default=-1) + 1
    rows = table.sheet.rows
    bad_rows = {r for r, _ in table.sheet.bad_cells}  # formula cells without a value
    kind, file, name = reading.kind, table.sheet.file, table.sheet.name
    fields, add, new = kept.fields, kept.add, tuple.__new__
    for r in table.data_rows:
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
    ok, outside, next_year = True, False, None
    approx: set[str] = set()
    for reader in reading.readers:
        index, header = reader.index, reader.header
        raw = row[index] if index < len(row) else ""
        if (r, index) in sheet.bad_cells:
            # A 合计 column is only cross-checked: its bad cell is a warning.
            _bad_cell(log, sheet, r, index, header, sheet.bad_cells[(r, index)], warn=reader.name in _CHECK_ONLY)
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
            reading.marked.setdefault(got.mark, []).append((r + 1, header, raw.strip(_SPACES)))
        if got.approx:
            approx.add(reader.name)
        if got.fate == _BAD:
            ok = False
        elif got.fate == _OUTSIDE:
            outside = True
        elif got.fate in (_KEEP, _NEXT_YEAR):
            values[reader.name] = got.value
            if got.fate == _NEXT_YEAR:
                next_year = (header, got.value)
    return values, _Row(ok, outside, next_year, frozenset(approx) if approx else _NONE)


def _settle_row(reading: _Reading, r: int, row: list, values: dict, state: _Row) -> str | None:
    """Complete a row's values from the sheet and its other columns (period, time of day,
    membership, unit, adoption, dues months); the row's fate when it yields no record."""
    if state is not _CLEAN_ROW:
        if not state.ok:
            return FAILED
        if state.outside:
            return OUT_OF_YEAR
    kind = reading.kind
    if kind is _ACTIVITIES and (state.next_year is not None or "所属年度" in values):
        if _other_year(values, state.next_year, reading.year, reading.next_year_months, reading.log,
                       reading.table.sheet, r):
            return OUT_OF_YEAR
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
                implied = reading.speakers[raw_type] = _implied_speaker(raw_type)
            if implied:
                values["主讲人类别"] = implied  # 书记讲党课 says who spoke
    elif (fate := _settle_kind(reading, r, row, values)) is not None:
        return fate
    if reading.unit_default and not values.get("单位"):
        values["单位"] = reading.unit_default
    return None


def _settle_kind(reading: _Reading, r: int, row: list, values: dict) -> str | None:
    """Settling a row of the kinds with more to it: membership changes (党员名册), adoption
    (信息报送), the months paid (党费); the row's fate when it yields no record."""
    table, log, year, kind = reading.table, reading.log, reading.year, reading.kind
    sheet = table.sheet
    if kind is _ROSTER:
        _membership_change(values, log, sheet, r, table, year)
    elif kind is _SUBMISSIONS:
        _adoption(values, log, sheet, r, table)
    elif kind is _DUES_WIDE:
        src = Source(sheet.file, sheet.name, r + 1)
        values["各月"] = _dues_months(table, row, r, values, src, log, year, reading.marked)
        if values["各月"] is None:
            return FAILED
        values["月份"] = tuple(sorted(values["各月"].items()))  # the facts: (month, amount)
        values["列月份"] = frozenset(m for y, m in table.months.values() if y in (None, year))
    elif kind is _DUES_LONG and not _pay_month_in_year(values, Source(sheet.file, sheet.name, r + 1),
                                                            log, year, table):
        return OUT_OF_YEAR
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


def _other_year(values: dict, next_year: tuple | None, year: int, window: int, log: IssueLog, sheet,
                r: int) -> bool:
    """Whether a 组织生活 row belongs to another year (and say why): a row dated next year counts
    only as a 组织生活会/民主评议党员 whose 所属年度 is `year`, within `window` months; a
    meeting held this year for another 所属年度 belongs to that year."""
    types = values["类型"] if values["类型"].__class__ is tuple else (values["类型"],)
    meeting = all(t in vocab.YEAR_OF_MEETING_TYPES for t in types)
    belongs = values.get("所属年度")
    where = dict(sheet=sheet.name, row=r + 1, code=IssueCode.OUT_OF_YEAR)
    if next_year is not None:
        header, day = next_year
        if meeting and belongs == year and day.month <= window:
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


def _dues_months(table: Table, row, r: int, values: dict, src: Source, log: IssueLog,
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
            _bad_cell(log, table.sheet, r, index, header, table.sheet.bad_cells[(r, index)])
            failed = True
            continue
        text = raw.strip(_SPACES) if raw.__class__ is str else None
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
            _warn_negative(log, src.file, src.sheet, src.row, header, raw)
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


def _pay_month_in_year(values: dict, src: Source, log: IssueLog, year: int, table: Table) -> bool:
    pay_year, month = values["月份"]
    if pay_year is not None and pay_year != year:
        header = table.headers.get(table.columns["月份"], "月份")
        log.warning(src.file, f"所属月份不在报告年度（{year}年）内，本行不计入统计",
                    "如果年份写错，请改正；如果是往年记录，可忽略此提示", sheet=src.sheet,
                    row=src.row, column=header, value=f"{pay_year}年{month}月", code=IssueCode.OUT_OF_YEAR)
        return False
    values["月份"] = month
    return True


def monthly_standards(ledgers: Ledgers) -> dict[str, dict[int, tuple[float, Source]]]:
    """Each member's monthly standard for every month, from either dues form.

    A member kept in several wide rows (half-year sheets, a new row after the standard
    changed) takes, for each month, the standard of the row whose sheet has that month's
    column and which paid it; failing that, of the row whose payments began last before it;
    failing that, the first row. The long form's first standard serves the months left.
    """
    rows: dict[str, list[Record]] = {}
    for record in ledgers.of(LedgerKind.DUES_WIDE):
        if record["缴纳标准"] is not None and not is_remit_row(record):
            rows.setdefault(record["姓名"], []).append(record)
    out: dict[str, dict[int, tuple[float, Source]]] = {}
    for name, records in rows.items():
        out[name] = {m: _standard_of_month(records, m) for m in range(1, 13)}
    for record in ledgers.of(LedgerKind.DUES_LONG):
        if record["缴纳标准"] is not None and record["姓名"] not in rows and not is_remit_row(record):
            out.setdefault(record["姓名"], {m: (record["缴纳标准"], record.src) for m in range(1, 13)})
    return out


def _standard_of_month(records: list[Record], month: int) -> tuple[float, Source]:
    covering = [r for r in records if month in r["列月份"]] or records
    paid = [r for r in covering if month in r["各月"]]
    if paid:
        chosen = paid[0]
    else:
        started = [r for r in covering if r["各月"] and min(r["各月"]) <= month]
        chosen = max(started, key=lambda r: min(r["各月"])) if started else covering[0]
    return chosen["缴纳标准"], chosen.src


def dues_payments(ledgers: Ledgers) -> list[tuple[str, int, float, Source]]:
    """Every payment as (name, month, amount, source), from either dues form."""
    out: list[tuple[str, int, float, Source]] = []
    for record in ledgers.of(LedgerKind.DUES_WIDE):
        if not is_remit_row(record):
            out.extend((record["姓名"], m, amount, record.src) for m, amount in record["各月"].items())
    for record in ledgers.of(LedgerKind.DUES_LONG):
        if not is_remit_row(record):
            out.append((record["姓名"], record["月份"], record["金额"], record.src))
    return out


def dues_remittance(ledgers: Ledgers) -> tuple[list[Record], list[Record], float]:
    """What the dues ledgers say about handing dues on: (member rows with a 上缴 cell, the
    rows with payments but none, the amount on 上缴 rows and in amount cells)."""
    marked, unmarked, amount = [], [], 0.0
    for record in (*ledgers.of(LedgerKind.DUES_WIDE), *ledgers.of(LedgerKind.DUES_LONG)):
        if is_remit_row(record):
            amount += sum((record["各月"] or {}).values()) if record.kind == LedgerKind.DUES_WIDE else record["金额"] or 0
            continue
        paid = sum((record["各月"] or {}).values()) if record.kind == LedgerKind.DUES_WIDE else record["金额"] or 0
        remit = record["上缴"]
        if remit is None or remit is False:
            if paid > 0:
                unmarked.append(record)
            continue
        marked.append(record)
        if remit is not True:
            amount += remit
    return marked, unmarked, amount


def _expand_talk_targets(ledgers: Ledgers) -> None:
    """谈话对象 `全体党员` names every member but the secretary; `李四和王五` names both when
    each is on the roster (和 is also a surname, so only then)."""
    roster = [m["姓名"] for m in ledgers.of(LedgerKind.ROSTER)]
    if not roster:
        return
    members = set(roster)
    everyone = tuple(n for n in roster if n != ledgers.info.get("支部书记"))
    for record in ledgers.of(LedgerKind.TALKS):
        names: list[str] = []
        for name in record.values.get("谈话对象") or ():
            parts = re.split("[和及与]", name)
            if name in vocab.ALL_MEMBERS:
                names += everyone
            elif name not in members and len(parts) > 1 and all(p in members for p in parts):
                names += parts
            else:
                names.append(name)
        record.values["谈话对象"] = tuple(dict.fromkeys(names))


def _check_roster_names(ledgers: Ledgers, log: IssueLog) -> None:
    """Names in other ledgers that are not on the roster are likely typos: warn once each."""
    seen_names: dict[str, Record] = {}
    for member in ledgers.of(LedgerKind.ROSTER):
        first = seen_names.setdefault(member["姓名"], member)
        if first is not member:
            log.warning(member.src.file, f"与{first.src.where()}同名（“{member['姓名']}”），按两名党员统计；"
                        "其他台账按姓名对应，无法区分这两人",
                        "如果是同一人，请删去重复的一行；如果是两人，请在姓名后加注区分，如“王伟（大）”",
                        sheet=member.src.sheet, row=member.src.row, column="姓名", code=IssueCode.SAME_NAME)
    roster = set(seen_names)
    if not roster:
        return
    checks = [(LedgerKind.TALKS, "谈话对象"), (LedgerKind.STUDY, "姓名"), (LedgerKind.DUES_WIDE, "姓名"),
              (LedgerKind.DUES_LONG, "姓名")]
    warned = set()
    for kind, column in checks:
        for record in ledgers.of(kind):
            if kind in (LedgerKind.DUES_WIDE, LedgerKind.DUES_LONG) and is_remit_row(record):
                continue
            names = record[column]
            for name in (names if isinstance(names, tuple) else (names,)):
                if name and name not in roster and (name, record.src) not in warned:
                    warned.add((name, record.src))
                    log.warning(record.src.file, f"“{name}”不在党员名册中，不计入党员覆盖情况",
                                "如果是笔误，请改为名册中的姓名；如果是新党员，请补入党员名册",
                                sheet=record.src.sheet, row=record.src.row, column=column,
                                value=name, code=IssueCode.NOT_IN_ROSTER)


# ---------------------------------------------------------------- periods and times in a key

_QUARTER_WORD = re.compile(r"第?([一二三四1-4])季度|[Qq]([1-4])(?![0-9])")
_HALF_WORD = re.compile(r"([上下])半年")
_MONTH_WORD = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?(?!\d)")
_CN_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}


def sheet_period(name: str) -> tuple[str, int] | None:
    """The period a sheet's name gives (`第一季度` -> (季度, 1), `下半年` -> (半年, 2), `3月` ->
    (月, 3)): rows of different periods are different records even where all else is equal."""
    text = norm_key(name)
    if m := _QUARTER_WORD.search(text):
        digit = m[1] or m[2]
        return ("季度", int(digit) if digit.isdigit() else _CN_NUMBER[digit])
    if m := _HALF_WORD.search(text):
        return ("半年", 1 if m[1] == "上" else 2)
    if m := _MONTH_WORD.search(text):
        return ("月", int(m[1]) if m[1].isdigit() else _CN_NUMBER[m[1]])
    return None


_CLOCK = re.compile(r"(\d{1,2})\s*[:：时点]\s*(\d{1,2})?")
_MERIDIEM = re.compile("上午|下午|中午|晚上|早上|傍晚")


def time_of_day(raw) -> str:
    """A time of day written with a date (`上午`, `14:30`, `下午3时`), "" when none: two meetings
    on one day at different times are different meetings."""
    if hasattr(raw, "hour"):
        return f"{raw.hour}:{raw.minute:02d}" if (raw.hour, raw.minute) != (0, 0) else ""
    if raw.__class__ is not str:
        return ""
    text = raw
    # Drop the date itself so that `2023.3.5` or `3月5日` is not read as a clock time.
    text = re.sub(r"\d{4}\s*[年./\-]\s*\d{1,2}\s*[月./\-]\s*\d{1,2}\s*[日号]?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]?", " ", text)
    meridiem = _MERIDIEM.search(text)
    clock = _CLOCK.search(text)
    out = meridiem[0] if meridiem else ""
    if clock:
        out += f"{int(clock[1])}:{int(clock[2] or 0):02d}"
    return out


# ---------------------------------------------------------------- membership changes

_STATUS = {norm_key(s): canon for canon, syns in vocab.MEMBER_STATUS.items() for s in (canon, *syns)}
# Words that state a change inside free text (备注): the general 增加/减少/无 are left out.
_CHANGE_WORDS = sorted(((norm_key(s), canon) for canon, syns in vocab.MEMBER_STATUS.items()
                        if canon != vocab.NORMAL_STATUS for s in (canon, *syns)
                        if s not in ("增加", "减少", "新增")), key=lambda kv: -len(kv[0]))
_YEAR_MONTH = re.compile(r"(\d{4})\s*(?:年|[./\-．])\s*(\d{1,2})(?!\d)")
_YEAR_ONLY = re.compile(r"(?<!\d)(\d{4})\s*年?(?!\d)")
_LEAVING = "减少"


def _change_in_text(text: str) -> tuple[str, tuple[int, int] | None] | None:
    """(status, (year, month) or None) stated in a cell (`2023年6月转出`), or None."""
    key = norm_key(text)
    found = next((canon for word, canon in _CHANGE_WORDS if word in key), None)
    if found is None:
        return None
    m = _YEAR_MONTH.search(str(text))
    if m and 1 <= int(m[2]) <= 12:
        return found, (int(m[1]), int(m[2]))
    year = _YEAR_ONLY.search(str(text))
    return found, (int(year[1]), 0) if year else None  # month 0: the year alone


def _parse_status(raw):
    """党员名册.状态: (canonical status, (year, month) written in the cell or None)."""
    key = norm_key(raw)
    if key in _STATUS:
        return (_STATUS[key], None)
    found = _change_in_text(str(raw))
    if found:
        return found
    return _Fallback((vocab.NORMAL_STATUS, None), "不是已知的党员状态，按正常在册统计",
                     f"请填写{'、'.join(vocab.MEMBER_STATUS)}之一")


def _membership_change(values: dict, log: IssueLog, sheet, r: int, table: Table, year: int) -> None:
    """Settle a roster row's 状态, 转入时间 and 转出时间 (减少) from its columns, or from a
    remark in 备注 (`2023年6月转出`), saying so where read from the remark or a date is missing."""
    status, when = values.get("状态") or (None, None)
    source = "状态"
    if status in (None, vocab.NORMAL_STATUS) and not values.get("转入时间") and not values.get("转出时间"):
        found = _change_in_text(values.get("备注") or "")
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


# ---------------------------------------------------------------- facts combined across rows

def _show_number(value) -> str:
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _combine_dues(ledgers: Ledgers, log: IssueLog, outcomes: dict) -> None:
    """Wide dues are facts per (member, month): rows for one member in half-year or quarterly
    sheets, or a second row after the standard changed, combine; a month already recorded with
    the same amount counts once; the same member-month with two amounts is an error."""
    facts: dict[tuple[str, int], tuple[float, Record]] = {}
    kept = []
    for record in ledgers.of(LedgerKind.DUES_WIDE):
        name, months = record["姓名"], record["各月"]
        outcome = outcomes[(record.src.file, record.src.sheet)]
        clashes = [(m, a, facts[(name, m)]) for m, a in months.items()
                   if (name, m) in facts and abs(facts[(name, m)][0] - a) > 0.005]
        cells, columns = record.cells or {}, record.columns or {}
        for m, amount, (before, other) in clashes:
            log.error(record.src.file, f"与{other.src.where()}的{m}月（{(other.cells or {})[m]}，{_show_number(before)}）"
                      f"是同一党员同一月份，金额却不同，无法确定哪个对",
                      "请核对后只在一处保留正确的金额（同一党员分几行或几张表记录时，每个月只填在一处）",
                      sheet=record.src.sheet, row=record.src.row, column=f"{m}月（{cells[m]}）",
                      col=columns.get(m), value=amount, code=IssueCode.DUES_CONFLICT)
        if clashes:
            outcome[record.src.row - 1] = FAILED
            ledgers.incomplete.add(LedgerKind.DUES_WIDE)
            continue
        repeated = [m for m in months if (name, m) in facts]
        if repeated:
            other = facts[(name, repeated[0])][1]
            if len(repeated) == len(months):
                outcome[record.src.row - 1] = DUPLICATE
                log.warning(record.src.file, f"各月金额都已在{other.src.where()}记过（同一党员、同一月份、同样金额），只计一次",
                            "如果是旧版本文件重复放入，请删除多余的文件或行", sheet=record.src.sheet,
                            row=record.src.row, code=IssueCode.DUPLICATE)
                continue
            log.warning(record.src.file, f"{'、'.join(f'{m}月' for m in repeated)}的金额已在{other.src.where()}记过"
                        "（同一党员、同一月份、同样金额），只计一次", "请删去重复填写的月份", sheet=record.src.sheet,
                        row=record.src.row, code=IssueCode.DUPLICATE)
            record.values["各月"] = {m: a for m, a in months.items() if m not in repeated}
        for m, amount in record["各月"].items():
            facts[(name, m)] = (amount, record)
        kept.append(record)
    if LedgerKind.DUES_WIDE in ledgers.records:
        ledgers.records[LedgerKind.DUES_WIDE] = kept
    _long_against_wide(ledgers, log, outcomes, facts)


def _long_against_wide(ledgers: Ledgers, log: IssueLog, outcomes: dict, facts: dict) -> None:
    """A payment in the long form for a member-month the wide form already holds is the same
    fact (same amount: counted once) or a contradiction (another amount: an error)."""
    kept = []
    for record in ledgers.of(LedgerKind.DUES_LONG):
        name, month, amount = record["姓名"], record["月份"], record["金额"]
        if (name, month) not in facts:
            kept.append(record)
            continue
        before, other = facts[(name, month)]
        where = dict(sheet=record.src.sheet, row=record.src.row, column="金额", value=amount)
        if abs(before - amount) <= 0.005:
            outcomes[(record.src.file, record.src.sheet)][record.src.row - 1] = DUPLICATE
            log.warning(record.src.file, f"{name}{month}月的这笔党费已在{other.src.where()}的{month}月（{other.cells[month]}）"
                        "记过，金额相同，只计一次", "同一笔党费只记在一种台账中（横表或逐笔表），请删去一处",
                        code=IssueCode.DUPLICATE, **where)
            continue
        outcomes[(record.src.file, record.src.sheet)][record.src.row - 1] = FAILED
        ledgers.incomplete.add(LedgerKind.DUES_LONG)
        log.error(record.src.file, f"与{other.src.where()}的{month}月（{other.cells[month]}，{_show_number(before)}）"
                  "是同一党员同一月份，金额却不同，无法确定哪个对",
                  "请核对后只在一处保留正确的金额（同一笔党费只记在横表或逐笔表中的一种）", code=IssueCode.DUES_CONFLICT, **where)
    if LedgerKind.DUES_LONG in ledgers.records:
        ledgers.records[LedgerKind.DUES_LONG] = kept


def _check_other_items(ledgers: Ledgers, log: IssueLog, outcomes: dict) -> None:
    """其他事项 are quoted by name: one name with two different figures cannot be quoted."""
    first: dict[str, Record] = {}
    kept = []
    for record in ledgers.of(LedgerKind.OTHER):
        before = first.setdefault(record["事项"], record)
        if before is not record:
            figures = "、".join(f"{_show_number(r['数量'])}{r['单位'] or ''}" for r in (before, record))
            log.error(record.src.file, f"与{before.src.where()}的事项同名（“{record['事项']}”），数量却不同（{figures}），"
                      "报告中无法确定引用哪一个", "请核对后删去错误的一行；如果是两件事，请把事项名称写得有所区别",
                      sheet=record.src.sheet, row=record.src.row, code=IssueCode.OTHER_CONFLICT)
            outcomes[(record.src.file, record.src.sheet)][record.src.row - 1] = FAILED
            ledgers.incomplete.add(LedgerKind.OTHER)
            continue
        kept.append(record)
    if LedgerKind.OTHER in ledgers.records:
        ledgers.records[LedgerKind.OTHER] = kept


# ---------------------------------------------------------------- totals rows

def _check_totals(table: Table, log: IssueLog) -> None:
    """A totals row whose figure differs from the sum of the rows it closes is a warning (the
    report counts the rows). A 小计 closes the rows since the previous totals row; 合计, 总计
    and 共计 close every row since the previous of those."""
    if not table.totals:
        return
    from pipeline.reading.ingest import totals_label

    numeric = {i: table.headers.get(i, c.name) for c in table.kind.columns if c.type in _NUMERIC
               for i in [table.columns.get(c.name)] if i is not None}
    numeric.update({i: table.headers.get(i, f"{m}月") for i, (_, m) in table.months.items()})
    rows = table.sheet.rows
    last_any = last_grand = table.header_row
    for t in sorted(table.totals):
        label = totals_label(rows[t])
        grand = not any(word in label for word in vocab.SUBTOTALS)
        start = last_grand if grand else last_any
        closed = [r for r in table.data_rows if start < r < t]
        last_any = t
        if grand:
            last_grand = t
        for index, header in numeric.items():
            stated = _figure_of(rows[t][index] if index < len(rows[t]) else "")
            if stated is None or not closed:
                continue
            total = sum(f for r in closed if (f := _figure_of(rows[r][index] if index < len(rows[r]) else "")) is not None)
            if abs(total - stated) > 0.005:
                log.warning(table.sheet.file, f"合计行的数字（{_show_number(stated)}）与它所合计的第{closed[0] + 1}至"
                            f"{closed[-1] + 1}行之和（{_show_number(total)}）不一致，报告按各行的数字统计",
                            "请核对合计行或上方各行", sheet=table.sheet.name, row=t + 1,
                            column=f"{header}（{column_letter(index)}{t + 1}）", value=stated, code=IssueCode.TOTAL_MISMATCH)


def _figure_of(raw) -> float | None:
    if raw.__class__ is str:
        raw = raw.strip(_SPACES)
        if not raw:
            return None
    elif raw is None or raw.__class__ not in (int, float):
        return None
    try:
        return parse_number(raw)[0]
    except ValueError:
        return None
