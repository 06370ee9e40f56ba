"""The roll-up report (各支部汇总.docx) for the 上级党委: how many branches, the totals, each
rule's compliance and the branches that need attention, from the same rows as 各支部汇总.xlsx.

Built with python-docx on the default template itself: its body is emptied and its styles
(报告标题, 一级标题, 报告正文, 表格文字, 表注), page setup and page-number footer are reused,
so the roll-up follows whatever format templates/default.docx has. Every figure is a count
or sum over the rows; sentences are neutral and a part whose figure is 0 is left out.
"""

from __future__ import annotations

import io

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from pipeline.core.cnfmt import money, number, subheading
from pipeline.core.packaged import DEFAULT_TEMPLATE
from pipeline.many.rollup import ERRORS, FAILED, MONTHLY, Rollup
from pipeline.writing.layout import finalize_docx

ROLLUP_NAME = "各支部汇总.docx"
TITLE, H1, BODY, CELL, NOTE = "报告标题", "一级标题", "报告正文", "表格文字", "表注"


def blank_document():
    """The default template emptied of its text, keeping its page, styles and headers (GB/T 9704),
    for the documents written beside the reports."""
    document = docx.Document(str(DEFAULT_TEMPLATE))
    body = document.element.body
    for child in list(body.iterchildren()):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    # The report's headers carry template tags (the draft mark); the roll-up is no draft.
    for section in document.sections:
        for header in (section.header, section.even_page_header, section.first_page_header):
            for paragraph in header.paragraphs:
                if "{{" in paragraph.text or "{%" in paragraph.text:
                    for run in list(paragraph.runs):
                        run._r.getparent().remove(run._r)
    return document


def style_of(document, name: str):
    """The template's style of that name, or Normal when a user's template lacks it."""
    try:
        return document.styles[name]
    except KeyError:  # a template without the style: Word's Normal rather than no report
        return document.styles["Normal"]


def _para(document, style: str, text: str) -> None:
    document.add_paragraph(text, style=style_of(document, style))


def _table(document, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    """A bordered table, header row repeated on each page, column widths in mm (156 in all).

    Cells are filled through the XML with the style id looked up once: python-docx's style
    setter scans every style per cell, minutes for a thousand branches."""
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    try:
        table.style = document.styles["Table Grid"]
    except KeyError:
        pass
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    cell_style = style_of(document, CELL).style_id
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)  # w:gridCol, which LibreOffice and WPS follow
    for index, (row, values) in enumerate(zip(table.rows, [headers, *rows])):
        if index == 0:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on each page
        for cell, text, width in zip(row.cells, values, widths):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph._p.style = cell_style
            paragraph.add_run(text).bold = index == 0 or None


def _percent(met: int, checked: int) -> str:
    """A rate to one decimal, as a reviewer checks it against the counts beside it."""
    return f"{met * 100 / checked:.1f}%" if checked else "—"


def _parts(pairs: list[tuple[str, int | float]]) -> list[str]:
    return [f"{label}{number(value)}次" for label, value in pairs if value]


def _label(row, duplicates: dict) -> str:
    """The branch's name, with its folder where two branches share the name."""
    return f"{row.label}（{row.folder}）" if row.name in duplicates else row.label


def rollup_paragraphs(rollup: Rollup) -> list[tuple[str, str | tuple]]:
    """The report as (style, text) and ("table", (headers, rows, widths in mm)) items."""
    out: list = []
    year = rollup.year
    counted, with_errors, failed = rollup.counted, rollup.by_status(ERRORS), rollup.by_status(FAILED)
    duplicates = rollup.duplicates()
    out.append((TITLE, f"{year}年度各党支部党建工作汇总情况" if year else "各党支部党建工作汇总情况"))
    status = [f"台账无误的{len(counted)}个"]
    if with_errors:
        status.append(f"台账有错误的{len(with_errors)}个")
    if failed:
        status.append(f"未能处理的{len(failed)}个")
    out.append((BODY, f"本汇总根据各党支部{f'{year}年度' if year else ''}台账生成，共汇总党支部{len(rollup.rows)}个，"
                      f"其中{'，'.join(status)}。以下数字只统计台账无误的党支部。"))
    years = sorted({row.year for row in rollup.rows if row.year})
    if len(years) > 1:
        out.append((BODY, f"注意：各支部台账的报告年度不一致（{'、'.join(f'{y}年' for y in years)}），"
                          "请核实后按同一年度汇总。"))

    out.append((H1, "一、基本情况"))
    totals = rollup.totals()
    if counted:
        text = f"台账无误的{len(counted)}个党支部共有党员{number(totals['党员总数'])}名"
        members = [f"{label}{number(totals[label])}名" for label in ("正式党员", "预备党员") if totals[label]]
        text += f"，其中{'、'.join(members)}。" if members else "。"
        if totals["党费实缴（元）"]:
            text += f"全年实缴党费{money(totals['党费实缴（元）'])}元。"
        meetings = _parts([("召开支委会", totals["支委会"]), ("党员大会", totals["党员大会"]),
                           ("党小组会", totals["党小组会"])])
        others = _parts([("讲党课", totals["党课"]), ("开展主题党日", totals["主题党日"])])
        said = (["、".join(meetings)] if meetings else []) + others
        if said:
            text += f"全年共{'，'.join(said)}。"
        short = [header for header in ("党员总数", "党费实缴（元）", "支委会")
                 if rollup.contributors(header) < len(counted)]
        if short:
            text += ("部分党支部缺少党员名册、党费或组织生活台账，相应数字未计入，"
                     "各项计入的支部数见各支部汇总.xlsx的“合计”表。")
        out.append((BODY, text))
        monthly = rollup.monthly()
        if any(sum(v) for v in monthly.values()):
            out.append((BODY, "各月“三会一课”和主题党日开展次数如下表。"))
            rows = [[f"{m}月", *[str(monthly[kind][m - 1]) for kind in MONTHLY]] for m in range(1, 13)]
            rows.append(["合计", *[str(sum(monthly[kind])) for kind in MONTHLY]])
            out.append(("table", (["月份", *MONTHLY], rows, [26] * (len(MONTHLY) + 1))))
    else:
        out.append((BODY, "没有台账无误的党支部，暂无可汇总的数字。"))

    out.append((H1, "二、制度落实情况"))
    stats = [s for s in rollup.rule_stats() if s.checked]
    if stats:
        out.append((BODY, "按规则检查台账无误的党支部，各项制度的达标情况如下表。"
                          "未检查的，是该支部不适用该规则或缺少相应台账。"))
        rows = [[s.name, str(s.checked), str(s.met), str(s.unmet), _percent(s.met, s.checked),
                 str(len(counted) - s.checked)] for s in rollup.rule_stats()]
        out.append(("table", (["规则", "检查支部", "达标", "未达标", "达标率", "未检查"], rows, [46, 22, 22, 22, 22, 22])))
    else:
        out.append((BODY, "没有可按规则检查的党支部。"))

    out.append((H1, "三、需要关注的党支部"))
    parts: list = []  # numbered （一）（二）… in the order they are present
    flagged = [row for row in counted if row.findings]
    if flagged:
        parts.append((f"规则检查有发现的党支部{len(flagged)}个，共{sum(len(r.findings) for r in flagged)}项，如下表。",
                      ("table", (["序号", "党支部", "发现"],
                                 [[str(i), _label(r, duplicates), "；".join(t for _, t in r.findings)]
                                  for i, r in enumerate(flagged, 1)], [14, 46, 96]))))
    elif counted:
        parts.append(("台账无误的党支部，规则检查均没有发现。", None))
    if with_errors or failed:
        names = [f"{_label(r, duplicates)}（{r.errors}个错误）" for r in with_errors]
        names += [f"{_label(r, duplicates)}（未能处理）" for r in failed]
        parts.append((f"台账有错误或未能处理的党支部{len(with_errors) + len(failed)}个：{'、'.join(names)}。"
                      "其数字未计入本汇总，问题详见各支部文件夹中的校验报告。", None))
    if duplicates:
        same = "；".join(f"“{name}”见于文件夹{'、'.join(folders)}" for name, folders in duplicates.items())
        parts.append((f"党支部名称重复：{same}，请核实是否为同一支部。", None))
    for index, (text, table) in enumerate(parts, 1):
        out.append((BODY, subheading(index) + text))
        if table:
            out.append(table)
    out.append((NOTE, "附：各支部的数字和发现见同一文件夹中的各支部汇总.xlsx。"))
    return out


def rollup_docx(rollup: Rollup) -> bytes:
    """Deterministic .docx bytes of the roll-up report."""
    document = blank_document()
    for style, content in rollup_paragraphs(rollup):
        if style == "table":
            _table(document, *content)
        else:
            assert isinstance(content, str)  # every block but a table is one paragraph's text
            _para(document, style, content)
    props = document.core_properties
    props.title = "各支部汇总"
    buffer = io.BytesIO()
    document.save(buffer)
    year = rollup.year
    return finalize_docx(buffer.getvalue(), {"title": "各党支部党建工作汇总情况",
                                             "date": f"{year + 1}-01-01T00:00:00Z" if year else "2000-01-01T00:00:00Z"})
