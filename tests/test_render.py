"""Tests of the default template, the context builder and the renderer (fonts, figures, errors)."""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Mm
from docxtpl import DocxTemplate
from lxml import etree

from pipeline.api import DEFAULT_TEMPLATE
from pipeline.core.errors import TemplateError
from pipeline.core.variables import DERIVED_NAMES
from pipeline.writing.context import build_context
from pipeline.writing.layout import _cells
from pipeline.writing.render import docx_to_markdown, render_docx
from pipeline.writing.sandbox import make_environment
from pipeline.writing.wording import ALL_MET

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = DEFAULT_TEMPLATE
METRICS = Path(__file__).resolve().parent / "data" / "metrics_example.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THEME_ATTRS = [f"{W}{a}" for a in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")]


@pytest.fixture(scope="module")
def metrics() -> dict:
    return json.loads(METRICS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rendered(metrics) -> bytes:
    return render_docx(TEMPLATE, build_context(metrics))


@pytest.fixture(scope="module")
def markdown(rendered) -> str:
    return docx_to_markdown(rendered)


def _render_md(metrics: dict) -> str:
    return docx_to_markdown(render_docx(TEMPLATE, build_context(metrics)))


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _tiny_template(path: Path, *texts: str) -> Path:
    d = docx.Document()
    for text in texts:
        d.add_paragraph(text)
    d.save(path)
    return path


# ------------------------------------------------------------------ the document itself
def test_reopens_with_python_docx(rendered):
    d = docx.Document(io.BytesIO(rendered))
    assert len(d.paragraphs) > 10
    assert len(d.tables) == 1


def test_title_is_first_and_centred(rendered):
    d = docx.Document(io.BytesIO(rendered))
    title = d.paragraphs[0]
    assert title.text.replace("\n", "") == "2022年度青山县委组织部机关党支部书记抓党建工作述职报告"
    assert title.style.name == "报告标题"
    assert title.style.paragraph_format.alignment == 1  # CENTER
    assert d.paragraphs[1].text == "青山县委组织部机关党支部书记 李明华"
    assert d.paragraphs[1].style.paragraph_format.alignment == 1
    assert d.paragraphs[2].text.endswith("现将抓党建工作履职情况报告如下，请予评议。")


def test_every_style_and_run_has_an_east_asian_font(rendered):
    parts = _parts(rendered)
    styles = etree.fromstring(parts["word/styles.xml"])
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default.get(f"{W}eastAsia") == "仿宋_GB2312"
    for style in styles.iter(f"{W}style"):
        rf = style.find(f"{W}rPr/{W}rFonts")
        assert rf is not None and rf.get(f"{W}eastAsia"), style.get(f"{W}styleId")
    names = [n for n in parts if re.fullmatch(r"word/(document|footer\d*|header\d*)\.xml", n)]
    assert any(n.startswith("word/footer") for n in names)
    for name in names + ["word/styles.xml"]:
        root = etree.fromstring(parts[name])
        for run in root.iter(f"{W}r"):
            rf = run.find(f"{W}rPr/{W}rFonts")
            assert rf is not None and rf.get(f"{W}eastAsia"), (name, etree.tostring(run, encoding=str))
            assert rf.get(f"{W}ascii") and rf.get(f"{W}hAnsi")
        for rf in root.iter(f"{W}rFonts"):
            assert not any(a in rf.attrib for a in THEME_ATTRS), name


def test_page_format(rendered):
    d = docx.Document(io.BytesIO(rendered))
    sec = d.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.5) and abs(sec.page_height - Mm(297)) < Mm(0.5)
    for got, want in ((sec.top_margin, 37), (sec.bottom_margin, 35), (sec.left_margin, 28), (sec.right_margin, 26)):
        assert abs(got - Mm(want)) < Mm(0.1)
    styles = etree.fromstring(_parts(rendered)["word/styles.xml"])
    by_name = {s.find(f"{W}name").get(f"{W}val"): s for s in styles.iter(f"{W}style")}

    def font(name):
        return by_name[name].find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia")

    def size(name):
        return by_name[name].find(f"{W}rPr/{W}sz").get(f"{W}val")

    body = by_name["报告正文"]
    spacing = body.find(f"{W}pPr/{W}spacing")
    assert spacing.get(f"{W}line") == "578" and spacing.get(f"{W}lineRule") == "exact"
    ind = body.find(f"{W}pPr/{W}ind")
    # Word reads the characters; the twips stay just short of LibreOffice's two cells (629).
    assert ind.get(f"{W}firstLineChars") == "200" and ind.get(f"{W}firstLine") == "624"
    assert (font("报告正文"), size("报告正文")) == ("仿宋_GB2312", "32")
    assert (font("报告标题"), size("报告标题")) == ("方正小标宋简体", "44")
    assert (font("一级标题"), size("一级标题")) == ("黑体", "32")
    assert (font("二级标题"), size("二级标题")) == ("楷体_GB2312", "32")
    assert font("小标题文字") == "楷体_GB2312"
    assert (font("页码"), size("页码")) == ("宋体", "28")
    # run-in （一） headings are their own 楷体 run
    doc = etree.fromstring(_parts(rendered)["word/document.xml"])
    heads = [r for r in doc.iter(f"{W}r") if "".join(r.itertext()).startswith("（一）")]
    assert heads and all(r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "楷体_GB2312" for r in heads)
    footer = d.sections[0].footer
    xml = etree.tostring(footer._element, encoding=str)
    assert "PAGE" in xml and footer.paragraphs[0].text.startswith("—") and footer.paragraphs[0].text.endswith("—")
    assert footer.paragraphs[0].alignment == 1 or footer.paragraphs[0].style.paragraph_format.alignment == 1


def test_grid_of_22_lines_by_28_characters(rendered):
    """GB/T 9704 5.2.3: a linesAndChars grid whose pitch puts 28 cells in the 156 mm line."""
    parts = _parts(rendered)
    sect = etree.fromstring(parts["word/document.xml"]).find(f"{W}body/{W}sectPr")
    grid = sect.find(f"{W}docGrid")
    assert (grid.get(f"{W}type"), grid.get(f"{W}linePitch"), grid.get(f"{W}charSpace")) == (
        "linesAndChars", "578", "-842")
    mar = sect.find(f"{W}pgMar")
    width = 11906 - int(mar.get(f"{W}left")) - int(mar.get(f"{W}right"))
    pitch = 16 + int(grid.get(f"{W}charSpace")) / 4096  # Word: Normal's 16 pt plus charSpace
    assert int(width / 20 / pitch) == 28 and 21 * 578 < 16838 - 2098 - 1984 and 22 * 578 <= 16838 - 2098 - 1984
    styles = etree.fromstring(parts["word/styles.xml"])
    by_name = {s.find(f"{W}name").get(f"{W}val"): s for s in styles.iter(f"{W}style")}
    # grid text at 98 % (a 16 pt glyph fits LibreOffice's 15.73 pt cell); off-grid text at 100 %
    for name in ("报告正文", "一级标题", "二级标题", "附件说明", "落款", "附件标识"):
        assert by_name[name].find(f"{W}rPr/{W}w").get(f"{W}val") == "98", name
        assert by_name[name].find(f"{W}pPr/{W}snapToGrid") is None, name
    for name in ("报告标题", "附件标题", "表格文字", "表注", "页码"):
        assert by_name[name].find(f"{W}rPr/{W}w").get(f"{W}val") == "100", name
        assert by_name[name].find(f"{W}pPr/{W}snapToGrid").get(f"{W}val") == "0", name
    widow = styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr/{W}widowControl")
    assert widow.get(f"{W}val") == "0"


def _body_paragraphs(rendered: bytes) -> list:
    body = etree.fromstring(_parts(rendered)["word/document.xml"]).find(f"{W}body")
    return [p for p in body if p.tag == f"{W}p"]


def _style(p) -> str | None:
    el = p.find(f"{W}pPr/{W}pStyle")
    return el.get(f"{W}val") if el is not None else None


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def test_attachment_note_and_signature_follow_the_standard(rendered):
    """附件说明 hangs under the attachment's name (7.3.4); 落款 two characters from the right
    with the date starting two characters further right (7.3.5.2), one line below 附件说明."""
    paras = _body_paragraphs(rendered)
    note = next(p for p in paras if _style(p) == "AttachmentNote")
    assert _text(note) == "附件：2022年度“三会一课”及主题党日开展情况统计表"
    styles = etree.fromstring(_parts(rendered)["word/styles.xml"])
    note_style = next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == "AttachmentNote")
    ind = note_style.find(f"{W}pPr/{W}ind")
    assert (ind.get(f"{W}leftChars"), ind.get(f"{W}hangingChars")) == ("500", "300")
    signs = [p for p in paras if _style(p) == "Signature" and _text(p)]
    assert [_text(p) for p in signs] == ["青山县委组织部机关党支部", "2023年1月10日"]
    i = paras.index(note)
    assert paras[i + 1] is not None and not _text(paras[i + 1]) and paras[i + 2] is signs[0]
    name_ind = signs[0].find(f"{W}pPr/{W}ind")
    assert name_ind is None or name_ind.get(f"{W}rightChars") in (None, "200")
    date_ind = signs[1].find(f"{W}pPr/{W}ind")
    # 28 cells less 2 on the right less the 12 of the name, plus 2
    assert date_ind.get(f"{W}leftChars") == "1600"
    assert signs[1].find(f"{W}pPr/{W}jc").get(f"{W}val") == "left"


def test_signature_longer_date_pushes_the_name_left(metrics):
    """A date longer than the signature less two stands two from the right (7.3.5.2)."""
    m = copy.deepcopy(metrics)
    m["支部"]["名称"] = "第一支部"
    paras = _body_paragraphs(render_docx(TEMPLATE, build_context(m)))
    name, date = [p for p in paras if _style(p) == "Signature" and _text(p)]
    # 2023年1月10日 counts 7 cells: the date 2 from the right, the name 7 - 4 + 4 = 7
    assert date.find(f"{W}pPr/{W}ind").get(f"{W}rightChars") == "200"
    assert name.find(f"{W}pPr/{W}ind").get(f"{W}rightChars") == "700"


def test_tail_is_chained_to_the_last_body_paragraph(rendered):
    """No page with only 附件说明 and 落款: the body's last paragraph keeps with them."""
    paras = _body_paragraphs(rendered)
    note = next(i for i, p in enumerate(paras) if _style(p) == "AttachmentNote")
    last = next(p for p in reversed(paras[:note]) if _text(p))
    assert last.find(f"{W}pPr/{W}keepNext") is not None
    assert last.find(f"{W}pPr/{W}widowControl").get(f"{W}val") == "1"
    empty = paras[note - 1]
    assert not _text(empty) and empty.find(f"{W}pPr/{W}keepNext") is not None


def test_long_titles_break_before_a_whole_phrase(rendered):
    """The appendix title (21 cells of 2号, 20 a line) breaks before 及, not before 表."""
    paras = _body_paragraphs(rendered)
    title = next(p for p in paras if _style(p) == "AppendixTitle")
    pieces = "".join("\n" if el.tag == f"{W}br" else (el.text or "") for el in title.iter(f"{W}t", f"{W}br"))
    assert pieces == "2022年度“三会一课”\n及主题党日开展情况统计表"
    report_title = next(p for p in paras if _style(p) == "ReportTitle")
    if _cells(_text(report_title)) <= 20:
        assert report_title.find(f".//{W}br") is None  # one line
    else:
        assert _lines(report_title)[1] == "书记抓党建工作述职报告"


def _lines(p) -> list[str]:
    return "".join("\n" if el.tag == f"{W}br" else (el.text or "") for el in p.iter(f"{W}t", f"{W}br")).split("\n")


@pytest.mark.parametrize("title,lines", [
    ("2022年度第一党支部书记抓党建工作述职报告", ["2022年度第一党支部书记抓党建工作述职报告"]),  # 20 cells
    ("2022年度青山县委组织部机关党支部书记抓党建工作述职报告",
     ["2022年度青山县委组织部机关党支部", "书记抓党建工作述职报告"]),
    ("2022年度某某省某某市某某县某某乡某某村第一党支部书记抓党建工作述职报告",  # no whole-phrase fit
     ["2022年度某某省某某市某某县某某乡某某村第一党支部书记抓党建工作述职报告"]),
])
def test_title_breaks_before_the_secretary(title, lines):
    from pipeline.writing.layout import _break_titles
    body = etree.fromstring(
        f'<w:body xmlns:w="{W[1:-1]}"><w:p><w:pPr><w:pStyle w:val="ReportTitle"/></w:pPr>'
        f"<w:r><w:t>{title[:9]}</w:t></w:r><w:r><w:t>{title[9:]}</w:t></w:r></w:p></w:body>")
    _break_titles(body)
    assert _lines(body[0]) == lines


def test_package_parts_name_chinese_fonts_and_no_foreign_application(rendered):
    parts = _parts(rendered)
    fonts = etree.fromstring(parts["word/fontTable.xml"])
    table = {f.get(f"{W}name"): f for f in fonts.iter(f"{W}font")}
    for name, alt in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体"),
                      ("黑体", "SimHei"), ("宋体", "SimSun")):
        assert table[name].find(f"{W}altName").get(f"{W}val") == alt
        assert table[name].find(f"{W}charset").get(f"{W}val") == "86"
        assert len(table[name].find(f"{W}panose1").get(f"{W}val")) == 20
    settings = etree.fromstring(parts["word/settings.xml"])
    assert settings.find(f"{W}themeFontLang").get(f"{W}eastAsia") == "zh-CN"
    app = parts["docProps/app.xml"].decode("utf-8")
    assert "<Application>党建述职报告流水线</Application>" in app and "Microsoft" not in app


def test_render_is_deterministic(metrics, rendered):
    again = render_docx(TEMPLATE, build_context(copy.deepcopy(metrics)))
    assert again == rendered
    with zipfile.ZipFile(io.BytesIO(rendered)) as z:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
        assert z.namelist()[0] == "[Content_Types].xml"
    props = docx.Document(io.BytesIO(rendered)).core_properties
    assert props.modified.year == 2023 and props.created.year == 2023
    assert props.last_modified_by == "党建述职报告流水线"


# ------------------------------------------------------------------ the text
MODEL_FIGURES = [
    "专题研究党建工作4次", "谈心谈话10次", "和全体党员开展谈心谈话10次", "3万余字", "心得体会3篇",
    "每季度对党员学习情况进行1次调阅检查", "专题研讨4次", "专家讲党课2次", "专题党课4次", "知识测试1次",
    "结对共建活动4次", "1500余棵", "280万元", "190件", "8名", "5吨", "100本规定学习读本", "50条星级指标",
    "支委会12次", "党员大会4次", "主题党日活动12次", "党课10次", "爱国主义影片3次", "警示教育片2次",
    "观摩学习2次", "按月足额缴纳党费", "5760元", "已全部上缴", "126篇", "中央、省、市", "18篇",
]


@pytest.mark.parametrize("figure", MODEL_FIGURES)
def test_model_figures_appear(markdown, figure):
    assert figure in markdown


def test_markdown_structure(markdown):
    lines = markdown.splitlines()
    assert lines[0] == "# 2022年度青山县委组织部机关党支部书记抓党建工作述职报告"
    assert lines[2] == "青山县委组织部机关党支部书记 李明华"
    assert lines[4] == "支部现有党员10名，其中正式党员9名、预备党员1名。现将抓党建工作履职情况报告如下，请予评议。"
    assert lines.index("青山县委组织部机关党支部") + 2 == lines.index("2023年1月10日")  # 落款
    for h in ("## 一、履职工作主要情况", "## 二、存在的主要问题及原因", "## 三、下一步工作打算",
              "## 附件", "### 2022年度“三会一课”及主题党日开展情况统计表"):
        assert h in lines
    assert "| 项目 | 1月 | 2月 | 3月 | 4月 | 5月 | 6月 | 7月 | 8月 | 9月 | 10月 | 11月 | 12月 | 合计 |" in lines
    assert "| 支委会 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 12 |" in lines
    assert "| 党员大会 | — | — | 1 | — | — | 1 | — | — | 1 | — | — | 1 | 4 |" in lines
    assert not any("党小组会 |" in line for line in lines)
    assert "此外，对照台账逐项自查，还存在以下不足：落实“三会一课”等组织生活制度还不够严格，7月主题党日在10日后召开（7月12日）。" in lines
    assert any(line.startswith("一是责任落实不够到位。") and "二是服务中心不够有力。" in line for line in lines)
    assert any(line.startswith("剖析这些问题产生的原因，主要有：一是精力投入不够。") and line.endswith("成效不明显。")
               for line in lines)
    assert any(line.startswith("（四）融入融合上再探索。建立健全") for line in lines)
    assert "\n\n" in markdown and "{{" not in markdown and "{%" not in markdown


NO_ZERO = re.compile(r"(?<![\d.])0(次|篇|名|元|字|棵|件|吨|本|条|余)")


def _assert_clean(md: str) -> None:
    assert "**" not in md and "XX" not in md and "ＸＸ" not in md
    assert not NO_ZERO.search(md), NO_ZERO.search(md)
    assert "，，" not in md and "，。" not in md and "。。" not in md and "：。" not in md


def test_no_placeholders_or_zero_figures(markdown):
    _assert_clean(markdown)


def test_zero_figures_drop_their_sentences(metrics):
    m = copy.deepcopy(metrics)
    m["组织生活"]["警示教育片"] = 0
    m["组织生活"]["专题研究党建"] = 0
    m["帮扶"] = []
    m["党课"].update({"专家": 0, "领导干部": 0})
    m["信息报送"].update({"采用篇数": 0, "按级别": {"中央": 0, "省": 0, "市": 0, "县": 0}})
    md = _render_md(m)
    _assert_clean(md)
    assert "警示教育片" not in md and "专题研究党建工作" not in md
    assert "石门村" not in md and "柳沟村" not in md
    assert "组织党员观看爱国主义影片3次、参加观摩学习2次。" in md
    assert "压紧压实党员教育管理责任。和全体党员开展谈心谈话10次。" in md
    assert "开展党组织结对共建活动4次。" in md
    assert "支部书记带头讲党课4次" in md and "专家讲党课" not in md
    assert "全年撰写上报各类信息126篇。" in md and "登载" not in md


def _required_only(metrics: dict) -> dict:
    """The sample's figures without anything only its optional ledgers (工作举措, 帮扶, 其他事项) say."""
    m = copy.deepcopy(metrics)
    m["工作举措"] = {k: [] for k in m["工作举措"]}
    m["工作举措小标题"] = {k: "" for k in m["工作举措小标题"]}
    m["帮扶"], m["其他事项"] = [], {}
    return m


# What the model branch said of itself: never in a report whose ledgers do not say it.
MODEL_ONLY = ("三个清单", "党员积分评定标准", "实施工作方案", "推进方案", "四学", "星级", "五星级", "大熔炉",
              "锤炼部机关干部党性", "公务员", "课题调研", "党建工作督查", "一岗双责", "常态化落实", "购买",
              "感染力", "试金石", "机关党员", "督促", "注重激发", "精心谋划", "坚持抓主抓重", "坚持用心用力",
              "坚持落实落细", "坚持互融互促", "坚持从严从实", "抓实", "着力")


def test_a_branch_with_only_the_required_ledgers_gets_no_borrowed_claims(metrics):
    md = _render_md(_required_only(metrics))
    _assert_clean(md)
    # 二、三 are the branch's own 问题清单 and 任务清单; everything before must be its figures.
    before = md.split("## 二、")[0]
    assert not [w for w in MODEL_ONLY if w in before], [w for w in MODEL_ONLY if w in before]
    part_1 = md.split("## 一、履职工作主要情况")[1].split("## 二、")[0]
    assert part_1.splitlines()[2] == (
        "（一）抓党建第一责任落实情况。年内专题研究党建工作4次，和全体党员开展谈心谈话10次。"
        "党员人均记写学习笔记3万余字，撰写心得体会3篇，每季度对党员学习情况进行1次调阅检查。")
    assert "（四）党建与中心工作融合情况。全年撰写上报各类信息126篇，" in part_1
    assert "（五）" not in part_1


def test_measures_go_to_their_subsection_in_ledger_order(metrics):
    m = _required_only(metrics)
    m["工作举措"]["作风建设"] = ["开展作风建设专项整治", "落实中央八项规定精神。"]
    m["工作举措"]["责任落实"] = ["书记每月听取一次党建工作汇报"]
    m["组织生活"]["专题研究党建"] = 0
    m["谈心谈话"]["次数"] = 0
    m["学习"] = {k: 0 for k in m["学习"]}
    md = _render_md(m)
    assert "（一）抓党建第一责任落实情况。书记每月听取一次党建工作汇报。\n" in md
    assert "（五）作风建设情况。开展作风建设专项整治。落实中央八项规定精神。\n" in md
    m["工作举措小标题"]["作风建设"] = "坚持从严从实，加强作风建设"  # the branch's own heading
    assert "（五）坚持从严从实，加强作风建设。开展作风建设专项整治。" in _render_md(m)
    m["工作举措"]["责任落实"] = []
    md = _render_md(m)
    assert "第一责任落实" not in md  # nothing to say: left out, the rest renumbered
    assert "（一）政治理论学习情况。" in md and "（四）坚持从严从实，加强作风建设。" in md


def test_everything_zero_still_reads(metrics):
    m = _required_only(metrics)
    for k, v in m["组织生活"].items():
        if isinstance(v, int):
            m["组织生活"][k] = 0
    m["组织生活"]["按月"] = {k: [0] * 12 for k in m["组织生活"]["按月"]}
    m["党课"] = {k: 0 for k in m["党课"]}
    m["谈心谈话"] = {"次数": 0, "覆盖党员": 0, "未覆盖党员": ["张三"]}
    m["学习"] = {k: 0 for k in m["学习"]}
    m["主题党日"]["领学次数"] = 0
    m["党费"].update({"实缴总额": 0, "按月": [0] * 12})
    m["信息报送"] = {"报送篇数": 0, "采用篇数": 0, "按级别": {}}
    m["检查发现"] = []
    md = _render_md(m)
    _assert_clean(md)
    assert "全年召开" not in md and "全年共收党费" not in md and "信息" not in md
    assert "## 一、履职工作主要情况\n\n## 二、" in md
    # Nothing met is said under 存在的主要问题; the 问题清单's items stand alone.
    assert "经对全年台账核查" not in md
    assert "| 支委会 | — |" in md


def test_values_are_xml_escaped(metrics):
    m = copy.deepcopy(metrics)
    m["问题"][0]["标题"] = "<党建&业务>"
    m["打算"][0]["标题"] = "A&B <c>"
    data = render_docx(TEMPLATE, build_context(m))
    xml = _parts(data)["word/document.xml"].decode("utf-8")
    assert "&lt;党建&amp;业务&gt;" in xml
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "一是<党建&业务>。" in text
    md = docx_to_markdown(data)
    assert "一是<党建&业务>。" in md and "（一）A&B <c>。" in md


# ------------------------------------------------------------------ template errors
def test_unknown_top_level_variable(tmp_path, metrics):
    path = _tiny_template(tmp_path / "my.docx", "年度：{{ 年度 }}", "{{ 不存在的变量 }}")
    before = sorted(tmp_path.iterdir())
    with pytest.raises(TemplateError) as err:
        render_docx(path, build_context(metrics))
    msg = str(err.value)
    assert "「不存在的变量」" in msg and "my.docx" in msg and "README" in msg
    assert sorted(tmp_path.iterdir()) == before


def test_unknown_attribute(tmp_path, metrics):
    path = _tiny_template(tmp_path / "my.docx", "全年召开支委会{{ 组织生活.不存在 }}次")
    before = sorted(tmp_path.iterdir())
    with pytest.raises(TemplateError) as err:
        render_docx(path, build_context(metrics))
    msg = str(err.value)
    assert "「组织生活.不存在」" in msg and "my.docx" in msg
    assert sorted(tmp_path.iterdir()) == before


def test_unknown_attribute_in_a_condition_and_a_loop(tmp_path, metrics):
    path = _tiny_template(tmp_path / "a.docx", "{% if 学习.不存在 %}x{% endif %}")
    with pytest.raises(TemplateError, match="学习.不存在"):
        render_docx(path, build_context(metrics))
    path = _tiny_template(tmp_path / "b.docx", "{% for 项 in 打算项 %}{{ 项.措施 }}{% endfor %}")
    with pytest.raises(TemplateError, match=r"打算项\[0\]\.措施"):
        render_docx(path, build_context(metrics))


def test_broken_tag_and_unknown_filter(tmp_path, metrics):
    path = _tiny_template(tmp_path / "c.docx", "开头", "{% if 年度 %}没有结束")
    with pytest.raises(TemplateError) as err:
        render_docx(path, build_context(metrics))
    assert "c.docx" in str(err.value) and "没有结束" in str(err.value)
    path = _tiny_template(tmp_path / "d.docx", "{{ 年度|大写 }}")
    with pytest.raises(TemplateError, match="「大写」的过滤器"):
        render_docx(path, build_context(metrics))


def test_not_a_docx(tmp_path, metrics):
    path = tmp_path / "bad.docx"
    path.write_text("not a zip")
    with pytest.raises(TemplateError, match="bad.docx"):
        render_docx(path, build_context(metrics))


def test_default_template_variables_exist(metrics):
    context = build_context(metrics)
    used = DocxTemplate(str(TEMPLATE)).get_undeclared_template_variables(make_environment())
    assert used, "no variables found"
    assert used <= set(context), used - set(context)
    # dotted names written in the template must resolve in the sample context
    xml = _parts(TEMPLATE.read_bytes())["word/document.xml"].decode("utf-8")
    text = re.sub(r"<[^>]+>", "", xml)
    tags = re.findall(r"\{[{%](.*?)[}%]\}", text)
    loop_vars = {"项", "行", "loop"}
    dotted = {d for t in tags for d in re.findall(r"(?<![\w'])([^\W\d]\w*(?:\.\w+)+)", t)}
    assert "组织生活.专题研究党建" in dotted
    for name in sorted(dotted):
        root, *attrs = name.split(".")
        if root in loop_vars:
            continue
        value = context[root]
        for attr in attrs:
            assert isinstance(value, dict) and attr in value, name
            value = value[attr]


# ------------------------------------------------------------------ derived context
def test_derived_names_documented(metrics):
    context = build_context(metrics)
    assert DERIVED_NAMES <= set(context)
    assert all(re.search(r"[\u4e00-\u9fff]", k) for k in DERIVED_NAMES)
    assert context["组织生活"] == metrics["组织生活"]


def test_derived_sentences(metrics):
    c = build_context(metrics)
    assert c["帮扶句"] == (
        "在石门村栽植油松1500余棵，协调中化集团为柳沟村落实养殖项目资金280万元，为柳沟村群众送去过冬棉服190件，"
        "走访慰问柳沟村困难党员和离退休村干部8名，为红崖镇捐助饲草5吨"
    )
    assert c["结对帮扶句"] == "开展党组织结对共建活动4次，" + c["帮扶句"]
    assert c["党课句"] == "支部书记带头讲党课4次，邀请专家讲党课2次，领导干部讲专题党课4次"
    assert c["理论学习句"] == ("每月主题党日活动上安排1名干部领学，开展专题研讨4次，" + c["党课句"]
                          + "，开展知识测试1次")
    assert c["采用级别"] == "中央、省、市"
    assert c["三会一课句"] == "召开支委会12次，党员大会4次，开展主题党日活动12次，讲党课10次"
    assert c["组织生活会句"] == "召开组织生活会1次，开展民主评议党员1次"
    assert c["组织生活形式句"] == "观看爱国主义影片3次、警示教育片2次、参加观摩学习2次"
    assert c["党员句"] == "支部现有党员10名，其中正式党员9名、预备党员1名"
    assert c["学习句"] == "党员人均记写学习笔记3万余字，撰写心得体会3篇，每季度对党员学习情况进行1次调阅检查"
    # The secretary's own shortcoming, in the first person, after the 问题清单's (此外).
    assert c["检查发现句"] == ("此外，对照台账逐项自查，还存在以下不足：落实“三会一课”等组织生活制度还不够严格，"
                          "7月主题党日在10日后召开（7月12日）。")
    assert c["其他事项句"] == ""
    assert c["组织生活制度句"] == ""  # July's 主题党日 was late
    assert c["小节"] == {"责任落实": "（一）", "理论学习": "（二）", "组织建设": "（三）", "中心工作": "（四）", "作风建设": ""}
    assert c["举措句"]["中心工作"].endswith("长才干。持续抓好信息报送工作。")
    assert c["落款日期"] == "2023年1月10日" and c["草稿标记"] == ""
    assert c["谈心谈话全覆盖"] and c["党费按月足额"] and not c["显示党小组会"]


def test_derived_variants(metrics):
    m = copy.deepcopy(metrics)
    m["学习"]["检查次数"] = 3
    m["学习"]["人均笔记字数"] = 0
    m["谈心谈话"]["未覆盖党员"] = ["王五"]
    m["党费"]["欠缴"] = [{"姓名": "王五", "月份": 3}]
    m["党费"]["足额"] = False
    m["党费"]["已全部上缴"] = False
    m["其他事项"]["开展志愿服务"] = {"数量": 6, "单位": "次", "约数": False}
    m["帮扶"] = [{"对象": "", "事项": "捐赠图书", "数量": 0, "单位": "册", "约数": False}]
    m["检查发现"] = []
    m["组织生活"]["党小组会"] = 2
    m["党员"].update({"预备党员": 0, "正式党员": 10, "增加": 2, "减少": 1})
    m["支部"]["报告日期"] = ""
    c = build_context(m)
    assert c["学习句"] == "党员人均撰写心得体会3篇，全年对党员学习情况进行调阅检查3次"
    assert not c["谈心谈话全覆盖"] and not c["党费按月足额"]
    assert c["其他事项句"] == "开展志愿服务6次"
    assert c["帮扶句"] == "捐赠图书"
    assert c["检查发现句"] == "" and ALL_MET not in _render_md(m)
    assert c["党员句"] == "支部现有党员10名，年内增加2名、减少1名"
    assert c["落款日期"] == "\u3000年\u3000月\u3000日"
    assert c["显示党小组会"] and [r["项目"] for r in c["附件表"]] == ["支委会", "党员大会", "党小组会", "党课", "主题党日"]
    assert "三会一课句" in c and "党小组会2次" in c["三会一课句"]
    md = _render_md(m)
    _assert_clean(md)
    assert "开展谈心谈话10次" in md and "全体党员" not in md
    assert "全年共收党费5760元（应缴5760元）。" in md and "已全部上缴" not in md
    assert "此外，开展志愿服务6次。" in md
    assert "| 党小组会 |" in md
    assert md.splitlines()[-1 - md.splitlines()[::-1].index("青山县委组织部机关党支部") + 2] == "\u3000年\u3000月\u3000日"
    c2 = build_context(metrics, show_party_groups=True)
    assert [r["项目"] for r in c2["附件表"]][2] == "党小组会"


def test_appendix_marks_gaps(metrics):
    m = copy.deepcopy(metrics)
    m["组织生活"]["按月"]["支委会"][4] = 0  # May
    m["组织生活"]["按月"]["党课"][3:6] = [0, 0, 0]  # no lecture in Q2
    # Shading follows the rule-check findings (which respect pipeline.toml), not the counts.
    m["检查发现"] = [{"规则": "支委会每月召开", "规则编号": "支委会", "说明": "5月未召开支委会", "涉及": ["5月"]},
                  {"规则": "党课每季度开展", "规则编号": "党课", "说明": "第二季度未讲党课", "涉及": ["第二季度"]},
                  *m["检查发现"]]
    rows = {r["项目"]: r for r in build_context(m)["附件表"]}
    assert rows["主题党日"]["月"][6] == "12日" and rows["主题党日"]["月"][0] == "7日"
    assert rows["支委会"]["月"][4] == "—" and rows["支委会"]["底色"][4] != "auto"
    assert rows["支委会"]["合计"] == "11"
    assert [rows["党课"]["底色"][i] != "auto" for i in range(12)] == [False] * 3 + [True] * 3 + [False] * 6
    assert rows["党员大会"]["月"][0] == "—" and rows["党员大会"]["底色"][0] == "auto"
    assert rows["主题党日"]["底色"][6] != "auto"  # late in July (检查发现)
    xml = _parts(render_docx(TEMPLATE, build_context(m)))["word/document.xml"].decode("utf-8")
    assert xml.count('w:fill="D9D9D9"') == 1 + 3 + 1


def test_appendix_shades_by_rule_id_not_by_words(metrics):
    m = copy.deepcopy(metrics)
    m["检查发现"] = [
        # 书记讲党课 is about 党课: its finding shades the 党课 row.
        {"规则": "支部书记每年讲党课", "规则编号": "书记讲党课", "说明": "…", "涉及": ["第一季度"]},
        # A meeting short of a quorum was held: the 党员大会 row stays unshaded.
        {"规则": "大会到会人数过半数", "规则编号": "党员大会到会人数", "说明": "…", "涉及": ["6月"]},
        # The rule's words in a finding of another rule shade nothing.
        {"规则": "支委会每月召开", "规则编号": "谈心谈话", "说明": "…", "涉及": ["5月"]},
    ]
    rows = {r["项目"]: r for r in build_context(m)["附件表"]}
    assert [rows["党课"]["底色"][i] != "auto" for i in range(12)] == [True] * 3 + [False] * 9
    assert all(fill == "auto" for kind in ("党员大会", "支委会", "主题党日") for fill in rows[kind]["底色"])
    # and the claims follow the same ids: 党课 not met, so no 认真落实 sentence.
    assert build_context(m)["组织生活制度句"] == ""
    m["检查发现"] = m["检查发现"][1:]
    assert build_context(m)["组织生活制度句"].startswith("严格按照每月10日前")


def test_single_items_are_not_numbered_and_partial_figures_read_naturally(metrics):
    m = copy.deepcopy(metrics)
    m["问题"], m["原因"] = m["问题"][:1], m["原因"][:1]
    m["学习"].update({"人均心得体会篇数": 2.2, "心得体会总篇数": 22})
    m["党课"].update({"书记": 0, "未注明": 2})
    c = build_context(m)
    assert c["问题句"].startswith("责任落实不够到位。") and "一是" not in c["问题句"]
    assert c["原因句"].startswith("精力投入不够。") and "一是" not in c["原因句"]
    assert "撰写心得体会2篇以上" in c["学习句"]
    assert c["党课句"] == "邀请专家讲党课2次，领导干部讲专题党课4次，另开展党课2次"
    m["学习"].update({"人均心得体会篇数": 0.3, "心得体会总篇数": 3})
    assert "共撰写心得体会3篇" in build_context(m)["学习句"]


def test_organisational_life_claims_follow_the_rule_checks(metrics):
    m = copy.deepcopy(metrics)
    md = _render_md(m)  # July's 主题党日 was late
    assert "严格按照" not in md and "认真落实" not in md.split("## 二、")[0].replace("认真贯彻落实", "")
    m["检查发现"] = []
    md = _render_md(m)
    assert ("严格按照每月10日前完成当月组织生活的要求，认真落实“三会一课”、主题党日等党内基本组织生活制度。"
            "全年召开支委会12次") in md
    m["检查规则"]["党课"]["已检查"] = False  # a rule that could not be judged backs no claim
    assert "认真落实“三会一课”" not in _render_md(m)
    m["检查规则"]["党课"]["已检查"] = True
    m["检查发现"] = [{"规则": "党员大会每季度召开", "规则编号": "党员大会", "说明": "第二季度未召开党员大会", "涉及": ["第二季度"]}]
    assert "严格按照" not in _render_md(m)


def test_dues_claims_both_ways(metrics):
    m = copy.deepcopy(metrics)
    md = _render_md(m)
    assert "按月足额缴纳党费，全年共收党费5760元，已全部上缴。" in md
    m["党费"]["已全部上缴"] = False  # nothing in the ledger records remittance
    md = _render_md(m)
    assert "按月足额缴纳党费，全年共收党费5760元。" in md and "上缴" not in md
    m["党费"]["足额"] = False  # someone paid less than the standard
    md = _render_md(m)
    assert "足额" not in md and "全年共收党费5760元（应缴5760元）。" in md
    m["党费"]["足额"] = True
    m["检查发现"].append({"规则": "党费按月缴纳", "规则编号": "党费", "说明": "王五3月未缴纳党费", "涉及": ["3月"]})
    assert "按月足额" not in _render_md(m)
    m["检查发现"].pop()
    m["检查规则"]["党费"]["已检查"] = False
    assert "按月足额" not in _render_md(m)


def test_talk_and_study_claims_both_ways(metrics):
    m = copy.deepcopy(metrics)
    md = _render_md(m)
    assert "和全体党员开展谈心谈话10次" in md and "每季度对党员学习情况进行1次调阅检查" in md
    m["检查发现"] = [{"规则": "谈心谈话全覆盖", "规则编号": "谈心谈话", "说明": "支部书记全年未与王五开展谈心谈话", "涉及": ["王五"]},
                  {"规则": "学习笔记每季度检查", "规则编号": "学习笔记检查", "说明": "第二季度未开展学习笔记检查", "涉及": ["第二季度"]}]
    md = _render_md(m)
    assert "全体党员" not in md and "每季度" not in md.split("## 二、")[0]
    assert "开展谈心谈话10次" in md and "全年对党员学习情况进行调阅检查4次" in md


def test_figures_are_exact(metrics):
    m = copy.deepcopy(metrics)
    m["信息报送"]["报送篇数"] = 126
    m["党费"]["实缴总额"] = 14280
    md = _render_md(m)
    assert "全年撰写上报各类信息126篇" in md and "余篇" not in md
    assert "全年共收党费14280元" in md and "1.43万" not in md
    m["党费"]["实缴总额"] = 12000
    assert "全年共收党费1.2万元" in _render_md(m)


def test_a_draft_says_so_on_every_page_and_at_the_top(metrics):
    m = copy.deepcopy(metrics)
    m["校验"]["错误"] = 3
    data = render_docx(TEMPLATE, build_context(m))
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    mark = "（台账有 3 处错误未计入，本稿仅供核对）"
    assert [p.text for p in section.header.paragraphs] == [mark]
    assert [p.text for p in section.even_page_header.paragraphs] == [mark]
    assert docx_to_markdown(data).splitlines()[0] == mark
    final = docx.Document(io.BytesIO(render_docx(TEMPLATE, build_context(metrics))))
    assert [p.text for p in final.sections[0].header.paragraphs] == [""]


def test_an_unclosed_if_is_named_with_its_text(tmp_path):
    path = tmp_path / "缺endif.docx"
    document = docx.Document()
    document.add_paragraph("开头一段。")
    document.add_paragraph("{% if 组织生活.支委会 %}全年召开支委会{{ 组织生活.支委会 }}次。")
    document.add_paragraph("结尾一段。")
    document.save(path)
    with pytest.raises(TemplateError) as err:
        render_docx(path, build_context(json.loads(METRICS.read_text(encoding="utf-8"))))
    message = str(err.value)
    assert "模板 缺endif.docx 的正文中有写错的标签" in message
    assert ("没有结束的标签是「{% if 组织生活.支委会 %}」，"
            "所在处的文字：「{% if 组织生活.支委会 %}全年召开支委会{{ 组织生活.支委会 }}次。」") in message


def test_appendix_leaves_out_the_committee_row_of_a_small_branch(metrics):
    m = copy.deepcopy(metrics)
    m["组织生活"]["按月"]["支委会"] = [0] * 12
    assert [r["项目"] for r in build_context(m)["附件表"]][0] == "支委会"  # the rule applies: gaps show
    m["检查规则"]["支委会"]["适用"] = False
    assert "支委会" not in [r["项目"] for r in build_context(m)["附件表"]]


def _said_once(md: str, metrics: dict) -> list[str]:
    """Activities whose count is stated more than once in section 一."""
    part_1 = md.split("## 二、")[0]
    twice = []
    for kind, count in metrics["组织生活"].items():
        if isinstance(count, int) and count and len(re.findall(rf"{kind}[^，。、；]*?(?<!\d){count}次", part_1)) > 1:
            twice.append(kind)
    return twice


def test_no_sentence_repeats_another_s_figure(metrics):
    assert _said_once(_render_md(metrics), metrics) == []
    m = copy.deepcopy(metrics)
    m["党课"].update({"书记": 0, "专家": 0, "领导干部": 0, "未注明": 10})  # one category: the total only
    m["主题党日"]["举办日"][6] = []  # not every month: the leader sentence does not restate 12
    md = _render_md(m)
    assert _said_once(md, m) == [] and "讲党课10次" in md and "另开展党课" not in md
    assert "每次主题党日活动上均安排1名干部领学" in md
