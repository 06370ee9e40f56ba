"""Two output folders compared (two drafts, or two years) the way a reviewer reads them: the model
of a difference, shared by the three writers (差异报告.md, .xlsx and the tracked-changes .docx).

Reads only metrics.json, provenance.json, rows.json and report.md of each folder; names every
figure that changed with the ledger rows added or removed behind it, the rule-check findings added
and removed, and the report paragraphs changed with the changed words marked 〔删：…〕〔增：…〕.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.errors import UsageError
from pipeline.rules.table import rule_of
from pipeline.writing.rows import ROWS_JSON

# Not compared as figures: the settings copied from pipeline.toml, and the findings (compared
# as findings added and removed).
_SKIPPED = ("检查规则", "检查发现")
_MONTHLY = ("按月", "举办日")

Path_ = tuple  # a metric's place: keys, list elements (Item) and 0-based list indices


@dataclass
class Output:
    """One output folder as read back."""

    folder: Path
    metrics: dict
    provenance: dict[str, list[str]] | None
    rows: dict[str, str] | None  # "file / sheet / row" -> the row's content in one line
    report: list[str] | None  # non-blank lines of report.md

    @property
    def label(self) -> str:
        branch = (self.metrics.get("支部") or {}).get("名称") or ""
        return f"{self.folder}（{self.metrics.get('年度', '?')}年度{branch}）"


@dataclass
class RowChange:
    ref: str  # "file / sheet / row"
    content: str  # the row in one line, "" when the folder has no rows.json


@dataclass
class FigureChange:
    path: Path_
    old: object  # None when the figure is new
    new: object  # None when the figure is gone
    source: str = ""  # the provenance.json key whose rows it was computed from

    @property
    def name(self) -> str:
        return display(self.path)

    @property
    def is_text(self) -> bool:
        return isinstance(self.old, str) or isinstance(self.new, str)


@dataclass
class SourceChange:
    """The rows behind one provenance.json key that are in one folder and not the other."""

    key: str
    figures: list[FigureChange]  # the changed figures computed from these rows ([] = none changed)
    added: list[RowChange] = field(default_factory=list)
    removed: list[RowChange] = field(default_factory=list)


@dataclass
class ParagraphChange:
    kind: str  # 修改 / 新增 / 删去
    old: str
    new: str

    @property
    def marked(self) -> str:
        return mark_words(self.old, self.new) if self.kind == "修改" else (self.new or self.old)


@dataclass
class Diff:
    old: Output
    new: Output
    figures: list[FigureChange] = field(default_factory=list)  # the value changed
    sources: list[SourceChange] = field(default_factory=list)  # rows behind a figure changed
    findings_added: list[dict] = field(default_factory=list)
    findings_removed: list[dict] = field(default_factory=list)
    paragraphs: list[ParagraphChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be compared

    @property
    def numbers(self) -> list[FigureChange]:
        return [f for f in self.figures if not f.is_text]

    @property
    def texts(self) -> list[FigureChange]:
        return [f for f in self.figures if f.is_text]

    @property
    def differs(self) -> bool:
        return bool(self.figures or self.sources or self.findings_added or self.findings_removed
                    or self.paragraphs)


# --------------------------------------------------------------------------- reading

def read_output(folder: Path, role: str) -> Output:
    """One output folder; a usage error (in Chinese) when it is not one."""
    if not folder.exists():
        raise UsageError(f"找不到{role}输出文件夹：{folder}")
    if not folder.is_dir():
        raise UsageError(f"{folder} 是一个文件，不是文件夹。请指定{role}报告的输出文件夹（其中有 metrics.json）")
    metrics_path = folder / "metrics.json"
    if not metrics_path.is_file():
        subs = sorted(p.name for p in folder.iterdir() if (p / "metrics.json").is_file())
        hint = (f"多支部时请指定某个支部的子文件夹，如 {folder / subs[0]}" if subs
                else "请指定运行 make report 生成的输出文件夹")
        raise UsageError(f"{role}输出文件夹 {folder} 中没有 metrics.json。{hint}")
    metrics = _load_json(metrics_path, dict)
    provenance = _load_json(folder / "provenance.json", dict) if (folder / "provenance.json").is_file() else None
    rows = _load_json(folder / ROWS_JSON, dict) if (folder / ROWS_JSON).is_file() else None
    report = None
    if (folder / "report.md").is_file():
        try:
            text = (folder / "report.md").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"无法读取 {folder / 'report.md'}（{exc}）。请重新运行 make report 生成该文件夹") from None
        report = [line.rstrip() for line in text.splitlines() if line.strip()]
    return Output(folder, metrics, provenance, rows, report)


def _load_json(path: Path, kind: type):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"无法读取 {path}（{exc}）。请重新运行 make report 生成该文件夹") from None
    if not isinstance(data, kind):
        raise UsageError(f"{path} 的内容不是本程序生成的格式。请重新运行 make report 生成该文件夹")
    return data


# --------------------------------------------------------------------------- figures

class Item(str):
    """A list element named by what it is about (a 问题's 标题, a 帮扶's 对象 and 事项), so an
    item inserted above another does not make every later one look changed."""


# The fields that name an element of a list of dicts, tried in order.
_ITEM_NAMES = (("标题",), ("问题",), ("对象", "事项", "单位"), ("姓名", "月份"))


def _items(data: list) -> list[Item] | None:
    for fields in _ITEM_NAMES:
        if all(isinstance(v, dict) and all(v.get(f) not in (None, "") for f in fields) for v in data):
            names = [Item("".join(f"{v[f]}{'月' if f == '月份' else ''}" for f in fields)) for v in data]
            if len(set(names)) == len(names):
                return names
    return None


def leaves(data, path: Path_ = ()):
    """(path, value) for every figure: dicts are descended, lists of dicts by what each element
    is about (else by position), monthly tables month by month; a list of plain values (names)
    is one figure."""
    if isinstance(data, dict):
        for key, value in data.items():
            if not path and key in _SKIPPED:
                continue
            yield from leaves(value, path + (key,))
    elif isinstance(data, list) and data and (
            any(isinstance(v, (dict, list)) for v in data) or (path and path[-2:-1] == ("按月",))
            or (path and path[-1] in _MONTHLY)):
        names = _items(data)
        for index, value in enumerate(data):
            yield from leaves(value, path + (names[index] if names else index,))
    else:
        yield path, data


def display(path: Path_) -> str:
    """`组织生活.按月.党课[3月]`, `问题「服务中心不够有力」.内容`: months and items as a reader names them."""
    text = ""
    for position, token in enumerate(path):
        if isinstance(token, Item):
            text += f"「{token}」"
        elif isinstance(token, int):
            monthly = position > 0 and (path[position - 1] in _MONTHLY or path[max(position - 2, 0)] == "按月")
            text += f"[{token + 1}月]" if monthly else f"[{token + 1}]"
        else:
            text += ("." if text else "") + str(token)
    return text


def provenance_key(path: Path_, provenance: dict) -> str | None:
    """The longest dotted prefix of `path` provenance.json has (it stops at lists and 按月)."""
    tokens = [str(t) for t in path]
    for end in range(len(tokens), 0, -1):
        key = ".".join(tokens[:end])
        if key in provenance:
            return key
    return None


def show(value) -> str:
    """A figure as a reviewer reads it."""
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(show(v) for v in value) if value else "（空）"
    if isinstance(value, dict):
        return "；".join(f"{k}：{show(v)}" for k, v in value.items())
    return str(value)


def _rows_behind(key: str, old: Output, new: Output) -> tuple[list[RowChange], list[RowChange]]:
    """Rows behind a provenance key in NEW and not in OLD, and the other way round.

    With rows.json on both sides rows are matched by content, so a row that only moved (a row
    inserted above it) is neither added nor removed; otherwise by file, sheet and row number.
    """
    old_refs = (old.provenance or {}).get(key, [])
    new_refs = (new.provenance or {}).get(key, [])
    by_content = old.rows is not None and new.rows is not None

    def content(out: Output, ref: str) -> str:
        return (out.rows or {}).get(ref, "")

    if by_content:
        return (_unmatched(new_refs, new, Counter(content(old, r) for r in old_refs)),
                _unmatched(old_refs, old, Counter(content(new, r) for r in new_refs)))
    old_set, new_set = set(old_refs), set(new_refs)
    return ([RowChange(r, content(new, r)) for r in new_refs if r not in old_set],
            [RowChange(r, content(old, r)) for r in old_refs if r not in new_set])


def _unmatched(refs: list[str], out: Output, other: Counter) -> list[RowChange]:
    """The rows of `refs` whose content the other folder does not have (each match used once)."""
    changes = []
    for ref in refs:
        text = (out.rows or {}).get(ref, "")
        if other[text] > 0:
            other[text] -= 1
        else:
            changes.append(RowChange(ref, text))
    return changes


# --------------------------------------------------------------------------- words

TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+|\s+|.", re.S)


def mark_words(old: str, new: str) -> str:
    """NEW with the changes against OLD marked 〔删：…〕〔增：…〕; numbers and Latin words are
    whole tokens, a CJK character is one, and a lone unchanged character between two changes is
    folded into them so the marks read as phrases."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged: list[list] = []  # [tag, old text, new text]
    for tag, i1, i2, j1, j2 in ops:
        chunk = ["equal" if tag == "equal" else "change", "".join(a[i1:i2]), "".join(b[j1:j2])]
        merged.append(chunk)
    # Fold short equal runs sandwiched between changes.
    folded: list[list] = []
    for index, chunk in enumerate(merged):
        between = 0 < index < len(merged) - 1
        if chunk[0] == "equal" and between and len(chunk[1]) <= 1 and folded and folded[-1][0] == "change":
            folded[-1][1] += chunk[1]
            folded[-1][2] += chunk[2]
            continue
        if chunk[0] == "change" and folded and folded[-1][0] == "change":
            folded[-1][1] += chunk[1]
            folded[-1][2] += chunk[2]
            continue
        folded.append(chunk)
    out = []
    for tag, old_text, new_text in folded:
        if tag == "equal":
            out.append(new_text)
            continue
        if old_text:
            out.append(f"〔删：{old_text}〕")
        if new_text:
            out.append(f"〔增：{new_text}〕")
    return "".join(out)


def _paragraphs(old: list[str], new: list[str]) -> list[ParagraphChange]:
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        paired = min(len(olds), len(news)) if tag == "replace" else 0
        changes += [ParagraphChange("修改", o, n) for o, n in zip(olds[:paired], news[:paired])]
        changes += [ParagraphChange("删去", o, "") for o in olds[paired:]]
        changes += [ParagraphChange("新增", "", n) for n in news[paired:]]
    return changes


# --------------------------------------------------------------------------- comparing

def _finding_key(finding: dict) -> tuple:
    """A finding's identity across two outputs: its rule (规则编号, or for an output written
    before findings carried one, the rule its 规则 names) and its 说明."""
    return (rule_of(finding) or finding.get("规则", ""), finding.get("说明", ""))


def compare(old_dir: Path, new_dir: Path) -> Diff:
    """Everything that differs between two output folders."""
    old, new = read_output(old_dir, "旧"), read_output(new_dir, "新")
    diff = Diff(old, new)
    old_leaves, new_leaves = dict(leaves(old.metrics)), dict(leaves(new.metrics))
    both = old.provenance is not None and new.provenance is not None
    for path in list(old_leaves) + [p for p in new_leaves if p not in old_leaves]:
        before, after = old_leaves.get(path), new_leaves.get(path)
        if before != after or type(before) is not type(after):
            key = (provenance_key(path, new.provenance or {}) or provenance_key(path, old.provenance or {})
                   or "") if both else ""
            diff.figures.append(FigureChange(path, before, after, key))
    if both:
        for key in sorted(set(old.provenance or {}) | set(new.provenance or {})):
            added, removed = _rows_behind(key, old, new)
            if added or removed:
                diff.sources.append(SourceChange(key, [f for f in diff.figures if f.source == key],
                                                 added, removed))
    old_findings = {_finding_key(f): f for f in old.metrics.get("检查发现") or []}
    new_findings = {_finding_key(f): f for f in new.metrics.get("检查发现") or []}
    diff.findings_added = [f for k, f in new_findings.items() if k not in old_findings]
    diff.findings_removed = [f for k, f in old_findings.items() if k not in new_findings]
    if old.report is not None and new.report is not None:
        diff.paragraphs = _paragraphs(old.report, new.report)
    else:
        missing = old.folder if old.report is None else new.folder
        diff.notes.append(f"{missing} 中没有 report.md，未比较报告段落。")
    if old.provenance is None or new.provenance is None:
        missing = old.folder if old.provenance is None else new.folder
        diff.notes.append(f"{missing} 中没有 provenance.json，未列出数字背后的台账行。")
    elif old.rows is None or new.rows is None:
        diff.notes.append("其中一个文件夹没有 rows.json（较早版本生成），台账行按文件、工作表和行号比较，"
                          "插入一行后其下各行会显示为删去又新增。")
    return diff


# --------------------------------------------------------------------------- for both writers

def delta(old, new) -> str:
    numeric = (int, float)
    if isinstance(old, numeric) and isinstance(new, numeric) and not isinstance(old, bool) \
            and not isinstance(new, bool):
        change = round(new - old, 2)
        change = int(change) if float(change).is_integer() else change
        return f"+{change}" if change > 0 else str(change)
    return ""


def rows_count(diff: Diff, change: FigureChange) -> str:
    """How the rows behind a changed figure changed, as the 数字变化 table says it."""
    for source in diff.sources:
        if source.key == change.source:
            return f"新增{len(source.added)}行、删去{len(source.removed)}行"
    if not change.source:
        return "（无来源记录）"
    if not (diff.old.provenance or {}).get(change.source) and not (diff.new.provenance or {}).get(change.source):
        return "（没有对应的台账行）"  # a count of 0, 校验 counts
    return "行未变（其他数字或设置变了）"
