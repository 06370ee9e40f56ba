"""The sample report as LibreOffice lays it out, read back from its PDF (GB/T 9704-2012).

Runs where soffice, pdftotext and pdffonts are installed (CI installs them in .ci/run) and is
skipped with the reason elsewhere. Positions are PDF points, from `pdftotext -bbox-layout`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline import api
from pipeline.writing import pdf

ROOT = Path(__file__).resolve().parent.parent
MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT = 28 * MM, PAGE_W - 26 * MM  # the 156 mm text block
TOP, BOTTOM = 37 * MM, PAGE_H - 35 * MM  # the 225 mm text block
LINE = 28.9  # 22 lines a page
CELL = (RIGHT - LEFT) / 28  # 28 characters a line
TOL = 2.5  # points

_MISSING = [tool for tool in ("pdftotext", "pdffonts") if shutil.which(tool) is None]
if pdf.find_soffice() is None:
    _MISSING.insert(0, "LibreOffice (soffice)")
pytestmark = [pytest.mark.spawns, pytest.mark.skipif(
    bool(_MISSING), reason=f"layout test needs {', '.join(_MISSING)}: apt-get install "
    "libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai")]


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def slot(self) -> int:
        """Which of the page's 22 grid lines this line sits on (0-based)."""
        return int((self.y0 - TOP) // LINE)


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("layout")
    runs = api.run_report(ROOT / "inputs", out, None)
    outcome = api.export_pdf(runs, report=True)
    assert outcome.problem is None, outcome.problem
    pdfs = [p for p in outcome.written if p.name.endswith("述职报告.pdf")]
    assert len(pdfs) == 1 and (out / "校验报告.pdf").is_file()
    return pdfs[0]


@pytest.fixture(scope="module")
def pages(report_pdf) -> list[list[Line]]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(report_pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    found = []
    for page in re.findall(r"<page .*?</page>", xml, re.S):
        lines = []
        for attrs, body in re.findall(r"<line ([^>]*)>(.*?)</line>", page, re.S):
            box = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
            words = re.findall(r"<word [^>]*>(.*?)</word>", body, re.S)
            text = "".join(words).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            lines.append(Line(float(box["xMin"]), float(box["yMin"]), float(box["xMax"]), float(box["yMax"]), text))
        found.append(sorted(lines, key=lambda ln: (round(ln.y0), ln.x0)))
    return found


def _text_lines(page: list[Line]) -> list[Line]:
    """The lines inside the text block (not the page number below it)."""
    return [ln for ln in page if TOP - TOL <= ln.y0 and ln.y1 <= BOTTOM + TOL]


def _body_pages(pages) -> list[list[Line]]:
    """The report's pages before the appendix page."""
    return [p for p in pages if not (_text_lines(p) and _text_lines(p)[0].text == "附件")]


def _title_lines(pages) -> list[Line]:
    """The report title's lines (2号, taller than the body's) at the top of the first page."""
    lines = _text_lines(pages[0])
    return lines[:next(i for i, ln in enumerate(lines) if ln.y1 - ln.y0 < 25)]


def _full_width(text: str) -> bool:
    return all(ord(ch) >= 0x2000 for ch in text)


def _hangs(line: Line) -> bool:
    """LibreOffice, like Word, lets a closing punctuation mark hang past the right margin."""
    return line.x1 > RIGHT + TOL


def _full_lines(pages) -> list[tuple[Line, Line]]:
    """Body lines followed by a line of the same paragraph (starting at the left margin),
    each with that next line."""
    body = [ln for page in _body_pages(pages) for ln in _text_lines(page)]
    return [(ln, nxt) for ln, nxt in zip(body, body[1:])
            if abs(nxt.x0 - LEFT) <= TOL and abs(ln.x0 - LEFT) <= TOL + 2 * CELL]


CLOSING = "，。、；：？！”’）》」』】"


def test_28_characters_on_every_full_line(pages):
    full = _full_lines(pages)
    assert len(full) > 80
    pure, kept = 0, 0
    for line, nxt in full:
        text = line.text[:-1] if _hangs(line) else line.text
        indent = round((line.x0 - LEFT) / CELL)
        assert indent in (0, 2), line
        if _full_width(text):
            pure += 1
            if indent + len(text) == 27 and nxt.text[1:2] in tuple(CLOSING):
                kept += 1  # 禁则: a character went down with the closing marks that follow it
            else:
                assert indent + len(text) == 28, line
            assert line.x1 >= RIGHT - TOL, f"not filled to the right margin: {line}"
        else:  # digits share cells: never more than 28 cells' worth, no cell left empty but
            # the one a digit run can leave before the next character's cell
            halves = sum(1 for ch in text if ord(ch) < 0x2000)
            assert indent + len(text) - halves + (halves + 1) // 2 <= 28, line
            assert line.x1 >= RIGHT - 2 * CELL, f"not filled to the right margin: {line}"
    assert pure > 60 and kept <= 3


def test_22_lines_on_every_full_page(pages):
    body = _body_pages(pages)
    full_pages = 0
    for number, page in enumerate(body, 1):
        lines = _text_lines(page)
        nxt = _text_lines(body[number])[0] if number < len(body) else None
        if nxt is None or abs(nxt.x0 - LEFT) > TOL:
            continue  # the page ends with a paragraph: not full
        full_pages += 1
        slots = [ln.slot for ln in lines]
        titled = len(_title_lines(pages)) if number == 1 else 0
        expected = list(range(titled)) + list(range(titled + 1 if titled else 0, 22))  # title, empty line
        assert slots == expected, (number, [(ln.slot, ln.text[:8]) for ln in lines])
        after_title = lines[titled:] if titled else lines[1:]  # a title of two lines, then the empty line
        for a, b in zip(after_title, after_title[1:]):
            assert abs((b.y0 - a.y0) - LINE) < 0.5, (number, a, b)
    assert full_pages >= 3


def test_no_page_with_fewer_than_three_lines_but_the_last(pages):
    for number, page in enumerate(pages[:-1], 1):
        assert len(_text_lines(page)) >= 3, (number, page)
    # the tail never stands alone: the body's last lines share its page
    tail_page = next(p for p in _body_pages(pages) if any(ln.text.startswith("附件：") for ln in p))
    lines = _text_lines(tail_page)
    at = next(i for i, ln in enumerate(lines) if ln.text.startswith("附件："))
    assert at >= 2, lines


def test_title_headings_and_tail_where_the_standard_puts_them(pages):
    first = _text_lines(pages[0])
    titles = _title_lines(pages)  # 2号 (22 pt), taller than the 16 pt body
    text = "".join(ln.text for ln in titles)
    assert text.startswith("2022年度") and text.endswith("书记抓党建工作述职报告")
    assert [ln.slot for ln in titles] == list(range(len(titles)))  # one title line per grid line
    assert all(abs((ln.x0 + ln.x1) / 2 - (LEFT + RIGHT) / 2) < TOL for ln in titles)  # centred
    assert first[len(titles)].slot == len(titles) + 1  # one empty line under the title
    heads = [ln for p in _body_pages(pages) for ln in _text_lines(p) if re.match(r"[一二三]、", ln.text)]
    assert len(heads) == 3 and all(abs(h.x0 - (LEFT + 2 * CELL)) < TOL for h in heads)
    lines = [ln for p in _body_pages(pages) for ln in _text_lines(p)]
    note = next(i for i, ln in enumerate(lines) if ln.text.startswith("附件："))
    assert abs(lines[note].x0 - (LEFT + 2 * CELL)) < TOL  # 7.3.4: two characters in
    assert lines[note].y0 - lines[note - 1].y0 == pytest.approx(2 * LINE, abs=0.5)  # one empty line
    name, date = lines[note + 1], lines[note + 2]
    assert (name.text, date.text) == ("青山县委组织部机关党支部", "2023年1月10日")
    assert name.y0 - lines[note].y0 == pytest.approx(2 * LINE, abs=0.5)
    assert RIGHT - name.x1 == pytest.approx(2 * CELL, abs=TOL)  # 7.3.5.2: 右空二字
    assert date.x0 - name.x0 == pytest.approx(2 * CELL, abs=TOL)  # the date two characters further in
    assert date.y0 - name.y0 == pytest.approx(LINE, abs=0.5)


def test_appendix_page(pages):
    lines = _text_lines(pages[-1])
    assert lines[0].text == "附件" and lines[0].slot == 0 and abs(lines[0].x0 - LEFT) < TOL
    assert [ln.text for ln in lines[1:3]] == ["2022年度“三会一课”", "及主题党日开展情况统计表"]
    assert lines[1].slot == 2  # 7.3.7: the title on the third line, centred
    assert all(abs((ln.x0 + ln.x1) / 2 - (LEFT + RIGHT) / 2) < TOL for ln in lines[1:3])
    # no table cell wraps: every 日 follows its digits in the same cell
    assert not any(ln.text.startswith("日") for ln in lines), [ln.text for ln in lines]


def test_page_numbers(pages):
    for number, page in enumerate(pages, 1):
        marks = [ln for ln in page if re.fullmatch(r"—\s*\d+\s*—", ln.text)]
        assert len(marks) == 1, (number, [ln.text for ln in page if ln.y0 > BOTTOM])
        mark = marks[0]
        assert int(re.sub(r"\D", "", mark.text)) == number
        # the em dashes (mid-height of the line) 7 mm below the text block
        assert (mark.y0 + mark.y1) / 2 - BOTTOM == pytest.approx(7 * MM, abs=1.5 * MM)
        if number % 2:  # odd pages right, even pages left, one 4号 character in
            assert RIGHT - mark.x1 == pytest.approx(14, abs=TOL)
        else:
            assert mark.x0 - LEFT == pytest.approx(14, abs=TOL)


def test_fonts_are_embedded(report_pdf):
    out = subprocess.run(["pdffonts", str(report_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        # name, type (one or two words), encoding, emb, sub, uni, object, id
        assert re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row), row
        emb = row.split()[-5]
        assert emb == "yes", row
