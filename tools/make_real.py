"""Save the sample ledgers through LibreOffice as .xlsx, .xls and .ods into tests/data/real/.

The committed files are what LibreOffice itself writes (styles, shared strings, the .xls
BIFF8 format, ODF cells), not what openpyxl/xlwt/pandas write, so tests read workbooks as an
office suite saves them. The sample's CSV (GBK) is imported as text-encoded UTF-8 first.
Needs soffice (LibreOffice); run after `make sample` changes inputs/, then `make test`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "real"
FORMATS = ("xlsx", "xls", "ods")


def convert(source: Path, target: Path, fmt: str, profile: Path, infilter: str | None = None) -> None:
    command = ["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", fmt, "--outdir", str(target), str(source)]
    if infilter:
        command[2:2] = [f"--infilter={infilter}"]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    if not (target / f"{source.stem}.{fmt}").is_file():
        raise SystemExit(f"LibreOffice did not write {source.stem}.{fmt}")


def main() -> int:
    if shutil.which("soffice") is None:
        print("需要 LibreOffice（soffice）", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        profile, utf8 = Path(tmp) / "profile", Path(tmp) / "csv"
        utf8.mkdir()
        for fmt in FORMATS:
            target = OUT / fmt
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for source in sorted((ROOT / "inputs").iterdir()):
                if source.suffix == ".xlsx":
                    convert(source, target, fmt, profile)
                elif source.suffix == ".csv":
                    text = source.read_bytes().decode("gb18030")
                    (utf8 / source.name).write_text(text, encoding="utf-8")
                    # 44: comma, 34: double quote, 76: UTF-8, 1: start at row 1
                    convert(utf8 / source.name, target, fmt, profile, infilter="CSV:44,34,76,1")
            print(f"{target}: {', '.join(p.name for p in sorted(target.iterdir()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
