"""述职评议 settings: the indicators on the 测评表, the 共性问题 share, the 整改时限 and the 等次 rule.

Defaults are here; a TOML file (`evaluate --config FILE`, keys in Chinese, see docs/述职评议.md)
changes any of them. The 等次 rule is the tool's default, not a province's: each 上级党委 sets its
own in its 述职评议考核办法 and enters the thresholds here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from pipeline.core.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

GRADES = ("好", "较好", "一般", "差")
DEFAULT_INDICATORS = ("三会一课", "主题党日", "谈心谈话", "党费", "发展党员", "整改")


@dataclass(frozen=True)
class GradeRule:
    """测评等次 from the votes, checked in this order (shares of the valid votes, in %):

    差   when 差 votes are more than `poor_over` %;
    好   when 好+较好 are at least `good_at_least` % and 差 at most `good_poor_at_most` %;
    较好 when 好+较好 are at least `fair_at_least` %;
    一般 otherwise.
    """

    poor_over: Fraction = Fraction(100, 3)  # 差票超过三分之一
    good_at_least: Fraction = Fraction(90)
    good_poor_at_most: Fraction = Fraction(10)
    fair_at_least: Fraction = Fraction(70)
    # 综合得分 (only when 平时/督查 scores are filled): weights of 测评, 平时了解, 督促检查.
    weights: tuple[Fraction, Fraction, Fraction] = (Fraction(1, 2), Fraction(1, 4), Fraction(1, 4))
    # The lowest 综合得分 for 好, 较好, 一般 (below: 差); the 等次 is the lower of vote and score.
    score_floors: tuple[Fraction, Fraction, Fraction] = (Fraction(90), Fraction(80), Fraction(60))
    vote_points: tuple[int, int, int, int] = (100, 80, 60, 0)  # 测评得分 of one 好/较好/一般/差 vote


@dataclass(frozen=True)
class EvalSettings:
    indicators: tuple[str, ...] = DEFAULT_INDICATORS
    common_share: Fraction = Fraction(1, 2)  # a rule failed by at least this share of branches…
    common_min: int = 2  # …and by at least this many is a 共性问题
    deadline: str = "{next}-06-30"  # 整改时限; {next} is the year after the report year
    rule: GradeRule = field(default_factory=GradeRule)


def _fraction(value, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise ConfigError(f"述职评议设置中的“{where}”应为 0 到 100 之间的数字")
    return Fraction(str(value))


def load(path: Path | None) -> EvalSettings:
    """The defaults, changed by the `[述职评议]` table of a TOML file when one is given."""
    config = EvalSettings()
    if path is None:
        return config
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")).get("述职评议", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"无法读取述职评议设置文件 {path}：{exc}") from None
    from pipeline.evaluation.indicators import CATALOG

    known = {"测评指标", "共性问题比例", "共性问题最少支部数", "整改时限", "等次"}
    unknown = [k for k in data if k not in known]
    if unknown:
        raise ConfigError(f"述职评议设置中的“{unknown[0]}”不是可设置的项目：可设置 {'、'.join(sorted(known))}")
    if "测评指标" in data:
        chosen = data["测评指标"]
        if not isinstance(chosen, list) or not 4 <= len(chosen) <= 6 or any(c not in CATALOG for c in chosen):
            raise ConfigError(f"“测评指标”应为 4 到 6 个指标，可选：{'、'.join(CATALOG)}")
        config = replace(config, indicators=tuple(chosen))
    if "共性问题比例" in data:
        config = replace(config, common_share=_fraction(data["共性问题比例"], "共性问题比例") / 100)
    if "共性问题最少支部数" in data:
        config = replace(config, common_min=int(data["共性问题最少支部数"]))
    if "整改时限" in data:
        config = replace(config, deadline=str(data["整改时限"]))
    grade = data.get("等次", {})
    names = {"差票超过": "poor_over", "好加较好至少": "good_at_least", "好等次差票至多": "good_poor_at_most",
             "较好等次好加较好至少": "fair_at_least"}
    extra = [k for k in grade if k not in names]
    if extra:
        raise ConfigError(f"“等次”中的“{extra[0]}”不是可设置的项目：可设置 {'、'.join(names)}")
    rule = config.rule
    for key, value in grade.items():
        rule = replace(rule, **{names[key]: _fraction(value, key)})  # type: ignore[arg-type]
    return replace(config, rule=rule)


def vote_grade(votes: dict[str, int], rule: GradeRule) -> str | None:
    """The 测评等次 of one secretary's votes (None when no vote was cast)."""
    total = sum(votes.get(g, 0) for g in GRADES)
    if not total:
        return None
    share = {g: Fraction(votes.get(g, 0) * 100, total) for g in GRADES}
    good = share["好"] + share["较好"]
    if share["差"] > rule.poor_over:
        return "差"
    if good >= rule.good_at_least and share["差"] <= rule.good_poor_at_most:
        return "好"
    if good >= rule.fair_at_least:
        return "较好"
    return "一般"


def vote_score(votes: dict[str, int], rule: GradeRule) -> Fraction | None:
    total = sum(votes.get(g, 0) for g in GRADES)
    if not total:
        return None
    return Fraction(sum(votes.get(g, 0) * p for g, p in zip(GRADES, rule.vote_points)), total)


def combined(votes: dict[str, int], usual: float | None, checks: float | None,
             rule: GradeRule) -> tuple[Fraction | None, str | None]:
    """综合得分 and 等次: the vote grade, lowered to the score's grade when 平时/督查 scores are filled
    (a missing one of the two takes the other's place)."""
    grade = vote_grade(votes, rule)
    score = vote_score(votes, rule)
    if score is None or (usual is None and checks is None):
        return None, grade
    usual_f = Fraction(str(usual if usual is not None else checks))
    checks_f = Fraction(str(checks if checks is not None else usual))
    total = rule.weights[0] * score + rule.weights[1] * usual_f + rule.weights[2] * checks_f
    by_score = next((g for g, floor in zip(GRADES, rule.score_floors) if total >= floor), "差")
    assert grade is not None
    return total, max(grade, by_score, key=GRADES.index)
