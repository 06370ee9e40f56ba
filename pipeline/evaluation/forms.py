"""述职评议测评表 (.docx, to print): one row per secretary, 好/较好/一般/差 boxes, and a 测评参考
line of the chosen indicators, each a figure with the ledger sheet it comes from."""

from __future__ import annotations

from pipeline.evaluation.branches import BranchOut
from pipeline.evaluation.indicators import Figure
from pipeline.evaluation.paper import BODY, BOX, NOTE, TABLE, TITLE
from pipeline.evaluation.settings import GRADES


def _sheets(rows: list[str]) -> str:
    names = dict.fromkeys(ref.split(" / ")[1] for ref in rows if ref.count(" / ") >= 2)
    return "、".join(names)


def reference_line(figures: list[Figure]) -> str:
    lines = []
    for figure in figures:
        where = _sheets(figure.rows)
        lines.append(f"{figure.indicator}：{figure.text}" + (f"（{where}）" if where else ""))
    return "\n".join(lines)


def form_blocks(branches: list[BranchOut], figures: dict[str, list[Figure]], year: int | None,
                superior: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = [(TITLE, f"{f'{year}年度' if year else ''}党支部书记抓基层党建工作述职评议测评表")]
    out.append((BODY, f"评议单位：{superior or '＿＿＿＿＿＿＿＿'}　　评议人身份：{BOX}上级党委班子成员　{BOX}党员代表　"
                      f"{BOX}群众代表　{BOX}其他"))
    out.append((BODY, "填表说明：请在每名书记对应等次的“□”内打“√”，每人只选一个等次，多选或不选的视为无效。"
                      "测评参考摘自各支部台账的统计，括号内是数字所依据的台账表，具体行见各支部的点评提纲。"))
    rows = []
    for index, branch in enumerate(branches, 1):
        who = f"{branch.name}\n{branch.secretary}" if branch.secretary else branch.name
        rows.append([str(index), who, reference_line(figures[branch.folder]), *[BOX] * len(GRADES)])
    out.append((TABLE, (["序号", "党支部\n书记", "测评参考", *GRADES], rows, [10, 32, 70, 11, 11, 11, 11])))
    out.append((NOTE, "等次：好、较好、一般、差。测评表不记名，请于会后当场交回。"))
    return out
