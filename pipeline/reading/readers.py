"""Reading spreadsheet files into plain grids of cell values (the only module using calamine).

Every format becomes a list of `Sheet`s whose `rows` start at cell A1, so a row index + 1
is the row number Excel shows. Merged ranges are filled with their value. Files that
cannot be read become `Issue`s, never exceptions.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import threading
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine
from defusedxml import DefusedXmlException, ElementTree

from pipeline.core.issues import IssueLog
from pipeline.core.limits import DEFAULT, Limits, mb
from pipeline.core.names import IssueCode

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".et", ".ett")
# Files the computer makes by itself (thumbnail caches, folder settings, Office lock and temp
# files): skipped without a word, since no secretary put them there.
SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini", ".ds_store"})
SYSTEM_PREFIXES = ("~$", ".", "~wrl")
SYSTEM_SUFFIXES = (".tmp",)
# WPS's own spreadsheet format: read when it is an .xls or .xlsx inside (calamine goes by content).
WPS_SUFFIXES = (".et", ".ett")
# The limits (pipeline/core/limits.py, settable in pipeline.toml): a file larger than file_mb, or
# an .xlsx/.ods that would unpack to more than unpacked_mb (zip bombs, runaway exports), is
# refused before it is read. A sheet's grid is allocated from A1 to its farthest cell, whatever
# lies between: a 5 KB file with one cell at XFD1048576 asks for 17 billion cells. The farthest
# cell is found in the XML before any grid is allocated, and a sheet past rows or cells refuses
# its file.
_RAISE = "确实需要读取这么大的工作簿时，可在规则设置文件 pipeline.toml 的 [limits] 中把 {key} 调高到 {need} 以上"
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_SCANNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="formula-scan")


@dataclass
class Sheet:
    """One sheet as a grid of values (str, float, int, date, datetime, time or '')."""

    file: str
    name: str
    rows: list[list]
    # 0-based (row, col) -> "" for a formula saved without a computed value, or the error it
    # computed (`#REF!`); calamine reads both as a blank cell.
    bad_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    # Merged ranges as ((row0, col0), (row1, col1)), 0-based and inclusive (values already filled).
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden: bool = False  # a hidden (or very hidden) sheet: still data, and said so
    hidden_rows: frozenset[int] = frozenset()  # 0-based rows hidden in Excel/WPS (.xlsx, .ods)


def is_system_file(name: str) -> bool:
    """A file the computer made (Thumbs.db, desktop.ini, .DS_Store, ~$ locks, temp files)."""
    lower = name.lower()
    return lower in SYSTEM_FILES or lower.startswith(SYSTEM_PREFIXES) or lower.endswith(SYSTEM_SUFFIXES)


# Workbooks this tool writes: put back into an input folder they are not ledgers.
OWN_OUTPUTS = ("校验报告", "差异报告", "各支部汇总")


def leaves_folder(path: Path) -> bool:
    """A link (or shortcut target) that points outside the folder holding it: not followed, so
    a linked file elsewhere on the machine is never read into the reports."""
    if not path.is_symlink():
        return False
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling or looping link
        return True
    return path.parent.resolve() not in target.parents


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEET_SUFFIXES


def list_input_files(folder: Path) -> list[Path]:
    """Files directly in `folder` a person put there, sorted; system, lock and hidden files skipped."""
    return [path for path in sorted(folder.iterdir(), key=lambda p: p.name)
            if path.is_file() and not is_system_file(path.name)]


def too_large(path: Path, display: str, log: IssueLog, limits: Limits = DEFAULT) -> bool:
    """Whether a spreadsheet is past the size limits, said (the file, its figure, the limit)
    before anything of it is read: its size on disk, then, for a zip (.xlsx, .ods), the sizes its
    directory gives for its parts unpacked."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        log.error(display, f"文件大小 {mb(size)}，超过读取上限 {limits.file_mb} MB，整个文件没有读取",
                  "请删除无关的工作表或数据后重试；"
                  + _RAISE.format(key="file_mb", need=-(-size // (1024 * 1024))), code=IssueCode.TOO_LARGE)
        return True
    if size == 0 or not _is_zip(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return False  # read_file says what is wrong with it
    if total > limits.unpacked_bytes:
        log.error(display, f"文件解压后 {mb(total)}，超过读取上限 {limits.unpacked_mb} MB（可能已损坏或含有异常内容），"
                  "整个文件没有读取", "请删除无关的工作表或数据后重新保存；"
                  + _RAISE.format(key="unpacked_mb", need=-(-total // (1024 * 1024))), code=IssueCode.TOO_LARGE)
        return True
    return False


def _is_zip(path: Path) -> bool:
    """.xlsx, .xlsm, .ods, and an .et/.ett that is an .xlsx inside (a zip: its parts unpack)."""
    suffix = path.suffix.lower()
    return suffix in (".xlsx", ".xlsm", ".ods") or (suffix in WPS_SUFFIXES and zipfile.is_zipfile(path))


def read_file(path: Path, display: str, log: IssueLog, limits: Limits = DEFAULT, *, sized: bool = False) -> list[Sheet]:
    """Read every worksheet of one file; unreadable spreadsheets are logged as errors, other
    documents (.docx, .pdf, pictures) as warnings. `sized`: too_large() has passed it already."""
    suffix = path.suffix.lower()
    if leaves_folder(path):
        log.warning(display, "是指向输入文件夹以外的链接（快捷方式），没有读取",
                    "请把台账文件本身复制到输入文件夹中", code=IssueCode.UNSUPPORTED_FILE)
        return []
    if suffix == ".xlsx" and path.name.startswith(OWN_OUTPUTS):
        log.info(display, "是本程序生成的文件（校验报告、差异报告或汇总），不是台账，没有读取",
                 "可以把它移出输入文件夹", code=IssueCode.UNSUPPORTED_FILE)
        return []
    if not is_spreadsheet(path):
        log.warning(display, "不是表格文件，已跳过（程序只读取 .xlsx、.xls、.et、.ods、.csv 表格）",
                    "如果其中有要统计的内容，请填入台账；否则可以不理会，或将其移出输入文件夹",
                    code=IssueCode.UNSUPPORTED_FILE)
        return []
    if not sized and too_large(path, display, log, limits):
        return []
    if path.stat().st_size == 0:
        log.error(display, "文件是空的（0 字节）", "请重新保存该文件，或将其移出输入文件夹",
                  code=IssueCode.UNREADABLE)
        return []
    if suffix == ".csv":
        return _read_csv(path, display, log)
    ooxml = suffix in (".xlsx", ".xlsm") or (suffix in WPS_SUFFIXES and zipfile.is_zipfile(path))
    if ooxml and not _zip_opens(path, display, log):
        return []
    # calamine parses an OpenDocument file whole when it opens it: its layout (merged ranges,
    # hidden rows and how far its cells reach) is read first.
    ods_merges, ods_hidden, ods_extents = _ods_layout(path) if suffix == ".ods" else ({}, {}, {})
    for name, extent in ods_extents.items():
        if _too_big(extent, display, name, log, limits):
            return []
    extents = _Extents()
    # Finding formulas without values and hidden rows means inflating and searching every
    # sheet's XML. A thread does it while calamine parses: zlib and calamine's parse both run
    # outside the GIL, so on two cores the scan costs almost nothing.
    scan = None
    if ooxml:
        started = threading.Event()
        scan = _SCANNER.submit(_scan_sheets, path, started, extents, limits)
        started.wait(5)
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        if scan is not None and isinstance(scan.exception(), DefusedXmlException):
            _unsafe(display, log)
        elif suffix in WPS_SUFFIXES and not isinstance(exc, calamine.PasswordError):
            log.error(display, "WPS 表格文件（.et）无法读取（不是程序能识别的格式）",
                      "请在 WPS 中另存为 .xlsx（文件 → 另存为 → Excel 工作簿），再放入输入文件夹", code=IssueCode.UNREADABLE)
        else:
            _unreadable(path, display, log, encrypted=isinstance(exc, calamine.PasswordError))
        return []
    sheets = []
    for meta in workbook.sheets_metadata:
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue
        if scan is not None and _too_big(extents.wait(meta.name), display, meta.name, log, limits):
            workbook.close()
            return []
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or ods_merges.get(meta.name, [])
        except Exception:
            log.error(display, "工作表无法读取（内容已损坏）", "请用 Excel/WPS 打开并重新保存该文件",
                      sheet=meta.name, code=IssueCode.UNREADABLE)
            continue
        _fill_merged(rows, merged)
        sheets.append(Sheet(display, meta.name, rows, merged=list(merged or []),
                            hidden=meta.visible != calamine.SheetVisibleEnum.Visible,
                            hidden_rows=frozenset(ods_hidden.get(meta.name, ()))))
    workbook.close()
    if scan is not None:
        try:
            scanned = scan.result()
        except DefusedXmlException:
            _unsafe(display, log)
            return []
        for read in sheets:
            read.bad_cells, read.hidden_rows = scanned.get(read.name, ({}, frozenset()))
    return sheets


def _fill_merged(rows: list[list], merged) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_layout(path: Path) -> tuple[dict[str, list[tuple[tuple[int, int], tuple[int, int]]]],
                                      dict[str, set[int]], dict[str, tuple[int, int]]]:
    """Merged ranges of every table in an .ods, as ((row0, col0), (row1, col1)) like calamine,
    its hidden (collapsed or filtered) rows, 0-based, and how many rows and columns its cells
    with content reach (repeated rows and cells counted as repeated, blank padding not)."""
    merges: dict[str, list] = {}
    hidden: dict[str, set[int]] = {}
    extents: dict[str, tuple[int, int]] = {}
    name, row, col, row_width = "", -1, 0, 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            for event, element in ElementTree.iterparse(content, events=("start", "end")):
                tag = element.tag
                if not tag.startswith(_ODS_TABLE):
                    continue
                tag = tag[len(_ODS_TABLE):]
                if event == "start" and tag == "table":
                    name, row = element.get(_ODS_TABLE + "name", ""), -1
                elif event == "start" and tag == "table-row":
                    row, col, row_width = row + 1, 0, 0
                elif event == "end" and tag == "table-row":
                    repeated = int(element.get(_ODS_TABLE + "number-rows-repeated", "1"))
                    if element.get(_ODS_TABLE + "visibility", "visible") != "visible" and repeated < 10000:
                        hidden.setdefault(name, set()).update(range(row, row + repeated))
                    if row_width:
                        rows_reached, cols_reached = extents.get(name, (0, 0))
                        extents[name] = (max(rows_reached, row + repeated), max(cols_reached, row_width))
                    row += repeated - 1
                    element.clear()
                elif event == "start" and tag in ("table-cell", "covered-table-cell"):
                    rows = int(element.get(_ODS_TABLE + "number-rows-spanned", "1"))
                    cols = int(element.get(_ODS_TABLE + "number-columns-spanned", "1"))
                    if rows > 1 or cols > 1:
                        merges.setdefault(name, []).append(((row, col), (row + rows - 1, col + cols - 1)))
                    col += int(element.get(_ODS_TABLE + "number-columns-repeated", "1"))
                elif event == "end" and tag == "table-cell" and (
                        len(element) or any(key.endswith("value-type") for key in element.attrib)):
                    row_width = col  # content or a value: the row reaches this cell and its repeats
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError):
        return {}, {}, {}  # calamine reads or reports the file; only the merges are lost
    return merges, hidden, extents


def _zip_opens(path: Path, display: str, log: IssueLog) -> bool:
    try:
        with zipfile.ZipFile(path):
            return True
    except zipfile.BadZipFile:
        _unreadable(path, display, log)
        return False


def _unsafe(display: str, log: IssueLog) -> None:
    log.error(display, "文件含有不安全的 XML 内容（实体定义等），拒绝读取",
              "请用 Excel/WPS 打开后另存为新的 .xlsx 文件再放入", code=IssueCode.UNSAFE_XML)


def _unreadable(path: Path, display: str, log: IssueLog, encrypted: bool = False) -> None:
    if encrypted or _is_encrypted_ooxml(path):
        log.error(display, "文件设置了打开密码，无法读取", "请在 Excel/WPS 中取消密码后另存，再重试",
                  code=IssueCode.ENCRYPTED)
    else:
        log.error(display, "文件已损坏或不是真正的表格文件，无法读取",
                  "请用 Excel/WPS 打开确认后重新另存为 .xlsx，或将其移出输入文件夹", code=IssueCode.UNREADABLE)


def _is_encrypted_ooxml(path: Path) -> bool:
    """Password-protected .xlsx files are OLE containers holding an EncryptedPackage."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        if head != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            return False
        handle.seek(0)
        blob = handle.read(min(path.stat().st_size, 1 << 20))
    return "EncryptedPackage".encode("utf-16-le") in blob


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# A formula cell closed without a cached value: <c r="D4"><f>1+2</f></c> or <v></v>.
_FORMULA_NO_VALUE = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]+)(\d+)"[^>]*>\s*<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>[^<]*</(?:\w+:)?f>)'
    rb'\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>')


def _sheet_xml(path: Path, started: threading.Event | None = None,
               extents: _Extents | None = None, limits: Limits = DEFAULT) -> dict[str, bytes]:
    """Map sheet name -> its inflated XML (run in a thread: inflating releases the GIL); each
    sheet's extent is published to `extents` as soon as it is inflated."""
    found: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            members = {}
            for sheet in book.iter():
                if not sheet.tag.endswith("}sheet"):
                    continue
                target = targets.get(sheet.get(_REL_NS), "")
                member = target.lstrip("/") if target.startswith("/") else "xl/" + target
                if member in names:
                    members[sheet.get("name")] = archive.getinfo(member)
        raw = {name: _compressed(path, info) for name, info in members.items()}
        # Largest first: the big sheet's inflate and search then overlap calamine's parse of
        # it, the long stretch in which the reader needs no GIL.
        for name, (data, method) in sorted(raw.items(), key=lambda kv: -len(kv[1][0])):
            if started is not None:
                # Set just before zlib runs: the reader waiting on it gets the GIL exactly
                # when inflating lets it go.
                started.set()
            found[name] = (zlib.decompressobj(-zlib.MAX_WBITS).decompress(data, limits.unpacked_bytes)
                           if method == zipfile.ZIP_DEFLATED else data)
            if extents is not None:
                extents.put(name, sheet_extent(found[name], quick=_quick(limits)))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, zlib.error):
        pass  # calamine reports a damaged workbook on its own
    finally:
        if started is not None:
            started.set()
        if extents is not None:
            extents.close()
    return found


def _scan_sheets(path: Path, started: threading.Event | None = None, extents: _Extents | None = None,
                 limits: Limits = DEFAULT) -> dict[str, tuple[dict[tuple[int, int], str], frozenset[int]]]:
    """Map sheet name -> (its bad formula cells, its hidden rows), read from its XML."""
    xml = _sheet_xml(path, started, extents, limits)
    scanned = {}
    for name in list(xml):
        data = xml.pop(name)  # each sheet's XML is let go once searched
        scanned[name] = (_bad_cells(data), _hidden_rows(data))
    return scanned


def _bad_cells(data: bytes) -> dict[tuple[int, int], str]:
    """A sheet's formula cells with no cached value ("") or an error value (#REF!)."""
    # Every formula element has a closing tag (</f>, </x:f>): one fast search rules out the
    # common case of a sheet without formulas.
    if b"f>" not in data and b't="e"' not in data:
        return {}
    cells = {(int(row) - 1, _column_index(col.decode())): "" for col, row in _FORMULA_NO_VALUE.findall(data)}
    if b't="e"' in data:
        for col, row, error in _ERROR_VALUE.findall(data):
            cells[(int(row) - 1, _column_index(col.decode()))] = error.decode("utf-8", "replace")
    return cells


# A row element marked hidden: <row r="5" hidden="1" …> (attributes in any order).
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\s(?=[^>]*\bhidden="(?:1|true)")[^>]*?\br="(\d+)"')


def _hidden_rows(data: bytes) -> frozenset[int]:
    """0-based rows a sheet's XML marks hidden (hidden by hand or by a filter)."""
    if b'hidden="' not in data:
        return frozenset()
    return frozenset(int(r) - 1 for r in _HIDDEN_ROW.findall(data))


def _compressed(path: Path, info: zipfile.ZipInfo) -> tuple[bytes, int]:
    """A member's stored bytes and method, so it can be inflated in one zlib call."""
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        with zipfile.ZipFile(path) as archive:
            return archive.read(info), zipfile.ZIP_STORED
    with open(path, "rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        handle.seek(info.header_offset + 30 + name_len + extra_len)
        return handle.read(info.compress_size), info.compress_type


# A cell whose formula computed an error: <c r="B2" t="e"><f>…</f><v>#REF!</v></c>.
_ERROR_VALUE = re.compile(
    rb'<(?:\w+:)?c\s(?=[^>]*\bt="e")[^>]*?\br="([A-Z]+)(\d+)"[^>]*>(?:(?!</(?:\w+:)?c>).)*?'
    rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>', re.S)


class _Extents:
    """Each sheet's extent, handed from the scanning thread to the reader, which must not let
    calamine allocate a sheet's grid before its extent is known."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[int, int] | None] = {}
        self._closed = False
        self._ready = threading.Condition()

    def put(self, name: str, extent: tuple[int, int] | None) -> None:
        with self._ready:
            self._found[name] = extent
            self._ready.notify_all()

    def close(self) -> None:
        """No more extents will come (the scan ended, or could not read the workbook)."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def wait(self, name: str) -> tuple[int, int] | None:
        with self._ready:
            self._ready.wait_for(lambda: name in self._found or self._closed)
            return self._found.get(name)


# A cell or row reference reaching column AA or row 1,000,000: one regex pass over the sheet
# with white space squeezed out (XML allows `r = "A1"`), its literal prefix keeping it to the
# references. Only a sheet where one matches is scanned exactly.
_FAR = re.compile(rb"r=[\"'](?:[A-Z]{2}|[A-Z]?\d{7})")
_WHITE = b" \t\r\n"
_REFERENCE = re.compile(rb"""\sr\s*=\s*["']([A-Z]*)(\d+)["']""")


def _quick(limits: Limits) -> bool:
    """Whether a sheet within column Z and below row 1,000,000 may skip the exact extent: yes
    under the default limits or higher ones (as before they were settable); lower ones are
    checked exactly."""
    return limits.rows >= DEFAULT.rows and limits.cells >= DEFAULT.cells


def sheet_extent(xml: bytes, quick: bool = True) -> tuple[int, int] | None:
    """(rows, columns) from A1 that a sheet's cells reach, found in its XML before anything is
    allocated; with `quick`, None when no cell reaches column AA or row 1,000,000 (the common
    ledger)."""
    if quick and _FAR.search(xml.translate(None, _WHITE)) is None:
        return None
    rows = columns = 0
    for letters, number in _REFERENCE.findall(xml):
        rows = max(rows, int(number))
        if letters:
            columns = max(columns, _column_index(letters.decode()) + 1)
    return rows, columns


def _too_big(extent: tuple[int, int] | None, display: str, sheet: str, log: IssueLog, limits: Limits = DEFAULT) -> bool:
    """Log and say whether a sheet's extent is past the limits (its file is then not read)."""
    if extent is None:
        return False
    rows, columns = extent
    cells = rows * max(columns, 1)
    if rows <= limits.rows and cells <= limits.cells:
        return False
    raise_it = (_RAISE.format(key="rows", need=rows) if rows > limits.rows else "")
    if cells > limits.cells:
        raise_it += ("，并" if raise_it else "") + (_RAISE.format(key="cells", need=cells) if not raise_it
                                                    else f"把 cells 调高到 {cells} 以上")
    log.error(display, f"工作表的单元格一直延伸到第 {rows} 行、第 {columns} 列（{cells:,} 个单元格），"
              f"超过程序能读取的上限（{limits.rows:,} 行、{limits.cells:,} 个单元格），整个文件没有读取",
              "多半是远处某个单元格误填了内容或格式：请在 Excel/WPS 中按 Ctrl+End 找到最后一个单元格，"
              f"删除多余的行列后保存，再运行；{raise_it}", sheet=sheet, code=IssueCode.TOO_LARGE)
    return True


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _read_csv(path: Path, display: str, log: IssueLog) -> list[Sheet]:
    raw = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        log.error(display, "无法识别文件编码（既不是 UTF-8 也不是 GBK）",
                  "请在 Excel/WPS 中打开后另存为“CSV UTF-8”或 .xlsx 格式", code=IssueCode.UNREADABLE)
        return []
    if "\x00" in text:
        log.error(display, "文件内容不是文本表格，无法读取",
                  "请用 Excel/WPS 打开确认后重新另存为 .xlsx，或将其移出输入文件夹", code=IssueCode.UNREADABLE)
        return []
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect, strict=True)]
    except csv.Error as exc:
        # An unclosed quote would swallow the rest of the file into one cell: refuse instead.
        log.error(display, f"CSV 文件格式有误（{_CSV_ERRORS.get(str(exc).split(':')[0], str(exc))}），无法读取",
                  "多半是某个单元格里有不成对的英文引号 \"；请在 Excel/WPS 中打开、改正后另存为 .xlsx",
                  code=IssueCode.UNREADABLE)
        return []
    return [Sheet(display, path.stem, rows)]


_CSV_ERRORS = {"',' expected after '\"'": "引号后缺少逗号", "unexpected end of data": "引号不成对",
               "field larger than field limit (131072)": "某个单元格内容过长"}
