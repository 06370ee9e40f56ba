"""The sample branch end to end: golden outputs, model-report figures, determinism, safety."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import docx
import pytest

from pipeline.api import run_report

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
# The committed sample outputs are the golden files: one copy, which reviewers read and diff.
# 生成记录.json is left out: it holds the Word and Excel files' digests, which follow zlib's
# compression rather than anything this program decides.
GOLDEN = ROOT / "outputs"
GOLDEN_FILES = ("report.md", "metrics.json", "provenance.json", "rows.json", "校验报告.md")
DOCX_NAME = "2022年度青山县委组织部机关党支部书记抓党建工作述职报告.docx"

# Every figure the model report quotes (and every ** it leaves open), as the sample renders it.
# Said once each (结对共建 4次 is not repeated in （三）), exactly (126篇, not 120余篇); the model's
# 严格按照每月10日前… is a claim the sample's late July 主题党日 does not support, so it is absent.
MODEL_FIGURES = [
    # The model's 和全体党员 is dropped: the sample's talks all went through the secretary, short of
    # 条例第十九条's 支委之间 and 党员和党员之间 talks (section 二 says so).
    "专题研究党建工作4次", "开展谈心谈话10次", "人均记写学习笔记3万余字", "撰写心得体会3篇",
    "每季度对党员学习情况进行1次调阅检查", "购买了100本规定学习读本", "每月主题党日活动上安排1名干部领学",
    "开展专题研讨4次", "邀请专家讲党课2次", "领导干部讲专题党课4次", "开展知识测试1次",
    "结对共建活动4次", "栽植油松1500余棵", "养殖项目资金280万元", "过冬棉服190件",
    "离退休村干部8名", "捐助饲草5吨", "对标机关党支部50条星级指标",
    "召开支委会12次", "党员大会4次", "开展主题党日活动12次", "讲党课10次", "观看爱国主义影片3次",
    "警示教育片2次", "参加观摩学习2次", "按月足额缴纳党费，全年共收党费5760元，已全部上缴",
    "召开组织生活会1次，开展民主评议党员1次", "支部现有党员10名，其中正式党员9名、预备党员1名",
    "全年撰写上报各类信息126篇", "被中央、省、市各类网站、报纸刊物、杂志所登载18篇（次）",
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    runs = run_report(INPUTS, out, None)
    assert runs[0].report_written
    return out


def test_golden_files(outputs, request):
    """A fresh run (in a temporary folder) writes exactly the committed outputs/; only
    --update-golden (make golden) writes into outputs/."""
    update = request.config.getoption("--update-golden")
    for name in GOLDEN_FILES:
        produced = (outputs / name).read_bytes()
        if update:
            (GOLDEN / name).write_bytes(produced)
            continue
        expected = (GOLDEN / name).read_bytes()
        assert produced.decode("utf-8") == expected.decode("utf-8"), \
            f"{name} differs from outputs/{name}; review, then `make golden`"
        assert produced == expected, name  # the same text, so only the bytes (line ends, BOM) differ


def test_every_model_figure_is_in_the_report(outputs):
    text = (outputs / "report.md").read_text(encoding="utf-8")
    missing = [figure for figure in MODEL_FIGURES if figure not in text]
    assert not missing
    assert text.count("4次，在石门村") == 1 and "结对共建活动4次" not in text.split("（三）")[1].split("（四）")[0]
    assert "严格按照" not in text and "余篇" not in text


def test_report_structure_follows_the_model(outputs):
    lines = (outputs / "report.md").read_text(encoding="utf-8").splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert headings == [
        "# 2022年度青山县委组织部机关党支部书记抓党建工作述职报告", "## 一、履职工作主要情况", "## 二、存在的主要问题及原因",
        "## 三、下一步工作打算", "## 附件", "### 2022年度“三会一课”及主题党日开展情况统计表"]
    body = [line for line in lines if line and not line.startswith(("#", "|"))]
    assert [line[:3] for line in body if line.startswith("（")] == ["（一）", "（二）", "（三）", "（四）"] * 2
    assert any(line.startswith("一是责任落实不够到位。") and "二是服务中心不够有力。" in line for line in body)
    assert ("此外，对照台账逐项自查，还存在以下不足：一是落实“三会一课”等组织生活制度还不够严格，"
            "1个月的主题党日晚于当月10日开展（7月12日）；") in "\n".join(body)
    assert any(line.startswith("剖析这些问题产生的原因，主要有：一是精力投入不够。") for line in body)
    # 附件说明 after the body, then the 落款 from 基本信息, then the appendix page.
    tail = body[body.index("附件：2022年度“三会一课”及主题党日开展情况统计表"):][:3]
    assert tail[1:] == ["青山县委组织部机关党支部", "2023年1月10日"]


def test_no_placeholders_or_zero_counts(outputs):
    text = (outputs / "report.md").read_text(encoding="utf-8")
    assert "**" not in text and "XX" not in text
    assert not re.search(r"(?<![0-9])0次", text)


def test_docx_reopens_with_east_asian_fonts(outputs):
    document = docx.Document(str(outputs / DOCX_NAME))
    assert document.paragraphs[0].text.replace("\n", "") == "2022年度青山县委组织部机关党支部书记抓党建工作述职报告"
    assert document.paragraphs[1].text == "青山县委组织部机关党支部书记 李明华"
    qn = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text.strip():
                fonts = run._element.rPr.rFonts if run._element.rPr is not None else None
                assert fonts is not None and fonts.get(qn), paragraph.text[:20]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_two_runs_are_byte_identical(outputs, tmp_path):
    from tests.builders import assert_zip_is_fixed

    run_report(INPUTS, tmp_path, None)
    assert _digest(tmp_path) == _digest(outputs)
    for name in (DOCX_NAME, "校验报告.xlsx"):
        assert_zip_is_fixed((outputs / name).read_bytes())


def test_inputs_are_never_modified(tmp_path):
    before = _digest(INPUTS)
    stats = {p.name: p.stat().st_mtime_ns for p in INPUTS.iterdir()}
    run_report(INPUTS, tmp_path / "out", None)
    assert _digest(INPUTS) == before
    assert {p.name: p.stat().st_mtime_ns for p in INPUTS.iterdir()} == stats


def test_outputs_inside_inputs_are_refused(tmp_path):
    from pipeline.core.errors import UsageError

    copy = tmp_path / "inputs"
    shutil.copytree(INPUTS, copy)
    with pytest.raises(UsageError, match="输出文件夹不能是输入文件夹或位于其中"):
        run_report(copy, copy / "outputs", None)


def test_whole_figures_are_json_integers(outputs):
    """metrics.md: integers where the value is whole (3, never 3.0), so diffs stay quiet."""
    text = (outputs / "metrics.json").read_text(encoding="utf-8")
    assert not re.findall(r"(?m)(?::\s*|^\s*)-?\d+\.0+,?$", text)
