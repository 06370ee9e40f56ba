"""点评提纲: a branch's problems (its 检查发现 grouped by rule, with 依据 and ledger rows), its
strengths (only a figure above every other branch of the run, the comparison said), and the
共性问题 (a rule failed by many branches) listed once for the 上级书记."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from pipeline.core.cnfmt import number, subheading
from pipeline.evaluation.branches import BranchOut
from pipeline.evaluation.indicators import Figure, cite
from pipeline.evaluation.paper import BODY, H1, NOTE, TABLE, TITLE
from pipeline.evaluation.settings import EvalSettings

MAX_PROBLEMS, MAX_STRENGTHS = 3, 2


@dataclass
class Problem:
    rule_id: str
    rule: str
    basis: str
    texts: list[str]
    rows: list[str] = field(default_factory=list)
    common: bool = False

    @property
    def title(self) -> str:
        return f"未落实“{self.rule}”"

    @property
    def text(self) -> str:
        return "；".join(self.texts)


def problems(branch: BranchOut) -> list[Problem]:
    """Every rule the branch's findings fail, most findings first (each finding once)."""
    grouped: dict[str, Problem] = {}
    for finding in branch.findings:
        key = finding.rule or finding.rule_id
        problem = grouped.setdefault(key, Problem(finding.rule_id, finding.rule, finding.basis, []))
        problem.texts.append(finding.text)
        problem.rows += [r for r in finding.rows if r not in problem.rows]
    return sorted(grouped.values(), key=lambda p: -len(p.texts))


def common_rules(branches: list[BranchOut], config: EvalSettings) -> dict[str, list[BranchOut]]:
    """规则 -> the branches failing it, for rules failed by at least common_min branches and
    common_share of them."""
    failing: dict[str, list[BranchOut]] = {}
    for branch in branches:
        for problem in problems(branch):
            failing.setdefault(problem.rule, []).append(branch)
    need = max(config.common_min, math.ceil(config.common_share * len(branches)))
    return {rule: found for rule, found in failing.items() if len(found) >= need}


def marked(branch: BranchOut, common: dict[str, list[BranchOut]]) -> list[Problem]:
    out = problems(branch)
    for problem in out:
        problem.common = problem.rule in common
    return out


def strengths(branch: BranchOut, figures: dict[str, list[Figure]]) -> list[str]:
    """Sentences for the figures on which the branch is above every other branch with that figure
    (at least two others), the largest lead first."""
    mine = {f.indicator: f for f in figures[branch.folder]}
    found: list[tuple[Fraction, str]] = []
    for name, figure in mine.items():
        if figure.score is None:
            continue
        others = [f for folder, fs in figures.items() if folder != branch.folder
                  for f in fs if f.indicator == name and f.score is not None]
        if len(others) < 2:
            continue
        best = max(others, key=lambda f: f.score or 0)
        assert best.score is not None
        if figure.score > best.score:
            found.append((figure.score - best.score,
                          f"{name}：{figure.text}，在本次评议的{len(others) + 1}个支部中最高"
                          f"（其他{len(others)}个支部最高为{best.shown}）。"))
    return [text for _, text in sorted(found, key=lambda item: -item[0])][:MAX_STRENGTHS]


def outline_blocks(branch: BranchOut, common: dict[str, list[BranchOut]], figures: dict[str, list[Figure]],
                   total: int) -> list[tuple[str, object]]:
    year = branch.year
    who = f"{branch.secretary}同志" if branch.secretary else "书记"
    out: list[tuple[str, object]] = [(TITLE, f"对{branch.name}{who}抓党建工作述职的点评提纲")]
    out.append((BODY, f"供上级党委书记或班子成员在述职评议会上点评时参考。以下问题来自{f'{year}年度' if year else ''}"
                      f"台账的规则检查，亮点来自与本次评议的{total}个支部的比较，每一项都注明依据和台账行，"
                      "点评时可结合平时了解补充。"))
    own = marked(branch, common)
    personal = [p for p in own if not p.common][:MAX_PROBLEMS]
    shared = [p for p in own if p.common]
    out.append((H1, "一、存在的问题"))
    if not own:
        out.append((BODY, "规则检查没有发现问题。点评时可结合平时了解和督促检查情况指出问题。"))
    for index, problem in enumerate(personal, 1):
        out.append((BODY, f"{subheading(index)}{problem.title}。{problem.text}。"))
        out.append((NOTE, f"依据：{problem.basis}。台账：{cite(problem.rows) or '（该项是台账中缺少的记录）'}"))
    if len(own) - len(shared) > MAX_PROBLEMS:
        out.append((NOTE, f"另有{len(own) - len(shared) - MAX_PROBLEMS}类问题见本支部的三张清单。"))
    if shared:
        names = "、".join(f"“{p.rule}”（{'；'.join(p.texts)}）" for p in shared)
        out.append((BODY, f"{subheading(len(personal) + 1)}共性问题。本支部也未落实{names}，"
                          "这是本次评议多数支部共有的问题，统一见《述职评议共性问题》，点评时可一并指出。"))
    out.append((H1, "二、值得肯定的方面"))
    good = strengths(branch, figures)
    if good:
        out += [(BODY, f"{subheading(i)}{text}") for i, text in enumerate(good, 1)]
    else:
        out.append((BODY, "与本次评议的其他支部相比，测评参考的各项指标没有明显高出的，不作肯定性点评。"))
    out.append((H1, "三、测评参考"))
    rows = [[f.indicator, f.text, cite(f.rows) or "—"] for f in figures[branch.folder]]
    out.append((TABLE, (["指标", "数字", "台账行"], rows, [22, 56, 78])))
    return out


def common_blocks(common: dict[str, list[BranchOut]], branches: list[BranchOut], year: int | None,
                  config: EvalSettings) -> list[tuple[str, object]]:
    """The 共性问题 once for the 上级书记: each rule, its 依据, every branch failing it with rows."""
    out: list[tuple[str, object]] = [(TITLE, f"{f'{year}年度' if year else ''}党支部书记抓党建工作述职评议共性问题")]
    need = max(config.common_min, math.ceil(config.common_share * len(branches)))
    out.append((BODY, f"本次评议{len(branches)}个党支部。同一条规则有{need}个及以上支部未落实的，列为共性问题"
                      f"（不少于{number(float(config.common_share * 100))}%的支部且不少于{config.common_min}个），"
                      "供上级党委书记点评时统一指出；各支部的个性问题见各支部的点评提纲。"))
    if not common:
        out.append((BODY, "本次评议没有共性问题。"))
        return out
    for index, (rule, found) in enumerate(common.items(), 1):
        first = next(p for p in problems(found[0]) if p.rule == rule)
        out.append((H1, f"{subheading(index)}未落实“{rule}”（{len(found)}个支部）"))
        out.append((BODY, f"依据：{first.basis}。"))
        rows = []
        for branch in found:
            problem = next(p for p in problems(branch) if p.rule == rule)
            rows.append([branch.name, problem.text, cite(problem.rows) or "—"])
        out.append((TABLE, (["党支部", "情况", "台账行"], rows, [34, 62, 60])))
    return out
