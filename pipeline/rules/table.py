"""RULES, the one table of rules: what is counted, per which period, the default threshold, when
the rule applies, the source every finding cites, and the checker that judges it.

A new rule is a row here (and its id in names.RuleId). Rules own their settings (Settings
below); settings.py only reads pipeline.toml into them, so it imports this module and never the
other way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.limits import DEFAULT as DEFAULT_LIMITS
from pipeline.core.limits import Limits
from pipeline.core.names import LedgerKind, RuleId
from pipeline.rules import dues, meetings, members, talks
from pipeline.rules.rule import (
    CHARTER,
    CONSTITUTION,
    DUES_REGULATIONS,
    GUIDING,
    LOCAL,
    REGULATIONS,
    TIAOLI,
    Period,
    Rule,
    RuleSettings,
)

# Short names keep each rule of the table on two lines.
MONTH, QUARTER, YEAR = Period.MONTH, Period.QUARTER, Period.YEAR

RULES: tuple[Rule, ...] = (
    Rule(RuleId.COMMITTEE, "支委会每月召开", meetings.count, "支委会", "召开支委会", MONTH, 1,
         f"{REGULATIONS}第十二条", TIAOLI, applies="full_members", options={"min_full_members": 7}),
    # 第十二条: 支部委员会会议须有半数以上委员到会方可进行 (the 委员 from the roster's 党内职务).
    Rule(RuleId.COMMITTEE_QUORUM, "支委会到会委员过半数", meetings.committee_quorum, "支委会", "召开支委会", YEAR,
         None, f"{REGULATIONS}第十二条", TIAOLI, applies="full_members", options={"min_full_members": 7}),
    Rule(RuleId.MEMBERS_MEETING, "党员大会每季度召开", meetings.count, "党员大会", "召开党员大会", QUARTER, 1,
         f"{REGULATIONS}第十一条", TIAOLI),
    # A meeting short of a quorum was still held: not one of context.ACTIVITY_RULES (the
    # appendix does not shade its month). 第十一条 counts 有表决权的党员 (正式党员): voting_only
    # false counts 应到人数 as written, 预备党员 included (本地规定).
    Rule(RuleId.QUORUM, "大会到会人数过半数", meetings.quorum, "党员大会", "召开党员大会", YEAR, None,
         f"{REGULATIONS}第十一条", TIAOLI, options={"voting_only": True}),
    Rule(RuleId.GROUP_MEETING, "党小组会每月召开", meetings.groups, "党小组会", "召开党小组会", MONTH, 1,
         f"{REGULATIONS}第十三条", TIAOLI, applies="party_groups"),
    Rule(RuleId.LESSON, "党课每季度开展", meetings.count, "党课", "讲党课", QUARTER, 1,
         "本地“三会一课”制度（党课次数由上级党委规定）", LOCAL),
    # 第十六条 asks 党委（党组）书记 for a 党课 a year; for a 支部书记 the duty is local.
    Rule(RuleId.SECRETARY_LESSON, "支部书记每年讲党课", meetings.secretary_lesson, "党课", "讲党课", YEAR, 1,
         f"本地“三会一课”制度（{REGULATIONS}第十六条要求党员领导干部定期为基层党员讲党课、"
         "党委（党组）书记每年至少讲1次党课）", LOCAL),
    # 第十六条: 以每月1天为相对固定的时间 — held every month is the article's; the day of the
    # month (deadline) and how fixed the day must be are local rules, each its own.
    Rule(RuleId.THEME_DAY, "主题党日每月开展", meetings.count, "主题党日", "开展主题党日", MONTH, 1,
         f"{REGULATIONS}第十六条", TIAOLI),
    Rule(RuleId.THEME_DAY_DEADLINE, "主题党日按时开展", meetings.theme_day_deadline, "主题党日", "开展主题党日", MONTH,
         None, f"本地主题党日制度（每月{{deadline_day}}日前开展；{REGULATIONS}第十六条：每月相对固定1天开展主题党日）",
         LOCAL, options={"deadline_day": 10}),
    Rule(RuleId.THEME_DAY_FIXED, "主题党日相对固定1天", meetings.theme_day_fixed, "主题党日", "开展主题党日", MONTH,
         None, f"本地主题党日制度（{REGULATIONS}第十六条：以每月1天为相对固定的时间）", LOCAL,
         options={"spread_days": 5}, enabled=False),
    Rule(RuleId.LIFE_MEETING, "组织生活会每年召开", meetings.count, "组织生活会", "召开组织生活会", YEAR, 1,
         f"{REGULATIONS}第十七条", TIAOLI, options={"next_year_months": 3}),
    Rule(RuleId.APPRAISAL, "民主评议党员每年开展", meetings.count, "民主评议党员", "开展民主评议党员", YEAR, 1,
         f"{REGULATIONS}第十八条", TIAOLI, options={"next_year_months": 3}),
    # 第十九条's three pairings, each a switch; the others are local variants (off by default)
    # and 第十七条's talks before the 组织生活会.
    Rule(RuleId.TALKS, "谈心谈话全覆盖", talks.talks, LedgerKind.TALKS, "开展谈心谈话", YEAR, 1,
         f"{REGULATIONS}第十九条", TIAOLI,
         options={"committee_pairs": True, "committee_members": True, "member_pairs": True, "each_member": False,
                  "secretary_committee": False, "secretary_all": False, "before_meeting_months": 1}),
    Rule(RuleId.DUES, "党费按月缴纳", dues.dues, LedgerKind.DUES_WIDE, "缴纳党费", MONTH, None,
         f"{DUES_REGULATIONS}第十二条", GUIDING, options={"serious_months": 6, "pay_by": "按月", "late_months": 6}),
    Rule(RuleId.ABSENCE, "党员参加组织生活", members.absence, LedgerKind.ACTIVITIES, "参加组织生活", MONTH, None,
         f"{CONSTITUTION}第九条", CHARTER, options={"absent_months": 6}),
    Rule(RuleId.PROBATION, "预备党员按期转正", members.probation, LedgerKind.ROSTER, "讨论转正", YEAR, None,
         f"{CONSTITUTION}第七条", CHARTER,
         options={"probation_months": 12, "extension_min_months": 6, "extension_max_months": 12}),
    Rule(RuleId.TERM, "支部委员会按期换届", members.term, LedgerKind.INFO, "换届", YEAR, None,
         f"{REGULATIONS}第二十一条", TIAOLI, options={"term_years": 3, "village_term_years": 5}),
    Rule(RuleId.STUDY, "学习笔记每季度检查", meetings.study, LedgerKind.STUDY, "开展学习笔记检查", QUARTER, 1,
         "本地学习笔记检查制度（每季度调阅检查党员学习笔记）", LOCAL),
    Rule(RuleId.RECTIFY, "整改按期完成", members.overdue, LedgerKind.RECTIFY, "完成整改", YEAR, None,
         "上年度查摆问题应按整改时限整改到位", LOCAL, applies="rectify"),
)

RULE_BY_ID: dict[RuleId, Rule] = {rule.id: rule for rule in RULES}

# 规则 of the finding previous.recurring adds (RuleId.RECURRING).
RECURRING_NAME = "上年问题再次出现"
# Every 规则 a finding of this program can carry -> its rule id (the parts of a rule that report
# under a name of their own carry the rule's id).
_ID_BY_NAME: dict[str, RuleId] = {
    **{rule.name: rule.id for rule in RULES},
    talks.EACH_MEMBER_TALKS: RuleId.TALKS, talks.SECRETARY_COMMITTEE_TALKS: RuleId.TALKS,
    talks.BEFORE_MEETING_TALKS: RuleId.TALKS, talks.COMMITTEE_PAIRS_TALKS: RuleId.TALKS,
    talks.COMMITTEE_MEMBER_TALKS: RuleId.TALKS, talks.MEMBER_PAIRS_TALKS: RuleId.TALKS,
    RECURRING_NAME: RuleId.RECURRING,
}
_RULE_IDS = {rule_id.value for rule_id in RuleId}


def rule_of(finding: Mapping) -> RuleId | None:
    """The rule id of a finding read back from a metrics.json: its 规则编号, or, for one written
    before findings carried it (last year's outputs, an older draft), the rule its 规则 names.
    None when neither tells. A finding of this run carries 规则编号: select by that."""
    said = finding.get("规则编号")
    if said is not None:
        return RuleId(said) if isinstance(said, str) and said in _RULE_IDS else None
    return _ID_BY_NAME.get(str(finding.get("规则") or ""))


def default_settings() -> dict[RuleId, RuleSettings]:
    """Every rule's defaults by rule id."""
    return {rule.id: RuleSettings.default(rule) for rule in RULES}


@dataclass(frozen=True)
class Settings:
    """Every rule's settings by rule id (the ids of RULES), and the file they came from."""

    rules: dict[RuleId, RuleSettings] = field(default_factory=default_settings)
    path: Path | None = None
    limits: Limits = DEFAULT_LIMITS  # how big a ledger file is read ([limits] in pipeline.toml)
    # Settings a branch's 基本信息 gave (settings.for_branch): rule id -> {key: (value, Source)}.
    local: dict = field(default_factory=dict)


def settings_of(config: Settings | None, rule: Rule) -> RuleSettings:
    """A rule's settings: from `config` when given, else its defaults."""
    rules = config.rules if config is not None else {}
    return rules.get(rule.id) or RuleSettings.default(rule)
