"""Output problems are usage errors (exit 2, a Chinese message, nothing half-written): an output
folder that is a file or not writable, and a report or 校验报告 held open by Word/Excel/WPS."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.builders import branch
from tests.test_pdf import fake  # noqa: F401  (the stand-in soffice fixture)

REPORT = "2023年度测试党支部书记抓党建工作述职报告.docx"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def good(tmp_path) -> Path:
    return branch(tmp_path / "in", [["2023-05-06", "支委会", "学习"]])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.mark.parametrize("command", ["report", "check"])
def test_outputs_is_an_existing_file(good, tmp_path, command):
    out = tmp_path / "输出"
    out.write_text("not a folder", encoding="utf-8")
    result = invoke(command, "--inputs", str(good), "--outputs", str(out))
    assert result.exit_code == 2
    assert result.output == (f"错误：输出文件夹 {out} 无法使用：该位置（或它的上级）是一个文件，不是文件夹。"
                             "请换一个输出文件夹，如 OUTPUTS=输出2023\n")
    assert out.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("command", ["report", "check"])
def test_outputs_not_writable(good, tmp_path, command, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = invoke(command, "--inputs", str(good), "--outputs", str(out))
    assert result.exit_code == 2
    assert result.output == (f"错误：无法在输出文件夹 {out} 中写入文件（没有写入权限）。"
                             "请换一个输出文件夹，如 OUTPUTS=输出2023，或检查该文件夹的权限\n")
    assert list(out.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_outputs_folder(good, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = invoke("report", "--inputs", str(good), "--outputs", str(out))
    finally:
        out.chmod(0o755)
    assert result.exit_code == 2
    assert "没有写入权限" in result.output


def _lock(monkeypatch, name: str) -> None:
    """Simulate Windows refusing to move or replace a file that Word/Excel holds open."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(src).name == name or Path(dst).name == name:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("locked", [REPORT, "校验报告.xlsx", "metrics.json"])
def test_a_locked_output_leaves_every_old_output_as_it_was(good, tmp_path, monkeypatch, locked):
    out = tmp_path / "out"
    assert invoke("report", "--inputs", str(good), "--outputs", str(out)).exit_code == 0
    before = snapshot(out)
    assert REPORT in before
    # A new record: every output would change.
    branch(good, [["2023-05-06", "支委会", "学习"], ["2023-06-06", "党课", "党章"]])
    _lock(monkeypatch, locked)
    result = invoke("report", "--inputs", str(good), "--outputs", str(out))
    assert result.exit_code == 2
    assert result.output == (f"错误：无法写入 {out / locked}：文件可能正在 Word、Excel、WPS 等程序中打开，或没有写入权限；"
                             f"本次没有写出或改动任何输出文件。请先关闭 {locked} 再运行\n")
    assert snapshot(out) == before  # nothing half-written, no temp or backup file left behind


def test_a_locked_validation_report_in_check(good, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert invoke("check", "--inputs", str(good), "--outputs", str(out)).exit_code == 0
    before = snapshot(out)
    branch(good, [["2023-02-30", "支委会", "学习"]])
    _lock(monkeypatch, "校验报告.xlsx")
    result = invoke("check", "--inputs", str(good), "--outputs", str(out))
    assert result.exit_code == 2
    assert result.output.endswith("请先关闭 校验报告.xlsx 再运行\n")
    assert snapshot(out) == before


def test_an_edited_report_is_not_moved_aside_when_the_run_cannot_finish(good, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert invoke("report", "--inputs", str(good), "--outputs", str(out)).exit_code == 0
    (out / REPORT).write_bytes(b"edited in Word")
    before = snapshot(out)
    _lock(monkeypatch, "校验报告.md")
    result = invoke("report", "--inputs", str(good), "--outputs", str(out))
    assert result.exit_code == 2
    assert snapshot(out) == before


def test_a_full_disk_is_said_plainly(good, tmp_path, monkeypatch):
    import errno

    out = tmp_path / "out"
    real = os.fsync

    def full(fd):
        real(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = invoke("check", "--inputs", str(good), "--outputs", str(out))
    assert result.exit_code == 2
    assert result.output.startswith("错误：") and "磁盘空间不足" in result.output
    assert not out.exists()  # nothing written, and the folder the run made is removed again


@pytest.mark.skipif(os.name != "posix", reason="the stand-in soffice is a POSIX script")
@pytest.mark.spawns
def test_a_locked_pdf_is_named_and_the_rest_stays_written(good, tmp_path, monkeypatch, fake):
    fake("ok")
    out = tmp_path / "out"
    _lock(monkeypatch, "校验报告.pdf")
    result = invoke("report", "--inputs", str(good), "--outputs", str(out), "--pdf")
    assert result.exit_code == 4
    assert (f"未能写出 PDF：无法写入 {out / '校验报告.pdf'}：文件可能正在 Word、Excel、WPS 等程序中打开，"
            "或没有写入权限。请先关闭 校验报告.pdf 再运行。") in result.output.splitlines()
    written = {p.name for p in out.iterdir()}
    assert {REPORT, REPORT.replace(".docx", ".pdf"), "metrics.json", "校验报告.xlsx", "校验报告.md"} <= written
    assert "校验报告.pdf" not in written and not any(n.startswith(".~tmp-") for n in written)


def test_init_into_a_folder_it_cannot_write(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = invoke("init", "--inputs", str(tmp_path / "台账"), "--year", "2023")
    assert result.exit_code == 2
    assert result.output == (f"错误：无法在 {tmp_path / '台账'} 中写入空白台账（没有写入权限，或同名台账正在 Excel/WPS 中打开）。"
                             "请检查该文件夹是否可写\n")
