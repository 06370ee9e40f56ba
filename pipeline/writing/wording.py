"""Report wording derived in code: every sentence the template context carries besides the
figures (the 党员句, section 一's 举措/学习/三会一课… sentences, section 二's 问题/原因/evidence,
同比 and 整改 sentences, the 落款 date, the appendix's note). Each is built only from metrics.json,
so what it says can be traced to a figure; a part whose figure is 0 or missing is left out, never
printed as 0次. The template's own prose is in templates/默认模板.txt; pipeline/writing/context.py
assembles the context from these.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.core import vocab
from pipeline.core.cnfmt import FILTERS
from pipeline.core.names import RuleId
from pipeline.core.values import dig
from pipeline.rules.rule import LOCAL

_num = FILTERS["数字"]
_approx = FILTERS["约数"]
_qty = FILTERS["数量"]

RECTIFY_STATES = tuple(vocab.RECTIFY_STATUS)  # 已完成, 推进中, 未完成
ALL_MET = "经对全年台账核查，“三会一课”、主题党日、谈心谈话、党费收缴等制度均按规定落实。"

# 工作举措 板块 in the order of the subsections of 一、履职工作主要情况.
SECTION_ORDER = ("责任落实", "理论学习", "组织建设", "中心工作", "作风建设")
BLANK_DATE = "\u3000年\u3000月\u3000日"
_TRAILING_PUNCT = "。；;，,.、：:！!？? \u3000"


# ------------------------------------------------------------------ shared by every sentence
def figure(value: Any) -> float:
    """A figure of metrics.json as a number: None, missing and non-numbers are 0, so an absent
    figure drops its sentence."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    return value


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


def titled_items(rows: Any) -> list[dict]:
    """Normalise 问题/原因/打算 rows to {标题 without end punctuation, 内容 ending with 。}."""
    out = []
    for row in rows or []:
        if not isinstance(row, Mapping):
            continue
        title = _strip_end(row.get("标题"))
        if title:
            out.append({"标题": title, "内容": _sentence(row.get("内容"))})
    return out


def rule_met(m: Mapping, rule_id: RuleId, *others: RuleId) -> bool:
    """The rule was checked and found no gap, nor did the `others` about the same thing."""
    checked = dig(m, "检查规则", rule_id)
    if not isinstance(checked, Mapping) or not checked.get("已检查"):
        return False
    return not findings_of(m, (rule_id, *others))


def findings_of(m: Mapping, ids: tuple[RuleId, ...]) -> list[Mapping]:
    """The findings of these rules, by their 规则编号."""
    return [f for f in m.get("检查发现") or [] if isinstance(f, Mapping) and f.get("规则编号") in ids]


# ------------------------------------------------------------------ the opening and section 一
def members_sentence(m: Mapping) -> str:
    """党员句: members on the roster, 正式/预备, and the year's changes when computed."""
    members = m.get("党员") or {}
    total = figure(members.get("总数"))
    if not total:
        return ""
    full, probation = figure(members.get("正式党员")), figure(members.get("预备党员"))
    text = f"支部现有党员{_num(total)}名"
    if probation:
        text += f"，其中正式党员{_num(full)}名、预备党员{_num(probation)}名"
    changes = [f"{word}{_num(members[key])}名" for key, word in (("增加", "增加"), ("减少", "减少"))
               if figure(members.get(key))]
    if changes:
        text += "，年内" + "、".join(changes)
    return text


def measures(m: Mapping) -> dict[str, str]:
    """举措句: each 板块's measures as the secretary wrote them, each ending with 。."""
    given = m.get("工作举措") or {}
    return {name: "".join(_sentence(text) for text in (given.get(name) or []) if _strip_end(text))
            for name in SECTION_ORDER}


def study_sentence(m: Mapping) -> str:
    """学习句: notes per member (约数), reflections per member and reading checks."""
    words = figure(dig(m, "学习", "人均笔记字数"))
    essays = figure(dig(m, "学习", "人均心得体会篇数"))
    total_essays = figure(dig(m, "学习", "心得体会总篇数"))
    checks = figure(dig(m, "学习", "检查次数"))
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
    if checks == 4 and rule_met(m, RuleId.STUDY):
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
    given = [key for key, _ in phrases if figure(dig(m, "党课", key))]
    parts = [f"{text}{_times(dig(m, '党课', key))}" for key, text in phrases if key in given]
    if len(given) == 1 and figure(dig(m, "党课", given[0])) == figure(dig(m, "组织生活", "党课")):
        return ""  # one category that is the whole total, which 三会一课句 already says
    return "，".join(parts)


def _quantity(item: Mapping) -> str:
    """Print a ledger quantity, or nothing when the figure is 0 or missing."""
    if not figure(item.get("数量")):
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
    if figure(life.get("支委会")):
        parts.append(f"召开支委会{_times(life['支委会'])}")
    for key in ("党员大会", "党小组会"):
        if figure(life.get(key)):
            parts.append(f"{'' if parts else '召开'}{key}{_times(life[key])}")
    if figure(life.get("主题党日")):
        parts.append(f"开展主题党日活动{_times(life['主题党日'])}")
    if figure(life.get("党课")):
        parts.append(f"讲党课{_times(life['党课'])}")
    return "，".join(parts)


def forms_sentence(m: Mapping) -> str:
    """组织生活形式句: films, twinning and study visits ("观看爱国主义影片3次、警示教育片2次…")."""
    life = m.get("组织生活") or {}
    films = [f"{k}{_times(life[k])}" for k in ("爱国主义影片", "警示教育片") if figure(life.get(k))]
    parts = ["观看" + "、".join(films)] if films else []
    if figure(life.get("观摩学习")):
        parts.append(f"参加观摩学习{_times(life['观摩学习'])}")
    return "、".join(parts)


def study_activities_sentence(m: Mapping) -> str:
    """理论学习句: led study at 主题党日, 专题研讨, lectures by speaker, 知识测试."""
    life = m.get("组织生活") or {}
    parts = [leaders_sentence(m)]
    if figure(life.get("专题研讨")):
        parts.append(f"开展专题研讨{_times(life['专题研讨'])}")
    parts.append(lecture_sentence(m))
    if figure(life.get("知识测试")):
        parts.append(f"开展知识测试{_times(life['知识测试'])}")
    return "，".join(p for p in parts if p)


def twinning_sentence(m: Mapping) -> str:
    """结对帮扶句: 结对共建 held and the aid items."""
    count = figure(dig(m, "组织生活", "结对共建"))
    parts = [f"开展党组织结对共建活动{_times(count)}" if count else "", assistance_sentence(m)]
    return "，".join(p for p in parts if p)


def reviews_sentence(m: Mapping) -> str:
    """组织生活会句: the year's 组织生活会 and 民主评议党员."""
    life = m.get("组织生活") or {}
    parts = []
    if figure(life.get("组织生活会")):
        parts.append(f"召开组织生活会{_times(life['组织生活会'])}")
    if figure(life.get("民主评议党员")):
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
    "主题党日": (RuleId.THEME_DAY, RuleId.THEME_DAY_DEADLINE, RuleId.THEME_DAY_FIXED),
}


def life_rules_sentence(m: Mapping) -> str:
    """组织生活制度句: 严格按照/认真落实 only when every applicable rule was checked and met."""
    rules = m.get("检查规则") or {}
    if not isinstance(rules.get(RuleId.THEME_DAY), Mapping):
        return ""
    life = m.get("组织生活") or {}
    if not all(figure(life.get(k)) for k in ("党员大会", "党课", "主题党日")):
        return ""  # a rule met with nothing held is a rule not configured, never a claim
    for rule_id, *others in ACTIVITY_RULES.values():
        entry = rules.get(rule_id)
        if not isinstance(entry, Mapping):
            return ""
        if entry.get("启用") is False or entry.get("适用") is False:
            if rule_id == RuleId.THEME_DAY:
                return ""  # 主题党日 unchecked: no claim about it
            continue
        if not rule_met(m, rule_id, *others):
            return ""
    text = "认真落实“三会一课”、主题党日等党内基本组织生活制度"
    deadline = _deadline(rules)
    return f"严格按照每月{deadline}日前完成当月组织生活的要求，{text}" if deadline else text


def _deadline(rules: Mapping):
    """The day of the month 主题党日 is due by, when that local rule was checked (else None)."""
    entry = rules.get(RuleId.THEME_DAY_DEADLINE)
    if entry is None:  # a metrics.json written when the deadline was part of the 主题党日 rule
        entry = rules.get(RuleId.THEME_DAY)
    if not isinstance(entry, Mapping) or not entry.get("已检查"):
        return None
    return entry.get("截止日")


def leaders_sentence(m: Mapping) -> str:
    """领学句: who led study at 主题党日 ("每月主题党日活动上安排1名干部领学")."""
    held = figure(dig(m, "组织生活", "主题党日"))
    led = figure(dig(m, "主题党日", "领学次数"))
    if not led:
        return ""
    days = dig(m, "主题党日", "举办日") or []
    one = "1名" if dig(m, "主题党日", "每次一人领学") else ""
    if led == held and len(days) == 12 and all(days):
        return f"每月主题党日活动上安排{one}干部领学"
    if led >= held:  # the count is 三会一课句's: not said twice
        return f"每次主题党日活动上均安排{one}干部领学"
    return f"在{_num(led)}次主题党日活动上安排{one}干部领学"


def adoption_levels(m: Mapping) -> str:
    """采用级别: levels with at least one adopted piece, highest first."""
    levels = dig(m, "信息报送", "按级别") or {}
    return "、".join(k for k in ("中央", "省", "市", "县") if figure(levels.get(k)))


# ------------------------------------------------------------------ section 二: problems, causes, findings
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
    """检查发现句: the rule-check findings as the branch's own shortcomings, in the first person
    and with their figures (their 依据 is in the 校验报告). With no finding nothing is said
    here — no "all rules met" under 存在的主要问题 — and a report with neither findings nor
    问题清单 items says what to fill in (the 草稿标记 marks it as a draft)."""
    if m.get("检查发现") is None:
        return ""
    findings = [f for f in m["检查发现"] if isinstance(f, dict)]
    if not findings:
        return "" if titled_items(m.get("问题")) else TO_FILL
    return evidence_sentence(findings, m.get("检查规则"), after_own=bool(titled_items(m.get("问题"))))


# Section 二 with nothing to say: what the secretary is to fill in.
TO_FILL = ("【待填写】规则检查未发现问题，问题清单也没有填写。请在“问题清单”中写明本支部存在的主要问题及原因"
           "（类型填“问题”或“原因”），重新生成报告。")


# Section 二's shortcomings, each a group of rules in the secretary's words (问题 → the figures).
SHORTCOMINGS: tuple[tuple[str, tuple[RuleId, ...]], ...] = (
    ("落实“三会一课”等组织生活制度还不够严格", (
        RuleId.COMMITTEE, RuleId.COMMITTEE_QUORUM, RuleId.MEMBERS_MEETING, RuleId.QUORUM, RuleId.GROUP_MEETING,
        RuleId.LESSON, RuleId.SECRETARY_LESSON, RuleId.THEME_DAY, RuleId.THEME_DAY_DEADLINE, RuleId.THEME_DAY_FIXED,
        RuleId.LIFE_MEETING, RuleId.APPRAISAL, RuleId.ABSENCE)),
    ("谈心谈话开展得还不够全面", (RuleId.TALKS,)),
    ("党费收缴管理还不够规范", (RuleId.DUES,)),
    ("党员队伍和班子建设还有薄弱环节", (RuleId.PROBATION, RuleId.TERM)),
    ("督促党员学习还不够经常", (RuleId.STUDY,)),
    ("上年度查摆问题整改还不够到位", (RuleId.RECTIFY, RuleId.RECURRING)),
)


# What the all-met sentence may name, and the rules behind each name.
MET_NAMES: tuple[tuple[str, tuple[RuleId, ...]], ...] = (
    ("“三会一课”", (RuleId.COMMITTEE, RuleId.MEMBERS_MEETING, RuleId.GROUP_MEETING, RuleId.LESSON)),
    ("主题党日", (RuleId.THEME_DAY,)),
    ("谈心谈话", (RuleId.TALKS,)),
    ("党费收缴", (RuleId.DUES,)),
    ("组织生活会", (RuleId.LIFE_MEETING,)),
    ("学习笔记检查", (RuleId.STUDY,)),
)


def met_sentence(checked: dict | None) -> str:
    """The all-met sentence, naming only what was checked (nothing checked: no sentence). Not
    section 二's: a template may still use it where the work done is told."""
    if checked is None:
        return ALL_MET
    names = [name for name, ids in MET_NAMES if any((checked.get(i) or {}).get("已检查") for i in ids)]
    if not names:
        return ""
    return f"经对全年台账核查，{'、'.join(names[:4])}等制度均按规定落实。"


def evidence_sentence(findings: list[dict], checked: dict | None = None, after_own: bool = False) -> str:
    """Section 二's shortcomings from the findings, in the first person: `对照台账逐项自查，我在
    抓党建工作中还存在以下不足：一是…，5月未召开支委会；二是…。` Each group of rules
    (SHORTCOMINGS) is one item with the findings' figures; `after_own` (the secretary listed
    problems of their own above) opens with 此外. No finding: "" (nothing hollow).

    Findings about named members are told by number (`2名党员…`): a 述职报告 is read aloud
    at the 评议 meeting; the names stay in 校验报告 and metrics.json.
    """
    groups: dict[str, list[str]] = {}
    dues = [f for f in findings or [] if f.get("规则编号") == RuleId.DUES]
    for f in findings or []:
        title = next((t for t, ids in SHORTCOMINGS if f.get("规则编号") in ids), "其他方面还有差距")
        if f in dues:
            if f is not dues[0]:
                continue
            note = _dues_summary(dues)
        else:
            note = str(f.get("报告说明") or f.get("说明") or "").strip().rstrip(_TRAILING_PUNCT)
        if note:
            groups.setdefault(title, [])
            if note not in groups[title]:
                groups[title].append(note)
    if not groups:
        return ""
    items = [(t, groups[t]) for t in [*(t for t, _ in SHORTCOMINGS), "其他方面还有差距"] if t in groups]
    body = "；".join(f"{_enum(i, len(items))}{title}，{'，'.join(notes)}" for i, (title, notes) in enumerate(items, 1))
    opening = "此外，对照台账逐项自查，还存在以下不足：" if after_own else "对照台账逐项自查，我在抓党建工作中还存在以下不足："
    return opening + body + "。"


def cited_documents(findings: list[dict]) -> list[str]:
    """The documents the findings rest on, in order, for section 二: each source's title
    (`《中国共产党章程》`), or 本地有关规定 for local practice cited without a title of its own."""
    out: list[str] = []
    for f in findings or []:
        source = str(f.get("依据") or "")
        title = re.match(r"《[^》]+》", source)
        if title:
            out.append(title[0])
        elif f.get("依据类别") == LOCAL or source:
            out.append("本地有关规定")
    docs = list(dict.fromkeys(out))
    # Local practice last: the Party's own documents first.
    return [d for d in docs if d != "本地有关规定"] + [d for d in docs if d == "本地有关规定"]


def _and(items: list[str]) -> str:
    return "、".join(items[:-1]) + "和" + items[-1] if len(items) > 1 else items[0]


def _dues_summary(dues: list[dict]) -> str:
    serious = [f for f in dues if f.get("严重")]
    missed = [f for f in dues if not f.get("少缴") or "未缴纳" in f.get("说明", "")]
    under = [f for f in dues if f.get("少缴")]
    parts = [f"{len(missed)}名党员存在未按月缴纳党费的情况"] if missed else []
    parts += [f"{len(under)}名党员存在未足额缴纳党费的情况"] if under else []
    text = "，".join(parts)
    if serious:
        text += f"，其中{len(serious)}名连续多月未缴纳" if len(missed) > 1 else "，且连续多月未缴纳"
    return text


# ------------------------------------------------------------------ the 落款, the draft mark, the appendix's note
def signature_date(m: Mapping) -> str:
    """落款日期: the 报告日期, or blanks for the secretary to fill in by hand."""
    day = dig(m, "支部", "报告日期")
    return FILTERS["日期"](day) if day else BLANK_DATE


def draft_mark(m: Mapping, empty: Sequence[str] = ()) -> str:
    """草稿标记: a report rendered despite error rows, or with a required section left empty
    (`empty`: why, per section), or whose section 二 has neither a finding nor a 问题清单 item,
    says so on every page."""
    errors = figure(dig(m, "校验", "错误"))
    reasons = [f"台账有 {_num(errors)} 处错误未计入"] if errors else []
    reasons += list(empty)
    if m.get("检查发现") == [] and not titled_items(m.get("问题")) and not empty:
        # No finding and none of the branch's own problems: section 二 would say nothing of its own.
        reasons.append("“存在的主要问题”待填写")
    return f"（{'；'.join(reasons)}，本稿仅供核对）" if reasons else ""


# Required sections of the report: what makes one empty, and what to fill in (draft_mark).
EMPTY_SECTIONS = (
    (("整改句", "问题句", "检查发现句", "原因句"), "“二、存在的主要问题及原因”没有内容，请填写问题清单"),
    (("打算项",), "“三、下一步工作打算”没有内容，请填写任务清单"),
)


def empty_sections(derived: Mapping) -> list[str]:
    """Why each required section with nothing to say is empty (draft_mark)."""
    return [why for names, why in EMPTY_SECTIONS if not any(derived.get(n) for n in names)]


def appendix_note(m: Mapping) -> str:
    """附件说明: what the cells, the "—" and the shading mean, with the thresholds applied."""
    rules = m.get("检查规则") or {}
    # Each kind's own rule, named by its id (支委会每月至少1次).
    kinds = [k for k, *_ in ACTIVITY_RULES.values() if isinstance(rules.get(k), Mapping)]
    checked = [k for k in kinds if rules[k].get("已检查")]
    limits = [f"{k}{rules[k]['周期']}至少{rules[k]['最少次数']}次" for k in checked if rules[k].get("最少次数")]
    if RuleId.THEME_DAY in checked and _deadline(rules):
        limits.append(f"主题党日于每月{_deadline(rules)}日前开展")
    basis = f"（{'，'.join(limits)}）" if limits else ""
    # A rule that could not be judged (台账 with error rows) shades nothing: say so.
    unjudged = [k for k in kinds if rules[k].get("启用", True) and rules[k].get("适用", True)
                and not rules[k].get("已检查")]
    caveat = f"{'、'.join(unjudged)}未作规则检查（{rules[unjudged[0]].get('未检查原因', '')}）。" if unjudged else ""
    return ("注：表中数字为当月开展次数，主题党日一行为开展日期，“—”表示当月未开展；"
            f"灰色底纹标示规则检查发现未按规定开展或未按时开展的月份{basis}。{caveat}")


# ------------------------------------------------------------------ 同比 (with --previous)

_MEETINGS = (("支委会", "支委会", "召开支委会"), ("党员大会", "党员大会", "召开党员大会"),
             ("党小组会", "党小组会", "召开党小组会"), ("主题党日", "主题党日活动", "开展主题党日活动"),
             ("党课", "党课", "讲党课"))


def _compare(m: Mapping, keys: tuple[str, ...], unit: str, fmt=None) -> str:
    """`较上年增加N单位` / `较上年减少N单位` / `与上年持平`; "" when last year is unknown or this
    year's figure is 0 (the sentence it belongs to is left out then)."""
    now, change = dig(m, *keys), dig(m, "同比", "增减", *keys)
    if not _is_figure(now) or not now or not _is_figure(change):
        return ""
    if change == 0:
        return "与上年持平"
    amount = fmt(abs(change)) if fmt else f"{_plain(abs(change))}{unit}"
    return f"较上年{'增加' if change > 0 else '减少'}{amount}"


def _plain(number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def meetings_change(m: Mapping) -> str:
    """同比三会一课句: the kinds held both years, the unchanged ones grouped first."""
    same, moved = [], []
    for key, noun, verb in _MEETINGS:
        now, change = dig(m, "组织生活", key), dig(m, "同比", "增减", "组织生活", key)
        if not _is_figure(now) or not _is_figure(change) or not (now or dig(m, "同比", "上年", "组织生活", key)):
            continue
        if change == 0:
            same.append(noun)
        else:
            moved.append(f"{verb}较上年{'增加' if change > 0 else '减少'}{_plain(abs(change))}次")
    parts = ([f"{'、'.join(same)}次数与上年持平"] if same else []) + moved
    return "，".join(parts)


def year_on_year_words(m: Mapping) -> dict:
    """The 同比… names of the template context (pipeline/core/variables.py DERIVED)."""
    return {
        "同比三会一课句": meetings_change(m),
        "同比谈心谈话": _compare(m, ("谈心谈话", "次数"), "次"),
        "同比党课": _compare(m, ("党课", "总数"), "次"),
        "同比党费": _compare(m, ("党费", "实缴总额"), "", FILTERS["万元"]),
        "同比信息报送": _compare(m, ("信息报送", "报送篇数"), "篇"),
        "同比信息采用": _compare(m, ("信息报送", "采用篇数"), "篇（次）"),
    }


def _is_figure(value: Any) -> bool:
    """A number that can be compared (a bool is not a figure)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ------------------------------------------------------------------ 整改 (with a 整改台账)

_STATE_WORDS = {"推进中": "正在推进", "未完成": "未完成"}


def rectify_sentence(m: Mapping) -> str:
    """整改句: how many of last year's problems, how many done, the rest named with their reason."""
    data = m.get("整改")
    if not isinstance(data, Mapping) or not data.get("问题数"):
        return ""
    total, done = data["问题数"], data.get(vocab.DONE, 0)
    if done == total:
        return f"上年度查摆问题{total}个，已全部完成整改。"
    parts = [f"上年度查摆问题{total}个，" + (f"已完成整改{done}个" if done else "尚未有完成整改的")]
    for state in RECTIFY_STATES[1:]:
        items = [i for i in data.get("事项") or [] if isinstance(i, Mapping) and i.get("完成情况") == state]
        if not items:
            continue
        named = "；".join(f"“{i['问题']}”" + (f"，原因是{i['未完成原因'].rstrip('。；;，, ')}" if i.get("未完成原因") else "")
                         for i in items)
        parts.append(f"{len(items)}个{_STATE_WORDS[state]}：{named}")
    return "，".join(parts) + "。"


def rectify_words(m: Mapping) -> dict:
    return {"整改句": rectify_sentence(m)}
