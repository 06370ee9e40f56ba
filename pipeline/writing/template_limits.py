"""What a Word template may not do, beyond the Jinja sandbox: reach outside (external pictures,
attached templates, fields that fetch, OLE links), compute without bound (huge powers or
repetitions), or run without end. Templates travel between offices as ordinary files."""

from __future__ import annotations

import math
import re
import signal
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

from jinja2.sandbox import ImmutableSandboxedEnvironment

from pipeline.core.errors import TemplateError

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024  # a report template is tens of KB; pictures make it MBs
MAX_PART_BYTES = 50 * 1024 * 1024  # any one part unpacked
MAX_SECONDS = 30  # checking or rendering one report; the sample takes well under a second
MAX_RESULT = 1_000_000  # characters or items one `*` may build
MAX_DIGITS = 10_000  # digits one `**` may make (instant to compute; 9 ** (9 ** 9) has 369 million)
# Fields whose result Word or LibreOffice fetches from a file or the network when updating.
_FETCHING = re.compile(rb"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT|RD)\b")
_INSTRUCTIONS = re.compile(rb"<w:instrText[^>]*>([^<]*)</w:instrText>|w:instr=\"([^\"]*)\"")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with `*` and `**` checked before they run (and so never folded
    into constants while a tag is compiled): `{{ 9 ** (9 ** 9) }}` or `'x' * 10 ** 9` is refused."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        if operator == "**" and _numbers(left, right) and right > 0 and abs(left) > 1 \
                and right * math.log10(abs(left)) > MAX_DIGITS:
            raise _too_big(f"{left} ** {right}")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_RESULT:
                    raise _too_big(f"重复 {times} 次")
        return super().call_binop(context, operator, left, right)


def _numbers(*values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _too_big(what: str) -> TemplateError:
    return TemplateError(f"模板中的运算结果过大（{what}），为保护电脑没有计算。请改正模板中的这处写法")


def check_package(path: Path) -> None:
    """Refuse a template that would make Word, WPS or LibreOffice fetch something when the
    report is opened or printed: external relationships, an attached template, fetching fields
    and linked OLE objects — each named, with what to do."""
    name = path.name
    if path.stat().st_size > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"模板 {name} 过大（超过 {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB），请删去其中的大图片后重试")
    found: list[str] = []
    try:
        with zipfile.ZipFile(path) as package:
            for info in package.infolist():
                if info.file_size > MAX_PART_BYTES:
                    raise TemplateError(f"模板 {name} 中的 {info.filename} 解压后过大，拒绝使用")
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                data = package.read(info)
                if info.filename.endswith(".rels") and re.search(rb'TargetMode\s*=\s*"External"', data):
                    kinds = set(re.findall(rb'Type="[^"]*/(\w+)"[^>]*TargetMode\s*=\s*"External"', data)) | set(
                        re.findall(rb'TargetMode\s*=\s*"External"[^>]*Type="[^"]*/(\w+)"', data))
                    if kinds - {b"hyperlink"}:  # a clickable link fetches nothing by itself
                        found.append(f"{info.filename} 引用了外部文件或网址（{'、'.join(sorted(k.decode() for k in kinds))}）")
                if b"attachedTemplate" in data:
                    found.append(f"{info.filename} 附加了外部模板（attachedTemplate）")
                for instr in _INSTRUCTIONS.findall(data):
                    field = _FETCHING.search(b"".join(instr))
                    if field:
                        found.append(f"{info.filename} 中有会读取外部内容的域 {field[1].decode()}")
                if re.search(rb"<o:OLEObject[^>]*Type=\"Link\"", data):
                    found.append(f"{info.filename} 中有链接到外部文件的 OLE 对象")
    except zipfile.BadZipFile:
        return  # the opener says the file is not a .docx, in its own words
    if found:
        raise TemplateError(f"模板 {name} 不能使用：{'；'.join(dict.fromkeys(found))}。这些内容会在打开或打印报告时"
                            "读取本机文件或访问网络。请在 Word 中删去它们（图片请“嵌入”而不是“链接”）后另存再用")


@contextmanager
def bounded(name: str, seconds: float | None = None):
    """Run a template check or rendering within `seconds` (where the OS offers a timer to the
    main thread) and turn running out of memory or recursion into a TemplateError naming it."""
    seconds = MAX_SECONDS if seconds is None else seconds
    timer = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

    def expire(signum, frame):
        raise TemplateError(f"模板 {name} 处理超过 {seconds} 秒仍未完成（可能有过多的循环），已停止。请检查模板中的循环")

    previous = signal.signal(signal.SIGALRM, expire) if timer else None
    if timer:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except RecursionError:
        raise TemplateError(f"模板 {name} 中有无穷递归（宏调用了自己），已停止。请改正模板中的宏") from None
    except MemoryError:
        raise TemplateError(f"模板 {name} 过于复杂，处理时内存不足，已停止。请简化模板") from None
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
