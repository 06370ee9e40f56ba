"""Writing outputs atomically and deterministically (temp file in the same folder, then rename)."""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

VALIDATION_XLSX = "校验报告.xlsx"  # written by pipeline.workbooks; named here so the CLI need not load openpyxl


def _file_mode() -> int:
    """The mode an ordinary new file gets here (mkstemp's own 0600 would hide outputs from others)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_MODE = _file_mode()


def write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` in one step, so a failed run never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".~tmp-", dir=path.parent)
    try:
        os.chmod(temp, _MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def dumps_json(data) -> str:
    """Sorted keys, UTF-8, 2-space indent: byte-identical for identical data."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def safe_filename(name: str) -> str:
    """A file name Windows accepts: no reserved characters, no trailing dots or spaces."""
    cleaned = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in name)
    return cleaned.strip(" .") or "报告"


FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def deterministic_zip(data: bytes, stamp: str = "2000-01-01T00:00:00Z") -> bytes:
    """Rewrite an OOXML zip (.docx/.xlsx) with fixed entry times and fixed created/modified
    properties, keeping entry order, so identical content gives identical bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    return fixed_zip(entries, stamp)


def fixed_zip(entries: list[tuple[str, bytes]], stamp: str = "2000-01-01T00:00:00Z") -> bytes:
    """A zip of (name, bytes) entries in the given order, fixed times, fixed core properties."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            if name == "docProps/core.xml":
                content = _CORE_TIMES.sub(rb"\g<1>" + stamp.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return buffer.getvalue()
