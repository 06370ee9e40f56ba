"""The command line as users meet it: exit codes 0/1/2 and the exact Chinese messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.builders import branch, write_xlsx

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def good(tmp_path) -> Path:
    return branch(tmp_path / "in", [["2023-05-06", "支委会", "学习"]])


@pytest.fixture
def bad(tmp_path) -> Path:
    return branch(tmp_path / "in", [["2023-02-30", "支委会", "学习"], ["2023-05-06", "党课", "党课"]])


def test_check_clean_exits_0(good):
    result = invoke("check", "--inputs", str(good))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "[规则检查] 全年未召开党员大会。"
    assert lines[-2:] == ["校验完成：0 个错误，0 个警告，规则检查发现 7 项。",
                          f"下一步：运行 make report INPUTS={good} 生成述职报告。"]


def test_check_with_errors_exits_1_and_names_the_cell(bad, tmp_path):
    result = invoke("check", "--inputs", str(bad), "--outputs", str(tmp_path / "out"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == ("[错误] 台账.xlsx，工作表「组织生活」，第2行，「日期」列：值「2023-02-30」不是有效的日期"
                        "（2023年没有2月30日）。请写成 2023年3月5日 或 2023-03-05 这样的日期。")
    assert lines[-1] == (f"下一步：打开 {tmp_path / 'out' / '校验报告.xlsx'}，看“全部问题”和标出的单元格，"
                         f"改正台账后重新运行 make check INPUTS={bad}。")
    assert (tmp_path / "out" / "校验报告.md").exists()
    assert not (tmp_path / "out" / "metrics.json").exists()


def test_report_with_errors_writes_no_report(bad, tmp_path):
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(bad), "--outputs", str(out))
    assert result.exit_code == 1
    assert "因有错误，未生成报告。" in result.output.splitlines()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("校验报告")) == []


def test_report_keep_going_renders_valid_rows(bad, tmp_path):
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(bad), "--outputs", str(out), "--keep-going")
    assert result.exit_code == 1
    assert "已按 --keep-going 生成报告，出错的行未计入，详见校验报告。" in result.output
    assert (out / "metrics.json").exists() and (out / "report.md").exists()
    assert "## 未计入报告的内容" in (out / "校验报告.md").read_text(encoding="utf-8")
    assert '"党课": 1' in (out / "metrics.json").read_text(encoding="utf-8")


def test_report_success_lists_outputs_and_next_step(good, tmp_path):
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(good), "--outputs", str(out))
    assert result.exit_code == 0, result.output
    assert f"输出文件在 {out}：" in result.output
    assert result.output.splitlines()[-1] == "下一步：打开 .docx 报告审阅修改；校验报告列出了需要核对的警告。"
    assert (out / "2023年度测试党支部书记抓党建工作述职报告.docx").exists()


def test_missing_inputs_folder_exits_2(tmp_path):
    result = invoke("check", "--inputs", str(tmp_path / "无此文件夹"))
    assert result.exit_code == 2
    assert result.output == f"错误：找不到输入文件夹：{tmp_path / '无此文件夹'}。请把台账文件放进该文件夹，或用 INPUTS=文件夹 指定\n"


def test_empty_inputs_folder_exits_2(tmp_path):
    result = invoke("check", "--inputs", str(tmp_path))
    assert result.exit_code == 2
    assert result.output == f"错误：输入文件夹 {tmp_path} 中没有台账文件。可先运行 make init 生成空白台账\n"


def test_unknown_option_exits_2_in_chinese():
    result = invoke("report", "--bogus")
    assert result.exit_code == 2
    assert result.output == "用法错误：没有这个选项：--bogus。运行 python -m pipeline --help 查看用法。\n"


def test_bad_year_exits_2():
    result = invoke("check", "--year", "二〇二三")
    assert result.exit_code == 2
    assert result.output == ("用法错误：参数 --year 的值无效（应为 1949 至 2100 之间的四位年份，如 2023）。"
                             "运行 python -m pipeline --help 查看用法。\n")


def test_inputs_that_is_a_file_exits_2(good):
    result = invoke("check", "--inputs", str(good / "台账.xlsx"))
    assert result.exit_code == 2
    assert result.output == f"错误：{good / '台账.xlsx'} 是一个文件，不是文件夹。请指定台账所在的文件夹，如 INPUTS=台账2023\n"


def test_no_year_anywhere_exits_2(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", {"党员名册": [["姓名"], ["张三"]]})
    result = invoke("check", "--inputs", str(tmp_path))
    assert result.exit_code == 2
    assert "无法确定报告年度" in result.output and "YEAR=2023" in result.output


def test_template_with_unknown_variable_exits_2_and_writes_nothing(good, tmp_path):
    import docx

    template = tmp_path / "my.docx"
    document = docx.Document()
    document.add_paragraph("{{ 组织生活.不存在 }}")
    document.save(template)
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(good), "--outputs", str(out), "--template", str(template))
    assert result.exit_code == 2
    assert "组织生活.不存在" in result.output and "my.docx" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_missing_template_exits_2(good, tmp_path):
    result = invoke("report", "--inputs", str(good), "--outputs", str(tmp_path / "o"), "--template", "无.docx")
    assert result.exit_code == 2
    assert result.output == "错误：找不到模板文件：无.docx\n"


def test_multi_branch_outputs_and_summary(tmp_path):
    inputs = tmp_path / "in"
    branch(inputs / "第一党支部", [["2023-05-06", "支委会", "学习"]])
    branch(inputs / "第二党支部", [["2023-02-30", "支委会", "学习"]])
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(inputs), "--outputs", str(out))
    assert result.exit_code == 1  # the second branch has an error
    assert (out / "第一党支部" / "metrics.json").exists()
    assert not (out / "第二党支部" / "metrics.json").exists()
    assert (out / "第二党支部" / "校验报告.md").exists()
    assert "【第二党支部】因有错误，未生成报告。" in result.output.splitlines()
    import openpyxl

    rows = list(openpyxl.load_workbook(out / "各支部汇总.xlsx").active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["第一党支部", "第二党支部"]
    assert rows[1][-2:] == ("已生成", "完整")
    assert rows[2][-2:] == ("未生成（有错误，见该支部校验报告）", "不完整：1 个错误所在的行未计入")


def test_branches_are_taken_in_numeral_order(tmp_path):
    from pipeline.api import branches

    for name in ("第十党支部", "第二党支部", "第一党支部", "第三党支部"):
        branch(tmp_path / name)
    assert [n for n, _ in branches(tmp_path)] == ["第一党支部", "第二党支部", "第三党支部", "第十党支部"]


def test_loose_files_beside_branch_folders_exit_2(tmp_path):
    inputs = tmp_path / "in"
    branch(inputs / "第一党支部")
    shutil.copy(inputs / "第一党支部" / "台账.xlsx", inputs / "散落.xlsx")
    result = invoke("check", "--inputs", str(inputs))
    assert result.exit_code == 2
    assert "散落.xlsx" in result.output and "子文件夹" in result.output


def test_python_m_pipeline_runs_without_traceback(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "pipeline", "check", "--inputs", str(tmp_path / "x")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("错误：找不到输入文件夹")


def test_internal_defect_is_a_message_not_a_traceback(good, monkeypatch):
    from pipeline import api

    def broken(*args, **kwargs):
        raise RuntimeError("模拟故障")

    monkeypatch.setattr(api, "run_check", broken)
    result = invoke("check", "--inputs", str(good))
    assert result.exit_code == 3
    assert result.output.startswith("程序内部错误（RuntimeError：模拟故障）。输入文件没有被改动；")


def test_keep_going_does_not_judge_rules_on_a_ledger_with_error_rows(bad, tmp_path):
    import json

    out = tmp_path / "out"
    invoke("report", "--inputs", str(bad), "--outputs", str(out), "--keep-going")
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert not metrics["检查规则"]["党课"]["已检查"] and not metrics["检查规则"]["主题党日"]["已检查"]
    assert [f["规则"] for f in metrics["检查发现"]] == ["谈心谈话全覆盖", "学习笔记每季度检查"]
    assert metrics["检查规则"]["党课"]["未检查原因"] == "组织生活台账中有错误行，改正后才能检查"
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "严格按照每月" not in report and "党课未作规则检查" not in report
    assert "支委会、党员大会、党课、主题党日未作规则检查" in report or "党员大会、党课、主题党日未作规则检查" in report
    assert "- 党课每季度开展（组织生活台账中有错误行，改正后才能检查）" in (out / "校验报告.md").read_text(encoding="utf-8")


def test_console_names_rules_that_could_not_be_checked(tmp_path):
    folder = branch(tmp_path / "in", [["2023-05-06", "支委会", "学习"]])
    (folder / "台账.xlsx").unlink()
    from tests.builders import BASIC, ROSTER
    write_xlsx(folder / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER})
    result = invoke("check", "--inputs", str(folder))
    assert ("[规则检查] 未检查：党员大会每季度召开（没有组织生活台账）；党课每季度开展（没有组织生活台账）；"
            "主题党日每月开展（没有组织生活台账）；组织生活会每年召开（没有组织生活台账）；"
            "民主评议党员每年开展（没有组织生活台账）；谈心谈话全覆盖（没有谈心谈话记录）；"
            "党费按月缴纳（没有党费收缴台账）；学习笔记每季度检查（没有学习笔记检查）。") in result.output.splitlines()


def test_a_rule_turned_off_stays_listed_for_templates(good, tmp_path):
    import json

    config = tmp_path / "p.toml"
    config.write_text('[rules."主题党日"]\nenabled = false\n', encoding="utf-8")
    out = tmp_path / "out"
    invoke("report", "--inputs", str(good), "--outputs", str(out), "--config", str(config))
    entry = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["检查规则"]["主题党日"]
    assert entry["启用"] is False and entry["截止日"] == 10 and entry["未检查原因"] == "已在规则设置中关闭"
    assert "日前完成当月组织生活" not in (out / "report.md").read_text(encoding="utf-8")


def test_a_report_edited_in_word_is_kept_not_overwritten(good, tmp_path):
    import docx

    out = tmp_path / "out"
    invoke("report", "--inputs", str(good), "--outputs", str(out))
    name = "2023年度测试党支部书记抓党建工作述职报告.docx"
    document = docx.Document(str(out / name))
    document.add_paragraph("书记亲笔补充的一段话")
    document.core_properties.last_modified_by = "王书记"
    document.save(str(out / name))
    result = invoke("report", "--inputs", str(good), "--outputs", str(out))
    backup = out / "2023年度测试党支部书记抓党建工作述职报告（修改稿）.docx"
    assert "书记亲笔补充的一段话" in "\n".join(p.text for p in docx.Document(str(backup)).paragraphs)
    assert (f"注意：{name} 在生成后被修改过，已另存为 {backup.name}，请把修改合并到新报告中。"
            in result.output.splitlines())
    again = invoke("report", "--inputs", str(good), "--outputs", str(out))  # the new one is ours: no backup
    assert "修改稿2" not in again.output
    assert f"注意：{out} 中另有报告 {backup.name}，不是本次生成的。" in again.output.splitlines()


def test_a_failed_run_says_older_outputs_were_not_updated(bad, tmp_path):
    out = tmp_path / "out"
    invoke("report", "--inputs", str(branch(tmp_path / "good", [["2023-05-06", "支委会", "学习"]])),
           "--outputs", str(out))
    result = invoke("report", "--inputs", str(bad), "--outputs", str(out))
    assert (f"注意：{out} 中的2023年度测试党支部书记抓党建工作述职报告.docx、report.md、metrics.json、"
            "provenance.json、rows.json是以前生成的，本次因有错误没有更新。") in result.output.splitlines()


def test_a_branch_output_folder_inside_the_inputs_is_refused(tmp_path):
    inputs = tmp_path / "台账"
    branch(inputs / "台账")
    result = invoke("check", "--inputs", str(inputs), "--outputs", str(tmp_path))
    assert result.exit_code == 2
    assert "输出文件夹不能是输入文件夹或位于其中" in result.output
    assert sorted(p.name for p in (inputs / "台账").iterdir()) == ["台账.xlsx"]


def test_a_template_dividing_by_zero_is_a_template_error(good, tmp_path):
    import docx

    template = tmp_path / "t.docx"
    document = docx.Document()
    document.add_paragraph("{{ 年度 / 0 }}")
    document.save(template)
    result = invoke("report", "--inputs", str(good), "--outputs", str(tmp_path / "o"), "--template", str(template))
    assert result.exit_code == 2
    assert result.output.startswith("错误：模板 t.docx 渲染时出错：division by zero。")


def test_year_option_chooses_the_rows_that_count(tmp_path):
    import json

    folder = branch(tmp_path / "in", [["2022-05-06", "支委会", "去年"], ["2023-05-06", "支委会", "今年"],
                                      ["2023-06-06", "支委会", "今年二"]])
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(folder), "--outputs", str(out), "--year", "2022")
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["年度"] == 2022 and metrics["组织生活"]["支委会"] == 1
    assert (out / "2022年度测试党支部书记抓党建工作述职报告.docx").exists()
    assert sum("日期不在报告年度（2022年）内" in line for line in result.output.splitlines()) == 2


def test_an_empty_branch_folder_is_named(tmp_path):
    inputs = tmp_path / "in"
    branch(inputs / "第一党支部", [["2023-05-06", "支委会", "学习"]])
    (inputs / "第二党支部").mkdir()
    result = invoke("check", "--inputs", str(inputs))
    assert "【第一党支部】注意：子文件夹 第二党支部 中没有台账文件，已跳过。" in result.output.splitlines()
