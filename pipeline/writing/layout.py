"""Post-processing of a rendered .docx: explicit East Asian fonts, fixed document properties,
the GB/T 9704 layout that depends on the rendered text, and a byte-reproducible zip.

The layout (titles broken before a whole phrase, the 落款 placed on the grid, the tail kept with
the body's last lines) is done here because Word cannot: it depends on the text's width.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from html import escape

from lxml import etree

from pipeline.core.outputs import fixed_zip

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_THEME_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")
DEFAULT_FONT = "仿宋_GB2312"
PIPELINE_NAME = "党建述职报告流水线"


# --------------------------------------------------------------------------- document properties
def _core_xml(props: Mapping[str, str]) -> bytes:
    """docProps/core.xml with constant author, revision and dates."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(props['title'], quote=False)}</dc:title>"  # & < > only, as XML text needs
        f"<dc:creator>{PIPELINE_NAME}</dc:creator>"
        f"<cp:lastModifiedBy>{PIPELINE_NAME}</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{props["date"]}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{props["date"]}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _app_xml() -> bytes:
    """docProps/app.xml naming this pipeline, without statistics that would go stale."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Application>{PIPELINE_NAME}</Application><DocSecurity>0</DocSecurity>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()


def _serialize(root: etree._Element) -> bytes:
    """Serialize an XML part the way Word writes it."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------- fonts
def _named_fonts(rfonts: etree._Element) -> dict[str, str]:
    """The explicitly named fonts of a w:rFonts, theme references left out."""
    return {k: v for k, v in rfonts.attrib.items() if not k.lower().endswith("theme")}


def _style_fonts(styles_root: etree._Element) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Resolve each style's rFonts through basedOn; also return the document default fonts."""
    default: dict[str, str] = {}
    rf = styles_root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    if rf is not None:
        default = _named_fonts(rf)
    by_id = {s.get(f"{W}styleId"): s for s in styles_root.iter(f"{W}style")}
    cache: dict[str, dict[str, str]] = {}

    def fonts(style_id: str, depth: int = 0) -> dict[str, str]:
        if style_id in cache or depth > 20:
            return cache.get(style_id, {})
        style = by_id.get(style_id)
        out: dict[str, str] = {}
        if style is not None:
            based = style.find(f"{W}basedOn")
            if based is not None:
                out.update(fonts(based.get(f"{W}val"), depth + 1))
            own = style.find(f"{W}rPr/{W}rFonts")
            if own is not None:
                out.update(_named_fonts(own))
        cache[style_id] = out
        return out

    return {sid: fonts(sid) for sid in by_id}, default


def _strip_theme(root: etree._Element) -> None:
    """Remove theme font references, which make Word ignore the named East Asian font."""
    for rf in root.iter(f"{W}rFonts"):
        for attr in _THEME_ATTRS:
            rf.attrib.pop(f"{W}{attr}", None)


def _fix_run_fonts(root: etree._Element, style_fonts: dict, default: dict) -> None:
    """Give every run an explicit w:rFonts with eastAsia, from its run/paragraph style."""
    for run in root.iter(f"{W}r"):
        rpr = run.find(f"{W}rPr")
        if rpr is None:
            rpr = etree.Element(f"{W}rPr")
            run.insert(0, rpr)
        rf = rpr.find(f"{W}rFonts")
        if rf is not None and rf.get(f"{W}eastAsia"):
            continue
        wanted: dict[str, str] = dict(default)
        para = next((a for a in run.iterancestors(f"{W}p")), None)
        pstyle = para.find(f"{W}pPr/{W}pStyle") if para is not None else None
        if pstyle is not None:
            wanted.update(style_fonts.get(pstyle.get(f"{W}val"), {}))
        rstyle = rpr.find(f"{W}rStyle")
        if rstyle is not None:
            wanted.update(style_fonts.get(rstyle.get(f"{W}val"), {}))
        east = wanted.get(f"{W}eastAsia") or DEFAULT_FONT
        if rf is None:
            rf = etree.Element(f"{W}rFonts")
            # rStyle must stay first inside rPr
            rpr.insert(1 if rstyle is not None else 0, rf)
        for attr in ("ascii", "hAnsi", "eastAsia"):
            if not rf.get(f"{W}{attr}"):
                rf.set(f"{W}{attr}", wanted.get(f"{W}{attr}") or east)


# ------------------------------------------------------------------ layout of the rendered text
# Style ids of the default template (tools/build_template.py); a custom template without them
# is left as it is.
TITLE_STYLES = ("ReportTitle", "AppendixTitle")
TAIL_STYLES = ("AttachmentNote", "Signature")
SIGNATURE_STYLE = "Signature"
LINE_CELLS = 28
# One character cell in twips as LibreOffice computes it from the template's grid (charSpace
# -842: 5.55 mm, a little under Word's 15.79 pt).
GRID_CELL_TWIPS = 314.6


def indent_twips(cells: float) -> int:
    """Twips for an indent of whole cells, for readers without w:*Chars (LibreOffice): a little
    short of the cells, since LibreOffice snaps the start of the text to the next cell edge."""
    return int(cells * GRID_CELL_TWIPS) - 5 if cells else 0


TITLE_CELLS = 20  # 2号 characters on a 156 mm line
# Where a title too long for one line is broken (GB/T 9704 7.3.1: whole words, a trapezoid).
TITLE_BREAKS = ("书记抓党建", "及主题党日")


def _cells(text: str) -> float:
    """Width in character cells: a run of half-width characters takes a cell per two."""
    cells, half = 0, 0
    for ch in text:
        if ord(ch) < 0x2000:
            half += 1
            continue
        cells += (half + 1) // 2 + 1
        half = 0
    return cells + (half + 1) // 2


def _p_style(p: etree._Element) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None


def _p_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _ppr(p: etree._Element) -> etree._Element:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.SubElement(p, f"{W}pPr")
        p.insert(0, ppr)
    return ppr


# CT_PPrBase child order, to insert a property where Word expects it.
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc")


def _set_ppr(p: etree._Element, name: str, **attrs: str) -> etree._Element:
    """Set (or add in schema order) one paragraph property with the given w: attributes."""
    ppr = _ppr(p)
    el = ppr.find(f"{W}{name}")
    if el is None:
        el = etree.Element(f"{W}{name}")
        rank = _PPR_ORDER.index(name)
        later = next((c for c in ppr if etree.QName(c).localname in _PPR_ORDER[rank + 1:]
                      or etree.QName(c).localname not in _PPR_ORDER), None)
        if later is not None:
            later.addprevious(el)
        else:
            ppr.append(el)
    for key, value in attrs.items():
        el.set(f"{W}{key}", value)
    return el


def _tie_tail(body: etree._Element) -> None:
    """Keep the 附件说明/落款 with the last two lines of the text above them, so no page holds
    only the tail (the template's keep-with-next chain starts at an empty paragraph)."""
    paras = [p for p in body if p.tag == f"{W}p"]
    first = next((i for i, p in enumerate(paras) if _p_style(p) in TAIL_STYLES), None)
    if first is None:
        return
    before = next((p for p in reversed(paras[:first]) if _p_text(p).strip()), None)
    if before is None:
        return
    _set_ppr(before, "keepNext")
    _set_ppr(before, "widowControl", val="1")


def _place_signature(body: etree._Element) -> None:
    """落款 without a seal (GB/T 9704 7.3.5.2): the signature two characters from the right, the
    date under it starting two characters right of the signature's first character; a date
    too long for that stands two characters from the right and pushes the signature left.

    The date is set flush left from a computed indent, so its start is exact whatever the
    width of its digits in the font at hand; the signature's width is counted in cells.
    """
    lines = [p for p in body if p.tag == f"{W}p" and _p_style(p) == SIGNATURE_STYLE and _p_text(p).strip()]
    if len(lines) < 2:
        return
    *names, date = lines
    for p in names:
        _set_ppr(p, "keepNext")  # the signature and its date on one page
    n = max(_cells(_p_text(p).strip()) for p in names)
    d = _cells(_p_text(date).strip())
    right_name = 2 if n - d >= 2 else d - n + 4
    for p in names:
        _indent(p, right=right_name + n - _cells(_p_text(p).strip()))
    if n - d >= 2:
        _set_ppr(date, "jc", val="left")
        _indent(date, left=LINE_CELLS - right_name - n + 2)
    else:
        _indent(date, right=2)


def _indent(p: etree._Element, **cells: float) -> None:
    """Indent a paragraph by whole grid cells (w:*Chars for Word, twips a little short for the rest)."""
    ind = _set_ppr(p, "ind")
    for side, count in cells.items():
        ind.set(f"{W}{side}Chars", str(int(count * 100)))
        ind.set(f"{W}{side}", str(indent_twips(count)))


def _break_titles(body: etree._Element) -> None:
    """Break a title too long for one line before a whole phrase, never leaving a word alone."""
    for p in body.iter(f"{W}p"):
        if _p_style(p) not in TITLE_STYLES or p.find(f".//{W}br") is not None:
            continue
        text = _p_text(p)
        if _cells(text) <= TITLE_CELLS:
            continue
        for phrase in TITLE_BREAKS:
            at = text.find(phrase)
            if at > 0 and _cells(text[:at]) <= TITLE_CELLS and _cells(text[at:]) <= TITLE_CELLS:
                _break_before(p, at)
                break


def _break_before(p: etree._Element, at: int) -> None:
    """Insert a w:br before character `at` of the paragraph's text."""
    seen = 0
    for t in p.iter(f"{W}t"):
        length = len(t.text or "")
        if seen + length <= at:
            seen += length
            continue
        head, tail = (t.text or "")[:at - seen], (t.text or "")[at - seen:]
        t.text = head
        br = etree.Element(f"{W}br")
        rest = etree.Element(f"{W}t")
        rest.text = tail
        rest.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.addnext(br)
        br.addnext(rest)
        return


def _layout(root: etree._Element) -> None:
    """Layout that depends on the rendered text: titles, the tail's page, the 落款."""
    body = root.find(f"{W}body")
    if body is None:
        return
    _break_titles(body)
    _tie_tail(body)
    _place_signature(body)


# --------------------------------------------------------------------------- the finished file
def finalize_docx(data: bytes, props: Mapping[str, str] | None = None, *, layout: bool = False) -> bytes:
    """Fix fonts, set fixed properties and rewrite the zip with fixed times, order, compression.

    layout=True also lays out what depends on the rendered text (titles, 落款, the tail's page).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        infos = src.infolist()
        blobs = {i.filename: src.read(i) for i in infos}
    styles_root = etree.fromstring(blobs["word/styles.xml"]) if "word/styles.xml" in blobs else None
    if styles_root is not None:
        _strip_theme(styles_root)
        blobs["word/styles.xml"] = _serialize(styles_root)
        style_fonts, default = _style_fonts(styles_root)
    else:
        style_fonts, default = {}, {}
    for name in blobs:
        if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
            root = etree.fromstring(blobs[name])
            _strip_theme(root)
            _fix_run_fonts(root, style_fonts, default)
            if layout and name == "word/document.xml":
                _layout(root)
            blobs[name] = _serialize(root)
    if props is not None and "docProps/core.xml" in blobs:
        blobs["docProps/core.xml"] = _core_xml(props)
    if "docProps/app.xml" in blobs:
        blobs["docProps/app.xml"] = _app_xml()
    # fixed entry times, order and compression: the project's one zip writer
    return fixed_zip([(i.filename, blobs[i.filename]) for i in infos],
                     stamp=(props or {}).get("date", "2000-01-01T00:00:00Z"))
