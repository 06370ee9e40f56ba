"""Rule checks (检查发现): each rule at its boundaries, the project file, and the sample in full."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline import api, cli
from pipeline.core.errors import ConfigError
from pipeline.core.names import RuleId
from pipeline.core.packaged import data_file
from pipeline.rules import settings, talks
from pipeline.rules import table as rules
from pipeline.writing import wording
from tests.ledger_builders import NAMES, SECRETARY, YEAR, compliant, member, moved, without, write_config, write_ledgers

ROOT = Path(__file__).resolve().parent.parent
TIAOLI = "《中国共产党支部工作条例（试行）》"
DUES_SOURCE = "《关于中国共产党党费收缴、使用和管理的规定》第十二条"
THEME_SOURCE = f"{TIAOLI}第十六条"
LATE_SOURCE = f"本地主题党日制度（每月10日前开展；{TIAOLI}第十六条：每月相对固定1天开展主题党日）"
CHARTER = "《中国共产党章程》"
SEC_ALL = '[rules."谈心谈话"]\nsecretary_all = true\n'
# The 条例's three pairings off: the local variants alone.
PAIRINGS_OFF = "committee_pairs = false\ncommittee_members = false\nmember_pairs = false\n"
LOCAL_TALKS = talks.LOCAL_TALKS


def kind_of(source: str) -> str:
    """The 依据类别 a default source has."""
    if source.startswith(TIAOLI):
        return "条例"
    if source.startswith(DUES_SOURCE):
        return "规定"
    if source.startswith(CHARTER):
        return "党章"
    return "本地规定"
MONTHS = [f"{m}月" for m in range(1, 13)]


def analyse(tmp_path: Path, config: str | None = None, **changes):
    """Write a compliant branch with `changes` applied, run it, return the run (no row errors)."""
    data = {**compliant(), **changes}
    folder = write_ledgers(tmp_path / "inputs", **data)
    path = write_config(tmp_path / "pipeline.toml", config) if config is not None else None
    run = api.analyse(folder, "", None, settings.load(path))
    assert not run.log.errors, [i.message() for i in run.log.errors]
    assert run.metrics["检查发现"] == run.findings
    return run


def findings(tmp_path: Path, config: str | None = None, **changes) -> list[dict]:
    return analyse(tmp_path, config, **changes).findings


# Each 规则 a finding can carry -> its 规则编号 (the rule id), spelled out here apart from rules.py.
RULE_IDS = {"支委会每月召开": "支委会", "党员大会每季度召开": "党员大会", "大会到会人数过半数": "党员大会到会人数",
            "党小组会每月召开": "党小组会", "党课每季度开展": "党课", "支部书记每年讲党课": "书记讲党课",
            "主题党日每月开展": "主题党日", "主题党日按时开展": "主题党日按时开展", "组织生活会每年召开": "组织生活会",
            "民主评议党员每年开展": "民主评议党员", "谈心谈话全覆盖": "谈心谈话", "每名党员参加谈心谈话": "谈心谈话",
            "书记与支委谈心谈话": "谈心谈话", "组织生活会前谈心谈话": "谈心谈话",
            "支部委员之间谈心谈话": "谈心谈话", "支部委员和党员之间谈心谈话": "谈心谈话", "党员和党员之间谈心谈话": "谈心谈话",
            "支委会到会委员过半数": "支委会到会委员", "党费按月缴纳": "党费",
            "党员参加组织生活": "缺席组织生活", "预备党员按期转正": "预备党员转正", "支部委员会按期换届": "换届",
            "学习笔记每季度检查": "学习笔记检查", "整改按期完成": "整改", "上年问题再次出现": "上年问题再次出现"}


def one(rule: str, note: str, involved: list[str], source: str, **extra) -> list[dict]:
    return [{"规则": rule, "规则编号": RULE_IDS[rule], "说明": note, "涉及": involved, "依据": source,
             "依据类别": kind_of(source), **extra}]


def test_compliant_branch_has_no_findings_and_says_nothing_hollow(tmp_path):
    assert findings(tmp_path) == []
    # No “all rules met” under 存在的主要问题.
    assert wording.evidence_sentence([]) == ""


# ---------------------------------------------------------------- 支委会

def test_committee_month_missing(tmp_path):
    acts = without(compliant()["activities"], "支委会", 5)
    assert findings(tmp_path, activities=acts) == one(
        "支委会每月召开", "5月未召开支委会", ["5月"], f"{TIAOLI}第十二条")


def test_committee_several_months_are_listed_not_compressed(tmp_path):
    acts = without(compliant()["activities"], "支委会", 5, 6, 7, 11)
    assert findings(tmp_path, activities=acts)[0]["说明"] == "5月、6月、7月、11月未召开支委会"


def test_committee_none_all_year_is_one_sentence(tmp_path):
    acts = without(compliant()["activities"], "支委会")
    assert findings(tmp_path, activities=acts) == one(
        "支委会每月召开", "全年未召开支委会", MONTHS, f"{TIAOLI}第十二条")


@pytest.mark.parametrize("category,expected", [
    ("预备党员", []),  # 6 正式党员: no 支部委员会, so no rule
    (None, ["全年未召开支委会"]),  # blank 人员类别 counts as 正式: 7 正式党员
    ("正式党员", ["全年未召开支委会"]),
])
def test_committee_applies_from_seven_full_members(tmp_path, category, expected):
    members = [member(n) for n in NAMES[:-1]] + [member(NAMES[-1], category, joined=f"{YEAR}-03")]
    acts = without(compliant()["activities"], "支委会")
    notes = [f["说明"] for f in findings(tmp_path, members=members, activities=acts)]
    assert notes == expected


def test_committee_minimum_members_is_configurable(tmp_path):
    members = [member(n) for n in NAMES[:5]]
    acts = without(compliant()["activities"], "支委会", 2)
    config = '[rules."支委会"]\nmin_full_members = 5\n'
    assert [f["说明"] for f in findings(tmp_path, config, members=members, activities=acts)] == [
        "2月未召开支委会"]
    assert findings(tmp_path, members=members, activities=acts) == []


# ---------------------------------------------------------------- 党员大会

@pytest.mark.parametrize("days,expected", [
    ([(3, 31), (6, 30), (9, 30), (12, 31)], []),
    ([(3, 31), (7, 1), (10, 1)], [("第二季度未召开党员大会", ["第二季度"])]),
    ([(4, 1), (7, 1), (10, 1)], [("第一季度未召开党员大会", ["第一季度"])]),
    ([(4, 1), (6, 30), (12, 1)], [("第一季度、第三季度未召开党员大会", ["第一季度", "第三季度"])]),
])
def test_assembly_each_quarter_31_march_versus_1_april(tmp_path, days, expected):
    acts = without(compliant()["activities"], "党员大会")
    acts += [(dt.date(YEAR, m, d), "党员大会") for m, d in days]
    got = findings(tmp_path, activities=acts)
    assert got == [{"规则": "党员大会每季度召开", "规则编号": "党员大会", "说明": n, "涉及": i, "依据": f"{TIAOLI}第十一条",
                    "依据类别": "条例"}
                   for n, i in expected]


# ---------------------------------------------------------------- 党小组会

def grouped_members() -> list[dict]:
    return [member(n, group="第一党小组" if i % 2 else "第二党小组") for i, n in enumerate(NAMES)]


def test_party_group_meetings_only_checked_with_groups_on_the_roster(tmp_path):
    # No 党小组 on the roster, no 党小组会 held: nothing to find.
    assert findings(tmp_path) == []
    assert findings(tmp_path / "groups", members=grouped_members()) == one(
        "党小组会每月召开", "全年未召开党小组会", MONTHS, f"{TIAOLI}第十三条")


def test_party_group_meeting_month_missing(tmp_path):
    acts = compliant()["activities"] + [(dt.date(YEAR, m, 12), "党小组会") for m in range(1, 13) if m != 4]
    assert findings(tmp_path, members=grouped_members(), activities=acts) == one(
        "党小组会每月召开", "4月未召开党小组会", ["4月"], f"{TIAOLI}第十三条")


# ---------------------------------------------------------------- 党课

def test_lesson_quarter_missing(tmp_path):
    acts = without(compliant()["activities"], "党课", 9)
    assert findings(tmp_path, activities=acts) == one(
        "党课每季度开展", "第三季度未讲党课", ["第三季度"], "本地“三会一课”制度（党课次数由上级党委规定）")


def test_lesson_threshold_changed_to_two_a_quarter(tmp_path):
    config = '[rules."党课"]\nthreshold = 2\n'
    acts = without(compliant()["activities"], "党课")
    acts += [(dt.date(YEAR, m, 16), "党课", "专家") for m in (1, 2, 4, 5, 7)]
    assert findings(tmp_path, config, activities=acts)[:1] == one(
        "党课每季度开展", "第三季度讲党课不足2次，第四季度未讲党课", ["第三季度", "第四季度"],
        "本地“三会一课”制度（党课次数由上级党委规定）")
    # Every quarter held once: one sentence, not four quarters listed.
    assert [f["说明"] for f in findings(tmp_path / "once", config)] == ["各季度讲党课均不足2次"]
    # No 党课 by the secretary either: that is the 书记讲党课 rule's finding, a local one.
    assert findings(tmp_path / "none", config, activities=acts)[1:] == one(
        "支部书记每年讲党课", "支部书记全年未讲党课", ["全年"],
        f"本地“三会一课”制度（{TIAOLI}第十六条要求党员领导干部定期为基层党员讲党课、党委（党组）书记每年至少讲1次党课）")


# ---------------------------------------------------------------- 主题党日

@pytest.mark.parametrize("day,expected", [
    (10, []),
    (11, one("主题党日按时开展", "7月主题党日在10日后召开（7月11日）", ["7月"], LATE_SOURCE,
             报告说明="1个月的主题党日晚于当月10日开展（7月11日）")),
])
def test_theme_day_10th_versus_11th(tmp_path, day, expected):
    acts = moved(compliant()["activities"], "主题党日", 7, day)
    assert findings(tmp_path, activities=acts) == expected


def test_theme_day_late_months_are_one_finding(tmp_path):
    acts = moved(moved(compliant()["activities"], "主题党日", 6, 12), "主题党日", 9, 15)
    assert findings(tmp_path, activities=acts) == one(
        "主题党日按时开展", "6月、9月主题党日在10日后召开（6月12日、9月15日）", ["6月", "9月"], LATE_SOURCE,
        报告说明="2个月的主题党日晚于当月10日开展（6月12日、9月15日）")


def test_theme_day_missing_month_and_a_second_later_one_is_fine(tmp_path):
    acts = without(compliant()["activities"], "主题党日", 8)
    acts.append((dt.date(YEAR, 3, 25), "主题党日"))  # March's first one was on the 5th
    assert findings(tmp_path, activities=acts) == one(
        "主题党日每月开展", "8月未开展主题党日", ["8月"], THEME_SOURCE)


def test_theme_day_deadline_configurable(tmp_path):
    acts = moved(moved(compliant()["activities"], "主题党日", 7, 15), "主题党日", 8, 16)
    config = '[rules."主题党日按时开展"]\ndeadline_day = 15\n'
    assert findings(tmp_path, config, activities=acts) == one(
        "主题党日按时开展", "8月主题党日在15日后召开（8月16日）", ["8月"],
        LATE_SOURCE.replace("10日", "15日"), 报告说明="1个月的主题党日晚于当月15日开展（8月16日）")


# ---------------------------------------------------------------- 组织生活会, 民主评议党员

def test_yearly_meetings_missing(tmp_path):
    acts = without(without(compliant()["activities"], "组织生活会"), "民主评议党员")
    assert findings(tmp_path, activities=acts) == [
        *one("组织生活会每年召开", "全年未召开组织生活会", ["全年"], f"{TIAOLI}第十七条"),
        *one("民主评议党员每年开展", "全年未开展民主评议党员", ["全年"], f"{TIAOLI}第十八条"),
    ]


# ---------------------------------------------------------------- 谈心谈话

def talk(month: int, talker: str, names: str):
    return (dt.date(YEAR, month, 8), talker, names)


SEC_ALL_ONLY = SEC_ALL + "before_meeting_months = 0\n" + PAIRINGS_OFF


def test_talks_member_never_talked_with(tmp_path):
    talks = [t for t in compliant()["talks"] if t[2] not in ("李二", "周六")]
    assert findings(tmp_path, SEC_ALL_ONLY, talks=talks) == one(
        "谈心谈话全覆盖", "支部书记全年未与李二、周六开展谈心谈话", ["李二", "周六"], LOCAL_TALKS,
        报告说明="有2名党员全年未开展谈心谈话")


def test_talks_count_only_the_secretary_and_group_talks_cover_everyone_named(tmp_path):
    talks = [talk(1, SECRETARY, "张一、李二"), talk(2, "书记", "赵三"),
             talk(3, f"{SECRETARY}、张一", "钱四"), talk(4, "张一", "孙五"), talk(5, "张一", "周六")]
    assert [f["说明"] for f in findings(tmp_path, SEC_ALL_ONLY, talks=talks)] == ["支部书记全年未与孙五、周六开展谈心谈话"]


@pytest.mark.parametrize("talker,counts", [
    (f"书记{SECRETARY}", True), (f"{SECRETARY}同志", True), (f"{SECRETARY}（支部书记）", True),
    ("党支部书记", True), ("副书记", False), ("张一", False),
])
def test_talks_who_counts_as_the_secretary(talker, counts):
    assert talks.by_secretary(talker, SECRETARY) is counts


def test_talks_logged_only_as_activities_cannot_be_verified(tmp_path):
    acts = compliant()["activities"] + [(dt.date(YEAR, 2, 12), "谈心谈话")]
    assert findings(tmp_path, SEC_ALL_ONLY, activities=acts, talks=None) == one(
        "谈心谈话全覆盖", "谈心谈话未记录谈话对象，无法核实支部书记与每名党员谈心谈话的情况",
        list(NAMES[1:]), LOCAL_TALKS, 报告说明="谈心谈话未记录谈话对象，无法核实是否覆盖全体党员")
    # The 条例's pairings cannot be judged from rows that name no one: no claim either way.
    assert findings(tmp_path / "default", activities=acts, talks=None) == []


def test_talks_none_at_all(tmp_path):
    assert findings(tmp_path, SEC_ALL_ONLY, talks=[talk(3, "张一", "李二")]) == one(
        "谈心谈话全覆盖", "支部书记全年未与党员开展谈心谈话", list(NAMES[1:]), LOCAL_TALKS,
        报告说明="全年未与党员开展谈心谈话")
    # 条例第十九条 by default. A ledger kept without a row is no record of none held (blank is unknown).
    run = analyse(tmp_path / "default", talks=[])
    assert run.findings == []
    assert run.metrics["检查规则"][RuleId.TALKS]["未检查原因"] == "谈心谈话记录未填写（没有数据行）"



def test_a_missing_ledger_is_warned_about_not_found_wanting(tmp_path):
    run = analyse(tmp_path, talks=None, checks=None)
    assert run.findings == []
    missing = [i.message() for i in run.log.items if i.code == "missing-ledger"]
    assert missing[:2] == [
        "[警告] （输入文件夹）：没有找到“谈心谈话记录”，报告中与之相关的内容将略去，相关规则不作检查。"
        "如果本年度有这类记录，请把台账放进输入文件夹。",
        "[警告] （输入文件夹）：没有找到“学习笔记检查”，报告中与之相关的内容将略去，相关规则不作检查。"
        "如果本年度有这类记录，请把台账放进输入文件夹。"]


def test_talks_threshold_two(tmp_path):
    talks = compliant()["talks"] + [talk(9, SECRETARY, "、".join(NAMES[1:5]))]
    config = SEC_ALL_ONLY + 'threshold = 2\n'
    assert [f["说明"] for f in findings(tmp_path, config, talks=talks)] == [
        "支部书记全年与孙五、周六谈心谈话不足2次"]
    talks = [t for t in talks if t[2] != "周六"]
    assert [f["说明"] for f in findings(tmp_path / "mixed", config, talks=talks)] == [
        "支部书记全年未与周六开展谈心谈话，与孙五谈心谈话不足2次"]


# ---------------------------------------------------------------- 党费

def dues_with(name: str, paid) -> list:
    return [(n, 50, paid if n == name else range(1, 13)) for n in NAMES]


@pytest.mark.parametrize("paid,note,involved", [
    ([1, *range(3, 13)], "张一2月未缴纳党费", ["2月"]),  # 11 of 12 months
    ([1, *range(4, 13)], "张一2月、3月未缴纳党费", ["2月", "3月"]),
    ([*range(1, 7), 12], "张一7月、8月、9月、10月、11月未缴纳党费", ["7月", "8月", "9月", "10月", "11月"]),
])
def test_dues_missed_months(tmp_path, paid, note, involved):
    assert findings(tmp_path, dues=dues_with("张一", paid)) == one(
        "党费按月缴纳", note, involved, DUES_SOURCE, 姓名="张一")


@pytest.mark.parametrize("paid,note", [
    (range(1, 7), "张一连续6个月（7月至12月）未缴纳党费，台账未记载正当理由"),
    ([1, *range(3, 7)], "张一2月未缴纳党费，连续6个月（7月至12月）未缴纳党费，台账未记载正当理由"),
    ([], "张一全年未缴纳党费，台账未记载正当理由"),
])
def test_dues_six_consecutive_months_are_serious(tmp_path, paid, note):
    got = findings(tmp_path, dues=dues_with("张一", paid))
    assert [(f["说明"], f.get("严重")) for f in got] == [(note, True)]


def test_dues_no_standard_and_joined_this_year(tmp_path):
    members = compliant()["members"][:-1] + [member("周六", "预备党员", joined=f"{YEAR}-06")]
    dues = [(n, 50, range(1, 13)) for n in NAMES[:5]] + [("孙五", 0, []), ("周六", 10, range(6, 13))]
    assert findings(tmp_path, members=members, dues=dues) == []
    dues[-1] = ("周六", 10, range(7, 13))
    assert [f["说明"] for f in findings(tmp_path / "late", members=members, dues=dues)] == [
        "周六6月未缴纳党费"]


def test_dues_serious_months_configurable_and_members_in_ledger_order(tmp_path):
    dues = [(n, 50, range(1, 13)) for n in NAMES]
    dues[2] = ("李二", 50, range(1, 10))
    dues[1] = ("张一", 50, [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12])
    config = '[rules."党费"]\nserious_months = 3\n'
    got = findings(tmp_path, config, dues=dues)
    assert [(f["说明"], f.get("严重", False)) for f in got] == [
        ("张一4月未缴纳党费", False),
        ("李二连续3个月（10月至12月）未缴纳党费，台账未记载正当理由", True),
    ]


# ---------------------------------------------------------------- 学习笔记检查

def test_study_checks_quarter_missing(tmp_path):
    checks = [c for c in compliant()["checks"] if c[1] != 3]
    assert findings(tmp_path, checks=checks) == one(
        "学习笔记每季度检查", "第三季度未开展学习笔记检查", ["第三季度"], "本地学习笔记检查制度（每季度调阅检查党员学习笔记）")


def test_study_checks_quarter_from_date_else_quarter_column(tmp_path):
    # Q2's check dated 1 July counts for Q3; Q4's rows carry only the 季度 column.
    checks = [(n, q, dt.date(YEAR, 7, 1) if q == 2 else (None if q == 4 else day), w)
              for n, q, day, w in compliant()["checks"]]
    assert [f["说明"] for f in findings(tmp_path, checks=checks)] == ["第二季度未开展学习笔记检查"]


def test_study_checks_absent(tmp_path):
    # Blank means unknown: a 学习笔记检查 sheet without a row is no record that none was held.
    run = analyse(tmp_path, checks=[])
    assert run.findings == []
    assert run.metrics["检查规则"][RuleId.STUDY]["未检查原因"] == "学习笔记检查未填写（没有数据行）"
    assert any("学习笔记每季度检查（学习笔记检查未填写（没有数据行））" in line for line in run.detail_lines())


# ---------------------------------------------------------------- order, provenance, evidence

def test_findings_follow_the_rule_table_and_cite_their_rows(tmp_path):
    acts = moved(without(compliant()["activities"], "支委会", 5), "主题党日", 7, 12)
    run = analyse(tmp_path, SEC_ALL_ONLY, activities=acts, dues=dues_with("张一", range(1, 12)),
                  talks=[t for t in compliant()["talks"] if t[2] != "周六"])
    assert [f["规则"] for f in run.findings] == ["支委会每月召开", "主题党日按时开展", "谈心谈话全覆盖", "党费按月缴纳"]
    prov = run.provenance.as_dict(run.metrics)
    sheet = "台账.xlsx / 组织生活 / "
    theme_july = next(i for i, a in enumerate(acts) if a[1] == "主题党日" and a[0].month == 7) + 2
    assert prov["检查发现.1"] == [f"{sheet}{theme_july}"]
    assert "台账.xlsx / 党员名册 / 8" in prov["检查发现.2"]  # 周六's roster row
    assert "台账.xlsx / 党费 / 3" in prov["检查发现.3"]  # 张一's dues row
    assert len([r for r in prov["检查发现.0"] if r.startswith(sheet)]) == 11  # the year's 支委会
    assert wording.evidence_sentence(run.findings) == (
        "对照台账逐项自查，我在抓党建工作中还存在以下不足：一是落实“三会一课”等组织生活制度还不够严格，5月未召开支委会，1个月的主题党日晚于当月10日开展（7月12日）；"
        "二是谈心谈话开展得还不够全面，有1名党员全年未开展谈心谈话；三是党费收缴管理还不够规范，1名党员存在未按月缴纳党费的情况。")


def test_evidence_tells_members_by_number_and_groups_dues():
    dues = [{"规则": "党费按月缴纳", "规则编号": "党费", "说明": "张一2月未缴纳党费"},
            {"规则": "党费按月缴纳", "规则编号": "党费", "说明": "李二连续6个月…", "严重": True}]
    assert wording.evidence_sentence(dues) == (
        "对照台账逐项自查，我在抓党建工作中还存在以下不足：党费收缴管理还不够规范，2名党员存在未按月缴纳党费的情况，其中1名连续多月未缴纳。")
    assert wording.evidence_sentence(dues[1:], after_own=True) == (
        "此外，对照台账逐项自查，还存在以下不足：党费收缴管理还不够规范，1名党员存在未按月缴纳党费的情况，且连续多月未缴纳。")


def test_validation_report_lists_findings_as_their_own_part(tmp_path):
    acts = without(compliant()["activities"], "支委会", 5)
    write_ledgers(tmp_path / "inputs", **{**compliant(), "activities": acts})
    api.run_check(tmp_path / "inputs", tmp_path / "out", None)
    text = (tmp_path / "out" / "校验报告.md").read_text(encoding="utf-8")
    assert "## 规则检查发现：1 项" in text
    assert f"【支委会每月召开】5月未召开支委会（依据：{TIAOLI}第十二条，属条例）" in text
    assert f"- 支委会每月召开（条例：{TIAOLI}第十二条）：最少次数 1，正式党员人数下限 7" in text


# ---------------------------------------------------------------- the project file

def test_rule_turned_off(tmp_path):
    acts = moved(without(compliant()["activities"], "支委会", 5), "主题党日", 7, 12)
    config = '[rules."主题党日按时开展"]\nenabled = false\n'
    assert [f["说明"] for f in findings(tmp_path, config, activities=acts)] == ["5月未召开支委会"]


def test_source_can_name_a_local_rule(tmp_path):
    acts = without(compliant()["activities"], "党课", 3)
    config = '[rules."党课"]\nsource = "《XX县机关党支部“三会一课”实施办法》"\n'
    assert findings(tmp_path, config, activities=acts)[0]["依据"] == "《XX县机关党支部“三会一课”实施办法》"


def test_packaged_settings_list_every_rule_with_its_defaults():
    path = data_file("pipeline.toml")
    assert settings.load(None).rules == settings.Settings().rules
    assert settings.load(path).rules == settings.Settings().rules
    tables = settings.tomllib.loads(path.read_text(encoding="utf-8"))["rules"]
    assert list(tables) == [r.id for r in rules.RULES]
    for rule in rules.RULES:
        assert set(tables[rule.id]) == set(settings._allowed(rule)), rule.id


@pytest.mark.parametrize("text,words", [
    ('[rules.支委会]\nenabled = true\n', ["第1行", '[rules."支委会"]']),
    ('[rules."支部会"]\nenabled = false\n', ["没有名为“支部会”的规则", "支委会、支委会到会委员、党员大会"]),
    ('[rules."党课"]\nthreshold = "2"\n', ['[rules."党课"] 的 threshold', "不小于0的整数"]),
    ('[rules."党课"]\nthreshold = -1\n', ['[rules."党课"] 的 threshold', "-1", "不小于0的整数"]),
    ('[rules."主题党日按时开展"]\ndeadline_day = 32\n', ["deadline_day", "1至31的整数"]),
    # The deadline is its own (local) rule now: under 主题党日 it is refused, naming what is settable.
    ('[rules."主题党日"]\ndeadline_day = 10\n', ["“deadline_day”不是可设置项", "enabled、threshold、source"]),
    ('[rules."主题党日"]\nenabled = "否"\n', ["enabled", "true（检查）或 false（不检查）"]),
    ('[rules."党课"]\ndeadline_day = 5\n', ["“deadline_day”不是可设置项", "enabled、threshold、source"]),
    ('[rules."党费"]\nthreshold = 2\n', ["“threshold”不是可设置项", "enabled、serious_months、pay_by、late_months、source、source_kind"]),
    ('["规则"]\nenabled = true\n', ["“规则”不是可设置的项目", '[rules."规则名"]']),
    # A rule id that is no rule of RULES (previous.py's finding) has no settings either.
    ('[rules."上年问题再次出现"]\nenabled = false\n', ["没有名为“上年问题再次出现”的规则", "支委会、支委会到会委员、党员大会"]),
])
def test_invalid_project_file(tmp_path, text, words):
    path = write_config(tmp_path / "pipeline.toml", text)
    with pytest.raises(ConfigError) as caught:
        settings.load(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_missing_project_file_and_cli_exit_code(tmp_path, capsys):
    with pytest.raises(ConfigError, match="找不到规则设置文件"):
        settings.load(tmp_path / "nope.toml")
    write_ledgers(tmp_path / "inputs", **compliant())
    bad = write_config(tmp_path / "bad.toml", '[rules."党课"]\nthreshold = -1\n')
    with pytest.raises(SystemExit) as caught:
        cli.main(["check", "--inputs", str(tmp_path / "inputs"), "--config", str(bad)])
    assert caught.value.code == 2
    assert "threshold" in capsys.readouterr().err


# ---------------------------------------------------------------- the sample

def test_sample_findings_in_full():
    run = api.analyse(ROOT / "inputs", "", None, settings.load(None))
    assert run.findings[0] == {
        "规则": "主题党日按时开展",
        "规则编号": "主题党日按时开展",
        "说明": "7月主题党日在10日后召开（7月12日）",
        "涉及": ["7月"],
        "报告说明": "1个月的主题党日晚于当月10日开展（7月12日）",
        "依据": LATE_SOURCE,
        "依据类别": "本地规定",
    }
    # 条例第十九条: the sample's talks all went through the secretary.
    assert [(f["规则"], f["说明"], f["依据"]) for f in run.findings[1:]] == [
        ("支部委员之间谈心谈话", "支部委员王建国与张丽娟、王建国与刘志强、张丽娟与刘志强全年未开展谈心谈话",
         f"{TIAOLI}第十九条"),
        ("党员和党员之间谈心谈话", "全年没有党员和党员之间的谈心谈话记录", f"{TIAOLI}第十九条")]
    prov = run.provenance.as_dict(run.metrics)
    assert prov["检查发现.0"] == ["2022年组织生活台账.xlsx / 组织生活 / 34"]


def test_all_met_names_only_what_was_checked(tmp_path):
    run = analyse(tmp_path, dues=None)
    assert run.findings == [] and not run.metrics["检查规则"]["党费"]["已检查"]
    assert wording.met_sentence(run.metrics["检查规则"]) == (
        "经对全年台账核查，“三会一课”、主题党日、谈心谈话、组织生活会等制度均按规定落实。")
    assert wording.evidence_sentence(run.findings, run.metrics["检查规则"]) == ""
    assert wording.met_sentence({}) == ""


def test_a_misspelt_placeholder_in_source_is_refused(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[rules."主题党日"]\nsource = "每月{deadline}日前"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="“\\{deadline\\}”不是可用的占位符：只能用 \\{deadline_day\\}"):
        settings.load(path)


def test_settings_in_the_working_folder_override_the_packaged_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pipeline.toml").write_text('[rules."党课"]\nthreshold = 3\n', encoding="utf-8")
    loaded = settings.load(None)
    assert loaded.path == Path("pipeline.toml") and loaded.rules["党课"].threshold == 3


# ---------------------------------------------------------------- rule ids


def test_rule_ids_are_one_registry():
    # One RuleId per rule, in order, valued as the pipeline.toml sections; RECURRING is no rule.
    assert [rule.id for rule in rules.RULES] == [i for i in RuleId if i is not RuleId.RECURRING]
    assert all(type(rule.id) is RuleId for rule in rules.RULES) and RuleId.RECURRING not in rules.RULE_BY_ID
    assert [i.value for i in RuleId][:4] == ["支委会", "支委会到会委员", "党员大会", "党员大会到会人数"]
    assert set(settings.Settings().rules) == set(rules.RULE_BY_ID)
    with pytest.raises(ValueError):
        RuleId("支部会")


def test_every_finding_carries_its_rule_id(tmp_path):
    # Parts of a rule reported under names of their own carry the rule's id (谈心谈话, 主题党日).
    acts = moved(without(compliant()["activities"], "支委会", 5), "主题党日", 7, 12)
    got = findings(tmp_path, activities=acts, talks=[talk(2, SECRETARY, "张一")])
    # 主题党日 每月开展 and 10日前 are two rules, each its own id (and rate in a summary).
    assert [(f["规则"], f["规则编号"]) for f in got] == [
        ("支委会每月召开", "支委会"), ("主题党日按时开展", "主题党日按时开展"),
        ("支部委员和党员之间谈心谈话", "谈心谈话"), ("党员和党员之间谈心谈话", "谈心谈话")]
    assert all(type(f["规则编号"]) is RuleId for f in got)


def test_rule_of_reads_the_id_and_falls_back_to_the_display_name():
    assert rules.rule_of({"规则编号": "党费", "规则": "别的文字"}) is RuleId.DUES
    # A metrics.json written before findings carried 规则编号: the rule its 规则 names.
    assert rules.rule_of({"规则": "每名党员参加谈心谈话"}) is RuleId.TALKS
    assert rules.rule_of({"规则": "主题党日按时开展"}) is RuleId.THEME_DAY_DEADLINE
    assert rules.rule_of({"规则": "主题党日按时开展", "规则编号": "主题党日"}) is RuleId.THEME_DAY
    assert rules.rule_of({"规则": "上年问题再次出现"}) is RuleId.RECURRING
    # Neither tells: no guess.
    assert rules.rule_of({"规则": "主题党日"}) is None and rules.rule_of({"规则编号": "无此规则"}) is None
    assert rules.rule_of({"规则编号": ["党费"]}) is None


def test_evidence_groups_dues_by_rule_id_not_by_display_name():
    dues = [{"规则": "党费", "规则编号": "党费", "说明": "张一2月未缴纳党费"},
            {"规则": "党费按月缴纳", "规则编号": "谈心谈话", "说明": "李二全年未参加谈心谈话"}]
    assert wording.evidence_sentence(dues) == (
        "对照台账逐项自查，我在抓党建工作中还存在以下不足：一是谈心谈话开展得还不够全面，李二全年未参加谈心谈话；二是党费收缴管理还不够规范，1名党员存在未按月缴纳党费的情况。")
