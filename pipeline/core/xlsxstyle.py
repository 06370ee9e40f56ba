"""Look and layout shared by the workbooks the pipeline writes (blank ledgers, 校验报告.xlsx,
各支部汇总.xlsx), so the three read as one product."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)


def fit_height(ws, row: int, widths: list[int]) -> None:
    """Set a row's height to show its wrapped text (CJK characters count double)."""
    lines = 1
    for index, width in enumerate(widths, 1):
        text = str(ws.cell(row=row, column=index).value or "")
        shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
        lines = max(lines, -(-shown // max(width - 1, 1)))
    if lines > 1:
        ws.row_dimensions[row].height = 17 * lines


def fit_to_width(ws, title_rows: str | None = None) -> None:
    """Print on landscape A4, all columns on one page width, title rows repeated, the sheet's
    name above and the page number below (a printed or PDF page says which sheet it is)."""
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if title_rows:
        ws.print_title_rows = title_rows
