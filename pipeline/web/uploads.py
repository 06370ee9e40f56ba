"""Uploaded files and zips into a version's inputs folder, bounded and flattened.

A zip's members are stored by their file name alone (a branch's ledgers are one folder), so no
member can reach outside the folder; `..`, absolute paths, nested zips, too many members or too
many bytes refuse the whole upload. Anything else the readers judge, exactly as for the CLI.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings

# What the readers take (pipeline.reading.readers.SPREADSHEET_SUFFIXES; tests/web checks they agree).
LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".et", ".ett")
SKIPPED = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
CHUNK = 1024 * 1024


class Refused(Exception):
    """The upload is refused as a whole; the message says why, in Chinese."""


def _plain_name(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name.strip()


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name; zips made by Windows' own 压缩 use GBK without saying so."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def save(uploaded, target: Path) -> tuple[list[dict], list[str]]:
    """Write every uploaded file (zips unpacked) into `target`: (files kept, names ignored)."""
    if not uploaded:
        raise Refused("没有选择文件。请选择台账文件（可多选），或一个 .zip 压缩包。")
    if len(uploaded) > settings.PORTAL_MAX_FILES:
        raise Refused(f"一次最多上传 {settings.PORTAL_MAX_FILES} 个文件，本次选择了 {len(uploaded)} 个。")
    if sum(f.size for f in uploaded) > settings.PORTAL_MAX_UPLOAD_BYTES:
        raise Refused(f"上传的文件合计超过 {settings.PORTAL_MAX_UPLOAD_BYTES // (1024 * 1024)} MB 的上限。")
    found: dict[str, bytes | object] = {}
    ignored: list[str] = []
    for f in uploaded:
        name = _plain_name(f.name)
        if name.lower().endswith(".zip"):
            unzip(f, name, found, ignored)
        else:
            _take(name, f, found, ignored)
    if not found:
        raise Refused("上传的文件中没有台账（支持 " + "、".join(LEDGER_SUFFIXES) + " 文件或含有它们的 .zip）。")
    target.mkdir(parents=True, exist_ok=True)
    kept = []
    for name, content in sorted(found.items()):
        with open(target / name, "xb") as out:
            if isinstance(content, bytes):
                out.write(content)
            else:
                for chunk in content.chunks(CHUNK):  # type: ignore[attr-defined]
                    out.write(chunk)
        kept.append({"name": name, "size": (target / name).stat().st_size})
    return kept, ignored


def _take(name: str, content, found: dict, ignored: list[str]) -> None:
    if not name or name.startswith((".", "~$")) or name.lower() in SKIPPED:
        return
    if not name.lower().endswith(LEDGER_SUFFIXES):
        ignored.append(name)
        return
    if name in found:
        raise Refused(f"有两个文件都叫「{name}」（可能一个在压缩包里），请只保留一个再上传。")
    found[name] = content


def unzip(f, zip_name: str, found: dict, ignored: list[str]) -> None:
    try:
        archive = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, OSError):
        raise Refused(f"「{zip_name}」不是有效的 .zip 压缩包，或已损坏。") from None
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        if len(members) > settings.PORTAL_MAX_ZIP_MEMBERS:
            raise Refused(f"「{zip_name}」中有 {len(members)} 个文件，超过 {settings.PORTAL_MAX_ZIP_MEMBERS} 个的上限。")
        if sum(i.file_size for i in members) > settings.PORTAL_MAX_UNZIPPED_BYTES:
            raise Refused(f"「{zip_name}」解压后超过 {settings.PORTAL_MAX_UNZIPPED_BYTES // (1024 * 1024)} MB 的上限。")
        budget = settings.PORTAL_MAX_UNZIPPED_BYTES
        for info in members:
            path = _zip_name(info).replace("\\", "/")
            parts = PurePosixPath(path).parts
            if path.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
                raise Refused(f"「{zip_name}」中的「{path}」指向压缩包以外的位置，整个压缩包未被接受。")
            if "__MACOSX" in parts:
                continue
            name = _plain_name(path)
            if name.lower().endswith(".zip"):
                raise Refused(f"「{zip_name}」中还有压缩包「{name}」，请解压后再上传。")
            if not name.lower().endswith(LEDGER_SUFFIXES):
                if name and not name.startswith(".") and name.lower() not in SKIPPED:
                    ignored.append(name)
                continue
            data = _read_bounded(archive, info, budget, zip_name)
            budget -= len(data)
            _take(name, data, found, ignored)


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, zip_name: str) -> bytes:
    """A member's bytes, stopping at the budget whatever its header claims."""
    parts, total = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                total += len(chunk)
                if total > budget:
                    raise Refused(f"「{zip_name}」解压后超过 {settings.PORTAL_MAX_UNZIPPED_BYTES // (1024 * 1024)} MB 的上限。")
                parts.append(chunk)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise Refused(f"「{zip_name}」中的「{info.filename}」无法解压（{type(exc).__name__}），可能已损坏或加了密码。") from None
    return b"".join(parts)
