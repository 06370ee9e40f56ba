"""Safe under overlap and attack: text from ledgers, folder names or last year's files never
becomes a live formula or a foreign link in a workbook the tool writes; runs on one output
folder are serialised."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.core import xlsxwrite
from pipeline.core.errors import UsageError
from pipeline.core.outputs import LOCK_NAME, output_lock
from tests.builders import branch

FORMULAS = ("=1+1", '=HYPERLINK("http://127.0.0.1/x","点我")', "+SUM(1,2)", "@cmd", "-2+3")


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def formula_cells(data: bytes) -> list[str]:
    """Every cell a spreadsheet would evaluate: openpyxl reads them back as data_type 'f'; the
    sheets' raw XML is also searched (the charts' own cell ranges are the tool's, not formulas)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    found = [f"{ws.title}!{cell.coordinate}={cell.value}" for ws in wb.worksheets
             for row in ws.iter_rows() for cell in row if cell.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        found += [name for name in z.namelist() if name.startswith("xl/worksheets/") and b"<f>" in z.read(name)]
    return found


def test_put_writes_text_as_text_and_clips_at_excel_s_limit():
    wb = openpyxl.Workbook()
    ws = wb.active
    for column, text in enumerate(FORMULAS, 1):
        xlsxwrite.put(ws, 1, column, text)
    xlsxwrite.put(ws, 2, 1, "长" * 40000)
    xlsxwrite.append(ws, ["=2+2", 3, None, "x\x07y"])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert formula_cells(buffer.getvalue()) == []
    back = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [back.cell(1, c).value for c in range(1, 6)] == list(FORMULAS)
    clipped = back.cell(2, 1).value
    assert len(clipped) == xlsxwrite.EXCEL_CELL_LIMIT and clipped.endswith(xlsxwrite.CLIPPED)
    assert [back.cell(3, c).value for c in range(1, 5)] == ["=2+2", 3, None, "xy"]


@pytest.mark.parametrize("target, safe", [
    ("第一党支部/", True), ("branch 2/", True),
    ("\\\\host\\share/", False), ("http://127.0.0.1/", False), ("file:///etc/passwd/", False),
    ("../外面/", False), ("/etc/", False), ("C:/Windows/", False), ("a#b/", False), ("a\nb/", False),
])
def test_only_plain_relative_links(target, safe):
    assert (xlsxwrite.safe_link(target) == target) is safe


def typed_as_text(path: Path) -> Path:
    """Re-save a built workbook with every "=…" cell as the text a user typed (a leading ' in
    Excel), not the formula openpyxl would otherwise store."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    wb.save(path)
    return path


def test_ledger_text_and_folder_names_stay_text_in_the_summary_and_the_diff(tmp_path):
    inputs = tmp_path / "in"
    info = {"基本信息": [["党支部名称", "=1+1"], ["支部书记", "=HYPERLINK(\"http://127.0.0.1/\",\"x\")"],
                      ["年度", 2023]]}
    typed_as_text(branch(inputs / "=HYPERLINK(\"http:x\")", [["2023-05-06", "支委会", "=2+3"]], extra=info) / "台账.xlsx")
    branch(inputs / "第二党支部", [["2023-05-06", "支委会", "学习"]],
           extra={"基本信息": [["党支部名称", "第二党支部"], ["支部书记", "王书记"], ["年度", 2023]]})
    result = invoke("report", "--inputs", str(inputs), "--outputs", str(tmp_path / "out"), "--keep-going")
    assert result.exit_code in (0, 1), result.output
    summary = (tmp_path / "out" / "各支部汇总.xlsx").read_bytes()
    assert formula_cells(summary) == []
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(summary)).active.iter_rows() for c in row]
    assert '=HYPERLINK("http:x")' in cells and "=1+1" in cells  # folder and branch names, as text
    # A second run with a changed name gives a 差异报告 whose cells carry the formula-like text.
    result = invoke("diff", str(tmp_path / "out"), str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "out").rglob("差异报告.xlsx"):
        assert formula_cells(path.read_bytes()) == []


def test_last_year_s_tampered_metrics_do_not_plant_formulas_in_blank_ledgers(tmp_path):
    last = tmp_path / "上年输出"
    last.mkdir()
    metrics = json.loads((Path(__file__).resolve().parent.parent / "outputs" / "metrics.json").read_text("utf-8"))
    metrics["年度"] = 2025
    metrics["支部"]["名称"] = "=1+1"
    metrics["支部"]["书记"] = '=HYPERLINK("http://127.0.0.1/","x")'
    metrics["问题"] = [{"标题": "=cmd|' /C calc'!A0", "内容": ""}]
    (last / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False), "utf-8")
    result = invoke("init", "--inputs", str(tmp_path / "台账"), "--year", "2026", "--previous", str(last))
    assert result.exit_code == 0, result.output
    written = sorted((tmp_path / "台账").glob("*.xlsx"))
    assert written
    for path in written:
        assert formula_cells(path.read_bytes()) == [], path.name


def test_a_second_run_on_the_same_outputs_is_refused_while_the_first_holds_it(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        assert (out / LOCK_NAME).exists()
        with pytest.raises(UsageError, match="另一次运行.*正在使用输出文件夹"):
            with output_lock(out):
                pass
    assert not (out / LOCK_NAME).exists()
    with output_lock(out):  # released: the next run goes ahead
        pass


def test_a_lock_left_by_a_dead_run_is_taken_over(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).write_text("999999999\n", "utf-8")  # no such process
    with output_lock(out):
        assert (out / LOCK_NAME).read_text("utf-8").strip() == str(os.getpid())


def test_report_refuses_with_exit_2_while_another_run_writes_there(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        result = invoke("report", "--inputs", str(Path(__file__).resolve().parent.parent / "inputs"),
                        "--outputs", str(out))
    assert result.exit_code == 2
    assert "另一次运行" in result.output and "正在使用输出文件夹" in result.output
    assert not any(p.suffix == ".docx" for p in out.iterdir())
