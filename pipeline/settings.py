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

from pipeline.errors import ConfigError
from pipeline.packaged import DEFAULT_SETTINGS_NAME, data_file
from pipeline.rules import RULE_BY_ID, Rule, RuleSettings, Settings, default_settings

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
}
_QUOTE_HINT = ('中文名称要加英文双引号，如 [rules."支委会"]；true、false 和数字不加引号，'
               "文字要加英文双引号")


def load(path: Path | None = None) -> Settings:
    """Settings from `path`, else from ./pipeline.toml when present, else the packaged defaults."""
    if path is None:
        path = Path(USER_FILE) if Path(USER_FILE).is_file() else data_file(DEFAULT_SETTINGS_NAME)
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"找不到规则设置文件：{path}。请检查 --config 指定的路径，"
                          "或去掉 --config 使用默认设置")
    return Settings(rules=_apply(_read(path), path), path=path)


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


def _apply(data: dict, path: Path) -> dict[str, RuleSettings]:
    """Validate the file's tables and lay them over the defaults."""
    names = "、".join(RULE_BY_ID)
    unknown = [k for k in data if k != "rules"]
    if unknown:
        raise ConfigError(f"规则设置文件 {path} 中的“{unknown[0]}”不是可设置的项目："
                          f'只能包含 [rules."规则名"] 各节（规则名：{names}）')
    tables = data.get("rules", {})
    if not isinstance(tables, dict):
        raise ConfigError(f'规则设置文件 {path} 中的 rules 应写成 [rules."规则名"] 各节（规则名：{names}）')
    out = default_settings()
    for rule_id, table in tables.items():
        rule = RULE_BY_ID.get(rule_id)
        if rule is None:
            raise ConfigError(f"规则设置文件 {path} 中没有名为“{rule_id}”的规则。可设置的规则：{names}")
        if not isinstance(table, dict):
            raise ConfigError(f'规则设置文件 {path} 中的 rules."{rule_id}" 应写成一节：'
                              f'[rules."{rule_id}"]，下面每行一项，如 enabled = true')
        out[rule_id] = replace(out[rule_id], **{k: _value(path, rule, k, v) for k, v in table.items()})
    return out


def _allowed(rule: Rule) -> list[str]:
    return ["enabled", *(["threshold"] if rule.threshold is not None else []), *rule.options, "source"]


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
    low, high, meaning = NUMBERS[key]
    span = f"{low}至{high}" if high is not None else f"不小于{low}"
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or value < low or (high is not None and value > high):
        raise ConfigError(f"{where} 的值 {value!r} 无效：{key} 表示{meaning}，应为{span}的整数，不加引号")
    return value
