"""The new report with its changes against the old as Word tracked changes (w:ins / w:del), so a
reviewer opens it in Word and accepts or rejects each revision."""

from __future__ import annotations

import copy
import difflib
import io
import zipfile

from lxml import etree

from pipeline.core.outputs import fixed_zip
from pipeline.review.changes import TOKEN

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
AUTHOR = "差异报告"
DATE = "2000-01-01T00:00:00Z"  # fixed: identical inputs give identical bytes
_SIMPLE = {f"{{{W}}}rPr", f"{{{W}}}t"}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(_w("t")))


def _runs(p) -> list[tuple[object, str]] | None:
    """(rPr, text) of each run, or None when the paragraph holds more than plain text runs
    (fields, breaks, drawings): such a paragraph is left as it is."""
    runs = []
    for child in p:
        if child.tag == _w("pPr"):
            continue
        if child.tag != _w("r") or any(c.tag not in _SIMPLE for c in child):
            return None
        runs.append((child.find(_w("rPr")), "".join(t.text or "" for t in child.iter(_w("t")))))
    return runs


class _Marks:
    def __init__(self) -> None:
        self.next_id = 1

    def mark(self, tag: str):
        element = etree.Element(_w(tag))
        element.set(_w("id"), str(self.next_id))
        element.set(_w("author"), AUTHOR)
        element.set(_w("date"), DATE)
        self.next_id += 1
        return element


def _run(rpr, text: str, deleted: bool = False):
    run = etree.Element(_w("r"))
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, _w("delText" if deleted else "t"))
    t.text = text
    t.set(XML_SPACE, "preserve")
    return run


def _pieces(runs, start: int, end: int):
    """(rPr, text) slices of the runs covering characters start..end of the paragraph."""
    out, offset = [], 0
    for rpr, text in runs:
        lo, hi = max(start, offset), min(end, offset + len(text))
        if lo < hi:
            out.append((rpr, text[lo - offset:hi - offset]))
        offset += len(text)
    return out


def _rpr_at(runs, position: int):
    offset = 0
    for rpr, text in runs:
        offset += len(text)
        if position < offset:
            return rpr
    return runs[-1][0] if runs else None


def _revise(p, old_text: str, marks: _Marks) -> None:
    """Rewrite paragraph `p` (new text) with the changes from `old_text` marked."""
    runs = _runs(p)
    if runs is None:
        return
    new_text = "".join(text for _, text in runs)
    a, b = TOKEN.findall(old_text), TOKEN.findall(new_text)
    old_at = [0]
    for token in a:
        old_at.append(old_at[-1] + len(token))
    new_at = [0]
    for token in b:
        new_at.append(new_at[-1] + len(token))
    for child in [c for c in p if c.tag != _w("pPr")]:
        p.remove(child)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        start, end = new_at[j1], new_at[j2]
        if tag in ("delete", "replace"):
            deleted = marks.mark("del")
            deleted.append(_run(_rpr_at(runs, start), old_text[old_at[i1]:old_at[i2]], deleted=True))
            p.append(deleted)
        if tag == "equal":
            for rpr, text in _pieces(runs, start, end):
                p.append(_run(rpr, text))
        elif tag in ("insert", "replace"):
            inserted = marks.mark("ins")
            for rpr, text in _pieces(runs, start, end):
                inserted.append(_run(rpr, text))
            p.append(inserted)


def _mark_paragraph(p, tag: str, marks: _Marks) -> None:
    """A whole paragraph inserted or deleted: its runs and its paragraph mark."""
    ppr = p.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(_w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, _w("rPr"))
    rpr.append(marks.mark(tag))
    for run in [c for c in p if c.tag == _w("r")]:
        wrapper = marks.mark(tag)
        run.addprevious(wrapper)
        wrapper.append(run)
        if tag == "del":
            for t in run.iter(_w("t")):
                t.tag = _w("delText")


def tracked_docx(old: bytes, new: bytes) -> bytes:
    """NEW (.docx bytes) with every paragraph change against OLD as a tracked revision."""
    with zipfile.ZipFile(io.BytesIO(old)) as source:
        old_root = etree.fromstring(source.read("word/document.xml"))
    with zipfile.ZipFile(io.BytesIO(new)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    new_xml = dict(entries)["word/document.xml"]
    new_root = etree.fromstring(new_xml)
    old_ps, new_ps = list(old_root.iter(_w("p"))), list(new_root.iter(_w("p")))
    old_texts, new_texts = [_text(p) for p in old_ps], [_text(p) for p in new_ps]
    marks = _Marks()
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(paired):
            _revise(new_ps[j1 + offset], old_texts[i1 + offset], marks)
        for offset in range(paired, j2 - j1):
            _mark_paragraph(new_ps[j1 + offset], "ins", marks)
        anchor = new_ps[j2] if j2 < len(new_ps) else None
        for offset in range(paired, i2 - i1):
            gone = copy.deepcopy(old_ps[i1 + offset])
            _mark_paragraph(gone, "del", marks)
            if anchor is not None:
                anchor.addprevious(gone)
            else:
                new_ps[-1].addnext(gone)
    document = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return fixed_zip([(name, document if name == "word/document.xml" else data) for name, data in entries])
