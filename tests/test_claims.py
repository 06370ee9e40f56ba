"""Claims follow the ledgers, end to end: 足额, 已全部上缴, 全体党员, 严格按照 appear only when the
rows and the rule checks support them, and figures are printed exactly."""

from __future__ import annotations

from pathlib import Path

from pipeline.api import run_report
from tests.builders import branch

MONTHS = [f"{m}月" for m in range(1, 13)]
NAMES = ("王书记", "张三", "李四")  # tests/builders.py ROSTER


def _dues(rows: list[list], extra_header: list[str] | None = None) -> dict:
    return {"党费": [["姓名", "缴纳标准", *MONTHS, *(extra_header or [])], *rows]}


def _report(tmp_path: Path, dues: dict, activities=None) -> tuple[str, dict]:
    folder = branch(tmp_path / "in", activities or [["2023-05-06", "支委会", "学习"]], dues)
    runs = run_report(folder, tmp_path / "out", None)
    return (tmp_path / "out" / "report.md").read_text(encoding="utf-8"), runs[0]


def test_full_dues_and_recorded_remittance_are_said(tmp_path):
    text, run = _report(tmp_path, _dues([[n, 80, *[80] * 12, "是"] for n in NAMES], ["是否上缴"]))
    assert "按月足额缴纳党费，全年共收党费2880元，已全部上缴。" in text
    assert run.metrics["党费"]["足额"] and run.metrics["党费"]["已全部上缴"]


def test_one_yuan_against_eighty_is_not_full_payment(tmp_path):
    rows = [[n, 80, *[80] * 12, "是"] for n in NAMES[:2]] + [["李四", 80, *[1] * 12, "是"]]
    text, run = _report(tmp_path, _dues(rows, ["是否上缴"]))
    assert "足额缴纳党费" not in text.split("## 二、")[0]
    assert "全年共收党费1932元（应缴2880元），已全部上缴。" in text
    assert run.metrics["党费"]["少缴"][0] == {"姓名": "李四", "月份": 1, "应缴": 80, "实缴": 1}
    assert [f["说明"] for f in run.findings if f["规则"] == "党费按月缴纳"] == [
        "李四1月、2月、3月、4月、5月、6月、7月、8月、9月、10月、11月、12月实缴少于缴纳标准（标准80元，实缴1元）"]
    assert "1名党员存在未足额缴纳党费的情况" in text


def test_without_a_remittance_record_nothing_is_said_about_it(tmp_path):
    text, run = _report(tmp_path, _dues([[n, 80, *[80] * 12] for n in NAMES]))
    assert "按月足额缴纳党费，全年共收党费2880元。" in text and "上缴" not in text
    assert run.metrics["党费"]["已全部上缴"] is False


def test_a_remittance_row_is_not_a_member(tmp_path):
    rows = [[n, 80, *[80] * 12] for n in NAMES] + [["上缴县直机关工委", None, *[240] * 12]]
    text, run = _report(tmp_path, _dues(rows))
    assert "全年共收党费2880元，已全部上缴。" in text
    assert run.metrics["党费"]["上缴总额"] == 2880 and run.metrics["党费"]["实缴总额"] == 2880
    assert not [i for i in run.log.items if "上缴县直机关工委" in i.message()]


def test_a_partial_remittance_is_not_all(tmp_path):
    rows = [[n, 80, *[80] * 12, "是" if n != "李四" else ""] for n in NAMES]
    text, _ = _report(tmp_path, _dues(rows, ["是否上缴"]))
    assert "上缴" not in text


def test_money_is_exact(tmp_path):
    text, _ = _report(tmp_path, _dues([[n, 397, *[397] * 12] for n in NAMES]))
    assert "全年共收党费14292元" in text  # never 1.43万元
