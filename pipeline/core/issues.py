"""Data problems as records: collected, never raised one at a time, never swallowed."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.core.names import IssueCode, Name


class Severity(Name):
    """How much an issue matters; its value is the word every report shows (`[错误] …`)."""

    ERROR = "错误"
    WARNING = "警告"
    # Worth knowing, nothing to correct (hidden sheets and rows that were counted): listed in
    # the validation report, never counted as an error or a warning.
    INFO = "提示"


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Issue:
    """One problem found in the inputs, located as precisely as Excel shows it."""

    severity: Severity
    file: str
    reason: str
    action: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    col: int | None = None  # 0-based index of the offending cell in its row (None: the whole row)
    # The stable kind of problem (a str enum, so "bad-date" in any JSON or test); every issue has one.
    code: IssueCode = field(kw_only=True)

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"「{self.column}」列")
        return "，".join(parts)

    def message(self) -> str:
        """One line for the console and the validation report."""
        text = f"[{self.severity}] {self.location()}："
        if self.value not in (None, ""):
            text += f"值「{self.value}」"
        text += self.reason
        if self.action:
            text += f"。{self.action}"
        if not text.endswith(("。", "！", "？")):
            text += "。"
        return text


@dataclass
class IssueLog:
    """Collects issues in the order found; the pipeline reads the counts at the end."""

    items: list[Issue] = field(default_factory=list)

    def add(self, severity: Severity, file: str, reason: str, action: str = "", *, code: IssueCode, sheet=None,
            row=None, column=None, value=None, col: int | None = None) -> None:
        """Record one issue; `code` is required, and a severity or code that is no member is
        refused (ValueError) rather than kept as a kind no summary knows."""
        if value is not None and not isinstance(value, str):
            value = _show(value)
        self.items.append(Issue(Severity(severity), file, reason, action, sheet, row, column, value, col,
                                code=IssueCode(code)))

    def error(self, file: str, reason: str, action: str = "", *, code: IssueCode, **where) -> None:
        self.add(ERROR, file, reason, action, code=code, **where)

    def warning(self, file: str, reason: str, action: str = "", *, code: IssueCode, **where) -> None:
        self.add(WARNING, file, reason, action, code=code, **where)

    def info(self, file: str, reason: str, action: str = "", *, code: IssueCode, **where) -> None:
        self.add(INFO, file, reason, action, code=code, **where)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.items if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.items if i.severity == WARNING]

    @property
    def infos(self) -> list[Issue]:
        return [i for i in self.items if i.severity == INFO]

    def counts(self) -> dict[str, int]:
        return {"错误": len(self.errors), "警告": len(self.warnings)}


def _show(value) -> str:
    """Render a cell value the way the user typed it (no trailing .0 on whole numbers)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
