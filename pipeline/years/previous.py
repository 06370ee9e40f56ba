"""Last year beside this year (`--previous DIR`): last year's figures, the change, and the
rules that span the year boundary.

DIR is last year's outputs folder (its metrics.json is read) or last year's ledgers folder
(analysed here for the year before). metrics.json gains a `同比` section; no existing key changes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.analysis.analyse import BranchRun, analyse
from pipeline.core.errors import UsageError
from pipeline.core.names import IssueCode, RuleId
from pipeline.core.variables import Section, check_metrics
from pipeline.reading.readers import SPREADSHEET_SUFFIXES
from pipeline.reading.records import FOLDER
from pipeline.rules.settings import Settings
from pipeline.rules.table import RECURRING_NAME, rule_of

# Sections that are not counts or amounts of the year's work.
_NOT_FIGURES = (Section.YEAR, Section.BRANCH, Section.VALIDATION, Section.RULES, Section.FINDINGS,
                Section.YEAR_ON_YEAR, Section.RECTIFY)
# Sections counted from one ledger, and the provenance keys whose rows show that ledger was
# there last year (a ledger missing last year gives 0s that are not last year's figures; the
# per-member averages of 学习 cite the roster, so they prove nothing).
_LEDGER_GROUPS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("组织生活", "主题党日", "党课"): ("组织生活.",),
    ("谈心谈话",): ("谈心谈话.次数",),
    ("学习",): ("学习.笔记总字数", "学习.心得体会总篇数", "学习.检查次数"),
    ("党费",): ("党费.",),
    ("信息报送",): ("信息报送.",),
    ("党员",): ("党员.",),
    ("其他事项",): ("其他事项.",),
}


def _known(provenance: Mapping | None) -> set[str] | None:
    """Top-level sections last year's rows stand behind; None when that cannot be told."""
    if provenance is None:
        return None
    with_rows = [key for key, rows in provenance.items() if rows]
    return {name for group, anchors in _LEDGER_GROUPS.items()
            if any(key.startswith(anchors) for key in with_rows) for name in group}


def load(folder: Path, year: int, config, branch: str = "") -> tuple[dict, str, set[str] | None]:
    """Last year's metrics for report year `year`, where they came from (for the console), and
    the sections its ledgers were there for (None: not known, all are taken)."""
    if not folder.exists():
        raise UsageError(f"找不到上年度文件夹：{folder}。PREVIOUS 应为上年度的输出文件夹（其中有 metrics.json）"
                         "或上年度的台账文件夹")
    if not folder.is_dir():
        raise UsageError(f"{folder} 是一个文件，不是文件夹。PREVIOUS 应为上年度的输出文件夹或台账文件夹")
    if branch and (folder / branch).is_dir():
        folder = folder / branch  # multi-branch: each branch's own sub-folder
    metrics_path = folder / "metrics.json"
    if metrics_path.is_file():
        metrics = _last_metrics(metrics_path)
        if metrics.get("年度") != year - 1:
            raise UsageError(f"上年度输出 {metrics_path} 是{metrics.get('年度')}年度的，本次报告是{year}年度，"
                             f"应使用{year - 1}年度的输出文件夹")
        provenance = None
        if (folder / "provenance.json").is_file():
            try:
                provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                provenance = None
        return metrics, f"{metrics_path}", _known(provenance if isinstance(provenance, dict) else None)
    subs = sorted(p.name for p in folder.iterdir() if (p / "metrics.json").is_file())
    if subs:
        raise UsageError(f"上年度文件夹 {folder} 是多支部的输出（{'、'.join(subs)}），其中没有“{branch or '本支部'}”。"
                         f"请指定该支部上年的子文件夹，如 PREVIOUS={folder / subs[0]}")
    if any(p.suffix.lower() in SPREADSHEET_SUFFIXES for p in folder.iterdir() if p.is_file()):
        run = analyse(folder, branch, year - 1, config)
        errors = run.log.counts()["错误"]
        if errors:
            raise UsageError(f"上年度台账 {folder} 有 {errors} 个错误，上年数字不可靠。请先运行 "
                             f"make check INPUTS={folder} YEAR={year - 1} 并改正，或改用上年度的输出文件夹")
        _, metrics, provenance = run.analysed()
        return metrics, f"{folder}（按{year - 1}年度统计）", _known(provenance.as_dict())
    raise UsageError(f"上年度文件夹 {folder} 中既没有 metrics.json，也没有台账文件。PREVIOUS 应为上年度的输出文件夹"
                     "或台账文件夹")


MAX_DEPTH = 12  # metrics.json nests 4 deep; anything far deeper was not written by this tool
MAX_SIZE = 50 * 1024 * 1024


def _refuse_constant(name: str):
    raise ValueError(f"含有非数字的值 {name}")


def _last_metrics(path: Path) -> dict:
    """Last year's metrics.json, read as untrusted input: bounded in size and depth, numbers
    finite, the shape this tool writes (a mapping with its 年度) — else a UsageError naming it."""
    redo = "请重新生成上年度报告，或改用上年度的台账文件夹"
    try:
        if path.stat().st_size > MAX_SIZE:
            raise ValueError(f"文件过大（超过 {MAX_SIZE // (1024 * 1024)} MB）")
        data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
        _check_tree(data)
    except RecursionError:
        raise UsageError(f"无法读取上年度的 {path}（嵌套过深，不是本程序生成的）。{redo}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"无法读取上年度的 {path}（{exc}）。{redo}") from None
    if not isinstance(data, dict) or not isinstance(data.get("年度"), int) or isinstance(data.get("年度"), bool) \
            or not isinstance(data.get("支部", {}), dict):
        raise UsageError(f"{path} 不是本程序生成的 metrics.json（缺少“年度”或格式不对）。{redo}")
    return data


def _check_tree(data: Any) -> None:
    """Every number finite and nesting within MAX_DEPTH (walked without recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"嵌套超过 {MAX_DEPTH} 层，不是本程序生成的")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("含有非有限的数字")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _figure(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _trees(this: Mapping, last: Mapping, known: set[str] | None = None, top: bool = True) -> tuple[dict, dict]:
    """(上年, 增减): every count and amount of this year that last year also has, as nested dicts
    shaped like metrics.json; lists (按月, 帮扶, 问题…) are not compared."""
    before: dict[str, Any] = {}
    change: dict[str, Any] = {}
    for key, value in this.items():
        if top and (key in _NOT_FIGURES or (known is not None and key not in known)):
            continue
        if key == "按月" or key not in last:
            continue
        old = last[key]
        if isinstance(value, Mapping) and isinstance(old, Mapping):
            sub_before, sub_change = _trees(value, old, top=False)
            if sub_before:
                before[key], change[key] = sub_before, sub_change
        elif _figure(value) and _figure(old):
            before[key] = old
            delta = round(value - old, 2)
            change[key] = int(delta) if float(delta).is_integer() else delta
    return before, change


def year_on_year(this: dict, last: dict, source: str, known: set[str] | None = None) -> dict:
    """The `同比` section of metrics.json."""
    before, change = _trees(this, last, known)
    return {"上年度": last.get("年度"), "来源": source, "上年": before, "增减": change}


def dues_across_years(metrics: dict, last: Mapping) -> None:
    """A member unpaid from January whose gap began in last year's autumn or December: the run
    is counted across the year boundary against 严重连续月数, and the finding says so."""
    rule = (metrics.get("检查规则") or {}).get(RuleId.DUES) or {}
    limit = rule.get("严重连续月数")
    if not limit or not rule.get("已检查"):
        return
    last_gaps: dict[str, set[int]] = {}
    for gap in (last.get("党费") or {}).get("欠缴") or []:
        if isinstance(gap, Mapping) and isinstance(gap.get("姓名"), str) and isinstance(gap.get("月份"), int):
            last_gaps.setdefault(gap["姓名"], set()).add(gap["月份"])
    for finding in metrics.get("检查发现") or []:
        name = finding.get("姓名")
        if finding.get("规则编号") != RuleId.DUES or finding.get("严重") or name not in last_gaps:
            continue
        months = sorted(int(m.rstrip("月")) for m in finding.get("涉及") or [] if str(m).rstrip("月").isdigit())
        head = 0
        while head < len(months) and months[head] == head + 1:
            head += 1
        tail = 0
        while 12 - tail in last_gaps[name]:
            tail += 1
        if head and tail and head + tail >= limit:
            finding["说明"] += (f"，连同上年{12 - tail + 1}月至12月，已连续{head + tail}个月未缴纳党费，"
                              "属于应予严肃处理的情形")
            finding["严重"] = True
            finding["跨年度"] = True
            # Six months without dues is 自行脱党 under the 党章 (as rules._dues_finding says).
            finding["依据"], finding["依据类别"] = "《中国共产党章程》第九条", "党章"


RECURRING = RECURRING_NAME  # 规则 of the finding; its 规则编号 is RuleId.RECURRING
RECURRING_BASIS = "上年度查摆的问题应整改到位，防止反弹回潮"


def recurring(metrics: dict, last: Mapping) -> None:
    """A rule that found something last year and finds something again this year: one finding
    per rule (by 规则编号), after this year's, naming this year's 规则 and last year's findings.

    Last year's metrics.json may be older than 规则编号: its findings are then matched by the
    rule their 规则 names (rules.rule_of); one it cannot place is left out, never guessed.
    """
    before: dict[RuleId, list[str]] = {}
    for finding in last.get("检查发现") or []:
        rule_id = rule_of(finding) if isinstance(finding, Mapping) else None
        if rule_id is not None and rule_id != RuleId.RECURRING:
            before.setdefault(rule_id, []).append(str(finding.get("说明") or ""))
    findings = metrics.setdefault("检查发现", [])
    names: dict[RuleId, list[str]] = {}  # each rule found again -> this year's 规则 of its findings
    for finding in list(findings):
        rule_id = finding.get("规则编号")
        if rule_id in before:
            said = names.setdefault(rule_id, [])
            if finding["规则"] not in said:
                said.append(finding["规则"])
    for rule_id, said in names.items():
        rule = "、".join(said)
        findings.append({"规则": RECURRING, "规则编号": RuleId.RECURRING,
                         "说明": f"上年检查发现的“{rule}”方面问题今年再次出现（上年：{'；'.join(before[rule_id])}）",
                         "报告说明": f"上年检查发现的“{rule}”方面问题今年再次出现",
                         "涉及": said, "依据": RECURRING_BASIS, "依据类别": "本地规定"})


def attach(metrics: dict, last: dict, source: str, known: set[str] | None = None) -> None:
    """Add `同比` to this year's metrics and apply the rules that span the year boundary."""
    metrics[Section.YEAR_ON_YEAR] = year_on_year(metrics, last, source, known)
    dues_across_years(metrics, last)
    recurring(metrics, last)


def with_previous(run: BranchRun, previous: Path | None, config: Settings) -> None:
    """Last year's figures beside this year's in `run.metrics`, when asked for."""
    if previous is None:
        if run.metrics is not None and Section.RECTIFY not in run.metrics:
            # Section 二 opens with last year's problems put right: with neither source it is silent.
            run.log.warning(FOLDER, "没有整改台账，也没有指定上年度的台账，报告“二、存在的主要问题及原因”"
                            "中不写上年度查摆问题的整改情况",
                            "请把上年度问题的整改情况填入整改台账（make init 生成的 13-整改台账.xlsx：问题、整改措施、"
                            "完成情况），或运行时用 PREVIOUS= 指定上年度的台账文件夹", code=IssueCode.MISSING_LEDGER)
            run.metrics[Section.VALIDATION] = run.log.counts()
        return
    ledgers, metrics, _ = run.analysed()
    last, source, known = load(previous, ledgers.year, config, run.name)
    attach(metrics, last, source, known)
    check_metrics(metrics)
    run.notices.append(f"上年数字取自 {source}。")


def analyse_with_previous(folder: Path, name: str, year: int | None, config: Settings,
                          previous: Path | None) -> BranchRun:
    """One branch analysed, with last year's figures beside when `previous` is given."""
    run = analyse(folder, name, year, config)
    with_previous(run, previous, config)
    return run
