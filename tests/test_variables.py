"""The variables table (pipeline/core/variables.py) is the contract between metrics.json, the template
context, the default template and the README: every run is checked against it."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner
from jinja2 import meta, nodes

from pipeline import api
from pipeline.analysis import analyse as analyse_mod
from pipeline.cli import cli
from pipeline.core.errors import ContractError
from pipeline.core.variables import BY_NAME, DERIVED, DERIVED_NAMES, METRICS, Kind, check_metrics, closest, metric_problems
from pipeline.facts import aggregate
from pipeline.rules import settings
from pipeline.writing import context as context_mod
from pipeline.writing.context import build_context
from pipeline.writing.sandbox import _template_parts, open_template

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample() -> dict:
    return api.analyse(ROOT / "inputs", "", None, settings.load(None)).metrics


def _flat(metrics: dict, prefix: str = "") -> set[str]:
    """Dotted keys down to the table's entries (what metric_problems compares)."""
    out = set()
    for key, value in metrics.items():
        path = f"{prefix}{key}"
        out |= _flat(value, path + ".") if isinstance(value, dict) and path not in BY_NAME else {path}
    return out


def test_the_sample_produces_exactly_the_always_present_keys(sample):
    assert metric_problems(sample) == []
    assert _flat(sample) == {v.name for v in METRICS if not v.when}
    assert "组织生活.按月" in BY_NAME and BY_NAME["组织生活.按月"].kind is Kind.MAPPING
    assert sample["组织生活"]["按月"]["支委会"] == [1] * 12  # below a 分项 entry the keys are data


def test_with_last_year_the_year_on_year_section_is_checked(tmp_path):
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "tools" / "make_sample.py")
    make_sample = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_sample)
    make_sample.write_previous(tmp_path / "台账2021")
    config = settings.load(None)
    run = api.analyse(ROOT / "inputs", "", None, config)
    api.with_previous(run, tmp_path / "台账2021", config)  # check_metrics runs here too
    assert metric_problems(run.metrics) == []
    assert _flat(run.metrics["同比"], "同比.") == {"同比.上年度", "同比.来源", "同比.上年", "同比.增减"}
    assert run.metrics["同比"]["上年度"] == 2021


def test_an_optional_section_is_whole_when_present(sample):
    m = copy.deepcopy(sample)
    m["整改"] = {"问题数": 1, "已完成": 1, "推进中": 0, "未完成": 0,
               "事项": [{"问题": "学习不深入", "完成情况": "已完成"}]}
    assert metric_problems(m) == []
    del m["整改"]["事项"]
    assert metric_problems(m) == ["缺少“整改.事项”"]


def test_keys_a_run_should_not_produce_or_should_have_produced(sample):
    m = copy.deepcopy(sample)
    m["新指标"] = {"次数": 1}
    del m["党费"]["足额"]
    m["党课"]["总数"] = "10次"
    m["支部"]["书记"] = None  # a blank text is allowed
    with pytest.raises(ContractError) as err:
        check_metrics(m)
    assert str(err.value) == ("metrics.json 与变量表（pipeline/core/variables.py）不一致：“党课.总数”应为数字，实为 str；"
                              "“新指标.次数”不在变量表中；缺少“党费.足额”")


def test_a_run_with_an_unlisted_key_stops_as_an_internal_error(monkeypatch):
    real = aggregate.aggregate

    def leaky(*args, **kwargs):
        metrics, prov = real(*args, **kwargs)
        metrics["党费"]["人均"] = 1  # a defect: a figure nobody documented
        return metrics, prov

    monkeypatch.setattr(analyse_mod, "aggregate", leaky)
    result = CliRunner().invoke(cli, ["check", "--inputs", str(ROOT / "inputs")])
    assert result.exit_code == 3
    assert result.output.startswith("程序内部错误（ContractError：metrics.json 与变量表（pipeline/core/variables.py）不一致："
                                    "“党费.人均”不在变量表中）。")


def test_derived_names_are_the_table_s(sample, monkeypatch):
    context = build_context(sample)
    assert {k for k in context if k not in sample} == DERIVED_NAMES
    assert all(isinstance(context[v.name], bool) for v in DERIVED if v.kind is Kind.FLAG)
    monkeypatch.setattr(context_mod, "rectify_words", lambda m: {"整改段": ""})
    with pytest.raises(ContractError, match="缺少“整改句”；“整改段”不在变量表中"):
        build_context(sample)


def _used_names(template: Path) -> set[str]:
    """Dotted names (组织生活.支委会, 举措句.责任落实) the template reads from its context."""
    tpl, env, _ = open_template(template)
    used: set[str] = set()
    for _, src in _template_parts(tpl):
        tree = env.parse(src)
        top = meta.find_undeclared_variables(tree)
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
            parts: list[str] = []
            while isinstance(node, (nodes.Getattr, nodes.Getitem)):
                if isinstance(node, nodes.Getattr):
                    parts.insert(0, node.attr)
                elif isinstance(node.arg, nodes.Const):
                    parts.insert(0, str(node.arg.value))
                else:
                    parts = []
                node = node.node
            if isinstance(node, nodes.Name) and node.name in top:
                used.add(".".join([node.name, *parts]))
    return used


def _entry(name: str) -> str | None:
    """The table entry `name` is, or lies below (None: not in the table)."""
    parts = name.split(".")
    return next((".".join(parts[:i]) for i in range(len(parts), 0, -1) if ".".join(parts[:i]) in BY_NAME), None)


def test_every_variable_of_the_default_template_is_in_the_table_and_the_sample(sample):
    used = _used_names(api.DEFAULT_TEMPLATE)
    assert {"年度", "支部.名称", "党员句", "举措句.责任落实", "附件表", "同比三会一课句", "整改句"} <= used
    sections = {n.split(".", 1)[0] for n in BY_NAME}
    context = build_context(sample)
    for name in sorted(used):
        entry = _entry(name)
        assert entry is not None or name in sections, f"{name} is not in pipeline/core/variables.py"
        value = context
        for part in (entry or name).split("."):
            value = value[part]  # KeyError: the sample's context lacks it


def test_the_closest_name_is_suggested_only_when_it_is_close():
    assert closest("组织生活.支委") == "组织生活.支委会"
    assert closest("党员局") == "党员"
    assert closest("信息报送.按级别.省级") == "信息报送.按级别.省"
    assert closest("组织生活.不存在") is None
    assert closest("检查规则.党费") is None  # below 检查规则 the keys are the rules: not a misspelt name
