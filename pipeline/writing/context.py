"""Template context: the metrics plus derived sentences and flags the Word template quotes.

Word tags stay short and readable because every sentence with several optional parts is
assembled here; a part whose figure is 0 or missing is left out, never printed as 0次.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipeline.core.cnfmt import FILTERS
from pipeline.core.names import RuleId
from pipeline.core.values import parse_quarter
from pipeline.core.variables import DERIVED_NAMES, check_derived
from pipeline.writing.wording import evidence_sentence, rectify_words, year_on_year_words

_num = FILTERS["数字"]
_approx = FILTERS["约数"]
_qty = FILTERS["数量"]

# 工作举措 板块 in the order of the subsections of 一、履职工作主要情况.
SECTION_ORDER = ("责任落实", "理论学习", "组织建设", "中心工作", "作风建设")
BLANK_DATE = "\u3000年\u3000月\u3000日"

GAP_MARK = "—"
GAP_FILL = "D9D9D9"
NO_FILL = "auto"
_TRAILING_PUNCT = "。；;，,.、：:！!？? \u3000"


def _n(value: Any) -> float:
    """Treat None, missing and non-numbers as 0 so an absent figure drops its sentence."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return value


def _get(d: Any, *keys: str) -> Any:
    """Nested .get that tolerates missing levels and non-dict values."""
    for key in keys:
        if not isinstance(d, Mapping):
            return None
        d = d.get(key)
    return d


def _times(n: Any) -> str:
    """Print a count with 次 (integers as such, 2.0 -> 2)."""
    return f"{_num(n)}次"


def _strip_end(text: Any) -> str:
    """Trim text and drop trailing punctuation so the template adds its own."""
    return str(text or "").strip().rstrip(_TRAILING_PUNCT)


def _sentence(text: Any) -> str:
    """Trim text and make it end with 。 (empty stays empty)."""
    body = _strip_end(text)
    return f"{body}。" if body else ""


def _items(rows: Any) -> list[dict]:
    """Normalise 问题/原因/打算 rows to {标题 without end punctuation, 内容 ending with 。}."""
    out = []
    for row in rows or []:
        if not isinstance(row, Mapping):
            continue
        title = _strip_end(row.get("标题"))
        if title:
            out.append({"标题": title, "内容": _sentence(row.get("内容"))})
    return out


def study_sentence(m: Mapping) -> str:
    """学习句: notes per member (约数), reflections per member and reading checks."""
    words = _n(_get(m, "学习", "人均笔记字数"))
    essays = _n(_get(m, "学习", "人均心得体会篇数"))
    total_essays = _n(_get(m, "学习", "心得体会总篇数"))
    checks = _n(_get(m, "学习", "检查次数"))
    parts = []
    if words:
        parts.append(f"人均记写学习笔记{_approx(words)}字")
    if essays >= 1:
        # Official prose counts 篇 in whole numbers: 2.2 per member is "2篇以上".
        amount = f"{_num(essays)}篇" if float(essays).is_integer() else f"{int(essays)}篇以上"
        parts.append(f"{'撰写' if parts else '人均撰写'}心得体会{amount}")
    elif total_essays:
        parts.append(f"共撰写心得体会{_num(total_essays)}篇")
    clauses = ["党员" + "，".join(parts)] if parts else []
    if checks == 4 and _rule_met(m, RuleId.STUDY):
        clauses.append("每季度对党员学习情况进行1次调阅检查")
    elif checks:
        clauses.append(f"全年对党员学习情况进行调阅检查{_times(checks)}")
    return "，".join(clauses)


def lecture_sentence(m: Mapping) -> str:
    """党课句: lectures by speaker, the secretary first; lectures with no speaker category
    are still counted ("另开展党课2次") so the parts add up to the total."""
    phrases = (
        ("书记", "支部书记带头讲党课"),
        ("专家", "邀请专家讲党课"),
        ("领导干部", "领导干部讲专题党课"),
        ("党员", "党员讲党课"),
        ("未注明", "另开展党课"),
    )
    given = [key for key, _ in phrases if _n(_get(m, "党课", key))]
    parts = [f"{text}{_times(_get(m, '党课', key))}" for key, text in phrases if key in given]
    if len(given) == 1 and _n(_get(m, "党课", given[0])) == _n(_get(m, "组织生活", "党课")):
        return ""  # one category that is the whole total, which 三会一课句 already says
    return "，".join(parts)


def _quantity(item: Mapping) -> str:
    """Print a ledger quantity, or nothing when the figure is 0 or missing."""
    if not _n(item.get("数量")):
        return ""
    return _qty({"数量": item["数量"], "单位": item.get("单位") or "", "约数": bool(item.get("约数"))})


def assistance_sentence(m: Mapping) -> str:
    """帮扶句: one clause per item, "为石门村送去过冬棉服190件"; an 事项 that already names
    its 对象 ("走访慰问柳沟村困难党员") is used as written."""
    clauses = []
    for item in m.get("帮扶") or []:
        if not isinstance(item, Mapping):
            continue
        target = str(item.get("对象") or "").strip()
        what = str(item.get("事项") or "").strip()
        if not what:
            continue
        prefix = f"为{target}" if target and target not in what else ""
        clauses.append(prefix + what + _quantity(item))
    return "，".join(clauses)


def other_sentence(m: Mapping) -> str:
    """其他事项句: every 其他事项 as "事项数量单位"."""
    items = m.get("其他事项") or {}
    parts = []
    for name, item in items.items():
        if not isinstance(item, Mapping):
            continue
        amount = _quantity(item)
        if amount:
            parts.append(f"{name}{amount}")
    return "、".join(parts)


def meetings_sentence(m: Mapping) -> str:
    """三会一课句: committee, general and group meetings, theme days and lectures of the year."""
    life = m.get("组织生活") or {}
    parts = []
    if _n(life.get("支委会")):
        parts.append(f"召开支委会{_times(life['支委会'])}")
    for key in ("党员大会", "党小组会"):
        if _n(life.get(key)):
            parts.append(f"{'' if parts else '召开'}{key}{_times(life[key])}")
    if _n(life.get("主题党日")):
        parts.append(f"开展主题党日活动{_times(life['主题党日'])}")
    if _n(life.get("党课")):
        parts.append(f"讲党课{_times(life['党课'])}")
    return "，".join(parts)


def forms_sentence(m: Mapping) -> str:
    """组织生活形式句: films, twinning and study visits ("观看爱国主义影片3次、警示教育片2次…")."""
    life = m.get("组织生活") or {}
    films = [f"{k}{_times(life[k])}" for k in ("爱国主义影片", "警示教育片") if _n(life.get(k))]
    parts = ["观看" + "、".join(films)] if films else []
    if _n(life.get("观摩学习")):
        parts.append(f"参加观摩学习{_times(life['观摩学习'])}")
    return "、".join(parts)


def members_sentence(m: Mapping) -> str:
    """党员句: members on the roster, 正式/预备, and the year's changes when computed."""
    members = m.get("党员") or {}
    total = _n(members.get("总数"))
    if not total:
        return ""
    full, probation = _n(members.get("正式党员")), _n(members.get("预备党员"))
    text = f"支部现有党员{_num(total)}名"
    if probation:
        text += f"，其中正式党员{_num(full)}名、预备党员{_num(probation)}名"
    changes = [f"{word}{_num(members[key])}名" for key, word in (("增加", "增加"), ("减少", "减少"))
               if _n(members.get(key))]
    if changes:
        text += "，年内" + "、".join(changes)
    return text


def measures(m: Mapping) -> dict[str, str]:
    """举措句: each 板块's measures as the secretary wrote them, each ending with 。."""
    given = m.get("工作举措") or {}
    return {name: "".join(_sentence(text) for text in (given.get(name) or []) if _strip_end(text))
            for name in SECTION_ORDER}


def study_activities_sentence(m: Mapping) -> str:
    """理论学习句: led study at 主题党日, 专题研讨, lectures by speaker, 知识测试."""
    life = m.get("组织生活") or {}
    parts = [leaders_sentence(m)]
    if _n(life.get("专题研讨")):
        parts.append(f"开展专题研讨{_times(life['专题研讨'])}")
    parts.append(lecture_sentence(m))
    if _n(life.get("知识测试")):
        parts.append(f"开展知识测试{_times(life['知识测试'])}")
    return "，".join(p for p in parts if p)


def twinning_sentence(m: Mapping) -> str:
    """结对帮扶句: 结对共建 held and the aid items."""
    count = _n(_get(m, "组织生活", "结对共建"))
    parts = [f"开展党组织结对共建活动{_times(count)}" if count else "", assistance_sentence(m)]
    return "，".join(p for p in parts if p)


def reviews_sentence(m: Mapping) -> str:
    """组织生活会句: the year's 组织生活会 and 民主评议党员."""
    life = m.get("组织生活") or {}
    parts = []
    if _n(life.get("组织生活会")):
        parts.append(f"召开组织生活会{_times(life['组织生活会'])}")
    if _n(life.get("民主评议党员")):
        parts.append(f"开展民主评议党员{_times(life['民主评议党员'])}")
    return "，".join(parts)


# Each kind of 组织生活 behind 认真落实“三会一课”、主题党日 -> its rule, then any other rule whose
# findings say it was not held as required (组织生活制度句, the appendix's shaded months):
# 书记讲党课 is about 党课 too; a 党员大会 short of a quorum was still held.
ACTIVITY_RULES: dict[str, tuple[RuleId, ...]] = {
    "支委会": (RuleId.COMMITTEE,),
    "党员大会": (RuleId.MEMBERS_MEETING,),
    "党小组会": (RuleId.GROUP_MEETING,),
    "党课": (RuleId.LESSON, RuleId.SECRETARY_LESSON),
    "主题党日": (RuleId.THEME_DAY,),
}


def life_rules_sentence(m: Mapping) -> str:
    """组织生活制度句: 严格按照/认真落实 only when every applicable rule was checked and met."""
    rules = m.get("检查规则") or {}
    if not isinstance(rules.get(RuleId.THEME_DAY), Mapping):
        return ""
    life = m.get("组织生活") or {}
    if not all(_n(life.get(k)) for k in ("党员大会", "党课", "主题党日")):
        return ""  # a rule met with nothing held is a rule not configured, never a claim
    for rule_id, *others in ACTIVITY_RULES.values():
        entry = rules.get(rule_id)
        if not isinstance(entry, Mapping):
            return ""
        if entry.get("启用") is False or entry.get("适用") is False:
            if rule_id == RuleId.THEME_DAY:
                return ""  # 主题党日 unchecked: no claim about it
            continue
        if not _rule_met(m, rule_id, *others):
            return ""
    text = "认真落实“三会一课”、主题党日等党内基本组织生活制度"
    deadline = rules[RuleId.THEME_DAY].get("截止日")
    return f"严格按照每月{deadline}日前完成当月组织生活的要求，{text}" if deadline else text


def sections(m: Mapping, derived: Mapping) -> dict[str, str]:
    """小节: the subsections of 一、 that have something to say, numbered in order."""
    life = m.get("组织生活") or {}
    said = {
        "责任落实": (_n(life.get("专题研究党建")) or _n(_get(m, "谈心谈话", "次数")) or derived["学习句"]),
        "理论学习": derived["理论学习句"] or derived["结对帮扶句"] or derived["其他事项句"],
        "组织建设": derived["组织生活制度句"] or derived["三会一课句"]
                    or derived["组织生活会句"] or derived["组织生活形式句"] or _n(_get(m, "党费", "实缴总额")),
        "中心工作": _n(_get(m, "信息报送", "报送篇数")),
        "作风建设": False,
    }
    shown = [name for name in SECTION_ORDER if derived["举措句"][name] or said[name]]
    numbers = {name: FILTERS["小标题"](i) for i, name in enumerate(shown, 1)}
    return {name: numbers.get(name, "") for name in SECTION_ORDER}


def draft_mark(m: Mapping) -> str:
    """草稿标记: a report rendered despite error rows says so on every page."""
    errors = _n(_get(m, "校验", "错误"))
    return f"（台账有 {_num(errors)} 处错误未计入，本稿仅供核对）" if errors else ""


def signature_date(m: Mapping) -> str:
    """落款日期: the 报告日期, or blanks for the secretary to fill in by hand."""
    day = _get(m, "支部", "报告日期")
    return FILTERS["日期"](day) if day else BLANK_DATE


def adoption_levels(m: Mapping) -> str:
    """采用级别: levels with at least one adopted piece, highest first."""
    levels = _get(m, "信息报送", "按级别") or {}
    return "、".join(k for k in ("中央", "省", "市", "县") if _n(levels.get(k)))


def _enum(i: int, count: int) -> str:
    """一是、二是… only when there is more than one item to count."""
    return FILTERS["一是"](i) if count > 1 else ""


def problems_sentence(items: list[dict]) -> str:
    """问题句: "一是标题。内容二是标题。内容…" as one paragraph."""
    return "".join(f"{_enum(i, len(items))}{it['标题']}。{it['内容']}" for i, it in enumerate(items, 1))


def causes_sentence(items: list[dict]) -> str:
    """原因句: "一是标题。内容；二是…。" with 内容 joined by semicolons, full stop at the end."""
    parts = []
    for i, it in enumerate(items, 1):
        body = it["内容"].rstrip("。")
        parts.append(f"{_enum(i, len(items))}{it['标题']}" + (f"。{body}" if body else ""))
    return "；".join(parts) + "。" if parts else ""


def findings_sentence(m: Mapping) -> str:
    """检查发现句: the rule-check findings as evidence, or that the rules were met."""
    if m.get("检查发现") is None:
        return ""
    return evidence_sentence([f for f in m["检查发现"] if isinstance(f, dict)], m.get("检查规则"))


def leaders_sentence(m: Mapping) -> str:
    """领学句: who led study at 主题党日 ("每月主题党日活动上安排1名干部领学")."""
    held = _n(_get(m, "组织生活", "主题党日"))
    led = _n(_get(m, "主题党日", "领学次数"))
    if not led:
        return ""
    days = _get(m, "主题党日", "举办日") or []
    one = "1名" if _get(m, "主题党日", "每次一人领学") else ""
    if led == held and len(days) == 12 and all(days):
        return f"每月主题党日活动上安排{one}干部领学"
    if led >= held:  # the count is 三会一课句's: not said twice
        return f"每次主题党日活动上均安排{one}干部领学"
    return f"在{_num(led)}次主题党日活动上安排{one}干部领学"


def _rule_met(m: Mapping, rule_id: RuleId, *others: RuleId) -> bool:
    """The rule was checked and found no gap, nor did the `others` about the same thing."""
    checked = _get(m, "检查规则", rule_id)
    if not isinstance(checked, Mapping) or not checked.get("已检查"):
        return False
    return not _findings_of(m, (rule_id, *others))


def _findings_of(m: Mapping, ids: tuple[RuleId, ...]) -> list[Mapping]:
    """The findings of these rules, by their 规则编号."""
    return [f for f in m.get("检查发现") or [] if isinstance(f, Mapping) and f.get("规则编号") in ids]


def _finding_months(m: Mapping, kind: str) -> set[int]:
    """Months (1..12) named in 检查发现.涉及 of the findings about a kind of 组织生活 (ACTIVITY_RULES)."""
    months: set[int] = set()
    for f in _findings_of(m, ACTIVITY_RULES[kind]):
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
    theme_days = _get(m, "主题党日", "举办日") or [[] for _ in range(12)]
    rows = []
    for kind in ("支委会", "党员大会", "党小组会", "党课", "主题党日"):
        if kind == "党小组会" and not show_party_groups:
            continue
        counts = [_n(c) for c in (by_month.get(kind) or [])][:12]
        counts += [0] * (12 - len(counts))
        if kind == "支委会" and not sum(counts) and _get(m, "检查规则", RuleId.COMMITTEE, "适用") is False:
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


def appendix_note(m: Mapping) -> str:
    """附件说明: what the cells, the "—" and the shading mean, with the thresholds applied."""
    rules = m.get("检查规则") or {}
    # Each kind's own rule, named by its id (支委会每月至少1次).
    kinds = [k for k, *_ in ACTIVITY_RULES.values() if isinstance(rules.get(k), Mapping)]
    checked = [k for k in kinds if rules[k].get("已检查")]
    limits = [f"{k}{rules[k]['周期']}至少{rules[k]['最少次数']}次" for k in checked if rules[k].get("最少次数")]
    if RuleId.THEME_DAY in checked and rules[RuleId.THEME_DAY].get("截止日"):
        limits.append(f"主题党日于每月{rules[RuleId.THEME_DAY]['截止日']}日前开展")
    basis = f"（{'，'.join(limits)}）" if limits else ""
    # A rule that could not be judged (台账 with error rows) shades nothing: say so.
    unjudged = [k for k in kinds if rules[k].get("启用", True) and rules[k].get("适用", True)
                and not rules[k].get("已检查")]
    caveat = f"{'、'.join(unjudged)}未作规则检查（{rules[unjudged[0]].get('未检查原因', '')}）。" if unjudged else ""
    return ("注：表中数字为当月开展次数，主题党日一行为开展日期，“—”表示当月未开展；"
            f"灰色底纹标示规则检查发现未按规定开展或未按时开展的月份{basis}。{caveat}")


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
        show_party_groups = bool(_n(_get(m, "组织生活", "党小组会")))
    problems, causes = _items(m.get("问题")), _items(m.get("原因"))
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
        "打算项": _items(m.get("打算")),
        "检查发现句": findings_sentence(m),
        "附件表": appendix_rows(m, show_party_groups),
        "附件说明": appendix_note(m),
        "领学句": leaders_sentence(m),
        "谈心谈话全覆盖": (not talks.get("未覆盖党员") and bool(_n(talks.get("覆盖党员")))
                      and _rule_met(m, RuleId.TALKS)),
        "党费按月足额": (bool(_n(dues.get("实缴总额"))) and dues.get("足额") is True
                    and _rule_met(m, RuleId.DUES)),
        "显示党小组会": show_party_groups,
        "落款日期": signature_date(m),
        "草稿标记": draft_mark(m),
    }
    derived.update(year_on_year_words(m))
    derived.update(rectify_words(m))
    derived["小节"] = sections(m, derived)
    check_derived(derived)  # the names (spelled above) are those pipeline/core/variables.py documents
    m.update(derived)
    return m
