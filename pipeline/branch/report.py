"""One branch's outputs written into its folder: the report, metrics, provenance, rows and the
校验报告, with the manifest of what was written; a report edited since is kept aside."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.analysis.analyse import BranchRun
from pipeline.core.manifest import MANIFEST, keep_edited, read_manifest, write_manifest
from pipeline.core.outputs import VALIDATION_XLSX, dumps_json, move, safe_filename
from pipeline.writing.rows import ROWS_JSON, row_contents
from pipeline.writing.validation import render_validation_md

if TYPE_CHECKING:
    from pipeline.writing.sandbox import PreparedTemplate

VALIDATION_MD = "校验报告.md"
NO_DATE_NOTE = ("基本信息中没有填写“报告日期”：报告落款日期留作“　年　月　日”，请打印后手写，"
                "或在基本信息中补填“报告日期”后重新生成。")
REPORT_FILES = ("report.md", "metrics.json", "provenance.json", "rows.json")


def report_branch(run: BranchRun, target: Path, template: PreparedTemplate | Path, keep_going: bool) -> None:
    """One branch's report, metrics, provenance and validation report into `target` (the
    template as the run prepared it, or a path to prepare for this branch)."""
    from pipeline.writing import render  # docxtpl is only needed when a report is rendered
    from pipeline.writing.context import build_context

    if run.log.errors and not keep_going:
        manifest = read_manifest(target)
        # The report of an earlier run is not this run's: set aside, so nothing looks current.
        _set_aside_stale(run, target, manifest, {VALIDATION_MD, VALIDATION_XLSX}, "本次因有错误没有生成报告，")
        write_validation(run, target, keep_going, manifest)
        _write_manifest(run, target, manifest)
        return
    ledgers, metrics, provenance = run.analysed()
    # Render in memory first: a template error must leave no file behind.
    docx = render.render_docx(template, build_context(metrics))
    title = f"{metrics['年度']}年度{metrics['支部']['名称'] or run.name}书记抓党建工作述职报告"
    docx_name = safe_filename(title) + ".docx"
    manifest = read_manifest(target)
    if notice := keep_edited(target / docx_name, docx, manifest, lambda old: _renders_as(old, template, target)):
        run.notices.append(notice)
    _set_aside_stale(run, target, manifest, {docx_name, *REPORT_FILES, VALIDATION_MD, VALIDATION_XLSX}, "")
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
    write_validation(run, target, keep_going, manifest)
    _write_manifest(run, target, manifest)


def _set_aside_stale(run: BranchRun, target: Path, manifest: dict[str, str], writing: set[str], why: str) -> None:
    """Files an earlier run wrote here (the manifest lists them) that this run does not write —
    an old report, its PDF, the PDF of the 校验报告 — are renamed （旧版）: nothing in the folder
    looks current unless this run wrote it. A file changed since is set aside as （修改稿） instead;
    nothing is deleted. (A PDF this run is asked for is written after this, afresh.)"""
    stale = []
    for name in sorted(manifest):
        path = target / name
        if name in writing or name == MANIFEST or "（旧版" in name or not path.is_file():
            continue
        if notice := keep_edited(path, b"", manifest):
            run.notices.append(notice)
            continue
        n = 1
        while (old := path.with_name(f"{path.stem}（旧版{n if n > 1 else ''}）{path.suffix}")).exists():
            n += 1
        move(path, old)
        manifest.pop(name, None)
        stale.append(f"{name} → {old.name}")
    if stale:
        run.notices.append(f"注意：{why}{target} 中以前生成的文件已改名为“（旧版）”，以免误以为是本次生成的："
                           f"{'；'.join(stale)}。")


def _write_manifest(run: BranchRun, target: Path, manifest: dict[str, str]) -> None:
    """Record every file this run wrote into `target` with its sha256 (earlier entries kept)."""
    manifest.update({path.name: digest for path, digest in run.digests.items() if path.parent == target})
    run.write(target / MANIFEST, dumps_json(manifest).encode("utf-8"))


def _renders_as(old: bytes, template: PreparedTemplate | Path, target: Path) -> bool:
    """Whether `old` is byte for byte the report this tool renders from the metrics.json beside
    it (the proof that no one edited it, which a rewritten manifest cannot fake)."""
    from pipeline.writing import render
    from pipeline.writing.context import build_context

    try:
        metrics = json.loads((target / "metrics.json").read_text(encoding="utf-8"))
        return render.render_docx(template, build_context(metrics)) == old
    except Exception:  # unreadable, damaged or tampered metrics: nothing is proven, the file is kept
        return False


def write_validation(run: BranchRun, target: Path, keep_going: bool, manifest: dict[str, str] | None = None) -> None:
    """校验报告.md and .xlsx into `target`; alone (`check`), also the manifest of what it wrote."""
    alone = manifest is None
    manifest = read_manifest(target) if manifest is None else manifest
    branch = run.metrics["支部"]["名称"] if run.metrics else run.name
    notes = [NO_DATE_NOTE] if run.metrics and not run.metrics["支部"].get("报告日期") else []
    text = render_validation_md(run.log, branch=branch or run.name, year=run.ledgers.year if run.ledgers else None,
                                files=run.ledgers.files if run.ledgers else [], findings=run.findings,
                                keep_going=keep_going, checked=run.metrics.get("检查规则") if run.metrics else None,
                                notes=notes, accounts=run.ledgers.accounts if run.ledgers else None)
    if notice := keep_edited(target / VALIDATION_XLSX, b"", manifest):  # a reviewer's notes in it are kept
        run.notices.append(notice)
    run.write(target / VALIDATION_MD, text.encode("utf-8"))
    from pipeline.writing.workbooks import validation_workbook  # openpyxl only when writing

    data = validation_workbook(run.log, branch=branch or run.name, year=run.ledgers.year if run.ledgers else None,
                               files=run.ledgers.files if run.ledgers else [], findings=run.findings,
                               keep_going=keep_going, affected=run.affected,
                               checked=run.metrics.get("检查规则") if run.metrics else None, notes=notes,
                               accounts=run.ledgers.accounts if run.ledgers else None)
    run.write(target / VALIDATION_XLSX, data)
    if alone:  # the record only (not listed to the user): it proves the 校验报告 next time
        write_manifest(target, manifest, {path.name: data for path, data in
                                          ((target / VALIDATION_MD, text.encode("utf-8")), (target / VALIDATION_XLSX, data))})


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
    folders: dict[Path, dict[str, bytes]] = {}
    for run, path in wanted:
        if path.with_suffix(".pdf") in made:
            run.written.append(path.with_suffix(".pdf"))
            folders.setdefault(path.parent, {})[path.with_suffix(".pdf").name] = path.with_suffix(".pdf").read_bytes()
    for folder, written in folders.items():  # recorded, so a later run can prove them its own
        if (folder / MANIFEST).is_file():
            write_manifest(folder, read_manifest(folder), written)
    return outcome
