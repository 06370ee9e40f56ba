"""Records: what normalise makes of a branch's ledgers (Ledgers of Records, each with its Source)
and the row accounting of every ledger sheet (Account, one RowFate per row)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from pipeline.core import vocab
from pipeline.core.names import LedgerKind, RowFate

# Issues about the folder as a whole rather than one file.
FOLDER = "（输入文件夹）"
# Every fate a row can have, in the order the accounting table shows them.
OUTCOMES = tuple(RowFate)


class Source(NamedTuple):
    """Where a record came from, as a reviewer finds it in Excel (sorts by file, sheet, row)."""

    file: str
    sheet: str
    row: int  # as Excel numbers it

    def __str__(self) -> str:
        return f"{self.file} / {self.sheet} / {self.row}"

    def where(self) -> str:
        return f"{self.file}「{self.sheet}」第{self.row}行"


@dataclass(slots=True)
class Record:
    """One ledger row as the values of its kind's fields (vocab.Kind.fields), and where it came from."""

    kind: LedgerKind
    values: dict
    src: Source
    approx: frozenset = frozenset()  # columns typed as approximate (`1500余`)
    cells: dict | None = None  # wide dues: month -> cell reference (`E5`), for messages
    columns: dict | None = None  # wide dues: month -> 0-based column index (Issue.col)

    def __getitem__(self, key: str):
        """The field's value, None when blank; a name that is no field of the kind is a defect
        (a typo would otherwise read as blank everywhere), so it raises KeyError."""
        value = self.values.get(key, _ABSENT)
        if value is _ABSENT:
            if key not in _FIELDS[self.kind]:
                raise KeyError(f"{key!r} is not a field of {self.kind} (vocab.Kind.fields)")
            return None
        return value


_ABSENT = object()
_FIELDS = {kind.name: kind.fields for kind in vocab.KINDS}


@dataclass
class Account:
    """Row accounting of one ledger sheet: 读取 = 计入 + 重复 + 合计行 + 非本年度 + 未召开 + 示例 + 出错.

    `skipped` (section headings, the header pasted again, content only in unread columns)
    are not rows of the ledger and not part of 读取; they are shown beside it so that nothing
    leaves the sheet unseen.
    """

    file: str
    sheet: str
    kind: str
    read: int
    counts: dict[RowFate, int]
    skipped: int = 0

    def balanced(self) -> bool:
        return self.read == sum(self.counts.values())

    def line(self) -> str:
        """`读取 12 行 = 计入 10 + 重复 1 + 合计行 1 + 非本年度 0 + 示例 0 + 出错 0`."""
        parts = " + ".join(f"{name} {self.counts[name]}" for name in OUTCOMES)
        text = f"读取 {self.read} 行 = {parts}"
        if self.skipped:
            text += f"（另有 {self.skipped} 行不是数据：标题、分节、重复的表头或只在未识别的列中有内容）"
        return text


@dataclass
class Ledgers:
    """All records of one branch for one report year."""

    year: int
    info: dict = field(default_factory=dict)  # 基本信息 column -> value
    info_src: dict = field(default_factory=dict)  # 基本信息 column -> Source
    records: dict[LedgerKind, list[Record]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # Kinds with rows left out by errors (--keep-going): their rules cannot be judged.
    incomplete: set[LedgerKind] = field(default_factory=set)
    # Tables left out whole: undated, and their name or title names another year.
    excluded: list = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)  # row accounting, one per ledger sheet
    # Per kind, the fields its records can hold in this run (Kind.fields_with its sheets'
    # columns): a field outside it is blank in every record, without looking at them.
    fields: dict[LedgerKind, frozenset[str]] = field(default_factory=dict)
    # Indexes built once from the finished records (activities by type, rules' attendance rows).
    cache: dict = field(default_factory=dict, repr=False)

    def of(self, kind: LedgerKind) -> list[Record]:
        """The records of one ledger kind ([] when the branch has none); any name that is not a
        LedgerKind raises ValueError rather than reading as an empty ledger."""
        if kind.__class__ is not LedgerKind:
            kind = LedgerKind.of(kind)
        return self.records.get(kind, [])

    def activities(self, activity_type: str) -> list[Record]:
        """组织生活台账 records of one canonical type (indexed once; rules ask many times)."""
        return self.by_type().get(activity_type, [])

    def by_type(self) -> dict[str, list[Record]]:
        """组织生活台账 records by canonical type, in ledger order."""
        found = self.cache.get("by_type")
        if found is None:
            found = self.cache["by_type"] = {}
            dates = self.cache["dates"] = {}  # the same, their dates (日期 is required), for days()
            for record in self.of(LedgerKind.ACTIVITIES):
                values = record.values
                found.setdefault(values["类型"], []).append(record)
                dates.setdefault(values["类型"], []).append(values["日期"])
        return found

    def days(self, activity_type: str) -> Counter:
        """How many 组织生活台账 records of one type each date has. Ledgers hold thousands of
        rows on a few hundred days: counts by month, quarter and first day of the month are read
        from here rather than from every row, again for each rule."""
        found = self.cache.setdefault("days", {})
        if activity_type not in found:
            self.by_type()
            found[activity_type] = Counter(self.cache["dates"].get(activity_type, []))
        return found[activity_type]


def is_remit_row(record: Record) -> bool:
    """A dues row recording the remittance (姓名 `上缴`, `已上缴`…), not a member's payments."""
    return str(record.values.get("姓名") or "").startswith(vocab.REMIT_ROWS)
