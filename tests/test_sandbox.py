"""A Word template is data, never code: the known Jinja escape payloads, built into real .docx
templates, are refused with exit 2 naming the tag, and nothing runs or is written."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.core.errors import TemplateError
from pipeline.writing.context import build_context
from pipeline.writing.render import render_docx
from tests.builders import branch

METRICS = Path(__file__).resolve().parent / "data" / "metrics_example.json"


def _template(path: Path, *texts: str, header: str | None = None, split: bool = False) -> Path:
    """A real .docx with one paragraph per text; split=True types each text as one run per
    character, the way Word stores a tag typed in pieces."""
    d = docx.Document()
    for text in texts:
        para = d.add_paragraph()
        for piece in (text if split else [text]):
            para.add_run(piece)
    if header is not None:
        d.sections[0].header.paragraphs[0].text = header
    d.save(path)
    return path


@pytest.fixture(scope="module")
def context() -> dict:
    return build_context(json.loads(METRICS.read_text(encoding="utf-8")))


@pytest.fixture
def canary(tmp_path, monkeypatch) -> tuple[Path, str]:
    """A shell command whose only effect is to create a file in the (temporary) working folder,
    to prove nothing ran."""
    monkeypatch.chdir(tmp_path)
    return tmp_path / "ran", "touch ran"


# Each payload reaches Python internals from an object every Jinja template can see.
PAYLOADS = [
    ("{{{{ cycler.__init__.__globals__.os.popen('{cmd}').read() }}}}", "__globals__"),
    ("{{{{ joiner.__init__.__globals__.os.popen('{cmd}').read() }}}}", "__globals__"),
    ("{{{{ namespace.__init__.__globals__.os.popen('{cmd}').read() }}}}", "__globals__"),
    ("{{{{ lipsum.__globals__['os'].popen('{cmd}').read() }}}}", "__globals__"),
    ("{{{{ self.__init__.__globals__.__builtins__.__import__('os').popen('{cmd}').read() }}}}", "__builtins__"),
    ("{{{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('{cmd}') }}}}",
     "_TemplateReference__context"),
    ("{{{{ range.__init__.__globals__ }}}}", "__globals__"),
    ("{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}", "__subclasses__"),
    ("{{{{ ''['__class__'] }}}}", "__class__"),
    ("{{{{ ''|attr('__class__') }}}}", "__class__"),
    ("{{{{ 打算项|map(attribute='__class__')|list }}}}", "__class__"),
    ("{{% for c in ''.__class__.__mro__ %}}{{{{ c }}}}{{% endfor %}}", "__mro__"),
]


@pytest.mark.parametrize("payload, reached", PAYLOADS)
@pytest.mark.parametrize("split", [False, True], ids=["one-run", "run-per-char"])
def test_escape_payloads_are_refused_naming_the_tag(tmp_path, context, canary, payload, reached, split):
    canary, cmd = canary
    tag = payload.format(cmd=cmd)
    path = _template(tmp_path / "外来模板.docx", "年度：{{ 年度 }}", tag, split=split)
    with pytest.raises(TemplateError) as err:
        render_docx(path, context)
    msg = str(err.value)
    first = re.match(r"\{\{.*?\}\}|\{%.*?%\}", tag).group(0)  # the tag that reaches in
    assert msg.startswith(f"模板 外来模板.docx 的正文中的标签「{first}」试图访问程序内部的「"), msg
    assert reached in msg and "没有生成任何文件" in msg
    assert not canary.exists()


def test_payload_in_a_header_names_the_header(tmp_path, context):
    path = _template(tmp_path / "t.docx", "正文", header="{{ cycler.__init__ }}")
    with pytest.raises(TemplateError, match="模板 t.docx 的页眉中的标签「{{ cycler.__init__ }}」"):
        render_docx(path, context)


@pytest.mark.parametrize("text, tag, reached", [
    ("{{ 打算项.append('x') }}", None, "append"),           # the immutable sandbox: no changing lists
    ("{{ 支部.update({'名称': 'x'}) }}", None, "update"),    # nor dicts
    ("{{ '{0.__class__}'.format(年度) }}", None, "__class__"),  # str.format is sandboxed too
    ("{% set n = '__cla' ~ 'ss__' %}{{ ''|attr(n) }}", "{{ ''|attr(n) }}", "__class__"),  # built at run time
])
def test_what_only_the_sandbox_sees_is_refused_at_render(tmp_path, context, text, tag, reached):
    tag = tag or text
    path = _template(tmp_path / "t.docx", text)
    with pytest.raises(TemplateError) as err:
        render_docx(path, context)
    assert f"的标签「{tag}」试图访问程序内部的「{reached}」" in str(err.value)


def test_huge_range_is_an_error_not_a_hang(tmp_path, context):
    path = _template(tmp_path / "t.docx", "{{ range(10**9)|length }}")
    with pytest.raises(TemplateError, match="模板 t.docx 渲染时出错"):
        render_docx(path, context)


def test_ordinary_helpers_still_work(tmp_path, context):
    path = _template(tmp_path / "t.docx",
                     "{% set n = namespace(k=0) %}{% for x in range(3) %}{% set n.k = n.k + x %}{% endfor %}{{ n.k }}",
                     "{{ cycler('甲', '乙').next() }}{{ '%s年'|format(年度) }}{{ 支部.名称|length > 0 }}")
    text = [p.text for p in docx.Document(io.BytesIO(render_docx(path, context))).paragraphs]
    assert text == ["3", f"甲{context['年度']}年True"]


def test_cli_exits_2_and_writes_nothing(tmp_path, canary):
    canary, cmd = canary
    inputs = branch(tmp_path / "in", [["2023-05-06", "支委会", "学习"]])
    tag = f"{{{{ cycler.__init__.__globals__.os.popen('{cmd}').read() }}}}"
    template = _template(tmp_path / "外来模板.docx", tag)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", "--inputs", str(inputs), "--outputs", str(out),
                                      "--template", str(template)], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.output.startswith(f"错误：模板 外来模板.docx 的正文中的标签「{tag}」试图访问程序内部的「__globals__」")
    assert not out.exists() and not canary.exists()
