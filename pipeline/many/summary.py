"""The multi-branch summary workbook (各支部汇总.xlsx) a reviewer works from: a row per branch
with its figures, status and findings, the totals, each rule's compliance with a chart, the
activity by month with a chart, and a sheet per rule naming the branches that fail it.
Also writes the roll-up report (各支部汇总.docx) from the same rows."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.core.manifest import keep_edited, read_manifest, write_manifest
from pipeline.core.outputs import all_or_nothing, deterministic_zip, write_bytes
from pipeline.core.xlsxstyle import BOLD, BORDER, CENTER, HEADER_FILL, WRAP, fit_height, fit_to_width
from pipeline.core.xlsxwrite import append, safe_link
from pipeline.many.rollup import ERRORS, FAILED, FIGURES, MONTHLY, OK, TOTALLED, Rollup
from pipeline.rules.table import RULES

SUMMARY_NAME = "各支部汇总.xlsx"
MAIN = "各支部汇总"
TOTALS = "合计"
COMPLIANCE = "规则达标情况"
BY_MONTH = "按月活动"

FAILED_FILL = PatternFill("solid", fgColor="F8CBAD")
ERROR_FILL = PatternFill("solid", fgColor="FCE4D6")
DUPLICATE_FILL = PatternFill("solid", fgColor="FFF2CC")
LINK_FONT = Font(color="0563C1", underline="single")

# The main sheet: (header, width); the figure columns sit between 状态 and 规则检查发现.
LEAD = (("序号", 5), ("支部文件夹", 12), ("党支部名称", 20), ("报告年度", 6), ("状态", 7))
TAIL = (("规则检查发现（项）", 8), ("发现内容", 32), ("校验错误", 6), ("校验警告", 6), ("报告", 9),
        ("备注", 24))


def _status_note(row, duplicates: dict[str, list[str]]) -> str:
    notes = []
    if row.status == FAILED:
        notes.append(f"未能处理：{row.reason}")
    elif row.status == ERRORS:
        notes.append(f"台账有 {row.errors} 个错误，数字未列出、未计入合计，见该支部校验报告")
    if row.missing:
        notes.append(f"缺少{'、'.join(row.missing)}，相应数字空白、未计入合计")
    if row.name in duplicates:
        others = [f for f in duplicates[row.name] if f != row.folder]
        notes.append(f"党支部名称与 {'、'.join(others)} 相同，请核实")
    return "；".join(notes)


def _report_cell(row) -> str:
    if row.report_written:
        return "已生成" if row.status == OK else "已生成（有错误的行未计入）"
    return "未生成"


def _header(ws, headers: list[str], widths: list[int]) -> None:
    for index, (text, width) in enumerate(zip(headers, widths), 1):
        cell = ws.cell(row=1, column=index, value=text)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[get_column_letter(index)].width = width


def _table(ws, headers: list[str], widths: list[int], rows: list[list]) -> None:
    """Header row 1 (frozen, filtered, repeated on every printed page), then the rows."""
    _header(ws, headers, widths)
    for values in rows:
        append(ws, values)
    for line in ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=len(headers)):
        for cell in line:
            cell.border, cell.alignment = BORDER, WRAP
    for index in range(2, ws.max_row + 1):
        fit_height(ws, index, widths)  # Excel does not grow a row for wrapped text by itself
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(ws.max_row, 1)}"
    fit_to_width(ws, "1:1")


def _main_sheet(ws, rollup: Rollup) -> None:
    duplicates = rollup.duplicates()
    heads = [h for h, _ in LEAD] + [h for h, *_ in FIGURES] + [h for h, _ in TAIL]
    # Narrow figure columns with wrapped headers, so A4 landscape fit to width stays legible.
    widths = [w for _, w in LEAD] + [8 if "元" in h else 6 for h, *_ in FIGURES] + [w for _, w in TAIL]
    rows = []
    for number, row in enumerate(rollup.rows, 1):
        figures = [row.figures.get(h) for h, *_ in FIGURES] if row.status == OK else [None] * len(FIGURES)
        findings = len(row.findings) if row.status == OK else None
        said = "；".join(text for _, text in row.findings)
        rows.append([number, row.folder, row.name or None, row.year, row.status, *figures, findings, said or None,
                     row.errors if row.status != FAILED else None,
                     row.warnings if row.status != FAILED else None, _report_cell(row),
                     _status_note(row, duplicates) or None])
    _table(ws, heads, widths, rows)
    ws.freeze_panes = "D2"  # 序号, 文件夹 and 名称 stay in view while scrolling right
    ws.row_dimensions[1].height = 45  # headers wrap onto up to three lines
    status_col = len(LEAD)
    note_col = len(heads)
    for offset, row in enumerate(rollup.rows, 2):
        link = ws.cell(row=offset, column=2)
        if target := safe_link(f"{row.folder}/"):  # a folder named like a URL or UNC path gets none
            link.hyperlink = target
            link.font = LINK_FONT
        fill = {FAILED: FAILED_FILL, ERRORS: ERROR_FILL}.get(row.status)
        if fill:
            ws.cell(row=offset, column=status_col).fill = fill
        if row.name in duplicates:
            ws.cell(row=offset, column=3).fill = DUPLICATE_FILL
            ws.cell(row=offset, column=note_col).fill = DUPLICATE_FILL


def _totals_sheet(ws, rollup: Rollup) -> None:
    counted = rollup.counted
    totals = rollup.totals()
    rows = [["支部总数", len(rollup.rows), "个"],
            ["其中：台账无误（计入合计）", len(counted), "个"],
            ["其中：台账有错误（未计入合计）", len(rollup.by_status(ERRORS)), "个"],
            ["其中：未能处理（未计入合计）", len(rollup.by_status(FAILED)), "个"],
            ["已生成报告", sum(1 for r in rollup.rows if r.report_written), "个"],
            ["有规则检查发现的支部", sum(1 for r in counted if r.findings), "个"],
            ["规则检查发现", sum(len(r.findings) for r in counted), "项"]]
    units = {"党费实缴（元）": "元", "党员总数": "名", "正式党员": "名", "预备党员": "名",
             "信息报送": "篇", "信息采用": "篇"}
    rows = [[*r, None] for r in rows]
    rows += [[f"{header.replace('（元）', '')}（合计）", totals[header], units.get(header, "次"),
              rollup.contributors(header)] for header in TOTALLED]
    _table(ws, ["项目", "数量", "单位", "计入的支部数"], [34, 14, 8, 12], rows)
    ws.append([])
    append(ws, [f"合计只含台账无误的 {len(counted)} 个支部；有错误或未能处理的支部的数字未列出，也未计入；"
               "缺少某种台账的支部，该台账的数字也未计入（见“计入的支部数”）。"])


def _compliance_sheet(ws, rollup: Rollup) -> None:
    rows = []
    for stat in rollup.rule_stats():
        rows.append([stat.name, stat.checked, stat.met, stat.unmet,
                     round(stat.rate, 4) if stat.rate is not None else None,
                     len(rollup.counted) - stat.checked])
    _table(ws, ["规则", "检查的支部", "达标", "未达标", "达标率", "未检查（不适用或缺台账）"],
           [22, 10, 8, 8, 9, 16], rows)
    for (cell,) in ws.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=5, max_col=5):
        cell.number_format = "0.0%"
    chart = BarChart()
    chart.type = "bar"
    chart.title = "各规则达标率（台账无误的支部）"
    chart.y_axis.title = "达标率"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.legend = None
    chart.add_data(Reference(ws, min_col=5, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rows) + 1))
    chart.height, chart.width = 10, 18
    ws.add_chart(chart, "H2")


def _month_sheet(ws, rollup: Rollup) -> None:
    monthly = rollup.monthly()
    rows = [[f"{m}月", *[monthly[kind][m - 1] for kind in MONTHLY]] for m in range(1, 13)]
    rows.append(["合计", *[sum(monthly[kind]) for kind in MONTHLY]])
    _table(ws, ["月份", *MONTHLY], [8, *[10] * len(MONTHLY)], rows)
    chart = LineChart()
    chart.title = "各月组织生活（台账无误的支部合计）"
    chart.y_axis.title = "次数"
    chart.x_axis.title = "月份"
    chart.add_data(Reference(ws, min_col=2, max_col=len(MONTHLY) + 1, min_row=1, max_row=13), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=13))
    chart.height, chart.width = 10, 18
    ws.add_chart(chart, "H2")


def _rule_sheet(ws, rollup: Rollup, rule) -> None:
    rows = [[row.folder, row.name or None, "；".join(said)] for row, said in rollup.failing(rule.id)]
    _table(ws, ["支部文件夹", "党支部名称", "发现"], [16, 26, 70], rows)
    ws.append([])
    append(ws, [f"规则：{rule.name}。只列台账无误的支部中未达标的；"
               + ("没有未达标的支部。" if not rows else f"共 {len(rows)} 个。")])


def summary_workbook(rollup: Rollup) -> bytes:
    """Deterministic .xlsx bytes: branches in folder order."""
    wb = Workbook()
    _main_sheet(wb.active, rollup)
    wb.active.title = MAIN
    _totals_sheet(wb.create_sheet(TOTALS), rollup)
    _compliance_sheet(wb.create_sheet(COMPLIANCE), rollup)
    _month_sheet(wb.create_sheet(BY_MONTH), rollup)
    for rule in RULES:
        _rule_sheet(wb.create_sheet(f"未达标-{rule.name}"[:31]), rollup, rule)
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())


def write_summary(rollup: Rollup, outputs: Path) -> tuple[list[Path], list[str]]:
    """各支部汇总.xlsx and 各支部汇总.docx in `outputs` (an edited one kept aside); the notices."""
    from pipeline.many.rollup_report import ROLLUP_NAME, rollup_docx

    files = {SUMMARY_NAME: summary_workbook(rollup), ROLLUP_NAME: rollup_docx(rollup)}
    manifest = read_manifest(outputs)
    notices = [notice for name, data in files.items() if (notice := keep_edited(outputs / name, data, manifest))]
    with all_or_nothing():  # both or, one being open in Excel or Word, neither
        for name, data in files.items():
            write_bytes(outputs / name, data)
        write_manifest(outputs, manifest, files)
    return [outputs / name for name in files], notices
