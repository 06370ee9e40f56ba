"""What a rule is and what it finds: the records the rule table and the checkers share.

The table (table.py) holds each rule with its checker; the checkers (meetings, talks, dues,
members) take a Rule and its RuleSettings and give Findings. Both import this module, so a
checker never imports the table that names it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.core.names import Name, RuleId

if TYPE_CHECKING:
    from pipeline.reading.records import Ledgers

REGULATIONS = "《中国共产党支部工作条例（试行）》"
DUES_REGULATIONS = "《关于中国共产党党费收缴、使用和管理的规定》"
CONSTITUTION = "《中国共产党章程》"
DEVELOPMENT = "《中国共产党发展党员工作细则》"
EDUCATION = "《中国共产党党员教育管理工作条例》"
# What kind of document a source is: the 党章, the 条例 (Party regulations such as the 支部工作条例),
# a 规定 of the central departments (the 党费 rules), or local practice (本地规定: a 上级党委's
# 实施细则 or the branch's own system). Every rule names one; pipeline.toml may change it.
CHARTER, TIAOLI, GUIDING, LOCAL = "党章", "条例", "规定", "本地规定"
SOURCE_KINDS = (CHARTER, TIAOLI, GUIDING, LOCAL)


class Period(Name):
    """The span a rule counts over (its str value is what the README's table generator reads)."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class Finding:
    """One 检查发现. A checker fills what it found; check() adds the rule's id, and the rule's
    name and source where the checker left them empty. as_dict() is its metrics.json form."""

    note: str  # 说明
    involved: list[str]  # 涉及: the months, quarters, people or items concerned
    rule: str = ""  # 规则: a part of a rule may report under a name of its own
    rule_id: RuleId | None = None  # 规则编号
    name: str | None = None  # 姓名: the one member a dues or absence finding is about
    group: str | None = None  # 党小组: the group a 党小组会 finding is about
    report_note: str | None = None  # 报告说明: the finding without names, for the report
    short: bool = False  # 少缴: some month paid below the standard
    serious: bool = False  # 严重: a run of months long enough to be 自行脱党 under the 党章
    source: str = ""  # 依据: a finding may cite its own (a late 主题党日 is local practice)
    source_kind: str = ""  # 依据类别
    # 待核实: what the checker could not decide from the ledgers (or check() withheld because it
    # rests on a cell the run warned about). Never a 检查发现: the 校验报告 lists it to verify.
    uncertain: bool = False

    def as_dict(self) -> dict:
        """The finding as metrics.json `检查发现` holds it: optional keys only when set, in the
        order findings have always been written."""
        out: dict = {"规则": self.rule, "规则编号": self.rule_id, "说明": self.note, "涉及": self.involved}
        if self.name is not None:
            out["姓名"] = self.name
        if self.group is not None:
            out["党小组"] = self.group
        if self.report_note is not None:
            out["报告说明"] = self.report_note
        if self.short:
            out["少缴"] = True
        if self.serious:
            out["严重"] = True
        out["依据"] = self.source
        out["依据类别"] = self.source_kind
        return out


@dataclass(frozen=True)
class Rule:
    """One rule: its defaults here, its overrides in pipeline.toml under [rules."<id>"]."""

    id: RuleId  # its name in pipeline.toml, and 规则编号 of its findings
    name: str  # 规则 of its findings (their display name; a part of the rule may have its own)
    check: Checker  # the checker: meetings.count, talks.talks, dues.dues, …
    counted: str  # the activity type (组织生活台账.类型) counted, or the LedgerKind a rule judges whole
    action: str  # what is done, for sentences: 召开支委会 -> `5月未召开支委会`
    period: Period
    threshold: int | None  # minimum per period (per member for talks); None: not settable
    source: str  # 依据 of every finding, with its article; `{deadline_day}` is filled in from the settings
    kind: str  # 依据类别: one of SOURCE_KINDS
    applies: str = ""  # "": always; full_members: ≥ min_full_members 正式党员; party_groups
    options: dict = field(default_factory=dict)  # further settable values and their defaults
    enabled: bool = True  # off by default: an optional local rule a branch may turn on


@dataclass(frozen=True)
class RuleSettings:
    """One rule's settings after the project file is applied (None: not used by the rule)."""

    enabled: bool = True
    threshold: int | None = None
    source: str = ""
    source_kind: str = ""
    deadline_day: int | None = None
    min_full_members: int | None = None
    serious_months: int | None = None
    next_year_months: int | None = None
    before_meeting_months: int | None = None
    absent_months: int | None = None
    term_years: int | None = None
    village_term_years: int | None = None
    late_months: int | None = None
    each_member: bool | None = None
    secretary_committee: bool | None = None
    secretary_all: bool | None = None
    pay_by: str | None = None
    committee_pairs: bool | None = None
    committee_members: bool | None = None
    member_pairs: bool | None = None
    voting_only: bool | None = None
    spread_days: int | None = None
    hours: int | None = None
    leader_hours: int | None = None
    activist_months: int | None = None
    probation_months: int | None = None
    extension_min_months: int | None = None
    extension_max_months: int | None = None

    @classmethod
    def default(cls, rule: Rule) -> RuleSettings:
        return cls(enabled=rule.enabled, threshold=rule.threshold, source=rule.source, source_kind=rule.kind,
                   **rule.options)


Found = tuple[Finding, list]  # a finding and the rows that prove it
Checker = Callable[[Rule, RuleSettings, "Ledgers"], list[Found]]


def needed(value: int | None) -> int:
    """A number the rule's checker uses: RULES gives every such rule a default, and settings
    cannot unset it, so None here is a defect in RULES."""
    if value is None:
        raise ValueError("rule setting without a default in pipeline.rules.table.RULES")
    return value


_REMARK = re.compile(r"[（(](.*?)[)）]")
# A member excused from a meeting (病假、事假、公差、请假 …): not absent without reason.
EXCUSES = ("病假", "事假", "公差", "请假", "出差", "产假", "因公", "公假", "住院")


@functools.lru_cache(maxsize=4096)
def bare_names(names: tuple[str, ...] | None) -> frozenset[str]:
    """Names without a remark in brackets (`张一（病假）` -> 张一); the same cells recur all year."""
    return frozenset(_REMARK.sub("", n).strip() for n in names or ())


def excused(names: tuple[str, ...] | None, remark: object, members: set[str]) -> frozenset[str]:
    """The members a row excuses: `张一（病假）` in 缺席人员, or named in 备注 beside an excuse
    (`张一病假`, `李二、王三公差`)."""
    out = {_REMARK.sub("", n).strip() for n in names or () if any(w in n for w in EXCUSES)}
    text = str(remark or "")
    if any(w in text for w in EXCUSES):
        out |= {m for m in members if m and m in text}
    return frozenset(out)
