"""The .docx outputs of 述职评议, built on the default template like 各支部汇总.docx: its body
emptied, its styles (报告标题, 一级标题, 二级标题, 报告正文, 表格文字, 表注), page setup and page
numbers reused, then finalize_docx for the GB/T 9704 fonts and fixed bytes."""

from __future__ import annotations

import io

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Mm

from pipeline.many.rollup_report import blank_document, style_of
from pipeline.writing.layout import finalize_docx

TITLE, H1, H2, BODY, CELL, NOTE, SIGN = "报告标题", "一级标题", "二级标题", "报告正文", "表格文字", "表注", "落款"
TABLE = "table"
BOX = "□"


def _table(document, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    try:
        table.style = document.styles["Table Grid"]
    except KeyError:
        pass
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    cell_style = style_of(document, CELL).style_id
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    for index, (row, values) in enumerate(zip(table.rows, [headers, *rows])):
        if index == 0:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        for cell, text, width in zip(row.cells, values, widths):
            cell.width = Mm(width)
            lines = str(text).split("\n")
            left = index > 0 and width >= 50  # a wide column of sentences reads better flush left
            paragraph = cell.paragraphs[0]
            paragraph._p.style = cell_style
            paragraph.add_run(lines[0]).bold = index == 0 or None
            for line in lines[1:]:
                more = cell.add_paragraph()
                more._p.style = cell_style
                more.add_run(line)
            if left:
                for item in cell.paragraphs:
                    item.alignment = WD_ALIGN_PARAGRAPH.LEFT


def build(blocks: list[tuple[str, object]], title: str, year: int | None) -> bytes:
    """Deterministic .docx bytes of (style, text) and (TABLE, (headers, rows, widths mm)) blocks;
    a "pagebreak" block starts a new page."""
    document = blank_document()
    for style, content in blocks:
        if style == TABLE:
            assert isinstance(content, tuple)
            _table(document, *content)
        elif style == "pagebreak":
            document.add_page_break()
        else:
            document.add_paragraph(str(content), style=style_of(document, style))
    document.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return finalize_docx(buffer.getvalue(), {"title": title, "date": f"{year + 1}-01-01T00:00:00Z" if year
                                             else "2000-01-01T00:00:00Z"})
