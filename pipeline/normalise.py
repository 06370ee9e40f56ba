"""Normalise: recognised tables -> typed records of the report year, de-duplicated.

Every cell goes through the parser of its column type (vocab.Column.type). A value that
cannot be read is a row error and the row stays out of the figures; nothing is guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pipeline import vocab
from pipeline.ingest import Table
from pipeline.issues import ERROR, IssueLog
from pipeline.readers import column_letter
from pipeline.values import (
    SPACES,
    UNIT_SCALES,
    clean_name,
    clean_text,
    half_width,
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

# Issues about the folder as a whole rather than one file.
FOLDER = "（输入文件夹）"
_FORMULA_REASON = "单元格是公式但没有计算结果（文件可能由程序生成、未在 Excel/WPS 中保存过）"
_FORMULA_ACTION = "请用 Excel/WPS 打开该文件、保存后再运行，或把公式改为数值"
_CHECK_ONLY = vocab.CHECK_ONLY


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
                    row=r + 1, column=header, code="adoption-conflict")
    elif said is None and not values.get("采用级别") and values.get("刊载媒体"):
        log.warning(sheet.file, "填了刊载媒体，但没有填是否采用，按未采用统计", "如已采用，请填“是”并选择采用级别",
                    sheet=sheet.name, row=r + 1, column=header, code="adoption-conflict")


def _warn_negative(log: IssueLog, file: str, sheet: str, row: int, header: str, raw) -> None:
    log.warning(file, "是负数", "请核对；如果是退还或冲销，请在备注中说明", sheet=sheet, row=row,
                column=header, value=raw, code="negative")


def _bad_cell(log: IssueLog, sheet, r: int, index: int, header: str, error: str, warn: bool = False) -> None:
    """A formula cell with no value or an error value: never read as blank."""
    where = dict(sheet=sheet.name, row=r + 1, column=f"{header}（{column_letter(index)}{r + 1}）", col=index)
    if error:
        reason, action, code = (f"单元格是公式计算出的错误值 {error}", "请在 Excel/WPS 中改正该公式，或改为数值",
                                "formula-error")
    else:
        reason, action, code = _FORMULA_REASON, _FORMULA_ACTION, "formula-no-value"
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
    kind: str
    values: dict
    src: Source
    approx: frozenset = frozenset()  # columns typed as approximate (`1500余`)

    def __getitem__(self, key):
        return self.values.get(key)


@dataclass
class Ledgers:
    """All records of one branch for one report year."""

    year: int
    info: dict = field(default_factory=dict)  # 基本信息 column -> value
    info_src: dict = field(default_factory=dict)  # 基本信息 column -> Source
    records: dict[str, list[Record]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # Kinds with rows left out by errors (--keep-going): their rules cannot be judged.
    incomplete: set[str] = field(default_factory=set)
    _by_type: dict | None = field(default=None, repr=False)

    def of(self, kind: str) -> list[Record]:
        return self.records.get(kind, [])

    def activities(self, activity_type: str) -> list[Record]:
        """组织生活台账 records of one canonical type (indexed once; rules ask many times)."""
        if self._by_type is None:
            self._by_type = {}
            for record in self.of("组织生活台账"):
                self._by_type.setdefault(record.values["类型"], []).append(record)
        return self._by_type.get(activity_type, [])


_ACTIVITY = {norm_key(s): canon for canon, syns in vocab.ACTIVITY_TYPES.items() for s in (canon, *syns)}
_SPEAKER = {norm_key(s): canon for canon, syns in vocab.SPEAKER_CATEGORIES.items() for s in (canon, *syns)}
_CATEGORY = {norm_key(s): canon for canon, syns in vocab.MEMBER_CATEGORIES.items() for s in (canon, *syns)}
_NON_MEMBERS = {norm_key(s) for s in vocab.NON_MEMBERS}
_LEVEL = {norm_key(s): canon for canon, syns in vocab.LEVELS.items() for s in (canon, *syns)}
_PROBLEM = {norm_key(s): canon for canon, syns in vocab.PROBLEM_TYPES.items() for s in (canon, *syns)}
_YES = {norm_key(s) for s in vocab.YES}
_NO = {norm_key(s) for s in vocab.NO}
_SPACES = SPACES
_EVENT_DATE_COLUMNS = {(k.name, c.name) for k in vocab.KINDS for c in k.columns if c.type == "date"}


@dataclass(frozen=True)
class _Fallback:
    """A value outside the vocabulary that is still usable: warned about, then counted as
    `value`, or, with `exclude`, kept out of the figures."""

    value: object
    reason: str
    action: str
    exclude: bool = False
    code: str = ""


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


def guess_year(tables: list[Table]) -> int | None:
    """The year most dated event rows fall in, for runs with no --year and no 基本信息 year."""
    years: Counter = Counter()
    for table in tables:
        for name, index in table.columns.items():
            if (table.kind.name, name) not in _EVENT_DATE_COLUMNS:
                continue
            for r in table.data_rows:
                row = table.sheet.rows[r]
                if index < len(row) and not is_blank(row[index]):
                    try:
                        years[parse_date(row[index], None).year] += 1
                    except ValueError:
                        pass
    if not years:
        return None
    return min(years.items(), key=lambda kv: (-kv[1], -kv[0]))[0]


def read_info(tables: list[Table], log: IssueLog, year: int | None = None) -> tuple[dict, dict]:
    """基本信息 values (first seen wins; a conflicting second value is a warning)."""
    info: dict = {}
    sources: dict = {}
    kind = vocab.KIND_BY_NAME["基本信息"]
    for table in (t for t in tables if t.kind.name == "基本信息"):
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
                          column=name, value=raw, code="bad-value")
                continue
            if name in info and info[name] != value:
                log.warning(sheet.file, f"与{sources[name].where()}的“{name}”（{info[name]}）不一致，采用前者",
                            "请统一各文件中的基本信息", sheet=sheet.name, row=r + 1, column=name,
                            value=raw, code="info-conflict")
                continue
            info.setdefault(name, value)
            sources.setdefault(name, src)
    tables = [t for t in tables if t.kind.name == "基本信息"]
    if not tables:
        log.warning(FOLDER, "没有找到“基本信息”表，报告中不会出现支部名称，谈心谈话检查也无法排除书记本人",
                    "请加一张名为“基本信息”的工作表：左列写“党支部名称”“支部书记”“年度”，右列写内容",
                    code="no-info")
    else:
        for required in (r for r in kind.required if r not in info):
            log.error(tables[0].sheet.file, f"基本信息缺少“{required}”", f"请在基本信息表中补填“{required}”",
                      sheet=tables[0].sheet.name, code="missing-value")
    return info, sources


def _maybe_october(raw, month, what: str, example: str):
    """A year-month typed into a number cell as 1975.10 is stored as 1975.1 and read as January:
    keep that reading, but say so."""
    if isinstance(raw, float) and raw > 1900 and repr(raw).endswith(".1"):
        return _Fallback(month, f"{what}存成了数字，按1月计（10月也会显示为这个数字）",
                         f"如果是10月，请把该列设为文本后写 {example}", code="ambiguous-month")
    return month


def _parse(kind_of_value: str, raw, year: int | None):
    """Parse one cell by its column type; returns the value (approx flag handled by caller)."""
    if kind_of_value == "text":
        return clean_text(raw)
    if kind_of_value in ("date", "anydate"):
        return parse_date(raw, year)
    if kind_of_value == "month":
        return _maybe_october(raw, parse_month(raw), "年月", "1975.10")
    if kind_of_value == "number":
        return parse_number(raw)
    if kind_of_value == "int":
        text = clean_text(raw)
        for suffix in ("年度", "年", "人", "名"):
            text = text.removesuffix(suffix)
        return parse_int(text)
    if kind_of_value == "names":
        return tuple(split_names(raw))
    if kind_of_value == "name":
        return clean_name(raw)
    if kind_of_value == "activity":
        return _parse_activity(raw)
    if kind_of_value == "speaker":
        return _parse_speaker(raw)
    if kind_of_value == "category":
        return _parse_category(raw)
    if kind_of_value == "yesno":
        return _parse_yesno(raw)
    if kind_of_value == "level":
        return _parse_level(raw)
    if kind_of_value == "problem":
        return _lookup(_PROBLEM, raw, "类型", vocab.PROBLEM_TYPES)
    if kind_of_value == "quarter":
        return parse_quarter(raw)
    if kind_of_value == "rectify":
        return _lookup(_RECTIFY, raw, "完成情况", vocab.RECTIFY_STATUS)
    if kind_of_value == "deadline":
        return parse_deadline(raw, year)
    if kind_of_value == "paymonth":
        return _maybe_october(raw, parse_pay_month(raw, year), "所属月份", "2023.10")
    raise AssertionError(f"unknown column type {kind_of_value}")


_ACTIONS = {
    "date": "请写成 2023年3月5日 或 2023-03-05 这样的日期",
    "number": "请填写数字（可带单位，如 50元、1500棵）",
    "int": "请填写整数",
    "month": "请写成 1975年1月 或 1975.01 这样的年月",
    "paymonth": "请写成 1月 或 2023年1月 这样的月份",
    "quarter": "请写成 第一季度 或 1 至 4",
    "yesno": "请填写“是”或“否”",
    "deadline": "请写成 2023年6月30日、2023年6月底前 或 长期坚持",
}


def normalise(tables: list[Table], log: IssueLog, year: int, files: list[str]) -> Ledgers:
    """Typed records of `year`, in file/sheet/row order, duplicates counted once."""
    info, info_src = read_info(tables, log, year)
    ledgers = Ledgers(year=year, info=info, info_src=info_src, files=files)
    seen: dict[tuple, Record] = {}
    for table in tables:
        if table.kind.name == "基本信息":
            continue
        kind = table.kind
        records = ledgers.records.setdefault(kind.name, [])
        logged = len(log.items)
        for record in _table_records(table, log, year):
            values = record.values
            key = (kind.name, *[values.get(c) for c in kind.key])
            first = seen.get(key)
            if first is None:
                seen[key] = record
                records.append(record)
            else:
                _warn_duplicate(record, first, log)
        if any(i.severity == ERROR for i in log.items[logged:]):
            ledgers.incomplete.add(kind.name)
    _expand_talk_targets(ledgers)
    _check_roster_names(ledgers, log)
    _warn_missing_ledgers(ledgers, log)
    return ledgers


# Ledgers that fill a whole section of the report: kept but empty, the section is empty too.
_SECTIONS = {"问题清单": "“二、存在的主要问题及原因”", "任务清单": "“三、下一步工作打算”"}


def _warn_missing_ledgers(ledgers: Ledgers, log: IssueLog) -> None:
    for kinds in vocab.EXPECTED_LEDGERS:
        if kinds == ("基本信息",):
            continue  # warned about by read_info
        if not any(k in ledgers.records for k in kinds):
            log.warning(FOLDER, f"没有找到“{kinds[0]}”，报告中与之相关的内容将略去，相关规则不作检查",
                        "如果本年度有这类记录，请把台账放进输入文件夹", code="missing-ledger")
        elif kinds[0] in _SECTIONS and not ledgers.of(kinds[0]):
            log.warning(FOLDER, f"“{kinds[0]}”中没有内容，报告{_SECTIONS[kinds[0]]}部分将没有内容",
                        f"请在“{kinds[0]}”中填写", code="missing-ledger")


def _warn_duplicate(record: Record, first: Record, log: IssueLog) -> None:
    differs = "；两处其余内容不一致，请核对" if first.values != record.values else ""
    log.warning(record.src.file, f"与{first.src.where()}是同一条记录，只计一次{differs}",
                "如果是旧版本文件重复放入，请删除多余的文件或行", sheet=record.src.sheet,
                row=record.src.row, code="duplicate")


_NUMERIC = ("number", "int")
_NONE_MARKS = frozenset(vocab.NONE_MARKS)
_PAID = frozenset(vocab.PAID_MARKS)
_EXEMPT = frozenset(vocab.EXEMPT_MARKS)
_NO_MEMO = ("text", "names")  # cheap to parse and rarely repeated
_NONE: frozenset = frozenset()


def _scales(table: Table) -> dict[str, int]:
    """Number columns whose header names a multiple of their unit (`学习笔记（万字）`)."""
    out = {}
    for column in table.kind.columns:
        unit = table.units.get(table.columns.get(column.name, -1), "")
        if column.unit and unit[:1] in UNIT_SCALES and unit[1:].startswith(column.unit):
            out[column.name] = UNIT_SCALES[unit[:1]]
    return out


def _table_records(table: Table, log: IssueLog, year: int):
    kind = table.kind
    sheet = table.sheet
    bad = sheet.bad_cells
    # 数量（万元） names the unit of quantities whose row leaves 单位 blank (or has no 单位 column).
    unit_default = table.units.get(table.columns.get("数量", -1), "") if "单位" in kind.required else ""
    # (name, index, header, type, required, memo) per column; ledgers repeat the same typed
    # values (types, dates, counts) thousands of times, so parses are memoised per column.
    plan: list[tuple[str, int, str, str, bool, dict[tuple[type, Any], tuple[bool, Any]] | None]]
    plan = [(c.name, table.columns[c.name], table.headers.get(table.columns[c.name], c.name), c.type,
             c.required and not (c.name == "单位" and unit_default), {} if c.type not in _NO_MEMO else None)
            for c in kind.columns if c.name in table.columns]
    scales = _scales(table)
    rows = sheet.rows
    # Cells read by a documented convention (`/` as empty, `√` as paid): said once per sheet.
    marked: dict[str, list[tuple[int, str, str]]] = {}
    # 类型 as typed -> the 主讲人类别 it states (书记讲党课), memoised; None for other ledgers.
    speakers: dict | None = {} if kind.name == "组织生活台账" else None
    type_column = table.columns.get("类型", -1)
    for r in table.data_rows:
        row = rows[r]
        width = len(row)
        values: dict = {}
        approx: set | None = None  # made only for the rare row with an approximate figure
        ok = True
        for name, index, header, ctype, required, memo in plan:
            raw = row[index] if index < width else ""
            if bad and (r, index) in bad:
                if name in _CHECK_ONLY:  # a 合计 column is only cross-checked
                    _bad_cell(log, sheet, r, index, header, bad[(r, index)], warn=True)
                    continue
                _bad_cell(log, sheet, r, index, header, bad[(r, index)])
                ok = False
                continue
            if raw.__class__ is str:
                raw = raw.strip(_SPACES)
                blank = not raw
                if ctype in _NUMERIC and raw in _NONE_MARKS:
                    blank = True
                    marked.setdefault("none", []).append((r + 1, header, raw))
                elif name == "缴纳标准" and raw in _EXEMPT:
                    values[name] = 0  # 免缴: owes nothing this year
                    continue
            else:
                blank = raw is None
            if blank:
                if required:
                    log.error(sheet.file, f"缺少必填内容“{name}”", "请补填，或删除这一行",
                              sheet=sheet.name, row=r + 1, column=header, code="missing-value")
                    ok = False
                continue
            if ctype == "text":
                # Already trimmed; inner line breaks, tabs, no-break spaces need clean_text.
                values[name] = (raw if raw.__class__ is str and raw.isprintable() and "  " not in raw
                                else clean_text(raw))
                continue
            parsed = memo.get((raw.__class__, raw)) if memo is not None else None
            if parsed is None:
                try:
                    parsed = (True, _parse(ctype, raw, year))
                except ValueError as exc:
                    parsed = (False, str(exc))
                if memo is not None:
                    memo[(raw.__class__, raw)] = parsed
            value: Any  # the parsed value, or the reason it could not be parsed
            good, value = parsed
            if not good:
                log.error(sheet.file, value, _ACTIONS.get(ctype, "请按 README 的说明改正"),
                          sheet=sheet.name, row=r + 1, column=header, value=raw,
                          code=f"bad-{ctype}")
                ok = False
                continue
            if ctype == "number":
                value, is_approx = value
                if is_approx:
                    approx = (approx or set()) | {name}
                if value < 0:
                    _warn_negative(log, sheet.file, sheet.name, r + 1, header, raw)
                if name in scales:
                    value = round(value * scales[name], 6)
            elif value.__class__ is _Fallback:
                log.warning(sheet.file, value.reason, value.action, sheet=sheet.name, row=r + 1,
                            column=header, value=raw, code=value.code or f"unknown-{ctype}")
                if value.exclude:
                    ok = False
                    continue
                value = value.value
            elif ctype == "date" and value.year != year:
                log.warning(sheet.file, f"日期不在报告年度（{year}年）内，本行不计入统计",
                            "如果日期写错，请改正；如果是往年记录，可忽略此提示", sheet=sheet.name,
                            row=r + 1, column=header, value=value.isoformat(), code="out-of-year")
                ok = False
                continue
            values[name] = value
        if not ok:
            continue
        if unit_default and not values.get("单位"):
            values["单位"] = unit_default
        if kind.name == "信息报送台账":
            _adoption(values, log, sheet, r, table)
        src = Source(sheet.file, sheet.name, r + 1)
        if kind.name == vocab.DUES_WIDE:
            values["各月"] = _dues_months(table, row, r, values, src, log, year, marked)
            if values["各月"] is None:
                continue
        elif kind.name == vocab.DUES_LONG and not _pay_month_in_year(values, src, log, year, table):
            continue
        if speakers is not None and "主讲人类别" not in values:
            raw_type = row[type_column]
            if (implied := speakers.get(raw_type, False)) is False:
                implied = speakers[raw_type] = _implied_speaker(raw_type)
            if implied:
                values["主讲人类别"] = implied  # 书记讲党课 says who spoke
        if kind.name == "组织生活台账" and values["类型"].__class__ is tuple:
            # A combined activity (`主题党日暨党课`) counts once for each of its types.
            for activity in values["类型"]:
                yield Record(kind.name, {**values, "类型": activity}, src, frozenset(approx or ()))
            continue
        yield Record(kind.name, values, src, frozenset(approx) if approx else _NONE)
    _say_marks(marked, log, sheet)


_MARK_NOTES = {
    "none": ("按空白（未缴、未填）处理", "如果不是这个意思，请填写数字"),
    "paid": ("表示已缴，按该党员的缴纳标准计金额", "如果实缴金额不同，请填写金额"),
}


def _say_marks(marked: dict, log: IssueLog, sheet) -> None:
    """One warning per convention used in a sheet, with how many cells and where the first is."""
    for kind, cells in marked.items():
        row, header, raw = cells[0]
        reason, action = _MARK_NOTES[kind]
        values = "、".join(dict.fromkeys(f"“{c[2]}”" for c in cells))
        log.warning(sheet.file, f"共 {len(cells)} 个数字单元格写的是{values}，{reason}（第一个在第{row}行）",
                    action, sheet=sheet.name, row=row, column=header, code=f"mark-{kind}")


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
                        sheet=src.sheet, row=src.row, column=header, value=raw, code="out-of-year")
            continue
        try:
            amount, _ = parse_number(raw)
        except ValueError as exc:
            log.error(src.file, str(exc), "请填写实缴金额（数字），未缴的月份留空", sheet=src.sheet,
                      row=src.row, column=header, value=raw, code="bad-number")
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
                    column=table.headers.get(index, "合计"), value=declared, code="dues-total")
    return paid


def _pay_month_in_year(values: dict, src: Source, log: IssueLog, year: int, table: Table) -> bool:
    pay_year, month = values["月份"]
    if pay_year is not None and pay_year != year:
        header = table.headers.get(table.columns["月份"], "月份")
        log.warning(src.file, f"所属月份不在报告年度（{year}年）内，本行不计入统计",
                    "如果年份写错，请改正；如果是往年记录，可忽略此提示", sheet=src.sheet,
                    row=src.row, column=header, value=f"{pay_year}年{month}月", code="out-of-year")
        return False
    values["月份"] = month
    return True


def dues_standards(ledgers: Ledgers) -> dict[str, tuple[float, Source]]:
    """Each member's monthly standard from either dues form (first seen wins)."""
    out: dict[str, tuple[float, Source]] = {}
    for kind in (vocab.DUES_WIDE, vocab.DUES_LONG):
        for record in ledgers.of(kind):
            if record["缴纳标准"] is not None:
                out.setdefault(record["姓名"], (record["缴纳标准"], record.src))
    return out


def dues_payments(ledgers: Ledgers) -> list[tuple[str, int, float, Source]]:
    """Every payment as (name, month, amount, source), from either dues form."""
    out: list[tuple[str, int, float, Source]] = []
    for record in ledgers.of(vocab.DUES_WIDE):
        out.extend((record["姓名"], m, amount, record.src) for m, amount in record["各月"].items())
    for record in ledgers.of(vocab.DUES_LONG):
        out.append((record["姓名"], record["月份"], record["金额"], record.src))
    return out


def _expand_talk_targets(ledgers: Ledgers) -> None:
    """谈话对象 `全体党员` names every member but the secretary; `李四和王五` names both when
    each is on the roster (和 is also a surname, so only then)."""
    roster = [m["姓名"] for m in ledgers.of("党员名册")]
    if not roster:
        return
    members = set(roster)
    everyone = tuple(n for n in roster if n != ledgers.info.get("支部书记"))
    for record in ledgers.of("谈心谈话记录"):
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
    for member in ledgers.of("党员名册"):
        first = seen_names.setdefault(member["姓名"], member)
        if first is not member:
            log.warning(member.src.file, f"与{first.src.where()}同名（“{member['姓名']}”），按两名党员统计；"
                        "其他台账按姓名对应，无法区分这两人",
                        "如果是同一人，请删去重复的一行；如果是两人，请在姓名后加注区分，如“王伟（大）”",
                        sheet=member.src.sheet, row=member.src.row, column="姓名", code="same-name")
    roster = set(seen_names)
    if not roster:
        return
    checks = [("谈心谈话记录", "谈话对象"), ("学习笔记检查", "姓名"), (vocab.DUES_WIDE, "姓名"),
              (vocab.DUES_LONG, "姓名")]
    warned = set()
    for kind, column in checks:
        for record in ledgers.of(kind):
            names = record[column]
            for name in (names if isinstance(names, tuple) else (names,)):
                if name and name not in roster and (name, record.src) not in warned:
                    warned.add((name, record.src))
                    log.warning(record.src.file, f"“{name}”不在党员名册中，不计入党员覆盖情况",
                                "如果是笔误，请改为名册中的姓名；如果是新党员，请补入党员名册",
                                sheet=record.src.sheet, row=record.src.row, column=column,
                                value=name, code="not-in-roster")
