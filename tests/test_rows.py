"""The row reader's shortcuts change nothing: real ledgers read as the pipeline reads them give
the same records, row fates, messages and figures as read plainly, every cell parsed afresh.

rows.table_records takes two shortcuts: each distinct cell of a column is read once (_Reading.cell
remembers it), and a row whose every cell was read before as a plain value is a dictionary lookup
per cell (_read_memoised, the fast path nearly every row takes). The plain reader here takes
neither: every row goes cell by cell (_read_cells) and every cell through _interpret.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.api import analyse
from pipeline.core.names import LedgerKind
from pipeline.core.outputs import dumps_json
from pipeline.reading import rows
from pipeline.rules.settings import load
from tests.builders import BASIC, ROSTER, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real"


def _read(folder: Path, year: int | None = None):
    """Everything reading the folder gives, in comparable form."""
    run = analyse(folder, "", year, load(None))
    ledgers = run.ledgers
    records = {kind: [(r.kind, dict(r.values), r.src, r.approx, r.cells, r.columns) for r in ledgers.of(kind)]
               for kind in LedgerKind}
    return records, ledgers.accounts, run.log.items, json.loads(dumps_json(run.metrics))


def _plain(monkeypatch) -> None:
    """Read every row cell by cell and every cell afresh (no memo, no fast path)."""
    monkeypatch.setattr(rows, "_read_memoised", lambda row, fast: None)
    monkeypatch.setattr(rows._Reading, "cell", lambda self, reader, raw: rows._interpret(
        reader, raw, self.year, self.kind is LedgerKind.ACTIVITIES))


def _fast_rows(monkeypatch) -> list[int]:
    """Count the rows the fast path reads (so that a test cannot pass with it never taken)."""
    taken = [0]
    memoised = rows._read_memoised

    def counted(row, fast):
        values = memoised(row, fast)
        taken[0] += values is not None
        return values

    monkeypatch.setattr(rows, "_read_memoised", counted)
    return taken


def _both_ways(folder: Path, monkeypatch, year: int | None = None) -> tuple[tuple, tuple, int]:
    """(as the pipeline reads `folder`, as the plain reader does, rows the fast path read)."""
    with monkeypatch.context() as patched:
        taken = _fast_rows(patched)
        fast = _read(folder, year)
    with monkeypatch.context() as patched:
        _plain(patched)
        plain = _read(folder, year)
    return fast, plain, taken[0]


@pytest.mark.parametrize("folder", [ROOT / "inputs", REAL / "xls", REAL / "ods"], ids=lambda p: p.name)
def test_real_ledgers_read_the_same_with_and_without_the_fast_path(folder, monkeypatch):
    fast, plain, taken = _both_ways(folder, monkeypatch)
    records, accounts, issues, metrics = fast
    assert sum(map(len, records.values())) == 285 and taken > 0
    assert records == plain[0]
    assert accounts == plain[1]
    assert issues == plain[2]
    assert metrics == plain[3]


def test_a_long_ledger_reads_the_same_with_and_without_the_fast_path(tmp_path, monkeypatch):
    """The benchmark's ledger (tools/bench.py), where nearly every row takes the fast path."""
    from tools.bench import build_big

    build_big(tmp_path, 2000, bad_row=1000)
    fast, plain, taken = _both_ways(tmp_path, monkeypatch)
    assert taken > 1000  # the rows whose date (as typed) was read before
    assert len(fast[0][LedgerKind.ACTIVITIES]) == 1999 and [i.code for i in fast[2]].count("bad-date") == 1
    assert fast == plain


def test_cells_that_look_alike_read_the_same_with_and_without_the_fast_path(tmp_path, monkeypatch):
    """Cells equal as Python values but read differently (3, 3.0 and True; a date and a datetime;
    a number and its text in a text column; text with a no-break space or two spaces; `/` for none)
    are kept apart by the memo."""
    import datetime as dt

    day, moment = dt.date(2023, 3, 5), dt.datetime(2023, 3, 5, 14, 30)
    seen = [day, "党课", "学习", 3, 3]  # every later row differs from this one in one cell
    activities = [seen, *([*seen[:i], other, *seen[i + 1:]] for i, other in (
        (0, moment), (0, "2023-03-05"), (1, "支委会"), (1, " 党课"), (2, "学习\xa0"), (2, "学习  党章"), (2, " 学习"),
        (2, 3), (2, "3"), (2, 3.0), (3, 3.0), (3, True), (3, "3"), (3, "3人"), (4, "/"), (4, 3.5), (4, -3), (4, "3余")))]
    write_xlsx(tmp_path / "台账.xlsx", {
        "基本信息": BASIC, "党员名册": ROSTER,
        "组织生活": [["日期", "类型", "主题", "应到人数", "实到人数"], *activities, *activities],
        "帮扶共建": [["日期", "对象", "事项", "数量", "单位"], [day, "石门村", "栽树", 1, "棵"],
                     [day, "石门村", "栽树", 1.5, "棵"], [day, "石门村", "栽树", "1500余", "棵"],
                     [day, "石门村", "栽树", -1, "棵"], [day, "石门村", "栽树", "1", "棵"]]})
    fast, plain, taken = _both_ways(tmp_path, monkeypatch, 2023)
    assert taken > 0
    assert fast == plain
    # `1` typed as text is the number 1 again (a duplicate); `1500余` is approximate
    assert [(values["数量"], approx) for _, values, _, approx, _, _ in fast[0][LedgerKind.ASSISTANCE]] == [
        (1, frozenset()), (1.5, frozenset()), (1500, {"数量"}), (-1, frozenset())]
