"""--pdf without a real LibreOffice: missing, failing, hanging or a stand-in that writes PDFs.

The stand-in soffice is a small script (PIPELINE_SOFFICE points at it), so these run anywhere;
tests/test_layout.py converts with the real one.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import EXIT_NO_PDF, cli
from pipeline.writing import pdf
from tests.builders import branch

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the stand-in soffice is a POSIX script")

FAKE = """#!{python}
import os, subprocess, sys, time
args = sys.argv[1:]
open(os.environ["FAKE_LOG"], "a").write(" ".join(args) + "\\n")
mode = os.environ["FAKE_MODE"]
if mode == "hang":
    child = subprocess.Popen(["sleep", "60"])
    open(os.environ["FAKE_LOG"] + ".pid", "w").write(str(child.pid))
    time.sleep(60)
if mode == "fail":
    print("Error: source file could not be loaded")
    sys.exit(1)
outdir = args[args.index("--outdir") + 1]
for name in args[args.index("--outdir") + 2:]:
    if mode == "ok" or not name.endswith(".xlsx"):
        stem = os.path.splitext(os.path.basename(name))[0]
        open(os.path.join(outdir, stem + ".pdf"), "wb").write(b"%PDF-1.4 " + open(name, "rb").read()[:4])
"""


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A stand-in soffice; returns a function that sets its behaviour and gives its log."""
    script = tmp_path / "soffice"
    script.write_text(FAKE.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "soffice.log"
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(script))
    monkeypatch.setenv("FAKE_LOG", str(log))

    def use(mode: str) -> Path:
        monkeypatch.setenv("FAKE_MODE", mode)
        return log
    return use


@pytest.fixture
def good(tmp_path) -> Path:
    return branch(tmp_path / "in", [["2023-05-06", "支委会", "学习"]])


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_without_libreoffice_the_report_is_written_and_the_user_told_how(good, tmp_path, monkeypatch):
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "没有这个程序"))
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(good), "--outputs", str(out), "--pdf")
    assert result.exit_code == EXIT_NO_PDF == 4
    assert any(p.suffix == ".docx" for p in out.iterdir()) and not list(out.glob("*.pdf"))
    message = next(line for line in result.output.splitlines() if line.startswith("未生成 PDF"))
    assert message.startswith(f"未生成 PDF：没有找到 LibreOffice（环境变量 PIPELINE_SOFFICE 指向的 {tmp_path / '没有这个程序'} 不存在）。")
    assert "apt-get install libreoffice-writer-nogui" in message and "libreoffice.org" in message
    assert "另存为" in message and "PDF" in message
    assert "报告已生成。" in result.output


@pytest.mark.spawns
def test_one_soffice_run_converts_report_and_validation_workbook(good, tmp_path, fake):
    log = fake("ok")
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(good), "--outputs", str(out), "--pdf")
    assert result.exit_code == 0, result.output
    runs = log.read_text(encoding="utf-8").splitlines()
    assert len(runs) == 1  # one process for every file
    assert "--headless" in runs[0] and "-env:UserInstallation=file://" in runs[0]
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert pdfs == sorted([next(out.glob("*.docx")).stem + ".pdf", "校验报告.pdf"])
    assert (out / "校验报告.pdf").read_bytes() == b"%PDF-1.4 PK\x03\x04"
    listed = result.output.splitlines()
    assert f"  {out / '校验报告.pdf'}" in listed


@pytest.mark.spawns
def test_check_converts_the_validation_workbook_of_every_branch(tmp_path, fake):
    log = fake("ok")
    for name in ("一支部", "二支部"):
        branch(tmp_path / "in" / name, [["2023-05-06", "支委会", "学习"]])
    out = tmp_path / "out"
    result = invoke("check", "--inputs", str(tmp_path / "in"), "--outputs", str(out), "--pdf")
    assert result.exit_code == 0, result.output
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
    # the same file name in two folders: each PDF lands beside its own workbook
    for name in ("一支部", "二支部"):
        assert (out / name / "校验报告.pdf").is_file()


def test_check_pdf_needs_an_output_folder(good):
    result = invoke("check", "--inputs", str(good), "--pdf")
    assert result.exit_code == 2
    assert "--pdf 需要同时指定 --outputs" in result.output


@pytest.mark.spawns
def test_a_failing_conversion_names_itself_and_exits_4(good, tmp_path, fake):
    fake("fail")
    result = invoke("report", "--inputs", str(good), "--outputs", str(tmp_path / "out"), "--pdf")
    assert result.exit_code == 4
    assert "未生成 PDF：LibreOffice 转换失败（退出码 1：Error: source file could not be loaded）。" in result.output


@pytest.mark.spawns
def test_a_file_left_unconverted_is_named(good, tmp_path, fake):
    fake("docx-only")
    result = invoke("report", "--inputs", str(good), "--outputs", str(tmp_path / "out"), "--pdf")
    assert result.exit_code == 4
    assert "未能生成 PDF：LibreOffice 没有转换 校验报告.xlsx。" in result.output


@pytest.mark.spawns
def test_a_hanging_soffice_is_stopped_with_its_children(tmp_path, fake):
    log = fake("hang")
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK")
    started = time.monotonic()
    outcome = pdf.convert([source], timeout=3)
    assert time.monotonic() - started < 30
    assert outcome.written == [] and outcome.problem.startswith("未生成 PDF：LibreOffice 在 3 秒内没有完成转换，已停止。")
    child = int(Path(str(log) + ".pid").read_text())
    for _ in range(50):  # the killed child is reaped by init shortly
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("soffice's child process survived the time limit")


@pytest.mark.spawns
def test_report_of_many_branches_converts_their_reports_and_the_roll_up(tmp_path, fake):
    log = fake("ok")
    for name in ("一支部", "二支部"):
        branch(tmp_path / "in" / name, [["2023-05-06", "支委会", "学习"]])
    out = tmp_path / "out"
    result = invoke("report", "--inputs", str(tmp_path / "in"), "--outputs", str(out), "--pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
    assert (out / "各支部汇总.pdf").is_file()
    for name in ("一支部", "二支部"):
        assert (out / name / "校验报告.pdf").is_file() and len(list((out / name).glob("*.pdf"))) == 2
    assert "已生成 PDF 5 份，与 Word 和 Excel 文件放在一起。" in result.output.splitlines()
