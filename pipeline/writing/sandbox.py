"""Template safety: the sandboxed Jinja environment and every check a template passes before
and while it is rendered (syntax, private names, unknown variables).

Templates travel between offices as ordinary Word files, so a bad one must stop the run with a
TemplateError in Chinese naming the template file and the variable or tag, before anything is
written; and no template may ever run code.
"""

from __future__ import annotations

import io
import marshal
import os
import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, Undefined, UndefinedError, nodes
from jinja2.compiler import CodeGenerator
from jinja2.idtracking import VAR_LOAD_RESOLVE
from jinja2.sandbox import SecurityError
from lxml import etree

from pipeline.core.cnfmt import FILTERS
from pipeline.core.errors import TemplateError
from pipeline.core.variables import closest
from pipeline.writing.template_limits import BoundedSandbox, bounded, check_package

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


class _NamesRecorded(CodeGenerator):
    """Jinja's code generator that also records, into its environment's `undeclared` set, the
    names a template takes from its context: what jinja2.meta.find_undeclared_variables finds
    by a second walk of the tree (its generator does exactly this in each frame it enters)."""

    def enter_frame(self, frame) -> None:
        super().enter_frame(frame)
        record = getattr(self.environment, "undeclared", None)
        if record is not None:
            record.update(param for action, param in frame.symbols.loads.values()
                          if action == VAR_LOAD_RESOLVE and param not in self.environment.globals)


def make_environment() -> Environment:
    """The one Jinja environment for reports: sandboxed, strict undefined, XML escaping, cnfmt filters.

    Templates travel between offices as ordinary Word files, so opening one must never run code:
    the immutable sandbox refuses private attributes (__globals__, __class__ …), function
    internals and every method that changes a list or dict.
    """
    env = BoundedSandbox(undefined=_Missing, autoescape=True)
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


def _syntax_error(exc: TemplateSyntaxError, src: str, where: str, name: str) -> TemplateError:
    """A broken tag, named with the text around it."""
    lines = src.splitlines()
    line = lines[exc.lineno - 1] if exc.lineno and exc.lineno <= len(lines) else ""
    text = re.sub(r"<[^>]+>", "", line).strip()
    if "end of template" in (exc.message or ""):
        # The error points at the end: name the tag left open and the text around it.
        opened = _unclosed_tag(src)
        where_text = (f"没有结束的标签是「{opened[0]}」，所在处的文字：「{opened[1]}」。" if opened else "")
    else:
        where_text = f"出错处的文字：「{text if len(text) <= 80 else text[:80] + '…'}」。" if text else ""
    return TemplateError(
        f"模板 {name} 的{where}中有写错的标签：{_translate(exc.message)}。"
        f"{where_text}请检查 {{{{ }}}} 和 {{% %}} 是否成对、拼写是否正确"
    )


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


def _check_safety(tree: nodes.Template, src: str, where: str, name: str) -> None:
    """Refuse, before rendering, any tag that reaches for a private attribute (the sandbox would
    refuse it too; checking first names the tag and its place). `tree` is `src` as parsed, before
    any compilation (whose constant folding changes the tree)."""
    lines = src.splitlines()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
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


def _check_names(used: frozenset[str], context: Mapping, name: str) -> None:
    """Every top-level name the template uses must be in the context."""
    missing = sorted(used - set(context))
    if missing:
        raise _unknown_variables(name, missing)


def _unknown_variables(name: str, missing: list[str]) -> TemplateError:
    """The error naming each missing variable and, for a near miss, the table's name it resembles."""
    shown = "".join(f"「{var}」" + (f"（是不是「{guess}」？）" if (guess := closest(var)) else "") for var in missing)
    return TemplateError(f"模板 {name} 使用了不存在的变量{shown}，{_HINT}")


# --------------------------------------------------------------------------- opening and rendering
def open_template(template_path: str | os.PathLike) -> tuple[DocxTemplate, Environment, str]:
    """The template opened and checked (prepare_template), with the environment to render it in
    and its file name for messages."""
    prepare_template(template_path)
    tpl = DocxTemplate(os.fspath(template_path))
    tpl.init_docx()
    return tpl, make_environment(), os.path.basename(os.fspath(template_path))


def _open(template_path: str | os.PathLike, name: str) -> tuple[DocxTemplate, bytes]:
    """The template's bytes, read once, and the document opened from them."""
    try:
        with open(template_path, "rb") as handle:
            data = handle.read()
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several kinds for a bad file
        raise TemplateError(f"无法打开模板 {name}：不是有效的 Word（.docx）文件（{exc}）。请用 Word 或 WPS 另存为 .docx 后重试") from None
    return tpl, data


# The core properties docxtpl renders as templates (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


@dataclass
class PreparedTemplate:
    """A template opened, checked and compiled once per run, then rendered for every branch.

    It crosses to worker processes (pickled once per worker): the file's bytes, the Jinja source
    docxtpl derives from each part with its compiled code (marshalled), and the top-level names
    the template uses. Rendering it repeats neither a check nor a compile; a source not compiled
    here (none is expected) is compiled when met, so the output never depends on this sharing.
    """

    name: str  # the file name, for messages
    data: bytes
    patched: dict[str, str]  # a part's XML as docxtpl serialises it -> docxtpl's patched source
    code: dict[str, bytes]  # each Jinja source docxtpl compiles -> marshal.dumps(code object)
    names: frozenset[str]  # the undeclared top-level variables
    _env: Environment | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_env": None}  # the environment is built again in each process

    def environment(self) -> Environment:
        """This process's sandboxed environment, whose from_string returns the compiled templates."""
        if self._env is None:
            self._env = _CompiledEnvironment(self.code)
        return self._env


class _CompiledEnvironment(BoundedSandbox):
    """The report sandbox (make_environment) whose from_string loads a source's precompiled code
    and keeps the template for the next branch, instead of parsing and compiling it again."""

    def __init__(self, code: Mapping[str, bytes]) -> None:
        super().__init__(undefined=_Missing, autoescape=True)
        self.filters.update(FILTERS)
        self._code = code
        self._ready: dict[str, Any] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        ready = self._ready.get(source)
        if ready is None:
            code = marshal.loads(self._code[source]) if source in self._code else self.compile(source)
            ready = self.template_class.from_code(self, code, self.make_globals(None), None)
            if len(self._ready) < 256:  # a template has a few parts and properties
                self._ready[source] = ready
        return ready


class _PatchedDocx(DocxTemplate):
    """A DocxTemplate that takes each part's patched source from the prepared template."""

    def __init__(self, prepared: PreparedTemplate) -> None:
        super().__init__(io.BytesIO(prepared.data))
        self._patched = prepared.patched

    def patch_xml(self, src_xml):
        patched = self._patched.get(src_xml)
        return patched if patched is not None else super().patch_xml(src_xml)


_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _render_parts(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """(where, XML) of each part docxtpl renders, serialised as its render does: the body, the
    headers and footers, the footnotes."""
    parts = [("正文", tpl.get_xml())]
    for uri, where in ((tpl.HEADER_URI, "页眉"), (tpl.FOOTER_URI, "页脚")):
        parts += [(where, tpl.get_part_xml(part)) for _, part in tpl.get_headers_footers(uri)]
    for part in tpl.docx.part.package.parts:
        if part.content_type == _FOOTNOTES:
            parts.append(("脚注", part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob))
    return parts


def prepare_template(template_path: str | os.PathLike) -> PreparedTemplate:
    """Open, check and compile a template once, before any ledger is read: a TemplateError
    naming the file, the part and the tag when it is broken (syntax, unknown filter) or unsafe.

    Each part's Jinja source is parsed once: the safety check walks that tree, then it is
    compiled, and the names it uses are read from it."""
    name = os.path.basename(os.fspath(template_path))
    check_package(Path(template_path))  # nothing fetched from outside, before docxtpl opens it
    with bounded(name):
        return _prepare(template_path, name)


def _prepare(template_path: str | os.PathLike, name: str) -> PreparedTemplate:
    tpl, data = _open(template_path, name)
    env = make_environment()
    patched: dict[str, str] = {}
    sources: list[tuple[str, str]] = []
    for where, raw in _render_parts(tpl):
        if raw not in patched:
            patched[raw] = tpl.patch_xml(raw)
        sources.append((where, re.sub(r"<w:p([ >])", r"\n<w:p\1", patched[raw])))  # as render_xml_part does
    trees = []
    for where, src in sources:
        try:
            trees.append(env.parse(src))
        except TemplateSyntaxError as exc:
            raise _syntax_error(exc, src, where, name) from None
    for (where, src), tree in zip(sources, trees):
        _check_safety(tree, src, where, name)
    code: dict[str, bytes] = {}
    names: set[str] = set()
    env.code_generator_class = _NamesRecorded
    env.undeclared = names  # type: ignore[attr-defined]  # filled while compiling
    for (where, src), tree in zip(sources, trees):
        try:
            code[src] = marshal.dumps(env.compile(tree))
        except TemplateSyntaxError as exc:  # e.g. an unknown filter, found when compiling
            raise _syntax_error(exc, src, where, name) from None
    env.undeclared = None  # type: ignore[attr-defined]  # the properties' names are not checked
    for prop in _PROPERTIES:  # rendered as templates too (a broken one fails when rendered, as before)
        text = getattr(tpl.docx.core_properties, prop) or ""
        with suppress(TemplateSyntaxError):
            code.setdefault(text, marshal.dumps(env.compile(text)))
    return PreparedTemplate(name, data, patched, code, frozenset(names))


def render_template(prepared: PreparedTemplate, context: Mapping) -> DocxTemplate:
    """Render a prepared template with `context`; every failure becomes a TemplateError naming
    the variable or tag. Returns the rendered document, to be saved."""
    name = prepared.name
    _check_names(prepared.names, context, name)
    tpl = _PatchedDocx(prepared)
    try:
        tpl.render(dict(context), prepared.environment(), autoescape=True)
    except SecurityError as exc:
        raise _refused(tpl, exc, name) from None
    except UndefinedError as exc:
        raise _unknown_variables(name, [_missing_name(exc, context)]) from None
    except TemplateSyntaxError as exc:
        raise TemplateError(f"模板 {name} 中有写错的标签：{_translate(exc.message)}") from None
    except (ValueError, TypeError, ArithmeticError, jinja2.TemplateError) as exc:
        raise TemplateError(f"模板 {name} 渲染时出错：{exc}。请检查该处使用的变量和过滤器") from None
    return tpl
