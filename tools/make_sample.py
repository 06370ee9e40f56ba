#!/usr/bin/env python3
"""Write a fictional branch's 2022 ledgers (台账) into `inputs/` — the sample for the pipeline.

The sample reproduces every figure of the model report (2022, 党支部书记抓党建工作述职报告):
支委会 12、党员大会 4、主题党日 12、党课 10 (书记 4 / 领导干部 4 / 专家 2)、专题研讨 4、
专题研究党建 4、知识测试 1、结对共建 4、爱国主义影片 3、警示教育片 2、观摩学习 2、
谈心谈话 10、学习笔记人均 30512 字 (“3万余字”)、心得体会人均 3 篇、党费 5760 元、
信息 126 篇 / 采用 18 篇 (中央 2、省 5、市 11)、帮扶各项数量；党费已上缴（“是否上缴”列）。
What only the model branch did (its 三个清单, 四学, 星级 work, named documents, the 100 books)
is this branch's 工作举措 ledger, in its own words, never template text.
All names are fictional. The data is typed the way a secretary keeps it: title rows, blank
rows, header synonyms, mixed date forms, text numbers, a totals row, a GBK CSV.

Deterministic: no randomness, fixed workbook properties (creator “样例”, created/modified
2022-12-31) and fixed zip timestamps, so a rerun writes byte-identical files.
No formulas anywhere (openpyxl would leave them without cached values).

Usage:
    python tools/make_sample.py            # (re)write the files below into inputs/, then verify
    python tools/make_sample.py --verify   # only verify inputs/ (and that a rerun is identical)
    python tools/make_sample.py --inputs DIR
    python tools/make_sample.py --previous DIR   # the same branch's 2021 ledgers (for --previous)

Only the files in OUTPUT_FILES are deleted and rewritten; nothing else in the folder is touched.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.dont_write_bytecode = True  # leave no __pycache__ behind in pipeline/

from pipeline.core import vocab  # noqa: E402  (pure data: used to check every type/value we type)

YEAR = 2022
FIXED_TIME = dt.datetime(2022, 12, 31, 0, 0, 0)
ZIP_TIME = (2022, 12, 31, 0, 0, 0)

F_BASIC = "01-基本信息与党员名册.xlsx"
F_LIFE = "2022年组织生活台账.xlsx"
F_NOTES = "学习笔记检查.xlsx"
F_DUES = "党费收缴台账.xlsx"
F_INFO = "信息报送台账.csv"
F_AID = "帮扶共建台账.xlsx"
F_PLAN = "问题清单与工作打算.xlsx"
OUTPUT_FILES = (F_BASIC, F_LIFE, F_NOTES, F_DUES, F_INFO, F_AID, F_PLAN)

BRANCH = "青山县委组织部机关党支部"
SECRETARY = "李明华"
SUPERIOR = "中共青山县直属机关工作委员会"

D = dt.date  # short alias for the tables below

# ---------------------------------------------------------------- 党员名册
# 姓名, 性别, 出生年月 (mixed forms; a date object becomes a real date cell), 入党时间,
# 人员类别 ("" = left blank, counts as 正式党员), 党内职务
MEMBERS = [
    ("李明华", "男", "1975.01", "1996.06", "正式党员", "党支部书记"),
    ("王建国", "男", "1978年11月", "2000年7月", "正式党员", "组织委员"),
    ("张丽娟", "女", "1980年3月", "2003.05", "正式党员", "宣传委员"),
    ("刘志强", "男", "1982-09", "2006-06", "正式党员", "纪检委员"),
    ("陈晓燕", "女", D(1984, 4, 1), "2008.12", "正式党员", ""),
    ("赵文博", "男", "1986-07", "2010.06", "正式党员", ""),
    ("孙海涛", "男", "1988.10", "2012年5月", "", ""),
    ("周雅琴", "女", "1990年2月", "2014.07", "正式党员", ""),
    ("吴俊杰", "男", D(1992, 8, 1), "2016-11", "正式党员", ""),
    ("郑欣怡", "女", "1996.05", "2021.12", "预备党员", ""),
]
NAMES = [m[0] for m in MEMBERS]

# ---------------------------------------------------------------- 组织生活台账
# (日期, 会议类型 as typed, 会议主题, 主讲人, 主讲人类别, 地点)
# 日期: a date -> real date cell; str -> text as typed; int -> Excel serial in a General cell.
ROOM = "部机关会议室"
HALL = "党员活动室"
LIFE = [
    # 1月
    (D(2022, 1, 5), "支委会", "研究部署2022年度党支部工作要点", SECRETARY, "", ROOM),
    (D(2022, 1, 7), "主题党日", "学习党的十九届六中全会精神", "张丽娟", "", HALL),
    (D(2022, 1, 20), "观看爱国主义影片", "观看影片《长津湖》", SECRETARY, "", "县影剧院"),
    # 2月
    (D(2022, 2, 8), "支部委员会", "研究2021年度组织生活会和民主评议党员工作", SECRETARY, "", ROOM),
    (D(2022, 2, 10), "固定党日", "学习《中国共产党章程》", "刘志强", "", HALL),
    (D(2022, 2, 15), "党课", "以史为鉴 坚定信念 做忠诚干净担当的组工干部", SECRETARY, "书记", ROOM),
    (D(2022, 2, 18), "专题组织生活会", "召开2021年度专题组织生活会", SECRETARY, "", ROOM),
    (D(2022, 2, 18), "民主评议党员", "开展2021年度民主评议党员", SECRETARY, "", ROOM),
    # 3月
    (D(2022, 3, 2), "支委会", "研究年度党员学习计划和党员积分评定工作", SECRETARY, "", ROOM),
    ("2022.3.5", "主题党日", "学雷锋志愿服务进社区", "陈晓燕", "", "城关社区"),
    (D(2022, 3, 11), "结对共建", "与石门村党支部结对共建开展义务植树", SECRETARY, "", "石门村"),
    (D(2022, 3, 17), "讲党课", "学习贯彻全国两会精神 推动组织工作提质增效", "王建国", "领导干部", ROOM),
    (D(2022, 3, 24), "党员大会", "第一季度党员大会：通报党费收缴和学习笔记检查情况", SECRETARY, "", ROOM),
    (D(2022, 3, 29), "专题研究党建", "专题研究第一季度机关党建工作", SECRETARY, "", ROOM),
    # 4月
    (D(2022, 4, 6), "支委会", "研究第二季度组织生活安排", SECRETARY, "", ROOM),
    ("2022年4月8日", "主题党日", "清明祭扫 缅怀革命先烈", "赵文博", "", "县烈士陵园"),
    (D(2022, 4, 14), "研讨交流", "“能力作风建设年”活动专题研讨", SECRETARY, "", ROOM),
    (D(2022, 4, 21), "党课", "深刻把握“两个确立”的决定性意义", "县委党校教授马文清", "专家", ROOM),
    (D(2022, 4, 27), "警示教育片", "观看警示教育片《零容忍》", SECRETARY, "", ROOM),
    # 5月
    ("2022/5/6", "主题党日", "纪念中国共产主义青年团成立100周年", "孙海涛", "", HALL),
    (D(2022, 5, 9), "支委会", "研究修订《党员积分评定标准》", SECRETARY, "", ROOM),
    (D(2022, 5, 17), "党课", "赓续百年奋斗精神 做新时代合格党员", SECRETARY, "支部书记", ROOM),
    (D(2022, 5, 19), "结对共建", "与柳沟村党支部结对共建对接养殖项目", SECRETARY, "", "柳沟村"),
    (D(2022, 5, 26), "观摩学习", "观摩全县重大项目建设（上半年）", SECRETARY, "", "县重大项目建设现场"),
    # 6月
    ("6月3日", "支委会", "研究“七一”系列活动安排", SECRETARY, "", ROOM),
    (D(2022, 6, 8), "主题党日", "学习《习近平谈治国理政》第四卷", "周雅琴", "", HALL),
    (D(2022, 6, 16), "党课", "以高质量组织工作服务县域经济发展", "刘志强", "领导干部", ROOM),
    (D(2022, 6, 23), "专题研究党建", "专题研究上半年机关党建工作", SECRETARY, "", ROOM),
    (44742, "党员大会", "庆祝建党101周年暨第二季度党员大会", SECRETARY, "", ROOM),  # = 2022-06-30
    # 7月
    (D(2022, 7, 5), "支委会", "研究下半年党支部工作安排", SECRETARY, "", ROOM),
    (D(2022, 7, 12), "主题党日", "重温入党誓词 喜迎党的二十大", "吴俊杰", "", HALL),
    (D(2022, 7, 20), "爱国主义影片", "观看影片《革命者》", SECRETARY, "", "县影剧院"),
    (D(2022, 7, 28), "专题研讨", "学习习近平总书记在省部级主要领导干部专题研讨班上的重要讲话精神", SECRETARY, "", ROOM),
    # 8月
    (D(2022, 8, 3), "支部委员会", "研究喜迎党的二十大主题宣传工作", SECRETARY, "", ROOM),
    (D(2022, 8, 9), "主题党日", "“喜迎二十大 奋进新征程”主题宣讲", "郑欣怡", "", HALL),
    (D(2022, 8, 11), "党课", "坚持严的主基调 锻造过硬组工队伍", SECRETARY, "书记", ROOM),
    (D(2022, 8, 18), "观看警示教育片", "观看警示教育片《警钟长鸣》", SECRETARY, "", "县廉政教育基地"),
    (D(2022, 8, 25), "结对共建", "与红崖镇党委结对共建开展惠民政策宣讲", SECRETARY, "", "红崖镇"),
    # 9月
    (D(2022, 9, 5), "支委会", "研究第三季度党员教育管理工作", SECRETARY, "", ROOM),
    (D(2022, 9, 8), "固定党日", "“我为群众办实事”志愿服务", "王建国", "", "城关社区"),
    ("20220915", "党员大会", "第三季度党员大会：听取预备党员思想汇报", SECRETARY, "", ROOM),
    (D(2022, 9, 20), "讲党课", "从严从实加强干部监督管理", "王建国", "领导干部", ROOM),
    (D(2022, 9, 22), "现场观摩", "观摩全县重大项目建设（下半年）", SECRETARY, "", "县重大项目建设现场"),
    (D(2022, 9, 29), "专题研究党建", "专题研究第三季度机关党建工作", SECRETARY, "", ROOM),
    # 10月
    (D(2022, 10, 10), "主题党日", "学习党章 喜迎党的二十大胜利召开", "张丽娟", "", HALL),
    (D(2022, 10, 11), "支委会", "研究组织收听收看党的二十大开幕会工作", SECRETARY, "", ROOM),
    (D(2022, 10, 13), "观看爱国主义影片", "观看影片《万里归途》", SECRETARY, "", "县影剧院"),
    (D(2022, 10, 25), "党课", "深刻领会中国式现代化的科学内涵", "市委党校副教授何静", "专家", ROOM),
    (D(2022, 10, 27), "专题研讨", "学习党的二十大报告专题研讨", SECRETARY, "", ROOM),
    # 11月
    (D(2022, 11, 2), "支委会", "研究学习宣传贯彻党的二十大精神工作安排", SECRETARY, "", ROOM),
    (D(2022, 11, 8), "主题党日", "学习党的二十大精神", "刘志强", "", HALL),
    (D(2022, 11, 10), "知识测试", "党的二十大精神知识测试", SECRETARY, "", ROOM),
    (D(2022, 11, 15), "党课", "学习党的二十大精神 推动组织工作高质量发展", SECRETARY, "书记", ROOM),
    (D(2022, 11, 17), "结对共建", "与柳沟村党支部结对共建为群众送温暖", SECRETARY, "", "柳沟村"),
    (D(2022, 11, 24), "研讨交流", "深入学习贯彻党的二十大精神专题研讨", SECRETARY, "", ROOM),
    # 12月
    (D(2022, 12, 5), "支委会", "研究年度民主评议和书记述职准备工作", SECRETARY, "", ROOM),
    (D(2022, 12, 7), "主题党日", "“宪法宣传周”学习宪法", "陈晓燕", "", HALL),
    (D(2022, 12, 13), "讲党课", "深入学习贯彻党的二十大关于党的建设的部署", "刘志强", "领导干部", ROOM),
    (D(2022, 12, 20), "党员大会", "第四季度党员大会：通报全年党建工作情况", SECRETARY, "", ROOM),
    (D(2022, 12, 22), "专题研究党建", "专题研究第四季度机关党建工作", SECRETARY, "", ROOM),
    # 次年1月: 2022年度的组织生活会和民主评议党员 (the topic names the year they belong to; the
    # February 2022 ones above are 2021's and do not count for 2022).
    (D(2023, 1, 6), "专题组织生活会", "召开2022年度专题组织生活会", SECRETARY, "", ROOM),
    (D(2023, 1, 6), "民主评议党员", "开展2022年度民主评议党员", SECRETARY, "", ROOM),
]
ATTEND = (10, 9, 10, 10, 8, 10, 9)  # 实到人数, cycled; 应到 is always 10

EXPECTED_TYPES = {
    "支委会": 12, "党员大会": 4, "主题党日": 12, "党课": 10, "专题研讨": 4, "专题研究党建": 4,
    "知识测试": 1, "结对共建": 4, "爱国主义影片": 3, "警示教育片": 2, "观摩学习": 2,
    "组织生活会": 1, "民主评议党员": 1,
}
EXPECTED_SPEAKERS = {"书记": 4, "领导干部": 4, "专家": 2}

# ---------------------------------------------------------------- 谈心谈话
TALKS = [
    (D(2022, 1, 18), "王建国、张丽娟", "集体谈话", "支委分工和年度工作任务落实"),
    (D(2022, 2, 22), "刘志强", "个别谈话", "纪检委员履职和党员日常监督"),
    (D(2022, 3, 15), "陈晓燕", "个别谈话", "学习笔记记写和工作中的困难"),
    (D(2022, 4, 19), "赵文博", "个别谈话", "思想动态和业务能力提升"),
    (D(2022, 5, 24), "孙海涛", "个别谈话", "干部档案专项审核工作中的担当作为"),
    (D(2022, 6, 21), "周雅琴", "个别谈话", "年轻干部成长和家庭困难"),
    (D(2022, 7, 19), "吴俊杰", "个别谈话", "驻村工作表现和作风纪律"),
    (D(2022, 8, 16), "郑欣怡", "个别谈话", "预备期教育考察和思想汇报"),
    (D(2022, 10, 18), "王建国", "个别谈话", "喜迎二十大期间组织工作任务落实"),
    (D(2022, 12, 13), "张丽娟", "个别谈话", "年度党建宣传工作和下一年打算"),
]

# ---------------------------------------------------------------- 学习笔记检查
QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")
CHECK_DATES = (D(2022, 3, 28), D(2022, 6, 27), D(2022, 9, 26), D(2022, 12, 26))
# 学习笔记字数 per quarter; some typed as text (thousands separator / full-width digits).
NOTES = {
    "李明华": ("7,650", 8120, 7960, 8750),
    "王建国": (7830, 7900, 7640, 8280),
    "张丽娟": (7520, 7710, 7680, 8010),
    "刘志强": (7480, 7600, 7550, 7930),
    "陈晓燕": ("7,250", 7560, 7610, 7880),
    "赵文博": (7310, 7420, 7590, 7860),
    "孙海涛": (7150, 7380, 7460, 7880),
    "周雅琴": (7200, 7450, "７５００", 7800),
    "吴俊杰": (7100, "7,390", 7520, 7800),
    "郑欣怡": (7020, 7280, 7350, "７７５０"),
}
# 心得体会篇数 per quarter: 3 a year for everyone.
ESSAYS = {name: tuple(0 if q == i % 4 else 1 for q in range(4)) for i, name in enumerate(NAMES)}
EXPECTED_WORDS = 305120
EXPECTED_ESSAYS = 30

# ---------------------------------------------------------------- 党费
DUES_STANDARD = dict(zip(NAMES, (100, 80, 60, 50, 50, 40, 40, 30, 20, 10)))
EXPECTED_DUES = 5760

# ---------------------------------------------------------------- 信息报送
INFO_AREAS = (
    "党史学习教育常态化长效化", "党支部标准化规范化建设", "喜迎二十大主题宣传", "乡村振兴驻村帮扶",
    "干部教育培训", "年轻干部培养选拔", "人才引进服务", "公务员平时考核", "软弱涣散村党组织整顿",
    "村（社区）“两委”干部培训", "党员发展质量提升", "流动党员教育管理", "模范机关创建",
    "疫情防控一线党员先锋作用发挥", "非公企业和社会组织党建", "党员冬春训", "为基层减负",
    "离退休干部党建",
)
INFO_FORMS = (
    "青山县扎实推进{}", "青山县多措并举抓好{}", "青山县{}取得新成效", "青山县创新举措做好{}",
    "青山县委组织部安排部署{}工作", "青山县“三个强化”推动{}", "青山县聚焦{}出实招",
)
INFO_RECIPIENTS = ("市委组织部", "县委办公室", "市委组织部", "省委组织部", "县委宣传部")
# Adopted rows: i % 7 == 3 (18 of 126); their levels in order.
ADOPTED_LEVELS = ("市", "省", "市", "中央", "市", "省", "市", "市", "省",
                  "市", "市", "中央", "市", "省", "市", "市", "省", "市")
MEDIA = {
    "中央": ("共产党员网", "人民网"),
    "省": ("省委组织部《组工信息》", "省党建网", "省日报"),
    "市": ("市委组织部《组工简报》", "市党建网", "市日报"),
}
YES_FORMS = ("是", "已采用", "√")
EXPECTED_INFO = 126
EXPECTED_ADOPTED = {"中央": 2, "省": 5, "市": 11}

# ---------------------------------------------------------------- 帮扶共建
# In the model report's order (the pipeline keeps first-seen order); 棉服 twice, summed to 190.
AID = [
    (D(2022, 3, 11), "石门村", "在石门村栽植油松", "1500余", "棵", "结对共建义务植树"),
    (D(2022, 5, 19), "柳沟村", "协调中化集团为柳沟村落实养殖项目资金", 280, "万元", ""),
    (D(2022, 11, 17), "柳沟村", "为柳沟村群众送去过冬棉服", 100, "件", "第一批"),
    (D(2022, 12, 15), "柳沟村", "为柳沟村群众送去过冬棉服", 90, "件", "第二批"),
    (D(2022, 12, 20), "柳沟村", "走访慰问柳沟村困难党员和离退休村干部", 8, "名", "元旦春节前走访慰问"),
    (D(2022, 12, 27), "红崖镇", "捐助饲草", 5, "吨", "冬春牲畜补饲"),
]

# ---------------------------------------------------------------- 问题清单 / 下一步打算 / 其他事项
# From section 二 of the model report; “**部门” filled in as “组织部门”, typos “装引力”/“重加”
# corrected, a missing comma added, and the last 原因's “；” ended as a sentence.
PROBLEMS = [
    ("问题", "责任落实不够到位",
     "认为组织部门党建工作始终站在全县“第一方阵”，无形中降低了要求，抓党建责任没有落到位，"
     "压力没有传到底。比如：在党建理念、内容、方式、载体、机制等方面缺乏创新和探索，"
     "支部组织生活形式内容还比较单一、吸引力还不够强。"),
    ("问题", "服务中心不够有力",
     "在机关党建工作如何更加贴近中心工作，如何更好地服务中心工作上，思考探索较少，"
     "有时还存在就党建抓党建的倾向，在处理抓党建和抓组织工作的关系上，有时没有做到两手抓、"
     "两手硬、两促进，存在“冷热不均”现象。"),
    ("问题", "党员管理不够严格",
     "认为干部长期在政治机关历练锻炼，纪律意识、规矩意识都较强，政治素质过硬，特别是今年以来，"
     "连续“5+2”“白加黑”，非常辛苦，对党员的日常监督管理有所放松，对机关党员干部偶尔出现的"
     "小纰漏、小失误，没有从“严管就是厚爱”的角度去帮助提升。"),
    ("原因", "精力投入不够",
     "有时候不能科学处理抓中心工作与抓党建的关系，今年把大量的时间和精力用于抓中心工作和处理"
     "日常事务上，导致抓党建工作投入的精力相对较少。"),
    ("原因", "思考谋划不够",
     "对党建工作主动思考谋划少，特别是对机关党建工作如何更好地融入融合到中心工作中等难点问题"
     "研究不够，没有积极探索，缺乏抓党建的系统思维。"),
    ("原因", "改革创新不够",
     "抓机关党建按部就班多，探索创新少，特别是新常态下如何用行之有效的办法抓党建工作，"
     "如何提升组织生活的实效性和吸引力等方面，思路不广，方法不多，成效不明显。"),
]
# Section 三 of the model report, verbatim minus the heading (trailing spaces dropped).
PLANS = [
    ("责任落实上再强化",
     "认真落实“第一责任人”职责，科学处理抓党建与抓中心工作的关系，突出问题导向和效果导向，"
     "加强对机关党建工作的思考谋划，探索创新，坚持每季度研究1次机关党建，日常多指导、多过问、"
     "多督促，确保党建各项工作任务落地见效，同时，发挥好带头作用，引导支部班子成员认真履行"
     "“一岗双责”。"),
    ("质量标准上再提升",
     "持续推进党支部建设标准化，有针对性地补短板、强弱项，抓规范、促提升，着力解决机关党建内容"
     "空洞、组织生活形式单一等难题问题，既保持醇正的“党味”，又符合党员的“口味”，全面提升机关"
     "党建科学化、标准化、规范化水平，以党建高质量引领中心工作高质量。"),
    ("教育引导上再加力",
     "用好“学习强国”“甘肃党建”等党员日常学习教育平台，引导党员随时随地随身学习，切实解决"
     "工学矛盾问题。谋划开展“书香机关”读书活动，培养组工干部良好的学习阅读习惯，丰富党员干部"
     "的精神文化生活。坚持严管与厚爱结合，及时了解掌握、分析研判党员干部思想动态和工作表现，"
     "有针对性地给予鼓励鞭策、提醒帮助。"),
    ("融入融合上再探索",
     "建立健全机关党建和业务工作一起谋划、一起部署、一起落实、一起检查的工作机制，把抓中心工作"
     "完成、重大任务落实、工作难题破解作为检验党支部工作的试金石，紧贴部门职责，探索形式多样、"
     "内涵丰富的机关党组织生活，把党建工作与中心工作的结合点找准找实，促进机关党建和中心工作"
     "深度融合、共同进步。"),
]
# The model branch's own subsection headings (工作举措.小标题, on the first row of each 板块).
SECTION_TITLES = {"责任落实": "坚持抓主抓重，强化第一责任落实", "理论学习": "坚持用心用力，抓实政治学习",
                  "组织建设": "坚持落实落细，促进党建提质增效", "中心工作": "坚持互融互促，着力推动中心工作"}
# 工作举措 (板块, 内容): the model branch's own measures, in its words, by subsection.
MEASURES = [
    ("责任落实", "认真贯彻落实新形势下加强党的建设总要求和新形势党的组织路线的有关要求，坚决扛牢抓党建第一责任人职责。"),
    ("责任落实", "建立了党支部书记抓党建“三个清单”（责任清单、问题清单、任务清单），严格落实好“一岗双责”，"
                 "围绕开展喜迎二十大胜利召开研究部署机关党建工作。"),
    ("责任落实", "常态化落实谈心谈话制度，注重激发调动机关党员干部干事创业、担当作为的积极性。"),
    ("责任落实", "健全完善党员评价管理机制，对《党员积分评定标准》进行了修订完善，细化了加分、减分项赋分标准，"
                 "对党员日常表现情况进行“量化打分”，压紧压实党员教育管理责任。"),
    ("理论学习", "认真贯彻落实中央决策部署和县委工作要求，精心谋划推进二十大学习教育。"),
    ("理论学习", "制定了《实施工作方案》《推进方案》，为全体干部购买了100本规定学习读本，创新提出“四学”"
                 "（聚焦原文自主学、聚焦提质增效专题学、聚焦主责主业结合学、聚焦为民服务实践学）。"),
    ("组织建设", "主动对标对表机关党建“走在前、作表率”的要求，推动党支部工作全面进步。"),
    ("组织建设", "持续推进党支部建设标准化工作，以建设“政治功能强、支部班子强、党员队伍强、作用发挥强”党支部为目标，"
                 "对标机关党支部50条星级指标，逐条逐项开展深入自查，对标对表进行完善提升，着力巩固提升五星级党支部成效。"),
    ("组织建设", "持续提升组织生活质量，坚持把党内政治生活作为锤炼部机关干部党性的“大熔炉”。"),
    ("组织建设", "不断丰富组织生活内容和形式，将组织生活与中心工作紧密结合起来，采取观看视频、交流业务、学习理论、"
                 "观摩学习、结对共建等多种形式，增强组织生活的感染力、吸引力和实效性。"),
    ("中心工作", "坚持紧贴部门职责任务推进支部工作，把抓中心工作完成、重大任务落实作为检验党支部组织力的试金石。"),
    ("中心工作", "紧盯开展喜迎二十大胜利召开、服务乡村振兴战略等大事、要事，组织全体干部职工系统学习党建、干部、人才、"
                 "公务员等政策文件及法律法规，开展组织工作课题调研、党建工作督查，形成了一批调研成果，促进了中心工作落地，"
                 "提升了党员干部专业能力和组织工作水平，使机关党员干部在实践中强本领、长才干。"),
    ("中心工作", "持续抓好信息报送工作。"),
]

# ================================================================= writing helpers
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FMT = "yyyy-mm-dd"


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    props = wb.properties
    props.creator = "样例"
    props.lastModifiedBy = "样例"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save without openpyxl stamping `modified` with now, and with fixed zip timestamps."""
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # closes the archive
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.write_bytes(out.getvalue())


def put(ws, row: int, col: int, value, fmt: str | None = None):
    """Write one cell; dates become real date cells."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, dt.date):
        cell.number_format = fmt or DATE_FMT
    elif fmt:
        cell.number_format = fmt
    cell.border = BOX
    return cell


def title_row(ws, row: int, text: str, ncols: int) -> None:
    ws.cell(row=row, column=1, value=text)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    c = ws.cell(row=row, column=1)
    c.font = Font(bold=True, size=14)
    c.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[row].height = 26


def header_row(ws, row: int, headers, widths) -> None:
    for col, (text, width) in enumerate(zip(headers, widths), start=1):
        c = put(ws, row, col, text)
        c.font = Font(bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width


# ================================================================= the files
def write_basic(path: Path) -> None:
    wb = new_workbook()
    ws = wb.create_sheet("基本信息")
    for r, (label, value) in enumerate((
        ("党支部名称", BRANCH), ("支部书记", SECRETARY), ("年度", f"{YEAR}年度"),
        ("上级党组织", SUPERIOR), ("报告日期", "2023年1月10日"),
    ), start=1):
        put(ws, r, 1, label).font = Font(bold=True)
        put(ws, r, 2, value)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 36

    ws = wb.create_sheet("党员名册")
    headers = ("序号", "姓名", "性别", "出生年月", "入党时间", "人员类别", "党内职务")
    title_row(ws, 1, f"{BRANCH}党员名册", len(headers))
    header_row(ws, 2, headers, (6, 10, 6, 12, 12, 12, 14))
    for i, (name, sex, born, joined, category, post) in enumerate(MEMBERS, start=1):
        r = i + 2
        put(ws, r, 1, i)
        put(ws, r, 2, name)
        put(ws, r, 3, sex)
        put(ws, r, 4, born, 'yyyy"年"m"月"' if isinstance(born, dt.date) else None)
        put(ws, r, 5, joined)
        put(ws, r, 6, category or None)
        put(ws, r, 7, post or None)

    ws = wb.create_sheet("填表说明")
    ws.column_dimensions["A"].width = 80
    for r, line in enumerate((
        "填表说明",
        "1. “基本信息”工作表每项一行：左列写项目名，右列写内容。",
        "2. “党员名册”每名党员一行，人员类别填写正式党员或预备党员，空白按正式党员统计。",
        "3. 出生年月、入党时间写到月即可，如1975.01或1980年3月。",
        "4. 本工作簿中的人员均为虚构的样例数据。",
    ), start=1):
        ws.cell(row=r, column=1, value=line)
    ws["A1"].font = Font(bold=True, size=14)
    save_workbook(wb, path)


def write_life(path: Path) -> None:
    wb = new_workbook()
    ws = wb.create_sheet("组织生活")
    headers = ("序号", "活动时间", "会议类型", "会议主题", "主讲人", "主讲人类别",
               "应到人数", "实到人数", "地点")
    title_row(ws, 1, f"{YEAR}年度组织生活台账", len(headers))
    # row 2 left blank on purpose
    header_row(ws, 3, headers, (6, 14, 16, 48, 18, 12, 10, 10, 18))
    r = 3
    for i, (when, kind, topic, speaker, category, place) in enumerate(LIFE, start=1):
        r += 1
        put(ws, r, 1, i)
        if isinstance(when, int):
            put(ws, r, 2, when, "General")  # an Excel serial number typed as a plain number
        elif when == "20220915":
            put(ws, r, 2, when, "@")  # typed into a text-formatted cell
        else:
            put(ws, r, 2, when)
        put(ws, r, 3, kind)
        put(ws, r, 4, topic)
        put(ws, r, 5, speaker)
        put(ws, r, 6, category or None)
        put(ws, r, 7, 10)
        put(ws, r, 8, ATTEND[(i - 1) % len(ATTEND)])
        put(ws, r, 9, place)
    r += 1
    put(ws, r, 1, "合计").font = Font(bold=True)
    put(ws, r, 4, f"共{len(LIFE)}次")

    ws = wb.create_sheet("谈心谈话")
    headers = ("序号", "谈话时间", "谈话人", "谈话对象", "谈话形式", "主要内容")
    header_row(ws, 1, headers, (6, 14, 10, 18, 12, 40))
    for i, (when, whom, form, content) in enumerate(TALKS, start=1):
        put(ws, i + 1, 1, i)
        put(ws, i + 1, 2, when)
        put(ws, i + 1, 3, SECRETARY)
        put(ws, i + 1, 4, whom)
        put(ws, i + 1, 5, form)
        put(ws, i + 1, 6, content)
    save_workbook(wb, path)


def write_notes(path: Path) -> None:
    wb = new_workbook()
    ws = wb.create_sheet("学习笔记检查")
    headers = ("姓名", "季度", "检查日期", "学习笔记（字）", "心得体会（篇）")
    title_row(ws, 1, f"{YEAR}年度党员学习笔记检查登记表", len(headers))
    header_row(ws, 2, headers, (10, 12, 14, 16, 16))
    r = 2
    for q, (quarter, checked) in enumerate(zip(QUARTERS, CHECK_DATES)):
        for name in NAMES:
            r += 1
            put(ws, r, 1, name)
            put(ws, r, 2, quarter)
            put(ws, r, 3, checked)
            words = NOTES[name][q]
            put(ws, r, 4, words, "@" if isinstance(words, str) else "#,##0")
            put(ws, r, 5, ESSAYS[name][q])
    save_workbook(wb, path)


def write_dues(path: Path) -> None:
    wb = new_workbook()
    ws = wb.create_sheet("党费收缴")
    headers = ("序号", "姓名", "缴纳标准（元/月）", *(f"{m}月" for m in range(1, 13)), "合计", "是否上缴")
    title_row(ws, 1, f"{BRANCH}{YEAR}年度党费收缴台账", len(headers))
    header_row(ws, 2, headers, (6, 10, 12, *([7] * 12), 9, 9))
    r = 2
    for i, name in enumerate(NAMES, start=1):
        r += 1
        std = DUES_STANDARD[name]
        put(ws, r, 1, i)
        put(ws, r, 2, name)
        put(ws, r, 3, std)
        for m in range(12):
            put(ws, r, 4 + m, std)
        put(ws, r, 16, 12 * std)
        put(ws, r, 17, "是")
    r += 1
    month_total = sum(DUES_STANDARD.values())
    put(ws, r, 1, "合计").font = Font(bold=True)
    put(ws, r, 2, None)
    put(ws, r, 3, month_total)
    for m in range(12):
        put(ws, r, 4 + m, month_total)
    put(ws, r, 16, 12 * month_total)
    save_workbook(wb, path)


def info_rows() -> list[list[str]]:
    rows = []
    n = len(INFO_AREAS) * len(INFO_FORMS)
    assert n == EXPECTED_INFO
    adopted = 0
    for i in range(n):
        k = (i * 37) % n  # 37 is coprime to 126: a fixed permutation, every title once
        title = INFO_FORMS[k // len(INFO_AREAS)].format(INFO_AREAS[k % len(INFO_AREAS)])
        day = D(YEAR, 1, 4) + dt.timedelta(days=i * 358 // (n - 1))
        if day.weekday() >= 5:  # a weekend: reported on the Monday
            day += dt.timedelta(days=7 - day.weekday())
        if i % 9 == 4:
            when = f"{day.year}年{day.month}月{day.day}日"
        elif i % 9 == 7:
            when = f"{day.year}/{day.month}/{day.day}"
        else:
            when = day.isoformat()
        recipient = INFO_RECIPIENTS[i % len(INFO_RECIPIENTS)]
        if i % 7 == 3:
            level = ADOPTED_LEVELS[adopted]
            media = MEDIA[level][adopted % len(MEDIA[level])]
            recipient = "市委组织部" if level == "市" else "省委组织部"
            rows.append([when, title, recipient, YES_FORMS[adopted % 3], level, media])
            adopted += 1
        else:
            rows.append([when, title, recipient, "否" if i % 2 == 0 else "", "", ""])
    return rows


def write_info(path: Path) -> None:
    with open(path, "w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["报送日期", "信息标题", "报送单位", "是否采用", "采用级别", "刊载媒体"])
        writer.writerows(info_rows())


def write_aid(path: Path) -> None:
    wb = new_workbook()
    ws = wb.create_sheet("帮扶共建")
    headers = ("日期", "帮扶对象", "帮扶事项", "数量", "单位", "备注")
    title_row(ws, 1, f"{YEAR}年度帮扶共建台账", len(headers))
    header_row(ws, 2, headers, (14, 12, 36, 10, 8, 20))
    for r, (when, target, item, qty, unit, note) in enumerate(AID, start=3):
        put(ws, r, 1, when)
        put(ws, r, 2, target)
        put(ws, r, 3, item)
        put(ws, r, 4, qty)
        put(ws, r, 5, unit)
        put(ws, r, 6, note or None)
    save_workbook(wb, path)


def write_plan(path: Path) -> None:
    wb = new_workbook()
    ws = wb.create_sheet("问题清单")
    header_row(ws, 1, ("类型", "标题", "具体表现"), (8, 20, 90))
    for r, row in enumerate(PROBLEMS, start=2):
        for c, value in enumerate(row, start=1):
            put(ws, r, c, value).alignment = Alignment(wrap_text=True, vertical="top")
    ws = wb.create_sheet("下一步打算")
    header_row(ws, 1, ("方面", "具体措施"), (20, 90))
    for r, row in enumerate(PLANS, start=2):
        for c, value in enumerate(row, start=1):
            put(ws, r, c, value).alignment = Alignment(wrap_text=True, vertical="top")
    ws = wb.create_sheet("工作举措")
    header_row(ws, 1, ("板块", "内容", "小标题"), (12, 90, 30))
    for r, row in enumerate(measure_rows(), start=2):
        for c, value in enumerate(row, start=1):
            put(ws, r, c, value).alignment = Alignment(wrap_text=True, vertical="top")
    save_workbook(wb, path)


def measure_rows() -> list[tuple]:
    """MEASURES with each 板块's 小标题 on its first row."""
    seen: set[str] = set()
    rows = []
    for section, text in MEASURES:
        rows.append((section, text, SECTION_TITLES[section] if section not in seen else None))
        seen.add(section)
    return rows


WRITERS = {
    F_BASIC: write_basic, F_LIFE: write_life, F_NOTES: write_notes, F_DUES: write_dues,
    F_INFO: write_info, F_AID: write_aid, F_PLAN: write_plan,
}


def write_all(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in OUTPUT_FILES:
        path = folder / name
        if path.exists():
            path.unlink()
        WRITERS[name](path)


# ================================================================= verification (reads files back)
FULLWIDTH = str.maketrans("０１２３４５６７８９，", "0123456789,")


def norm(text: str) -> str:
    return re.sub(r"\s+", "", str(text).translate(FULLWIDTH))


def canon(value, table: dict[str, tuple[str, ...]]) -> str:
    v = norm(value)
    for key, synonyms in table.items():
        if v == key or v in synonyms:
            return key
    raise AssertionError(f"value {value!r} not in vocab {list(table)}")


def as_date(value) -> dt.date:
    """Parse the date forms this script types (a subset of what the contract accepts)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        return D(1899, 12, 30) + dt.timedelta(days=int(value))
    s = norm(value)
    if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s):
        return D(*map(int, m.groups()))
    if m := re.fullmatch(r"(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?", s):
        return D(*map(int, m.groups()))
    if m := re.fullmatch(r"(\d{1,2})月(\d{1,2})日", s):
        return D(YEAR, int(m.group(1)), int(m.group(2)))
    raise AssertionError(f"unparseable date {value!r}")


def as_number(value) -> float:
    if isinstance(value, (int, float)):
        return value
    s = norm(value).replace(",", "").removesuffix("余")
    return float(s) if "." in s else int(s)


def header_map(ws, row: int) -> dict[str, int]:
    return {re.sub(r"（.*?）$", "", norm(c.value)): c.column
            for c in ws[row] if c.value is not None}


def data_rows(ws, first: int):
    """Rows from `first`, skipping blank and totals rows."""
    for row in ws.iter_rows(min_row=first):
        values = [c.value for c in row]
        filled = [v for v in values if v not in (None, "")]
        if not filled or norm(filled[0]) in vocab.TOTAL_MARKERS:
            continue
        yield row


def check_workbook_hygiene(path: Path) -> None:
    wb = load_workbook(path)  # formulas would show up with data_type "f"
    assert wb.properties.creator == "样例", path
    assert wb.properties.created == FIXED_TIME and wb.properties.modified == FIXED_TIME, path
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"formula in {path.name}!{ws.title}!{c.coordinate}"


def verify(folder: Path) -> None:
    report = []
    extra = sorted(p.name for p in folder.iterdir()
                   if not p.name.startswith((".", "~$")) and p.name not in OUTPUT_FILES)
    if extra:
        report.append(f"注意: inputs 中还有本脚本之外的文件: {extra}")
    for name in OUTPUT_FILES:
        assert (folder / name).is_file(), f"missing {name}"
        if name.endswith(".xlsx"):
            check_workbook_hygiene(folder / name)

    # 基本信息 + 党员名册
    wb = load_workbook(folder / F_BASIC)
    info = {norm(a.value): b.value for a, b in wb["基本信息"].iter_rows(max_col=2)}
    assert info == {"党支部名称": BRANCH, "支部书记": SECRETARY, "年度": "2022年度",
                    "上级党组织": SUPERIOR, "报告日期": "2023年1月10日"}, info
    ws = wb["党员名册"]
    assert ws["A1"].value == f"{BRANCH}党员名册" and "A1:G1" in ws.merged_cells
    h = header_map(ws, 2)
    assert list(h) == ["序号", "姓名", "性别", "出生年月", "入党时间", "人员类别", "党内职务"], h
    categories = Counter()
    roster = []
    for row in data_rows(ws, 3):
        roster.append(row[h["姓名"] - 1].value)
        cat = row[h["人员类别"] - 1].value
        categories[canon(cat, vocab.MEMBER_CATEGORIES) if cat else "正式党员"] += 1
    assert roster == NAMES and categories == {"正式党员": 9, "预备党员": 1}, categories
    report.append(f"党员名册: {len(roster)} 人 {dict(categories)}")

    # 组织生活
    wb = load_workbook(folder / F_LIFE)
    ws = wb["组织生活"]
    assert ws["A1"].value == f"{YEAR}年度组织生活台账" and ws["A2"].value is None
    h = header_map(ws, 3)
    types, speakers, keys, by_month = Counter(), Counter(), set(), {}
    other_years = []
    for row in data_rows(ws, 4):
        when = as_date(row[h["活动时间"] - 1].value)
        kind = canon(row[h["会议类型"] - 1].value, vocab.ACTIVITY_TYPES)
        topic = row[h["会议主题"] - 1].value
        # 组织生活会 / 民主评议党员 belong to the year their topic names (`2021年度`).
        named = re.search(r"(20\d\d)年度", topic) if kind in vocab.YEAR_OF_MEETING_TYPES else None
        belongs = int(named.group(1)) if named else when.year
        assert when.year == YEAR or (named and belongs == YEAR and when.year == YEAR + 1), when
        if belongs != YEAR:
            other_years.append((when, kind, belongs))
            continue
        key = (when, kind, topic)
        assert key not in keys, f"duplicate {key}"
        keys.add(key)
        types[kind] += 1
        by_month.setdefault(kind, []).append(when)
        assert row[h["应到人数"] - 1].value == 10 and 8 <= row[h["实到人数"] - 1].value <= 10
        cat = row[h["主讲人类别"] - 1].value
        if kind == "党课":
            speakers[canon(cat, vocab.SPEAKER_CATEGORIES)] += 1
            if canon(cat, vocab.SPEAKER_CATEGORIES) == "书记":
                by_month.setdefault("书记党课", []).append(when)
        else:
            assert cat is None, key
    assert dict(types) == EXPECTED_TYPES, types
    assert dict(speakers) == EXPECTED_SPEAKERS, speakers
    assert sorted(d.month for d in by_month["支委会"]) == list(range(1, 13))
    assert sorted(d.month for d in by_month["主题党日"]) == list(range(1, 13))
    late = sorted(d for d in by_month["主题党日"] if d.day > 10)
    assert late == [D(2022, 7, 12)], late
    assert sorted((d.month - 1) // 3 for d in by_month["党员大会"]) == [0, 1, 2, 3]
    assert sorted((d.month - 1) // 3 for d in by_month["书记党课"]) == [0, 1, 2, 3]
    assert [(k, y) for _, k, y in other_years] == [("组织生活会", YEAR - 1), ("民主评议党员", YEAR - 1)], other_years
    last = [c.value for c in ws[ws.max_row]]
    assert last[0] == "合计" and last[3] == f"共{len(LIFE)}次", last
    report.append(f"组织生活: {sum(types.values())} 条 {dict(types)}; 党课主讲人 {dict(speakers)}; "
                  f"主题党日晚于10日: {[d.isoformat() for d in late]}")

    ws = wb["谈心谈话"]
    h = header_map(ws, 1)
    talks, covered = 0, Counter()
    for row in data_rows(ws, 2):
        talks += 1
        assert row[h["谈话人"] - 1].value == SECRETARY
        assert as_date(row[h["谈话时间"] - 1].value).year == YEAR
        for who in re.split(r"[、，,;；/\s]+", row[h["谈话对象"] - 1].value):
            covered[who] += 1
    assert talks == 10 and set(covered) == set(NAMES[1:]), covered
    report.append(f"谈心谈话: {talks} 次, 覆盖 {len(covered)} 名党员")

    # 学习笔记
    ws = load_workbook(folder / F_NOTES).active
    h = header_map(ws, 2)
    words = essays = n = 0
    dates, pairs = set(), set()
    for row in data_rows(ws, 3):
        n += 1
        words += as_number(row[h["学习笔记"] - 1].value)
        essays += as_number(row[h["心得体会"] - 1].value)
        dates.add(as_date(row[h["检查日期"] - 1].value))
        pairs.add((row[h["姓名"] - 1].value, row[h["季度"] - 1].value))
    assert n == 40 and len(pairs) == 40 and len(dates) == 4, (n, dates)
    assert words == EXPECTED_WORDS and essays == EXPECTED_ESSAYS, (words, essays)
    report.append(f"学习笔记: {n} 行, 共 {words} 字, 人均 {words // len(NAMES)} 字; "
                  f"心得 {essays} 篇, 人均 {essays // len(NAMES)} 篇; 检查 {len(dates)} 次")

    # 党费
    ws = load_workbook(folder / F_DUES).active
    h = header_map(ws, 2)
    month_cols = [h[f"{m}月"] for m in range(1, 13)]
    total = 0
    for row in data_rows(ws, 3):
        std = row[h["缴纳标准"] - 1].value
        paid = [row[c - 1].value for c in month_cols]
        assert paid == [std] * 12 and row[h["合计"] - 1].value == 12 * std, row[1].value
        assert row[h["是否上缴"] - 1].value == "是", row[1].value  # 已全部上缴 rests on this column
        total += sum(paid)
    totals = [c.value for c in ws[ws.max_row]]
    assert totals[0] == "合计" and totals[h["合计"] - 1] == total == EXPECTED_DUES, totals
    report.append(f"党费: 全年 {total} 元 (每月 {total // 12} 元), 各行“是否上缴”为“是”")

    # 信息报送 (GBK CSV), read the way the pipeline does (sniffed dialect) and with pandas
    text = (folder / F_INFO).read_bytes().decode("gbk")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    assert dialect.delimiter == ",", dialect.delimiter
    rows = list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect))
    import pandas as pd
    frame = pd.read_csv(folder / F_INFO, encoding="gbk", dtype=str, keep_default_na=False)
    assert len(frame) == len(rows) == EXPECTED_INFO
    assert frame["信息标题"].nunique() == EXPECTED_INFO
    levels = Counter()
    for r in rows:
        assert as_date(r["报送日期"]).year == YEAR, r
        yes = r["是否采用"]
        if yes and canon(yes, {"是": vocab.YES, "否": vocab.NO}) == "是":
            levels[canon(r["采用级别"], vocab.LEVELS)] += 1
            assert r["刊载媒体"], r
        else:
            assert not r["采用级别"] and not r["刊载媒体"], r
    assert dict(levels) == EXPECTED_ADOPTED, levels
    report.append(f"信息报送: {len(rows)} 篇, 采用 {sum(levels.values())} 篇 {dict(levels)}")

    # 帮扶共建
    ws = load_workbook(folder / F_AID).active
    h = header_map(ws, 2)
    aid = Counter()
    for row in data_rows(ws, 3):
        assert as_date(row[h["日期"] - 1].value).year == YEAR
        key = (row[h["帮扶对象"] - 1].value, row[h["帮扶事项"] - 1].value, row[h["单位"] - 1].value)
        aid[key] += as_number(row[h["数量"] - 1].value)
    expected_aid = [(("石门村", "在石门村栽植油松", "棵"), 1500),
                    (("柳沟村", "协调中化集团为柳沟村落实养殖项目资金", "万元"), 280),
                    (("柳沟村", "为柳沟村群众送去过冬棉服", "件"), 190),
                    (("柳沟村", "走访慰问柳沟村困难党员和离退休村干部", "名"), 8),
                    (("红崖镇", "捐助饲草", "吨"), 5)]
    assert list(aid.items()) == expected_aid, aid  # totals, in the model report's order
    report.append("帮扶共建: " + "；".join(f"{o}{e}{q}{u}" for (o, e, u), q in aid.items()))

    # 问题清单 / 下一步打算 / 工作举措
    wb = load_workbook(folder / F_PLAN)
    problems = [tuple(c.value for c in row) for row in data_rows(wb["问题清单"], 2)]
    assert problems == PROBLEMS
    kinds = Counter(canon(t, vocab.PROBLEM_TYPES) for t, _, _ in problems)
    assert kinds == {"问题": 3, "原因": 3}
    for _t, title, content in problems:
        assert not title.endswith("。") and content.endswith("。") and "*" not in content
    plans = [tuple(c.value for c in row) for row in data_rows(wb["下一步打算"], 2)]
    assert plans == PLANS
    measures = [tuple(c.value for c in row) for row in data_rows(wb["工作举措"], 2)]
    assert measures == measure_rows()
    assert {row[0] for row in measures} <= set(vocab.SECTIONS)
    report.append(f"问题清单: {dict(kinds)}; 下一步打算 {len(plans)} 条; 工作举措 {len(measures)} 条")

    # A rerun writes byte-identical files.
    with tempfile.TemporaryDirectory() as tmp:
        write_all(Path(tmp))
        stale = [n for n in OUTPUT_FILES
                 if (Path(tmp) / n).read_bytes() != (folder / n).read_bytes()]
    assert not stale, f"inputs differ from a fresh run (rerun the script): {stale}"
    report.append("重跑结果与现有文件逐字节相同")

    print("\n".join(report))
    print("OK: 样例台账校验通过")


# ================================================================= the branch's year before (2021)
# A smaller year than 2022, for `--previous` and `init --previous`: every figure below is what the
# 2021 outputs must show (tests/test_previous.py asserts them and the 2022 上年/增减 built on them).
PREV_YEAR = 2021
PREV_FILES = ("01-基本信息与党员名册.xlsx", "2021年组织生活台账.xlsx", "党费收缴台账.xlsx",
              "信息报送台账.xlsx", "问题清单与工作打算.xlsx")
PREV_LECTURES = [  # (month, 主讲人, 主讲人类别): 8 in all, 书记 3 / 领导干部 3 / 专家 2
    (3, SECRETARY, "书记"), (4, "王建国", "领导干部"), (5, "县委党校教授马文清", "专家"), (6, SECRETARY, "书记"),
    (8, "刘志强", "领导干部"), (9, "王建国", "领导干部"), (11, SECRETARY, "书记"), (12, "市委党校副教授何静", "专家"),
]
PREV_TALKS = 8
PREV_INFO, PREV_ADOPTED = 120, 15
# 孙海涛 paid nothing from October: a gap that runs into 2022 if it goes on.
PREV_UNPAID = {"孙海涛": (10, 11, 12)}
PREV_PROBLEMS = [
    ("问题", "理论武装不够扎实", "支部理论学习停留在读原文、记笔记，联系组织工作实际思考不够，学用结合不紧。"),
    ("问题", "组织生活不够规范", "个别月份主题党日推迟召开，会议记录不够完整，党员大会议题准备不够充分。"),
    ("问题", "党费收缴不够及时", "个别党员未能按月缴纳党费，支部提醒督促不够。"),
    ("原因", "思想认识不到位", "对抓党建是最大政绩的认识不够深，存在重业务轻党建的倾向。"),
]
PREV_PLANS = [("学习教育上再深化", "坚持每月集中学习，推动理论学习与组织工作实际相结合。")]


def prev_dues_total() -> int:
    """实缴 of 2021: every member at the 2022 standard from joining, less the unpaid months."""
    total = 0
    for name, std in DUES_STANDARD.items():
        months = range(12, 13) if name == "郑欣怡" else range(1, 13)  # joined 2021.12
        total += std * sum(1 for m in months if m not in PREV_UNPAID.get(name, ()))
    return total


def write_previous(folder: Path) -> None:
    """The 2021 ledgers of the same branch (clean, one header row each) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = new_workbook()
    ws = wb.create_sheet("基本信息")
    for r, (label, value) in enumerate((("党支部名称", BRANCH), ("支部书记", SECRETARY), ("年度", PREV_YEAR),
                                        ("上级党组织", SUPERIOR), ("报告日期", "2022年1月12日")), start=1):
        put(ws, r, 1, label)
        put(ws, r, 2, value)
    ws = wb.create_sheet("党员名册")
    header_row(ws, 1, ("姓名", "性别", "出生年月", "入党时间", "人员类别", "党内职务"), (10, 6, 12, 12, 12, 14))
    for r, (name, sex, born, joined, category, post) in enumerate(MEMBERS, start=2):
        for c, value in enumerate((name, sex, born, joined, category or None, post or None), start=1):
            put(ws, r, c, value, 'yyyy"年"m"月"' if isinstance(value, dt.date) else None)
    save_workbook(wb, folder / PREV_FILES[0])

    wb = new_workbook()
    ws = wb.create_sheet("组织生活")
    header_row(ws, 1, ("活动时间", "会议类型", "会议主题", "主讲人", "主讲人类别", "应到人数", "实到人数"),
               (14, 14, 40, 18, 12, 10, 10))
    rows = []
    for month in range(1, 13):
        rows.append((D(PREV_YEAR, month, 5), "支委会", f"研究{month}月党支部工作", SECRETARY, None))
        # July's was late (the 13th), as in 2022: a finding that recurs across the two years.
        rows.append((D(PREV_YEAR, month, 13 if month == 7 else 8), "主题党日", f"{month}月主题党日集中学习",
                     SECRETARY, None))
        if month % 3 == 0:
            rows.append((D(PREV_YEAR, month, 25), "党员大会", f"第{month // 3}季度党员大会", SECRETARY, None))
    rows += [(D(PREV_YEAR, m, 18), "党课", f"{m}月专题党课", who, kind) for m, who, kind in PREV_LECTURES]
    # 2020's held in February 2021 (not 2021's), and 2021's held in February 2022 (as in the
    # 2022 ledger): each belongs to the year its topic names.
    rows += [(D(PREV_YEAR, 2, 20), "组织生活会", "2020年度组织生活会", SECRETARY, None),
             (D(PREV_YEAR, 2, 20), "民主评议党员", "2020年度民主评议党员", SECRETARY, None),
             (D(YEAR, 2, 18), "组织生活会", "召开2021年度专题组织生活会", SECRETARY, None),
             (D(YEAR, 2, 18), "民主评议党员", "开展2021年度民主评议党员", SECRETARY, None)]
    rows.sort(key=lambda row: row[0])
    for r, (when, kind, topic, speaker, category) in enumerate(rows, start=2):
        for c, value in enumerate((when, kind, topic, speaker, category, 10, 10), start=1):
            put(ws, r, c, value)
    ws = wb.create_sheet("谈心谈话")
    header_row(ws, 1, ("谈话时间", "谈话人", "谈话对象", "谈话形式", "主要内容"), (14, 10, 12, 10, 30))
    for r, name in enumerate(NAMES[1:PREV_TALKS + 1], start=2):
        for c, value in enumerate((D(PREV_YEAR, r, 16), SECRETARY, name, "个别谈话", "思想和工作情况"), start=1):
            put(ws, r, c, value)
    save_workbook(wb, folder / PREV_FILES[1])

    wb = new_workbook()
    ws = wb.create_sheet("党费收缴")
    header_row(ws, 1, ("姓名", "缴纳标准（元/月）", *(f"{m}月" for m in range(1, 13))), (10, 12, *([7] * 12)))
    for r, name in enumerate(NAMES, start=2):
        std = DUES_STANDARD[name]
        put(ws, r, 1, name)
        put(ws, r, 2, std)
        for m in range(1, 13):
            due = m == 12 if name == "郑欣怡" else True
            put(ws, r, 2 + m, std if due and m not in PREV_UNPAID.get(name, ()) else None)
    save_workbook(wb, folder / PREV_FILES[2])

    wb = new_workbook()
    ws = wb.create_sheet("信息报送")
    header_row(ws, 1, ("报送日期", "信息标题", "报送单位", "是否采用", "采用级别"), (14, 40, 14, 10, 10))
    for i in range(PREV_INFO):
        adopted = i < PREV_ADOPTED
        row = (D(PREV_YEAR, 1, 4) + dt.timedelta(days=i * 3), f"青山县党建工作信息（{i + 1}）", "市委组织部",
               "是" if adopted else "否", "市" if adopted else None)
        for c, value in enumerate(row, start=1):
            put(ws, i + 2, c, value)
    save_workbook(wb, folder / PREV_FILES[3])

    wb = new_workbook()
    ws = wb.create_sheet("问题清单")
    header_row(ws, 1, ("类型", "标题", "具体表现"), (8, 20, 60))
    for r, row in enumerate(PREV_PROBLEMS, start=2):
        for c, value in enumerate(row, start=1):
            put(ws, r, c, value)
    ws = wb.create_sheet("下一步打算")
    header_row(ws, 1, ("方面", "具体措施"), (20, 60))
    for r, row in enumerate(PREV_PLANS, start=2):
        for c, value in enumerate(row, start=1):
            put(ws, r, c, value)
    save_workbook(wb, folder / PREV_FILES[4])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inputs", type=Path, default=ROOT / "inputs")
    parser.add_argument("--verify", action="store_true", help="only verify, write nothing")
    parser.add_argument("--previous", type=Path, default=None,
                        help="write the branch's 2021 ledgers (the year before the sample) into this folder")
    args = parser.parse_args(argv)
    if args.previous is not None:
        write_previous(args.previous)
        print(f"已写入 {args.previous}: " + "、".join(PREV_FILES))
        return 0
    if not args.verify:
        write_all(args.inputs)
        print("已写入: " + "、".join(OUTPUT_FILES))
    verify(args.inputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
