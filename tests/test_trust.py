"""Issue 20: ledgers typed the ways branches keep them. Each kind is built as a person builds
it (openpyxl, and saved again by LibreOffice where the saving application matters); every
figure is asserted, and every row left out is named."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from pipeline.api import run_check
from pipeline.core.names import IssueCode
from pipeline.writing import pdf
from tests.builders import BASIC, EMPTY_LEDGERS, ROSTER, write_xlsx

YEAR = 2023
SOFFICE = pdf.find_soffice()


def libreoffice_saved(path: Path) -> Path:
    """`path` opened and saved again by LibreOffice Calc (as a person re-saving a workbook does)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = path.parent / "lo"
    out.mkdir(exist_ok=True)
    profile = (path.parent / "lo-profile").resolve().as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    saved = out / path.name
    assert saved.is_file()
    shutil.rmtree(path.parent / "lo-profile", ignore_errors=True)
    path.unlink()
    shutil.move(str(saved), str(path))
    out.rmdir()
    return path


def run(folder: Path):
    (result,) = run_check(folder, None, YEAR)
    return result


def issues(result, code: IssueCode) -> list[tuple[str | None, int | None, str]]:
    return [(i.sheet, i.row, i.reason) for i in result.log.items if i.code == code]


def account(result, sheet: str) -> dict:
    (found,) = [a for a in result.ledgers.accounts if a.sheet == sheet]
    return {"读取": found.read, **{str(k): v for k, v in found.counts.items() if v}}


SAVERS = pytest.mark.parametrize("saver", ["openpyxl", "libreoffice"])


def save(folder: Path, sheets: dict, saver: str, name: str = "台账.xlsx", merges=None) -> Path:
    path = write_xlsx(folder / name, sheets, merges)
    return libreoffice_saved(path) if saver == "libreoffice" else path


def ledgers(**extra) -> dict:
    return {"基本信息": BASIC, "党员名册": ROSTER, **EMPTY_LEDGERS, **extra}


# ---------------------------------------------------------------- 7. 所属年度 from the topic

@SAVERS
def test_year_of_meeting_from_topic(tmp_path, saver):
    life = [["日期", "类型", "主题"],
            [dt.date(YEAR, 2, 18), "专题组织生活会", "召开2022年度专题组织生活会"],
            [dt.date(YEAR, 2, 18), "民主评议党员", "开展2022年度民主评议党员"],
            [dt.date(YEAR, 3, 5), "支委会", "研究2022年度组织生活会整改"],  # a 支委会: its topic says nothing
            [dt.date(YEAR + 1, 1, 12), "组织生活会", "2023年度组织生活会"],
            [dt.date(YEAR + 1, 1, 12), "民主评议", "2023 年度民主评议党员"]]
    result = run(_folder(tmp_path, {"组织生活": life}, saver))
    life_m = result.metrics["组织生活"]
    assert (life_m["组织生活会"], life_m["民主评议党员"], life_m["支委会"]) == (1, 1, 1)
    assert issues(result, IssueCode.YEAR_FROM_TOPIC) == [
        ("组织生活", 2, "主题写明是2022年度的组织生活会，按所属年度2022年处理，不计入2023年度统计"),
        ("组织生活", 3, "主题写明是2022年度的民主评议党员，按所属年度2022年处理，不计入2023年度统计"),
        ("组织生活", 5, "召开日期在2024年，主题写明是2023年度的组织生活会，计入2023年度统计"),
        ("组织生活", 6, "召开日期在2024年，主题写明是2023年度的民主评议党员，计入2023年度统计")]
    assert account(result, "组织生活") == {"读取": 5, "计入": 3, "非本年度": 2}


def _folder(tmp_path: Path, extra: dict, saver: str, name: str = "台账.xlsx", merges=None) -> Path:
    folder = tmp_path / "支部"
    save(folder, ledgers(**extra), saver, name, merges)
    return folder


# ---------------------------------------------------------------- 4. cancelled and postponed meetings

@SAVERS
def test_cancelled_and_postponed_meetings_are_not_counted(tmp_path, saver):
    life = [["日期", "类型", "主题", "备注"],
            [dt.date(YEAR, 1, 5), "支委会", "1月工作", None],
            [dt.date(YEAR, 2, 5), "支委会", "2月工作", "因疫情取消"],
            [dt.date(YEAR, 3, 5), "党员大会", "一季度大会", "延期至3月20日"],
            [dt.date(YEAR, 3, 20), "党员大会", "一季度大会", "由3月5日延期至今日，已召开"],
            [dt.date(YEAR, 4, 8), "主题党日", "4月学习", "改期"],
            [dt.date(YEAR, 5, 8), "主题党日", "5月学习", "未召开"],
            [dt.date(YEAR, 6, 8), "主题党日", "6月学习", "按时召开"]]
    result = run(_folder(tmp_path, {"组织生活": life}, saver))
    m = result.metrics["组织生活"]
    assert (m["支委会"], m["党员大会"], m["主题党日"]) == (1, 1, 1)
    assert m["按月"]["党员大会"][2] == 1
    assert [(row, reason) for _, row, reason in issues(result, IssueCode.NOT_HELD)] == [
        (3, "备注写明“取消”，这次活动按未召开处理，不计入统计"),
        (4, "备注写明“延期”，这次活动按未召开处理，不计入统计"),
        (6, "备注写明“改期”，这次活动按未召开处理，不计入统计"),
        (7, "备注写明“未召开”，这次活动按未召开处理，不计入统计")]
    assert account(result, "组织生活") == {"读取": 7, "计入": 3, "未召开": 4}


# ---------------------------------------------------------------- 1. one branch per folder

def _life(days: int) -> list[list]:
    return [["日期", "类型", "主题"], *[[dt.date(YEAR, m, 5), "支委会", f"{m}月工作"] for m in range(1, days + 1)]]


@SAVERS
def test_another_branchs_files_are_named_never_merged(tmp_path, saver):
    folder = _folder(tmp_path, {"组织生活": _life(12)}, saver)
    # Its own 基本信息 and 组织生活台账 in one file; its 组织生活 alone in another, named in the title.
    save(folder, {"基本信息": [["党支部名称", "城关社区第二党支部"], ["支部书记", "赵书记"], ["年度", YEAR]],
                  "组织生活": _life(12)}, saver, "二支部台账.xlsx")
    save(folder, {"Sheet1": [["城关社区第二党支部2023年组织生活台账"], *_life(6)]}, saver, "组织生活记录.xlsx")
    # A roster of five others, no name in common with ours.
    save(folder, {"花名册": [["姓名", "人员类别"], *[[n, "正式党员"] for n in ("甲一", "乙二", "丙三", "丁四", "戊五")]]},
         saver, "名册.xlsx")
    result = run(folder)
    assert [(i.file, i.reason) for i in result.log.items if i.code == IssueCode.OTHER_BRANCH] == [
        ("名册.xlsx", "这份党员名册（5人）与台账.xlsx的党员名册（3人）没有一个相同的姓名，不是同一个支部的名册，本文件的台账都不计入"),
        ("二支部台账.xlsx", "这是“城关社区第二党支部”的台账，不是本支部（“测试党支部”，见台账.xlsx的基本信息）的，本文件的台账都不计入"),
        ("组织生活记录.xlsx", "这是“城关社区第二党支部”的台账，不是本支部（“测试党支部”，见台账.xlsx的基本信息）的，本文件的台账都不计入")]
    assert all(i.severity == "错误" for i in result.log.items if i.code == IssueCode.OTHER_BRANCH)
    # Nothing of theirs is merged: our 3 members, our 12 支委会; no warning about a differing name.
    assert result.metrics["党员"]["总数"] == 3 and result.metrics["组织生活"]["支委会"] == 12
    assert not [i for i in result.log.items if i.code == IssueCode.INFO_CONFLICT]
    fates = {(a.file, a.sheet): (a.read, {str(k): v for k, v in a.counts.items() if v}) for a in result.ledgers.accounts}
    assert fates[("二支部台账.xlsx", "组织生活")] == (12, {"出错": 12})
    assert fates[("组织生活记录.xlsx", "Sheet1")] == (6, {"出错": 6})
    assert fates[("名册.xlsx", "花名册")] == (5, {"出错": 5})


def test_the_same_branch_written_two_ways_is_one_branch(tmp_path):
    folder = tmp_path / "支部"
    write_xlsx(folder / "台账.xlsx", ledgers(**{"组织生活": [["中共测试党支部2023年组织生活台账"], *_life(12)]}))
    write_xlsx(folder / "补充.xlsx", {"基本信息": [["党支部名称", "中共测试党支部委员会"], ["支部书记", "王书记"]]})
    result = run(folder)
    assert not [i for i in result.log.items if i.code == IssueCode.OTHER_BRANCH]
    assert result.metrics["组织生活"]["支委会"] == 12


# ---------------------------------------------------------------- 5. paired columns, Excel Table total rows

def _paired_dues() -> tuple[list[list], list[str]]:
    top = ["序号", "姓名", "缴纳标准"]
    sub = [None, None, None]
    for m in range(1, 13):
        top += [f"{m}月", None]
        sub += ["应缴", "实缴"]
    rows = [top, sub]
    for i, (name, std) in enumerate((("王书记", 50), ("张三", 30), ("李四", 10)), start=1):
        row = [i, name, std]
        for m in range(1, 13):
            row += [std, None if (name == "张三" and m in (3, 4)) else std]
        rows.append(row)
    letters = [openpyxl.utils.get_column_letter(c) for c in range(4, 28)]
    rows.append(["汇总", None, None, *[f"=SUBTOTAL(109,{c}3:{c}5)" for c in letters]])
    merges = ["A1:A2", "B1:B2", "C1:C2"] + [f"{letters[2 * k]}1:{letters[2 * k + 1]}1" for k in range(12)]
    return rows, merges


@SAVERS
def test_due_and_paid_under_each_month_and_a_table_total_row(tmp_path, saver):
    rows, merges = _paired_dues()
    result = run(_folder(tmp_path, {"党费": rows}, saver, merges={"党费": merges}))
    dues = result.metrics["党费"]
    assert dues["实缴总额"] == 12 * (50 + 10) + 10 * 30
    assert dues["应缴总额"] == 12 * (50 + 30 + 10)
    assert dues["欠缴"] == [{"姓名": "张三", "月份": 3}, {"姓名": "张三", "月份": 4}]
    assert not result.log.errors, [i.message() for i in result.log.errors]
    assert [(i.severity, i.row, i.reason) for i in result.log.items if i.code == IssueCode.PAIRED_COLUMNS] == [
        ("提示", 2, "各月下分“应缴”“实缴”两列：按“实缴”列统计已缴金额，“应缴”列不计入")]
    # openpyxl saves the SUBTOTAL formulas without values: the row then holds only its label (no
    # row at all); LibreOffice computes them: a totals row, checked against the rows above it.
    assert account(result, "党费") == ({"读取": 3, "计入": 3} if saver == "openpyxl"
                                     else {"读取": 4, "计入": 3, "合计行": 1})
    assert not [i for i in result.log.items if i.code == IssueCode.TOTAL_MISMATCH]


# ---------------------------------------------------------------- 12. outputs are one set

def test_files_an_earlier_run_wrote_are_set_aside_never_left_looking_current(tmp_path):
    from pipeline.api import run_report
    from pipeline.core.manifest import MANIFEST, read_manifest, write_manifest

    folder = tmp_path / "支部"
    write_xlsx(folder / "台账.xlsx", ledgers(**{"组织生活": _life(12)}))
    out = tmp_path / "输出"
    (first,) = run_report(folder, out, YEAR)
    docx = next(p.name for p in first.written if p.suffix == ".docx")
    # As `make report PDF=1` leaves them: the PDFs, recorded in the manifest.
    pdfs = {docx[:-5] + ".pdf": b"%PDF-1.7 report", "校验报告.pdf": b"%PDF-1.7 check"}
    for name, data in pdfs.items():
        (out / name).write_bytes(data)
    write_manifest(out, read_manifest(out), pdfs)
    # A run without PDF: the old PDFs are renamed, not left beside the new report.
    (second,) = run_report(folder, out, YEAR)
    names = sorted(p.name for p in out.iterdir())
    assert docx[:-5] + "（旧版）.pdf" in names and "校验报告（旧版）.pdf" in names
    assert not (out / (docx[:-5] + ".pdf")).exists() and not (out / "校验报告.pdf").exists()
    assert any("已改名为“（旧版）”" in n for n in second.notices)
    # The user writes notes into report.md; then a run stops on errors: the old report is
    # renamed （旧版）, the edited file is kept as （修改稿）, only the 校验报告 is current.
    (out / "report.md").write_text("我的修改", encoding="utf-8")
    write_xlsx(folder / "错误.xlsx", {"组织生活": [["日期", "类型", "主题"], ["2023-02-30", "支委会", "日期错"]]})
    (third,) = run_report(folder, out, YEAR)
    assert third.log.errors and not third.report_written
    assert not (out / docx).exists() and (out / (docx[:-5] + "（旧版）.docx")).exists()
    assert (out / "report（修改稿）.md").read_text(encoding="utf-8") == "我的修改"
    current = {p.name for p in out.iterdir() if "（" not in p.name}
    assert current == {"校验报告.md", "校验报告.xlsx", MANIFEST}
    assert set(read_manifest(out)) == {"校验报告.md", "校验报告.xlsx"}


# ---------------------------------------------------------------- 10. no empty or missing section

def test_an_empty_required_section_makes_the_report_a_draft_and_a_missing_rectify_is_warned(tmp_path):
    import docx

    from pipeline.api import run_report

    folder = tmp_path / "支部"
    write_xlsx(folder / "台账.xlsx", ledgers(**{"组织生活": _life(12), "任务清单": [["标题", "内容"]]}))
    out = tmp_path / "输出"
    (result,) = run_report(folder, out, YEAR)
    assert result.report_written and not result.log.errors
    mark = "（“三、下一步工作打算”没有内容，请填写任务清单，本稿仅供核对）"
    assert (out / "report.md").read_text(encoding="utf-8").splitlines()[0] == mark
    section = docx.Document(str(out / "2023年度测试党支部书记抓党建工作述职报告.docx")).sections[0]
    assert [p.text for p in section.header.paragraphs] == [mark]
    warned = [i.reason for i in result.log.items if i.code == IssueCode.MISSING_LEDGER]
    assert warned == ["“任务清单”中没有内容，报告“三、下一步工作打算”部分将没有内容，报告将注明“本稿仅供核对”",
                      "没有整改台账，也没有指定上年度的台账，报告“二、存在的主要问题及原因”中不写上年度查摆问题的整改情况"]
    assert result.metrics["校验"]["警告"] == len(result.log.warnings)


# ---------------------------------------------------------------- 15. words the user reads

@SAVERS
def test_study_notes_that_look_cumulative_are_named(tmp_path, saver):
    notes = [["姓名", "季度", "学习笔记", "心得体会"],
             ["张三", "第一季度", 7000, 1], ["张三", "第二季度", 14000, 1], ["张三", "第三季度", 21500, 1],
             ["李四", "第一季度", 7000, 1], ["李四", "第二季度", 7600, 1], ["李四", "第三季度", 7900, 1]]
    result = run(_folder(tmp_path, {"学习笔记检查": notes}, saver))
    assert [(i.row, i.reason) for i in result.log.items if i.code == IssueCode.CUMULATIVE] == [
        (2, "张三各次检查的学习笔记字数逐次增加（7000、14000、21500），像是笔记本上的累计字数；报告把各次相加（共42500字）")]


def test_another_folders_outputs_never_go_into_the_samples_outputs(tmp_path):
    from pipeline.analysis.folders import check_folders
    from pipeline.core.errors import UsageError

    root = Path(__file__).resolve().parent.parent
    with pytest.raises(UsageError, match="存放的是样例台账的输出（已纳入版本管理），不能写入其他台账的输出。"
                                         "请指定另一个输出文件夹，如：make report INPUTS=.*台账2023 OUTPUTS=输出-台账2023"):
        check_folders(tmp_path / "台账2023", root / "outputs")
    check_folders(root / "inputs", root / "outputs")  # the sample's own: allowed
    # Ask make what OUTPUTS it would use.
    made = subprocess.run(["make", "-s", "--eval", 'show-outputs: ; @echo "$(OUTPUTS)"', "show-outputs",
                           "INPUTS=台账2023"], cwd=root, capture_output=True, text=True)
    if made.returncode == 0:  # make is there: its default output folder is the ledgers' own
        assert made.stdout.strip() == "输出-台账2023"


# ---------------------------------------------------------------- 14. init PREVIOUS= carries every setting

def test_init_previous_carries_every_basic_setting_forward(tmp_path):
    from pipeline.api import run_init

    last = tmp_path / "台账2023"
    info = [["党支部名称", "城关社区第一党支部"], ["支部书记", "王书记"], ["年度", YEAR], ["上级党组织", "城关街道党工委"],
            ["报告日期", "2024年1月10日"], ["支部类型", "社区"], ["本届任期起始", "2021.06"], ["党费缴纳方式", "按季度"],
            ["党小组", "第一党小组、第二党小组"], ["书记与每名党员谈话", "是"], ["党课每季度次数", 2]]
    roster = [["姓名", "人员类别", "党小组"], ["王书记", "正式党员", "第一党小组"], ["张三", "正式党员", "第二党小组"]]
    write_xlsx(last / "台账.xlsx", {**ledgers(**{"组织生活": _life(12)}), "基本信息": info, "党员名册": roster})
    new = tmp_path / "台账2024"
    run_init(new, YEAR + 1, last)
    ws = openpyxl.load_workbook(new / "01-基本信息.xlsx")["基本信息"]
    got = {row[0]: row[1] for row in ws.iter_rows(min_row=3, max_col=2, values_only=True) if row[1] is not None}
    assert got == {"党支部名称": "城关社区第一党支部", "支部书记": "王书记", "年度": YEAR + 1, "上级党组织": "城关街道党工委",
                   "支部类型": "社区", "本届任期起始": "2021.06", "党费缴纳方式": "按季度",
                   "党小组": "第一党小组、第二党小组", "书记与每名党员谈话": "是", "党课每季度次数": 2}
