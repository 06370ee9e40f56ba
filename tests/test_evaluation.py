"""述职评议 (evaluate, docs/述职评议.md): on a many-branch run of the sample plus generated branches,
the 测评表, 点评提纲, 共性问题, 三张清单, 测评结果 and 反馈意见; every indicator and problem rests on
ledger rows; strengths only where a figure beats every other branch; the 整改清单 round-trips into
`init --previous`; the 等次 rule at its boundaries."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.core.errors import ConfigError
from pipeline.evaluation.settings import GradeRule, combined, load, vote_grade
from tests.ledger_builders import compliant, without, write_ledgers

ROOT = Path(__file__).resolve().parent.parent
RULE = GradeRule()


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _named(folder: Path, name: str) -> None:
    wb = openpyxl.load_workbook(folder / "台账.xlsx")
    wb["基本信息"]["B1"] = name
    wb.save(folder / "台账.xlsx")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("evaluation")
    inputs = base / "in"
    shutil.copytree(ROOT / "inputs", inputs / "第一党支部")
    year = compliant(2022)
    branches = {"第二党支部": {}, "第三党支部": {"activities": without(year["activities"], "主题党日", 3, 4, 5),
                                            "talks": year["talks"][:2]},
                "第四党支部": {"activities": without(year["activities"], "主题党日", 7)}}
    for name, change in branches.items():
        write_ledgers(inputs / name, **{**year, **change})
        _named(inputs / name, name)
    assert invoke("report", "--inputs", str(inputs), "--outputs", str(base / "out")).exit_code in (0, 1)
    result = invoke("evaluate", "--outputs", str(base / "out"))
    assert result.exit_code == 0, result.output
    return base / "out", result


def test_the_first_run_writes_the_form_outlines_checklists_and_a_blank_results_book(run):
    out, result = run
    for name in ("述职评议测评表.docx", "述职评议共性问题.docx", "测评结果.xlsx", "述职评议依据.json"):
        assert (out / name).is_file()
    for branch in ("第一党支部", "第二党支部", "第三党支部", "第四党支部"):
        assert (out / branch / "点评提纲.docx").is_file() and (out / branch / "三张清单.xlsx").is_file()
        assert not (out / branch / "反馈意见.docx").exists()  # no votes yet
    assert not (out / "评议结果.docx").exists()
    assert "下一步：打印述职评议测评表" in result.output
    ws = openpyxl.load_workbook(out / "测评结果.xlsx").active
    assert [r[1] for r in ws.iter_rows(min_row=3, values_only=True)] == ["第一党支部", "第三党支部", "第二党支部", "第四党支部"]


def test_every_indicator_and_problem_rests_on_ledger_rows(run):
    out, _ = run
    basis = json.loads((out / "述职评议依据.json").read_text(encoding="utf-8"))
    for folder, branch in basis.items():
        rows = json.loads((out / folder / "rows.json").read_text(encoding="utf-8"))
        assert 4 <= len(branch["测评参考"]) <= 6
        for item in branch["测评参考"]:
            if not item["数字"].startswith(("未提供", "无上年")):
                assert item["台账行"], (folder, item)
        for problem in branch["问题"]:
            assert problem["依据"] and problem["台账行"], (folder, problem)
        assert rows  # the rows cited are the run's rows
    assert [p["规则"] for p in basis["第三党支部"]["问题"]] == ["主题党日每月开展", "支部委员和党员之间谈心谈话",
                                                         "党员和党员之间谈心谈话"]
    common = {"主题党日每月开展", "党员和党员之间谈心谈话"}  # failed by most of the four branches
    assert all(p["共性问题"] == (p["规则"] in common) for b in basis.values() for p in b["问题"])


def test_strengths_only_where_a_figure_beats_every_other_branch(run):
    out, _ = run
    basis = json.loads((out / "述职评议依据.json").read_text(encoding="utf-8"))
    # 第二党支部 alone held every 主题党日 on time; the sample's talks cover 9 of 10 (90%), the most.
    assert basis["第二党支部"]["亮点"] == ["主题党日：按时开展12/12个月，在本次评议的4个支部中最高（其他3个支部最高为11个月）。"]
    assert basis["第一党支部"]["亮点"][0].startswith("谈心谈话：覆盖党员9/10人（90%），在本次评议的4个支部中最高")
    assert basis["第三党支部"]["亮点"] == basis["第四党支部"]["亮点"] == []


def test_the_form_has_a_row_and_four_boxes_per_secretary(run):
    import docx

    out, _ = run
    document = docx.Document(str(out / "述职评议测评表.docx"))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][-4:] == ["好", "较好", "一般", "差"]
    assert len(table.rows) == 5
    assert all([c.text for c in row.cells][-4:] == ["□"] * 4 for row in table.rows[1:])
    assert "主题党日：按时开展9/12个月（组织生活）" in table.rows[2].cells[2].text
    assert document.paragraphs[0].style.name == "报告标题"


def test_common_problems_are_listed_once(run):
    import docx

    out, _ = run
    text = "\n".join(p.text for p in docx.Document(str(out / "述职评议共性问题.docx")).paragraphs)
    assert text.count("未落实“主题党日每月开展”（2个支部）") == 1
    outline = "\n".join(p.text for p in docx.Document(str(out / "第三党支部" / "点评提纲.docx")).paragraphs)
    # The rule as 条例第十九条 puts it (谈心谈话 between 支委 and members), this branch's own problem.
    assert "（一）未落实“支部委员和党员之间谈心谈话”。赵三、钱四、孙五、周六全年未与支部委员开展谈心谈话。" in outline
    assert "（二）共性问题。本支部也未落实“主题党日每月开展”（3月、4月、5月未开展主题党日）" in outline


def test_votes_give_the_results_the_letters_and_the_checklists_round_trip(run, tmp_path):
    import shutil

    import docx

    out = tmp_path / "out"  # votes go into a copy: the other tests read the first run as it was
    shutil.copytree(run[0], out)
    path = out / "测评结果.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    filled = {3: (27, 3, 0, 0, 95, None, None, None), 4: (10, 12, 6, 2, None, None, None, "谈心谈话覆盖面不够；台账记录不够规范"),
              5: (20, 7, 3, 0, None, None, None, None), 6: (5, 10, 10, 5, None, None, "较好", None)}
    for row, values in filled.items():
        for column, value in enumerate(values, 5):
            ws.cell(row, column, value)
    wb.save(path)
    result = invoke("evaluate", "--outputs", str(out))
    assert result.exit_code == 0, result.output
    assert "已读取测评结果" in result.output and "修改稿" not in result.output
    assert path.read_bytes() and openpyxl.load_workbook(path).active.cell(3, 5).value == 27  # the filled book kept
    summary = docx.Document(str(out / "评议结果.docx"))
    grades = [row.cells[-1].text for row in summary.tables[0].rows[1:]]
    assert grades == ["好", "较好", "好", "较好\n（按规则为一般）"]
    letter = "\n".join(p.text for p in docx.Document(str(out / "第三党支部" / "反馈意见.docx")).paragraphs)
    assert "综合评价等次为“较好”" in letter and "谈心谈话覆盖面不够。" in letter and "2023年6月30日前" in letter
    # The 三张清单 now list the 点评 items; init --previous makes the 整改清单 next year's 整改台账.
    book = openpyxl.load_workbook(out / "第三党支部" / "三张清单.xlsx")
    assert book.sheetnames == ["问题清单", "责任清单", "整改清单"]
    sources = [r[3] for r in book["问题清单"].iter_rows(min_row=3, values_only=True)]
    assert sources == ["规则检查（共性问题）", "规则检查", "规则检查（共性问题）", "领导点评", "领导点评"]
    init = invoke("init", "--inputs", str(tmp_path / "台账2023"), "--year", "2023", "--previous", str(out / "第三党支部"))
    assert init.exit_code == 0 and "三张清单.xlsx（整改清单）" in init.output
    rectify = openpyxl.load_workbook(tmp_path / "台账2023" / "13-整改台账.xlsx").active
    rows = [r for r in rectify.iter_rows(min_row=4, values_only=True) if r[1]]
    assert [r[1] for r in rows][3:] == ["领导点评：谈心谈话覆盖面不够", "领导点评：台账记录不够规范"]
    assert rows[1][1].startswith("未落实“支部委员和党员之间谈心谈话”") and rows[1][3] == "王书记"
    assert rows[0][4].date().isoformat() == "2023-06-30"
    check = invoke("check", "--inputs", str(tmp_path / "台账2023"))
    errors = [line for line in check.output.splitlines() if line.startswith("[错误]") and "整改台账" in line]
    assert errors and all("缺少必填内容“完成情况”" in line for line in errors)  # only what next year fills


@pytest.mark.parametrize(("votes", "grade"), [
    ({"好": 9, "较好": 0, "一般": 1, "差": 0}, "好"),  # 好+较好 exactly 90%
    ({"好": 899, "较好": 0, "一般": 101, "差": 0}, "较好"),  # 89.9%
    ({"好": 90, "较好": 0, "一般": 0, "差": 10}, "好"),  # 差 exactly 10%
    ({"好": 900, "较好": 0, "一般": 0, "差": 101}, "较好"),  # 差 just over 10%
    ({"好": 7, "较好": 0, "一般": 3, "差": 0}, "较好"),  # exactly 70%
    ({"好": 69, "较好": 0, "一般": 31, "差": 0}, "一般"),  # 69%
    ({"好": 2, "较好": 0, "一般": 0, "差": 1}, "一般"),  # 差 exactly one third: not 差
    ({"好": 199, "较好": 0, "一般": 0, "差": 100}, "差"),  # 差 just over one third
    ({"好": 0, "较好": 0, "一般": 0, "差": 0}, None),
])
def test_the_grade_rule_at_its_boundaries(votes, grade):
    assert vote_grade(votes, RULE) == grade


def test_scores_lower_the_grade_never_raise_it():
    votes = {"好": 10, "较好": 0, "一般": 0, "差": 0}  # 测评得分 100, 等次 好
    assert combined(votes, None, None, RULE) == (None, "好")
    assert combined(votes, 80, 80, RULE) == (Fraction(90), "好")  # 综合得分 exactly 90
    assert combined(votes, 79, 80, RULE)[1] == "较好"
    low = {"好": 6, "较好": 0, "一般": 4, "差": 0}  # 好+较好 60%: 一般 by votes, 84 points
    assert combined(low, 100, 100, RULE) == (Fraction(92), "一般")  # 92 would be 好: scores never raise
    assert combined(low, 30, None, RULE) == (Fraction(57), "差")  # 57 is under 60: lowered to 差


def test_settings_file(tmp_path):
    path = tmp_path / "评议.toml"
    path.write_text('["述职评议"]\n"测评指标" = ["三会一课", "主题党日", "谈心谈话", "党费"]\n'
                    '["述职评议"."等次"]\n"好加较好至少" = 85\n', encoding="utf-8")
    config = load(path)
    assert config.indicators == ("三会一课", "主题党日", "谈心谈话", "党费")
    assert vote_grade({"好": 85, "一般": 15}, config.rule) == "好"
    path.write_text('["述职评议"]\n"测评指标" = ["三会一课"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="4 到 6 个指标"):
        load(path)
    path.write_text('["述职评议"."等次"]\n"好票至少" = 50\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="好票至少"):
        load(path)
