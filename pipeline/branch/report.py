"""One branch's outputs written into its folder: the report, metrics, provenance, rows and the
校验报告, with the manifest of what was written; a report edited since is kept aside."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.analysis.analyse import BranchRun
from pipeline.core.outputs import VALIDATION_XLSX, dumps_json, move, safe_filename
from pipeline.writing.rows import ROWS_JSON, row_contents
from pipeline.writing.validation import render_validation_md

if TYPE_CHECKING:
    from pipeline.writing.sandbox import PreparedTemplate

VALIDATION_MD = "校验报告.md"
# What the run wrote into an output folder, with each file's sha256: an edited report is
# recognised by its bytes whoever edited it (Word, WPS, a script).
MANIFEST = "生成记录.json"
NO_DATE_NOTE = ("基本信息中没有填写“报告日期”：报告落款日期留作“　年　月　日”，请打印后手写，"
                "或在基本信息中补填“报告日期”后重新生成。")
REPORT_FILES = ("report.md", "metrics.json", "provenance.json", "rows.json")


def report_branch(run: BranchRun, target: Path, template: PreparedTemplate | Path, keep_going: bool) -> None:
    """One branch's report, metrics, provenance and validation report into `target` (the
    template as the run prepared it, or a path to prepare for this branch)."""
    from pipeline.writing import render  # docxtpl is only needed when a report is rendered
    from pipeline.writing.context import build_context

    if run.log.errors and not keep_going:
        write_validation(run, target, keep_going)
        old = sorted(p.name for p in target.glob("*.docx")) + [n for n in REPORT_FILES if (target / n).exists()]
        if old:
            run.notices.append(f"注意：{target} 中的{'、'.join(old)}是以前生成的，本次因有错误没有更新。")
        return
    ledgers, metrics, provenance = run.analysed()
    # Render in memory first: a template error must leave no file behind.
    docx = render.render_docx(template, build_context(metrics))
    title = f"{metrics['年度']}年度{metrics['支部']['名称'] or run.name}书记抓党建工作述职报告"
    docx_name = safe_filename(title) + ".docx"
    manifest = _read_manifest(target)
    _keep_hand_edits(run, target / docx_name, render.is_generated, manifest)
    others = sorted(p.name for p in target.glob("*.docx") if p.name != docx_name and not p.name.startswith("~$"))
    if others:
        run.notices.append(f"注意：{target} 中另有报告 {'、'.join(others)}，不是本次生成的。")
    files = {
        docx_name: docx,
        "report.md": render.docx_to_markdown(docx).encode("utf-8"),
        "metrics.json": dumps_json(metrics).encode("utf-8"),
        "provenance.json": dumps_json(provenance.as_dict(metrics)).encode("utf-8"),
        ROWS_JSON: dumps_json(row_contents(ledgers)).encode("utf-8"),  # for `diff`
    }
    for name, data in files.items():
        run.write(target / name, data)
    run.report_written = True
    if not metrics["支部"].get("报告日期") and not run.name:
        # Many branches: said in each 校验报告 only, not once per branch on the console.
        run.notices.append(NO_DATE_NOTE)
    write_validation(run, target, keep_going)
    _write_manifest(run, target, manifest)


def _write_manifest(run: BranchRun, target: Path, manifest: dict[str, str]) -> None:
    """Record every file this run wrote into `target` with its sha256 (earlier entries kept)."""
    manifest.update({path.name: digest for path, digest in run.digests.items() if path.parent == target})
    run.write(target / MANIFEST, dumps_json(manifest).encode("utf-8"))


def _read_manifest(target: Path) -> dict[str, str]:
    """What the last run wrote here: file name -> sha256 (empty when none or unreadable)."""
    try:
        data = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}


def _edited(path: Path, is_generated, manifest: dict[str, str]) -> bool:
    """Whether the report at `path` differs from what this tool wrote there: by the manifest's
    sha256 when it lists the file (any editor, any tool), else by the document properties."""
    if path.name in manifest:
        return hashlib.sha256(path.read_bytes()).hexdigest() != manifest[path.name]
    return not is_generated(path)


def _keep_hand_edits(run: BranchRun, path: Path, is_generated, manifest: dict[str, str]) -> None:
    """A report edited after it was generated is moved aside, never overwritten."""
    if not path.exists() or not _edited(path, is_generated, manifest):
        return
    n = 1
    while (backup := path.with_name(f"{path.stem}（修改稿{n if n > 1 else ''}）{path.suffix}")).exists():
        n += 1
    move(path, backup)
    manifest.pop(path.name, None)
    run.notices.append(f"注意：{path.name} 在生成后被修改过，已另存为 {backup.name}，请把修改合并到新报告中。")


def write_validation(run: BranchRun, target: Path, keep_going: bool) -> None:
    branch = run.metrics["支部"]["名称"] if run.metrics else run.name
    notes = [NO_DATE_NOTE] if run.metrics and not run.metrics["支部"].get("报告日期") else []
    text = render_validation_md(run.log, branch=branch or run.name, year=run.ledgers.year if run.ledgers else None,
                                files=run.ledgers.files if run.ledgers else [], findings=run.findings,
                                keep_going=keep_going, checked=run.metrics.get("检查规则") if run.metrics else None,
                                notes=notes, accounts=run.ledgers.accounts if run.ledgers else None)
    run.write(target / VALIDATION_MD, text.encode("utf-8"))
    from pipeline.writing.workbooks import validation_workbook  # openpyxl only when writing

    data = validation_workbook(run.log, branch=branch or run.name, year=run.ledgers.year if run.ledgers else None,
                               files=run.ledgers.files if run.ledgers else [], findings=run.findings,
                               keep_going=keep_going, affected=run.affected,
                               checked=run.metrics.get("检查规则") if run.metrics else None, notes=notes,
                               accounts=run.ledgers.accounts if run.ledgers else None)
    run.write(target / VALIDATION_XLSX, data)


class _Written(Protocol):
    written: list[Path]


def pdf_sources(paths: Sequence[Path], report: bool) -> list[Path]:
    """The files of `paths` that get a PDF copy: the Word reports (for `report`) and the
    validation workbooks."""
    return [path for path in paths if (report and path.suffix == ".docx") or path.name == VALIDATION_XLSX]


def export_pdf(runs: Sequence[_Written], report: bool):
    """PDF copies of this run's Word reports (report) and validation workbooks, in one
    LibreOffice run; each PDF is listed with its branch's outputs."""
    from pipeline.writing import pdf

    wanted = [(run, path) for run in runs for path in pdf_sources(run.written, report)]
    outcome = pdf.convert([path for _, path in wanted])
    made = set(outcome.written)
    for run, path in wanted:
        if path.with_suffix(".pdf") in made:
            run.written.append(path.with_suffix(".pdf"))
    return outcome
