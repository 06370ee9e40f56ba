"""Normalise: recognised tables -> typed records of the report year, de-duplicated, with the
accounting of every row of every ledger sheet.

Every cell goes through the parser of its column type (cells.py); rows.py reads a table's rows
into records. What needs more than one row is settled here: 党费 facts per member-month,
其他事项 quoted by name, totals rows against the rows they close, names against the roster.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.core import vocab
from pipeline.core.issues import ERROR, IssueLog
from pipeline.core.names import ColumnType, IssueCode, LedgerKind, RowFate
from pipeline.core.values import SPACES, fold_name, has_content, parse_number
from pipeline.reading.branches import other_branch_files
from pipeline.reading.ingest import Table, read_columns
from pipeline.reading.readers import column_letter
from pipeline.reading.records import FOLDER, OUTCOMES, Account, Ledgers, Record, is_remit_row
from pipeline.reading.rows import Kept, table_records
from pipeline.reading.totals import totals_label
from pipeline.reading.year import name_year, read_info, table_years

_NUMERIC = (ColumnType.NUMBER, ColumnType.INT)


def normalise(tables: list[Table], log: IssueLog, year: int, files: list[str],
              next_year_months: int = vocab.NEXT_YEAR_MONTHS) -> Ledgers:
    """Typed records of `year`, in file/sheet/row order, duplicates counted once, and the
    accounting of every row of every ledger sheet.

    A 组织生活会 or 民主评议党员 held in the first `next_year_months` months of the next year
    counts for `year` when its 所属年度 says so (and one held this year for last year does not).
    """
    others: dict[str, str] = {}
    info, info_src = read_info(tables, log, year, others)
    ledgers = Ledgers(year=year, info=info, info_src=info_src, files=files)
    foreign = other_branch_files(tables, info, info_src, others, log)
    kept: dict[LedgerKind, Kept] = {}  # per kind: its records so far, duplicates left out
    possible = ledgers.fields = _possible_fields(tables)
    outcomes: list[tuple[Table, dict[int, RowFate]]] = []
    for table in tables:
        if table.kind.name == LedgerKind.INFO:
            continue
        kind = table.kind
        if table.sheet.file in foreign:
            # Another branch's ledger: never merged; its rows are named as 出错 (the error says why).
            ledgers.incomplete.add(kind.name)
            outcomes.append((table, _whole(table, RowFate.FAILED)))
            continue
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
            outcomes.append((table, _whole(table, RowFate.OUT_OF_YEAR)))
            continue
        if kind.name not in kept:
            kept[kind.name] = Kept.of(kind, possible[kind.name], ledgers.records.setdefault(kind.name, []))
        logged = len(log.items)
        outcome = dict.fromkeys(table.totals, RowFate.TOTALS)
        outcome.update(dict.fromkeys(table.examples, RowFate.EXAMPLE))
        table_records(table, log, year, outcome, next_year_months, kept[kind.name])
        _check_totals(table, log)
        if any(i.severity == ERROR for i in log.items[logged:]):
            ledgers.incomplete.add(kind.name)
        outcomes.append((table, outcome))
    _combine_dues(ledgers, log, {(t.sheet.file, t.sheet.name): o for t, o in outcomes})
    _check_other_items(ledgers, log, {(t.sheet.file, t.sheet.name): o for t, o in outcomes})
    ledgers.accounts = [_account(table, outcome) for table, outcome in outcomes]
    _expand_talk_targets(ledgers)
    _check_roster_names(ledgers, log)
    _warn_cumulative(ledgers, log)
    _warn_missing_ledgers(ledgers, log)
    return ledgers


def _warn_cumulative(ledgers: Ledgers, log: IssueLog) -> None:
    """学习笔记 typed as the running total of the notebook (7000, 14000, 21000 …) is summed as if
    each check's own: a member whose counts rise at every check to twice the first is named."""
    checks: dict[str, list[Record]] = {}
    for record in ledgers.of(LedgerKind.STUDY):
        if isinstance(record.values.get("学习笔记"), (int, float)):
            checks.setdefault(record["姓名"], []).append(record)
    for name, records in checks.items():
        words = [r["学习笔记"] for r in records]
        if len(words) >= 3 and words[0] > 0 and all(a < b for a, b in zip(words, words[1:])) and words[-1] >= 2 * words[0]:
            shown = "、".join(_show_number(w) for w in words)
            first = records[0].src
            log.warning(first.file, f"{name}各次检查的学习笔记字数逐次增加（{shown}），像是笔记本上的累计字数；"
                        f"报告把各次相加（共{_show_number(sum(words))}字）",
                        "如果填的是累计字数，请改为每次检查期间新记的字数（如后一次减去前一次）", sheet=first.sheet,
                        row=first.row, column="学习笔记", code=IssueCode.CUMULATIVE)


def _whole(table: Table, fate: RowFate) -> dict[int, RowFate]:
    """A table left out whole: each data row gets `fate` (totals and examples keep theirs)."""
    outcome = dict.fromkeys(table.data_rows, fate)
    outcome.update(dict.fromkeys(table.totals, RowFate.TOTALS))
    outcome.update(dict.fromkeys(table.examples, RowFate.EXAMPLE))
    return outcome


def _possible_fields(tables: list[Table]) -> dict[LedgerKind, frozenset[str]]:
    """Per ledger kind, the fields its records can hold in this run: the columns its sheets
    have, and what normalise sets from elsewhere (vocab.Kind.derived, vocab.DERIVED)."""
    columns: dict[LedgerKind, set[str]] = {}
    for table in tables:
        columns.setdefault(table.kind.name, set()).update(table.columns)
    return {name: vocab.KIND_BY_NAME[name].fields_with(found) for name, found in columns.items()}


class AccountingError(RuntimeError):
    """A row of a ledger sheet was not accounted for exactly once: a defect, never bad input."""


def _account(table: Table, outcome: dict[int, RowFate]) -> Account:
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


def _unaccounted(table: Table, outcome: dict[int, RowFate], skipped: set[int]) -> list[int]:
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
        draft = "，报告将注明“本稿仅供核对”" if kinds[0] == LedgerKind.TASKS else ""
        if not any(k in ledgers.records for k in kinds):
            log.warning(FOLDER, f"没有找到“{kinds[0]}”，报告中与之相关的内容将略去，相关规则不作检查"
                        + (f"；{_SECTIONS[kinds[0]]}部分没有内容{draft}" if draft else ""),
                        "如果本年度有这类记录，请把台账放进输入文件夹", code=IssueCode.MISSING_LEDGER)
        elif kinds[0] in _SECTIONS and not ledgers.of(kinds[0]):
            log.warning(FOLDER, f"“{kinds[0]}”中没有内容，报告{_SECTIONS[kinds[0]]}部分将没有内容{draft}",
                        f"请在“{kinds[0]}”中填写", code=IssueCode.MISSING_LEDGER)


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
    folded: dict[str, str | None] = {}
    for name in roster:
        key = fold_name(name)
        folded[key] = None if key in folded else name  # two roster names folding alike: no match
    checks = [(LedgerKind.TALKS, "谈话对象"), (LedgerKind.STUDY, "姓名"), (LedgerKind.DUES_WIDE, "姓名"),
              (LedgerKind.DUES_LONG, "姓名"), (LedgerKind.ACTIVITIES, "参加人员"), (LedgerKind.ACTIVITIES, "缺席人员")]
    warned = set()
    for kind, column in checks:
        attendance = kind == LedgerKind.ACTIVITIES
        for record in ledgers.of(kind):
            if kind in (LedgerKind.DUES_WIDE, LedgerKind.DUES_LONG) and is_remit_row(record):
                continue
            names = record[column]
            many = isinstance(names, tuple)
            out = []
            for name in (names if many else (names,)):
                out.append(name)
                bare = _BRACKETS.sub("", name).strip() if name else name
                if not bare or bare in roster or (attendance and (bare in vocab.ALL_MEMBERS or _COUNT.match(bare))):
                    continue
                same = folded.get(fold_name(bare))
                if same:
                    # 张三（书记）, 阿依•古丽: the roster's member, said once per cell.
                    out[-1] = name.replace(bare, same) if attendance else same
                    log.info(record.src.file, f"“{name}”按党员名册中的“{same}”计（写法不同：中间点或括号内的职务）",
                             "如果不是同一人，请改正姓名", sheet=record.src.sheet, row=record.src.row, column=column,
                             value=name, code=IssueCode.NAME_VARIANT)
                    continue
                if (bare, record.src) not in warned:
                    warned.add((bare, record.src))
                    what = "不计入党员覆盖情况" if not attendance else "不计入到会情况"
                    log.warning(record.src.file, f"“{bare}”不在党员名册中，{what}",
                                "如果是笔误，请改为名册中的姓名；如果是新党员，请补入党员名册",
                                sheet=record.src.sheet, row=record.src.row, column=column,
                                value=bare, code=IssueCode.NOT_IN_ROSTER)
            if out != list(names if many else (names,)):
                record.values[column] = tuple(out) if many else out[0]


_BRACKETS = re.compile(r"[（(][^（()）]*[)）]")
_COUNT = re.compile(r"^(共|计)?\d+(人|名)?$")


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
            outcome[record.src.row - 1] = RowFate.FAILED
            ledgers.incomplete.add(LedgerKind.DUES_WIDE)
            continue
        repeated = [m for m in months if (name, m) in facts]
        if repeated:
            other = facts[(name, repeated[0])][1]
            if len(repeated) == len(months):
                outcome[record.src.row - 1] = RowFate.DUPLICATE
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
            outcomes[(record.src.file, record.src.sheet)][record.src.row - 1] = RowFate.DUPLICATE
            log.warning(record.src.file, f"{name}{month}月的这笔党费已在{other.src.where()}的{month}月（{other.cells[month]}）"
                        "记过，金额相同，只计一次", "同一笔党费只记在一种台账中（横表或逐笔表），请删去一处",
                        code=IssueCode.DUPLICATE, **where)
            continue
        outcomes[(record.src.file, record.src.sheet)][record.src.row - 1] = RowFate.FAILED
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
            outcomes[(record.src.file, record.src.sheet)][record.src.row - 1] = RowFate.FAILED
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
        raw = raw.strip(SPACES)
        if not raw:
            return None
    elif raw is None or raw.__class__ not in (int, float):
        return None
    try:
        return parse_number(raw)[0]
    except ValueError:
        return None
