"""Report wording derived in code: the sentences the template context carries besides the
figures (section 二's evidence, 同比 and 整改 sentences). Each is built only from metrics.json,
so what it says can be traced to a figure; the template's own prose is in templates/.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipeline.core import vocab
from pipeline.core.cnfmt import FILTERS
from pipeline.core.names import RuleId
from pipeline.rules.rule import LOCAL

RECTIFY_STATES = tuple(vocab.RECTIFY_STATUS)  # 已完成, 推进中, 未完成
ALL_MET = "经对全年台账核查，“三会一课”、主题党日、谈心谈话、党费收缴等制度均按规定落实。"


# ------------------------------------------------------------------ section 二: the findings

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
    """The all-met sentence, naming only what was checked (nothing checked: no sentence)."""
    if checked is None:
        return ALL_MET
    names = [name for name, ids in MET_NAMES if any((checked.get(i) or {}).get("已检查") for i in ids)]
    if not names:
        return ""
    return f"经对全年台账核查，{'、'.join(names[:4])}等制度均按规定落实。"


def evidence_sentence(findings: list[dict], checked: dict | None = None) -> str:
    """Section 二's evidence: the findings in one sentence, or that every checked rule was met.

    Findings about named members are told by number (`2名党员…`): a 述职报告 is read aloud
    at the 评议 meeting; the names stay in 校验报告 and metrics.json.
    """
    notes: list[str] = []
    dues = [f for f in findings or [] if f.get("规则编号") == RuleId.DUES]
    for f in findings or []:
        if f in dues:
            if f is dues[0]:
                notes.append(_dues_summary(dues))
            continue
        notes.append(str(f.get("报告说明") or f.get("说明") or "").strip().rstrip("。；;，, "))
    notes = [n for n in notes if n]
    if not notes:
        return met_sentence(checked)
    documents = cited_documents(findings)
    basis = f"经对照{_and(documents)}对全年台账核查，" if documents else "经对全年台账核查，"
    return basis + "；".join(notes) + "。"


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


# ------------------------------------------------------------------ 同比 (with --previous)

_MEETINGS = (("支委会", "支委会", "召开支委会"), ("党员大会", "党员大会", "召开党员大会"),
             ("党小组会", "党小组会", "召开党小组会"), ("主题党日", "主题党日活动", "开展主题党日活动"),
             ("党课", "党课", "讲党课"))


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _compare(m: Mapping, keys: tuple[str, ...], unit: str, fmt=None) -> str:
    """`较上年增加N单位` / `较上年减少N单位` / `与上年持平`; "" when last year is unknown or this
    year's figure is 0 (the sentence it belongs to is left out then)."""
    now, change = _get(m, *keys), _get(m, "同比", "增减", *keys)
    if not _figure(now) or not now or not _figure(change):
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
        now, change = _get(m, "组织生活", key), _get(m, "同比", "增减", "组织生活", key)
        if not _figure(now) or not _figure(change) or not (now or _get(m, "同比", "上年", "组织生活", key)):
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



def _figure(value: Any) -> bool:
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
