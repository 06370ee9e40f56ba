"""Render the Word report from a docxtpl template, in memory and byte-for-byte reproducibly,
and read a rendered report back as Markdown.

Opening a template checks it first (pipeline/writing/sandbox.py: a template problem becomes a
TemplateError with a Chinese message naming the file and the variable or tag, and nothing is
written); the rendered file is finished by pipeline/writing/layout.py.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.writing.layout import PIPELINE_NAME, W, finalize_docx
from pipeline.writing.sandbox import PreparedTemplate, prepare_template, render_template
from pipeline.writing.template_limits import bounded

__all__ = ["PreparedTemplate", "core_properties", "docx_to_markdown", "is_generated", "prepare_template", "render_docx"]


def render_docx(template: str | os.PathLike | PreparedTemplate, context: Mapping) -> bytes:
    """Render a template with context and return the .docx bytes (nothing is written).

    A run prepares its template once (prepare_template: opened, checked, compiled) and renders
    that for every branch; given a path, the template is prepared for this one render."""
    prepared = template if isinstance(template, PreparedTemplate) else prepare_template(template)
    with bounded(prepared.name):
        tpl = render_template(prepared, context)
    buf = io.BytesIO()
    tpl.save(buf)
    return finalize_docx(buf.getvalue(), core_properties(context), layout=True)


def core_properties(context: Mapping) -> dict[str, str]:
    """Fixed document properties so two renders are identical: dated 1 January after the year."""
    year = context.get("年度")
    if not isinstance(year, int) or isinstance(year, bool):
        return {"title": "党支部书记抓党建工作述职报告", "date": "2000-01-01T00:00:00Z"}
    return {"title": f"{year}年度党支部书记抓党建工作述职报告", "date": f"{year + 1}-01-01T00:00:00Z"}


def is_generated(path: str | os.PathLike) -> bool:
    """Whether a .docx is still as this pipeline wrote it (Word and WPS stamp their own
    lastModifiedBy and raise the revision when a person saves it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return (f"<cp:lastModifiedBy>{PIPELINE_NAME}</cp:lastModifiedBy>" in core
            and "<cp:revision>1</cp:revision>" in core)


# --------------------------------------------------------------------------- markdown
_MD_PREFIX = {
    "报告标题": "# ", "Title": "# ",
    "一级标题": "## ", "附件标识": "## ", "Heading 1": "## ",
    "二级标题": "### ", "附件标题": "### ", "Heading 2": "### ",
}
_LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、\S{1,30}$")


def _md_cell(text: str) -> str:
    """One table cell on one Markdown line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def docx_to_markdown(docx_bytes: bytes) -> str:
    """The report as Markdown: one paragraph a line, headings as #, tables as Markdown tables."""
    document = docx.Document(io.BytesIO(docx_bytes))
    # A page header (the draft mark of a --keep-going report) comes first, as on every page.
    header = " ".join(p.text.strip() for p in document.sections[0].header.paragraphs if p.text.strip())
    blocks: list[str] = [header] if header else []
    styles: dict[str | None, str] = {}  # style id -> name: python-docx looks a style up by XPath each time
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            para = Paragraph(child, document)
            # A title broken over two lines is one line here; full-width spaces are kept (the
            # blank date line is `　年　月　日`).
            text = para.text.replace("\n", "").strip(" \t\r\n")
            if not text.strip():
                continue
            if child.style not in styles:
                styles[child.style] = para.style.name if para.style is not None else ""
            prefix = _MD_PREFIX.get(styles[child.style], "")
            if not prefix and _LEVEL1.match(text) and not text.endswith(("。", "；", "：")):
                prefix = "## "
            blocks.append(prefix + text)
        elif child.tag == f"{W}tbl":
            rows = [[_md_cell(c.text) for c in row.cells] for row in Table(child, document).rows]
            if not rows:
                continue
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
            lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
