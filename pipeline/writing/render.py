"""Render the Word report from a docxtpl template, in memory and byte-for-byte reproducibly.

This is the only module that imports docxtpl. Template problems become TemplateError with a
Chinese message naming the template file and the variable or tag, and nothing is written.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

import docx
import jinja2
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, Undefined, UndefinedError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from lxml import etree

from pipeline.core.cnfmt import FILTERS
from pipeline.core.errors import TemplateError
from pipeline.core.outputs import fixed_zip
from pipeline.core.variables import closest

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_THEME_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")
DEFAULT_FONT = "仿宋_GB2312"
PIPELINE_NAME = "党建述职报告流水线"
_HINT = "请对照 README 中的变量表修改模板"


# --------------------------------------------------------------------------- jinja setup
class _MissingVariable(UndefinedError):
    """UndefinedError that remembers which object lacked which name, to name the variable."""

    def __init__(self, message: str, obj: Any, name: Any) -> None:
        super().__init__(message)
        self.obj, self.name = obj, name


class _Missing(StrictUndefined):
    """StrictUndefined whose failures carry the missing object and name."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        if self._undefined_exception is SecurityError:  # the sandbox refused an attribute
            raise SecurityError(self._undefined_message)
        raise _MissingVariable(self._undefined_message, self._undefined_obj, self._undefined_name)


# StrictUndefined binds its dunders to the base class's function: rebind them to ours.
for _cls in (Undefined, StrictUndefined):
    for _attr, _value in list(vars(_cls).items()):
        if _value is Undefined._fail_with_undefined_error and _attr != "_fail_with_undefined_error":
            setattr(_Missing, _attr, _Missing._fail_with_undefined_error)


def make_environment() -> Environment:
    """The one Jinja environment for reports: sandboxed, strict undefined, XML escaping, cnfmt filters.

    Templates travel between offices as ordinary Word files, so opening one must never run code:
    the immutable sandbox refuses private attributes (__globals__, __class__ …), function
    internals and every method that changes a list or dict.
    """
    env = ImmutableSandboxedEnvironment(undefined=_Missing, autoescape=True)
    env.filters.update(FILTERS)
    return env


# --------------------------------------------------------------------------- checks
def _paths(context: Mapping) -> dict[int, str]:
    """Map id() of every dict/list inside the context to its dotted path, to name misses."""
    found: dict[int, str] = {}

    def walk(value: Any, path: str) -> None:
        if id(value) in found:
            return
        if isinstance(value, Mapping):
            found[id(value)] = path
            for k, v in value.items():
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(value, (list, tuple)):
            found[id(value)] = path
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    for key, value in context.items():
        walk(value, str(key))
    return found


def _missing_name(exc: UndefinedError, context: Mapping) -> str:
    """Best dotted name for a missing variable: 组织生活.不存在, or the bare name."""
    if isinstance(exc, _MissingVariable) and exc.name is not None:
        owner = _paths(context).get(id(exc.obj)) if exc.obj is not None else None
        return f"{owner}.{exc.name}" if owner else str(exc.name)
    m = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", str(exc))
    return (m.group(1) or m.group(2)) if m else str(exc)


def _translate(message: str | None) -> str:
    """Turn Jinja's English syntax messages into Chinese where they are common."""
    m = re.match(r"No filter named '([^']+)'", message or "")
    if m:
        return f"没有名为「{m.group(1)}」的过滤器（可用：{'、'.join(FILTERS)}）"
    m = re.match(r"Encountered unknown tag '([^']+)'", message or "")
    if m:
        return f"无法识别的标签「{m.group(1)}」（{message}）"
    if message and "end of template" in message:
        return f"标签没有结束，缺少对应的 endif / endfor（{message}）"
    return f"标签写法有误（{message}）"


def _template_parts(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """The patched Jinja sources of the body, headers and footers, one paragraph a line."""
    parts = [("正文", tpl.patch_xml(tpl.get_xml()))]
    for rel in tpl.docx.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and not rel.is_external:
            where = "页眉" if rel.reltype == tpl.HEADER_URI else "页脚"
            xml = tpl.xml_to_string(etree.fromstring(rel.target_part.blob))
            parts.append((where, tpl.patch_xml(xml)))
    return [(where, re.sub(r"<w:p([ >])", r"\n<w:p\1", src)) for where, src in parts]


def _check_syntax(tpl: DocxTemplate, env: Environment, name: str) -> None:
    """Compile every part so a broken tag is reported with the text around it."""
    for where, src in _template_parts(tpl):
        try:
            env.from_string(src)
        except TemplateSyntaxError as exc:
            lines = src.splitlines()
            line = lines[exc.lineno - 1] if exc.lineno and exc.lineno <= len(lines) else ""
            text = re.sub(r"<[^>]+>", "", line).strip()
            if "end of template" in (exc.message or ""):
                # The error points at the end: name the tag left open and the text around it.
                opened = _unclosed_tag(src)
                where_text = (f"没有结束的标签是「{opened[0]}」，所在处的文字：「{opened[1]}」。" if opened else "")
            else:
                where_text = f"出错处的文字：「{text if len(text) <= 80 else text[:80] + '…'}」。" if text else ""
            raise TemplateError(
                f"模板 {name} 的{where}中有写错的标签：{_translate(exc.message)}。"
                f"{where_text}请检查 {{{{ }}}} 和 {{% %}} 是否成对、拼写是否正确"
            ) from None


_BLOCK_TAG = re.compile(r"\{%-?\s*(?:[ptrc]{1,2}\s+)?(if|for|endif|endfor)\b[^%]*%\}")


def _unclosed_tag(src: str) -> tuple[str, str] | None:
    """The first {% if %} / {% for %} without its end tag, and the text of its paragraph."""
    stack: list[tuple[str, str, int]] = []
    for m in _BLOCK_TAG.finditer(src):
        word = m.group(1)
        if word in ("if", "for"):
            stack.append((word, m.group(0), m.start()))
        elif stack and stack[-1][0] == word[3:]:
            stack.pop()
    if not stack:
        return None
    _, tag, start = stack[0]
    line = src[src.rfind("\n", 0, start) + 1:src.find("\n", start) if "\n" in src[start:] else len(src)]
    text = re.sub(r"<[^>]+>", "", line).strip()
    return re.sub(r"<[^>]+>", "", tag), text if len(text) <= 80 else text[:80] + "…"


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


# Filters that look an attribute up by a name given as text: where that name is passed.
_ATTR_FILTERS = {"attr": 0, "map": None, "sort": None, "sum": None, "unique": None, "min": None,
                 "max": None, "groupby": 0, "selectattr": 0, "rejectattr": 0}


def _private(name: object) -> str | None:
    """name when it is (or a dotted path through) a private attribute such as __class__."""
    if isinstance(name, str) and any(part.startswith("_") for part in name.split(".")):
        return name
    return None


def _reached(node: nodes.Node) -> str | None:
    """The private name an expression node reaches for: x.__class__, x['_y'], x|attr('__mro__')."""
    if isinstance(node, nodes.Getattr):
        return _private(node.attr)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return _private(node.arg.value)
    if isinstance(node, nodes.Filter) and node.name in _ATTR_FILTERS:
        position = _ATTR_FILTERS[node.name]
        named = [kw.value for kw in node.kwargs if kw.key == "attribute"]
        given = named + ([node.args[position]] if position is not None and len(node.args) > position else [])
        return next((_private(arg.value) for arg in given
                     if isinstance(arg, nodes.Const) and _private(arg.value)), None)
    return None


def _tag_with(text: str, name: str) -> str:
    """The first {{ }} / {% %} tag in a paragraph's text that mentions name (else the name)."""
    tag = next((m.group(0) for m in _TAG.finditer(text) if name in m.group(0)), name)
    return tag if len(tag) <= 120 else tag[:120] + "…"


def _unsafe(name: str, where: str, tag: str, what: str) -> TemplateError:
    return TemplateError(
        f"模板 {name} 的{where}中的标签「{tag}」试图访问程序内部的「{what}」，出于安全考虑拒绝使用该模板，"
        "没有生成任何文件。模板中只能使用 README 变量表中的变量和过滤器；请删除该标签，"
        "并向模板的提供者核实模板来源"
    )


def _check_safety(tpl: DocxTemplate, env: Environment, name: str) -> None:
    """Refuse, before rendering, any tag that reaches for a private attribute (the sandbox would
    refuse it too; checking first names the tag and its place)."""
    for where, src in _template_parts(tpl):
        lines = src.splitlines()
        for node in env.parse(src).find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
            reached = _reached(node)
            if reached is None:
                continue
            line = lines[node.lineno - 1] if 0 < node.lineno <= len(lines) else ""
            raise _unsafe(name, where, _tag_with(re.sub(r"<[^>]+>", "", line), reached), reached)


def _refused(tpl: DocxTemplate, exc: SecurityError, name: str) -> TemplateError:
    """A sandbox refusal met while rendering, as a TemplateError naming the tag."""
    m = re.search(r"attribute '([^']+)'|'([^']+)' of", str(exc))
    what = (m.group(1) or m.group(2)) if m else str(exc)
    # The name may be spelled in the tag, or come from a variable through a filter such as attr.
    for needle in (what, "|attr", "attr(", "format"):
        for where, src in _template_parts(tpl):
            for line in src.splitlines():
                text = re.sub(r"<[^>]+>", "", line)
                if needle in text:
                    return _unsafe(name, where, _tag_with(text, needle), what)
    return _unsafe(name, "正文", what, what)


def _check_names(tpl: DocxTemplate, env: Environment, context: Mapping, name: str) -> None:
    """Every top-level name the template uses must be in the context."""
    missing = sorted(tpl.get_undeclared_template_variables(env) - set(context))
    if missing:
        raise _unknown_variables(name, missing)


def _unknown_variables(name: str, missing: list[str]) -> TemplateError:
    """The error naming each missing variable and, for a near miss, the table's name it resembles."""
    shown = "".join(f"「{var}」" + (f"（是不是「{guess}」？）" if (guess := closest(var)) else "") for var in missing)
    return TemplateError(f"模板 {name} 使用了不存在的变量{shown}，{_HINT}")


# --------------------------------------------------------------------------- rendering
def _open(template_path: str | os.PathLike) -> tuple[DocxTemplate, Environment, str]:
    """The template opened, its tags compiled and checked for safety, before any context."""
    name = os.path.basename(os.fspath(template_path))
    try:
        tpl = DocxTemplate(os.fspath(template_path))
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several kinds for a bad file
        raise TemplateError(f"无法打开模板 {name}：不是有效的 Word（.docx）文件（{exc}）。请用 Word 或 WPS 另存为 .docx 后重试") from None
    env = make_environment()
    _check_syntax(tpl, env, name)
    _check_safety(tpl, env, name)
    return tpl, env, name


def check_template(template_path: str | os.PathLike) -> None:
    """Raise TemplateError for a template that cannot be opened, has broken tags or unsafe ones;
    run before any ledger is read so a bad template writes nothing."""
    _open(template_path)


def render_docx(template_path: str | os.PathLike, context: Mapping) -> bytes:
    """Render template_path with context and return the .docx bytes (nothing is written)."""
    tpl, env, name = _open(template_path)
    _check_names(tpl, env, context, name)
    try:
        tpl.render(dict(context), env, autoescape=True)
    except SecurityError as exc:
        raise _refused(tpl, exc, name) from None
    except UndefinedError as exc:
        raise _unknown_variables(name, [_missing_name(exc, context)]) from None
    except TemplateSyntaxError as exc:
        raise TemplateError(f"模板 {name} 中有写错的标签：{_translate(exc.message)}") from None
    except (ValueError, TypeError, ArithmeticError, jinja2.TemplateError) as exc:
        raise TemplateError(f"模板 {name} 渲染时出错：{exc}。请检查该处使用的变量和过滤器") from None
    buf = io.BytesIO()
    tpl.save(buf)
    return finalize_docx(buf.getvalue(), core_properties(context), layout=True)


# --------------------------------------------------------------------------- post-processing
def core_properties(context: Mapping) -> dict[str, str]:
    """Fixed document properties so two renders are identical: dated 1 January after the year."""
    year = context.get("年度")
    if not isinstance(year, int) or isinstance(year, bool):
        return {"title": "党支部书记抓党建工作述职报告", "date": "2000-01-01T00:00:00Z"}
    return {"title": f"{year}年度党支部书记抓党建工作述职报告", "date": f"{year + 1}-01-01T00:00:00Z"}


def _core_xml(props: Mapping[str, str]) -> bytes:
    """docProps/core.xml with constant author, revision and dates."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(props['title'])}</dc:title>"
        f"<dc:creator>{PIPELINE_NAME}</dc:creator>"
        f"<cp:lastModifiedBy>{PIPELINE_NAME}</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{props["date"]}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{props["date"]}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


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
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            para = Paragraph(child, document)
            # A title broken over two lines is one line here; full-width spaces are kept (the
            # blank date line is `　年　月　日`).
            text = para.text.replace("\n", "").strip(" \t\r\n")
            if not text.strip():
                continue
            prefix = _MD_PREFIX.get(para.style.name if para.style is not None else "", "")
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
