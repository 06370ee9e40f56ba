"""The 整改清单 of a 三张清单.xlsx (written by `evaluate`, docs/述职评议.md) as next year's
整改台账 rows: its sheet has the 整改台账's columns, so `init --previous` carries the 述职评议's
problems, measures, 责任人 and 时限 into the new year (the loop the 三张清单 close).

The shape is defined here, below both the writer (pipeline.evaluation) and the reader (prefill)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pipeline.core.errors import UsageError

CHECKLISTS = "三张清单.xlsx"
PROBLEM_SHEET, DUTY_SHEET, RECTIFY_SHEET = "问题清单", "责任清单", "整改清单"
# The 整改台账's columns (vocab LedgerKind.RECTIFY) after 序号; the first four are filled by
# `evaluate`, the last three next year.
RECTIFY_COLUMNS = ("问题", "整改措施", "责任人", "完成时限", "完成情况", "完成时间", "未完成原因")
CARRIED = RECTIFY_COLUMNS[:4]
HEADER_ROW = 2  # row 1 the sheet's title


def read_rectify(path: Path) -> list[dict]:
    """The 整改清单 rows with a 问题, as {column: value} of CARRIED (an ISO 时限 as a date)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file: say which one
        raise UsageError(f"无法读取 {path}（{exc.__class__.__name__}）。请用 Excel 或 WPS 另存为 .xlsx 后重试") from None
    try:
        if RECTIFY_SHEET not in wb.sheetnames:
            raise UsageError(f"{path} 中没有“{RECTIFY_SHEET}”工作表")
        rows = list(wb[RECTIFY_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    header = next((i for i, r in enumerate(rows) if "问题" in [str(v or "").strip() for v in r]), None)
    if header is None:
        raise UsageError(f"{path} 的“{RECTIFY_SHEET}”工作表没有“问题”列")
    names = [str(v or "").strip() for v in rows[header]]
    out = []
    for row in rows[header + 1:]:
        values = {name: row[i] for i, name in enumerate(names) if name in CARRIED and i < len(row)}
        if not str(values.get("问题") or "").strip():
            continue
        values = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in values.items()}
        deadline = values.get("完成时限")
        if isinstance(deadline, dt.datetime):
            values["完成时限"] = deadline.date()
        elif isinstance(deadline, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", deadline):
            values["完成时限"] = dt.date.fromisoformat(deadline)
        out.append(values)
    return out
