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


@pytest.mark.spawns
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
    assert not out.exists()  # nothing written; the folder the lock made is gone with it


# ---------------------------------------------------------------- bounded reading

SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
              'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')


def bomb_xlsx(path: Path, cells: list[tuple[str, str]]) -> Path:
    """A few-KB workbook whose cells are the given (reference, text) pairs, in document order."""
    rows: dict[str, list[str]] = {}
    for ref, text in cells:
        number = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        rows.setdefault(number, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    sheet = SHEET_HEAD + "".join(f'<row r="{n}">{"".join(c)}</row>' for n, c in rows.items())
    sheet += "</sheetData></worksheet>"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
                   'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-office'
                   'document.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships"><Relationship Id="rId1" Type="{rels}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   f'spreadsheetml/2006/main" xmlns:r="{rels}"><sheets><sheet name="组织生活" sheetId="1" '
                   'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rels}/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def bomb_ods(path: Path, rows: int, columns: int) -> Path:
    """An 800-byte .ods whose one valued cell is repeated `columns` times in a row repeated `rows` times."""
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               f'xmlns:table="{table}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="组织生活">'
               f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
               f'table:number-columns-repeated="{columns}" office:value-type="string"><text:p>x</text:p>'
               '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                   'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return path


def check_under_limit(inputs: Path, limit_gib: int = 3):
    """`check` as a user runs it, in a process whose address space is capped: a bomb that slipped
    through would end it with MemoryError or an abort instead of the message."""
    import resource
    import subprocess
    import sys

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit_gib << 30, limit_gib << 30))

    return subprocess.run([sys.executable, "-m", "pipeline", "check", "--inputs", str(inputs), "--year", "2023"],
                          capture_output=True, text=True, timeout=120, preexec_fn=cap,
                          cwd=Path(__file__).resolve().parent.parent)


@pytest.mark.spawns
@pytest.mark.parametrize("make, shown", [
    (lambda p: bomb_xlsx(p / "远处.xlsx", [("A1", "日期"), ("XFD1048576", "x")]), "第 1048576 行、第 16384 列"),
    (lambda p: bomb_xlsx(p / "远处.xlsx", [("A1", "日期"), ("CV1000000", "x"), ("B2", "y")]), "第 1000000 行、第 100 列"),
    (lambda p: bomb_xlsx(p / "远处.xlsx", [("A1048576", "x"), ("A1", "日期")]), "第 1048576 行、第 1 列"),
    (lambda p: bomb_ods(p / "远处.ods", 1048576, 16384), "第 1048576 行、第 16384 列"),
])
def test_a_small_file_that_reaches_far_is_refused_by_name_in_bounded_memory(tmp_path, make, shown):
    path = make(tmp_path / "in")
    assert path.stat().st_size < 5000
    result = check_under_limit(tmp_path / "in")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{path.name}，工作表「组织生活」：工作表的单元格一直延伸到{shown}" in result.stdout
    assert "Ctrl+End" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.spawns
def test_a_wide_but_small_sheet_is_still_read(tmp_path):
    from pipeline.reading.readers import sheet_extent

    assert sheet_extent(b'<row r="3"><c r="A3"/><c r="H3"/></row>') is None  # the common ledger: no scan
    assert sheet_extent(b'<row r="3"><c r="AB3"/></row><row r="40"><c r="C40"/></row>') == (40, 28)
    assert sheet_extent(b"<row\tr='2'><c  r = 'ZZ2'/></row>") == (2, 702)
    path = bomb_xlsx(tmp_path / "in" / "宽表.xlsx", [("A1", "日期"), ("AZ1", "备注"), ("A2", "2023-05-06")])
    result = check_under_limit(path.parent)
    assert "超过程序能读取的上限" not in result.stdout



# ---------------------------------------------------------------- interrupts and commits

KILLER = """
import os, signal, sys
from pathlib import Path
from pipeline.core import outputs
folder, n = Path(sys.argv[1]), int(sys.argv[2])
real, count = os.replace, [0]
def replace(a, b):
    count[0] += 1
    if count[0] == n:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(a, b)
with outputs.output_lock(folder):
    with outputs.all_or_nothing():
        for name in ("a.txt", "b.txt", "c.txt"):
            outputs.write_text(folder / name, "new " + name)
        os.replace = replace
"""


def state(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(folder.iterdir())}


@pytest.mark.spawns
@pytest.mark.parametrize("kill_at", range(1, 9))
def test_a_commit_killed_at_any_step_is_undone_or_finished_by_the_next_run(tmp_path, kill_at):
    import subprocess
    import sys

    from pipeline.core.outputs import recover

    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "a.txt").write_text("old a.txt", "utf-8")
    (folder / "b.txt").write_text("old b.txt", "utf-8")
    subprocess.run([sys.executable, "-c", KILLER, str(folder), str(kill_at)], timeout=60,
                   cwd=Path(__file__).resolve().parent.parent)
    with output_lock(folder):  # what every run does first
        pass
    recover(folder)
    old = {"a.txt": "old a.txt", "b.txt": "old b.txt"}
    new = {"a.txt": "new a.txt", "b.txt": "new b.txt", "c.txt": "new c.txt"}
    assert state(folder) in (old, new)  # never a mix, never a temporary file left behind


def interrupted(tmp_path: Path, how: str):
    """`report` stopped by a signal while it works (sent from inside, so the timing is fixed)."""
    import subprocess
    import sys

    code = f"""
import os, signal, sys
from pipeline import api
from pipeline.cli import main
real = api.report_branch
def report_then_stop(run, target, *args):
    real(run, target, *args)
    os.kill(os.getpid(), signal.{how})
api.report_branch = report_then_stop
sys.argv = ["pipeline", "report", "--inputs", "inputs", "--outputs", sys.argv[1]]
main()
"""
    return subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)


@pytest.mark.spawns
@pytest.mark.parametrize("how, code, said", [("SIGINT", 130, "已中断"), ("SIGTERM", 143, "已被终止")])
def test_an_interrupt_exits_as_the_shell_expects_with_nothing_half_written(tmp_path, how, code, said):
    result = interrupted(tmp_path, how)
    assert result.returncode == code, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr
    left = sorted(p.name for p in (tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else []
    assert left == []  # the staged files were all discarded: nothing new, nothing half-written


# ---------------------------------------------------------------- links and odd names

ROOT = Path(__file__).resolve().parent.parent


def test_a_link_that_leaves_the_input_folder_is_not_followed(tmp_path):
    import shutil

    inputs = tmp_path / "in"
    shutil.copytree(ROOT / "inputs", inputs)
    secret = branch(tmp_path / "elsewhere", [["2023-05-06", "支委会", "身份证号110101199003077777"]])
    (inputs / "链接.xlsx").symlink_to(secret / "台账.xlsx")
    (inputs / "里面的链接.xlsx").symlink_to(inputs / "学习笔记检查.xlsx")  # stays inside: still read
    result = invoke("check", "--inputs", str(inputs), "--outputs", str(tmp_path / "out"))
    assert "[警告] 链接.xlsx：是指向输入文件夹以外的链接（快捷方式），没有读取。请把台账文件本身复制到输入文件夹中。" \
        in result.output.splitlines()
    workbook = (tmp_path / "out" / "校验报告.xlsx").read_bytes()
    assert b"110101199003077777" not in workbook
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        assert not any(b"110101199003077777" in z.read(n) for n in z.namelist())
    assert "里面的链接.xlsx：是指向" not in result.output


@pytest.mark.spawns
def test_a_branch_folder_linked_from_elsewhere_is_named_and_skipped(tmp_path):
    inputs = tmp_path / "in"
    branch(inputs / "第一党支部", [["2023-05-06", "支委会", "学习"]])
    outside = branch(tmp_path / "别处" / "第二党支部", [["2023-05-06", "支委会", "学习"]])
    (inputs / "第二党支部").symlink_to(outside, target_is_directory=True)
    result = invoke("check", "--inputs", str(inputs))
    assert "注意：第二党支部 是指向输入文件夹以外的链接，没有读取；请把该支部的台账复制进来。" in result.output
    assert "共 1 个支部" in result.output


def test_the_tool_s_own_workbooks_in_the_inputs_are_skipped(tmp_path):
    import shutil

    inputs = tmp_path / "in"
    shutil.copytree(ROOT / "inputs", inputs)
    invoke("check", "--inputs", str(inputs), "--outputs", str(tmp_path / "out"))
    shutil.copy(tmp_path / "out" / "校验报告.xlsx", inputs / "校验报告.xlsx")
    result = invoke("check", "--inputs", str(inputs))
    assert result.exit_code == 0, result.output
    assert "校验报告.xlsx：是本程序生成的文件（校验报告、差异报告或汇总），不是台账，没有读取" in result.output


def test_a_line_break_in_a_file_name_cannot_forge_a_console_line(tmp_path):
    inputs = tmp_path / "in"
    branch(inputs, [["2023-05-06", "支委会", "学习"]])
    (inputs / "a\n[错误] 伪造.docx").write_bytes(b"not a spreadsheet")
    result = invoke("check", "--inputs", str(inputs), "--outputs", str(tmp_path / "out"))
    assert not any(line.startswith("[错误] 伪造") for line in result.output.splitlines())
    assert "a\\n[错误] 伪造.docx：不是表格文件" in result.output
    table = (tmp_path / "out" / "校验报告.md").read_text("utf-8")
    assert "\n[错误] 伪造" not in table


# ---------------------------------------------------------------- last year's metrics.json

def last_year_with(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "上年输出"
    folder.mkdir()
    (folder / "metrics.json").write_text(text, "utf-8")
    return folder


@pytest.mark.parametrize("text, said", [
    ('{"年度": 2021, "支部": {}, "党课": {"总数": NaN}}', "含有非数字的值 NaN"),
    ('{"年度": 2021, "支部": {}, "党费": {"实缴总额": Infinity}}', "含有非数字的值 Infinity"),
    ('{"年度": 2021, "x": ' + "[" * 5000 + "]" * 5000 + "}", "嵌套"),
    ('{"年度": 2021, "x": ' + "[" * 20 + "]" * 20 + "}", "嵌套超过 12 层"),
    ('[1, 2, 3]', "不是本程序生成的 metrics.json"),
    ('{"年度": "2021"}', "不是本程序生成的 metrics.json"),
])
def test_last_year_s_metrics_are_checked_before_use(tmp_path, text, said):
    previous = last_year_with(tmp_path, text)
    result = invoke("report", "--inputs", str(ROOT / "inputs"), "--outputs", str(tmp_path / "out"),
                    "--previous", str(previous))
    assert result.exit_code == 2, result.output
    assert f"{previous / 'metrics.json'}" in result.output and said in result.output
    assert "nan" not in result.output.lower().replace("含有非数字的值 nan", "")


@pytest.mark.spawns
# ---------------------------------------------------------------- make variables

@pytest.mark.parametrize("value", ['x"; touch {p}; "', "x$(touch {p})", "x`touch {p}`", "x$(shell touch {p})"])
def test_a_make_variable_is_never_run_as_shell_code(tmp_path, value):
    import shutil
    import subprocess
    import sys

    venv = Path(sys.prefix)
    if shutil.which("make") is None or not (venv / ".runtime").is_file():
        pytest.skip("needs make and a venv made by the Makefile (as make test makes)")
    planted = tmp_path / "pwned"
    result = subprocess.run(["make", "-s", "report", f"VENV={venv}", f"INPUTS={value.format(p=planted)}",
                             f"OUTPUTS={tmp_path / 'out'}"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert not planted.exists()
    assert result.returncode == 2
    assert f"找不到输入文件夹：{value.format(p=planted)}" in result.stderr + result.stdout


def test_an_unrelated_output_folder_is_refused_unless_forced(tmp_path):
    out = tmp_path / "别的程序的文件夹"
    out.mkdir()
    (out / "report.md").write_text("别人的报告", "utf-8")
    (out / "metrics.json").write_text("{}", "utf-8")
    result = invoke("report", "--inputs", str(ROOT / "inputs"), "--outputs", str(out))
    assert result.exit_code == 2
    assert f"错误：输出文件夹 {out} 中已有不是本程序生成的文件（metrics.json、report.md），为免覆盖，没有写入。" in result.output
    assert (out / "report.md").read_text("utf-8") == "别人的报告"
    forced = invoke("report", "--inputs", str(ROOT / "inputs"), "--outputs", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    again = invoke("report", "--inputs", str(ROOT / "inputs"), "--outputs", str(out))  # now it is ours
    assert again.exit_code == 0, again.output


# ---------------------------------------------------------------- templates stay inside, bounded

def word_template(path: Path, *texts: str) -> Path:
    import docx

    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    document.save(path)
    return path


def with_part(path: Path, part: str, change) -> Path:
    """Rewrite one part of a .docx (as a hand-edited or hostile template would have it)."""
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info.filename) for info in z.infolist()}
    parts[part] = change(parts.get(part, b""))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def sample_context():
    from pipeline.writing.context import build_context

    return build_context(json.loads((ROOT / "outputs" / "metrics.json").read_text("utf-8")))


@pytest.mark.parametrize("tag, said", [
    ("{{ 9 ** (9 ** 9) }}", "运算结果过大"),
    ("{{ 'x' * 10 ** 9 }}", "运算结果过大"),
    ("{{ [0] * 10 ** 8 }}", "运算结果过大"),
    ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "无穷递归"),
])
def test_a_template_that_computes_without_bound_is_refused_quickly(tmp_path, sample_context, tag, said):
    import time

    from pipeline.writing.render import render_docx

    path = word_template(tmp_path / "坏模板.docx", "开头", tag)
    started = time.monotonic()
    with pytest.raises(UsageError, match=said):
        render_docx(path, sample_context)  # prepared (opened, checked, compiled), then rendered
    assert time.monotonic() - started < 20


def test_a_template_that_loops_for_ever_is_stopped_by_the_time_limit(tmp_path, sample_context, monkeypatch):
    from pipeline.writing import template_limits
    from pipeline.writing.render import render_docx

    monkeypatch.setattr(template_limits, "MAX_SECONDS", 1)
    path = word_template(tmp_path / "循环.docx", "{% for a in range(99999) %}{% for b in range(99999) %}"
                                                 "{% endfor %}{% endfor %}")
    with pytest.raises(UsageError, match="处理超过 1 秒仍未完成"):
        render_docx(path, sample_context)


RELS = "word/_rels/document.xml.rels"


@pytest.mark.parametrize("part, change, said", [
    (RELS, lambda d: d.replace(b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/'
                                b'officeDocument/2006/relationships/image" Target="http://127.0.0.1/x.png" '
                                b'TargetMode="External"/></Relationships>'), "引用了外部文件或网址（image）"),
    ("word/settings.xml", lambda d: d.replace(b"</w:settings>", b'<w:attachedTemplate r:id="rId9"/></w:settings>'),
     "附加了外部模板"),
    ("word/document.xml", lambda d: d.replace(b"<w:body>", b'<w:body><w:p><w:r><w:instrText> INCLUDEPICTURE '
                                              b'"file:///etc/passwd" </w:instrText></w:r></w:p>'), "INCLUDEPICTURE"),
    ("word/document.xml", lambda d: d.replace(b"<w:body>", b'<w:body><w:p><w:fldSimple w:instr=" INCLUDETEXT '
                                              b'&quot;C:\\\\secret.txt&quot; "/></w:p>'), "INCLUDETEXT"),
])
def test_a_template_that_reaches_outside_is_refused_by_name(tmp_path, part, change, said):
    template = with_part(word_template(tmp_path / "外部.docx", "{{ 年度 }}"), part, change)
    result = invoke("report", "--inputs", str(ROOT / "inputs"), "--outputs", str(tmp_path / "out"),
                    "--template", str(template))
    assert result.exit_code == 2
    assert "模板 外部.docx 不能使用" in result.output and said in result.output
    assert not (tmp_path / "out").exists()


def test_the_shipped_template_passes_the_package_check():
    from pipeline.writing.template_limits import check_package

    check_package(ROOT / "pipeline" / "data" / "default.docx")  # raises if it does not
