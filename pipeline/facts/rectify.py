"""整改 carried forward: last year's problems (整改台账) and what became of them.

The overdue rule is in pipeline/rules/members.py; the report's 整改句 in
pipeline/writing/wording.py; what `init --previous` pre-fills in pipeline/years/prefill.py."""

from __future__ import annotations

import datetime as dt

from pipeline.core import vocab
from pipeline.core.names import IssueCode, LedgerKind
from pipeline.reading.records import Ledgers

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

