"""Small real workbooks for tests: every format the pipeline reads, written from row lists."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

BASIC = [["党支部名称", "测试党支部"], ["支部书记", "王书记"], ["年度", 2023]]
ROSTER = [["姓名", "人员类别"], ["王书记", "正式党员"], ["张三", "正式党员"], ["李四", "预备党员"]]


def write_xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """One workbook, one sheet per entry, rows written from A1."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xls(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Old-format Excel (.xls) via xlwt, dates written as real date cells."""
    import xlwt

    book = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for name, rows in sheets.items():
        ws = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write(r, c, dt.datetime.combine(value, dt.time()), date_style)
                elif value is not None:
                    ws.write(r, c, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    """OpenDocument spreadsheet via pandas + odfpy."""
    import pandas as pd

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, header=False, index=False)
    return path


# The other ledgers, kept but (nearly) empty, so a test branch is not warned about missing
# ledgers or empty report sections.
EMPTY_LEDGERS = {"谈心谈话": [["谈话人", "谈话对象"]], "学习笔记检查": [["姓名", "学习笔记"]],
                 "党费": [["姓名", "缴纳标准", "1月"]], "信息报送": [["标题", "是否采用"]],
                 "问题清单": [["类型", "标题"], ["问题", "学习不够深入"]],
                 "任务清单": [["标题", "内容"], ["强化学习", "坚持每月集中学习。"]]}


def branch(folder: Path, activities: list[list] | None = None, extra: dict | None = None) -> Path:
    """A minimal valid branch: 基本信息 + 名册, optional 组织生活台账 rows, the other ledgers empty."""
    sheets = {"基本信息": BASIC, "党员名册": ROSTER, **EMPTY_LEDGERS}
    if activities is not None:
        sheets["组织生活"] = [["日期", "类型", "主题"], *activities]
    sheets.update(extra or {})
    write_xlsx(folder / "台账.xlsx", sheets)
    return folder


def assert_zip_is_fixed(data: bytes) -> None:
    """An OOXML zip whose bytes cannot depend on when it was written: fixed entry times and
    fixed created/modified properties (a same-second rerun would hide a clock dependence)."""
    import io
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core)
    assert stamps and all(s.endswith("-01-01T00:00:00Z") for s in stamps), stamps
