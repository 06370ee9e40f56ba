"""Aggregate: records -> the figures of metrics.json, each with the rows it came from."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from pipeline.core import vocab
from pipeline.core.names import LedgerKind
from pipeline.core.values import split_names
from pipeline.core.variables import Section
from pipeline.facts.dues import dues_gaps, dues_payments, dues_remittance, dues_short, monthly_standards, months_due
from pipeline.facts.membership import full_members, membership, memberships, roster, year_end_members, year_members
from pipeline.reading.records import Ledgers, Record, Source

ACTIVITY_NAMES = [*vocab.ACTIVITY_TYPES, vocab.OTHER_ACTIVITY]
SPEAKER_NAMES = [*vocab.SPEAKER_CATEGORIES, vocab.UNSPECIFIED_SPEAKER]


class Provenance:
    """Dotted metric key -> the rows it was computed from (records or sources).

    Rows are only collected here; de-duplicating, sorting and formatting them as
    `file / sheet / row` waits for as_dict(), which only a report run needs.
    """

    def __init__(self) -> None:
        self._rows: dict[str, list] = defaultdict(list)

    def add(self, key: str, sources) -> None:
        self._rows[key].extend(sources)

    def sources(self, key: str) -> list[Source]:
        return sorted({s.src if isinstance(s, Record) else s for s in self._rows.get(key, ())})

    def as_dict(self, metrics: dict | None = None) -> dict[str, list[str]]:
        """Sorted mapping; with `metrics`, every figure's key is present, empty when no row."""
        keys = set(self._rows)
        if metrics is not None:
            keys |= set(_leaf_keys(metrics))
        return {k: [str(s) for s in self.sources(k)] for k in sorted(keys)}


def _leaf_keys(data: dict, prefix: str = ""):
    """Dotted keys down to figures; lists and 按月-style tables stop the descent."""
    for key, value in data.items():
        if key in ("检查规则", "同比"):
            continue  # settings from pipeline.toml / last year's figures, not computed from these rows
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key not in ("按月",) and not prefix.startswith("其他事项"):
            yield from _leaf_keys(value, path + ".")
        else:
            yield path


def whole(number):
    """JSON integers where the value is whole; money to 2 decimals at most."""
    if number is None:
        return None
    number = round(float(number), 2)
    return int(number) if number.is_integer() else number


def aggregate(ledgers: Ledgers, dues_by_quarter: bool | None = None) -> tuple[dict, Provenance]:
    """Every figure of metrics.json (README: 可以使用的变量; 检查发现 and 校验 are filled by later
    stages); `dues_by_quarter` lays 党费 payments on their quarter's months (the 党费 rule's 缴纳方式)."""
    prov = Provenance()
    metrics = {
        Section.YEAR: ledgers.year,
        Section.BRANCH: _branch(ledgers, prov),
        Section.MEMBERS: _members(ledgers, prov),
        Section.ACTIVITIES: _activities(ledgers, prov),
        Section.THEME_DAYS: _theme_days(ledgers, prov),
        Section.LESSONS: _lessons(ledgers, prov),
        Section.TALKS: _talks(ledgers, prov),
        Section.STUDY: _study(ledgers, prov),
        Section.DUES: _dues(ledgers, prov, dues_by_quarter),
        Section.SUBMISSIONS: _submissions(ledgers, prov),
        Section.ASSISTANCE: _assistance(ledgers, prov),
        Section.OTHERS: _others(ledgers, prov),
        Section.MEASURES: _measures(ledgers, prov),
        Section.MEASURE_TITLES: _section_titles(ledgers, prov),
        Section.PROBLEMS: _items(ledgers, prov, "问题"),
        Section.CAUSES: _items(ledgers, prov, "原因"),
        Section.PLANS: _plans(ledgers, prov),
        Section.FINDINGS: [],
        Section.RULES: {},
        Section.VALIDATION: {"错误": 0, "警告": 0},
    }
    if "年度" in ledgers.info_src:
        prov.add("年度", [ledgers.info_src["年度"]])
    return metrics, prov


def _branch(ledgers: Ledgers, prov: Provenance) -> dict:
    out = {}
    for key, column in (("名称", "党支部名称"), ("书记", "支部书记"), ("上级党组织", "上级党组织"),
                        ("报告日期", "报告日期")):
        value = ledgers.info.get(column, "")
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
        if column in ledgers.info_src:
            prov.add(f"支部.{key}", [ledgers.info_src[column]])
    return out


def _members(ledgers: Ledgers, prov: Provenance) -> dict:
    members = year_end_members(ledgers)
    full = full_members(ledgers)
    probation = [m for m in members if m["人员类别"] == "预备党员"]
    joined, left, changes = [], [], []
    for member in roster(ledgers):
        span = membership(member, ledgers.year)
        if span.joined:
            joined.append(member)
            moved_in = member["转入时间"]
            when = moved_in if moved_in and moved_in[0] == ledgers.year else member["入党时间"]
            changes.append({"姓名": member["姓名"], "变动": vocab.JOINING_STATUS if when is moved_in else "入党",
                            "年月": _year_month(when)})
        if span.left:
            left.append(member)
            status = member["状态"]
            changes.append({"姓名": member["姓名"], "变动": "转出" if status == vocab.JOINING_STATUS else status,
                            "年月": _year_month(member["转出时间"])})
    prov.add("党员.总数", members)
    prov.add("党员.正式党员", full)
    prov.add("党员.预备党员", probation)
    admitted = [m for m in roster(ledgers) if m["入党时间"] and m["入党时间"][0] == ledgers.year]
    activists = ledgers.of(LedgerKind.ACTIVISTS)
    named = [a for a in activists if a["确定时间"] and a["确定时间"][0] == ledgers.year]
    prov.add("党员.新发展党员", admitted)
    prov.add("党员.入党积极分子", activists)
    prov.add("党员.本年确定积极分子", named)
    prov.add("党员.增加", joined)
    prov.add("党员.减少", left)
    prov.add("党员.变动", [*joined, *left])
    return {"总数": len(members), "正式党员": len(full), "预备党员": len(probation),
            "增加": len(joined), "减少": len(left), "变动": changes,
            "新发展党员": len(admitted), "入党积极分子": len(activists), "本年确定积极分子": len(named)}


def _year_month(when) -> str:
    return f"{when[0]}年{when[1]}月" if when else ""


def _activities(ledgers: Ledgers, prov: Provenance) -> dict:
    counts = {name: 0 for name in ACTIVITY_NAMES}
    monthly = {name: [0] * 12 for name in ACTIVITY_NAMES}
    for kind, records in ledgers.by_type().items():
        counts[kind] = len(records)
        months = monthly[kind]
        for day, n in ledgers.days(kind).items():
            if day.year == ledgers.year:  # a meeting held next year for this year has no month here
                months[day.month - 1] += n
        prov.add(f"组织生活.{kind}", records)
    prov.add("组织生活.按月", ledgers.of(LedgerKind.ACTIVITIES))
    return {**counts, "按月": monthly}


def _theme_days(ledgers: Ledgers, prov: Provenance) -> dict:
    """Days each 主题党日 was held, per month (the appendix shows them), and who led study."""
    rows = ledgers.activities("主题党日")
    days: list[list[int]] = [[] for _ in range(12)]
    led: list[Record] = []  # rows naming who led the study (主讲人)
    people: dict[str, int] = {}  # people per 主讲人 cell; the same leaders recur all year
    for day, n in ledgers.days("主题党日").items():
        days[day.month - 1].extend([day.day] * n)
    for record in rows:
        if leader := record.values.get("主讲人"):
            led.append(record)
            if leader not in people:
                people[leader] = len(split_names(leader))
    prov.add("主题党日.举办日", rows)
    prov.add("主题党日.领学次数", led)
    prov.add("主题党日.每次一人领学", led)
    return {"举办日": [sorted(d) for d in days], "领学次数": len(led),
            "每次一人领学": bool(led) and all(n == 1 for n in people.values())}


def lessons(ledgers: Ledgers) -> list[Record]:
    return ledgers.activities("党课")


def _lessons(ledgers: Ledgers, prov: Provenance) -> dict:
    rows = lessons(ledgers)
    by_speaker: dict[str, list[Record]] = defaultdict(list)
    for record in rows:
        by_speaker[record.values.get("主讲人类别") or vocab.UNSPECIFIED_SPEAKER].append(record)
    out = {"总数": len(rows), **{name: 0 for name in SPEAKER_NAMES}}
    for speaker, records in by_speaker.items():
        out[speaker] = len(records)
        prov.add(f"党课.{speaker}", records)
    prov.add("党课.总数", rows)
    return out


def talk_records(ledgers: Ledgers) -> list[Record]:
    """Rows of 谈心谈话记录 plus 组织生活台账 rows of type 谈心谈话."""
    return [*ledgers.of(LedgerKind.TALKS),
            *ledgers.activities("谈心谈话")]


def secretary(ledgers: Ledgers) -> str:
    return ledgers.info.get("支部书记", "")


def _talks(ledgers: Ledgers, prov: Provenance) -> dict:
    records = talk_records(ledgers)
    prov.add("谈心谈话.次数", records)
    names = [m["姓名"] for m in roster(ledgers)]
    talked: dict[str, list[Record]] = defaultdict(list)
    for record in ledgers.of(LedgerKind.TALKS):
        for name in record["谈话对象"] or ():
            talked[name].append(record)
    covered = [n for n in names if n in talked]
    for name in covered:
        prov.add("谈心谈话.覆盖党员", talked[name])
    # Expected at talks: the members still in the branch at year end (one who left is not).
    expected = [m["姓名"] for m in year_end_members(ledgers)]
    missing = [n for n in dict.fromkeys(expected) if n not in talked and n != secretary(ledgers)]
    prov.add("谈心谈话.未覆盖党员", [m for m in roster(ledgers) if m["姓名"] in missing])
    return {"次数": len(records), "覆盖党员": len(covered), "未覆盖党员": missing}


def _study(ledgers: Ledgers, prov: Provenance) -> dict:
    checks = ledgers.of(LedgerKind.STUDY)
    words = sum(r["学习笔记"] or 0 for r in checks)
    essays = sum(r["心得体会"] or 0 for r in checks)
    # Per member of the year: a member who left mid-year wrote part of the sum (with no
    # change in the roster this is 党员.总数).
    people = year_members(ledgers)
    members = len(people)
    occasions = check_occasions(ledgers)
    for key in ("笔记总字数", "人均笔记字数", "心得体会总篇数", "人均心得体会篇数", "检查次数"):
        prov.add(f"学习.{key}", checks)
    if members:
        prov.add("学习.人均笔记字数", people)
        prov.add("学习.人均心得体会篇数", people)
    return {
        "笔记总字数": whole(words),
        "人均笔记字数": int(_round_half_up(words / members)) if members else None,
        "心得体会总篇数": whole(essays),
        "人均心得体会篇数": whole(_round_half_up(essays / members, 1)) if members else None,
        "检查次数": sum(len(days) for days in occasions.values()),
    }


def check_occasions(ledgers: Ledgers) -> dict[int, set]:
    """Study-note checks per quarter: distinct 检查日期, or the 季度 where no date was given."""
    occasions: dict[int, set] = defaultdict(set)
    for r in ledgers.of(LedgerKind.STUDY):
        if r["检查日期"] is not None:
            occasions[(r["检查日期"].month - 1) // 3 + 1].add(r["检查日期"])
        elif r["季度"] is not None:
            occasions[r["季度"]].add(("季度", r["季度"]))
    return occasions


def _round_half_up(value: float, digits: int = 0) -> float:
    """Round as people do (2.5 -> 3), not banker's rounding."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def _dues(ledgers: Ledgers, prov: Provenance, by_quarter: bool | None = None) -> dict:
    standards = monthly_standards(ledgers)
    monthly = [0.0] * 12
    for _, month, amount, src in dues_payments(ledgers):
        monthly[month - 1] += amount
        prov.add("党费.实缴总额", [src])
        prov.add("党费.按月", [src])
    # 应缴 counts the same months 欠缴 does: the months of membership, at each month's standard.
    owed = months_due(ledgers)
    due = sum(standards[name][m][0] for name, months in owed.items() for m in months) if standards else None
    prov.add("党费.应缴总额", [src for months in standards.values() for _, src in months.values()])
    arrears = []
    for name, (missed, src) in dues_gaps(ledgers, by_quarter).items():
        arrears += [{"姓名": name, "月份": month} for month in missed]
        prov.add("党费.欠缴", [src])
    short = []
    for name, (months, src) in dues_short(ledgers, by_quarter).items():
        short += [{"姓名": name, "月份": m, "应缴": whole(std), "实缴": whole(paid)} for m, std, paid in months]
        prov.add("党费.少缴", [src])
    # Members on the roster the dues ledgers do not list at all: nothing shows they paid.
    # Only members who owe dues here for some month of the year (not one who left before it).
    payers = {name for name, _, _, _ in dues_payments(ledgers)}
    spans = memberships(ledgers)
    unlisted = [m["姓名"] for m in roster(ledgers) if m["姓名"] not in standards and m["姓名"] not in payers
                and spans[m["姓名"]].dues]
    prov.add("党费.未列入", [m for m in roster(ledgers) if m["姓名"] in unlisted])
    # 足额: a standard is known, every roster member is listed, every member-month owed paid in full.
    full = bool(owed) and not arrears and not short and not unlisted
    prov.add("党费.足额", [src for months in standards.values() for _, src in months.values()])
    marked, unmarked, remitted = dues_remittance(ledgers)
    paid_total = sum(monthly)
    # 已全部上缴: the ledger records remittance for every row with payments, or 上缴 amounts
    # (rows named 上缴, amounts in a 上缴 column) reach what was collected.
    handed_on = paid_total > 0 and (remitted >= paid_total - 0.005 or (bool(marked) and not unmarked))
    prov.add("党费.已全部上缴", [r.src for r in marked])
    return {
        "实缴总额": whole(paid_total),
        "应缴总额": whole(due),
        "按月": [whole(m) for m in monthly],
        "欠缴": arrears,
        "少缴": short,
        "未列入": unlisted,
        "足额": full,
        "上缴总额": whole(remitted) if remitted else None,
        "已全部上缴": handed_on,
    }


def adopted(record: Record) -> bool:
    """是否采用 says yes, or a 采用级别 is filled (README: 各台账填什么, 信息报送台账)."""
    return bool(record["是否采用"]) or bool(record["采用级别"])


def _submissions(ledgers: Ledgers, prov: Provenance) -> dict:
    records = ledgers.of(LedgerKind.SUBMISSIONS)
    chosen = [r for r in records if adopted(r)]
    levels = {name: 0 for name in vocab.LEVELS}
    for record in chosen:
        for level in record["采用级别"] or ():
            levels[level] += 1
            prov.add(f"信息报送.按级别.{level}", [record])
    prov.add("信息报送.报送篇数", records)
    prov.add("信息报送.采用篇数", chosen)
    return {"报送篇数": len(records), "采用篇数": len(chosen), "按级别": levels}


def _assistance(ledgers: Ledgers, prov: Provenance) -> list[dict]:
    merged: dict[tuple, dict] = {}
    for record in ledgers.of(LedgerKind.ASSISTANCE):
        key = (record["对象"], record["事项"], record["单位"])
        item = merged.setdefault(key, {"对象": key[0], "事项": key[1], "数量": 0, "单位": key[2],
                                       "约数": False})
        item["数量"] += record["数量"]
        item["约数"] = item["约数"] or "数量" in record.approx
        prov.add(f"帮扶.{list(merged).index(key)}", [record])
        prov.add("帮扶", [record])
    for item in merged.values():
        item["数量"] = whole(item["数量"])
    return list(merged.values())


def _others(ledgers: Ledgers, prov: Provenance) -> dict:
    out: dict[str, dict] = {}
    for record in ledgers.of(LedgerKind.OTHER):
        out[record["事项"]] = {"数量": whole(record["数量"]), "单位": record["单位"] or "",
                             "约数": "数量" in record.approx}
        prov.add(f"其他事项.{record['事项']}", [record])
    return out


def _measures(ledgers: Ledgers, prov: Provenance) -> dict[str, list[str]]:
    """工作举措 by 板块, each 板块's measures in ledger order (the secretary's own words)."""
    out: dict[str, list[str]] = {name: [] for name in vocab.SECTIONS}
    for record in ledgers.of(LedgerKind.MEASURES):
        out[record["板块"]].append(record["内容"])
        prov.add(f"工作举措.{record['板块']}", [record])
    return out


def _section_titles(ledgers: Ledgers, prov: Provenance) -> dict[str, str]:
    """工作举措.小标题: the heading a 板块 is given in the report (first one typed), else ""."""
    out = {name: "" for name in vocab.SECTIONS}
    for record in ledgers.of(LedgerKind.MEASURES):
        if record["小标题"] and not out[record["板块"]]:
            out[record["板块"]] = record["小标题"].strip().rstrip("。；;，,.")
            prov.add(f"工作举措小标题.{record['板块']}", [record])
    return out


def _items(ledgers: Ledgers, prov: Provenance, kind: str) -> list[dict]:
    records = [r for r in ledgers.of(LedgerKind.PROBLEMS) if r["类型"] == kind]
    prov.add(kind, records)
    return [{"标题": r["标题"], "内容": r["内容"] or ""} for r in records]


def _plans(ledgers: Ledgers, prov: Provenance) -> list[dict]:
    records = ledgers.of(LedgerKind.TASKS)
    prov.add("打算", records)
    return [{"标题": r["标题"], "内容": r["内容"] or ""} for r in records]
