"""三张清单.xlsx per branch: 问题清单 (检查发现, the reviewer's 点评 items, the secretary's own
查摆问题), 责任清单 (who answers for each), 整改清单 (措施, 时限) — the last in the 整改台账's shape
(pipeline.years.checklist), so `init --previous` makes it next year's 整改台账."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from openpyxl import Workbook

from pipeline.core.outputs import deterministic_zip
from pipeline.core.xlsxstyle import BOLD, BORDER, CENTER, HEADER_FILL, WRAP, fit_height, fit_to_width
from pipeline.core.xlsxwrite import put
from pipeline.evaluation.branches import BranchOut
from pipeline.evaluation.indicators import cite
from pipeline.evaluation.outline import Problem
from pipeline.evaluation.settings import EvalSettings
from pipeline.years.checklist import DUTY_SHEET, PROBLEM_SHEET, RECTIFY_COLUMNS, RECTIFY_SHEET

FROM_RULES, FROM_REVIEW, FROM_SELF = "规则检查", "领导点评", "本人查摆"


@dataclass(frozen=True)
class Item:
    problem: str  # one line: what the 整改台账's 问题 column says
    detail: str
    source: str  # FROM_*
    basis: str = ""
    rows: str = ""
    measure: str | None = None


def items(branch: BranchOut, found: list[Problem], comments: list[str]) -> list[Item]:
    out = [Item(f"{p.title}：{p.text}", p.text, FROM_RULES + ("（共性问题）" if p.common else ""), p.basis,
                cite(p.rows), f"按{p.basis}的要求落实“{p.rule}”，每月对照台账自查，发现未落实的当月补正") for p in found]
    out += [Item(f"领导点评：{c}", c, FROM_REVIEW) for c in comments if c.strip()]
    for own in branch.metrics.get("问题") or []:
        if isinstance(own, dict) and (own.get("标题") or own.get("内容")):
            title = str(own.get("标题") or "").strip().rstrip("。；;，,")
            out.append(Item(title or str(own.get("内容")), str(own.get("内容") or ""), FROM_SELF,
                            rows=cite(branch.rows("问题"))))
    return out


def deadline(branch: BranchOut, config: EvalSettings) -> dt.date | str:
    year = branch.year
    text = config.deadline.replace("{next}", str(year + 1)) if year else ""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _sheet(ws, title: str, headers: list[str], widths: list[int], rows: list[list]) -> None:
    put(ws, 1, 1, title).font = BOLD
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for column, (header, width) in enumerate(zip(headers, widths), 1):
        cell = put(ws, 2, column, header)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[cell.column_letter].width = width
    for r, values in enumerate(rows, 3):
        for column, value in enumerate(values, 1):
            cell = put(ws, r, column, value)
            cell.border, cell.alignment = BORDER, WRAP
            if isinstance(value, dt.date):
                cell.number_format = 'yyyy"年"m"月"d"日"'
        fit_height(ws, r, widths)
    ws.freeze_panes = "A3"
    fit_to_width(ws, "1:2")


def checklist_workbook(branch: BranchOut, found: list[Problem], comments: list[str], config: EvalSettings) -> bytes:
    listed = items(branch, found, comments)
    who = branch.secretary or "支部书记"
    when = deadline(branch, config)
    year = f"{branch.year}年度" if branch.year else ""
    wb = Workbook()
    ws = wb.active
    ws.title = PROBLEM_SHEET
    _sheet(ws, f"{branch.name}{year}述职评议问题清单", ["序号", "问题", "具体表现", "来源", "依据", "台账行"],
           [6, 36, 40, 14, 30, 40],
           [[i, it.problem, it.detail, it.source, it.basis or None, it.rows or None] for i, it in enumerate(listed, 1)])
    _sheet(wb.create_sheet(DUTY_SHEET), f"{branch.name}{year}述职评议责任清单",
           ["序号", "问题", "责任人", "责任"], [6, 50, 14, 40],
           [[i, it.problem, who, "第一责任人（支部书记）：牵头整改，按时限办结并报上级党委"]
            for i, it in enumerate(listed, 1)])
    _sheet(wb.create_sheet(RECTIFY_SHEET), f"{branch.name}{year}述职评议整改清单（下一年度 make init PREVIOUS=本文件夹"
                                           " 时作为整改台账预填）",
           ["序号", *RECTIFY_COLUMNS], [6, 40, 40, 12, 16, 10, 14, 24],
           [[i, it.problem, it.measure, who, when, None, None, None] for i, it in enumerate(listed, 1)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())
