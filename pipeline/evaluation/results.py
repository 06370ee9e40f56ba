"""综合评价: the 测评结果 workbook the 组织部 fills (votes per 等次, optional 平时了解/督促检查
scores, an optional 等次 it decides, the 点评意见), read back into a 等次 per the rule in
settings; the 评议结果 summary and each branch's 反馈意见."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook, load_workbook

from pipeline.core.cnfmt import number, subheading
from pipeline.core.errors import UsageError
from pipeline.core.outputs import deterministic_zip
from pipeline.core.xlsxstyle import BOLD, BORDER, CENTER, HEADER_FILL, fit_to_width
from pipeline.core.xlsxwrite import put
from pipeline.evaluation.branches import BranchOut
from pipeline.evaluation.outline import Problem
from pipeline.evaluation.paper import BODY, H1, NOTE, SIGN, TABLE, TITLE
from pipeline.evaluation.settings import GRADES, GradeRule, combined

RESULTS_NAME = "测评结果.xlsx"
SHEET = "测评结果"
FOLDER, NAME, WHO = "支部文件夹", "党支部", "支部书记"
USUAL, CHECKS, DECIDED, COMMENTS = "平时了解（0–100分）", "督促检查（0–100分）", "确定等次（可不填）", "点评意见（每条一行）"
HEADERS = ("序号", FOLDER, NAME, WHO, *GRADES, USUAL, CHECKS, DECIDED, COMMENTS)


@dataclass
class Result:
    folder: str
    votes: dict[str, int]
    usual: float | None = None
    checks: float | None = None
    decided: str | None = None
    comments: list[str] = field(default_factory=list)
    score: Fraction | None = None
    computed: str | None = None  # per the rule

    @property
    def total(self) -> int:
        return sum(self.votes.values())

    @property
    def grade(self) -> str | None:
        return self.decided or self.computed

    def good_share(self) -> str:
        return f"{number(round((self.votes['好'] + self.votes['较好']) * 100 / self.total, 1))}%" if self.total else "—"


def blank_results(branches: list[BranchOut]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    put(ws, 1, 1, "述职评议测评结果：每名书记填写各等次的票数（测评表统计），平时了解、督促检查得分和确定等次可不填；"
                  "点评意见每条一行。填好后运行 make evaluate（见 docs/述职评议.md）").font = BOLD
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    widths = [6, 16, 30, 12, 8, 8, 8, 8, 14, 14, 12, 50]
    for column, (header, width) in enumerate(zip(HEADERS, widths), 1):
        cell = put(ws, 2, column, header)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BORDER, CENTER
        ws.column_dimensions[cell.column_letter].width = width
    for row, branch in enumerate(branches, 3):
        for column, value in enumerate([row - 2, branch.folder, branch.name, branch.secretary], 1):
            put(ws, row, column, value).border = BORDER
        for column in range(5, len(HEADERS) + 1):
            ws.cell(row=row, column=column).border = BORDER
    ws.freeze_panes = "E3"
    fit_to_width(ws, "1:2")
    buffer = io.BytesIO()
    wb.save(buffer)
    return deterministic_zip(buffer.getvalue())


def _number(value, where: str, whole: bool) -> float | int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number_ = float(str(value).strip().rstrip("票分张"))
    except ValueError:
        raise UsageError(f"{where}应填数字，现为“{value}”") from None
    if number_ < 0 or (whole and number_ != int(number_)) or (not whole and number_ > 100):
        raise UsageError(f"{where}应为{'非负整数' if whole else '0 到 100 的分数'}，现为“{value}”")
    return int(number_) if whole else number_


def read_results(path: Path, branches: list[BranchOut], rule: GradeRule) -> dict[str, Result]:
    """folder -> Result for each branch with votes; errors name the cell."""
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file: say which one
        raise UsageError(f"无法读取测评结果 {path}（{exc.__class__.__name__}）。请用 Excel 或 WPS 另存为 .xlsx") from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.active
    rows = list(ws.iter_rows(values_only=True))
    header = next((i for i, r in enumerate(rows) if FOLDER in [str(v or "").strip() for v in r]), None)
    if header is None:
        raise UsageError(f"{path} 不是测评结果表（没有“{FOLDER}”列）。请使用 evaluate 生成的测评结果.xlsx")
    names = [str(v or "").strip() for v in rows[header]]
    known = {b.folder: b for b in branches}
    out: dict[str, Result] = {}
    for number_, row in enumerate(rows[header + 1:], header + 2):
        cells = dict(zip(names, row))
        folder = str(cells.get(FOLDER) or "").strip()
        if not folder:
            continue
        if folder not in known:
            raise UsageError(f"{path} 第{number_}行的支部文件夹“{folder}”不在本次输出中")
        where = f"{path.name} 第{number_}行"
        votes = {g: _number(cells.get(g), f"{where}“{g}”票数", True) for g in GRADES}
        if all(v is None for v in votes.values()):
            continue
        decided = str(cells.get(DECIDED) or "").strip() or None
        if decided and decided not in GRADES:
            raise UsageError(f"{where}“确定等次”应为{'、'.join(GRADES)}之一，现为“{decided}”")
        comments = [c.strip(" ；;。") for c in re.split(r"[\n；;]", str(cells.get(COMMENTS) or "")) if c.strip(" ；;。")]
        result = Result(folder, {g: int(v or 0) for g, v in votes.items()},
                        _number(cells.get(USUAL), f"{where}“平时了解”", False),
                        _number(cells.get(CHECKS), f"{where}“督促检查”", False), decided, comments)
        result.score, result.computed = combined(result.votes, result.usual, result.checks, rule)
        out[folder] = result
    return out


def rule_text(rule: GradeRule) -> str:
    def pct(f: Fraction) -> str:
        return "三分之一" if f == Fraction(100, 3) else f"{number(float(f))}%"

    return (f"等次按现场测评票数确定：“差”票超过{pct(rule.poor_over)}的为“差”；“好”和“较好”票合计不低于"
            f"{pct(rule.good_at_least)}且“差”票不超过{pct(rule.good_poor_at_most)}的为“好”；“好”和“较好”票合计不低于"
            f"{pct(rule.fair_at_least)}的为“较好”；其余为“一般”。填了平时了解、督促检查得分的，综合得分＝测评得分×"
            f"{number(float(rule.weights[0]))}＋平时了解×{number(float(rule.weights[1]))}＋督促检查×"
            f"{number(float(rule.weights[2]))}（测评得分：好{rule.vote_points[0]}分、较好{rule.vote_points[1]}分、"
            f"一般{rule.vote_points[2]}分、差{rule.vote_points[3]}分的平均），综合得分{number(float(rule.score_floors[0]))}"
            f"分以上为“好”、{number(float(rule.score_floors[1]))}分以上为“较好”、{number(float(rule.score_floors[2]))}"
            "分以上为“一般”，与测评等次取较低者。组织部在“确定等次”中填写的，以填写的为准。")


def _score(result: Result) -> str:
    return number(round(float(result.score), 1)) if result.score is not None else "—"


def summary_blocks(branches: list[BranchOut], results: dict[str, Result], year: int | None,
                   rule: GradeRule) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [(TITLE, f"{f'{year}年度' if year else ''}党支部书记抓基层党建工作述职评议结果")]
    rated = [b for b in branches if b.folder in results]
    counts = {g: sum(1 for b in rated if results[b.folder].grade == g) for g in GRADES}
    said = "，".join(f"“{g}”{counts[g]}名" for g in GRADES if counts[g])
    out.append((BODY, f"本次述职评议的党支部书记{len(branches)}名，已录入测评结果的{len(rated)}名，"
                      f"综合评价等次为{said or '（无）'}。"))
    missing = [b.name for b in branches if b.folder not in results]
    if missing:
        out.append((BODY, f"尚未录入测评结果的：{'、'.join(missing)}。"))
    rows = []
    for index, branch in enumerate(rated, 1):
        r = results[branch.folder]
        grade = r.grade or "—"
        if r.decided and r.decided != r.computed:
            grade += f"\n（按规则为{r.computed}）"
        rows.append([str(index), f"{branch.name}\n{branch.secretary}", str(r.total), *[str(r.votes[g]) for g in GRADES],
                     r.good_share(), _score(r), grade])
    out.append((TABLE, (["序号", "党支部\n书记", "有效票", *GRADES, "好和较好", "综合得分", "等次"], rows,
                        [8, 46, 12, 10, 10, 10, 10, 16, 16, 18])))
    out.append((NOTE, rule_text(rule)))
    return out


def letter_blocks(branch: BranchOut, result: Result, found: list[Problem], deadline: str,
                  year: int | None) -> list[tuple[str, object]]:
    who = branch.secretary or "书记"
    out: list[tuple[str, object]] = [(TITLE, f"关于{branch.name}书记{who}同志{f'{year}年度' if year else ''}"
                                              "抓基层党建工作述职评议情况的反馈意见")]
    out.append((BODY, f"{who}同志："))
    out.append((BODY, "根据党支部书记抓基层党建工作述职评议考核的有关规定，结合平时了解、督促检查、领导点评和现场测评，"
                      "现将你的述职评议情况反馈如下。"))
    out.append((H1, "一、评议等次"))
    text = (f"现场测评有效票{result.total}张，其中“好”{result.votes['好']}张、“较好”{result.votes['较好']}张、"
            f"“一般”{result.votes['一般']}张、“差”{result.votes['差']}张，“好”和“较好”占{result.good_share()}。")
    if result.score is not None:
        text += f"综合得分{_score(result)}分。"
    out.append((BODY, text + f"综合评价等次为“{result.grade}”。"))
    out.append((H1, "二、点评意见"))
    points = [f"{p.title}。{p.text}（依据：{p.basis}）。" for p in found] + [f"{c}。" for c in result.comments]
    if points:
        out += [(BODY, f"{subheading(i)}{p}") for i, p in enumerate(points, 1)]
    else:
        out.append((BODY, "台账的规则检查没有发现问题，评议中没有提出点评意见。"))
    out.append((H1, "三、整改要求"))
    out.append((BODY, f"请对照本支部文件夹中的三张清单（问题清单、责任清单、整改清单），逐项制定整改措施，于{deadline}前"
                      "整改到位，并将整改情况报上级党委。下一年度生成空白台账时（make init PREVIOUS=本支部输出文件夹），"
                      "整改清单会预填为整改台账，请逐项填写完成情况。"))
    superior = str((branch.metrics.get("支部") or {}).get("上级党组织") or "")
    if superior:
        out.append((SIGN, superior))
    return out
