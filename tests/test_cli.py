"""The command line as users meet it: exit codes 0/1/2 and the exact Chinese messages."""

from __future__ import annotations

import json
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
    assert lines[0].startswith("[警告] （输入文件夹）：没有整改台账，也没有指定上年度的台账")
    assert lines[1] == "[规则检查] 全年未召开党员大会。"
    assert lines[-2:] == ["校验完成：0 个错误，1 个警告，规则检查发现 6 项。",
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
    # Only the 校验报告 and the record of what was written (which keeps a reviewer's edit to it).
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("校验报告")) == ["生成记录.json"]


def test_report_keep_going_renders_valid_rows(bad, tmp_path):
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(bad), "--outputs", str(out), "--keep-going")
    assert result.exit_code == 1
    assert "已按 --keep-going 生成报告，出错的行未计入，详见校验报告。" in result.output
    assert (out / "metrics.json").exists() and (out / "report.md").exists()
    assert "## 未计入报告的内容" in (out / "校验报告.md").read_text(encoding="utf-8")
    assert '"党课": 1' in (out / "metrics.json").read_text(encoding="utf-8")
    # A draft looks like one: the mark heads report.md and every page of the .docx.
    mark = "（台账有 1 处错误未计入，本稿仅供核对）"
    assert (out / "report.md").read_text(encoding="utf-8").splitlines()[0] == mark
    import docx

    section = docx.Document(str(out / "2023年度测试党支部书记抓党建工作述职报告.docx")).sections[0]
    assert [p.text for p in section.header.paragraphs] == [mark] == [p.text for p in section.even_page_header.paragraphs]
    assert section.different_first_page_header_footer is False  # so the first page shows it too


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


@pytest.mark.spawns
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
    assert "【第二党支部】1 个错误，1 个警告；因有错误，未生成报告。" in result.output.splitlines()
    import openpyxl

    rows = list(openpyxl.load_workbook(out / "各支部汇总.xlsx").active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["第一党支部", "第二党支部"]
    assert [r[4] for r in rows[1:]] == ["正常", "有错误"]
    assert rows[1][-2:] == ("已生成", "党支部名称与 第二党支部 相同，请核实")
    assert rows[2][-2:] == ("未生成", "台账有 1 个错误，数字未列出、未计入合计，见该支部校验报告；"
                                    "党支部名称与 第一党支部 相同，请核实")


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


@pytest.mark.spawns
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
    assert [f["规则"] for f in metrics["检查发现"]] == []  # the other ledgers are kept empty: unknown
    assert metrics["检查规则"]["党课"]["未检查原因"] == "组织生活台账中有错误行，改正后才能检查"
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "严格按照每月" not in report and "党课未作规则检查" not in report
    assert "支委会、党员大会、党课、主题党日未作规则检查" in report or "党员大会、党课、主题党日未作规则检查" in report
    assert "- 党课每季度开展（组织生活台账中有错误行，改正后才能检查）" in (out / "校验报告.md").read_text(encoding="utf-8")


def test_console_lists_unchecked_rules_by_their_entry_not_their_words():
    from pipeline.api import BranchRun

    def entry(name, why, **flags):
        return {"规则": name, "启用": True, "适用": True, "已检查": False, "未检查原因": why, **flags}

    run = BranchRun("", Path("."), metrics={"检查规则": {
        "党课": entry("党课每季度开展", "已在规则设置中关闭", 启用=False),
        "支委会": entry("支委会每月召开", "正式党员不足7人，不适用", 适用=False),
        # Could not be judged, whatever its reason says.
        "整改": entry("整改按期完成", "整改台账已关闭，不适用本表"),
        "党费": {"规则": "党费按月缴纳", "启用": True, "适用": True, "已检查": True}}})
    assert run.detail_lines() == ["[规则检查] 未检查：整改按期完成（整改台账已关闭，不适用本表）。"]


def test_console_names_rules_that_could_not_be_checked(tmp_path):
    folder = branch(tmp_path / "in", [["2023-05-06", "支委会", "学习"]])
    (folder / "台账.xlsx").unlink()
    from tests.builders import BASIC, ROSTER
    write_xlsx(folder / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER})
    result = invoke("check", "--inputs", str(folder))
    assert ("[规则检查] 未检查：党员大会每季度召开（没有组织生活台账）；大会到会人数过半数（没有组织生活台账）；"
            "党课每季度开展（没有组织生活台账）；支部书记每年讲党课（没有组织生活台账）；"
            "主题党日每月开展（没有组织生活台账）；主题党日按时开展（没有组织生活台账）；组织生活会每年召开（没有组织生活台账）；"
            "民主评议党员每年开展（没有组织生活台账）；谈心谈话全覆盖（没有谈心谈话记录）；"
            "党费按月缴纳（没有党费收缴台账）；党员参加组织生活（没有组织生活台账）；"
            "支部委员会按期换届（基本信息中没有填写“本届任期起始”）；学习笔记每季度检查（没有学习笔记检查）。"
            ) in result.output.splitlines()


def test_a_rule_turned_off_stays_listed_for_templates(good, tmp_path):
    import json

    config = tmp_path / "p.toml"
    config.write_text('[rules."主题党日按时开展"]\nenabled = false\n', encoding="utf-8")
    out = tmp_path / "out"
    invoke("report", "--inputs", str(good), "--outputs", str(out), "--config", str(config))
    entry = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["检查规则"]["主题党日按时开展"]
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
    assert (f"注意：{name} 在上次生成后有改动（或不是本程序生成的），已另存为 {backup.name}，"
            "请把其中的修改合并到新文件中。" in result.output.splitlines())
    again = invoke("report", "--inputs", str(good), "--outputs", str(out))  # the new one is ours: no backup
    assert "修改稿2" not in again.output
    assert f"注意：{out} 中另有报告 {backup.name}，不是本次生成的。" in again.output.splitlines()


def _edit_without_touching_properties(path: Path) -> None:
    """Change the text the way a script or some WPS versions do: docProps/core.xml untouched."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {info: z.read(info.filename) for info in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            if info.filename == "word/document.xml":
                data = data.replace("请予评议".encode(), "请各位评议".encode())
            z.writestr(info, data)


def test_an_edit_that_leaves_the_properties_alone_is_still_kept(good, tmp_path):
    import hashlib
    import json

    out = tmp_path / "out"
    invoke("report", "--inputs", str(good), "--outputs", str(out))
    name = "2023年度测试党支部书记抓党建工作述职报告.docx"
    manifest = json.loads((out / "生成记录.json").read_text(encoding="utf-8"))
    assert sorted(manifest) == sorted([name, "report.md", "metrics.json", "provenance.json", "rows.json", "校验报告.md",
                                       "校验报告.xlsx"])
    assert all(manifest[n] == hashlib.sha256((out / n).read_bytes()).hexdigest() for n in manifest)
    untouched = invoke("report", "--inputs", str(good), "--outputs", str(out))
    assert "修改稿" not in untouched.output
    _edit_without_touching_properties(out / name)
    result = invoke("report", "--inputs", str(good), "--outputs", str(out))
    backup = out / "2023年度测试党支部书记抓党建工作述职报告（修改稿）.docx"
    assert (f"注意：{name} 在上次生成后有改动（或不是本程序生成的），已另存为 {backup.name}，"
            "请把其中的修改合并到新文件中。" in result.output.splitlines())
    import docx

    assert "请各位评议" in "\n".join(p.text for p in docx.Document(str(backup)).paragraphs)
    assert "请各位评议" not in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("manifest", ["missing", "corrupt", "forged"])
def test_an_edit_is_kept_whatever_the_manifest_says(good, tmp_path, manifest):
    import hashlib

    out = tmp_path / "out"
    name = "2023年度测试党支部书记抓党建工作述职报告.docx"
    invoke("report", "--inputs", str(good), "--outputs", str(out))
    _edit_without_touching_properties(out / name)  # as a script or a headless re-save would
    record = out / "生成记录.json"
    if manifest == "missing":
        record.unlink()
    elif manifest == "corrupt":
        record.write_text("{不是 JSON", encoding="utf-8")
    else:  # rewritten to carry the edited file's own hash
        data = json.loads(record.read_text(encoding="utf-8"))
        data[name] = hashlib.sha256((out / name).read_bytes()).hexdigest()
        record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    force = []
    if manifest == "missing":  # nothing says the folder is ours: refused until the user says so
        refused = invoke("report", "--inputs", str(good), "--outputs", str(out))
        assert refused.exit_code == 2 and "已有不是本程序生成的文件" in refused.output
        force = ["--force"]
    result = invoke("report", "--inputs", str(good), "--outputs", str(out), *force)
    backup = out / "2023年度测试党支部书记抓党建工作述职报告（修改稿）.docx"
    assert backup.is_file() and f"已另存为 {backup.name}" in result.output
    again = invoke("report", "--inputs", str(good), "--outputs", str(out))
    assert "修改稿2" not in again.output and not backup.with_name(backup.stem + "2.docx").exists()


def test_an_unedited_report_of_other_figures_is_replaced_without_a_copy(good, tmp_path):
    out = tmp_path / "out"
    invoke("report", "--inputs", str(good), "--outputs", str(out))
    (out / "生成记录.json").unlink()  # the proof is the re-rendering from metrics.json, not the record
    branch(good, [["2023-05-06", "支委会", "学习"], ["2023-06-06", "支委会", "学习"]])  # a row added
    result = invoke("report", "--inputs", str(good), "--outputs", str(out), "--force")
    assert "述职报告（修改稿）" not in result.output
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["组织生活"]["支委会"] == 2
    # No rendering can re-make a 校验报告.xlsx: without the record it is kept, in case someone wrote in it.
    assert (out / "校验报告（修改稿）.xlsx").is_file()


def test_a_failed_run_says_older_outputs_were_not_updated(bad, tmp_path):
    out = tmp_path / "out"
    invoke("report", "--inputs", str(branch(tmp_path / "good", [["2023-05-06", "支委会", "学习"]])),
           "--outputs", str(out))
    result = invoke("report", "--inputs", str(bad), "--outputs", str(out))
    old = ("2023年度测试党支部书记抓党建工作述职报告.docx", "metrics.json", "provenance.json", "report.md", "rows.json")
    assert (f"注意：本次因有错误没有生成报告，{out} 中以前生成的文件已改名为“（旧版）”，以免误以为是本次生成的："
            + "；".join(f"{n} → {n.rsplit('.', 1)[0]}（旧版）.{n.rsplit('.', 1)[1]}" for n in old) + "。"
            ) in result.output.splitlines()


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


NO_YEAR_INFO = {"基本信息": [["党支部名称", "测试党支部"], ["支部书记", "王书记"]]}


def test_year_option_chooses_the_rows_that_count(tmp_path):
    import json

    folder = branch(tmp_path / "in", [["2022-05-06", "支委会", "去年"], ["2022-07-06", "支委会", "去年二"],
                                      ["2023-06-06", "支委会", "今年"]], NO_YEAR_INFO)
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(folder), "--outputs", str(out), "--year", "2022")
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["年度"] == 2022 and metrics["组织生活"]["支委会"] == 2
    assert (out / "2022年度测试党支部书记抓党建工作述职报告.docx").exists()
    assert sum("日期不在报告年度（2022年）内" in line for line in result.output.splitlines()) == 1


def test_a_year_most_rows_are_not_in_is_an_error(tmp_path):
    folder = branch(tmp_path / "in", [["2022-05-06", "支委会", "去年"], ["2023-05-06", "支委会", "今年"],
                                      ["2023-06-06", "支委会", "今年二"]], NO_YEAR_INFO)
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(folder), "--outputs", str(out), "--year", "2022")
    assert result.exit_code == 1
    assert result.output == (
        "错误：报告年度是2022年（命令中指定的 YEAR=2022），但台账中写明日期的3行里只有1行在2022年"
        "（2022年1行、2023年2行），这些台账是2023年的。要生成2023年度的报告，请运行 make report YEAR=2023；"
        "要生成2022年度的报告，请换用2022年的台账（如 make report INPUTS=台账2022 YEAR=2022）。没有生成报告。\n")
    assert not out.exists()
    # Without --year the year comes from the rows, and the same ledgers make a 2023 report.
    assert invoke("report", "--inputs", str(folder), "--outputs", str(out)).exit_code == 0


def test_info_year_that_disagrees_with_the_rows_is_an_error(tmp_path):
    rows = [["2022-05-06", "支委会", "一"], ["2022-06-06", "支委会", "二"]]
    folder = branch(tmp_path / "in", rows)  # 基本信息 says 2023
    result = invoke("check", "--inputs", str(folder))
    assert result.exit_code == 1
    assert result.output == (
        "错误：报告年度是2023年（基本信息中的“年度”（2023）），但台账中写明日期的2行里只有0行在2023年"
        "（2022年2行），这些台账是2022年的。要生成2022年度的报告，请运行 make report YEAR=2022，"
        "并把基本信息（台账.xlsx「基本信息」第3行）中的“年度”改为2022；要生成2023年度的报告，请换用2023年的台账"
        "（如 make report INPUTS=台账2023 YEAR=2023）。没有生成报告。\n")
    result = invoke("check", "--inputs", str(folder), "--year", "2022")
    assert result.exit_code == 1
    assert result.output == ("错误：基本信息（台账.xlsx「基本信息」第3行）中的“年度”是2023，但台账中写明日期的2行里"
                             "2行在2022年（2022年2行）。请把那里的“年度”改为2022，或换用2023年的台账。没有生成报告。\n")


def test_an_undated_sheet_named_for_another_year_is_left_out(tmp_path):
    import json

    dues = {"2022年度党费": [["姓名", "缴纳标准", "1月", "2月"], ["张三", 50, 50, 50]],
            "2024年工作打算": [["标题", "内容"], ["加强作风建设", "每季度开展1次作风整顿。"]]}  # next year's plan: kept
    folder = branch(tmp_path / "in", [["2023-05-06", "支委会", "学习"]], dues)
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(folder), "--outputs", str(out))
    assert result.exit_code == 0, result.output
    assert ("[警告] 台账.xlsx，工作表「2022年度党费」：这张表的名称或标题写的是2022年，表中又没有写明年份的日期，"
            "不属于报告年度（2023年），整张表不计入统计（1行）。如果它就是2023年的台账，请把名称或标题中的年份改为2023年；"
            "如果要生成2022年度的报告，请运行 make report YEAR=2022。") in result.output.splitlines()
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["党费"]["实缴总额"] == 0
    assert {"标题": "加强作风建设", "内容": "每季度开展1次作风整顿。"} in metrics["打算"]


def test_init_never_writes_into_the_sample_inputs(monkeypatch):
    root = Path(__file__).resolve().parent.parent
    before = sorted(p.name for p in (root / "inputs").iterdir())
    monkeypatch.chdir(root)
    result = invoke("init", "--year", "2024")
    assert result.exit_code == 2
    assert result.output == ("错误：inputs 是样例台账文件夹，不能在其中生成空白台账（会和样例混在一起）。"
                             "请指定一个新文件夹，如：make init INPUTS=台账2024 YEAR=2024\n")
    assert sorted(p.name for p in (root / "inputs").iterdir()) == before


@pytest.mark.spawns
def test_an_empty_branch_folder_is_named(tmp_path):
    inputs = tmp_path / "in"
    branch(inputs / "第一党支部", [["2023-05-06", "支委会", "学习"]])
    (inputs / "第二党支部").mkdir()
    result = invoke("check", "--inputs", str(inputs))
    assert result.output.splitlines()[0] == "注意：子文件夹 第二党支部 中没有台账文件，已跳过。"


def test_a_conflict_names_the_value_that_was_used(tmp_path):
    folder = branch(tmp_path / "in", [["2023-05-06", "支委会", "学习"]])
    write_xlsx(folder / "附加基本信息.xlsx", {"基本信息": [["党支部名称", "测试党支部"], ["支部书记", "王书记"],
                                                          ["年度", 2026]]})
    result = invoke("check", "--inputs", str(folder))
    assert ("[警告] 附加基本信息.xlsx，工作表「基本信息」，第3行，「年度」列：值「2026」与台账.xlsx「基本信息」第3行的"
            "“年度”不一致：采用那里的“2023”，本行的“2026”未采用。请统一各文件中的基本信息。") in result.output.splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.spawns
def test_make_ends_a_failed_run_with_a_chinese_line(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    folder = branch(tmp_path / "in", [["2023-02-30", "支委会", "学习"]])
    # PY points at this interpreter, so the test needs no .venv of its own.
    args = ["make", "-s", "-C", str(root), f"PY={sys.executable}", "STAMP=", f"STATUS={tmp_path / 'status'}"]
    done = subprocess.run([*args, "report", f"INPUTS={folder}", f"OUTPUTS={tmp_path / 'out'}"],
                          capture_output=True, text=True)
    last = (done.stdout + done.stderr).strip().splitlines()[-1]
    assert done.returncode == 2
    assert "make report 未完成（退出码 1）：台账有错误" in last and "Error" not in last
    done = subprocess.run([*args, "init"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "请指定存放空白台账的新文件夹（inputs/ 是样例台账，不能往里写），如：make init INPUTS=台账" in done.stderr
