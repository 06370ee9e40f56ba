"""PDF copies of the outputs through LibreOffice headless.

This is the only module that starts a process. A Converter takes files as a run writes them and
converts them in chunks while the run goes on: up to `parallel` soffice runs at once, each with a
private profile of its own (so a LibreOffice window the user has open is neither used nor
disturbed, and two runs never share one), a time limit, a command line within the system's
limit, and pipeline/writing/fonts.conf mapping the report's Chinese fonts to installed ones.
Each failure is said as what it is: LibreOffice missing (once), or a conversion that failed,
hung or left files unconverted, naming those files.
"""

from __future__ import annotations

import errno
import math
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.errors import OutputError
from pipeline.core.outputs import write_bytes
from pipeline.core.values import natural_key

FONTS_CONF = Path(__file__).with_name("fonts.conf")
SYSTEM_FONTS_CONF = Path("/etc/fonts/fonts.conf")  # what FONTS_CONF includes
SOFFICE_ENV = "PIPELINE_SOFFICE"  # path of soffice where it is not found by itself
# LibreOffice's usual places where it is not on PATH (Windows, macOS).
_INSTALL_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)
START_SECONDS = 120  # a first start with a new profile takes a while
SECONDS_PER_FILE = 30
# One soffice run converts at most CHUNK_FILES files (its start-up, about a second, is paid once
# per run); while the run still writes files, a conversion starts once MIN_CHUNK files wait.
CHUNK_FILES = 16
MIN_CHUNK = 8
SHOWN_FILES = 10  # files named in one message; the rest are counted

INSTALL_HINT = (
    "安装 LibreOffice 后再加 --pdf 运行即可（Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui fonts-noto-cjk fonts-arphic-ukai；Windows/macOS：从 LibreOffice 官网 "
    "libreoffice.org 下载安装；装在其他位置时用环境变量 PIPELINE_SOFFICE 指明 soffice 的路径）；"
    "也可以用 Word 或 WPS 打开报告，选“文件 → 另存为”，保存类型选 PDF"
)
_BY_HAND = "可用 Word 或 WPS 打开后另存为 PDF。"


@dataclass
class Outcome:
    """What a conversion produced: the PDFs written, and a Chinese sentence when not all were."""

    written: list[Path] = field(default_factory=list)
    problem: str | None = None


def find_soffice() -> str | None:
    """The soffice program: $PIPELINE_SOFFICE, then PATH, then the usual install places."""
    configured = os.environ.get(SOFFICE_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _INSTALL_PLACES if Path(p).is_file()), None)


def convert(files: list[Path], soffice: str | None = None, timeout: float | None = None,
            root: Path | None = None) -> Outcome:
    """Write `name.pdf` beside each file (.docx, .xlsx), in as few soffice runs as the command
    line allows (one for a branch). Never raises for a missing, failing or hanging LibreOffice:
    the outcome says what happened."""
    with Converter(1, root=root, soffice=soffice, timeout=timeout) as converter:
        converter.add(files)
        return converter.finish()


def argument_budget() -> int:
    """Bytes a soffice command line may take: Windows' 32,767 characters; elsewhere the system's
    ARG_MAX less the environment passed along, with a margin."""
    if os.name == "nt":
        return 32_000
    try:
        total = os.sysconf("SC_ARG_MAX")
    except (AttributeError, ValueError, OSError):
        total = 128 * 1024
    environment = sum(len(k) + len(v) + 2 + 8 for k, v in _environment().items())
    return max(4096, total - environment - 4096)


def _argument_bytes(command: list[str]) -> int:
    """What a command line takes against the limit: each argument, its end and its pointer
    (POSIX), or the quoted command string (Windows)."""
    if os.name == "nt":
        return len(subprocess.list2cmdline(command))
    return sum(len(os.fsencode(arg)) + 1 + 8 for arg in command)


@dataclass
class _Problem:
    """A conversion that did not give every PDF: what happened, and the files it left."""

    kind: str  # "start", "hang", "fail", "missing", "write"
    detail: str
    files: list[str]


class Converter:
    """PDF copies made alongside a run (see the module's docstring). add() the files as they are
    written, finish() when the run has written everything; close() (or leaving the `with`)
    stops whatever still runs and removes the working folder."""

    def __init__(self, parallel: int = 1, *, root: Path | None = None, soffice: str | None = None,
                 timeout: float | None = None) -> None:
        self.parallel = max(1, parallel)
        self.root = root  # files are named relative to it in messages (支部3/校验报告.xlsx)
        self.timeout = timeout
        self.soffice = soffice or find_soffice()
        self._queue: list[Path] = []
        self._final = False
        self._running = 0
        self._lock = threading.Condition()
        self._written: list[Path] = []
        self._problems: list[_Problem] = []
        self._order: dict[str, int] = {}  # a file's name in messages -> when it was added
        self._processes: set[subprocess.Popen] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._work: Path | None = None
        self._profiles: queue.SimpleQueue[Path] = queue.SimpleQueue()
        self._chunks = 0
        self._added = 0
        self._closed = False

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ the run's side
    def add(self, files) -> None:
        """Files just written (their PDFs go beside them); a chunk starts when enough wait."""
        files = [Path(f) for f in files]
        for path in files:
            self._order.setdefault(self._name(path), len(self._order))
        self._added += len(files)
        if self.soffice is None:
            return
        with self._lock:
            self._queue.extend(files)
            self._dispatch()

    def finish(self) -> Outcome:
        """Convert what still waits, wait for every run, and say what was made."""
        if self.soffice is None:
            return Outcome(problem=_missing() if self._added else None)
        with self._lock:
            self._final = True
            self._dispatch()
            self._lock.wait_for(lambda: not self._queue and not self._running)
        return Outcome(list(self._written), self._said())

    def close(self) -> None:
        """Stop the soffice runs still going (an interrupted run) and remove the working folder."""
        with self._lock:
            self._closed = True
            self._queue.clear()
            for process in list(self._processes):
                _kill(process, os.name == "posix", wait=False)
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)

    # ------------------------------------------------------------------ chunks
    def _dispatch(self) -> None:
        """Start chunks while a slot is free (under the lock): during the run once MIN_CHUNK
        files wait; at the end whatever waits, shared among the free slots."""
        while self._queue and self._running < self.parallel:
            waiting = len(self._queue)
            if not self._final and waiting < MIN_CHUNK:
                return
            size = CHUNK_FILES if not self._final else max(MIN_CHUNK, math.ceil(waiting / (self.parallel - self._running)))
            if self._pool is None:
                self._work = Path(tempfile.mkdtemp(prefix="pipeline-pdf-"))
                for slot in range(self.parallel):
                    self._profiles.put(self._work / f"profile-{slot}")
                self._pool = ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="pdf")
            chunk = self._take(min(size, CHUNK_FILES))
            self._running += 1
            self._chunks += 1
            self._pool.submit(self._convert, chunk, self._chunks)

    def _take(self, size: int) -> list[Path]:
        """The next files for one run: at most `size`, and as many as its command line allows
        (every run's paths have the same lengths: c00001/in/00001.docx)."""
        assert self._work is not None
        folder = self._work / "c00000"
        base = _argument_bytes(self._command(folder, self._work / f"profile-{self.parallel - 1}"))
        per_file = _argument_bytes([str(folder / "in" / "00000.docx")])
        count = max(1, min(size, (argument_budget() - base) // per_file))
        chunk, self._queue = self._queue[:count], self._queue[count:]
        return chunk

    def _command(self, folder: Path, profile: Path, staged: list[Path] | None = None) -> list[str]:
        assert self.soffice is not None
        return [self.soffice, f"-env:UserInstallation={profile.absolute().as_uri()}", "--headless", "--norestore",
                "--nologo", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(folder / "out"),
                *map(str, staged or [])]

    def _convert(self, files: list[Path], number: int) -> None:
        """One soffice run over one chunk (in a pool thread)."""
        profile = self._profiles.get()
        written: list[Path] = []
        problems: list[_Problem] = []
        try:
            assert self._work is not None
            folder = self._work / f"c{number:05d}"
            written, problems = self._run_chunk(files, folder, profile)
            shutil.rmtree(folder, ignore_errors=True)
        except Exception as exc:  # a defect here must not hang the run waiting for this chunk
            problems = [_Problem("fail", f"{type(exc).__name__}：{exc}", [self._name(f) for f in files])]
        finally:
            self._profiles.put(profile)
            with self._lock:
                self._written += written
                self._problems += problems
                self._running -= 1
                self._dispatch()
                self._lock.notify_all()

    def _run_chunk(self, files: list[Path], folder: Path, profile: Path) -> tuple[list[Path], list[_Problem]]:
        inbox, outbox = folder / "in", folder / "out"
        inbox.mkdir(parents=True)
        outbox.mkdir()
        # Copies under plain unique names: several branches' 校验报告.xlsx share one name, and
        # soffice writes every PDF into the one --outdir.
        staged = []
        for number, source in enumerate(files, 1):
            copy = inbox / f"{number:05d}{source.suffix.lower()}"
            shutil.copyfile(source, copy)
            staged.append(copy)
        timeout = self.timeout if self.timeout is not None else START_SECONDS + SECONDS_PER_FILE * len(files)
        failure = self._run(self._command(folder, profile, staged), timeout)
        written, missing, problems = [], [], []
        for source, copy in zip(files, staged):
            made = outbox / (copy.stem + ".pdf")
            if self._closed:  # stopped from outside (Ctrl-C): nothing more is written
                break
            if made.is_file() and made.stat().st_size > 0:
                target = source.with_suffix(".pdf")
                try:
                    write_bytes(target, made.read_bytes())
                except OutputError as exc:  # an old PDF open in a reader: the rest stays written
                    problems.append(_Problem("write", f"{exc}", [self._name(source)]))
                    continue
                written.append(target)
            else:
                missing.append(self._name(source))
        if failure is not None and (missing or failure.kind == "start"):
            failure.files = missing
            problems.insert(0, failure)
        elif missing:
            problems.insert(0, _Problem("missing", "", missing))
        return written, problems

    def _run(self, command: list[str], timeout: float) -> _Problem | None:
        """Run soffice to its end or the time limit; None when it exited normally."""
        posix = os.name == "posix"
        try:
            process = subprocess.Popen(command, env=_environment(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, start_new_session=posix, creationflags=_NEW_GROUP)
        except OSError as exc:
            absent = exc.errno in (errno.ENOENT, errno.EACCES, errno.ENOEXEC)
            return _Problem("start", f"{command[0]}：{exc.strerror or exc}" + ("\0" if absent else ""), [])
        with self._lock:
            self._processes.add(process)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process, posix)
            return _Problem("hang", f"{int(timeout)}", [])
        finally:
            with self._lock:
                self._processes.discard(process)
        if process.returncode != 0:
            tail = (output or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            return _Problem("fail", f"退出码 {process.returncode}{'：' + tail[0] if tail[0] else ''}", [])
        return None

    def _name(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return path.name

    # ------------------------------------------------------------------ what is said
    def _said(self) -> str | None:
        """One sentence per kind of failure (the same failure in several runs said once, with
        all its files)."""
        merged: dict[tuple[str, str], list[str]] = {}
        for problem in self._problems:
            merged.setdefault((problem.kind, problem.detail), []).extend(problem.files)
        # Branch by branch in folder order, each branch's files in the order written, whichever
        # conversion ended first: the same run says the same sentence.
        def order(name: str) -> tuple:
            return natural_key(name.rpartition("/")[0]), self._order.get(name, 0)

        return "".join(_sentence(kind, detail, sorted(files, key=order))
                       for (kind, detail), files in merged.items()) or None


def _files(names: list[str]) -> str:
    shown = "、".join(names[:SHOWN_FILES])
    return shown + (f"等 {len(names)} 个文件" if len(names) > SHOWN_FILES else "")


def _sentence(kind: str, detail: str, files: list[str]) -> str:
    if kind == "start":
        absent = detail.endswith("\0")
        return (f"未生成 PDF：无法启动 LibreOffice（{detail.rstrip(chr(0))}）。"
                + (f"{INSTALL_HINT}。" if absent else "请确认 LibreOffice 能正常打开后重试，或用 Word/WPS 另存为 PDF。"))
    if kind == "hang":
        return (f"未生成 PDF：LibreOffice 在 {detail} 秒内没有完成转换，已停止。没有转换的文件：{_files(files)}。"
                "请关闭可能卡住的 LibreOffice 后重试，或用 Word/WPS 另存为 PDF。")
    if kind == "fail":
        return f"未生成 PDF：LibreOffice 转换 {_files(files)} 时失败（{detail}）。{_BY_HAND}"
    if kind == "missing":
        return f"未能生成 PDF：LibreOffice 没有转换 {_files(files)}。{_BY_HAND}"
    return f"未能写出 PDF：{detail}。"


def _missing() -> str:
    where = f"（环境变量 {SOFFICE_ENV} 指向的 {os.environ[SOFFICE_ENV]} 不存在）" if os.environ.get(SOFFICE_ENV) else ""
    return f"未生成 PDF：没有找到 LibreOffice{where}。{INSTALL_HINT}。"


def _environment() -> dict[str, str]:
    """The environment for soffice: the project's font mapping where fontconfig can include
    the system's own configuration (Linux); elsewhere LibreOffice's own font lookup."""
    env = dict(os.environ)
    if SYSTEM_FONTS_CONF.is_file():
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


# On Windows soffice gets its own process group, so that a hung one can be ended with its children.
if sys.platform == "win32":
    _NEW_GROUP = subprocess.CREATE_NEW_PROCESS_GROUP
else:
    _NEW_GROUP = 0


def _kill(process: subprocess.Popen, posix: bool, wait: bool = True) -> None:
    """Stop soffice and the processes it started (its own process group)."""
    try:
        if posix:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    if wait:
        process.communicate()
