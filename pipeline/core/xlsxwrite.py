"""The one way the pipeline puts a value into a workbook cell: text from ledgers, folder names or
last year's files is written as text (never a formula a spreadsheet would evaluate, never a link
the tool did not make), clipped at Excel's cell limit with a note in the cell itself."""

from __future__ import annotations

import datetime as dt
import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

EXCEL_CELL_LIMIT = 32767  # characters Excel keeps in one cell; past it Excel refuses the file
CLIPPED = "……（原文超过 Excel 单元格 32767 字的上限，以下从略，全文见输入台账）"
DATE_FORMAT = "yyyy-mm-dd"
_TYPED = (int, float, dt.date, dt.datetime, dt.time)
# A link target the tool makes is a relative path into the output folder: no scheme (http:,
# file:, mailto: — no colon at all), no UNC or absolute path, no way up, no control character.
_UNSAFE_LINK = re.compile(r"^[/\\]|[:\\]|(^|/)\.\.(/|$)|[\x00-\x1f\x7f#%]")


def excel_text(value) -> str:
    """`value` as text Excel accepts: no control characters, at most EXCEL_CELL_LIMIT characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - len(CLIPPED)] + CLIPPED
    return text


def put(ws, row: int, column: int, value, style: str | None = None):
    """Write a value as typed: strings stay text (never a formula), dates get a date format.

    `style` names one of the workbook's named styles (much faster than setting each part)."""
    cell = ws.cell(row=row, column=column)
    if style:
        cell.style = style
    if isinstance(value, str):
        cell.value = excel_text(value)
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a live formula
    elif isinstance(value, _TYPED) or value is None:
        cell.value = value
        if isinstance(value, (dt.date, dt.datetime)):
            cell.number_format = DATE_FORMAT
    else:
        cell.value = excel_text(value)
        cell.data_type = "s"
    return cell


def append(ws, values) -> None:
    """ws.append, with every string written as text through excel_text (an empty row still
    advances, as ws.append does)."""
    values = list(values)
    ws.append([_clean(v) for v in values])
    if any(v is not None for v in values):
        row = ws.max_row
        for column, value in enumerate(values, 1):
            if value is not None and not isinstance(value, _TYPED):
                ws.cell(row=row, column=column).data_type = "s"


def _clean(value):
    return value if value is None or isinstance(value, _TYPED) else excel_text(value)


def safe_link(target: str) -> str | None:
    """`target` when it is a plain relative path into the output folder, else None (no link)."""
    return None if not target or _UNSAFE_LINK.search(target) else target
