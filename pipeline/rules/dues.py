"""The 党费 checker: every owed month paid in full and on time, 补交 not too late, and a long run
unpaid told as the 党章 has it (第九条)."""

from __future__ import annotations

from collections import defaultdict

from pipeline.facts.dues import MonthDue, dues_by_month, dues_payments, monthly_standards
from pipeline.facts.membership import roster
from pipeline.reading.records import Ledgers, Source
from pipeline.rules.periods import join, runs
from pipeline.rules.rule import CHARTER, CONSTITUTION, DUES_REGULATIONS, Finding, Found, Rule, RuleSettings, needed


def dues(rule: Rule, cfg: RuleSettings, ledgers: Ledgers) -> list[Found]:
    """Each member with a standard pays every owed month in full and on time: by the month
    itself (按月) or by the end of its quarter (按季度). A 补交 counts for the months it covers;
    one more than `late_months` late is named. Missing `serious_months` running is serious."""
    members = {m["姓名"]: m for m in roster(ledgers)}
    rows: dict[str, list[Source]] = defaultdict(list)
    for name, _, _, src in dues_payments(ledgers):
        rows[name].append(src)
    standards = monthly_standards(ledgers)
    found = []
    branch = cfg.pay_by == "按季度"
    # 党费规定第十二条: 按季度 is an exception the branch approves, per member (名册“党费缴纳方式”)
    # as well as for the whole branch.
    own = {name: "季" in str(m.values.get("党费缴纳方式") or "") if m.values.get("党费缴纳方式") else branch
           for name, m in members.items()}
    modes = {*own.values(), branch}
    monthly = dues_by_month(ledgers, False) if False in modes else {}
    quarterly = dues_by_month(ledgers, True) if True in modes else {}
    for name in dict.fromkeys([*monthly, *quarterly]):
        by_quarter = own.get(name, branch)
        owed = (quarterly if by_quarter else monthly).get(name)
        if owed is None:
            continue
        finding = _finding(name, owed, cfg, by_quarter)
        if finding is None:
            continue
        first = int(finding.involved[0].removesuffix("月"))
        sources = [standards[name][first][1], *rows[name], *([members[name]] if name in members else [])]
        found.append((finding, sources))
    return found


def _due_by(month: int, by_quarter: bool) -> int:
    """The month by whose end a month's dues are to be paid."""
    return (month - 1) // 3 * 3 + 3 if by_quarter else month


def _on_time(due: MonthDue, by_quarter: bool) -> bool:
    return due.settled is not None and due.settled <= _due_by(due.month, by_quarter)


def _months(months: list[int]) -> str:
    """`3月`, `3月、5月`, `3月至6月` (a run of three or more)."""
    parts = []
    for run in runs(months):
        parts += [f"{run[0]}月至{run[-1]}月"] if len(run) >= 3 else [f"{m}月" for m in run]
    return join(parts)


def _finding(name: str, owed: list[MonthDue], cfg: RuleSettings, by_quarter: bool) -> Finding | None:
    """`张某某2月、3月未缴纳党费`; short payments (`少缴`), 补交 more than `late_months` late and
    a run of `serious_months` or more months not paid on time (党章第九条) are told too."""
    missed = [d.month for d in owed if d.unpaid]
    short = [d for d in owed if d.short]
    # month -> the month it was settled in, for 补交 more than `late_months` late
    late = {d.month: d.settled for d in owed
            if d.settled is not None and d.settled - _due_by(d.month, by_quarter) > needed(cfg.late_months)}
    # 党章第九条 is about not paying: a month paid in part is short, not unpaid.
    not_paid = [d.month for d in owed if d.unpaid or (d.settled is not None and not _on_time(d, by_quarter))]
    serious = [run for run in runs(not_paid) if len(run) >= needed(cfg.serious_months)]
    if not (missed or short or late or serious):
        return None
    involved = sorted({*missed, *(d.month for d in short), *late, *(m for r in serious for m in r)})
    # 党费规定第十三条 and 党章第九条 turn on 没有正当理由: the ledgers record no reason, and say so.
    no_reason = "，台账未记载正当理由"
    if len(missed) == len(owed) == 12 and serious:
        note = f"{name}全年未缴纳党费{no_reason}"
    else:
        in_runs = {m for run in serious for m in run}
        parts = []
        others = [m for m in missed if m not in in_runs]
        if others:
            parts.append(f"{join(f'{m}月' for m in others)}未缴纳党费")
        if short:
            parts.append(_short_note([(d.month, d.standard, d.paid) for d in short]))
        for run in serious:
            unpaid = [m for m in run if m in missed]
            if len(unpaid) == len(run):
                parts.append(f"连续{len(run)}个月（{run[0]}月至{run[-1]}月）未缴纳党费")
            else:
                still = f"（其中{_months(unpaid)}至年底仍未缴纳）" if unpaid else ""
                parts.append(f"连续{len(run)}个月（{run[0]}月至{run[-1]}月）未按时缴纳党费{still}")
        by_settled: dict[int, list[int]] = defaultdict(list)
        for month, settled in late.items():
            by_settled[settled].append(month)
        for paid_in, months in by_settled.items():
            parts.append(f"{_months(months)}党费于{paid_in}月补交，超过{cfg.late_months}个月")
        note = name + "，".join(parts) + (no_reason if serious else "")
    # Six months without dues and without a good reason: 党章第九条 and 党费规定第十三条 (the
    # rule's own source, 第十二条, otherwise: check() fills it in).
    source, kind = (f"{CONSTITUTION}第九条；{DUES_REGULATIONS}第十三条", CHARTER) if serious else ("", "")
    return Finding(note, [f"{m}月" for m in involved], name=name, short=bool(short), serious=bool(serious),
                   source=source, source_kind=kind)


def _short_note(under: list[tuple[int, float, float]]) -> str:
    """`3月、4月实缴少于缴纳标准（标准80元，实缴1元）`; several amounts are listed. A standard
    that changed during the year is named with each month (`3月（标准80元，实缴1元）、…`)."""
    from pipeline.core.cnfmt import money

    if len({std for _, std, _ in under}) > 1:
        months = join(f"{m}月（标准{money(std)}元，实缴{money(p)}元）" for m, std, p in under)
        return f"{months}实缴少于缴纳标准"
    standard = under[0][1]
    paid = join(dict.fromkeys(f"{money(p)}元" for _, _, p in under))
    return (f"{join(f'{m}月' for m, _, _ in under)}实缴少于缴纳标准"
            f"（标准{money(standard)}元，实缴{paid}）")
