"""rows.json: every counted ledger row as one line of text, for `diff` to name the rows behind a
changed figure."""

from __future__ import annotations

from pipeline.core import vocab

ROWS_JSON = "rows.json"

def _cell_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value) \
            and 1000 < value[0] < 3000:
        return f"{value[0]}-{value[1]:02d}"  # a year-month
    if isinstance(value, (tuple, list, set, frozenset)):
        return "、".join(_cell_text(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}月{_cell_text(v)}" if isinstance(k, int) else f"{k}{_cell_text(v)}"
                        for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_DERIVED = frozenset(vocab.KEY_FIELDS) - {"时刻"}  # a time of day was typed with the date: it stays


def row_contents(ledgers) -> dict[str, str]:
    """rows.json: every counted ledger row in one line (`列：值；…`), keyed as provenance.json
    keys its rows, so `diff` can tell a row that moved from one that changed."""
    out = {}
    for records in ledgers.records.values():
        for record in records:
            # Only what was typed in the ledger's columns: vocab.KEY_FIELDS are derived for the
            # duplicate check (the 期间 of a sheet, a wide dues row's months) and not row content.
            out[str(record.src)] = "；".join(f"{k}：{_cell_text(v)}" for k, v in record.values.items()
                                            if k not in _DERIVED and _cell_text(v))
    for column, src in ledgers.info_src.items():
        text = _cell_text(ledgers.info.get(column))
        key = str(src)
        out[key] = (out[key] + "；" if key in out else "") + f"{column}：{text}"
    return dict(sorted(out.items()))
