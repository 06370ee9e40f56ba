"""The multi-branch summary workbook (各支部汇总.xlsx): one row per branch, its key figures."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from pipeline.outputs import deterministic_zip, write_bytes
from pipeline.xlsxstyle import BOLD, BORDER, CENTER, HEADER_FILL

SUMMARY_NAME = "各支部汇总.xlsx"

# (column header, dotted metric path); a maintainer adds a column by adding a line.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("党员总数", "党员.总数"),
    ("正式党员", "党员.正式党员"),
    ("预备党员", "党员.预备党员"),
    ("支委会", "组织生活.支委会"),
    ("党员大会", "组织生活.党员大会"),
    ("党小组会", "组织生活.党小组会"),
    ("党课", "党课.总数"),
    ("主题党日", "组织生活.主题党日"),
    ("专题研究党建", "组织生活.专题研究党建"),
    ("谈心谈话", "谈心谈话.次数"),
    ("人均笔记字数", "学习.人均笔记字数"),
    ("党费实缴（元）", "党费.实缴总额"),
    ("信息报送", "信息报送.报送篇数"),
    ("信息采用", "信息报送.采用篇数"),
    ("规则检查发现", "检查发现"),
    ("校验错误", "校验.错误"),
    ("校验警告", "校验.警告"),
)


def _get(metrics: dict, path: str):
    value: Any = metrics
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return len(value) if isinstance(value, list) else value


def summary_workbook(runs) -> bytes:
    """Deterministic .xlsx bytes: branches in folder order, a note where a report was not written."""
    wb = Workbook()
    ws = wb.active
    ws.title = "各支部汇总"
    header = ["支部文件夹", "党支部名称", "报告年度", *[c for c, _ in COLUMNS], "报告", "数字是否完整"]
    ws.append(header)
    for run in runs:
        metrics = run.metrics or {}
        row = [run.name, _get(metrics, "支部.名称"), metrics.get("年度")]
        row += [_get(metrics, path) for _, path in COLUMNS]
        row.append("已生成" if run.report_written else "未生成（有错误，见该支部校验报告）")
        errors = run.log.counts()["错误"]
        row.append(f"不完整：{errors} 个错误所在的行未计入" if errors else "完整")
        ws.append(row)
    for cell in ws[1]:
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, CENTER
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())


def write_summary(runs, outputs: Path) -> list[Path]:
    path = outputs / SUMMARY_NAME
    write_bytes(path, summary_workbook(runs))
    return [path]
