"""PDF copies of the outputs through LibreOffice headless.

This is the only module that starts a process. One soffice converts every file of a run, with
a private profile (so a LibreOffice window the user has open is neither used nor disturbed),
a time limit, and pipeline/writing/fonts.conf mapping the report's Chinese fonts to installed ones.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.errors import OutputError
from pipeline.core.outputs import write_bytes

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

INSTALL_HINT = (
    "安装 LibreOffice 后再加 --pdf 运行即可（Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui fonts-noto-cjk fonts-arphic-ukai；Windows/macOS：从 LibreOffice 官网 "
    "libreoffice.org 下载安装；装在其他位置时用环境变量 PIPELINE_SOFFICE 指明 soffice 的路径）；"
    "也可以用 Word 或 WPS 打开报告，选“文件 → 另存为”，保存类型选 PDF"
)


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


def convert(files: list[Path], soffice: str | None = None, timeout: float | None = None) -> Outcome:
    """Write `name.pdf` beside each file (.docx, .xlsx), all in one soffice run.

    Never raises for a missing, failing or hanging LibreOffice: the outcome says what happened.
    """
    files = [Path(f) for f in files]
    if not files:
        return Outcome()
    soffice = soffice or find_soffice()
    if soffice is None:
        where = f"（环境变量 {SOFFICE_ENV} 指向的 {os.environ[SOFFICE_ENV]} 不存在）" if os.environ.get(SOFFICE_ENV) else ""
        return Outcome(problem=f"未生成 PDF：没有找到 LibreOffice{where}。{INSTALL_HINT}。")
    timeout = timeout if timeout is not None else START_SECONDS + SECONDS_PER_FILE * len(files)
    with tempfile.TemporaryDirectory(prefix="pipeline-pdf-") as work:
        work_dir = Path(work)
        inbox, outbox = work_dir / "in", work_dir / "out"
        inbox.mkdir()
        outbox.mkdir()
        # Copies under plain unique names: several branches' 校验报告.xlsx share one name, and
        # soffice writes every PDF into the one --outdir.
        staged = []
        for number, source in enumerate(files, 1):
            copy = inbox / f"{number:04d}{source.suffix.lower()}"
            shutil.copyfile(source, copy)
            staged.append(copy)
        command = [soffice, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                   "--norestore", "--nologo", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outbox),
                   *map(str, staged)]
        problem = _run(command, _environment(), timeout)
        outcome = Outcome(problem=problem)
        missing, unwritten = [], []
        for source, copy in zip(files, staged):
            made = outbox / (copy.stem + ".pdf")
            if made.is_file() and made.stat().st_size > 0:
                target = source.with_suffix(".pdf")
                try:
                    write_bytes(target, made.read_bytes())
                except OutputError as exc:  # an old PDF open in a reader: the rest stays written
                    unwritten.append(f"{exc}。")
                    continue
                outcome.written.append(target)
            else:
                missing.append(source.name)
    if unwritten:
        outcome.problem = (outcome.problem or "") + "未能写出 PDF：" + "".join(unwritten)
    if missing and outcome.problem is None:
        outcome.problem = f"未能生成 PDF：LibreOffice 没有转换 {'、'.join(missing)}。可用 Word 或 WPS 打开后另存为 PDF。"
    elif missing and outcome.problem is not None:
        outcome.problem += f"未转换：{'、'.join(missing)}。"
    return outcome


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


def _run(command: list[str], env: dict[str, str], timeout: float) -> str | None:
    """Run soffice to its end or the time limit; None when it exited normally."""
    posix = os.name == "posix"
    try:
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=posix,
                                   creationflags=_NEW_GROUP)
    except OSError as exc:
        return f"未生成 PDF：无法启动 LibreOffice（{command[0]}：{exc.strerror or exc}）。{INSTALL_HINT}。"
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process, posix)
        return (f"未生成 PDF：LibreOffice 在 {int(timeout)} 秒内没有完成转换，已停止。"
                "请关闭可能卡住的 LibreOffice 后重试，或用 Word/WPS 另存为 PDF。")
    if process.returncode != 0:
        tail = (output or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return f"未生成 PDF：LibreOffice 转换失败（退出码 {process.returncode}{'：' + tail[0] if tail[0] else ''}）。"
    return None


def _kill(process: subprocess.Popen, posix: bool) -> None:
    """Stop soffice and the processes it started (its own process group)."""
    try:
        if posix:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.communicate()
