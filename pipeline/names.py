"""The names stages pass between them, as types: ledger kinds, column types, rule ids, issue codes.

Each is a str-valued enum, so a member is its Chinese (or code) string wherever a string is
expected (dict keys, JSON, messages), while a typo is an AttributeError at import and a mypy
error, not a ledger silently left out. `Name(...)` refuses any string that is not a member.
This module imports nothing from the package: every stage may import it.
"""

from __future__ import annotations

from enum import Enum


class Name(str, Enum):
    """A str enum that prints and formats as its value (as 3.11's StrEnum, also on 3.10)."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)

    @classmethod
    def of(cls, text: str):
        """The member named `text`; ValueError naming the registry for any other string."""
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a {cls.__name__}; known: {', '.join(m.value for m in cls)}") from None


class LedgerKind(Name):
    """Every ledger kind the pipeline reads (vocab.KINDS describes their columns)."""

    INFO = "基本信息"
    ROSTER = "党员名册"
    ACTIVITIES = "组织生活台账"
    TALKS = "谈心谈话记录"
    STUDY = "学习笔记检查"
    DUES_WIDE = "党费收缴台账"
    DUES_LONG = "党费收缴台账（逐笔）"
    SUBMISSIONS = "信息报送台账"
    ASSISTANCE = "帮扶共建台账"
    PROBLEMS = "问题清单"
    TASKS = "任务清单"
    OTHER = "其他事项"
    MEASURES = "工作举措"
    RECTIFY = "整改台账"
    ACTIVISTS = "入党积极分子"


class ColumnType(Name):
    """How a column's cells are read (normalise parses each type; vocab.Column.type)."""

    TEXT = "text"
    DATE = "date"  # an event date: must fall in the report year
    ANYDATE = "anydate"  # a date of any year (报告日期, 完成时间)
    MONTH = "month"  # a roster year-month
    NUMBER = "number"
    INT = "int"
    NAMES = "names"  # a list of names in one cell
    NAME = "name"  # one person's name (spaces aligning two-character names dropped)
    ACTIVITY = "activity"
    SPEAKER = "speaker"
    CATEGORY = "category"
    YESNO = "yesno"
    LEVEL = "level"
    PROBLEM = "problem"
    QUARTER = "quarter"
    SECTION = "section"
    REMIT = "remit"
    STATUS = "status"
    RECTIFY = "rectify"
    DEADLINE = "deadline"
    PAYMONTH = "paymonth"  # the month a due is paid for
