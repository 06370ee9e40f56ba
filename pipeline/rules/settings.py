"""Project settings: pipeline.toml lets a branch turn rule checks off or change their numbers.

The defaults and the settings types live in rules (RULES, RuleSettings, Settings); a file only
overrides them, under [rules."<rule>"]. This module reads and checks the file.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from pipeline.core.errors import ConfigError
from pipeline.core.limits import SETTABLE as LIMITS
from pipeline.core.limits import Limits
from pipeline.core.names import IssueCode, RuleId
from pipeline.core.packaged import DEFAULT_SETTINGS_NAME, data_file
from pipeline.rules.rule import SOURCE_KINDS, Rule, RuleSettings
from pipeline.rules.table import RULE_BY_ID, Settings, default_settings

__all__ = ["NUMBERS", "RuleSettings", "Settings", "load"]

# A branch's own settings: pipeline.toml in the folder the command runs in (for `make`, the
# project folder); without it the annotated defaults shipped in pipeline/data are used.
USER_FILE = "pipeline.toml"

# Settable whole numbers: key -> (lowest, highest or None, what it means).
NUMBERS: dict[str, tuple[int, int | None, str]] = {
    "threshold": (0, None, "每个周期（月、季度或年）最少开展的次数"),
    "deadline_day": (1, 31, "每月最晚在几日前（含当日）开展"),
    "min_full_members": (1, None, "正式党员达到多少人时才检查"),
    "serious_months": (1, 12, "连续几个月未缴纳党费视为严重"),
    "next_year_months": (0, 12, "次年前几个月召开、注明所属年度为本年度的也计入本年度（0 为不计）"),
    "before_meeting_months": (0, 12, "组织生活会当月（会前）及此前几个月内应开展谈心谈话（0 为不检查）"),
    "absent_months": (1, 12, "连续几个月未参加组织生活视为问题"),
    "term_years": (1, 10, "支部委员会每届任期（年）"),
    "village_term_years": (1, 10, "村、社区党支部委员会每届任期（年）"),
    "late_months": (1, 24, "补交党费晚于所属月份几个月以上时提示"),
    "spread_days": (0, 15, "当月主题党日偏离全年最常用的日子几天以上时提示"),
    "probation_months": (1, 24, "预备期（月）"),
    "extension_min_months": (1, 12, "延长预备期最短几个月"),
    "extension_max_months": (1, 24, "延长预备期最长几个月"),
}
# Settable yes/no switches: key -> what `true` means.
SWITCHES: dict[str, str] = {
    "committee_pairs": "支部委员之间每两人全年至少谈心谈话1次（条例第十九条）",
    "committee_members": "每名党员全年至少与1名支部委员谈心谈话（条例第十九条）",
    "member_pairs": "每名党员全年至少与1名其他党员（支部委员以外）谈心谈话（条例第十九条）",
    "voting_only": "党员大会到会人数按有表决权的党员（正式党员）计算；false 按应到人数（含预备党员）计算",
    "each_member": "每名党员全年至少参加1次谈心谈话（谈话人或谈话对象）",
    "secretary_committee": "支部书记与每名支委（党员名册“党内职务”）谈心谈话",
    "secretary_all": "支部书记与每名党员谈心谈话",
}
# Settable words: key -> (allowed values, what it means).
CHOICES: dict[str, tuple[tuple[str, ...], str]] = {
    "pay_by": (("按月", "按季度"), "党费缴纳方式"),
    "source_kind": (SOURCE_KINDS, "依据类别"),
}
_QUOTE_HINT = ('中文名称要加英文双引号，如 [rules."支委会"]；true、false 和数字不加引号，'
               "文字要加英文双引号")


# 基本信息 items that set a rule for that branch alone, over pipeline.toml: item -> (rule id, key).
BRANCH_ITEMS: dict[str, tuple[RuleId, str]] = {
    "党费缴纳方式": (RuleId.DUES, "pay_by"),
    "书记与每名党员谈话": (RuleId.TALKS, "secretary_all"),
    "党课每季度次数": (RuleId.LESSON, "threshold"),
}


def for_branch(config: Settings, info: dict, info_src: dict, log) -> Settings:
    """The settings for one branch: its 基本信息 items (BRANCH_ITEMS) over the project file's.

    Each value is checked as pipeline.toml's are (check_value); a wrong one is an error naming
    the cell, and the file's setting stays.
    """
    rules = dict(config.rules)
    local: dict = {}
    for item, (rule_id, key) in BRANCH_ITEMS.items():
        if info.get(item) in (None, ""):
            continue
        value, src = info[item], info_src.get(item)
        if key == "pay_by":
            text = str(value)
            value = "按季度" if "季" in text else "按月" if "月" in text else text
        if key == "secretary_all" and not isinstance(value, bool):
            continue  # read_info has said what is wrong with the cell
        value, problem = check_value(key, value)
        if problem:
            log.error(src.file if src else "（基本信息）", f"“{item}”的值无效：{problem}，本支部仍按规则设置文件处理",
                      f"请在基本信息中改正“{item}”", sheet=src.sheet if src else None, row=src.row if src else None,
                      column=item, value=str(info[item]), code=IssueCode.BAD_VALUE)
            continue
        rules[rule_id] = replace(rules[rule_id], **{key: value})
        local.setdefault(rule_id, {})[key] = (value, src)
    return replace(config, rules=rules, local=local)


def load(path: Path | None = None) -> Settings:
    """Settings from `path`, else from ./pipeline.toml when present, else the packaged defaults."""
    if path is None:
        path = Path(USER_FILE) if Path(USER_FILE).is_file() else data_file(DEFAULT_SETTINGS_NAME)
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"找不到规则设置文件：{path}。请检查 --config 指定的路径，"
                          "或去掉 --config 使用默认设置")
    data = _read(path)
    return Settings(rules=_apply(data, path), path=path, limits=_limits(data.get("limits", {}), path))


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"规则设置文件 {path} 不是 UTF-8 编码。请用记事本等编辑器“另存为”UTF-8 编码后重试") from None
    except OSError as exc:
        raise ConfigError(f"无法读取规则设置文件 {path}（{exc.strerror or exc}）") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        at = f"第{where[1]}行第{where[2]}列格式有误" if where else f"格式有误（{exc}）"
        raise ConfigError(f"规则设置文件 {path} {at}。{_QUOTE_HINT}") from None


def _apply(data: dict, path: Path) -> dict[RuleId, RuleSettings]:
    """Validate the file's tables and lay them over the defaults."""
    names = "、".join(RULE_BY_ID)
    unknown = [k for k in data if k not in ("rules", "limits")]
    if unknown:
        raise ConfigError(f"规则设置文件 {path} 中的“{unknown[0]}”不是可设置的项目："
                          f'只能包含 [rules."规则名"] 各节（规则名：{names}）和 [limits] 一节（读取上限）')
    tables = data.get("rules", {})
    if not isinstance(tables, dict):
        raise ConfigError(f'规则设置文件 {path} 中的 rules 应写成 [rules."规则名"] 各节（规则名：{names}）')
    out = default_settings()
    by_name: dict[str, Rule] = {rule_id.value: rule for rule_id, rule in RULE_BY_ID.items()}
    for rule_id, table in tables.items():
        rule = by_name.get(rule_id)
        if rule is None:
            raise ConfigError(f"规则设置文件 {path} 中没有名为“{rule_id}”的规则。可设置的规则：{names}")
        if not isinstance(table, dict):
            raise ConfigError(f'规则设置文件 {path} 中的 rules."{rule_id}" 应写成一节：'
                              f'[rules."{rule_id}"]，下面每行一项，如 enabled = true')
        out[rule.id] = replace(out[rule.id], **{k: _value(path, rule, k, v) for k, v in table.items()})
    return out


def _allowed(rule: Rule) -> list[str]:
    return ["enabled", *(["threshold"] if rule.threshold is not None else []), *rule.options, "source",
            "source_kind"]


def _value(path: Path, rule: Rule, key: str, value):
    """One checked setting value; a wrong one is a ConfigError saying what is allowed."""
    where = f'规则设置文件 {path} 中 [rules."{rule.id}"] 的 {key}'
    allowed = _allowed(rule)
    if key not in allowed:
        raise ConfigError(f'规则设置文件 {path} 中 [rules."{rule.id}"] 的“{key}”不是可设置项。'
                          f"该规则可设置：{'、'.join(allowed)}")
    if key == "enabled":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} 的值 {value!r} 无效：应为 true（检查）或 false（不检查），不加引号")
        return value
    if key == "source":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where} 的值无效：应为加英文双引号的文字，如 source = \"本地有关规定\"")
        unknown = [p for p in re.findall(r"\{([^{}]*)\}", value) if p != "deadline_day"]
        if unknown:
            raise ConfigError(f"{where} 中的“{{{unknown[0]}}}”不是可用的占位符：只能用 {{deadline_day}}"
                              "（主题党日截止日），其余文字照写")
        return value.strip()
    value, problem = check_value(key, value, in_file=True)
    if problem:
        raise ConfigError(f"{where} 的值无效：{problem}")
    return value


def check_value(key: str, value, in_file: bool = False):
    """(the value, None) when `value` is allowed for setting `key`, else (None, what is wrong in
    Chinese): the one check every setting passes, from pipeline.toml (`in_file`: said in TOML's
    terms) or from a 基本信息 cell (said in a spreadsheet's)."""
    shown = repr(value) if in_file else f"“{value}”"
    if key in SWITCHES:
        if not isinstance(value, bool):
            if in_file:
                return None, f"{shown} 不对：{key} 表示{SWITCHES[key]}，应为 true 或 false，不加引号"
            return None, f"{shown} 不对：{SWITCHES[key]}，应为“是”或“否”"
        return value, None
    if key in CHOICES:
        allowed_values, meaning = CHOICES[key]
        if value not in allowed_values:
            listed = "、".join(f"“{v}”" for v in allowed_values)
            if in_file:
                return None, f"{shown} 不对：{key} 表示{meaning}，应为{listed}之一（加英文双引号）"
            return None, f"{shown} 不对：{meaning}应为{listed}之一"
        return value, None
    low, high, meaning = NUMBERS[key]
    span = f"{low}至{high}" if high is not None else f"不小于{low}"
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or value < low or (high is not None and value > high):
        if in_file:
            return None, f"{shown} 不对：{key} 表示{meaning}，应为{span}的整数，不加引号"
        return None, f"{shown} 不对：{meaning}，应为{span}的整数"
    return value, None


def _limits(table, path: Path) -> Limits:
    """[limits]: how big a ledger file is read (pipeline/core/limits.py); each key a whole number
    within its range, the rest as by default."""
    if not isinstance(table, dict):
        raise ConfigError(f"规则设置文件 {path} 中的 limits 应写成一节：[limits]，下面每行一项，如 unpacked_mb = 400")
    values = {}
    for key, value in table.items():
        if key not in LIMITS:
            raise ConfigError(f"规则设置文件 {path} 中 [limits] 的“{key}”不是可设置项。可设置：{'、'.join(LIMITS)}")
        low, high, meaning = LIMITS[key]
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not whole or not low <= value <= high:
            raise ConfigError(f"规则设置文件 {path} 中 [limits] 的 {key} 的值 {value!r} 无效：{key} 表示{meaning}，"
                              f"应为{low}至{high:,}的整数，不加引号")
        values[key] = value
    return Limits(**values)
