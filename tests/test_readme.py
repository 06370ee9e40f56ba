"""The README and the user docs stay in step with the code: the generated tables and FAQ messages in
docs/ are current, the README opens with the set-up commands and stays short, every link resolves,
and every file of the package the docs name exists."""

from __future__ import annotations

import importlib
import re
import unicodedata
from pathlib import Path

import pytest

from tools import gen_readme_tables as gen

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")
PAGES = [README, *sorted(DOCS.glob("*.md"))]
HINT = "docs/ is out of step with the code: run `python tools/gen_readme_tables.py` and review the diff"
README_MAX_LINES = 250


def part(name: str) -> list[str]:
    """A generated part as it stands in the docs file it lives in."""
    text = gen.FILES[name].read_text(encoding="utf-8")
    body = text.split(f"<!-- {name}开始 -->\n", 1)[1].split(f"<!-- {name}结束 -->", 1)[0]
    return body.rstrip("\n").split("\n")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ---------------------------------------------------------------- the README a secretary reads

def test_set_up_commands_open_the_readme():
    head = TEXT.splitlines()[:40]
    assert any(line.startswith("make report") for line in head)
    assert any(line.startswith("make test") for line in head)
    assert any(line.startswith(".venv\\Scripts\\python -m pipeline ") for line in head)  # the Windows route


def test_readme_is_short_enough_to_read_to_the_end():
    assert len(TEXT.splitlines()) <= README_MAX_LINES


def test_readme_shows_the_yearly_workflow_in_order():
    steps = ["make init INPUTS=", "make check INPUTS=", "make report INPUTS=", "在 Word 中", "PREVIOUS=输出"]
    places = [TEXT.find(step) for step in steps]
    assert all(p >= 0 for p in places), dict(zip(steps, places))
    assert places == sorted(places)


def test_readme_links_every_docs_page():
    linked = set(re.findall(r"\]\((docs/[^)#]+)", TEXT))
    assert linked == {_rel(p) for p in DOCS.glob("*.md")}


def test_make_variables_and_exit_codes_are_documented():
    for word in ("INPUTS=", "OUTPUTS=", "YEAR=", "TEMPLATE=", "PDF=1", "ARGS=--keep-going", "--config", "退出码",
                 "各支部汇总.xlsx", "校验报告.xlsx", "make init", "make check"):
        assert word in TEXT, word


# ---------------------------------------------------------------- the generated parts

def test_every_part_lives_in_a_docs_page():
    assert set(gen.FILES) == set(gen.SECTIONS)
    assert all(path.parent == DOCS and path.is_file() for path in gen.FILES.values())


@pytest.mark.parametrize("name", list(gen.SECTIONS))
def test_generated_part_is_current(name):
    assert part(name) == gen.SECTIONS[name](), HINT


def test_every_template_variable_is_listed():
    from pipeline.core.variables import VARIABLES

    listed = re.findall(r"^\| `([^`]+)` \| (?:指标|派生) \| [^|]+ \| (.+) \|$", "\n".join(part("变量表")), re.M)
    assert [name for name, _ in listed] == [v.name for v in VARIABLES]
    assert all(text.strip() for _, text in listed)
    assert {"组织生活.支委会", "党课.书记", "学习.人均笔记字数", "党费.实缴总额", "信息报送.按级别.中央", "党员句",
            "同比.增减", "整改.事项"} <= {name for name, _ in listed}


def test_every_ledger_kind_and_rule_is_documented():
    from pipeline.core import vocab
    from pipeline.rules.table import RULES

    ledgers, rules = "\n".join(part("台账表")), "\n".join(part("规则表"))
    assert all(f"| {kind.name} |" in ledgers for kind in vocab.KINDS)
    assert all(f'`[rules."{rule.id}"]`' in rules for rule in RULES)


def test_the_init_files_the_docs_name_are_the_ones_init_writes(tmp_path):
    from pipeline import api

    plain = [p.name for p, _ in api.run_init(tmp_path / "plain", 2023)]
    ledgers = "\n".join(part("台账表"))
    assert all(f"`{name}`" in ledgers for name in plain)
    assert f"生成 {len(plain)} 个空白台账" in TEXT and f"`{plain[-1]}`" in TEXT
    assert f"共 {len(plain)} 个" in (DOCS / "台账.md").read_text(encoding="utf-8")


def test_every_command_option_and_exit_code_is_documented():
    import click

    from pipeline import cli

    page = (DOCS / "命令与设置.md").read_text(encoding="utf-8")
    options = "\n".join(part("命令行选项表"))
    for name, command in cli.cli.commands.items():
        assert f"`{name}`" in options
        for param in command.params:
            shown = param.opts[0] if isinstance(param, click.Option) else (param.name or "").upper()
            assert f"`{shown}`" in options, (name, shown)
    codes = {value for key, value in vars(cli).items() if key.startswith("EXIT_")} | {130}
    for code in codes:
        assert re.search(rf"^\| `{code}` \| \S", page, re.M), f"exit code {code} is not in docs/命令与设置.md"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    variables = re.search(r"变量：([A-Z ]+)）", makefile)
    assert variables, "the Makefile's first line lists its variables"
    for variable in variables[1].split():
        assert f"`{variable}=" in page, f"make variable {variable} is not in docs/命令与设置.md"


# ---------------------------------------------------------------- links and names stay true

def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*", "", heading.strip().lower())
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " -_" or unicodedata.category(ch).startswith("M"))
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if in_code or not line.startswith("#"):
            continue
        slug = _slug(line.lstrip("#"))
        out.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return out


def test_the_slug_is_github_s():
    assert _slug("规则设置（pipeline.toml）") == "规则设置pipelinetoml"
    assert _slug("在 Windows 上使用") == "在-windows-上使用"
    assert _slug("直接运行程序（python -m pipeline）") == "直接运行程序python--m-pipeline"


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_every_link_resolves(page):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        assert path.is_file(), f"{_rel(page)}: link to missing {target}"
        if anchor and path.suffix == ".md":
            assert anchor in _anchors(path), f"{_rel(page)}: no heading for #{anchor} in {_rel(path)}"


_PATH = re.compile(r"(?<![\w/.])((?:pipeline|tools|tests)/[\w/.-]*\w)")
_MODULE = re.compile(r"(?<![\w/.])(pipeline(?:\.\w+)+)")
_FILE_SUFFIXES = {"toml", "py", "json", "md", "docx", "xlsx", "conf"}  # pipeline.toml is a file, not a module


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_every_file_and_module_named_exists(page):
    """A path such as pipeline/writing/blank.py, or a dotted name such as pipeline.rules.settings.load,
    names something that is there: a module split or moved fails here, naming the page to fix."""
    text = page.read_text(encoding="utf-8")
    for path in _PATH.findall(text):
        assert (ROOT / path).exists(), f"{_rel(page)} names {path}, which does not exist"
    for dotted in _MODULE.findall(text):
        parts = dotted.split(".")
        if parts[-1] in _FILE_SUFFIXES:
            continue
        found, module, cut = importlib.import_module(parts[0]), parts[0], 1
        while cut < len(parts):  # the longest prefix that is a module, then attributes
            try:
                found, module = importlib.import_module(".".join(parts[: cut + 1])), ".".join(parts[: cut + 1])
            except ModuleNotFoundError:
                break
            cut += 1
        for attribute in parts[cut:]:
            assert hasattr(found, attribute), f"{_rel(page)} names {dotted}: {module} has no {attribute}"
            found = getattr(found, attribute)
