"""Workbooks as an office suite saves them, and the committed sample kept honest.

tests/data/real/<format>/ holds the sample ledgers saved by LibreOffice (tools/make_real.py) as
.xlsx, .xls and .ods: every figure must come out exactly as from the openpyxl-written sample.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import api
from pipeline.core.outputs import dumps_json
from pipeline.rules.table import Settings

ROOT = Path(__file__).resolve().parent.parent
REAL = Path(__file__).resolve().parent / "data" / "real"
SAMPLE_FILES = ("report.md", "metrics.json", "provenance.json", "校验报告.md")


@pytest.fixture(scope="module")
def sample_metrics() -> dict:
    run = api.analyse(ROOT / "inputs", "", None, Settings())
    return json.loads(dumps_json(run.metrics))


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_ledgers_saved_by_libreoffice_give_the_same_figures(fmt, sample_metrics):
    folder = REAL / fmt
    files = sorted(p.suffix for p in folder.iterdir())
    assert files == [f".{fmt}"] * 7, "tests/data/real 已过期或不完整：请运行 tools/make_real.py"
    run = api.analyse(folder, "", None, Settings())
    metrics = json.loads(dumps_json(run.metrics))
    # the figures a reviewer checks first, spelled out
    assert metrics["年度"] == 2022
    assert {k: metrics["党员"][k] for k in ("总数", "正式党员", "预备党员")} == {"总数": 10, "正式党员": 9, "预备党员": 1}
    assert metrics["组织生活"]["支委会"] == 12
    assert metrics["党费"]["实缴总额"] == 5760 and metrics["党费"]["按月"] == [480] * 12
    assert metrics["信息报送"]["报送篇数"] == 126 and metrics["信息报送"]["采用篇数"] == 18
    # the 填表说明 page, and the four 组织生活会 / 民主评议党员 rows whose topic names their year, as in the sample
    assert [i.code for i in run.log.items] == ["unknown-sheet", *["year-from-topic"] * 4]
    # and every other figure exactly as the openpyxl-written sample gives it
    assert metrics == sample_metrics


@pytest.mark.spawns
def test_sample_ledgers_verify():
    result = subprocess.run([sys.executable, "tools/make_sample.py", "--verify"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("OK: 样例台账校验通过")


def test_committed_outputs_match_a_fresh_run(tmp_path):
    """outputs/ (committed for reviewers) is what `make report` writes today, file by file as
    the sample lists them; `make golden` refreshes it (tests/test_golden.py compares the bytes)."""
    api.run_report(ROOT / "inputs", tmp_path, None)
    stale = [name for name in SAMPLE_FILES
             if (tmp_path / name).read_bytes() != (ROOT / "outputs" / name).read_bytes()]
    assert not stale, f"outputs/ 中的 {stale} 已过期：请运行 make golden 并审阅差异"
