"""The README and the user docs stay in step with the code: the generated tables and FAQ messages in
docs/ are current and the README opens with the set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools import gen_readme_tables as gen

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")
HINT = "docs/ is out of step with the code: run `python tools/gen_readme_tables.py` and review the diff"


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
    from pipeline.rules.check import RULES

    ledgers, rules = "\n".join(part("台账表")), "\n".join(part("规则表"))
    assert all(f"| {kind.name} |" in ledgers for kind in vocab.KINDS)
    assert all(f'`[rules."{rule.id}"]`' in rules for rule in RULES)


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
