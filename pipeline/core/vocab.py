"""Vocabularies: ledger kinds, header synonyms, value synonyms. Pure data, extend freely.

A maintainer adds a synonym by appending to a tuple here; no parser code needs reading.
Headers and values are matched after normalisation (white space removed, full-width to
half-width, a trailing unit in brackets dropped), so list synonyms in their plain form.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.names import ColumnType, LedgerKind


@dataclass(frozen=True)
class Column:
    """One column of a ledger kind: its canonical header, accepted synonyms and value type.

    Types: text, date (an event date, must fall in the report year), month (a roster
    year-month), number, int, names (a list of names in one cell), activity, speaker,
    category, yesno, level, problem, quarter, paymonth (the month a due is paid for), name
    (a person's name: inner spaces that align two-character names are dropped), status (a roster
    member's 状态, see MEMBER_STATUS).
    """

    name: str
    synonyms: tuple[str, ...] = ()
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    width: int = 14  # column width in blank ledgers written by `init`
    # The unit figures are kept in; a header naming a multiple of it (`学习笔记（万字）`) scales
    # what is typed under it.
    unit: str = ""


@dataclass(frozen=True)
class Kind:
    """A ledger kind, recognised by its header row."""

    name: LedgerKind
    columns: tuple[Column, ...]
    # The fields that carry meaning: two rows are the same record (a duplicate, counted once)
    # only when every one of them is equal after normalising. Listed once here; the README's
    # 重复记录 table is generated from it. A column left out is one that never tells two
    # records apart (none today: every column of a ledger is part of its key).
    key: tuple[str, ...]
    title: str = ""  # title row of blank ledgers written by `init`
    help: str = ""  # one line for the 填表说明 sheet and the README
    # Words in a sheet or file name that point to this kind (breaks ties between kinds).
    hints: tuple[str, ...] = ()
    # Words that make a sheet name this kind for sure: such a sheet whose header lacks a
    # required column is an error, not a note page to skip.
    sheet_words: tuple[str, ...] = ()
    # Columns a header must show before a sheet is taken for this kind without a name hint
    # (a bare 姓名 column is in every sign-in sheet, not only the roster).
    min_columns: int = 1
    # Sheet names that rule this kind out (a list of 入党积极分子 is not the Party roster).
    avoid_words: tuple[str, ...] = ()
    # Fields normalise may set whatever columns a sheet has (a 状态 read from 备注, a 主讲人类别
    # implied by 书记讲党课, a wide dues row's months); with the columns and DERIVED they are
    # every field a record of this kind can hold (`fields`).
    derived: tuple[str, ...] = ()

    @property
    def fields(self) -> frozenset[str]:
        """Every field a record of this kind may hold: Record[...] refuses any other name."""
        return self.fields_with(c.name for c in self.columns)

    def fields_with(self, columns) -> frozenset[str]:
        """The fields records read from sheets with these columns may hold: the columns, what
        normalise sets besides (`derived`, DERIVED), and 时刻 wherever there is a 日期."""
        names = set(columns) | set(self.derived) | set(DERIVED)
        if "日期" in names:
            names.add("时刻")
        return frozenset(names)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


C = Column
T = ColumnType

# Headers of a column recording that dues were handed on to the higher Party organisation.
REMIT_SYNONYMS = ("是否上缴", "已上缴", "上缴情况", "上缴日期", "上缴时间", "上缴金额", "上缴党费")

KINDS: tuple[Kind, ...] = (
    Kind(LedgerKind.INFO, (
        C("党支部名称", ("支部名称", "党组织名称", "支部全称"), required=True, width=30),
        C("支部书记", ("书记", "书记姓名", "党支部书记"), T.NAME, required=True),
        C("年度", ("报告年度", "述职年度"), T.INT),
        C("上级党组织", ("上级党委", "上级党组织名称")),
        C("报告日期", ("述职日期",), T.ANYDATE),
        C("支部类型", ("党支部类型", "党组织类型", "单位类型")),
        C("本届任期起始", ("本届任期开始", "本届委员会选举时间", "换届时间", "上次换届时间", "本届选举时间",
                     "任期起始"), T.MONTH),
        C("党费缴纳方式", ("党费交纳方式", "党费缴纳周期", "党费交纳周期")),
        C("党小组", ("党小组设置", "党小组名称")),
        C("书记与每名党员谈话", ("书记与全体党员谈话", "书记与每名党员谈心谈话"), T.YESNO),
        C("党课每季度次数", ("每季度党课次数", "党课次数要求"), T.INT),
    ), key=("党支部名称",), title="基本信息", hints=("基本信息", "基本情况"),
        help="支部名称、书记、年度等，每项一行：左列写项目名，右列写内容。"),
    Kind(LedgerKind.ROSTER, (
        C("姓名", ("党员姓名",), T.NAME, required=True),
        C("性别"),
        C("出生日期", ("出生年月",), T.MONTH),
        C("入党时间", ("入党日期", "入党年月"), T.MONTH),
        C("人员类别", ("党员类别", "类别", "身份", "党员身份"), T.CATEGORY),
        C("党内职务", ("职务", "支部职务", "支委职务", "党内职务名称")),
        C("党小组", ("所在党小组", "党小组名称")),
        C("转正时间", ("转正日期", "转正年月", "预备党员转正时间"), T.MONTH),
        C("延长预备期", ("延长预备期月数", "预备期延长月数"), T.INT),
        C("党费缴纳方式", ("党费交纳方式",)),
        C("状态", ("党员状态", "组织关系状态", "变动情况", "增减情况", "变动类型"), T.STATUS),
        C("转入时间", ("转入日期", "转入年月", "增加时间", "增加日期"), T.MONTH),
        C("转出时间", ("转出日期", "转出年月", "减少时间", "减少日期", "去世时间", "离开时间"), T.MONTH),
        C("备注"),
    ), key=("姓名", "性别", "出生日期", "入党时间", "人员类别", "党内职务", "党小组", "转正时间", "延长预备期",
            "党费缴纳方式", "状态", "转入时间", "转出时间", "备注"), title="党员名册", hints=("名册", "花名册", "党员信息", "党员"),
        sheet_words=("党员名册", "花名册"), min_columns=2, derived=("状态", "转入时间", "转出时间"),
        avoid_words=("积极分子", "发展对象", "入党申请", "申请人", "签到", "群众", "考勤"),
        help="每名党员一行；人员类别填“正式党员”或“预备党员”，空白按正式党员计。"),
    Kind(LedgerKind.ACTIVITIES, (
        C("日期", ("时间", "活动时间", "活动日期", "会议时间", "会议日期", "召开时间", "召开日期", "开展时间",
                 "开展日期", "举办时间"),
          T.DATE, required=True),
        C("类型", ("活动类型", "会议类型", "类别", "形式", "活动形式", "会议名称", "活动名称", "会议类别",
                 "活动类别", "会议形式", "组织生活类型"), T.ACTIVITY, required=True),
        C("主题", ("内容", "会议主题", "活动主题", "议题", "活动内容", "会议内容"), width=36),
        C("主讲人", ("主持人", "领学人", "授课人", "主讲人姓名", "授课人姓名")),
        C("主讲人类别", ("主讲人身份", "授课人类别"), T.SPEAKER),
        C("应到人数", ("应到",), T.INT),
        C("实到人数", ("参加人数", "实到", "参会人数"), T.INT),
        C("地点", ("活动地点", "会议地点")),
        C("党小组", ("所在党小组", "党小组名称")),
        C("参加人员", ("参会人员", "出席人员", "参加党员"), T.NAMES),
        C("缺席人员", ("缺席党员", "未参加人员", "请假人员", "缺席人员姓名"), T.NAMES),
        C("所属年度", ("年度", "属于年度", "对应年度"), T.INT),
        C("备注"),
    ), key=("日期", "时刻", "类型", "主题", "主讲人", "主讲人类别", "应到人数", "实到人数", "地点", "党小组",
            "参加人员", "缺席人员", "所属年度", "备注"), title="组织生活台账", hints=("组织生活", "三会一课", "活动"),
        derived=("主讲人类别",),
        sheet_words=("组织生活", "三会一课"),
        help="三会一课、主题党日等每次活动一行；类型从下拉列表选择。"),
    Kind(LedgerKind.TALKS, (
        C("日期", ("谈话时间", "谈话日期", "时间"), T.DATE),
        C("谈话人", ("谈话者", "谈心人", "约谈人", "谈话人姓名"), required=True),
        C("谈话对象", ("对象", "被谈话人", "谈话对象姓名", "谈心对象", "被谈话对象"), T.NAMES, required=True),
        C("谈话形式", ("形式", "方式", "谈话方式")),
        C("主要内容", ("内容", "谈话内容", "谈话主要内容"), width=36),
    ), key=("日期", "时刻", "谈话人", "谈话对象", "谈话形式", "主要内容"),
        title="谈心谈话记录", hints=("谈心", "谈话"), sheet_words=("谈心谈话",),
        help="每次谈话一行；一次谈多人时，谈话对象用顿号分隔。"),
    Kind(LedgerKind.STUDY, (
        C("姓名", ("党员姓名",), T.NAME, required=True),
        C("季度", ("检查季度",), T.QUARTER),
        C("检查日期", ("检查时间", "日期"), T.DATE),
        C("学习笔记", ("笔记字数", "学习笔记字数", "笔记", "学习笔记数"), T.NUMBER, required=True, unit="字"),
        C("心得体会", ("心得体会篇数", "心得", "心得篇数", "心得体会数"), T.NUMBER, unit="篇"),
    ), key=("姓名", "季度", "检查日期", "学习笔记", "心得体会"), title="学习笔记检查", hints=("笔记", "学习"), sheet_words=("学习笔记",),
        derived=("季度",),
        help="每次检查每名党员一行：笔记字数、心得体会篇数。"),
    Kind(LedgerKind.DUES_WIDE, (
        C("姓名", ("党员姓名",), T.NAME, required=True),
        C("缴纳标准", ("月缴纳额", "每月应缴", "应缴标准", "月缴纳标准", "缴费标准", "每月应缴党费", "应缴党费",
                   "月应缴"), T.NUMBER, unit="元"),
        C("合计", ("全年合计", "总计"), T.NUMBER, unit="元"),
        C("上缴", REMIT_SYNONYMS, T.REMIT),
    ), key=("姓名", "缴纳标准", "月份", "列月份", "上缴"), title="党费收缴台账", hints=("党费",),
        derived=("各月", "月份", "列月份"),
        sheet_words=("党费",),
        help="每名党员一行，1月至12月各一列填实缴金额；未缴的月份留空。"),
    Kind(LedgerKind.DUES_LONG, (
        C("姓名", ("党员姓名",), T.NAME, required=True),
        C("月份", ("缴纳月份", "缴费月份", "缴纳日期", "所属月份"), T.PAYMONTH, required=True),
        C("金额", ("缴纳金额", "实缴金额", "缴费金额"), T.NUMBER, required=True, unit="元"),
        C("缴纳标准", ("月缴纳额", "每月应缴", "应缴标准", "月缴纳标准", "缴费标准"), T.NUMBER, unit="元"),
        C("上缴", REMIT_SYNONYMS, T.REMIT),
    ), key=("姓名", "月份", "金额", "缴纳标准", "上缴"), title="党费收缴台账（逐笔）", hints=("党费",),
        help="每笔党费一行：姓名、所属月份、金额。"),
    Kind(LedgerKind.SUBMISSIONS, (
        C("日期", ("报送日期", "报送时间", "时间"), T.DATE),
        C("标题", ("信息标题", "题目", "信息题目", "信息名称", "稿件标题"), required=True, width=40),
        C("报送单位", ("报送对象", "报送部门")),
        C("是否采用", ("采用情况", "采用", "是否被采用", "采用与否", "是否录用", "录用情况"), T.YESNO),
        C("采用级别", ("采用层级", "级别", "采用等级", "录用级别", "采用单位级别"), T.LEVEL),
        C("刊载媒体", ("采用媒体", "刊物", "媒体", "刊登媒体", "发表媒体", "采用载体")),
    ), key=("日期", "标题", "报送单位", "是否采用", "采用级别", "刊载媒体"),
        title="信息报送台账", hints=("信息", "报送"), sheet_words=("信息报送",), derived=("是否采用", "采用级别"),
        help="每篇信息一行；被采用的填“是”并选择采用级别。"),
    Kind(LedgerKind.ASSISTANCE, (
        C("日期", ("时间",), T.DATE),
        C("对象", ("帮扶对象", "共建对象", "帮扶村", "村", "结对村", "受援对象"), required=True),
        C("事项", ("帮扶事项", "内容", "帮扶内容", "帮扶措施", "帮扶项目"), required=True, width=36),
        C("数量", (), T.NUMBER, required=True),
        C("单位", ("计量单位",), required=True),
        C("备注"),
    ), key=("日期", "对象", "事项", "数量", "单位", "备注"), title="帮扶共建台账", hints=("帮扶", "共建"), sheet_words=("帮扶",),
        derived=("单位",),
        help="每项帮扶一行：对象、事项、数量、单位（如 棵、万元、件、名、吨）。"),
    Kind(LedgerKind.PROBLEMS, (
        C("类型", ("类别", "问题类型"), T.PROBLEM, required=True),
        C("标题", ("问题", "方面"), required=True, width=24),
        C("内容", ("具体表现", "原因分析", "表现", "具体内容"), width=60),
    ), key=("类型", "标题", "内容"), title="问题清单", hints=("问题",), sheet_words=("问题清单",),
        help="类型填“问题”或“原因”；按要写进报告的顺序排列。"),
    Kind(LedgerKind.TASKS, (
        C("标题", ("方面", "目标", "任务"), required=True, width=24),
        C("内容", ("具体措施", "措施", "具体内容"), width=60),
    ), key=("标题", "内容"), title="任务清单", hints=("任务", "打算", "计划"), sheet_words=("任务清单", "工作打算"),
        help="下一年度工作打算，每条一行，按报告顺序排列。"),
    Kind(LedgerKind.OTHER, (
        C("事项", ("项目", "名称"), required=True, width=30),
        C("数量", (), T.NUMBER, required=True),
        C("单位"),
    ), key=("事项", "数量", "单位"), title="其他事项", hints=("其他",), sheet_words=("其他事项",),
        help="报告中要引用的其他数字，如“购买学习读本 100 本”。"),
    Kind(LedgerKind.MEASURES, (
        # 方面/类别/措施 stay out: 问题清单 and 任务清单 headers use them.
        C("板块", ("工作板块", "所属板块", "板块名称"), T.SECTION, required=True, width=12),
        C("内容", ("举措", "工作举措", "主要举措", "具体举措", "做法", "主要做法", "举措内容"), required=True, width=70),
        C("小标题", ("板块小标题", "本部分标题"), width=30),
    ), key=("板块", "内容", "小标题"), title="工作举措", hints=("举措", "做法"), sheet_words=("工作举措", "主要做法"),
        min_columns=2,
        help="本支部当年采取的工作举措，每条一行，用自己的话写；报告按板块放进“履职工作主要情况”"
             "的相应部分，按表中顺序排列。不填则报告只写台账统计出的数字。“小标题”可给该部分起标题。"),
    # Last year's problems and what became of them (上年度问题整改情况); `init --previous`
    # fills 问题 from last year's 问题清单.
    Kind(LedgerKind.RECTIFY, (
        C("问题", ("存在问题", "整改问题", "问题表现", "问题内容"), required=True, width=30),
        C("整改措施", ("措施", "整改举措", "整改内容"), width=36),
        C("责任人", ("整改责任人", "负责人")),
        C("完成时限", ("整改时限", "时限", "计划完成时间", "完成期限"), T.DEADLINE),
        C("完成情况", ("整改情况", "整改进展", "进展情况", "整改状态"), T.RECTIFY, required=True),
        C("完成时间", ("实际完成时间", "办结时间", "整改完成时间"), T.ANYDATE),
        C("未完成原因", ("原因", "情况说明", "说明", "备注"), width=30),
    ), key=("问题", "整改措施", "责任人", "完成时限", "完成情况", "完成时间", "未完成原因"),
        title="整改台账", hints=("整改",), sheet_words=("整改台账",), min_columns=2,
        help="上年度查摆的问题每条一行：整改措施、责任人、完成时限、完成情况；未完成的写明原因。"),
    Kind(LedgerKind.ACTIVISTS, (
        C("姓名", ("积极分子姓名",), T.NAME, required=True),
        C("确定时间", ("确定为积极分子时间", "确定日期", "确定为入党积极分子时间", "列为积极分子时间"), T.MONTH),
        C("培养联系人", ("培养人", "联系人", "入党培养联系人"), T.NAMES),
        C("备注"),
    ), key=("姓名", "确定时间", "培养联系人", "备注"), title="入党积极分子", hints=("积极分子",),
        sheet_words=("积极分子",), min_columns=2,
        help="每名入党积极分子一行：确定为积极分子的年月、培养联系人。"),
)

KIND_BY_NAME = {k.name: k for k in KINDS}

# Ledgers every branch is expected to keep: a missing one is a warning (its sentences drop
# out of the report and its rules are not checked). Either form counts for 党费.
EXPECTED_LEDGERS: tuple[tuple[LedgerKind, ...], ...] = (
    (LedgerKind.INFO,), (LedgerKind.ROSTER,), (LedgerKind.ACTIVITIES,), (LedgerKind.TALKS,), (LedgerKind.STUDY,),
    (LedgerKind.DUES_WIDE, LedgerKind.DUES_LONG), (LedgerKind.SUBMISSIONS,), (LedgerKind.PROBLEMS,), (LedgerKind.TASKS,),
)

# Dues ledgers in the wide form carry one column per month; values.month_of_header reads its
# header forms: 1月, 一月, 01月, 1月份, 2023年1月, 2023-01, 2023.1 and date cells (2023年1月).

# 组织生活台账.类型: canonical -> accepted synonyms.
ACTIVITY_TYPES: dict[str, tuple[str, ...]] = {
    "支委会": ("支部委员会", "支委会议", "支部委员会会议", "支委委员会", "支部委员会议", "支委扩大会",
            "支委会扩大会议", "支部委员会扩大会议", "支委扩大会议", "支部委员扩大会议", "党支部委员会",
            "党支部委员会会议", "党支部委员会议", "支委会会议", "支部支委会", "支委成员会议", "支委例会"),
    "党员大会": ("支部党员大会", "全体党员大会", "党员大会会议", "支部大会", "党支部大会", "党支部党员大会",
             "支部全体党员大会", "全体党员会议", "支部党员会议", "党员会议", "全体党员会"),
    "党小组会": ("党小组会议", "党小组学习", "党小组学习会", "党小组活动", "小组会", "党小组例会"),
    "党课": ("讲党课", "专题党课", "上党课", "党课学习", "书记讲党课", "支部书记讲党课", "党支部书记讲党课",
           "书记上党课", "廉政党课", "廉洁党课", "微党课", "七一党课", "七一专题党课", "主题党课", "红色党课",
           "党课教育", "党课辅导", "领导干部讲党课", "党员讲党课", "专家讲党课", "专题党课辅导", "集中党课"),
    "主题党日": ("主题党日活动", "固定党日", "党员活动日", "固定党日活动", "主题党日学习", "固定主题党日",
             "固定主题党日活动", "党日活动", "党日", "主题党日学习活动", "党员固定活动日", "支部主题党日"),
    "专题研讨": ("研讨交流", "学习研讨", "专题研讨会", "研讨", "专题学习研讨", "交流研讨", "集中研讨"),
    "专题研究党建": ("专题研究党建工作", "党建工作专题会", "研究党建工作"),
    "知识测试": ("知识竞赛", "测试", "知识测验"),
    "结对共建": ("结对共建活动", "联建共建", "共建活动"),
    "爱国主义影片": ("观看爱国主义影片", "爱国主义教育影片", "观看爱国主义教育影片"),
    "警示教育片": ("观看警示教育片", "警示教育", "观看警示教育影片"),
    "观摩学习": ("观摩", "现场观摩"),
    "组织生活会": ("专题组织生活会", "年度组织生活会", "组织生活会议"),
    "民主评议党员": ("民主评议",),
    "谈心谈话": ("谈话", "谈心"),
}
# Activity names that also say who spoke (书记讲党课): 主讲人类别 -> those names. A row of
# such a type whose 主讲人类别 is blank takes this category.
ACTIVITY_SPEAKERS: dict[str, tuple[str, ...]] = {
    "书记": ("书记讲党课", "支部书记讲党课", "党支部书记讲党课", "书记上党课"),
    "领导干部": ("领导干部讲党课",),
    "专家": ("专家讲党课",),
    "党员": ("党员讲党课",),
}
OTHER_ACTIVITY = "其他"

# 党课.主讲人类别 -> canonical; blank counts as 未注明.
SPEAKER_CATEGORIES: dict[str, tuple[str, ...]] = {
    "书记": ("支部书记", "党支部书记", "书记讲党课"),
    "领导干部": ("领导", "党员领导干部", "领导班子成员", "单位领导"),
    "专家": ("专家学者", "特邀专家", "邀请专家", "外请专家"),
    "党员": ("普通党员", "党员代表"),
}
UNSPECIFIED_SPEAKER = "未注明"

# 整改台账.完成情况 -> canonical.
RECTIFY_STATUS: dict[str, tuple[str, ...]] = {
    "已完成": ("完成", "已整改", "整改完成", "已完成整改", "整改完毕", "已整改到位", "整改到位", "已办结", "办结",
            "已落实", "已销号", "销号"),
    "推进中": ("正在推进", "正在推进中", "推进", "进行中", "整改中", "正在整改", "持续整改", "持续整改中", "持续推进",
            "长期坚持", "部分完成"),
    "未完成": ("未整改", "尚未完成", "未完成整改", "尚未整改", "未开始", "没有完成", "未落实"),
}
DONE = "已完成"
# 完成时限 that name no day (`长期坚持`): kept as no deadline, never past.
OPEN_DEADLINES: tuple[str, ...] = ("长期", "长期坚持", "持续", "持续推进", "常态化", "立行立改")

# 党员名册.人员类别 -> canonical; blank counts as 正式党员.
MEMBER_CATEGORIES: dict[str, tuple[str, ...]] = {
    "正式党员": ("正式", "党员", "中共党员", "在职党员", "离退休党员", "退休党员", "离休党员", "流动党员"),
    "预备党员": ("预备", "预备期", "预备期党员", "中共预备党员"),
}
# 党员名册.状态 -> canonical; blank counts as 正常. 转入 starts membership in the month of
# 转入时间; every other change ends it in the month of 转出时间 (减少时间). A change may also be
# written only in 备注 (`2023年6月转出`): read from there, with a warning.
MEMBER_STATUS: dict[str, tuple[str, ...]] = {
    # A 状态 column often says how a member works or lives: all of these are ordinary members.
    "正常": ("在册", "在籍", "正式", "无", "无变动", "未变动", "在职", "在岗", "退休", "离休", "离退休", "流动",
           "流动党员", "正式党员", "预备党员", "党员"),
    "转入": ("新转入", "迁入", "调入", "组织关系转入", "转进", "增加", "新增"),
    "转出": ("已转出", "迁出", "调出", "组织关系转出", "调离", "转走", "减少"),
    "去世": ("死亡", "逝世", "病故", "已故", "亡故", "病逝", "已去世"),
    "停止党籍": ("已停止党籍", "停止党员党籍"),
    "出党": ("开除党籍", "开除", "除名", "退党", "劝退", "自行脱党", "脱党", "取消预备党员资格"),
}
# The status that starts membership during the year; the others (but 正常) end it.
JOINING_STATUS = "转入"
NORMAL_STATUS = "正常"

# Fields of a record that are not columns but still tell two records apart (see Kind.key):
# 时刻 is a time of day written with a date (`3月5日上午`, `2023-03-05 14:30`); 期间 is a period
# named by the sheet (`第一季度`, `上半年`, `3月`), part of every ledger's key; 月份 and 列月份
# are a wide dues row's payments and the months its sheet has columns for.
KEY_FIELDS: dict[str, str] = {
    "时刻": "日期中写的时刻（上午、下午、9:30 等）",
    "月份": "各月的实缴金额（党费横表按“党员+月份”逐月合并）",
    "列月份": "表中有哪几个月的列（如上半年表只有1至6月）",
    "期间": "工作表名称中写的期间（第一季度、上半年、3月等）",
}
ALWAYS_KEY: tuple[str, ...] = ("期间",)
# Fields of every kind set from the sheet rather than a column (Kind.fields).
DERIVED: tuple[str, ...] = ("期间",)

# 党员名册.党内职务 words that make a member a 支委 (书记, 副书记, 组织委员, 宣传委员, 纪检委员 …).
COMMITTEE_TITLES: tuple[str, ...] = ("书记", "委员", "支委")
# 组织生活 that every member (of the group, for a 党小组会) is expected at: attendance at these
# decides absence from 组织生活 (a 支委会 is for 支委 only).
ALL_MEMBER_ACTIVITIES: tuple[str, ...] = ("党员大会", "党小组会", "党课", "主题党日", "组织生活会", "民主评议党员")

# 基本信息.支部类型 words for a 村 or 社区 branch (its 支部委员会 serves 5 years, not 3).
VILLAGE_WORDS: tuple[str, ...] = ("村", "社区", "农村")

# 谈话对象 that name every member of the branch (a group talk).
ALL_MEMBERS: tuple[str, ...] = ("全体党员", "全体", "全体支部党员", "所有党员", "支部全体党员")

# People a roster may list who are not (yet) Party members: kept out of every figure, with a note.
NON_MEMBERS: tuple[str, ...] = ("入党积极分子", "积极分子", "发展对象", "入党申请人", "群众", "非党员")

YES: tuple[str, ...] = ("是", "已采用", "采用", "√", "✓", "✔", "y", "yes", "已", "有", "录用", "已录用",
                        "刊发", "已刊发", "采纳", "已采纳")
NO: tuple[str, ...] = ("否", "未采用", "不采用", "×", "✗", "✘", "n", "no", "未", "无", "未录用", "未刊发")

# 信息报送.采用级别 -> canonical level, in the report's order.
LEVELS: dict[str, tuple[str, ...]] = {
    "中央": ("国家", "中央级", "国家级", "全国"),
    "省": ("省级", "省部级", "省委"),
    "市": ("市级", "州", "地市", "市州", "州级", "地市级", "市委"),
    "县": ("县级", "区", "县区", "县区级", "区级", "县委"),
}

# 工作举措.板块 -> canonical: the subsection of 一、履职工作主要情况 a measure is told in.
SECTIONS: dict[str, tuple[str, ...]] = {
    "责任落实": ("第一责任", "主体责任", "责任", "抓主抓重", "履职尽责"),
    "理论学习": ("政治学习", "学习教育", "理论武装", "学习", "思想建设", "政治建设"),
    "组织建设": ("组织生活", "支部建设", "基层组织建设", "党员教育管理", "标准化建设", "组织"),
    "中心工作": ("业务工作", "服务中心", "中心", "融合发展", "党建业务融合"),
    "作风建设": ("党风廉政", "党风廉政建设", "作风", "纪律建设", "廉政建设"),
}

# A dues row whose 姓名 cell starts with one of these records the remittance, not a member.
REMIT_ROWS: tuple[str, ...] = ("上缴", "已上缴", "上缴上级", "上缴党费", "上缴合计")

PROBLEM_TYPES: dict[str, tuple[str, ...]] = {
    "问题": ("存在问题", "主要问题"),
    "原因": ("问题原因", "原因分析", "产生原因"),
}

# Words joining two activity types in one cell (`主题党日暨党课`): the row counts for each.
ACTIVITY_JOINERS: tuple[str, ...] = ("暨", "+", "、", "和", "及", "与", "/")

# Marks people type in a number cell to say "none" (an unpaid month, a count not kept):
# read as an empty cell, never as an error or a zero.
# Marks for "paid" in a dues month cell: read as the member's standard, and said so.
PAID_MARKS: tuple[str, ...] = ("√", "✓", "✔", "已缴", "已交", "已缴纳")
# A 缴纳标准 that means the member owes nothing this year.
EXEMPT_MARKS: tuple[str, ...] = ("免缴", "免交", "免")

NONE_MARKS: tuple[str, ...] = ("/", "／", "\\", "-", "－", "—", "——", "–", "无", "未缴", "未交", "暂无", "空")

# Columns that are only cross-checked (a 合计 column), never data of their own.
CHECK_ONLY: tuple[str, ...] = ("合计",)

# A totals row: its label is one of these words on its own (after one of TOTAL_PREFIXES at
# most: 本页合计, 第二季度小计), and the row holds nothing but figures besides.
TOTAL_MARKERS: tuple[str, ...] = ("合计", "小计", "总计", "共计", "汇总")  # 汇总: an Excel Table's total row
# Regular-expression parts: the periods and pages a totals label may name before its word.
TOTAL_PREFIXES: tuple[str, ...] = (
    "本页", "本表", "全年度?", "本年度?", "年度", "本月", "本季度?", "[上下]半年", "第?[一二三四1-4]季度",
    "\\d{1,2}月份?", "[一二三四五六七八九十]{1,3}月份?", "第[一二三四五六七八九十\\d]{1,2}页",
    "\\d{1,2}\\s*[-—~～至到]\\s*\\d{1,2}月份?",
)
# Totals words that close only the rows since the previous totals row of any kind; every other
# totals word (合计, 总计, 共计) closes every row since the previous one of those.
SUBTOTALS: tuple[str, ...] = ("小计",)

# Wide dues with two columns under each merged month header: what is paid (read as the month)
# and what is due (only there to compare; never read as paid).
PAID_SUBHEADERS: tuple[str, ...] = ("实缴", "实交", "已缴", "实缴金额", "实缴党费", "实收", "缴纳金额", "实缴额")
DUE_SUBHEADERS: tuple[str, ...] = ("应缴", "应交", "应缴金额", "应缴党费", "应收", "缴纳标准", "标准", "应缴额")

# Columns that are never data.
IGNORED_HEADERS: tuple[str, ...] = ("序号", "编号", "序")

# An example row written by `init` starts with this marker and is never counted.
EXAMPLE_MARKER = "示例"

# The example row `init` writes under each header; dates as (month, day) in the ledger's year.
# A row that starts with 示例 but differs from these was typed over: it is reported, not dropped.
EXAMPLES: dict[LedgerKind, dict[str, object]] = {
    LedgerKind.ROSTER: {"姓名": "张三", "性别": "男", "出生日期": "1985.06", "入党时间": "2010.07",
                "人员类别": "正式党员", "党内职务": "组织委员", "党小组": "第一党小组"},
    LedgerKind.ACTIVITIES: {"日期": (3, 5), "类型": "党课", "主题": "学习新修订的党章", "主讲人": "王书记",
                   "主讲人类别": "书记", "应到人数": 7, "实到人数": 7, "地点": "党员活动室"},
    LedgerKind.TALKS: {"日期": (4, 10), "谈话人": "王书记", "谈话对象": "张三、李四",
                   "谈话形式": "个别谈话", "主要内容": "了解思想、工作和生活情况"},
    LedgerKind.STUDY: {"姓名": "张三", "季度": "第一季度", "检查日期": (3, 28), "学习笔记": 5000, "心得体会": 1},
    LedgerKind.DUES_WIDE: {"姓名": "张三", "缴纳标准": 50, **{f"{m}月": 50 for m in range(1, 13)}, "合计": 600},
    LedgerKind.SUBMISSIONS: {"日期": (5, 6), "标题": "某某党支部开展主题党日活动", "报送单位": "县直机关工委",
                   "是否采用": "是", "采用级别": "市", "刊载媒体": "某某日报"},
    LedgerKind.ASSISTANCE: {"日期": (4, 12), "对象": "石门村", "事项": "栽植油松", "数量": 1500, "单位": "棵"},
    LedgerKind.PROBLEMS: {"类型": "问题", "标题": "理论学习不够深入", "内容": "学习停留在读原文、记笔记，联系实际思考不够。"},
    LedgerKind.TASKS: {"标题": "强化理论武装", "内容": "坚持每月开展集中学习，每季度开展1次专题研讨。"},
    LedgerKind.OTHER: {"事项": "购买规定学习读本", "数量": 100, "单位": "本"},
    LedgerKind.RECTIFY: {"问题": "理论学习不够深入", "整改措施": "制定年度学习计划，每月集中学习1次", "责任人": "王书记",
               "完成时限": (6, 30), "完成情况": "已完成", "完成时间": (6, 20)},
    LedgerKind.MEASURES: {"板块": "理论学习", "内容": "制定年度学习计划，每月第一周集中学习1次"},
    LedgerKind.ACTIVISTS: {"姓名": "赵六", "确定时间": "2023.03", "培养联系人": "张三、李四"},
}

# The help sheet `init` writes into each blank ledger: a sheet with this name whose first cell
# starts with HELP_MARKER is skipped without a warning (any other unrecognised sheet is warned).
HELP_SHEET = "填表说明"
HELP_MARKER = "填表说明（本页只供阅读，程序不读取）"

# Meetings held for a year that may take place early the next year (组织生活会 and 民主评议党员
# for 2023 held in January–March 2024): with 所属年度 = 2023 they count for 2023. How many months
# of the next year is a rule setting (next_year_months); this is its default.
YEAR_OF_MEETING_TYPES: tuple[str, ...] = ("组织生活会", "民主评议党员")
NEXT_YEAR_MONTHS = 3

# Words in a 组织生活 row's 备注 saying the activity was not held on that day (it is not counted);
# words saying it was held after all win (`由3日延期至5日召开，已召开`).
NOT_HELD_WORDS: tuple[str, ...] = ("取消", "延期", "改期", "推迟", "未召开", "未开展", "未举行", "没有召开")
HELD_ANYWAY_WORDS: tuple[str, ...] = ("已召开", "已开展", "已举行", "如期召开", "如期举行")

QUARTERS: tuple[str, ...] = ("第一季度", "第二季度", "第三季度", "第四季度")

# How many leading rows are searched for the header row at most (the search also stops at the
# first row that looks like data: rows above a header are titles and notes, never records).
HEADER_SEARCH_ROWS = 1000
