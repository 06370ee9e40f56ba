"""What a rule is and what it finds: the records the rule table and the checkers share.

The table (table.py) holds each rule with its checker; the checkers (meetings, talks, dues,
members) take a Rule and its RuleSettings and give Findings. Both import this module, so a
checker never imports the table that names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.core.names import Name, RuleId

if TYPE_CHECKING:
    from pipeline.reading.records import Ledgers

REGULATIONS = "《中国共产党支部工作条例（试行）》"
DUES_REGULATIONS = "《关于中国共产党党费收缴、使用和管理的规定》"
CONSTITUTION = "《中国共产党章程》"
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

    @classmethod
    def default(cls, rule: Rule) -> RuleSettings:
        return cls(enabled=True, threshold=rule.threshold, source=rule.source, source_kind=rule.kind,
                   **rule.options)


Found = tuple[Finding, list]  # a finding and the rows that prove it
Checker = Callable[[Rule, RuleSettings, "Ledgers"], list[Found]]


def needed(value: int | None) -> int:
    """A number the rule's checker uses: RULES gives every such rule a default, and settings
    cannot unset it, so None here is a defect in RULES."""
    if value is None:
        raise ValueError("rule setting without a default in pipeline.rules.table.RULES")
    return value
