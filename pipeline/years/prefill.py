"""The rows `init --previous` pre-fills in next year's blank ledgers: the roster, the branch's
basic facts and a 整改台账 from last year's problems."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.analysis.analyse import analyse
from pipeline.core import vocab
from pipeline.core.errors import UsageError
from pipeline.core.names import LedgerKind
from pipeline.facts.membership import year_end_members
from pipeline.facts.rectify import KIND
from pipeline.reading.records import Ledgers
from pipeline.years.checklist import CHECKLISTS, read_rectify
from pipeline.years.previous import load


def _members_at_year_end(ledgers: Ledgers) -> list[dict]:
    """Last year's roster rows of the members still in the branch at year end, as the new
    roster's rows: columns kept as read, but last year's changes (状态, 转入/转出时间) left blank."""
    columns = {c.name for c in vocab.KIND_BY_NAME[LedgerKind.ROSTER].columns} - {"状态", "转入时间", "转出时间"}
    out = []
    for record in year_end_members(ledgers):
        row = {k: v for k, v in record.values.items() if k in columns}
        for key in ("出生日期", "入党时间", "转正时间"):
            if isinstance(row.get(key), tuple):
                row[key] = f"{row[key][0]}.{row[key][1]:02d}"
        out.append(row)
    return out


def prefill(folder: Path, year: int, config) -> tuple[dict[LedgerKind, list[dict]], str]:
    """Rows to pre-fill `init`'s blank ledgers for `year` from last year's ledgers or outputs:
    the 整改台账 from last year's 问题清单 (问题 only) or, in an outputs folder with the
    述职评议's 三张清单.xlsx, from its 整改清单 (问题, 整改措施, 责任人, 完成时限); the roster
    from last year's roster."""
    if (folder / "metrics.json").is_file():  # an outputs folder (it also holds 校验报告.xlsx)
        last, source, _ = load(folder, year, config)
        problems = [i for i in last.get("问题") or [] if isinstance(i, Mapping)]
        rows = {KIND: [{"问题": _problem_text(i)} for i in problems], LedgerKind.INFO: [_info(last.get("支部"))]}
        if (folder / CHECKLISTS).is_file():  # the 述职评议's 整改清单 (it holds the 问题 above too)
            rows[KIND] = read_rectify(folder / CHECKLISTS)
            source = f"{source}、{folder / CHECKLISTS}（整改清单）"
        return rows, f"{source}（上年输出中没有党员名单，党员名册未预填）"
    if not folder.is_dir():
        raise UsageError(f"找不到上年度文件夹：{folder}。PREVIOUS 应为上年度的台账文件夹或输出文件夹")
    run = analyse(folder, "", year - 1, config)
    if run.log.errors:
        raise UsageError(f"上年度台账 {folder} 有 {len(run.log.errors)} 个错误。请先运行 make check INPUTS={folder} "
                         f"YEAR={year - 1} 并改正")
    ledgers, metrics, _ = run.analysed()
    problems = [{"标题": r["标题"], "内容": r["内容"]} for r in ledgers.of(LedgerKind.PROBLEMS) if r["类型"] == "问题"]
    return ({KIND: [{"问题": _problem_text(i)} for i in problems], LedgerKind.ROSTER: _members_at_year_end(ledgers),
             LedgerKind.INFO: [{**_settings(ledgers.info), **_info(metrics.get("支部"))}]}, f"{folder}（{year - 1}年度台账）")


def _settings(info: Mapping) -> dict:
    """Every 基本信息 setting of last year (支部类型, 本届任期起始, 党小组, 党费缴纳方式, the talk and
    党课 settings …) as it is typed; 年度 and 报告日期 are the new year's."""
    out = {}
    for name, value in info.items():
        if name in ("年度", "报告日期") or value is None:
            continue
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
            value = f"{value[0]}.{value[1]:02d}"  # a year and month
        elif isinstance(value, tuple):
            value = "、".join(map(str, value)) or "无"
        out[name] = value
    return out


def _info(branch: Mapping | None) -> dict:
    """The branch's name, secretary and superior from last year (年度 and 报告日期 are new)."""
    branch = branch or {}
    return {"党支部名称": branch.get("名称") or None, "支部书记": branch.get("书记") or None,
            "上级党组织": branch.get("上级党组织") or None}


def _problem_text(item: Mapping[str, Any]) -> str:
    return str(item.get("标题") or "").strip().rstrip("。；;，,") or str(item.get("内容") or "").strip()
