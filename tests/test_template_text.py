"""The default template's wording is templates/默认模板.txt: the packaged .docx and the users'
copy in templates/ are built from it byte for byte, so text and .docx cannot drift apart."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pipeline.core.packaged import DEFAULT_TEMPLATE
from tools import build_template
from tools.build_template import TextError, read_text

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "templates" / "默认模板.txt"
COPY = ROOT / "templates" / "默认模板.docx"
STALE = "请运行 make template（模板文字 templates/默认模板.txt 与 .docx 不一致）"


@pytest.fixture(scope="module")
def built() -> bytes:
    return build_template.build(TEXT)


def test_the_packaged_template_is_built_from_the_text(built):
    assert built == DEFAULT_TEMPLATE.read_bytes(), f"pipeline/data/default.docx 已过期：{STALE}"


def test_the_users_copy_is_the_packaged_template(built):
    assert COPY.read_bytes() == built, f"templates/默认模板.docx 已过期：{STALE}"


def test_make_template_writes_both(tmp_path):
    packaged, copy = tmp_path / "default.docx", tmp_path / "模板" / "默认模板.docx"
    assert build_template.main([str(packaged), str(copy)]) == 0
    assert packaged.read_bytes() == copy.read_bytes() == DEFAULT_TEMPLATE.read_bytes()


def _document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_a_word_changed_in_the_text_changes_the_template(tmp_path, built):
    text = TEXT.read_text(encoding="utf-8")
    assert text.count("请予评议。") == 1
    changed = tmp_path / "默认模板.txt"
    changed.write_text(text.replace("请予评议。", "请予审议。"), encoding="utf-8")
    xml = _document_xml(build_template.build(changed))
    assert "请予审议。" in xml and "请予评议。" not in xml
    assert "请予评议。" in _document_xml(built)


def test_the_text_reads_as_paragraphs_runs_and_a_table():
    wording = read_text(TEXT.read_text(encoding="utf-8"))
    assert wording.header == "{{ 草稿标记 }}"
    paragraphs = [b for b in wording.blocks if isinstance(b, build_template.Para)]
    tables = [b for b in wording.blocks if isinstance(b, build_template.Grid)]
    assert paragraphs[0].style == "报告标题" and paragraphs[-1].runs == [("{{ 附件说明 }}", None)]
    # A continued line joins its paragraph; the 小标题 is a run of its own character style.
    head = next(p for p in paragraphs if p.runs and p.runs[0][0].startswith("{{ 小节.责任落实 }}"))
    assert [style for _, style in head.runs] == ["小标题文字", None]
    assert head.runs[1][0].startswith("{{ 举措句.责任落实 }}{% if 组织生活.专题研究党建 %}年内专题研究党建工作")
    assert head.runs[1][0].endswith("{% if 学习句 %}{{ 学习句 }}。{% endif %}")
    assert len(tables) == 1 and [len(row) for row in tables[0].rows] == [14, 1, 14, 1]
    assert tables[0].rows[2][1] == "{% cellbg 行.底色[0] %}{{ 行.月[0] }}"
    # Empty paragraphs are kept: the blank lines above and below 附件说明 (GB/T 9704 7.3.4).
    styles = [(p.style, bool(p.runs)) for p in paragraphs]
    at = styles.index(("附件说明", True))
    assert styles[at - 1] == styles[at + 1] == ("报告正文", False)


@pytest.mark.parametrize("text, message", [
    ("【报告正文】好\n【正文】坏\n", "第 2 行：没有名为「正文」的样式"),
    ("  接在前面\n", "第 1 行：以空格开头的行要接在一个段落后面"),
    ("# 说明\n报告正文 没有括号\n", "第 2 行：段落要以【样式名】开头"),
    ("【报告正文】〔小标题文字〕一、标题\n", "第 1 行：〔小标题文字〕没有对应的〔/小标题文字〕"),
    ("【报告正文】〔楷体〕一、标题〔/楷体〕\n", "没有名为「楷体」的字符样式"),
    ("【表头】项目｜合计\n", "第 1 行：表格一行要有 14 个单元格"),
    ("【报告正文】好\n【表格】{%tr endfor %}\n", "第 2 行：【表格】行要接在【表头】"),
])
def test_a_line_off_the_format_is_named(text, message):
    with pytest.raises(TextError, match=message):
        read_text(text, "默认模板.txt")


def test_the_tool_reports_a_bad_text_and_writes_nothing(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "默认模板.txt"
    bad.write_text("【正文】坏\n", encoding="utf-8")
    monkeypatch.setattr(build_template, "TEXT", bad)
    out = tmp_path / "default.docx"
    assert build_template.main([str(out)]) == 2
    assert "没有名为「正文」的样式" in capsys.readouterr().err and not out.exists()
