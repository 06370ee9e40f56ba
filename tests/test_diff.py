"""`diff OLD NEW`: a second draft of the sample (one meeting added, one 问题 reworded) against the
first, read the way a reviewer reads it; exit 0 when equal, 1 when different, 2 for bad folders."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from openpyxl import load_workbook

from pipeline.api import run_report
from pipeline.cli import cli
from pipeline.review.changes import mark_words
from pipeline.review.diff import DIFF_DOCX, DIFF_MD, DIFF_XLSX, report_docx
from pipeline.review.tracked import tracked_docx

ROOT = Path(__file__).resolve().parent.parent
NEW_ROW = ("2022年组织生活台账.xlsx / 组织生活 / 7：日期：2022-01-25；类型：党课；主题：学习党的十九届六中全会精神；"
           "主讲人：李明华；主讲人类别：书记；应到人数：10；实到人数：10；地点：部机关会议室")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def second_draft(folder: Path) -> Path:
    """The sample with a 党课 inserted in January (above 55 other rows) and one 问题 reworded."""
    shutil.copytree(ROOT / "inputs", folder)
    path = folder / "2022年组织生活台账.xlsx"
    wb = load_workbook(path)
    ws = wb["组织生活"]
    ws.insert_rows(7)
    for column, value in enumerate([None, dt.datetime(2022, 1, 25), "党课", "学习党的十九届六中全会精神", "李明华",
                                    "书记", 10, 10, "部机关会议室"], 1):
        ws.cell(row=7, column=column, value=value)
    wb.save(path)
    path = folder / "问题清单与工作打算.xlsx"
    wb = load_workbook(path)
    cell = wb["问题清单"].cell(row=3, column=3)
    assert "思考探索较少" in cell.value
    cell.value = cell.value.replace("思考探索较少", "研究谋划不多")
    wb.save(path)
    return folder


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("drafts")
    first, second = base / "第一稿", base / "第二稿"
    assert run_report(ROOT / "inputs", first, None)[0].report_written
    assert run_report(second_draft(base / "台账第二稿"), second, None)[0].report_written
    return first, second


def test_a_second_draft_differs_and_every_changed_figure_is_named(drafts, tmp_path):
    first, second = drafts
    result = invoke("diff", str(first), str(second), "--outputs", str(tmp_path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:5] == [
        "有差异：数字 4 项，文字 1 项，台账行有变化的来源 5 处，检查发现新增 0 项、消除 0 项，报告段落 4 处。",
        "  党课.书记：4 → 5", "  党课.总数：10 → 11", "  组织生活.党课：10 → 11", "  组织生活.按月.党课[1月]：0 → 1"]
    assert lines[-3:] == [f"  {tmp_path / DIFF_MD}", f"  {tmp_path / DIFF_XLSX}", f"  {tmp_path / DIFF_DOCX}"]
    assert not (second / DIFF_MD).exists()  # --outputs chose the folder


def test_the_markdown_names_rows_behind_figures_and_marks_changed_words(drafts, tmp_path):
    first, second = drafts
    invoke("diff", str(first), str(second), "--outputs", str(tmp_path))
    text = (tmp_path / DIFF_MD).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert f"- 旧：{first}（2022年度青山县委组织部机关党支部）" in lines
    assert "| 组织生活.党课 | 10 | 11 | +1 | 组织生活.党课 | 新增1行、删去0行 |" in lines
    # The inserted row moved 55 rows down; matched by content, none of them counts as removed.
    assert "| 组织生活.按月.党课[1月] | 0 | 1 | +1 | 组织生活.按月 | 新增1行、删去0行 |" in lines
    section = text[text.index("## 三、"):text.index("## 四、")]
    assert section.count(f"  - 新增 {NEW_ROW}") == 4
    assert "- 组织生活.党课：组织生活.党课 10 → 11" in section
    assert "删去 2022年组织生活台账" not in section
    assert ("  - 删去 问题清单与工作打算.xlsx / 问题清单 / 3：类型：问题；标题：服务中心不够有力；内容：在机关党建工作如何更加"
            "贴近中心工作，如何更好地服务中心工作上，思考探索较少，") in text
    assert ("- 问题「服务中心不够有力」.内容：在机关党建工作如何更加贴近中心工作，如何更好地服务中心工作上，"
            "〔删：思考探索较少〕〔增：研究谋划不多〕，"
            "有时还存在就党建抓党建的倾向") in text
    assert "讲党课〔删：10〕〔增：11〕次。" in text
    assert "支部书记带头讲党课〔删：4〕〔增：5〕次" in text
    assert "- 修改：| 党课 | 〔删：—〕〔增：1〕 | 1 |" in text
    assert "## 四、检查发现变化\n\n无。" in text


def test_the_workbook_lists_the_same_changes(drafts, tmp_path):
    first, second = drafts
    invoke("diff", str(first), str(second), "--outputs", str(tmp_path))
    wb = load_workbook(tmp_path / DIFF_XLSX)
    assert wb.sheetnames == ["汇总", "数字变化", "台账行", "文字变化", "检查发现", "报告段落"]
    figures = [[c.value for c in row] for row in wb["数字变化"].iter_rows(min_row=2)]
    assert ["组织生活.党课", 10, 11, "+1", "组织生活.党课", "新增1行、删去0行"] in figures
    assert len(figures) == 4
    rows = [[c.value for c in row] for row in wb["台账行"].iter_rows(min_row=2)]
    assert ["问题", "问题「服务中心不够有力」.内容", "删去", "问题清单与工作打算.xlsx / 问题清单 / 3"] == rows[-1][:4]
    assert len(rows) == 6
    assert wb["检查发现"]["A2"].value == "无"


def test_equal_outputs_exit_0(drafts, tmp_path):
    first, _ = drafts
    copy = tmp_path / "copy"
    shutil.copytree(first, copy)
    result = invoke("diff", str(first), str(copy))
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "两份输出一致：数字、台账行、检查发现和报告段落都相同。"
    assert "两份输出一致" in (copy / DIFF_MD).read_text(encoding="utf-8")  # default: into NEW


def test_a_new_finding_is_listed(drafts, tmp_path):
    first, _ = drafts
    changed = tmp_path / "changed"
    shutil.copytree(first, changed)
    metrics = json.loads((changed / "metrics.json").read_text(encoding="utf-8"))
    metrics["检查发现"].append({"规则": "党员大会按季度召开", "说明": "第二季度未召开党员大会", "涉及": ["第二季度"]})
    (changed / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False), encoding="utf-8")
    result = invoke("diff", str(first), str(changed), "--outputs", str(tmp_path / "d"))
    assert result.exit_code == 1
    assert "- 新增：第二季度未召开党员大会（党员大会按季度召开）" in (tmp_path / "d" / DIFF_MD).read_text(encoding="utf-8")


def test_findings_of_an_output_older_than_rule_ids_are_the_same_findings(drafts, tmp_path):
    first, _ = drafts
    older = tmp_path / "older"
    shutil.copytree(first, older)
    metrics = json.loads((older / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["检查发现"] and all(f.pop("规则编号") for f in metrics["检查发现"])
    (older / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False), encoding="utf-8")
    result = invoke("diff", str(older), str(first), "--outputs", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output


def test_usage_errors_exit_2_in_chinese(drafts, tmp_path):
    first, _ = drafts
    missing = invoke("diff", str(first), str(tmp_path / "无此文件夹"))
    assert missing.exit_code == 2
    assert missing.output.strip() == f"错误：找不到新输出文件夹：{tmp_path / '无此文件夹'}"
    (tmp_path / "空").mkdir()
    empty = invoke("diff", str(tmp_path / "空"), str(first))
    assert empty.exit_code == 2
    assert empty.output.strip() == (f"错误：旧输出文件夹 {tmp_path / '空'} 中没有 metrics.json。"
                                    "请指定运行 make report 生成的输出文件夹")
    (tmp_path / "多支部" / "一支部").mkdir(parents=True)
    shutil.copy(first / "metrics.json", tmp_path / "多支部" / "一支部" / "metrics.json")
    multi = invoke("diff", str(tmp_path / "多支部"), str(first))
    assert f"多支部时请指定某个支部的子文件夹，如 {tmp_path / '多支部' / '一支部'}" in multi.output
    broken = tmp_path / "坏"
    broken.mkdir()
    (broken / "metrics.json").write_text("{", encoding="utf-8")
    assert invoke("diff", str(first), str(broken)).exit_code == 2
    assert invoke("diff", str(first)).exit_code == 2


def test_older_outputs_without_rows_json_compare_by_row_number(drafts, tmp_path):
    first, second = drafts
    old = tmp_path / "old"
    shutil.copytree(first, old)
    (old / "rows.json").unlink()
    result = invoke("diff", str(old), str(second), "--outputs", str(tmp_path / "d"))
    assert result.exit_code == 1
    assert "注意：其中一个文件夹没有 rows.json（较早版本生成），台账行按文件、工作表和行号比较" in result.output


@pytest.mark.parametrize("old, new, marked", [
    ("讲党课10次", "讲党课11次", "讲党课〔删：10〕〔增：11〕次"),
    ("思考探索较少", "研究谋划不多", "〔删：思考探索较少〕〔增：研究谋划不多〕"),
    ("全年召开支委会", "全年共召开支委会", "全年〔增：共〕召开支委会"),
    ("一是。二是。", "一是。", "一是。〔删：二是。〕"),
    ("同", "同", "同"),
])
def test_changed_words_are_marked(old, new, marked):
    assert mark_words(old, new) == marked


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def revised_texts(data: bytes, accept: bool) -> list[str]:
    """Every paragraph's text after accepting (or rejecting) all revisions, as Word would show it."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    texts = []
    for p in root.iter(f"{W}p"):
        mark = p.find(f"{W}pPr/{W}rPr")
        if mark is not None and mark.find(f"{W}{'del' if accept else 'ins'}") is not None:
            continue  # the whole paragraph is gone on this side
        parts = []
        for node in p.iter(f"{W}t", f"{W}delText"):
            inside = {a.tag for a in node.iterancestors(f"{W}ins", f"{W}del")}
            if (f"{W}ins" in inside and not accept) or (f"{W}del" in inside and accept):
                continue
            parts.append(node.text or "")
        texts.append("".join(parts))
    return texts


def plain_texts(data: bytes) -> list[str]:
    return revised_texts(data, accept=True)


def test_the_tracked_changes_docx_accepts_to_new_and_rejects_to_old(drafts, tmp_path):
    first, second = drafts
    invoke("diff", str(first), str(second), "--outputs", str(tmp_path))
    tracked = (tmp_path / DIFF_DOCX).read_bytes()
    old, new = report_docx(first).read_bytes(), report_docx(second).read_bytes()
    assert revised_texts(tracked, accept=True) == plain_texts(new)
    assert revised_texts(tracked, accept=False) == plain_texts(old)
    xml = zipfile.ZipFile(io.BytesIO(tracked)).read("word/document.xml").decode("utf-8")
    assert xml.count("<w:ins ") == 5 and xml.count("<w:del ") == 5
    assert ('<w:delText xml:space="preserve">思考探索较少</w:delText></w:r></w:del><w:ins w:id="6" '
            'w:author="差异报告" w:date="2000-01-01T00:00:00Z">') in xml
    invoke("diff", str(first), str(second), "--outputs", str(tmp_path / "again"))
    assert (tmp_path / "again" / DIFF_DOCX).read_bytes() == tracked  # deterministic


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_whole_paragraphs_added_and_removed_are_tracked():
    old = _docx(["一、总体情况", "全年开展党课8次。", "这一段删去了。", "落款"])
    new = _docx(["一、总体情况", "全年开展党课10次。", "落款", "新增的一段。"])
    tracked = tracked_docx(old, new)
    assert revised_texts(tracked, accept=True) == ["一、总体情况", "全年开展党课10次。", "落款", "新增的一段。"]
    assert revised_texts(tracked, accept=False) == ["一、总体情况", "全年开展党课8次。", "这一段删去了。", "落款"]


def test_list_items_are_compared_by_what_they_are_about():
    from pipeline.review.changes import display, leaves

    old = {"问题": [{"标题": "甲", "内容": "一"}, {"标题": "乙", "内容": "二"}]}
    new = {"问题": [{"标题": "丙", "内容": "三"}, {"标题": "甲", "内容": "一"}, {"标题": "乙", "内容": "二改"}]}
    before, after = dict(leaves(old)), dict(leaves(new))
    changed = sorted(display(p) for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert changed == ["问题「丙」.内容", "问题「丙」.标题", "问题「乙」.内容"]  # 甲 moved down, unchanged
    months = dict(leaves({"党费": {"按月": [1, 2]}, "帮扶": [{"对象": "村", "事项": "植树", "单位": "棵", "数量": 3}]}))
    assert sorted(display(p) for p in months) == sorted(["党费.按月[1月]", "党费.按月[2月]", "帮扶「村植树棵」.单位",
                                                         "帮扶「村植树棵」.事项", "帮扶「村植树棵」.对象",
                                                         "帮扶「村植树棵」.数量"])


def test_multi_branch_folders_are_compared_branch_by_branch(drafts, tmp_path):
    first, second = drafts
    old, new = tmp_path / "旧", tmp_path / "新"
    for name in ("一支部", "二支部"):
        shutil.copytree(first, old / name)
    shutil.copytree(first, new / "一支部")
    shutil.copytree(second, new / "二支部")
    shutil.copytree(first, new / "三支部")
    result = invoke("diff", str(old), str(new))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:2] == ["【一支部】两份输出一致：数字、台账行、检查发现和报告段落都相同。",
                         "【二支部】有差异：数字 4 项，文字 1 项，台账行有变化的来源 5 处，检查发现新增 0 项、消除 0 项，报告段落 4 处。"]
    assert "【三支部】只在新输出文件夹中有这个支部，无法比较。" in lines
    assert (new / "二支部" / DIFF_MD).is_file() and (new / "一支部" / DIFF_MD).is_file()
    assert not (new / DIFF_MD).exists()
