"""Writing outputs atomically and deterministically (temp file in the same folder, then rename)."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import signal
import sys
import tempfile
import threading
import zipfile
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path

from pipeline.core.errors import OutputError, UsageError

VALIDATION_XLSX = "校验报告.xlsx"  # written by pipeline.writing.workbooks; named here so the CLI need not load openpyxl


def _file_mode() -> int:
    """The mode an ordinary new file gets here (mkstemp's own 0600 would hide outputs from others)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_MODE = _file_mode()


# The writes of the current all_or_nothing() block: ("write", temp, path) or ("move", src, dst).
_STAGED: ContextVar[list | None] = ContextVar("staged_outputs", default=None)


def write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` in one step, so a failed run never leaves a half-written file (inside
    all_or_nothing(), the replacement waits for the end of the block)."""
    _replace("write", _temp_copy(path, data), path)


def move(src: Path, dst: Path) -> None:
    """Rename a file (inside all_or_nothing(), together with the writes)."""
    _replace("move", src, dst)


def _replace(kind: str, src: Path, dst: Path) -> None:
    """os.replace now, or at the end of the all_or_nothing() block this runs in."""
    staged = _STAGED.get()
    if staged is not None:
        staged.append((kind, src, dst))
        return
    try:
        os.replace(src, dst)
    except OSError as exc:
        if kind == "write":
            src.unlink(missing_ok=True)
        raise _file_error(dst if kind == "write" else src, exc) from None


@contextmanager
def all_or_nothing():
    """Stage every write_bytes/move in the block and make them all at its end, or none: a
    report locked by Word, or a folder without permission, leaves every old output as it was."""
    staged: list = []
    token = _STAGED.set(staged)
    try:
        yield
    except BaseException:
        _discard(staged)
        raise
    finally:
        _STAGED.reset(token)
    _commit(staged)


def check_folder(folder: Path) -> None:
    """Fail early, before any work, when `folder` cannot take output files: a probe file in it
    (or in the nearest folder above it that exists), deleted at once, so nothing is left behind."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise _folder_error(folder, NotADirectoryError(errno.ENOTDIR, "Not a directory"))
    handle, name = _temp_file(existing)
    os.close(handle)
    os.unlink(name)


def _temp_file(folder: Path) -> tuple[int, str]:
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory")
        folder.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    except OSError as exc:
        raise _folder_error(folder, exc) from None


def _temp_copy(path: Path, data: bytes) -> Path:
    """`data` in a new temp file beside `path` (same folder, so the final rename is atomic)."""
    handle, name = _temp_file(path.parent)
    temp = Path(name)
    try:
        os.chmod(temp, _MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _file_error(path, exc) from None
        raise
    return temp


TEMP_PREFIX = ".~tmp-"
JOURNAL_PREFIX = ".~journal-"  # what a commit is about to replace, so a killed one can be undone


@contextmanager
def _signals_held():
    """Ctrl-C or a polite kill waits until the replacement is over (a kill -9 is undone by the
    next run from the journal)."""
    held = (signal.SIGINT, signal.SIGTERM)
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _journal(staged: list) -> Path:
    """Write down (and flush to disk) every step of a commit before the first one is taken."""
    first = staged[0]
    folder = (first[1] if first[0] == "write" else first[2]).parent
    steps = [[kind, str(src), str(dst), dst.exists()] for kind, src, dst in staged]
    handle, name = _temp_file(folder)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"state": "started", "steps": steps}, out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())
    journal = Path(name).with_name(JOURNAL_PREFIX + Path(name).name[len(TEMP_PREFIX):])
    os.replace(name, journal)
    return journal


def _mark_done(journal: Path) -> None:
    """The commit is complete: a journal found after this point is only cleaned up, never undone."""
    data = json.loads(journal.read_text(encoding="utf-8"))
    data["state"] = "done"
    journal.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def recover(folder: Path) -> list[str]:
    """Finish what a killed run left in `folder` and its sub-folders: a half-done commit is
    undone (the files it replaced come back), a finished one cleaned up, stray temporary files
    deleted. Run while holding the folder's lock; says what it restored."""
    restored: list[str] = []
    folders = [folder, *(p for p in folder.iterdir() if p.is_dir())] if folder.is_dir() else []
    for place in folders:
        for journal in sorted(place.glob(JOURNAL_PREFIX + "*")):
            with suppress(OSError, ValueError, KeyError, TypeError):
                data = json.loads(journal.read_text(encoding="utf-8"))
                if data["state"] != "done":
                    restored += _undo(data["steps"])
            with suppress(OSError):
                journal.unlink()
        for stray in place.glob(TEMP_PREFIX + "*"):
            with suppress(OSError):
                stray.unlink()
    return restored


def _undo(steps: list) -> list[str]:
    restored = []
    for kind, src, dst, existed in reversed(steps):
        src, dst = Path(src), Path(dst)
        backup = src.with_name(src.name + ".old")
        if kind == "move":
            if dst.exists() and not src.exists():
                os.replace(dst, src)
        elif backup.exists():
            os.replace(backup, dst)
            restored.append(dst.name)
        elif not existed and not src.exists() and dst.exists():
            dst.unlink()  # written by the killed run where there was nothing before
    return restored


def _commit(staged: list) -> None:
    if not staged:
        return
    with _signals_held():
        journal = _journal(staged)
        _replace_all(staged, journal)


def _replace_all(staged: list, journal: Path) -> None:
    done: list[tuple[str, Path, Path | None]] = []
    current = None
    try:
        for kind, src, dst in staged:
            current = dst if kind == "write" else src
            if kind == "move":
                os.replace(src, dst)
                done.append(("move", src, dst))
                continue
            backup = None
            if dst.exists():
                # A file open in Word/Excel/WPS cannot be moved on Windows: this fails first,
                # with the old file untouched.
                backup = src.with_name(src.name + ".old")
                os.replace(dst, backup)
            try:
                os.replace(src, dst)
            except OSError:
                if backup is not None:
                    os.replace(backup, dst)
                raise
            done.append(("write", dst, backup))
    except OSError as exc:
        for _, a, b in reversed(done):
            with suppress(OSError):
                if b is not None:  # a move, or a write that set an old file aside
                    os.replace(b, a)
                else:
                    a.unlink()
        _discard(staged)
        journal.unlink(missing_ok=True)
        raise _file_error(current, exc, rolled_back=True) from None
    _mark_done(journal)
    for kind, _, backup in done:
        if kind == "write" and backup is not None:
            backup.unlink(missing_ok=True)
    journal.unlink(missing_ok=True)


def _discard(staged: list) -> None:
    for kind, src, _ in staged:
        if kind == "write":
            src.unlink(missing_ok=True)


# ------------------------------------------------------------------ one run per output folder

LOCK_NAME = ".~lock-述职报告流水线"  # held (an OS lock on it) while a run writes the folder


def _try_lock(handle: int) -> bool:
    """Take the OS lock on an open lock file without waiting; False when another run holds it.
    The OS drops it when the holder ends, however it ends (a crash or kill -9 included)."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _holder(path: Path) -> str:
    with suppress(OSError, ValueError):
        return path.read_text(encoding="utf-8").split()[0]
    return "?"


@contextmanager
def output_lock(folder: Path):
    """Serialise runs on one output folder: a second run while one writes there is refused
    (UsageError, exit 2) rather than left to interleave with it and lose a user's edit."""
    path = folder / LOCK_NAME
    created = [p for p in (folder, *folder.parents) if not p.exists()]  # removed again if left empty
    try:
        folder.mkdir(parents=True, exist_ok=True)
        while True:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(handle):
                os.close(handle)
                raise UsageError(f"另一次运行（进程 {_holder(path)}）正在使用输出文件夹 {folder}。"
                                 "请等它结束后再运行；两次运行同时写一个文件夹，会丢掉其中修改过的报告")
            # The holder before us may have removed the file between our open and our lock:
            # then we hold a lock on a file nobody else can see, so start again.
            with suppress(OSError):
                if os.path.samestat(os.fstat(handle), os.stat(path)):
                    break
            os.close(handle)
    except OSError as exc:
        raise _folder_error(folder, exc) from None
    try:
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode())
        recover(folder)
        yield
    finally:
        with suppress(OSError):
            path.unlink()  # before the unlock, so a waiting run never locks a removed file
        os.close(handle)
        for made in created:  # a run that wrote nothing leaves no folder behind either
            with suppress(OSError):
                made.rmdir()


_NOTHING_WRITTEN = "本次没有写出或改动任何输出文件"


def _folder_error(folder: Path, exc: OSError) -> OutputError:
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return OutputError(f"输出文件夹 {folder} 无法使用：该位置（或它的上级）是一个文件，不是文件夹。"
                           "请换一个输出文件夹，如 OUTPUTS=输出2023")
    if isinstance(exc, PermissionError):
        return OutputError(f"无法在输出文件夹 {folder} 中写入文件（没有写入权限）。"
                           "请换一个输出文件夹，如 OUTPUTS=输出2023，或检查该文件夹的权限")
    if exc.errno == errno.ENOSPC:
        return OutputError(f"磁盘空间不足，无法在输出文件夹 {folder} 中写入文件。请清理磁盘后再运行")
    return OutputError(f"无法在输出文件夹 {folder} 中写入文件（{exc.strerror or exc}）。请换一个输出文件夹再运行")


def _file_error(path: Path | None, exc: OSError, rolled_back: bool = False) -> OutputError:
    done = f"；{_NOTHING_WRITTEN}" if rolled_back else ""
    name = path.name if path is not None else "输出文件"
    if isinstance(exc, PermissionError):
        return OutputError(f"无法写入 {path}：文件可能正在 Word、Excel、WPS 等程序中打开，或没有写入权限{done}。"
                           f"请先关闭 {name} 再运行")
    if exc.errno == errno.ENOSPC:
        return OutputError(f"磁盘空间不足，无法写入 {path}{done}。请清理磁盘后再运行")
    return OutputError(f"无法写入 {path}（{exc.strerror or exc}）{done}。请检查输出文件夹后再运行")


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
