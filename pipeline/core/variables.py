"""Every name a Word template may use: the keys of metrics.json and the derived template
variables, each with what it holds. The keys are Chinese because they are the template
authors' contract (README: 可以使用的变量, whose table is generated from this one).

A run's metrics and template context are checked against this table (check_metrics,
check_derived): a key produced but not listed here, or a listed key a run should always
produce but did not, is a defect of the program (ContractError, exit 3), never a silently
different metrics.json. It imports only the name registry, the vocabulary and the errors, so
every stage may import it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.core import vocab
from pipeline.core.errors import ContractError
from pipeline.core.names import Name


class Section(Name):
    """The top-level sections of metrics.json, in the order the README lists them."""

    YEAR = "年度"
    BRANCH = "支部"
    MEMBERS = "党员"
    ACTIVITIES = "组织生活"
    THEME_DAYS = "主题党日"
    LESSONS = "党课"
    TALKS = "谈心谈话"
    STUDY = "学习"
    DUES = "党费"
    SUBMISSIONS = "信息报送"
    ASSISTANCE = "帮扶"
    OTHERS = "其他事项"
    MEASURES = "工作举措"
    MEASURE_TITLES = "工作举措小标题"
    PROBLEMS = "问题"
    CAUSES = "原因"
    PLANS = "打算"
    FINDINGS = "检查发现"
    RULES = "检查规则"
    VALIDATION = "校验"
    RECTIFY = "整改"  # only with a 整改台账 (pipeline/facts/rectify.py)
    YEAR_ON_YEAR = "同比"  # only with --previous (pipeline/years/previous.py)


class Kind(Name):
    """What kind of value a variable holds, as the README's table names it."""

    NUMBER = "数字"  # int or float; None (null) where the description says 为空
    FLAG = "真/假"
    LIST = "列表"
    TEXT = "文字"
    MAPPING = "分项"  # a mapping whose keys are data (types, 板块, rules) or fixed item names


@dataclass(frozen=True)
class Variable:
    """One template variable: its dotted name, kind and description.

    `when`: "" when every run has it; else the condition under which its whole top-level
    section is there (and then every entry of that section is).
    """

    name: str
    kind: Kind
    text: str
    derived: bool = False
    when: str = ""

    @property
    def section(self) -> str:
        return self.name.split(".", 1)[0]


def _metric(name: str, kind: Kind, text: str, when: str = "") -> Variable:
    return Variable(name, kind, text, when=when)


def _derived(name: str, kind: Kind, text: str) -> Variable:
    return Variable(name, kind, text, derived=True)


N, F, L, T, M = Kind.NUMBER, Kind.FLAG, Kind.LIST, Kind.TEXT, Kind.MAPPING
_PREVIOUS = "只在指定上年（--previous）时有"
_RECTIFY = "只在有整改台账时有"
_FIRST_SECTION, *_OTHER_SECTIONS = vocab.SECTIONS

# metrics.json, down to the figures a template quotes; an entry of kind 分项 or 列表 is where
# the names below it are data (组织生活.按月.支委会, 其他事项.事项名, 检查规则.党费.缴纳方式).
METRICS: tuple[Variable, ...] = (
    _metric("年度", N, "报告年度，如 2023"),
    _metric("支部.名称", T, "党支部名称（基本信息）"),
    _metric("支部.书记", T, "支部书记姓名（基本信息）"),
    _metric("支部.上级党组织", T, "上级党组织（基本信息），没填为空"),
    _metric("支部.报告日期", T, "报告日期（基本信息），如 2023-01-10，没填为空；填了时报告末尾落款"),
    _metric("党员.总数", N, "年底在册的党员人数（党员名册中本年度转出、去世等的不计）"),
    _metric("党员.正式党员", N, "年底在册的正式党员人数（人员类别空白的按正式党员计）"),
    _metric("党员.预备党员", N, "年底在册的预备党员人数"),
    _metric("党员.增加", N, "本年度增加的党员人数（转入，或入党时间在本年度）"),
    _metric("党员.减少", N, "本年度减少的党员人数（转出、去世、停止党籍、出党）"),
    _metric("党员.变动", L, "本年度每一次增减：姓名、变动（转入、入党、转出、去世……）、年月"),
    _metric("党员.新发展党员", N, "本年度发展的党员人数（党员名册中入党时间在本年度的）"),
    _metric("党员.入党积极分子", N, "入党积极分子台账人数"),
    _metric("党员.本年确定积极分子", N, "本年度确定的入党积极分子人数（确定时间在本年度的）"),
    *(_metric(f"组织生活.{t}", N, f"组织生活台账中“{t}”的次数") for t in vocab.ACTIVITY_TYPES),
    _metric(f"组织生活.{vocab.OTHER_ACTIVITY}", N, "类型不是标准名称的活动次数"),
    _metric("组织生活.按月", M, "各类型每月的次数：`组织生活.按月.支委会` 是1至12月的12个数"),
    _metric("主题党日.举办日", L, "每月主题党日在几日举办：12个月各一组日期"),
    _metric("主题党日.领学次数", N, "填了主讲人（领学人）的主题党日次数"),
    _metric("主题党日.每次一人领学", F, "真/假：每次主题党日都由1人领学"),
    _metric("党课.总数", N, "党课次数"),
    *(_metric(f"党课.{s}", N, f"主讲人类别为“{s}”的党课次数") for s in vocab.SPEAKER_CATEGORIES),
    _metric(f"党课.{vocab.UNSPECIFIED_SPEAKER}", N, "没填主讲人类别的党课次数"),
    _metric("谈心谈话.次数", N, "谈心谈话次数（谈心谈话记录，加上组织生活台账中类型为“谈心谈话”的行）"),
    _metric("谈心谈话.覆盖党员", N, "被谈话的名册党员人数"),
    _metric("谈心谈话.未覆盖党员", L, "除书记外没有谈过话的党员姓名（列表）"),
    _metric("学习.笔记总字数", N, "学习笔记字数合计"),
    _metric("学习.人均笔记字数", N, "笔记总字数 ÷ 本年度在册过的党员人数（名册无变动时即党员总数），取整"),
    _metric("学习.心得体会总篇数", N, "心得体会篇数合计"),
    _metric("学习.人均心得体会篇数", N, "心得体会总篇数 ÷ 本年度在册过的党员人数，保留1位小数"),
    _metric("学习.检查次数", N, "学习笔记检查次数（不同的检查日期；没填日期的按季度）"),
    _metric("党费.实缴总额", N, "全年实缴党费（元）"),
    _metric("党费.应缴总额", N, "缴纳标准 × 应缴月数的合计（元；本年度入党的从入党当月算起）；没填标准时为空"),
    _metric("党费.按月", L, "每月实缴金额，1至12月的12个数"),
    _metric("党费.欠缴", L, "有缴纳标准但某月未缴（或缴0元）的 {姓名, 月份} 列表，本年度入党的从入党当月算起"),
    _metric("党费.少缴", L, "某月缴了但少于缴纳标准的 {姓名, 月份, 应缴, 实缴} 列表"),
    _metric("党费.未列入", L, "党员名册中有、党费台账中没有的党员姓名列表"),
    _metric("党费.足额", F, "真/假：填了缴纳标准，名册中的党员都在党费台账中，且每名党员每个应缴月份实缴不少于标准"
                            "（无欠缴、无少缴、无未列入）；报告据此写“按月足额缴纳党费”"),
    _metric("党费.上缴总额", N, "党费台账记录的上缴金额（姓名写“上缴”的行，或“上缴”列中的金额）；没有时为 null"),
    _metric("党费.已全部上缴", F, "真/假：党费台账记录了上缴（凡有缴费的行“上缴”列都填了是/日期/金额，或上缴金额不少于实缴总额）；"
                                "报告据此写“已全部上缴”"),
    _metric("信息报送.报送篇数", N, "报送信息篇数"),
    _metric("信息报送.采用篇数", N, "被采用篇数（是否采用为“是”，或填了采用级别）"),
    *(_metric(f"信息报送.按级别.{level}", N, f"被{level}级采用的篇数") for level in vocab.LEVELS),
    _metric("帮扶", L, "帮扶事项列表，每项 {对象, 事项, 数量, 单位, 约数}，同一对象、事项、单位的合并"),
    _metric("其他事项", M, "其他事项：`其他事项.事项名.数量`、`其他事项.事项名.单位`，如 `其他事项.购买规定学习读本.数量`"),
    _metric(f"工作举措.{_FIRST_SECTION}", L, f"工作举措台账中板块为“{_FIRST_SECTION}”的各条内容（原文，按台账顺序）"),
    *(_metric(f"工作举措.{s}", L, f"同上，板块“{s}”") for s in _OTHER_SECTIONS),
    _metric(f"工作举措小标题.{_FIRST_SECTION}", T,
            f"工作举措台账中板块“{_FIRST_SECTION}”第一次填写的小标题（报告中该部分的标题），没填为空"),
    *(_metric(f"工作举措小标题.{s}", T, f"同上，板块“{s}”") for s in _OTHER_SECTIONS),
    _metric("问题", L, "问题清单中类型为“问题”的各条 {标题, 内容}"),
    _metric("原因", L, "问题清单中类型为“原因”的各条 {标题, 内容}"),
    _metric("打算", L, "任务清单各条 {标题, 内容}"),
    _metric("检查发现", L, "规则检查发现的问题，每条 {规则, 规则编号, 说明, 涉及, 依据, 依据类别}（规则是显示的名称；"
                          "规则编号是所属规则在 pipeline.toml 中的规则名，如“主题党日按时开展”的规则编号是“主题党日”，"
                          "上年问题再次出现的规则编号是“上年问题再次出现”；依据类别：党章、条例、规定、本地规定）；"
                          "关于某名党员的另有 姓名，党费另有 严重、少缴，党小组会另有 党小组"),
    _metric("检查规则", M, "本次检查使用的规则设置（来自 pipeline.toml，本支部基本信息中的设置列在“本支部设置”），"
                          "如 `检查规则.主题党日.截止日`、`检查规则.党费.缴纳方式`、`检查规则.支委会.依据类别`"),
    _metric("校验.错误", N, "校验发现的错误个数"),
    _metric("校验.警告", N, "校验发现的警告个数"),
    _metric("整改.问题数", N, "整改台账中上年度问题的条数", _RECTIFY),
    *(_metric(f"整改.{state}", N, f"整改台账中完成情况为“{state}”的条数", _RECTIFY) for state in vocab.RECTIFY_STATUS),
    _metric("整改.事项", L, "整改台账各条 {问题, 整改措施, 责任人, 完成时限, 完成情况, 完成时间, 未完成原因}，按台账顺序",
            _RECTIFY),
    _metric("同比.上年度", N, "比较的上年度，如 2022", _PREVIOUS),
    _metric("同比.来源", T, "上年数字取自哪里：上年的 metrics.json，或按上年度统计的台账文件夹", _PREVIOUS),
    _metric("同比.上年", M, "上年的各项次数和金额，结构与本年相同，如 `同比.上年.组织生活.党课`；按月数字、帮扶和问题清单等列表不比较，"
                           "上年没有的台账不列", _PREVIOUS),
    _metric("同比.增减", M, "本年减上年，结构同 `同比.上年`，如 `同比.增减.党费.实缴总额`", _PREVIOUS),
)

# The names pipeline/writing/context.py adds to the metrics for the template (sentences and flags).
DERIVED: tuple[Variable, ...] = (
    _derived("党员句", T, "党员人数一句，如“支部现有党员10名，其中正式党员9名、预备党员1名”（指标中有年内增加、减少人数时一并写出）；"
                         "没有党员名册时为空"),
    _derived("举措句", M, "工作举措按板块连成的段落文字：{板块: “内容。内容。”}，板块为责任落实、理论学习、组织建设、中心工作、作风建设，"
                         "按台账顺序，原文照录；没有的板块为空"),
    _derived("小节", M, "“一、履职工作主要情况”各小节的序号，如 {“责任落实”: “（一）”, …, “作风建设”: “”}；"
                       "小节有工作举措或有数字时才有序号（依次排列），否则为空、整段略去"),
    _derived("学习句", T, "学习笔记、心得体会和调阅检查一句，如“党员人均记写学习笔记3万余字，撰写心得体会3篇，"
                         "每季度对党员学习情况进行1次调阅检查”（学习笔记检查规则已检查且无发现、检查4次时写“每季度…1次”，否则写“全年…N次”；"
                         "人均篇数不是整数时写“2篇以上”）；无数字时为空"),
    _derived("党课句", T, "党课按主讲人分列，如“支部书记带头讲党课4次，邀请专家讲党课2次，领导干部讲专题党课4次”，"
                         "未注明主讲人类别的写“另开展党课N次”；为0的部分略去；只有一类时（即总数，“三会一课句”已写）为空"),
    _derived("理论学习句", T, "主题党日领学、专题研讨、党课、知识测试连成一句，如“每月主题党日活动上安排1名干部领学，开展专题研讨4次，"
                           "支部书记带头讲党课4次……开展知识测试1次”；为0的部分略去，全为0时为空"),
    _derived("帮扶句", T, "帮扶事项逐项连成一句，如“在石门村栽植油松1500余棵，为柳沟村群众送去过冬棉服190件”："
                         "事项中已写明对象的照写，否则在前面加“为对象”；无帮扶时为空"),
    _derived("结对帮扶句", T, "结对共建次数与帮扶事项一句，如“开展党组织结对共建活动4次，在石门村栽植油松1500余棵……”；都没有时为空"),
    _derived("其他事项句", T, "其他事项逐项，如“开展志愿服务6次”，以“、”连接；没有时为空"),
    _derived("三会一课句", T, "“召开支委会12次，党员大会4次，开展主题党日活动12次，讲党课10次”，为0的部分略去，全为0时为空"),
    _derived("组织生活会句", T, "“召开组织生活会1次，开展民主评议党员1次”，为0的部分略去，全为0时为空"),
    _derived("组织生活制度句", T, "只在规则检查没有发现问题时写：“严格按照每月10日前完成当月组织生活的要求，认真落实“三会一课”、"
                              "主题党日等党内基本组织生活制度”（支委会、党员大会、党小组会、党课、主题党日各规则凡适用的都已检查且无发现；"
                              "关闭了主题党日截止日时只写后半句）；否则为空"),
    _derived("组织生活形式句", T, "“观看爱国主义影片3次、警示教育片2次、参加观摩学习2次”（结对共建已在理论学习部分写出，不重复），"
                              "为0的部分略去，全为0时为空"),
    _derived("采用级别", T, "采用篇数大于0的级别，按中央、省、市、县用“、”连接，如“中央、省、市”；没有时为空"),
    _derived("问题句", T, "问题清单连成一段：“一是标题。内容二是标题。内容…”（只有一条时不加“一是”）；没有问题时为空"),
    _derived("原因句", T, "原因连成一句：“一是标题。内容；二是标题。内容；…。”（只有一条时不加“一是”）；没有原因时为空"),
    _derived("问题项", L, "问题清单逐条，标题去掉末尾标点，内容以“。”结尾（供模板自行循环）"),
    _derived("原因项", L, "原因逐条，格式同“问题项”"),
    _derived("打算项", L, "任务清单逐条，格式同“问题项”，默认模板每条一段“（一）标题。内容”"),
    _derived("检查发现句", T, "规则检查发现写成本人自查出的不足（第一人称，带数字，依据见校验报告）："
                           "“对照台账逐项自查，我在抓党建工作中还存在以下不足：一是落实“三会一课”等组织生活制度还不够严格，"
                           "5月未召开支委会；二是…。”（问题清单有问题时以“此外，”开头）；没有发现时为空"
                           "（不写“均按规定落实”），问题清单也没有问题时为“【待填写】…”提示语"),
    _derived("附件表", L, "附件统计表各行：{项目, 月(12个：次数或“—”), 底色(12个：未按规定开展的月份为灰色), 合计}；"
                         "行为支委会（正式党员不足7人且全年没有支委会时不列）、党员大会、党小组会（有党小组会记录或设置了显示党小组会时）、"
                         "党课、主题党日"),
    _derived("附件说明", T, "附件表下方的注释，说明数字、“—”和底色的含义，并列出所用的规则次数"),
    _derived("领学句", T, "主题党日领学情况，如“每月主题党日活动上安排1名干部领学”（每月都有主题党日且都填了主讲人/领学人时），"
                         "每次都有领学人但不是每月都开展时“每次主题党日活动上均安排…”，否则“在N次主题党日活动上安排干部领学”；"
                         "没有领学人时为空"),
    _derived("谈心谈话全覆盖", F, "真/假：谈心谈话覆盖了全体党员（未覆盖党员为空、覆盖人数大于0且规则检查无谈心谈话发现），"
                              "为真时写“和全体党员开展谈心谈话”"),
    _derived("党费按月足额", F, "真/假：党费规则已检查且无发现、每名党员每个应缴月份实缴不少于缴纳标准（指标“党费.足额”），"
                             "为真时写“按月足额缴纳党费”；为假且知道应缴总额时写出应缴总额"),
    _derived("显示党小组会", F, "真/假：附件表是否列出党小组会一行"),
    _derived("落款日期", T, "落款日期：基本信息“报告日期”，如“2023年1月10日”；没填时为“\u3000年\u3000月\u3000日”，留给书记手写"),
    _derived("草稿标记", T, "有错误行仍按 --keep-going 生成时为“（台账有 N 处错误未计入，本稿仅供核对）”；"
                         "没有检查发现、问题清单也没有问题时为“（“存在的主要问题”待填写，本稿仅供核对）”；印在每页页眉；否则为空"),
    # Last year beside this year (pipeline/years/previous.py): empty without --previous.
    _derived("同比三会一课句", T, "“三会一课”与上年相比，如“支委会、主题党日活动次数与上年持平，党员大会较上年增加1次，"
                              "讲党课较上年减少2次”；未指定上年（--previous）或上年没有这些数字时为空"),
    _derived("同比谈心谈话", T, "“较上年增加2次”“较上年减少1次”或“与上年持平”，接在谈心谈话次数后；上年未知时为空"),
    _derived("同比党课", T, "党课总数与上年相比，格式同“同比谈心谈话”"),
    _derived("同比党费", T, "实缴党费与上年相比，如“较上年增加480元”；上年未知时为空"),
    _derived("同比信息报送", T, "报送篇数与上年相比，如“较上年增加6篇”；上年未知时为空"),
    _derived("同比信息采用", T, "采用篇数与上年相比，如“较上年增加3篇（次）”；上年未知时为空"),
    # What became of last year's problems (pipeline/facts/rectify.py).
    _derived("整改句", T, "上年度问题整改情况，报告“二、存在的主要问题及原因”的第一段，如“上年度查摆问题3个，已完成整改2个，"
                         "1个正在推进：“党费收缴不够及时”，原因是……。”；全部完成时写“已全部完成整改”；没有整改台账时为空"),
)

VARIABLES: tuple[Variable, ...] = METRICS + DERIVED
BY_NAME: dict[str, Variable] = {v.name: v for v in VARIABLES}
DERIVED_NAMES: frozenset[str] = frozenset(v.name for v in DERIVED)


def _fits(kind: Kind, value: Any) -> bool:
    if kind is Kind.NUMBER:
        return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
    if kind is Kind.TEXT:
        return value is None or isinstance(value, str)
    if kind is Kind.FLAG:
        return isinstance(value, bool)
    if kind is Kind.LIST:
        return isinstance(value, list)
    return isinstance(value, Mapping)


def _walk(data: Mapping, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, value) down to the table's entries; a key the table does not know is
    followed into its mapping, so an unknown section names its own keys."""
    for key, value in data.items():
        path = f"{prefix}{key}"
        if path in BY_NAME or not isinstance(value, Mapping) or not value:
            yield path, value
        else:
            yield from _walk(value, path + ".")


def metric_problems(metrics: Mapping) -> list[str]:
    """What is wrong between a run's metrics and METRICS (empty when they agree)."""
    problems, seen = [], set()
    for path, value in _walk(metrics):
        entry = BY_NAME.get(path)
        if entry is None or entry.derived:
            problems.append(f"“{path}”不在变量表中")
        elif not _fits(entry.kind, value):
            problems.append(f"“{path}”应为{entry.kind}，实为 {type(value).__name__}")
        seen.add(path)
    problems += [f"缺少“{v.name}”" for v in METRICS
                 if v.name not in seen and (not v.when or v.section in metrics)]
    return problems


def check_metrics(metrics: Mapping) -> None:
    """Raise ContractError naming every key where a run's metrics and METRICS disagree."""
    problems = metric_problems(metrics)
    if problems:
        raise ContractError(f"metrics.json 与变量表（pipeline/core/variables.py）不一致：{'；'.join(problems)}")


def check_derived(derived: Mapping) -> None:
    """Raise ContractError when the derived names built differ from DERIVED, or hold another kind."""
    problems = [f"缺少“{name}”" for name in sorted(DERIVED_NAMES - set(derived))]
    problems += [f"“{name}”不在变量表中" for name in sorted(set(derived) - DERIVED_NAMES)]
    problems += [f"“{v.name}”应为{v.kind}，实为 {type(derived[v.name]).__name__}" for v in DERIVED
                 if v.name in derived and not _fits(v.kind, derived[v.name])]
    if problems:
        raise ContractError(f"模板派生变量与变量表（pipeline/core/variables.py）不一致：{'；'.join(problems)}")


def closest(name: str) -> str | None:
    """The table's name nearest to a misspelt `name` (组织生活.支委 -> 组织生活.支委会), for the
    template error; None when nothing is close, or `name` lies below an entry (its keys are data)."""
    import difflib

    head, _, last = name.rpartition(".")
    if any(head == v.name or head.startswith(v.name + ".") for v in VARIABLES):
        return None
    names = set(BY_NAME)
    names |= {n.rsplit(".", i)[0] for n in BY_NAME for i in range(1, n.count(".") + 1)}  # 组织生活, 信息报送.按级别
    siblings = {n.rpartition(".")[2]: n for n in names if n.rpartition(".")[0] == head}
    if siblings:  # the part before the last dot is right: compare the last part with its siblings'
        found = difflib.get_close_matches(last, siblings, n=1, cutoff=0.6)
        return siblings[found[0]] if found else None
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return found[0] if found else None
