"""Shared pytest options, the test order, and the row-accounting sweep over every workbook the suite builds.

`--update-golden` rewrites the committed sample outputs (make golden). Tests run in a shuffled
order (TEST_SEED, see pytest_configure) so that none can lean on another having run first.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.reading.readers import SPREADSHEET_SUFFIXES

pytest_plugins = ("pytester",)  # tests/test_accounting.py runs the sweep below in a session of its own


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the committed sample outputs (outputs/) from a fresh run instead of comparing")


SEED = pytest.StashKey[int | None]()


def pytest_configure(config):
    """The order's seed: TEST_SEED=<number> replays an order, TEST_SEED=off keeps file order,
    unset draws one. An xdist worker takes the controller's: every worker must collect the
    same order, or xdist refuses to run."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        config.stash[SEED] = workerinput["test_seed"]
        return
    raw = os.environ.get("TEST_SEED", "").strip()
    if raw.lower() == "off":
        config.stash[SEED] = None
    elif not raw:
        config.stash[SEED] = random.randrange(1, 1_000_000)
    elif raw.isdigit():
        config.stash[SEED] = int(raw)
    else:
        raise pytest.UsageError(f"TEST_SEED must be a number or off, not {raw!r}")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["test_seed"] = node.config.stash[SEED]


def _order(config) -> str:
    seed = config.stash.get(SEED, None)
    return "test order: file order (TEST_SEED=off)" if seed is None else \
        f"test order: shuffled, replay with TEST_SEED={seed}"


def pytest_report_header(config):
    return _order(config)


@pytest.hookimpl(trylast=True)  # after deselection and pytest's own grouping by fixture
def pytest_collection_modifyitems(config, items):
    """Modules in a shuffled order, and the tests within each shuffled; a module's tests stay
    together so its module-scoped fixtures are built once. Modules marked `heavy` go first
    (shuffled among themselves): xdist hands out files in this order, and a module that alone
    takes a large share of the run must not be the last to start."""
    seed = config.stash.get(SEED, None)
    if seed is None:
        return
    rng = random.Random(seed)
    modules: dict[str, list] = defaultdict(list)
    for item in items:
        modules[item.nodeid.split("::", 1)[0]].append(item)
    names = list(modules)
    rng.shuffle(names)
    names.sort(key=lambda name: not any(item.get_closest_marker("heavy") for item in modules[name]))
    items[:] = []
    for name in names:
        rng.shuffle(modules[name])
        items.extend(modules[name])


# Folders swept so far in this session (tests/test_accounting.py asserts the sweep ran).
SWEPT: list[Path] = []


def balance_of(folder: Path, year: int = 2023) -> list:
    """Ingest and normalise `folder` and return its row accounting; normalise itself raises
    AccountingError when a sheet does not balance, and every account is checked again here."""
    from pipeline.core.issues import IssueLog
    from pipeline.reading.ingest import ingest
    from pipeline.reading.normalise import normalise

    log = IssueLog()
    found = ingest(folder, log)
    ledgers = normalise(found.tables, log, year, found.files)
    for account in ledgers.accounts:
        assert account.balanced(), f"{folder}: {account.file}「{account.sheet}」{account.line()}"
    return ledgers.accounts


@pytest.fixture(autouse=True)
def _row_accounting_sweep(request):
    """After every test that built files under tmp_path: each folder holding spreadsheets is
    read as a branch, and every ledger sheet's rows must balance (nothing lost, nothing doubled)."""
    yield
    root = request.node.funcargs.get("tmp_path") if hasattr(request.node, "funcargs") else None
    if root is None:
        return
    folders = sorted({p.parent for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SPREADSHEET_SUFFIXES
                      and not p.name.startswith(("~$", "."))})
    for folder in folders:
        balance_of(folder)
        SWEPT.append(folder)


def pytest_terminal_summary(terminalreporter):
    # Also at the end: -q (addopts) hides the header, and a failure's order must be replayable.
    terminalreporter.write_line(_order(terminalreporter.config))
    if SWEPT:
        terminalreporter.write_line(f"row accounting balanced in {len(SWEPT)} test folders of workbooks")


class StrictValues(dict):
    """A record's values that refuse a name its ledger kind does not declare (vocab.Kind.fields).

    Per-row loops read `record.values.get("主讲人")` rather than `record["主讲人"]` for speed, and
    there a typo would read as blank. Every test runs with records holding these instead, so a
    typo in such a name fails the suite."""

    __slots__ = ("kind", "allowed")

    def __init__(self, kind, values) -> None:
        from pipeline.core import vocab

        super().__init__(values)
        self.kind = kind
        self.allowed = vocab.KIND_BY_NAME[kind].fields

    def _known(self, key) -> None:
        if key not in self.allowed:
            raise KeyError(f"{key!r} is not a field of {self.kind} (vocab.Kind.fields)")

    def get(self, key, default=None):
        self._known(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._known(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self._known(key)
        return super().__contains__(key)

    def __setitem__(self, key, value) -> None:
        self._known(key)
        super().__setitem__(key, value)

    def __reduce__(self):
        return StrictValues, (self.kind, dict(self))  # batch workers send records back


@pytest.fixture(autouse=True)
def _strict_record_fields(monkeypatch):
    """Records made by normalise (its row reader) hold StrictValues in every test (see there)."""
    from pipeline.reading import rows

    record = rows.Record

    def strict(kind, values, *args, **kwargs):
        return record(kind, StrictValues(kind, values), *args, **kwargs)

    monkeypatch.setattr(rows, "Record", strict)
