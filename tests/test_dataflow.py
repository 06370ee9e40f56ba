"""Data flows one way: issues carry their cell as data, the rows they point at travel with the
run, the workbook writer never opens an input file, and the CLI starts without openpyxl."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pipeline import api
from pipeline.reading import readers
from pipeline.rules.table import Settings
from pipeline.writing.workbooks import validation_workbook
from tests.builders import branch

ROOT = Path(__file__).resolve().parent.parent
ACTIVITIES = [["2023-02-30", "支委会", "学习"],  # row 2: impossible date, column A
              ["2023-05-06", "党课", "四"],
              ["2023-06-07", "支委会", "学习"]]


def _fresh(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.spawns
@pytest.mark.spawns
def test_cli_starts_without_openpyxl_or_numpy():
    loaded = _fresh("import sys, pipeline.cli; print(sorted(m for m in ('openpyxl', 'numpy', 'docxtpl', 'pandas')"
                    " if m in sys.modules))")
    assert loaded == "[]"


@pytest.mark.spawns
@pytest.mark.spawns
def test_rules_do_not_import_settings():
    assert _fresh("import sys, pipeline.rules.check; print('pipeline.rules.settings' in sys.modules)") == "False"


def test_issues_carry_their_column_and_their_rows_travel_with_the_run(tmp_path):
    folder = branch(tmp_path / "in", ACTIVITIES)
    run = api.analyse(folder, "", 2023, Settings())
    bad = [i for i in run.log.items if i.code == "bad-date"]
    assert [(i.sheet, i.row, i.column, i.col) for i in bad] == [("组织生活", 2, "日期", 0)]
    [affected] = run.affected
    assert (affected.file, affected.sheet, affected.headers) == ("台账.xlsx", "组织生活", {0: "日期", 1: "类型", 2: "主题"})
    assert affected.rows == {2: ["2023-02-30", "支委会", "学习"]} and affected.issues == {2: bad}


def test_the_workbook_is_written_with_the_inputs_gone(tmp_path, monkeypatch):
    folder = branch(tmp_path / "in", ACTIVITIES)
    run = api.analyse(folder, "", 2023, Settings())
    shutil.rmtree(folder)

    def no_reading(*args, **kwargs):
        raise AssertionError("the workbook writer opened an input file")

    monkeypatch.setattr(readers, "read_file", no_reading)
    data = validation_workbook(run.log, branch="", year=2023, files=run.ledgers.files, findings=run.findings,
                               affected=run.affected)
    ws = openpyxl.load_workbook(io.BytesIO(data))["问题行-组织生活"]
    assert [c.value for c in ws[3]] == [2, "2023-02-30", "支委会", "学习"]
    assert ws["B3"].comment.text.startswith("[错误] 值「2023-02-30」不是有效的日期")
