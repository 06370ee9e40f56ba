"""差异报告.xlsx: the diff of two output folders as sheets a reviewer can filter and sort."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from pipeline.core.outputs import deterministic_zip
from pipeline.core.xlsxstyle import BOLD, BORDER, CENTER, HEADER_FILL, WRAP, fit_height, fit_to_width
from pipeline.core.xlsxwrite import append
from pipeline.review.changes import Diff, SourceChange, delta, mark_words, rows_count, show


def _sheet(wb: Workbook, title: str, headers: list[str], widths: list[int], rows: list[list]) -> None:
    ws = wb.create_sheet(title)
    ws.append(headers)
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, BORDER
    for row in rows or [["无"] + [""] * (len(headers) - 1)]:
        append(ws, row)
        for index in range(1, len(headers) + 1):
            cell = ws.cell(row=ws.max_row, column=index)
            cell.alignment, cell.border = WRAP, BORDER
        fit_height(ws, ws.max_row, widths)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    fit_to_width(ws, "1:1")


def _value(value):
    """Numbers stay numbers (a reviewer sums and sorts them); everything else as read."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return show(value)


def _row_lines(changes: list[SourceChange]) -> list[list]:
    return [[c.key, "、".join(f.name for f in c.figures) or "（数字未变）", sign, row.ref, row.content]
            for c in changes for sign, rows in (("新增", c.added), ("删去", c.removed)) for row in rows]


def diff_workbook(diff: Diff) -> bytes:
    """汇总, 数字变化, 台账行, 文字变化, 检查发现, 报告段落 — deterministic bytes."""
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    lines: list[list[Any]] = [["旧", diff.old.label], ["新", diff.new.label],
             ["结论", "有差异" if diff.differs else "一致"],
             ["数字变化", len(diff.numbers)], ["文字变化", len(diff.texts)],
             ["检查发现新增", len(diff.findings_added)], ["检查发现消除", len(diff.findings_removed)],
             ["报告段落变化", len(diff.paragraphs)], ["台账行有变化的来源", len(diff.sources)]]
    lines += [["注意", note] for note in diff.notes]
    for line in lines:
        append(summary, line)
        summary.cell(row=summary.max_row, column=1).font = BOLD
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 24, 90
    _sheet(wb, "数字变化", ["指标", "原数", "新数", "增减", "来源（provenance.json）", "来源台账行"],
           [36, 14, 14, 10, 28, 22],
           [[c.name, _value(c.old), _value(c.new), delta(c.old, c.new), c.source, rows_count(diff, c)]
            for c in diff.numbers])
    _sheet(wb, "台账行", ["来源（provenance.json）", "变化的数字", "变化", "台账行（文件 / 工作表 / 行）", "内容"],
           [26, 30, 8, 44, 80], _row_lines(diff.sources))
    _sheet(wb, "文字变化", ["项目", "原文", "新文", "标注"], [24, 50, 50, 60],
           [[c.name, show(c.old), show(c.new),
             mark_words(c.old, c.new) if isinstance(c.old, str) and isinstance(c.new, str) else ""]
            for c in diff.texts])
    _sheet(wb, "检查发现", ["变化", "规则", "说明", "涉及"], [8, 24, 60, 30],
           [[sign, f.get("规则", ""), f.get("说明", ""), show(f.get("涉及", []))]
            for sign, found in (("新增", diff.findings_added), ("消除", diff.findings_removed)) for f in found])
    _sheet(wb, "报告段落", ["变化", "原段落", "新段落", "标注"], [8, 50, 50, 60],
           [[p.kind, p.old, p.new, p.marked] for p in diff.paragraphs])
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())
