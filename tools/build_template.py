"""Build pipeline/data/default.docx, the packaged default report template, with python-docx.

Prose and docxtpl tags live in this file; run `make template` (or this script with an
optional output path) after editing, then review the rendered report.
Layout follows GB/T 9704-2012: A4, a 156 × 225 mm text block of 22 lines × 28 characters of
仿宋_GB2312 3号, kept by a `linesAndChars` document grid that Word and LibreOffice both honour.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
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

# ---------------------------------------------------------------------------------------
# The report text. One entry per paragraph; {{ }} / {% %} are docxtpl (Jinja) tags.
# Keys come from pipeline/core/variables.py (tests/test_variables.py checks them); filters from pipeline/core/cnfmt.py.
# ---------------------------------------------------------------------------------------
REPORT_TITLE = ("{{ 年度 }}年度{% if 支部.名称 %}{{ 支部.名称 }}{% else %}党支部{% endif %}"
                "书记抓党建工作述职报告")
# The line under the title naming whose report it is.
AUTHOR_LINE = ["{%p if 支部.书记 %}",
               "{% if 支部.名称 %}{{ 支部.名称 }}{% else %}党支部{% endif %}书记 {{ 支部.书记 }}",
               "{%p endif %}"]
OPENING = "{% if 党员句 %}{{ 党员句 }}。{% endif %}现将抓党建工作履职情况报告如下，请予评议。"
DRAFT_HEADER = "{{ 草稿标记 }}"  # on every page of a --keep-going report

# Section 一: each subsection is a heading, the branch's own 工作举措 of that 板块 (in its
# words, in ledger order), then sentences of figures from the ledgers. The heading is the
# branch's own (工作举措.小标题) or a neutral topic. Claims (全体党员,
# 严格按照, 认真落实, 每季度, 按月足额, 已全部上缴) come only with the derived flags that
# check them; a subsection with nothing to say is left out and the others renumbered.
SECTION_1 = "一、履职工作主要情况"
PART_1 = [
    (
        "责任落实",
        "{{ 小节.责任落实 }}{% if 工作举措小标题.责任落实 %}{{ 工作举措小标题.责任落实 }}{% else %}抓党建第一责任落实情况{% endif %}。",
        "{{ 举措句.责任落实 }}"
        "{% if 组织生活.专题研究党建 %}年内专题研究党建工作{{ 组织生活.专题研究党建 }}次"
        "{% if 谈心谈话.次数 %}，{% else %}。{% endif %}{% endif %}"
        "{% if 谈心谈话.次数 %}{% if 谈心谈话全覆盖 %}和全体党员{% endif %}"
        "开展谈心谈话{{ 谈心谈话.次数 }}次{% if 同比谈心谈话 %}，{{ 同比谈心谈话 }}{% endif %}。{% endif %}"
        "{% if 学习句 %}{{ 学习句 }}。{% endif %}",
    ),
    (
        "理论学习",
        "{{ 小节.理论学习 }}{% if 工作举措小标题.理论学习 %}{{ 工作举措小标题.理论学习 }}{% else %}政治理论学习情况{% endif %}。",
        "{{ 举措句.理论学习 }}"
        "{% if 理论学习句 %}{{ 理论学习句 }}。{% endif %}"
        "{% if 结对帮扶句 %}{{ 结对帮扶句 }}。{% endif %}"
        "{% if 其他事项句 %}此外，{{ 其他事项句 }}。{% endif %}",
    ),
    (
        "组织建设",
        "{{ 小节.组织建设 }}{% if 工作举措小标题.组织建设 %}{{ 工作举措小标题.组织建设 }}{% else %}基层组织建设和组织生活情况{% endif %}。",
        "{{ 举措句.组织建设 }}"
        "{% if 组织生活制度句 %}{{ 组织生活制度句 }}。{% endif %}"
        "{% if 三会一课句 %}全年{{ 三会一课句 }}。{% endif %}{% if 同比三会一课句 %}{{ 同比三会一课句 }}。{% endif %}"
        "{% if 组织生活会句 %}{{ 组织生活会句 }}。{% endif %}"
        "{% if 组织生活形式句 %}组织党员{{ 组织生活形式句 }}。{% endif %}"
        "{% if 党费.实缴总额 %}{% if 党费按月足额 %}按月足额缴纳党费，{% endif %}"
        "全年共收党费{{ 党费.实缴总额|万元 }}"
        "{% if not 党费按月足额 and 党费.应缴总额 %}（应缴{{ 党费.应缴总额|万元 }}）{% endif %}"
        "{% if 同比党费 %}，{{ 同比党费 }}{% endif %}"
        "{% if 党费.已全部上缴 %}，已全部上缴{% endif %}。{% endif %}",
    ),
    (
        "中心工作",
        "{{ 小节.中心工作 }}{% if 工作举措小标题.中心工作 %}{{ 工作举措小标题.中心工作 }}{% else %}党建与中心工作融合情况{% endif %}。",
        "{{ 举措句.中心工作 }}"
        "{% if 信息报送.报送篇数 %}全年撰写上报各类信息{{ 信息报送.报送篇数 }}篇"
        "{% if 同比信息报送 %}，{{ 同比信息报送 }}{% endif %}"
        "{% if 信息报送.采用篇数 %}，{% if 采用级别 %}被{{ 采用级别 }}各类网站、报纸刊物、杂志所登载"
        "{% else %}被采用{% endif %}{{ 信息报送.采用篇数 }}篇（次）"
        "{% if 同比信息采用 %}，{{ 同比信息采用 }}{% endif %}{% endif %}。{% endif %}",
    ),
    (
        "作风建设",
        "{{ 小节.作风建设 }}{% if 工作举措小标题.作风建设 %}{{ 工作举措小标题.作风建设 }}{% else %}作风建设情况{% endif %}。",
        "{{ 举措句.作风建设 }}",
    ),
]

SECTION_2 = "二、存在的主要问题及原因"
RECTIFY = "{{ 整改句 }}"  # 上年度问题整改情况 opens section 二
PROBLEMS = "{{ 问题句 }}"
EVIDENCE = "{{ 检查发现句 }}"
CAUSES = "剖析这些问题产生的原因，主要有：{{ 原因句 }}"

SECTION_3 = "三、下一步工作打算"
PLAN_HEAD = "{{ loop.index|小标题 }}{{ 项.标题 }}。"
PLAN_BODY = "{{ 项.内容 }}"

APPENDIX_NAME = "{{ 年度 }}年度“三会一课”及主题党日开展情况统计表"
APPENDIX_NOTE = "附件：" + APPENDIX_NAME  # 附件说明 under the body text (GB/T 9704 7.3.4)
APPENDIX_MARK = "附件"  # top left of the appendix page
SIGNATURE = ["{{ 支部.名称 }}", "{{ 落款日期 }}"]
TABLE_HEAD = ["项目"] + [f"{m}月" for m in range(1, 13)] + ["合计"]
TABLE_CELLS = (
    ["{{ 行.项目 }}"]
    + [f"{{% cellbg 行.底色[{i}] %}}{{{{ 行.月[{i}] }}}}" for i in range(12)]
    + ["{{ 行.合计 }}"]
)
TABLE_NOTE = "{{ 附件说明 }}"
COL_WIDTHS = [Mm(24)] + [Mm(10)] * 12 + [Mm(12)]  # 156 mm, the text width


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


def add_para(doc, style: str, text: str, font: str):
    """A paragraph of one run."""
    p = doc.add_paragraph(style=style)
    run(p, text, font)
    return p


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


def draft_header(doc) -> None:
    """Odd and even page headers carrying the draft mark (empty for a final report)."""
    section = doc.sections[0]
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.style = doc.styles[DRAFT]
        run(p, DRAFT_HEADER, HEITI)


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


# ---------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------
def build() -> bytes:
    """Build the template and return its bytes (deterministic)."""
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
    draft_header(doc)

    add_para(doc, TITLE, REPORT_TITLE, XIAOBIAOSONG)
    for text in AUTHOR_LINE:
        add_para(doc, AUTHOR, text, KAITI)
    add_para(doc, BODY, OPENING, FANGSONG)

    add_para(doc, H1, SECTION_1, HEITI)
    for section, head, body in PART_1:
        add_para(doc, BODY, f"{{%p if 小节.{section} %}}", FANGSONG)
        p = doc.add_paragraph(style=BODY)
        run(p, head, KAITI, H2_RUN)
        run(p, body, FANGSONG)
        add_para(doc, BODY, "{%p endif %}", FANGSONG)

    add_para(doc, H1, SECTION_2, HEITI)
    for text, flag in ((RECTIFY, "整改句"), (PROBLEMS, "问题句"), (EVIDENCE, "检查发现句"), (CAUSES, "原因句")):
        add_para(doc, BODY, f"{{%p if {flag} %}}", FANGSONG)
        add_para(doc, BODY, text, FANGSONG)
        add_para(doc, BODY, "{%p endif %}", FANGSONG)

    add_para(doc, H1, SECTION_3, HEITI)
    add_para(doc, BODY, "{%p for 项 in 打算项 %}", FANGSONG)
    p = doc.add_paragraph(style=BODY)
    run(p, PLAN_HEAD, KAITI, H2_RUN)
    run(p, PLAN_BODY, FANGSONG)
    add_para(doc, BODY, "{%p endfor %}", FANGSONG)

    # 附件说明 one line below the body, the 落款 one line below it (GB/T 9704 7.3.4, 7.3.5.2),
    # chained by keep-with-next; layout.py ties the chain to the body's last paragraph.
    tail = [doc.add_paragraph(style=BODY), add_para(doc, ATTACH_NOTE, APPENDIX_NOTE, FANGSONG),
            doc.add_paragraph(style=BODY)]
    tail += [add_para(doc, SIGN, text, FANGSONG) for text in SIGNATURE]
    for p in tail[:-2]:
        p.paragraph_format.keep_with_next = True

    add_para(doc, APPENDIX_LABEL, APPENDIX_MARK, HEITI)
    add_para(doc, APPENDIX_TITLE, APPENDIX_NAME, XIAOBIAOSONG)
    table = doc.add_table(rows=4, cols=len(TABLE_HEAD))
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
    for cell, width, text in zip(header.cells, COL_WIDTHS, TABLE_HEAD):
        cell_setup(cell, width, text, HEITI, shade="F2F2F2", size=9)  # 小五 so "12月" fits
    tag_row(table, 1, "{%tr for 行 in 附件表 %}")
    for cell, width, text in zip(table.rows[2].cells, COL_WIDTHS, TABLE_CELLS):
        cell_setup(cell, width, text, FANGSONG)
    tag_row(table, 3, "{%tr endfor %}")
    for row in table.rows:
        row.height = Mm(8)
    add_para(doc, NOTE, TABLE_NOTE, FANGSONG)

    props = doc.core_properties
    props.author = props.last_modified_by = "党建述职报告流水线"
    props.title = "党支部书记抓党建工作述职报告（默认模板）"
    props.created = props.modified = dt.datetime(2000, 1, 1)
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return finalize_docx(buf.getvalue(), {"title": props.title, "date": "2000-01-01T00:00:00Z"})


def main(argv: list[str]) -> int:
    """Write the template to argv[0] or pipeline/data/default.docx."""
    out = Path(argv[0]) if argv else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(build())
    tmp.replace(out)
    print(f"已生成模板：{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
