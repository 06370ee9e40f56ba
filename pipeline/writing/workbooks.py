"""The validation workbook (校验报告.xlsx): a summary, every problem, the rule-check findings,
and copies of the affected ledger rows with the offending cells highlighted and commented.

The affected rows come with the run (pipeline.reading.affected); no input file is opened here.
"""

from __future__ import annotations

import copy
import io
import re
import weakref
from collections import Counter
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from pipeline.core.issues import ERROR, INFO, WARNING, Issue, IssueLog
from pipeline.core.outputs import deterministic_zip
from pipeline.core.values import is_blank
from pipeline.core.xlsxstyle import BOLD, BORDER, CENTER, HEADER_FILL, WRAP, fit_height, fit_to_width
from pipeline.core.xlsxwrite import excel_text, put
from pipeline.reading.affected import AffectedSheet
from pipeline.reading.readers import column_letter
from pipeline.writing.validation import ACCOUNT_COLUMNS, KEEP_GOING_NOTE, account_row, findings_verdict, unchecked_rules, verdict

ROWS_PREFIX = "问题行-"
# Not "问题清单": that is the name of a ledger, and the two would be confused.
LIST_SHEET = "全部问题"
MAX_COPIED_ROWS = 2000  # per ledger sheet; the rest stay listed on 全部问题

# ---------------------------------------------------------------- styles

_BORDER, _HEADER_FILL = BORDER, HEADER_FILL
_FILLS = {ERROR: PatternFill("solid", fgColor="FFC7CE"), WARNING: PatternFill("solid", fgColor="FFEB9C"),
          INFO: PatternFill("solid", fgColor="DDEBF7")}
_BOLD = BOLD
_TITLE = Font(bold=True, size=14)
_LINK = Font(color="0563C1", underline="single")
_WRAP, _CENTER = WRAP, CENTER
_AUTHOR = "校验报告"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


# Named styles of the body cells, added to each workbook by _add_styles.
_BOXED, _BOXED_WRAP = "校验-单元格", "校验-正文"


def _add_styles(wb: Workbook) -> None:
    wb.add_named_style(NamedStyle(name=_BOXED, border=_BORDER))
    wb.add_named_style(NamedStyle(name=_BOXED_WRAP, border=_BORDER, alignment=_WRAP))


# A workbook's header style, once its first header cell has registered it: setting the four
# parts on every cell would look each one up again (openpyxl hashes a style on every assignment).
_HEADER_STYLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _header(ws, row: int, values: list[str], widths: list[int] | None = None) -> None:
    for index, value in enumerate(values, 1):
        cell = put(ws, row, index, value)
        done = _HEADER_STYLES.get(ws.parent) if isinstance(value, str) else None
        if done is not None:
            cell._style = copy.copy(done)  # the same style, already registered in this workbook
        else:
            cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _BORDER, _CENTER
            if isinstance(value, str):
                _HEADER_STYLES[ws.parent] = copy.copy(cell._style)
        if widths:
            ws.column_dimensions[get_column_letter(index)].width = widths[index - 1]


# ---------------------------------------------------------------- affected rows

@dataclass
class _Copied:
    """One affected ledger sheet and the copy sheet its rows go to."""

    rows: AffectedSheet
    title: str = ""
    where: dict[int, int] = field(default_factory=dict)  # Excel row -> row on the copy sheet


def _sheet_title(name: str, used: set[str]) -> str:
    """问题行-<sheet>: at most 31 characters, none of []:*?/\\, unique (case-insensitive)."""
    base = (ROWS_PREFIX + _BAD_TITLE.sub("_", excel_text(name))).strip("'")[:31]
    title, n = base, 1
    while title.lower() in used:
        n += 1
        suffix = f"({n})"
        title = base[:31 - len(suffix)] + suffix
    used.add(title.lower())
    return title


def _comment_text(issues: list[Issue]) -> str:
    lines = []
    for issue in issues:
        text = f"[{issue.severity}] "
        if issue.value not in (None, ""):
            text += f"值「{issue.value}」"
        text += issue.reason.rstrip("。") + "。"
        if issue.action:
            text += f"处理：{issue.action.rstrip('。')}。"
        lines.append(text)
    return excel_text("\n".join(lines))


def _rows_sheet(wb: Workbook, copied: _Copied) -> None:
    ws = wb.create_sheet(copied.title)
    affected = copied.rows
    rows = sorted(affected.rows)
    originals = affected.rows
    headers = affected.headers
    # Up to the last filled cell or header (calamine pads rows to the sheet's width).
    filled = [i for row in originals.values() for i, v in enumerate(row) if not is_blank(v)]
    width = max(filled + [max(headers, default=0)]) + 1
    put(ws, 1, 1, f"文件：{affected.file}　工作表：{affected.sheet}"
                   "　（出错行的副本：红色为错误，黄色为警告，鼠标指向单元格可看说明；请在原台账中改正）").font = _BOLD
    _header(ws, 2, ["原行号", *[headers.get(i) or f"（{column_letter(i)}列）" for i in range(width)]])
    ws.column_dimensions["A"].width = 8
    for i in range(width):
        typed = headers.get(i, "")
        ws.column_dimensions[get_column_letter(i + 2)].width = min(max(10, 2 * len(typed) + 4), 40)
    for n, r in enumerate(rows[:MAX_COPIED_ROWS], 3):
        copied.where[r] = n
        row = originals[r]
        number = ws.cell(row=n, column=1, value=r)
        number.border, number.alignment = _BORDER, _CENTER
        for i in range(width):
            put(ws, n, i + 2, row[i] if i < len(row) else None, _BOXED)
        by_cell: dict[int, list[Issue]] = {}
        for issue in affected.issues[r]:
            by_cell.setdefault(-1 if issue.col is None else issue.col, []).append(issue)
        for index, issues in sorted(by_cell.items()):
            cell = ws.cell(row=n, column=index + 2)
            cell.fill = _FILLS[ERROR if any(i.severity == ERROR for i in issues) else WARNING]
            comment = Comment(_comment_text(issues), _AUTHOR)
            comment.width, comment.height = 320, 60 + 40 * len(issues)
            cell.comment = comment
    if len(rows) > MAX_COPIED_ROWS:
        put(ws, MAX_COPIED_ROWS + 3, 1, f"其余 {len(rows) - MAX_COPIED_ROWS} 行未复制，见“{LIST_SHEET}”。").font = _BOLD
    ws.freeze_panes = "B3"


# ---------------------------------------------------------------- the workbook

def _summary(ws, log: IssueLog, branch: str, year: int | None, files: list[str], findings, keep_going: bool,
             notes: list[str] | None = None) -> None:
    counts = log.counts()
    ws.column_dimensions["A"].width = 40
    for letter in "BCD":
        ws.column_dimensions[letter].width = 10
    put(ws, 1, 1, f"校验报告{f'：{branch}' if branch else ''}").font = _TITLE
    lines = [f"报告年度：{year}年" if year else "报告年度：未确定",
             f"读取文件：{len(files)} 个",
             f"结果：{counts['错误']} 个错误，{counts['警告']} 个警告。{verdict(log, keep_going)}"]
    lines += [f"说明：{note}" for note in notes or []]
    if log.infos:
        lines.append(f"提示：{len(log.infos)} 条（不需改正：隐藏的工作表或行已照常统计等，见“{LIST_SHEET}”）")
    if findings is not None:
        lines.append(f"规则检查发现：{len(findings)} 项（见“规则检查”工作表）")
    lines += [f"怎样改：在“{LIST_SHEET}”中逐条查看，点“行”列的链接可跳到出错的行；",
              "“问题行-”开头的工作表（如有）复制了出错的行，错误标红、警告标黄，鼠标指向单元格可看说明；",
              "请在原台账中改正，然后重新检查。"]
    if keep_going and log.errors:
        lines.append(f"已按 --keep-going 生成报告：{KEEP_GOING_NOTE}")
    row = 2
    for line in lines:
        put(ws, row, 1, line).alignment = Alignment(wrap_text=False)
        row += 1
    row += 1
    put(ws, row, 1, "按文件统计").font = _BOLD
    _header(ws, row + 1, ["文件", "错误", "警告", "合计"])
    per_file: dict[str, Counter] = {name: Counter() for name in files}
    for issue in log.items:
        per_file.setdefault(issue.file, Counter())[issue.severity] += 1
    row += 2
    for name, c in [*per_file.items(), ("合计", Counter({ERROR: counts["错误"], WARNING: counts["警告"]}))]:
        for index, value in enumerate((name, c[ERROR], c[WARNING], c[ERROR] + c[WARNING]), 1):
            cell = put(ws, row, index, value, _BOXED)
            if name == "合计" and index == 1:
                cell.font = _BOLD
        row += 1
    row += 1
    put(ws, row, 1, "按问题种类统计").font = _BOLD
    _header(ws, row + 1, ["问题种类", "级别", "个数"])
    row += 2
    kinds = Counter((i.code.label, i.severity) for i in log.items)
    for (label, severity), n in sorted(kinds.items(), key=lambda kv: (kv[0][1] != ERROR, -kv[1], kv[0][0])):
        for index, value in enumerate((label, severity, n), 1):
            put(ws, row, index, value, _BOXED)
        ws.cell(row=row, column=2).fill = _FILLS[severity]
        row += 1
    if not kinds:
        put(ws, row, 1, "没有发现问题。")


ACCOUNT_SHEET = "行数核对"


def _accounts(ws, accounts: list) -> None:
    """Row accounting per ledger sheet: 读取 = 计入 + 重复 + 合计行 + 非本年度 + 未召开 + 示例 + 出错."""
    widths = [24, 16, 16, *[8] * (len(ACCOUNT_COLUMNS) - 4), 16]
    _header(ws, 1, list(ACCOUNT_COLUMNS), widths)
    for n, account in enumerate(accounts, 2):
        for index, value in enumerate(account_row(account), 1):
            put(ws, n, index, value, _BOXED)
    put(ws, len(accounts) + 3, 1,
         "每张台账工作表：读取 = 计入 + 重复 + 合计行 + 非本年度 + 未召开 + 示例 + 出错（见 README“看懂校验报告”）。")
    ws.freeze_panes = "A2"


def _problems(ws, log: IssueLog, links: dict[tuple[str, str, int], tuple[str, int]]) -> None:
    columns = ["序号", "级别", "文件", "工作表", "行", "列", "值", "问题", "处理办法"]
    widths = [6, 6, 24, 16, 6, 14, 16, 50, 50]
    _header(ws, 1, columns, widths)
    for n, issue in enumerate(log.items, 1):
        values = (n, issue.severity, issue.file, issue.sheet or "", issue.row, issue.column or "",
                  issue.value or "", issue.reason, issue.action)
        for index, value in enumerate(values, 1):
            put(ws, n + 1, index, value, _BOXED_WRAP)
        ws.cell(row=n + 1, column=2).fill = _FILLS[issue.severity]
        fit_height(ws, n + 1, widths)
        target = links.get((issue.file, issue.sheet or "", issue.row or 0))
        if target:
            cell = ws.cell(row=n + 1, column=5)
            title = target[0].replace("'", "''")  # quoted sheet names double their apostrophes
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{title}'!A{target[1]}", tooltip="查看这一行")
            cell.font = _LINK
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(log.items) + 1, 2)}"


def _findings(ws, findings: list[dict], checked: dict | None = None) -> None:
    widths = [6, 20, 50, 24, 40, 10]
    _header(ws, 1, ["序号", "规则", "说明", "涉及", "依据", "依据类别"], widths)
    for n, finding in enumerate(findings, 1):
        involved = "、".join(str(x) for x in finding.get("涉及") or [])
        values = (n, finding.get("规则", ""), finding.get("说明", ""), involved, finding.get("依据", ""),
                  finding.get("依据类别", ""))
        for index, value in enumerate(values, 1):
            put(ws, n + 1, index, value, _BOXED_WRAP)
        fit_height(ws, n + 1, widths)
    row = len(findings) + 2
    if not findings:
        put(ws, row, 1, findings_verdict(findings, checked))
        row += 1
    skipped = unchecked_rules(checked)
    if skipped:
        put(ws, row + 1, 1, "未检查的规则：").font = _BOLD
        for n, item in enumerate(skipped, row + 2):
            put(ws, n, 1, f"- {item}")
        row += 2 + len(skipped)
    if checked:
        from pipeline.rules.check import settings_lines

        row += 1
        put(ws, row, 1, "本次检查使用的规则和依据（标有“本支部基本信息设置”的来自本支部基本信息表）").font = _BOLD
        for n, line in enumerate(settings_lines(checked), row + 1):
            put(ws, n, 1, line)
    ws.freeze_panes = "A2"


def validation_workbook(log: IssueLog, *, branch: str, year: int | None, files: list[str],
                        findings: list[dict] | None = None, keep_going: bool = False,
                        affected: list[AffectedSheet] | None = None, checked: dict | None = None,
                        notes: list[str] | None = None, accounts: list | None = None) -> bytes:
    """Deterministic .xlsx bytes; `affected` holds the rows the issues point at (affected.collect);
    `checked` (检查规则) names the rules not checked, as 校验报告.md does; `accounts` is the row
    accounting per sheet (行数核对)."""
    wb = Workbook()
    _add_styles(wb)
    summary = wb.active
    summary.title = "汇总"
    problems = wb.create_sheet(LIST_SHEET)
    if findings is not None:
        _findings(wb.create_sheet("规则检查"), findings, checked)
    if accounts:
        _accounts(wb.create_sheet(ACCOUNT_SHEET), accounts)
    used = {ws.title.lower() for ws in wb.worksheets}
    links: dict[tuple[str, str, int], tuple[str, int]] = {}
    for rows in affected or []:
        copied = _Copied(rows, _sheet_title(rows.sheet, used))
        _rows_sheet(wb, copied)
        for r, n in copied.where.items():
            links[(rows.file, rows.sheet, r)] = (copied.title, n)
    _summary(summary, log, branch, year, files, findings, keep_going, notes)
    _problems(problems, log, links)
    for ws in wb.worksheets:
        fit_to_width(ws, "1:2" if ws.title.startswith(ROWS_PREFIX) else "1:1" if ws.title != "汇总" else None)
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())
