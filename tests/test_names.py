"""Names as types: ledger kinds, column types and record fields are registries that refuse
unknown names, so a typo fails loudly instead of reading as an empty ledger or a blank cell."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.api import analyse
from pipeline.core import vocab
from pipeline.core.errors import ContractError
from pipeline.core.names import ColumnType, LedgerKind
from pipeline.reading import cells, rows
from pipeline.reading.records import Ledgers, Record, Source
from pipeline.rules.settings import load
from tests.builders import BASIC, ROSTER, write_xlsx


def test_ledger_kinds_are_exactly_the_vocabulary():
    assert [k.name for k in vocab.KINDS] == list(LedgerKind)
    assert all(isinstance(k.name, LedgerKind) for k in vocab.KINDS)


def test_ledgers_refuse_an_unknown_kind():
    ledgers = Ledgers(year=2023)
    record = Record(LedgerKind.ROSTER, {"姓名": "张三"}, Source("a.xlsx", "党员名册", 2))
    ledgers.records[LedgerKind.ROSTER] = [record]
    assert ledgers.of(LedgerKind.ROSTER) == [record]
    assert ledgers.of("党员名册") == [record]  # the same name typed as a string
    assert ledgers.of(LedgerKind.TALKS) == []  # a kind the branch does not keep
    with pytest.raises(ValueError, match="'党员名帐' is not a LedgerKind"):
        ledgers.of("党员名帐")


def test_record_fields_refuse_unknown_names():
    record = Record(LedgerKind.ACTIVITIES, {"日期": dt.date(2023, 3, 5), "类型": "党课"}, Source("a", "b", 2))
    assert record["类型"] == "党课"
    assert record["备注"] is None  # a field of the kind left blank
    assert record["时刻"] is None  # a field set from the date cell, not a column
    with pytest.raises(KeyError, match="'类形' is not a field of 组织生活台账"):
        record["类形"]
    with pytest.raises(KeyError, match="'姓名' is not a field of 组织生活台账"):
        record["姓名"]  # a field of another kind


def test_every_key_field_is_a_field_of_its_kind():
    for kind in vocab.KINDS:
        assert set(kind.key) <= kind.fields, kind.name
        assert set(vocab.ALWAYS_KEY) <= kind.fields


def test_every_column_type_has_a_parser_and_every_column_a_type():
    assert set(cells.PARSERS) == set(ColumnType)
    for kind in vocab.KINDS:
        for column in kind.columns:
            assert isinstance(column.type, ColumnType), (kind.name, column.name)


def test_a_field_normalise_sets_without_declaring_it_is_a_defect(tmp_path, monkeypatch):
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER,
                                       "组织生活": [["日期", "类型", "主题"], ["2023-03-05", "党课", "学习"]]})
    settle = rows._settle_row

    def settle_and_add(reading, r, row, values, state):
        values["来源页"] = "x"  # a field no Kind declares
        return settle(reading, r, row, values, state)

    monkeypatch.setattr(rows, "_settle_row", settle_and_add)
    with pytest.raises(ContractError, match=r"holds \['来源页'\], fields not in vocab.Kind.fields"):
        analyse(tmp_path, "", 2023, load(None))


def test_rows_of_sheets_with_different_columns_are_compared_on_every_field(tmp_path):
    """Duplicate keys leave out fields no record of the run can hold; a field one sheet has
    and another lacks still counts (blank on one side, so the rows are equal only if blank)."""
    write_xlsx(tmp_path / "a.xlsx", {"基本信息": BASIC, "党员名册": ROSTER,
                                    "组织生活": [["日期", "类型", "主题"], ["2023-03-05", "党课", "学习"],
                                                 ["2023-04-05", "党课", "学习"]]})
    write_xlsx(tmp_path / "b.xlsx", {"组织生活": [["日期", "类型", "主题", "地点"],
                                                 ["2023-03-05", "党课", "学习", None],
                                                 ["2023-04-05", "党课", "学习", "会议室"]]})
    run = analyse(tmp_path, "", 2023, load(None))
    assert run.metrics["组织生活"]["党课"] == 3  # 3月 twice is one record; 4月 differs in 地点
    assert [(i.file, i.row) for i in run.log.items if i.code == "duplicate"] == [("b.xlsx", 2)]


def test_records_in_tests_refuse_unknown_names_read_through_values(tmp_path):
    """Per-row loops read `record.values.get(...)`; conftest.StrictValues makes a typo there fail
    every test that reaches it."""
    write_xlsx(tmp_path / "台账.xlsx", {"基本信息": BASIC, "党员名册": ROSTER,
                                       "组织生活": [["日期", "类型", "主题"], ["2023-03-05", "党课", "学习"]]})
    record = analyse(tmp_path, "", 2023, load(None)).ledgers.of(LedgerKind.ACTIVITIES)[0]
    assert record.values.get("主讲人") is None and "主讲人" not in record.values
    with pytest.raises(KeyError, match="'主讲仁' is not a field of 组织生活台账"):
        record.values.get("主讲仁")
    with pytest.raises(KeyError, match="'姓名' is not a field of 组织生活台账"):
        "姓名" in record.values  # noqa: B015 - the test is that asking raises
