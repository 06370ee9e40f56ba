"""--pdf without a real LibreOffice: missing, failing, hanging or a stand-in that writes PDFs.

The stand-in soffice is a small script (PIPELINE_SOFFICE points at it), so these run anywhere;
tests/test_layout.py converts with the real one.
"""

from __future__ import annotations

import os
import sys
import tempfile
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
def test_a_failing_conversion_names_its_files_and_exits_4(good, tmp_path, fake):
    fake("fail")
    result = invoke("report", "--inputs", str(good), "--outputs", str(tmp_path / "out"), "--pdf")
    assert result.exit_code == 4
    report = next((tmp_path / "out").glob("*.docx")).name
    assert (f"未生成 PDF：LibreOffice 转换 {report}、校验报告.xlsx 时失败（退出码 1：Error: source file could not be loaded）。"
            "可用 Word 或 WPS 打开后另存为 PDF。") in result.output.splitlines()
    assert "没有找到 LibreOffice" not in result.output and "apt-get" not in result.output  # not told to install it


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


# --------------------------------------------------------------------------- alongside, in chunks
TIMED = """#!{python}
import json, os, sys, time
args = sys.argv[1:]
started = time.time()
time.sleep(float(os.environ.get("FAKE_SLEEP", "0")))
if os.environ.get("FAKE_MODE") == "fail":
    print("Error: source file could not be loaded")
    sys.exit(1)
outdir = args[args.index("--outdir") + 1]
for name in args[args.index("--outdir") + 2:]:
    stem = os.path.splitext(os.path.basename(name))[0]
    open(os.path.join(outdir, stem + ".pdf"), "wb").write(b"%PDF-1.4")
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps({{"argv": sys.argv, "start": started, "end": time.time()}}) + "\\n")
"""


@pytest.fixture
def timed(tmp_path, monkeypatch):
    """A stand-in soffice that logs each run's whole command line and when it ran."""
    import json

    script = tmp_path / "soffice"
    script.write_text(TIMED.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "runs.log"
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(script))
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.delenv("FAKE_MODE", raising=False)
    return lambda: [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def _argument_bytes(argv: list[str]) -> int:
    return sum(len(os.fsencode(arg)) + 1 + 8 for arg in argv)


def test_conversions_are_chunked_under_the_argument_limit_one_profile_a_run(tmp_path, timed, monkeypatch):
    files = []
    for n in range(10):
        path = tmp_path / "out" / f"支部{n}" / "校验报告.xlsx"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"PK" + bytes([n]))
        files.append(path)
    # Room for three files a run, with the working folder's paths (pipeline-pdf-XXXXXXXX).
    work = Path(tempfile.gettempdir()) / "pipeline-pdf-xxxxxxxx"
    budget = _argument_bytes([os.environ[pdf.SOFFICE_ENV], f"-env:UserInstallation={(work / 'profile-1').as_uri()}",
                              "--headless", "--norestore", "--nologo", "--nolockcheck", "--convert-to", "pdf",
                              "--outdir", str(work / "c00000" / "out")])
    budget += 3 * _argument_bytes([str(work / "c00000" / "in" / "00000.docx")])
    monkeypatch.setattr(pdf, "argument_budget", lambda: budget)
    monkeypatch.setattr(pdf, "CHUNK_FILES", 100)
    monkeypatch.setattr(pdf, "MIN_CHUNK", 100)
    monkeypatch.setenv("FAKE_SLEEP", "0.3")
    outcome = pdf.convert(files, root=tmp_path / "out")
    assert outcome.problem is None and sorted(outcome.written) == sorted(f.with_suffix(".pdf") for f in files)
    runs = timed()
    assert len(runs) >= 4 and sum(len(r["argv"]) - 10 for r in runs) == 10  # every file once, a few a run
    assert all(_argument_bytes(r["argv"]) <= budget for r in runs)
    # Two at once, never sharing a profile.
    with pdf.Converter(2) as converter:
        converter.add(files)
        assert converter.finish().problem is None
    runs = timed()[len(runs):]
    overlapping = [(a, b) for a in runs for b in runs if a is not b and a["start"] < b["end"] and b["start"] < a["end"]]
    assert overlapping, "the two LibreOffice runs never ran at the same time"
    assert all(a["argv"][1] != b["argv"][1] for a, b in overlapping)  # -env:UserInstallation differs


def test_pdfs_of_many_branches_start_while_the_branches_are_still_being_done(tmp_path, timed, monkeypatch):
    monkeypatch.setattr(pdf, "MIN_CHUNK", 2)
    monkeypatch.setattr(pdf, "CHUNK_FILES", 2)
    names = [f"第{n}支部" for n in range(1, 7)]
    for name in names:
        branch(tmp_path / "in" / name, [["2023-05-06", "支委会", "学习"]])

    class Times:
        done: list[float] = []

        def started(self, total, jobs, notices): ...
        def progress(self, done, total, with_errors): ...
        def branch(self, outcome): Times.done.append(time.time())
        def finished(self): ...

    from pipeline import api
    batch = api.run_report(tmp_path / "in", tmp_path / "out", None, jobs=1, listener=Times(), pdf=True)
    assert batch.pdf is not None and batch.pdf.problem is None and len(batch.pdf.written) == 13
    runs = timed()
    assert len(runs) >= 4
    assert min(r["start"] for r in runs) < Times.done[-1]  # a conversion ran before the last branch was done
    assert (tmp_path / "out" / "各支部汇总.pdf").is_file()
    assert all(len(list((tmp_path / "out" / name).glob("*.pdf"))) == 2 for name in names)


def test_a_failed_conversion_in_a_batch_names_each_branch_file(tmp_path, timed, monkeypatch):
    monkeypatch.setenv("FAKE_MODE", "fail")
    for name in ("一支部", "二支部"):
        branch(tmp_path / "in" / name, [["2023-05-06", "支委会", "学习"]])
    result = invoke("check", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "out"), "--pdf")
    assert result.exit_code == 4
    assert ("未生成 PDF：LibreOffice 转换 一支部/校验报告.xlsx、二支部/校验报告.xlsx 时失败（退出码 1：Error: source file "
            "could not be loaded）。可用 Word 或 WPS 打开后另存为 PDF。") in result.output.splitlines()
    assert "没有找到 LibreOffice" not in result.output


def test_without_libreoffice_a_batch_says_so_once(tmp_path, monkeypatch):
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(tmp_path / "没有这个程序"))
    for name in ("一支部", "二支部"):
        branch(tmp_path / "in" / name, [["2023-05-06", "支委会", "学习"]])
    result = invoke("report", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "out"), "--pdf")
    assert result.exit_code == EXIT_NO_PDF
    said = [line for line in result.output.splitlines() if "LibreOffice" in line]
    assert len(said) == 1 and said[0].startswith("未生成 PDF：没有找到 LibreOffice（环境变量 PIPELINE_SOFFICE 指向的")


def test_a_soffice_that_cannot_start_is_not_taken_for_a_missing_one(tmp_path, monkeypatch):
    script = tmp_path / "soffice"
    script.write_text("not a program", encoding="utf-8")
    script.chmod(0o644)  # there, but not executable
    source = tmp_path / "a.docx"
    source.write_bytes(b"PK")
    outcome = pdf.convert([source], soffice=str(script))
    assert outcome.problem.startswith(f"未生成 PDF：无法启动 LibreOffice（{script}：")
