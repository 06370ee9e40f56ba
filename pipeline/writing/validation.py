"""The validation report (校验报告.md): every error and warning, then the rule-check findings."""

from __future__ import annotations

from collections import Counter

from pipeline.core.issues import ERROR, INFO, WARNING, IssueLog
from pipeline.core.names import RowFate


def verdict(log: IssueLog, keep_going: bool = False) -> str:
    if not log.errors:
        return "未发现错误，可以生成报告。"
    if keep_going:
        return "有错误；已按 --keep-going 跳过出错的行和文件生成报告，报告中的数字不含这些内容。"
    return "有错误，改正后才能生成报告。"


def unchecked_rules(checked: dict | None) -> list[str]:
    """`规则（原因）` for every rule that was not checked, in rule order."""
    return [f"{entry['规则']}（{entry.get('未检查原因', '')}）" for entry in (checked or {}).values()
            if not entry.get("已检查")]


KEEP_GOING_NOTE = ("上面“错误”中列出的行（或整个文件）没有计入报告中的任何数字；有错误行的台账，"
                   "其相关规则未作检查（见“未检查的规则”）。报告每页页眉注明“本稿仅供核对”；改正后请重新生成报告。")
NO_FINDINGS = "已检查的规则中未发现不符合规则的情况。"
NOTHING_CHECKED = "没有可以检查的规则（见下面“未检查的规则”）。"


def findings_verdict(findings: list[dict], checked: dict | None) -> str:
    """What the rule checks came to when they found nothing: never 未发现 when nothing ran."""
    if findings:
        return ""
    if checked is not None and not any(entry.get("已检查") for entry in checked.values()):
        return NOTHING_CHECKED
    return NO_FINDINGS


def render_validation_md(log: IssueLog, *, branch: str, year: int | None, files: list[str],
                         findings: list[dict] | None = None, keep_going: bool = False,
                         checked: dict | None = None, notes: list[str] | None = None,
                         accounts: list | None = None) -> str:
    """Markdown a secretary can read and a reviewer can diff (no timestamps)."""
    counts = log.counts()
    lines = [f"# 校验报告{f'：{branch}' if branch else ''}", ""]
    lines.append(f"- 读取文件：{len(files)} 个" + (f"（{'、'.join(files)}）" if files else ""))
    if year:
        lines.append(f"- 报告年度：{year}年")
    lines.append(f"- 结果：{counts['错误']} 个错误，{counts['警告']} 个警告。{verdict(log, keep_going)}")
    lines += [f"- 说明：{note}" for note in notes or []]
    if log.infos:
        lines.append(f"- 提示：{len(log.infos)} 条（不需改正：隐藏的工作表或行已照常统计等，见下面的“提示”）")
    lines.append("")
    if log.items:
        per_file: dict[str, Counter] = {}
        for issue in log.items:
            per_file.setdefault(issue.file, Counter())[issue.severity] += 1
        lines += ["## 按文件统计", "", "| 文件 | 错误 | 警告 |", "| --- | --- | --- |"]
        for name, c in per_file.items():
            lines.append(f"| {_cell(name)} | {c[ERROR]} | {c[WARNING]} |")
        lines.append("")
    lines += accounting_md(accounts)
    for severity, title in ((ERROR, "错误（必须改正）"), (WARNING, "警告（请核对）"),
                            (INFO, "提示（不需改正，已照常统计）")):
        items = [i for i in log.items if i.severity == severity]
        if not items:
            continue
        lines += [f"## {title}：{len(items)} 个", ""]
        lines += [f"{n}. {issue.message()}" for n, issue in enumerate(items, 1)]
        lines.append("")
    if findings is not None:
        lines += [f"## 规则检查发现：{len(findings)} 项", ""]
        if findings:
            for n, finding in enumerate(findings, 1):
                kind = f"，属{finding['依据类别']}" if finding.get("依据类别") else ""
                source = f"（依据：{finding['依据']}{kind}）" if finding.get("依据") else ""
                lines.append(f"{n}. 【{finding['规则']}】{finding['说明']}{source}")
        else:
            lines.append(findings_verdict(findings, checked))
        skipped = unchecked_rules(checked)
        if skipped:
            lines += ["", "未检查的规则：", *[f"- {item}" for item in skipped]]
        lines.append("")
        if checked:
            from pipeline.rules.check import settings_lines

            lines += ["## 本次检查使用的规则和依据", "",
                      "依据类别：党章、条例（如《中国共产党支部工作条例（试行）》）、规定（如党费规定）、本地规定"
                      "（上级党委或本支部的制度）。数字来自规则设置文件（pipeline.toml 或 --config 指定的文件），"
                      "标有“本支部基本信息设置”的来自本支部基本信息表。", "",
                      *[f"- {line}" for line in settings_lines(checked)], ""]
    if keep_going and log.errors:
        lines += ["## 未计入报告的内容", "", KEEP_GOING_NOTE, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


ACCOUNT_COLUMNS = ("文件", "工作表", "台账", "读取", *(fate.value for fate in RowFate), "不是数据的行")


def account_row(account) -> list:
    """One ledger sheet's row of the accounting table (normalise.Account)."""
    from pipeline.reading.records import OUTCOMES

    return [account.file, account.sheet, account.kind, account.read, *(account.counts[o] for o in OUTCOMES),
            account.skipped]


def accounting_md(accounts: list | None) -> list[str]:
    """The row accounting of every ledger sheet: 读取 = 计入 + 重复 + 合计行 + 非本年度 + 未召开 + 示例 + 出错."""
    if not accounts:
        return []
    lines = ["## 各表行数核对", "", "每张台账工作表：读取 = 计入 + 重复 + 合计行 + 非本年度 + 未召开 + 示例 + 出错。", "",
             "| " + " | ".join(ACCOUNT_COLUMNS) + " |", "|" + " --- |" * len(ACCOUNT_COLUMNS)]
    lines += ["| " + " | ".join(_cell(str(v)) for v in account_row(a)) + " |" for a in accounts]
    return lines + [""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
