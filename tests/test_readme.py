"""The README stays in step with the code: its generated tables and FAQ messages are current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools import gen_readme_tables as gen

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "README.md").read_text(encoding="utf-8")
HINT = "README.md is out of step with the code: run `python tools/gen_readme_tables.py` and review the diff"


def part(name: str) -> list[str]:
    body = TEXT.split(f"<!-- {name}开始 -->\n", 1)[1].split(f"<!-- {name}结束 -->", 1)[0]
    return body.rstrip("\n").split("\n")


def test_set_up_commands_open_the_readme():
    head = TEXT.splitlines()[:40]
    assert any(line.startswith("make report") for line in head)
    assert any(line.startswith("make test") for line in head)


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


def test_make_variables_and_exit_codes_are_documented():
    for word in ("INPUTS=", "OUTPUTS=", "YEAR=", "TEMPLATE=", "PDF=1", "ARGS=--keep-going", "--config", "退出码",
                 "各支部汇总.xlsx", "校验报告.xlsx", "make init", "make check"):
        assert word in TEXT, word
