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


class RowFate(Name):
    """Where a row of a ledger sheet ended up: exactly one per row (the row accounting,
    读取 = 计入 + 重复 + 合计行 + 非本年度 + 未召开 + 示例 + 出错, in this order)."""

    COUNTED = "计入"
    DUPLICATE = "重复"
    TOTALS = "合计行"
    OUT_OF_YEAR = "非本年度"
    NOT_HELD = "未召开"
    EXAMPLE = "示例"
    FAILED = "出错"


class BlankStatus(Name):
    """What `init` did with each blank ledger it was asked for."""

    WRITTEN = "written"
    SKIPPED = "skipped"  # a file of that name was there already: never overwritten
    OTHER = "other"  # a file in the folder that is not one of the blank ledgers


class RuleId(Name):
    """Every rule's id: its section in pipeline.toml ([rules."支委会"]), its key in metrics.json
    `检查规则` and the `规则编号` of its findings (a finding's `规则` is only its display name).

    One member per rule of rules.RULES, in their order, plus RECURRING: the finding previous.py
    adds when a rule finds something again a year later (`--previous`); it is no rule of RULES
    and has no settings, so pipeline.toml cannot name it.
    """

    COMMITTEE = "支委会"
    COMMITTEE_QUORUM = "支委会到会委员"
    MEMBERS_MEETING = "党员大会"
    QUORUM = "党员大会到会人数"
    GROUP_MEETING = "党小组会"
    LESSON = "党课"
    SECRETARY_LESSON = "书记讲党课"
    THEME_DAY = "主题党日"
    THEME_DAY_DEADLINE = "主题党日按时开展"
    THEME_DAY_FIXED = "主题党日相对固定"
    LIFE_MEETING = "组织生活会"
    APPRAISAL = "民主评议党员"
    TALKS = "谈心谈话"
    DUES = "党费"
    ABSENCE = "缺席组织生活"
    PROBATION = "预备党员转正"
    TERM = "换届"
    STUDY = "学习笔记检查"
    RECTIFY = "整改"
    RECURRING = "上年问题再次出现"


class IssueCode(Name):
    """Every Issue.code: the stable kind of a data problem (tests, summaries, 校验报告.xlsx's
    按问题种类统计). Each has its Chinese label in ISSUE_LABELS (this module does not import
    without one). bad-<type>: a cell that cannot be read as its column type (bad_code);
    unknown-<type>: a value outside the vocabulary, counted as a fallback (unknown_code)."""

    MISSING_VALUE = "missing-value"
    RECTIFY_NO_REASON = "rectify-no-reason"
    BAD_VALUE = "bad-value"
    DUPLICATE = "duplicate"
    OUT_OF_YEAR = "out-of-year"
    OUT_OF_YEAR_SHEET = "out-of-year-sheet"
    NOT_IN_ROSTER = "not-in-roster"
    DUES_TOTAL = "dues-total"
    INFO_CONFLICT = "info-conflict"
    FORMULA_NO_VALUE = "formula-no-value"
    FORMULA_ERROR = "formula-error"
    UNKNOWN_SHEET = "unknown-sheet"
    UNKNOWN_COLUMNS = "unknown-columns"
    AMBIGUOUS_SHEET = "ambiguous-sheet"
    UNREADABLE = "unreadable"
    ENCRYPTED = "encrypted"
    UNSUPPORTED_FILE = "unsupported-file"
    UNSAFE_XML = "unsafe-xml"
    TOO_LARGE = "too-large"
    NO_INFO = "no-info"
    MISSING_LEDGER = "missing-ledger"
    NEGATIVE = "negative"
    EXAMPLE_ROW = "example-row"
    BAD_HEADER = "bad-header"
    AMBIGUOUS_MONTH = "ambiguous-month"
    SAME_NAME = "same-name"
    ADOPTION_CONFLICT = "adoption-conflict"
    MARK_NONE = "mark-none"
    MARK_PAID = "mark-paid"
    DUES_CONFLICT = "dues-conflict"
    OTHER_CONFLICT = "other-conflict"
    STATUS_FROM_REMARK = "status-from-remark"
    STATUS_NO_DATE = "status-no-date"
    LEFT_BEFORE_YEAR = "left-before-year"
    TOTAL_MISMATCH = "total-mismatch"
    HIDDEN_SHEET = "hidden-sheet"
    HIDDEN_ROWS = "hidden-rows"
    UNVERIFIED = "unverified"  # a rule's finding withheld from the report: 待核实
    NAME_VARIANT = "name-variant"  # 张三（书记）, 阿依·古丽 read as the roster's name
    YEAR_FROM_TOPIC = "year-from-topic"
    NOT_HELD = "not-held"
    OTHER_BRANCH = "other-branch"
    FORM_SHEET = "form-sheet"
    SECTION_ROW = "section-row"
    PAIRED_COLUMNS = "paired-columns"
    CUMULATIVE = "cumulative"
    MISSING_SECTION = "missing-section"
    # bad-<type>, one per ColumnType
    BAD_TEXT = "bad-text"
    BAD_DATE = "bad-date"
    BAD_ANYDATE = "bad-anydate"
    BAD_MONTH = "bad-month"
    BAD_NUMBER = "bad-number"
    BAD_INT = "bad-int"
    BAD_NAMES = "bad-names"
    BAD_NAME = "bad-name"
    BAD_ACTIVITY = "bad-activity"
    BAD_SPEAKER = "bad-speaker"
    BAD_CATEGORY = "bad-category"
    BAD_YESNO = "bad-yesno"
    BAD_LEVEL = "bad-level"
    BAD_PROBLEM = "bad-problem"
    BAD_QUARTER = "bad-quarter"
    BAD_SECTION = "bad-section"
    BAD_REMIT = "bad-remit"
    BAD_STATUS = "bad-status"
    BAD_RECTIFY = "bad-rectify"
    BAD_DEADLINE = "bad-deadline"
    BAD_PAYMONTH = "bad-paymonth"
    # unknown-<type>, one per ColumnType
    UNKNOWN_TEXT = "unknown-text"
    UNKNOWN_DATE = "unknown-date"
    UNKNOWN_ANYDATE = "unknown-anydate"
    UNKNOWN_MONTH = "unknown-month"
    UNKNOWN_NUMBER = "unknown-number"
    UNKNOWN_INT = "unknown-int"
    UNKNOWN_NAMES = "unknown-names"
    UNKNOWN_NAME = "unknown-name"
    UNKNOWN_ACTIVITY = "unknown-activity"
    UNKNOWN_SPEAKER = "unknown-speaker"
    UNKNOWN_CATEGORY = "unknown-category"
    UNKNOWN_YESNO = "unknown-yesno"
    UNKNOWN_LEVEL = "unknown-level"
    UNKNOWN_PROBLEM = "unknown-problem"
    UNKNOWN_QUARTER = "unknown-quarter"
    UNKNOWN_SECTION = "unknown-section"
    UNKNOWN_REMIT = "unknown-remit"
    UNKNOWN_STATUS = "unknown-status"
    UNKNOWN_RECTIFY = "unknown-rectify"
    UNKNOWN_DEADLINE = "unknown-deadline"
    UNKNOWN_PAYMONTH = "unknown-paymonth"

    @property
    def label(self) -> str:
        """What kind of problem this is, in Chinese (校验报告.xlsx 按问题种类统计)."""
        return ISSUE_LABELS[self]


def bad_code(ctype: ColumnType | str) -> IssueCode:
    """The code of a cell that cannot be read as column type `ctype` (bad-date …)."""
    return _BAD_CODES[ColumnType(ctype)]


def unknown_code(ctype: ColumnType | str) -> IssueCode:
    """The code of a value outside the vocabulary of column type `ctype`, counted as a fallback."""
    return _UNKNOWN_CODES[ColumnType(ctype)]


_BAD_CODES = {t: IssueCode(f"bad-{t.value}") for t in ColumnType}
_UNKNOWN_CODES = {t: IssueCode(f"unknown-{t.value}") for t in ColumnType}

# What a column type's values are, for the labels of its bad-/unknown- codes.
_TYPE_NOUNS: dict[ColumnType, str] = {
    ColumnType.DATE: "日期", ColumnType.ANYDATE: "日期", ColumnType.MONTH: "年月", ColumnType.NUMBER: "数字",
    ColumnType.INT: "整数", ColumnType.ACTIVITY: "活动类型", ColumnType.SPEAKER: "主讲人类别",
    ColumnType.CATEGORY: "人员类别", ColumnType.YESNO: "是否", ColumnType.LEVEL: "采用级别",
    ColumnType.PROBLEM: "问题类型", ColumnType.QUARTER: "季度", ColumnType.PAYMONTH: "所属月份",
    ColumnType.SECTION: "板块", ColumnType.REMIT: "上缴情况", ColumnType.STATUS: "党员状态",
    ColumnType.TEXT: "文字", ColumnType.NAME: "姓名", ColumnType.NAMES: "姓名", ColumnType.DEADLINE: "完成时限",
    ColumnType.RECTIFY: "完成情况",
}

# IssueCode -> its label: the one table of them.
ISSUE_LABELS: dict[IssueCode, str] = {
    IssueCode.MISSING_VALUE: "缺少必填内容",
    IssueCode.RECTIFY_NO_REASON: "整改未完成但未写明原因",
    IssueCode.BAD_VALUE: "内容无效",
    IssueCode.DUPLICATE: "重复记录",
    IssueCode.OUT_OF_YEAR: "不在报告年度内",
    IssueCode.OUT_OF_YEAR_SHEET: "整张表属于其他年度",
    IssueCode.NOT_IN_ROSTER: "姓名不在党员名册中",
    IssueCode.DUES_TOTAL: "党费合计与各月之和不一致",
    IssueCode.INFO_CONFLICT: "基本信息前后不一致",
    IssueCode.FORMULA_NO_VALUE: "公式没有计算结果",
    IssueCode.FORMULA_ERROR: "公式计算出错",
    IssueCode.UNKNOWN_SHEET: "未识别的工作表",
    IssueCode.UNKNOWN_COLUMNS: "未识别的列",
    IssueCode.AMBIGUOUS_SHEET: "无法确定台账种类",
    IssueCode.UNREADABLE: "文件无法读取",
    IssueCode.ENCRYPTED: "文件设有密码",
    IssueCode.UNSUPPORTED_FILE: "不是表格文件",
    IssueCode.UNSAFE_XML: "文件含有不安全的内容",
    IssueCode.TOO_LARGE: "文件过大",
    IssueCode.NO_INFO: "缺少基本信息表",
    IssueCode.MISSING_LEDGER: "缺少台账",
    IssueCode.NEGATIVE: "数字是负数",
    IssueCode.EXAMPLE_ROW: "示例行被改写",
    IssueCode.BAD_HEADER: "表头缺少必填列",
    IssueCode.AMBIGUOUS_MONTH: "年月可能被误读",
    IssueCode.SAME_NAME: "名册中有同名党员",
    IssueCode.ADOPTION_CONFLICT: "采用情况前后不一",
    IssueCode.MARK_NONE: "符号按空白处理",
    IssueCode.MARK_PAID: "符号按已缴处理",
    IssueCode.DUES_CONFLICT: "同一党员同一月份党费金额不同",
    IssueCode.OTHER_CONFLICT: "其他事项同名而数量不同",
    IssueCode.STATUS_FROM_REMARK: "党员变动读自备注",
    IssueCode.STATUS_NO_DATE: "党员变动没有写年月",
    IssueCode.LEFT_BEFORE_YEAR: "党员在报告年度前已减少",
    IssueCode.TOTAL_MISMATCH: "合计行与各行之和不一致",
    IssueCode.HIDDEN_SHEET: "隐藏的工作表（已统计）",
    IssueCode.HIDDEN_ROWS: "隐藏的行（已统计）",
    IssueCode.UNVERIFIED: "检查发现待核实（未写入报告）",
    IssueCode.NAME_VARIANT: "姓名写法不同，按名册姓名计",
    IssueCode.YEAR_FROM_TOPIC: "按主题认定所属年度",
    IssueCode.NOT_HELD: "活动未召开（取消、延期）",
    IssueCode.OTHER_BRANCH: "其他支部的台账",
    IssueCode.FORM_SHEET: "表单式工作表",
    IssueCode.SECTION_ROW: "分组标题行",
    IssueCode.PAIRED_COLUMNS: "成对的列（应缴、实缴）",
    IssueCode.CUMULATIVE: "数字疑似累计数",
    IssueCode.MISSING_SECTION: "报告缺少内容",
    **{_BAD_CODES[t]: f"{noun}无法识别" for t, noun in _TYPE_NOUNS.items()},
    **{_UNKNOWN_CODES[t]: f"不是已知的{noun}" for t, noun in _TYPE_NOUNS.items()},
}

_UNLABELLED = [code.value for code in IssueCode if code not in ISSUE_LABELS]
if _UNLABELLED:  # a code added without its label: the package does not import
    raise ImportError(f"IssueCode without a label in ISSUE_LABELS: {', '.join(_UNLABELLED)}")
