"""The branches of a many-branch OUTPUT folder as 述职评议 sees them: each sub-folder's
metrics.json (figures, 检查发现) and provenance.json (the ledger rows behind each figure).

Only branches whose ledgers had no errors are evaluated: a branch with errors has rows left
out, so its figures would understate (the same rule as 各支部汇总)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.errors import UsageError


@dataclass
class Finding:
    rule_id: str  # 规则编号
    rule: str  # 规则 (its name)
    text: str  # 说明
    basis: str  # 依据
    involved: list[str] = field(default_factory=list)  # 涉及 (months, names…)
    rows: list[str] = field(default_factory=list)  # "file / sheet / row"


@dataclass
class BranchOut:
    folder: str
    metrics: dict
    provenance: dict
    findings: list[Finding]

    @property
    def name(self) -> str:
        return str(get(self.metrics, "支部.名称") or self.folder)

    @property
    def secretary(self) -> str:
        return str(get(self.metrics, "支部.书记") or "")

    @property
    def year(self) -> int | None:
        year = self.metrics.get("年度")
        return year if isinstance(year, int) else None

    def rows(self, *keys: str) -> list[str]:
        """The ledger rows behind metrics keys, each once, in order."""
        out: dict[str, None] = {}
        for key in keys:
            out.update(dict.fromkeys(r for r in self.provenance.get(key) or [] if isinstance(r, str)))
        return list(out)


def get(metrics: dict, path: str):
    value: object = metrics
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise UsageError(f"无法读取 {path}：请先重新运行 make report 生成输出文件夹") from None
    return data if isinstance(data, dict) else {}


def load_branch(folder: Path) -> BranchOut:
    metrics = _json(folder / "metrics.json")
    provenance = _json(folder / "provenance.json") if (folder / "provenance.json").is_file() else {}
    findings = []
    for index, item in enumerate(metrics.get("检查发现") or []):
        if isinstance(item, dict):
            findings.append(Finding(str(item.get("规则编号") or ""), str(item.get("规则") or ""),
                                    str(item.get("说明") or ""), str(item.get("依据") or ""),
                                    [str(i) for i in item.get("涉及") or []],
                                    [r for r in provenance.get(f"检查发现.{index}") or [] if isinstance(r, str)]))
    return BranchOut(folder.name, metrics, provenance, findings)


def load_run(outputs: Path) -> tuple[list[BranchOut], list[str]]:
    """The evaluable branches of a many-branch output folder, in folder order, and the folders
    left out with the reason."""
    if not outputs.is_dir():
        raise UsageError(f"找不到输出文件夹：{outputs}。请先运行 make report INPUTS=各支部台账文件夹 OUTPUTS={outputs}")
    subs = sorted(p for p in outputs.iterdir() if p.is_dir() and (p / "metrics.json").is_file())
    if not subs:
        raise UsageError(f"{outputs} 不是多支部的输出文件夹（其中没有含 metrics.json 的支部子文件夹）。"
                         "述职评议需要 make report 对多个支部生成的输出文件夹")
    branches, skipped = [], []
    for sub in subs:
        branch = load_branch(sub)
        errors = get(branch.metrics, "校验.错误")
        if errors:
            skipped.append(f"{sub.name}（台账有{errors}个错误，数字不完整，未列入评议）")
        else:
            branches.append(branch)
    if not branches:
        raise UsageError(f"{outputs} 中没有台账无误的支部，无法评议：{'；'.join(skipped)}")
    return branches, skipped
