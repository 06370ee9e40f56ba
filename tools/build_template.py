"""Build pipeline/data/default.docx, the packaged default report template, and its copy for users,
templates/默认模板.docx, with python-docx.

The prose and docxtpl tags are in templates/默认模板.txt (reviewed in diffs); styles, fonts and
page layout are here. Run `make template` (or this script with output paths) after editing
either, then review the rendered report; tests/test_template_text.py holds both .docx to the text.
Layout follows GB/T 9704-2012: A4, a 156 × 225 mm text block of 22 lines × 28 characters of
仿宋_GB2312 3号, kept by a `linesAndChars` document grid that Word and LibreOffice both honour.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.writing.layout import finalize_docx, indent_twips  # noqa: E402  (needs ROOT on sys.path)

OUT = ROOT / "pipeline" / "data" / "default.docx"
COPY = ROOT / "templates" / "默认模板.docx"  # for users to copy and make their own

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

BODY = "报告正文"
TITLE = "报告标题"
H1 = "一级标题"
H2 = "二级标题"
H2_RUN = "小标题文字"
APPENDIX_TITLE = "附件标题"
APPENDIX_LABEL = "附件标识"
SIGN = "落款"
ATTACH_NOTE = "附件说明"
CELL = "表格文字"
NOTE = "表注"
PAGE_NO = "页码"
AUTHOR = "署名"
DRAFT = "草稿标记"

# ASCII style ids keep the file portable; the Chinese names are what Word/WPS show.
STYLE_IDS = {
    BODY: "ReportBody", TITLE: "ReportTitle", H1: "ReportHeading1", H2: "ReportHeading2",
    H2_RUN: "ReportHeading2Char", APPENDIX_TITLE: "AppendixTitle", APPENDIX_LABEL: "AppendixLabel",
    SIGN: "Signature", ATTACH_NOTE: "AttachmentNote", CELL: "TableText",
    NOTE: "TableNote", PAGE_NO: "PageNumber", AUTHOR: "AuthorLine", DRAFT: "DraftMark",
}
KEEP_BUILTIN = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid"}
LINE_EXACT = Pt(28.9)  # w:line=578, 22 lines a page
LINE_TWIPS = 578
# The grid (GB/T 9704 5.2.3): 156 mm of text width hold 28 characters of 3号 (16 pt), so one
# character cell is 442.25 pt / 28 = 15.79 pt. Word's charSpace is that pitch minus the Normal
# font size in 1/4096 pt, rounded down so that 28 cells never exceed the width.
TEXT_WIDTH_TWIPS = 11906 - 1587 - 1474  # A4 less the 28 mm and 26 mm margins, as python-docx rounds them
CHARS_PER_LINE = 28
CHAR_SPACE = math.floor((TEXT_WIDTH_TWIPS / 20 / CHARS_PER_LINE - 16) * 4096)  # -842
# LibreOffice gives a glyph wider than its grid cell two cells (and computes the cell a little
# narrower than Word, 15.73 pt): grid text is set at 98 % width so a 16 pt glyph (15.68 pt wide)
# takes one cell in both programs. Text off the grid (titles, table, page numbers) stays at 100 %.
GRID_SCALE = 98
THEME_ATTRS = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")

COL_WIDTHS = [Mm(24)] + [Mm(10)] * 12 + [Mm(12)]  # the appendix table's 14 columns: 156 mm, the text width


# ---------------------------------------------------------------------------------------
# The report text: templates/默认模板.txt, whose head documents the format. One paragraph a
# line as 【样式名】文字; {{ }} / {% %} are docxtpl (Jinja) tags, copied as they are.
# Keys come from pipeline/core/variables.py (tests/test_variables.py checks them); filters from pipeline/core/cnfmt.py.
# ---------------------------------------------------------------------------------------
TEXT = ROOT / "templates" / "默认模板.txt"
PARAGRAPH_STYLES = (TITLE, AUTHOR, BODY, H1, H2, ATTACH_NOTE, SIGN, APPENDIX_LABEL, APPENDIX_TITLE, NOTE)
CHARACTER_STYLES = (H2_RUN,)
PAGE_HEADER, HEAD_ROW, TABLE_ROW = "页眉", "表头", "表格"
CELL_SEP = "｜"
LINE = re.compile(r"【([^】]*)】(.*)")
RUN_MARK = re.compile(r"〔(/?)([^〔〕]*)〕")


class TextError(ValueError):
    """A line of the template text that does not follow the format (the message is Chinese)."""


@dataclass
class Para:
    """A paragraph: its style and its runs, each (text, character style or None)."""

    style: str
    runs: list[tuple[str, str | None]]


@dataclass
class Grid:
    """The appendix table: the header row, then rows of cells (one cell: a {%tr %} tag row)."""

    rows: list[list[str]]


@dataclass
class Wording:
    """The template text read from templates/默认模板.txt."""

    header: str = ""
    blocks: list[Para | Grid] = field(default_factory=list)


def read_text(text: str, name: str = TEXT.name) -> Wording:
    """Parse the template text; a line off the format is a TextError naming the file and line."""
    lines: list[tuple[int, str, str]] = []  # (line number, what the 【】 says, text)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line[0] in " \t":  # continues the line above
            if not lines:
                raise TextError(f"{name} 第 {number} 行：以空格开头的行要接在一个段落后面")
            at, kind, body = lines[-1]
            lines[-1] = (at, kind, body + line.lstrip(" \t"))
            continue
        m = LINE.fullmatch(line)
        if not m:
            raise TextError(f"{name} 第 {number} 行：段落要以【样式名】开头，说明行以 # 开头")
        lines.append((number, m[1], m[2]))
    out = Wording()
    grid: Grid | None = None  # the table the lines are in
    for number, kind, body in lines:
        if kind == PAGE_HEADER:
            out.header = body
        elif kind in (HEAD_ROW, TABLE_ROW):
            cells = body.split(CELL_SEP)
            if kind == HEAD_ROW:
                grid = Grid([])
                out.blocks.append(grid)
            elif grid is None:
                raise TextError(f"{name} 第 {number} 行：【表格】行要接在【表头】或另一个【表格】行后面")
            if len(cells) != len(COL_WIDTHS) and (kind == HEAD_ROW or len(cells) != 1):
                raise TextError(f"{name} 第 {number} 行：表格一行要有 {len(COL_WIDTHS)} 个单元格（用“{CELL_SEP}”分隔），"
                                f"现有 {len(cells)} 个")
            grid.rows.append(cells)
        elif kind in PARAGRAPH_STYLES:
            grid = None
            out.blocks.append(Para(kind, runs(body, f"{name} 第 {number} 行")))
        else:
            raise TextError(f"{name} 第 {number} 行：没有名为「{kind}」的样式"
                            f"（可用：{'、'.join(PARAGRAPH_STYLES + (PAGE_HEADER, HEAD_ROW, TABLE_ROW))}）")
    return out


def runs(text: str, where: str) -> list[tuple[str, str | None]]:
    """Split a paragraph's text at 〔字符样式〕…〔/字符样式〕 into (text, character style) runs."""
    out: list[tuple[str, str | None]] = []
    style: str | None = None
    at = 0
    for m in RUN_MARK.finditer(text):
        if m.start() > at:
            out.append((text[at:m.start()], style))
        closing, name = m[1], m[2]
        if name not in CHARACTER_STYLES:
            raise TextError(f"{where}：没有名为「{name}」的字符样式（可用：{'、'.join(CHARACTER_STYLES)}）")
        if (style != name) if closing else (style is not None):
            raise TextError(f"{where}：〔{name}〕和〔/{name}〕要成对出现，不能套在另一对里面")
        style = None if closing else name
        at = m.end()
    if style is not None:
        raise TextError(f"{where}：〔{style}〕没有对应的〔/{style}〕")
    if at < len(text):
        out.append((text[at:], style))
    return out


# ---------------------------------------------------------------------------------------
# Low-level helpers
# ---------------------------------------------------------------------------------------
def set_fonts(rpr, font: str) -> None:
    """Name the font for East Asian and Latin text and drop theme fonts that would override it."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def set_size(rpr, size_pt: float) -> None:
    """Set w:sz and w:szCs (half-points)."""
    half = str(int(round(size_pt * 2)))
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), half)


def add_style(doc, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base: str | None = "Normal"):
    """Add a named style with an ASCII style id."""
    style = doc.styles.add_style(name, kind)
    style.element.set(qn("w:styleId"), STYLE_IDS[name])
    if base:
        style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def para_style(doc, name, font, size, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True,
               exact=LINE_EXACT, outline=None, before=0, after=0, grid=True):
    """A paragraph style: fonts, size, alignment, exact line spacing, 2-character indent.

    grid=False takes the paragraph off the document grid (titles, table text): their larger or
    smaller glyphs would otherwise be spread over whole 3号 cells.
    """
    style = add_style(doc, name)
    set_fonts(style.element.get_or_add_rPr(), font)
    set_size(style.element.get_or_add_rPr(), size)
    set_scale(style.element.get_or_add_rPr(), GRID_SCALE if grid else 100)
    if not grid:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        style.element.get_or_add_pPr().insert(0, snap)
    pf = style.paragraph_format
    pf.alignment = align
    if exact is None:
        pf.line_spacing = 1.0
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = exact
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    if indent:
        set_chars_indent(ind, "firstLine", 2)
    else:
        set_chars_indent(ind, "firstLine", 0)
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().append(lvl)
    return style


def set_scale(rpr, percent: int) -> None:
    """Set w:w, the horizontal scale of the glyphs."""
    el = rpr.find(qn("w:w"))
    if el is None:
        el = OxmlElement("w:w")
        size = rpr.find(qn("w:sz"))
        if size is not None:
            size.addprevious(el)  # CT_RPr order: w:w comes before w:sz
        else:
            rpr.append(el)
    el.set(qn("w:val"), str(percent))


def set_chars_indent(ind, side: str, cells: float) -> None:
    """An indent of whole grid cells: w:<side>Chars for Word, twips for readers without it.

    Word reads the *Chars value; the twips are for LibreOffice (layout.indent_twips).
    """
    ind.set(qn(f"w:{side}Chars"), str(int(cells * 100)))
    ind.set(qn(f"w:{side}"), str(indent_twips(cells)))


def run(paragraph, text: str, font: str, char_style: str | None = None, size: float | None = None):
    """Add a run with an explicit East Asian font (and optional character style and size)."""
    r = paragraph.add_run(text, style=char_style)
    set_fonts(r._r.get_or_add_rPr(), font)
    if size:
        set_size(r._r.get_or_add_rPr(), size)
    return r


def style_font(doc, name: str) -> str:
    """The East Asian font a style names; each run of the style names it explicitly too."""
    return doc.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))


def clean_styles(doc) -> None:
    """Keep only the styles the report uses and give each an East Asian font, no theme fonts."""
    root = doc.styles.element
    for style in list(root.findall(qn("w:style"))):
        sid = style.get(qn("w:styleId"))
        if sid not in KEEP_BUILTIN and sid not in STYLE_IDS.values():
            root.remove(style)
    defaults = root.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, FANGSONG)
    set_size(rpr, 16)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    # No widow/orphan control: a full page holds all 22 lines (GB/T 9704 5.2.3); the tail of the
    # report keeps with its last lines through keep-with-next instead (pipeline/writing/layout.py).
    widow = OxmlElement("w:widowControl")
    widow.set(qn("w:val"), "0")
    spacing.addprevious(widow)
    for style in root.findall(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        if rpr is None or rpr.find(qn("w:rFonts")) is None or not rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")):
            set_fonts(style.get_or_add_rPr(), FANGSONG)
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)


def drop_extras(doc) -> None:
    """Drop parts a generated file does not need (stylesWithEffects with theme fonts, thumbnail)."""
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)
    pkg_rels = doc.part.package.rels
    for rid, rel in list(pkg_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            pkg_rels.pop(rid)


# fontTable.xml entries: what Word substitutes on a machine without the font. altName is the
# font Windows ships under another name (仿宋/楷体 since Windows Vista); panose, GB2312 charset
# (0x86) and family steer Word's own choice for the rest (方正小标宋简体 → a 宋 face).
FONT_TABLE = [
    # name, altName, panose1, family, pitch, (usb0, usb1, usb2, usb3, csb0, csb1)
    (FANGSONG, "仿宋", "02010609030101010101", "modern", "fixed",
     ("00000001", "080E0000", "00000010", "00000000", "00040000", "00000000")),
    (KAITI, "楷体", "02010609030101010101", "modern", "fixed",
     ("00000001", "080E0000", "00000010", "00000000", "00040000", "00000000")),
    (XIAOBIAOSONG, SONGTI, "02000000000000000000", "auto", "variable",
     ("00000001", "08000000", "00000000", "00000000", "00040000", "00000000")),
    (HEITI, "SimHei", "02010609060101010101", "modern", "fixed",
     ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")),
    (SONGTI, "SimSun", "02010600030101010101", "auto", "variable",
     ("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000")),
]


def font_table(doc) -> None:
    """Replace python-docx's fontTable (Latin and Japanese fonts) with the report's fonts."""
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{w}">']
    for name, alt, panose, family, pitch, sig in FONT_TABLE:
        keys = ("usb0", "usb1", "usb2", "usb3", "csb0", "csb1")
        sig_attrs = " ".join(f'w:{k}="{v}"' for k, v in zip(keys, sig))
        out.append(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/>'
                   f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>'
                   f"<w:sig {sig_attrs}/></w:font>")
    out.append("</w:fonts>")
    part._blob = "".join(out).encode("utf-8")


def east_asian_settings(doc) -> None:
    """Theme language Chinese (python-docx's default names Japanese)."""
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def page_setup(doc) -> None:
    """A4 with the GB/T 9704 margins and a grid of 22 lines × 28 characters."""
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), FOOTER_DISTANCE
    grid = sec._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))


# The page number's em dashes sit 7 mm below the text block (GB/T 9704 7.5): with a 4号 line of
# exactly 14 pt the footer's foot lies this far above the page's lower edge.
FOOTER_DISTANCE = Mm(25.6)


def page_number_footer(doc) -> None:
    """Footer "— 1 —" in 宋体 4号 with half-width Arabic digits: odd pages right, even pages
    left, one character in (GB/T 9704 7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    one_char = str(14 * 20)
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "w:right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "w:left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles[PAGE_NO]
        p.alignment = align
        p._p.get_or_add_pPr().get_or_add_ind().set(qn(side), one_char)
        page_number(p)


def draft_header(doc, text: str) -> None:
    """Odd and even page headers carrying the draft mark (empty for a final report)."""
    section = doc.sections[0]
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.style = doc.styles[DRAFT]
        run(p, text, style_font(doc, DRAFT))


def page_number(p) -> None:
    """A PAGE field between em dashes."""
    run(p, "— ", SONGTI)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run(p, "", SONGTI)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        else:
            r.text = text
    run(p, " —", SONGTI)


def cell_setup(cell, width, text: str, font: str, shade: str | None = None, size: float | None = None) -> None:
    """Fill one table cell: width, vertical centring, one centred paragraph."""
    cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.style = cell.part.document.styles[CELL]
    run(p, text, font, size=size)
    if shade:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), shade)
        cell._tc.get_or_add_tcPr().append(shd)


def table_borders(table) -> None:
    """Single 0.5 pt borders, fixed layout and narrow cell margins so 14 columns fit."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for k, v in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            el.set(qn(f"w:{k}"), v)
        borders.append(el)
    tbl_pr.append(borders)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "40")
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def tag_row(table, index: int, text: str) -> None:
    """A row holding only a {%tr %} tag (removed when rendering), merged across for clarity."""
    row = table.rows[index]
    for cell, width in zip(row.cells, COL_WIDTHS):
        cell.width = width
    merged = row.cells[0].merge(row.cells[-1])
    p = merged.paragraphs[0]
    p.style = table.part.document.styles[CELL]
    run(p, text, FANGSONG)


def add_table(doc, rows: list[list[str]]) -> None:
    """The appendix table: the header row in 黑体 on grey, repeated on every page; a row of one
    cell is a {%tr %} tag row, merged across; rows 8 mm high."""
    table = doc.add_table(rows=len(rows), cols=len(COL_WIDTHS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    table_borders(table)
    for column, width in zip(table.columns, COL_WIDTHS):
        column.width = width  # w:gridCol, which LibreOffice/WPS follow
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    tr_pr.append(repeat)
    for cell, width, text in zip(header.cells, COL_WIDTHS, rows[0]):
        cell_setup(cell, width, text, HEITI, shade="F2F2F2", size=9)  # 小五 so "12月" fits
    for index, cells in enumerate(rows[1:], 1):
        if len(cells) == 1:
            tag_row(table, index, cells[0])
            continue
        for cell, width, text in zip(table.rows[index].cells, COL_WIDTHS, cells):
            cell_setup(cell, width, text, style_font(doc, CELL))
    for row in table.rows:
        row.height = Mm(8)


def keep_tail_together(paragraphs: list) -> None:
    """附件说明 one line below the body, the 落款 one line below it (GB/T 9704 7.3.4, 7.3.5.2):
    the empty lines and the 附件说明 above the first 落款 keep with the next paragraph, so the
    chain reaches the 落款; layout.py ties the chain to the body's last paragraph."""
    first = next((i for i, p in enumerate(paragraphs) if p.style.name == SIGN), None)
    for p in reversed(paragraphs[:first] if first is not None else []):
        if p.text and p.style.name != ATTACH_NOTE:
            break
        p.paragraph_format.keep_with_next = True


def write_body(doc, blocks: list[Para | Grid]) -> None:
    """The paragraphs and the table of the template text, in its order."""
    paragraphs = []
    for block in blocks:
        if isinstance(block, Grid):
            add_table(doc, block.rows)
            continue
        p = doc.add_paragraph(style=block.style)
        for text, char_style in block.runs:
            run(p, text, style_font(doc, char_style or block.style), char_style)
        paragraphs.append(p)
    keep_tail_together(paragraphs)


# ---------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------
def build(source: Path | None = None) -> bytes:
    """Build the template from the text file (templates/默认模板.txt) and return its bytes
    (deterministic)."""
    source = source or TEXT
    wording = read_text(source.read_text(encoding="utf-8"), source.name)
    doc = Document()
    drop_extras(doc)
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    set_size(normal.element.get_or_add_rPr(), 16)

    para_style(doc, BODY, FANGSONG, 16)
    # Title: 2号 小标宋 centred, one grid line a title line, one empty line below (GB/T 9704 7.3.1).
    para_style(doc, TITLE, XIAOBIAOSONG, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
               after=28.9, outline=None, grid=False)
    para_style(doc, H1, HEITI, 16, outline=0)
    para_style(doc, H2, KAITI, 16, outline=1)
    # The appendix page (GB/T 9704 7.3.7): "附件" in 黑体 on the first line, flush left;
    # its title centred on the third line.
    para_style(doc, APPENDIX_LABEL, HEITI, 16, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, after=28.9)
    doc.styles[APPENDIX_LABEL].paragraph_format.page_break_before = True
    para_style(doc, APPENDIX_TITLE, XIAOBIAOSONG, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
               after=28.9, grid=False)
    # 附件说明 (GB/T 9704 7.3.4): "附件：" two characters in; a second line starts under the
    # attachment's name, i.e. a hanging indent of the three characters of "附件：".
    para_style(doc, ATTACH_NOTE, FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False)
    note_ind = doc.styles[ATTACH_NOTE].element.get_or_add_pPr().get_or_add_ind()
    note_ind.attrib.clear()
    set_chars_indent(note_ind, "left", 5)
    set_chars_indent(note_ind, "hanging", 3)
    # the first line must start just short of 2 cells, like a body paragraph's
    note_ind.set(qn("w:hanging"), str(int(note_ind.get(qn("w:left"))) - indent_twips(2)))
    # 落款 (GB/T 9704 7.3.5.2): right-aligned two characters from the right; layout.py moves the
    # date so its first character stands two characters right of the signature's first one.
    para_style(doc, SIGN, FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    set_chars_indent(doc.styles[SIGN].element.get_or_add_pPr().get_or_add_ind(), "right", 2)
    para_style(doc, CELL, FANGSONG, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=None,
               grid=False)
    para_style(doc, NOTE, FANGSONG, 12, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, exact=Pt(20), before=6,
               grid=False)
    para_style(doc, PAGE_NO, SONGTI, 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=Pt(14),
               grid=False)
    # The line naming the secretary under the title, and the draft mark in the page header.
    para_style(doc, AUTHOR, KAITI, 16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para_style(doc, DRAFT, HEITI, 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=None, grid=False)
    h2_run = add_style(doc, H2_RUN, WD_STYLE_TYPE.CHARACTER, base=None)
    set_fonts(h2_run.element.get_or_add_rPr(), KAITI)
    for name in (TITLE, AUTHOR, H1, H2, APPENDIX_LABEL, APPENDIX_TITLE):
        doc.styles[name].paragraph_format.keep_with_next = True
    doc.styles[H1].next_paragraph_style = doc.styles[BODY]
    doc.styles[H2].next_paragraph_style = doc.styles[BODY]
    doc.styles[TITLE].next_paragraph_style = doc.styles[BODY]
    clean_styles(doc)
    font_table(doc)
    east_asian_settings(doc)
    page_setup(doc)
    page_number_footer(doc)
    draft_header(doc, wording.header)
    write_body(doc, wording.blocks)

    props = doc.core_properties
    props.author = props.last_modified_by = "党建述职报告流水线"
    props.title = "党支部书记抓党建工作述职报告（默认模板）"
    props.created = props.modified = dt.datetime(2000, 1, 1)
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return finalize_docx(buf.getvalue(), {"title": props.title, "date": "2000-01-01T00:00:00Z"})


def main(argv: list[str]) -> int:
    """Write the template to the paths given, or to pipeline/data/default.docx and its copy
    templates/默认模板.docx."""
    try:
        data = build()
    except TextError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    for out in [Path(arg) for arg in argv] or [OUT, COPY]:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(out)
        print(f"已生成模板：{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
