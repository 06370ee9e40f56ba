"""What a run wrote into an output folder (生成记录.json: file name -> sha256), and the rule that
keeps a user's edit: a file the run cannot prove it wrote is set aside as （修改稿）, never
overwritten — whatever the manifest says, since a manifest can be missing, damaged or rewritten."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from pipeline.core.outputs import dumps_json, move, write_bytes

MANIFEST = "生成记录.json"


def read_manifest(folder: Path) -> dict[str, str]:
    """What the last run wrote here: file name -> sha256 (empty when none or unreadable)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep_edited(path: Path, new: bytes, manifest: dict[str, str],
                proven: Callable[[bytes], bool] | None = None) -> str | None:
    """Set `path` aside as （修改稿） unless the run can prove it wrote it; the notice to show, if any.

    Proof is the bytes themselves: equal to what is about to be written, or to what `proven`
    re-renders (the report: from the metrics.json beside it), or — for files no rendering can
    reproduce — the sha256 the manifest recorded."""
    if not path.is_file():
        return None
    data = path.read_bytes()
    if data == new:
        return None
    ok = proven(data) if proven is not None else manifest.get(path.name) == digest(data)
    if ok:
        return None
    n = 1
    while (backup := path.with_name(f"{path.stem}（修改稿{n if n > 1 else ''}）{path.suffix}")).exists():
        n += 1
    move(path, backup)
    manifest.pop(path.name, None)
    return (f"注意：{path.name} 在上次生成后有改动（或不是本程序生成的），已另存为 {backup.name}，"
            "请把其中的修改合并到新文件中。")


def write_manifest(folder: Path, manifest: dict[str, str], written: dict[str, bytes]) -> bytes:
    """Record `written` (name -> bytes) in the folder's manifest (earlier entries kept); its bytes."""
    manifest.update({name: digest(data) for name, data in written.items()})
    data = dumps_json(manifest).encode("utf-8")
    write_bytes(folder / MANIFEST, data)
    return data
