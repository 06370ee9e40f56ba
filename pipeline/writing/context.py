"""Template context: the metrics plus the derived names the Word template quotes (sentences,
flags, the 小节 numbers and the appendix's rows).

Word tags stay short and readable because every sentence with several optional parts is
assembled in pipeline/writing/wording.py; this module puts them together with the flags and rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline.core.cnfmt import FILTERS
from pipeline.core.names import RuleId
from pipeline.core.values import dig, parse_quarter
from pipeline.core.variables import DERIVED_NAMES, check_derived
from pipeline.writing.wording import (
    ACTIVITY_RULES,
    SECTION_ORDER,
    adoption_levels,
    appendix_note,
    assistance_sentence,
    causes_sentence,
    draft_mark,
    empty_sections,
    figure,
    findings_of,
    findings_sentence,
    forms_sentence,
    leaders_sentence,
    lecture_sentence,
    life_rules_sentence,
    measures,
    meetings_sentence,
    members_sentence,
    other_sentence,
    problems_sentence,
    rectify_words,
    reviews_sentence,
    rule_met,
    signature_date,
    study_activities_sentence,
    study_sentence,
    titled_items,
    twinning_sentence,
    year_on_year_words,
)

_num = FILTERS["数字"]

GAP_MARK = "—"
GAP_FILL = "D9D9D9"
NO_FILL = "auto"


def sections(m: Mapping, derived: Mapping) -> dict[str, str]:
    """小节: the subsections of 一、 that have something to say, numbered in order."""
    life = m.get("组织生活") or {}
    said = {
        "责任落实": (figure(life.get("专题研究党建")) or figure(dig(m, "谈心谈话", "次数")) or derived["学习句"]),
        "理论学习": derived["理论学习句"] or derived["结对帮扶句"] or derived["其他事项句"],
        "组织建设": derived["组织生活制度句"] or derived["三会一课句"]
                    or derived["组织生活会句"] or derived["组织生活形式句"] or figure(dig(m, "党费", "实缴总额")),
        "中心工作": figure(dig(m, "信息报送", "报送篇数")),
        "作风建设": False,
    }
    shown = [name for name in SECTION_ORDER if derived["举措句"][name] or said[name]]
    numbers = {name: FILTERS["小标题"](i) for i, name in enumerate(shown, 1)}
    return {name: numbers.get(name, "") for name in SECTION_ORDER}


def _finding_months(m: Mapping, kind: str) -> set[int]:
    """Months (1..12) named in 检查发现.涉及 of the findings about a kind of 组织生活 (ACTIVITY_RULES)."""
    months: set[int] = set()
    for f in findings_of(m, ACTIVITY_RULES[kind]):
        for where in f.get("涉及") or []:
            text = str(where)
            for q in re.findall(r"第?[一二三四1-4]季度", text):
                start = 3 * (parse_quarter(q) - 1) + 1
                months.update(range(start, start + 3))
            text = re.sub(r"第?[一二三四1-4]季度", "", text)
            months.update(int(x) for x in re.findall(r"(\d{1,2})月", text) if 1 <= int(x) <= 12)
    return months


def appendix_rows(m: Mapping, show_party_groups: bool) -> list[dict]:
    """附件表: 三会一课 per month and the day each 主题党日 was held; gaps ("—") marked, and
    months named by a rule-check finding shaded (so pipeline.toml settings are respected)."""
    life = m.get("组织生活") or {}
    by_month = life.get("按月") or {}
    theme_days = dig(m, "主题党日", "举办日") or [[] for _ in range(12)]
    rows = []
    for kind in ("支委会", "党员大会", "党小组会", "党课", "主题党日"):
        if kind == "党小组会" and not show_party_groups:
            continue
        counts = [figure(c) for c in (by_month.get(kind) or [])][:12]
        counts += [0] * (12 - len(counts))
        if kind == "支委会" and not sum(counts) and dig(m, "检查规则", RuleId.COMMITTEE, "适用") is False:
            continue  # a branch too small for a 支委 holds no 支委会: an empty row says nothing
        short = _finding_months(m, kind)
        if kind == "主题党日":
            cells = ["、".join(f"{d}日" for d in days) if days else GAP_MARK for days in theme_days]
        else:
            cells = [_num(c) if c else GAP_MARK for c in counts]
        rows.append({
            "项目": kind,
            "月": cells,
            "底色": [GAP_FILL if i + 1 in short else NO_FILL for i in range(12)],
            "合计": _num(sum(counts)) if sum(counts) else GAP_MARK,
        })
    return rows


def build_context(metrics: Mapping, *, show_party_groups: bool | None = None) -> dict:
    """Return the template context: every metrics key unchanged plus the derived names
    (pipeline/core/variables.py DERIVED).

    show_party_groups forces the 党小组会 row of the appendix on or off (default: when held).
    """
    m = dict(metrics)
    clash = DERIVED_NAMES & set(m)
    if clash:
        raise ValueError(f"指标中已有同名键，无法生成派生变量：{'、'.join(sorted(clash))}")
    talks = m.get("谈心谈话") or {}
    dues = m.get("党费") or {}
    if show_party_groups is None:
        show_party_groups = bool(figure(dig(m, "组织生活", "党小组会")))
    problems, causes = titled_items(m.get("问题")), titled_items(m.get("原因"))
    derived = {
        "党员句": members_sentence(m),
        "举措句": measures(m),
        "学习句": study_sentence(m),
        "党课句": lecture_sentence(m),
        "理论学习句": study_activities_sentence(m),
        "帮扶句": assistance_sentence(m),
        "结对帮扶句": twinning_sentence(m),
        "其他事项句": other_sentence(m),
        "三会一课句": meetings_sentence(m),
        "组织生活会句": reviews_sentence(m),
        "组织生活制度句": life_rules_sentence(m),
        "组织生活形式句": forms_sentence(m),
        "采用级别": adoption_levels(m),
        "问题句": problems_sentence(problems),
        "原因句": causes_sentence(causes),
        "问题项": problems,
        "原因项": causes,
        "打算项": titled_items(m.get("打算")),
        "检查发现句": findings_sentence(m),
        "附件表": appendix_rows(m, show_party_groups),
        "附件说明": appendix_note(m),
        "领学句": leaders_sentence(m),
        "谈心谈话全覆盖": (not talks.get("未覆盖党员") and bool(figure(talks.get("覆盖党员")))
                      and rule_met(m, RuleId.TALKS)),
        "党费按月足额": (bool(figure(dues.get("实缴总额"))) and dues.get("足额") is True
                    and rule_met(m, RuleId.DUES)),
        "显示党小组会": show_party_groups,
        "落款日期": signature_date(m),
        "草稿标记": draft_mark(m),
    }
    derived.update(year_on_year_words(m))
    derived.update(rectify_words(m))
    derived["草稿标记"] = draft_mark(m, empty_sections(derived))
    derived["小节"] = sections(m, derived)
    check_derived(derived)  # the names (spelled above) are those pipeline/core/variables.py documents
    m.update(derived)
    return m
