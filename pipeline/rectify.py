"""整改 carried forward: last year's problems (整改台账), what became of them, the overdue rule,
the opening of the report's section 二, and the ledgers `init --previous` pre-fills."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline import vocab
from pipeline.errors import UsageError
from pipeline.names import IssueCode, LedgerKind
from pipeline.normalise import Ledgers

KIND = LedgerKind.RECTIFY
STATES = tuple(vocab.RECTIFY_STATUS)  # 已完成, 推进中, 未完成


def _day(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""


def metrics(ledgers: Ledgers, prov, log) -> dict | None:
    """metrics.json `整改` (only when a 整改台账 was read): counts by 完成情况 and every item.

    An item not done without a 未完成原因 is warned about: the report names its reason.
    """
    records = ledgers.of(KIND)
    if not records:
        return None
    counts = {state: [r for r in records if r["完成情况"] == state] for state in STATES}
    prov.add("整改.问题数", records)
    for state, rows in counts.items():
        prov.add(f"整改.{state}", rows)
    prov.add("整改.事项", records)
    for record in records:
        if record["完成情况"] != vocab.DONE and not record["未完成原因"]:
            log.warning(record.src.file, f"整改事项“{record['问题']}”{record['完成情况']}，但没有写明未完成原因",
                        "请在“未完成原因”列写明原因，报告中会引用", sheet=record.src.sheet, row=record.src.row,
                        column="未完成原因", code=IssueCode.RECTIFY_NO_REASON)
    return {
        "问题数": len(records),
        **{state: len(rows) for state, rows in counts.items()},
        "事项": [{"问题": r["问题"], "整改措施": r["整改措施"] or "", "责任人": r["责任人"] or "",
                "完成时限": _day(r["完成时限"]), "完成情况": r["完成情况"], "完成时间": _day(r["完成时间"]),
                "未完成原因": r["未完成原因"] or ""} for r in records],
    }


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def overdue(rule, cfg, ledgers: Ledgers) -> list[tuple[dict, list]]:
    """Items whose 完成时限 fell within the report year (or before) and are not done."""
    year_end = dt.date(ledgers.year, 12, 31)
    found = []
    for record in ledgers.of(KIND):
        deadline = record["完成时限"]
        if record["完成情况"] == vocab.DONE or not isinstance(deadline, dt.date) or deadline > year_end:
            continue
        reason = f"（{record['未完成原因']}）" if record["未完成原因"] else ""
        found.append(({"说明": f"“{record['问题']}”整改时限为{_cn_date(deadline)}，年底仍{record['完成情况']}{reason}",
                       "涉及": [record["问题"]]}, [record]))
    return found


# ------------------------------------------------------------------ report wording

_STATE_WORDS = {"推进中": "正在推进", "未完成": "未完成"}


def rectify_sentence(m: Mapping) -> str:
    """整改句: how many of last year's problems, how many done, the rest named with their reason."""
    data = m.get("整改")
    if not isinstance(data, Mapping) or not data.get("问题数"):
        return ""
    total, done = data["问题数"], data.get(vocab.DONE, 0)
    if done == total:
        return f"上年度查摆问题{total}个，已全部完成整改。"
    parts = [f"上年度查摆问题{total}个，" + (f"已完成整改{done}个" if done else "尚未有完成整改的")]
    for state in STATES[1:]:
        items = [i for i in data.get("事项") or [] if isinstance(i, Mapping) and i.get("完成情况") == state]
        if not items:
            continue
        named = "；".join(f"“{i['问题']}”" + (f"，原因是{i['未完成原因'].rstrip('。；;，, ')}" if i.get("未完成原因") else "")
                         for i in items)
        parts.append(f"{len(items)}个{_STATE_WORDS[state]}：{named}")
    return "，".join(parts) + "。"


def derived(m: Mapping) -> dict:
    return {"整改句": rectify_sentence(m)}


# ------------------------------------------------------------------ init --previous

def _members_at_year_end(ledgers: Ledgers) -> list[dict]:
    """Last year's roster rows of the members still in the branch at year end, as the new
    roster's rows: columns kept as read, but last year's changes (状态, 转入/转出时间) left blank."""
    from pipeline.aggregate import year_end_members

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
    the 整改台账 from last year's 问题清单 (问题 only), the roster from last year's roster."""
    from pipeline.previous import load

    if (folder / "metrics.json").is_file():  # an outputs folder (it also holds 校验报告.xlsx)
        last, source, _ = load(folder, year, config)
        problems = [i for i in last.get("问题") or [] if isinstance(i, Mapping)]
        rows = {KIND: [{"问题": _problem_text(i)} for i in problems], LedgerKind.INFO: [_info(last.get("支部"))]}
        return rows, f"{source}（上年输出中没有党员名单，党员名册未预填）"
    if not folder.is_dir():
        raise UsageError(f"找不到上年度文件夹：{folder}。PREVIOUS 应为上年度的台账文件夹或输出文件夹")
    from pipeline.api import analyse

    run = analyse(folder, "", year - 1, config)
    if run.log.errors:
        raise UsageError(f"上年度台账 {folder} 有 {len(run.log.errors)} 个错误。请先运行 make check INPUTS={folder} "
                         f"YEAR={year - 1} 并改正")
    ledgers, metrics, _ = run.analysed()
    problems = [{"标题": r["标题"], "内容": r["内容"]} for r in ledgers.of(LedgerKind.PROBLEMS) if r["类型"] == "问题"]
    return ({KIND: [{"问题": _problem_text(i)} for i in problems], LedgerKind.ROSTER: _members_at_year_end(ledgers),
             LedgerKind.INFO: [_info(metrics.get("支部"))]}, f"{folder}（{year - 1}年度台账）")


def _info(branch: Mapping | None) -> dict:
    """The branch's name, secretary and superior from last year (年度 and 报告日期 are new)."""
    branch = branch or {}
    return {"党支部名称": branch.get("名称") or None, "支部书记": branch.get("书记") or None,
            "上级党组织": branch.get("上级党组织") or None}


def _problem_text(item: Mapping[str, Any]) -> str:
    return str(item.get("标题") or "").strip().rstrip("。；;，,") or str(item.get("内容") or "").strip()
