"""差异报告: two output folders compared and the differences written as .md, .xlsx and a
tracked-changes .docx (pipeline/review/changes.py holds the comparison itself)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.errors import UsageError
from pipeline.core.manifest import keep_edited, read_manifest, write_manifest
from pipeline.core.outputs import all_or_nothing, write_bytes
from pipeline.core.values import natural_key
from pipeline.review.changes import Diff, RowChange, SourceChange, compare, delta, mark_words, rows_count, show

DIFF_MD = "差异报告.md"
DIFF_XLSX = "差异报告.xlsx"
DIFF_DOCX = "差异报告（修订模式）.docx"  # the new report with the changes as Word tracked changes


# --------------------------------------------------------------------------- markdown

_SHOWN_ROWS = 20  # per figure in the .md; the .xlsx lists every row


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _row_line(sign: str, row: RowChange) -> str:
    return f"  - {sign}{row.ref}" + (f"：{row.content}" if row.content else "")




def _rows_md(change: SourceChange) -> list[str]:
    lines = []
    for sign, rows in (("新增 ", change.added), ("删去 ", change.removed)):
        for row in rows[:_SHOWN_ROWS]:
            lines.append(_row_line(sign, row))
        if len(rows) > _SHOWN_ROWS:
            lines.append(f"  - ……另有{len(rows) - _SHOWN_ROWS}行{sign.strip()}，见 {DIFF_XLSX}")
    return lines


def summary_line(diff: Diff) -> str:
    return (f"数字 {len(diff.numbers)} 项，文字 {len(diff.texts)} 项，台账行有变化的来源 {len(diff.sources)} 处，"
            f"检查发现新增 {len(diff.findings_added)} 项、消除 {len(diff.findings_removed)} 项，"
            f"报告段落 {len(diff.paragraphs)} 处")


def render_markdown(diff: Diff) -> str:
    """差异报告.md: a summary, then each kind of change in its own section."""
    lines = ["# 差异报告", "", f"- 旧：{diff.old.label}", f"- 新：{diff.new.label}", ""]
    if not diff.differs:
        lines += ["两份输出一致：数字、台账行、检查发现和报告段落都没有变化。", ""]
    else:
        lines += [f"有变化：{summary_line(diff)}。", ""]
    for note in diff.notes:
        lines += [f"注意：{note}", ""]
    sections = [("数字变化", _numbers_md(diff)), ("文字变化", _texts_md(diff)),
                ("台账行变化（数字背后的行）", _sources_md(diff)),
                ("检查发现变化", _findings_md(diff)), ("报告段落变化", _paragraphs_md(diff))]
    numerals = "一二三四五六七八九"
    for index, (title, body) in enumerate(sections):
        lines += [f"## {numerals[index]}、{title}", ""] + (body or ["无。"]) + [""]
    return "\n".join(lines).rstrip() + "\n"




def _numbers_md(diff: Diff) -> list[str]:
    if not diff.numbers:
        return []
    lines = ["| 指标 | 原数 | 新数 | 增减 | 来源（provenance.json） | 来源台账行 |",
             "| --- | --- | --- | --- | --- | --- |"]
    for c in diff.numbers:
        lines.append(f"| {_cell(c.name)} | {_cell(show(c.old))} | {_cell(show(c.new))} | {delta(c.old, c.new)} "
                     f"| {_cell(c.source)} | {rows_count(diff, c)} |")
    return lines


def _texts_md(diff: Diff) -> list[str]:
    lines = []
    for c in diff.texts:
        if isinstance(c.old, str) and isinstance(c.new, str):
            lines.append(f"- {c.name}：{mark_words(c.old, c.new)}")
        else:
            lines.append(f"- {c.name}：{show(c.old)} → {show(c.new)}")
    return lines


def _sources_md(diff: Diff) -> list[str]:
    lines = []
    for source in diff.sources:
        figures = "、".join(f"{f.name} {show(f.old)} → {show(f.new)}" if not f.is_text else f"{f.name}（文字）"
                           for f in source.figures)
        lines.append(f"- {source.key}：" + (figures if figures else "数字未变"))
        lines += _rows_md(source)
    return lines


def _findings_md(diff: Diff) -> list[str]:
    return ([f"- 新增：{f.get('说明', '')}（{f.get('规则', '')}）" for f in diff.findings_added]
            + [f"- 消除：{f.get('说明', '')}（{f.get('规则', '')}）" for f in diff.findings_removed])


def _paragraphs_md(diff: Diff) -> list[str]:
    lines = []
    for p in diff.paragraphs:
        lines += [f"- {p.kind}：{p.marked}", ""]
    return lines


# --------------------------------------------------------------------------- writing

def run_diff(old_dir: Path, new_dir: Path, outputs: Path | None = None) -> tuple[Diff, list[Path]]:
    """Compare, then write 差异报告.md and .xlsx into `outputs` (default: the NEW folder)."""
    from pipeline.review.diffbook import diff_workbook  # openpyxl only when writing

    diff = compare(old_dir, new_dir)
    target = outputs if outputs is not None else new_dir
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} 是一个文件，不是文件夹。请用 --outputs 指定差异报告的输出文件夹")
    old_docx, new_docx = report_docx(old_dir), report_docx(new_dir)
    if old_docx is None or new_docx is None:
        missing = old_dir if old_docx is None else new_dir
        diff.notes.append(f"{missing} 中没有（或不止一份）生成的 .docx 报告，未写出修订模式的 {DIFF_DOCX}。")
    tracked = None
    if old_docx is not None and new_docx is not None and diff.paragraphs:
        from pipeline.review.tracked import tracked_docx  # lxml only when writing

        tracked = tracked_docx(old_docx.read_bytes(), new_docx.read_bytes())
    # A reviewer's notes typed into last time's 差异报告 are kept aside, never overwritten.
    manifest = read_manifest(target)
    for name in (DIFF_XLSX, DIFF_DOCX):
        if notice := keep_edited(target / name, b"", manifest):
            diff.notes.append(notice)
    files = {DIFF_MD: render_markdown(diff).encode("utf-8"), DIFF_XLSX: diff_workbook(diff)}
    if tracked is not None:
        files[DIFF_DOCX] = tracked
    with all_or_nothing():
        for name, data in files.items():
            write_bytes(target / name, data)
        write_manifest(target, manifest, files)
    return diff, [target / name for name in files]


@dataclass
class BranchDiff:
    """One branch of a multi-branch comparison ("" for a single branch)."""

    name: str
    diff: Diff | None  # None when the branch is in only one of the two folders
    written: list[Path] = field(default_factory=list)
    only_in: str = ""  # 旧 or 新

    @property
    def differs(self) -> bool:
        return self.diff is None or self.diff.differs


def _branches(folder: Path) -> dict[str, Path]:
    if not folder.is_dir() or (folder / "metrics.json").is_file():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if (p / "metrics.json").is_file()}


def run_diffs(old_dir: Path, new_dir: Path, outputs: Path | None = None) -> list[BranchDiff]:
    """Two output folders compared; multi-branch folders (one sub-folder per branch, as
    `report` writes them) branch by branch, each 差异报告 in its branch's sub-folder."""
    olds, news = _branches(old_dir), _branches(new_dir)
    if not olds or not news:
        diff, written = run_diff(old_dir, new_dir, outputs)
        return [BranchDiff("", diff, written)]
    out = []
    for name in sorted(set(olds) | set(news), key=natural_key):
        if name not in news or name not in olds:
            out.append(BranchDiff(name, None, only_in="旧" if name in olds else "新"))
            continue
        target = (outputs / name) if outputs is not None else None
        diff, written = run_diff(olds[name], news[name], target)
        out.append(BranchDiff(name, diff, written))
    return out


def report_docx(folder: Path) -> Path | None:
    """The one generated report in an outputs folder (not a 修改稿 kept aside, not ours)."""
    found = [p for p in folder.glob("*.docx") if not p.name.startswith(("~$", "差异报告"))
             and "（修改稿" not in p.name]
    return found[0] if len(found) == 1 else None
