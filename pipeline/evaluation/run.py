"""`evaluate`: the 述职评议 outputs of a many-branch OUTPUT folder, written beside the reports.

Root: 述职评议测评表.docx, 述职评议共性问题.docx, 测评结果.xlsx (blank, listing the branches; a
filled one is read and never overwritten), 述职评议依据.json (each indicator's figure and rows)
and, once votes are in, 评议结果.docx. Each branch: 点评提纲.docx, 三张清单.xlsx and, once its
votes are in, 反馈意见.docx. Every file goes through keep_edited and the folder's manifest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.cnfmt import cn_date
from pipeline.core.manifest import keep_edited, read_manifest, write_manifest
from pipeline.core.outputs import all_or_nothing, dumps_json, write_bytes
from pipeline.evaluation import checklists, forms, indicators, outline, paper, results
from pipeline.evaluation.branches import BranchOut, load_run
from pipeline.evaluation.settings import EvalSettings
from pipeline.years.checklist import CHECKLISTS

FORM, COMMON, BASIS, SUMMARY = "述职评议测评表.docx", "述职评议共性问题.docx", "述职评议依据.json", "评议结果.docx"
OUTLINE, LETTER = "点评提纲.docx", "反馈意见.docx"


@dataclass
class Evaluation:
    branches: list[BranchOut]
    skipped: list[str]
    common: dict[str, list[BranchOut]]
    results: dict[str, results.Result] = field(default_factory=dict)
    results_source: Path | None = None
    written: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _year(branches: list[BranchOut]) -> int | None:
    years = {b.year for b in branches if b.year}
    return years.pop() if len(years) == 1 else None


def plan(outputs: Path, config: EvalSettings, results_path: Path | None = None,
         comments: dict[str, list[str]] | None = None,
         decided: dict[str, results.Result] | None = None) -> tuple[Evaluation, dict[Path, bytes]]:
    """What evaluate would write (path -> bytes), nothing written yet. `comments` and `decided`
    (by folder) come from the portal and are used where the workbook has none."""
    branches, skipped = load_run(outputs)
    year = _year(branches)
    common = outline.common_rules(branches, config)
    figures = {b.folder: indicators.figures(b, config.indicators) for b in branches}
    evaluation = Evaluation(branches, skipped, common)
    blank = results.blank_results(branches)
    filled = outputs / results.RESULTS_NAME
    if results_path is None and filled.is_file() and filled.read_bytes() != blank and \
            read_manifest(outputs).get(filled.name) is not None:
        results_path = filled  # the blank this tool wrote, now filled in place
    if results_path is not None:
        evaluation.results = results.read_results(results_path, branches, config.rule)
        evaluation.results_source = results_path
    for folder, given in (decided or {}).items():
        evaluation.results.setdefault(folder, given)
    superior = next((str((b.metrics.get("支部") or {}).get("上级党组织") or "") for b in branches), "")
    files: dict[Path, bytes] = {
        outputs / FORM: paper.build(forms.form_blocks(branches, figures, year, superior), "述职评议测评表", year),
        outputs / COMMON: paper.build(outline.common_blocks(common, branches, year, config), "述职评议共性问题", year),
    }
    if results_path != filled:
        files[filled] = blank
    basis = {b.folder: {"党支部": b.name, "支部书记": b.secretary,
                        "测评参考": [{"指标": f.indicator, "数字": f.text, "台账行": f.rows} for f in figures[b.folder]],
                        "问题": [{"规则": p.rule, "说明": p.text, "依据": p.basis, "台账行": p.rows, "共性问题": p.common}
                               for p in outline.marked(b, common)],
                        "亮点": outline.strengths(b, figures)} for b in branches}
    files[outputs / BASIS] = dumps_json(basis).encode("utf-8")
    if evaluation.results:
        files[outputs / SUMMARY] = paper.build(results.summary_blocks(branches, evaluation.results, year, config.rule),
                                               "述职评议结果", year)
    for branch in branches:
        found = outline.marked(branch, common)
        result = evaluation.results.get(branch.folder)
        said = (result.comments if result else []) or (comments or {}).get(branch.folder, [])
        if result is not None:
            result.comments = said
        place = outputs / branch.folder
        files[place / OUTLINE] = paper.build(outline.outline_blocks(branch, common, figures, len(branches)),
                                              "点评提纲", branch.year)
        files[place / CHECKLISTS] = checklists.checklist_workbook(branch, found, said, config)
        if result is not None and result.grade:
            when = checklists.deadline(branch, config)
            shown = cn_date(when) if isinstance(when, dt.date) else (when or "规定时限")
            files[place / LETTER] = paper.build(results.letter_blocks(branch, result, found, shown, branch.year),
                                                 "述职评议反馈意见", branch.year)
    return evaluation, files


def evaluate(outputs: Path, config: EvalSettings, results_path: Path | None = None,
             comments: dict[str, list[str]] | None = None,
             decided: dict[str, results.Result] | None = None) -> Evaluation:
    evaluation, files = plan(outputs, config, results_path, comments, decided)
    by_folder: dict[Path, dict[str, bytes]] = {}
    for path, data in files.items():
        by_folder.setdefault(path.parent, {})[path.name] = data
    manifests = {folder: read_manifest(folder) for folder in by_folder}
    for folder, named in by_folder.items():
        evaluation.notices += [n for name, data in named.items()
                               if (n := keep_edited(folder / name, data, manifests[folder]))]
    with all_or_nothing():
        for folder, named in by_folder.items():
            for name, data in named.items():
                write_bytes(folder / name, data)
            write_manifest(folder, manifests[folder], named)
    evaluation.written = list(files)
    return evaluation
