"""One branch per folder: ledgers that belong to another branch are found and named, never merged.

Another branch's files dropped into the folder show themselves three ways: a 基本信息 whose
党支部名称 is another branch's; a file name, sheet name or title that names another branch
(`城关社区第二党支部2023年组织生活台账`); a 党员名册 in another file sharing no name with the
first roster. Every table of such a file is left out, with an error naming the file: the run
stops (a report would mix two branches' figures).
"""

from __future__ import annotations

import re

from pipeline.core.issues import IssueLog
from pipeline.core.names import IssueCode, LedgerKind
from pipeline.core.values import SPACES
from pipeline.reading.ingest import Table

# A branch named in a file name, sheet name or title (`城关社区第二党支部`, `第二支部`).
_NAMED = re.compile(r"([\u4e00-\u9fff\w（）()·]{2,40}?(?:党总支部|党总支|党支部|支部))")
_LEADING = re.compile(r"^(?:中国共产党|中共)|^(?:(?:19|20)\d\d\s*年度?)+")
_SUFFIX = re.compile(r"(?:委员会)?(?:党总支部|党总支|党支部|支部)(?:委员会)?$")


def core(name: str) -> str:
    """A branch name without 中共, a leading year and the 党支部 ending (`城关社区第二`)."""
    text = "".join(str(name).split())
    for _ in range(3):
        text = _LEADING.sub("", text)
    return _SUFFIX.sub("", text)


def same_branch(a: str, b: str) -> bool:
    """Two ways of writing one branch's name: one core holds the other (`机关` in `县委组织部机关`)."""
    x, y = core(a), core(b)
    return bool(x and y) and (x in y or y in x)


def named_branch(text: str) -> str | None:
    """The branch a file name, sheet name or title names, if any (core of at least two characters)."""
    for found in _NAMED.finditer(text):
        if len(core(found.group(1))) >= 2:
            return found.group(1)
    return None


def other_branch_files(tables: list[Table], info: dict, info_src: dict, others: dict[str, str],
                       log: IssueLog) -> set[str]:
    """Files holding another branch's ledgers (each said as an error). `others`: file -> the other
    党支部名称 its 基本信息 gives (read_info found them)."""
    ours = info.get("党支部名称")
    files = dict(others)
    if ours:
        for table in tables:
            if table.sheet.file in files or table.kind.name == LedgerKind.INFO:
                continue
            for text in _texts(table):
                named = named_branch(text)
                if named and not same_branch(named, ours):
                    files[table.sheet.file] = named
                    break
    first_roster: Table | None = None
    for table in tables:
        if table.kind.name != LedgerKind.ROSTER or table.sheet.file in files:
            continue
        if first_roster is None:
            first_roster = table
            continue
        if table.sheet.file != first_roster.sheet.file:
            mine, theirs = _names(first_roster), _names(table)
            if len(mine) >= 3 and len(theirs) >= 3 and not mine & theirs:
                files[table.sheet.file] = ""
                log.error(table.sheet.file, f"这份党员名册（{len(theirs)}人）与{first_roster.sheet.file}的党员名册"
                          f"（{len(mine)}人）没有一个相同的姓名，不是同一个支部的名册，本文件的台账都不计入",
                          "一个文件夹只放一个支部的台账：请把另一个支部的文件移到它自己的文件夹"
                          "（多个支部一起生成时，每个支部一个子文件夹）", sheet=table.sheet.name,
                          code=IssueCode.OTHER_BRANCH)
    for file, named in files.items():
        if named:
            log.error(file, f"这是“{named}”的台账，不是本支部（“{ours or '未填写'}”{_where(info_src)}）的，本文件的台账都不计入",
                      "一个文件夹只放一个支部的台账：请把另一个支部的文件移到它自己的文件夹"
                      "（多个支部一起生成时，每个支部一个子文件夹）；如果名称写错，请改正",
                      code=IssueCode.OTHER_BRANCH)
    return set(files)


def _where(info_src: dict) -> str:
    src = info_src.get("党支部名称")
    return f"，见{src.file}的基本信息" if src else ""


def _texts(table: Table) -> list[str]:
    """The file name, sheet name and the title rows above the header."""
    texts = [table.sheet.file.rsplit(".", 1)[0], table.sheet.name]
    for row in table.sheet.rows[:table.header_row]:
        texts += [v.strip(SPACES) for v in row if isinstance(v, str) and v.strip(SPACES)]
    return texts


def _names(table: Table) -> set[str]:
    index = table.columns.get("姓名")
    if index is None:
        return set()
    rows = table.sheet.rows
    return {"".join(str(rows[r][index]).split()) for r in table.data_rows
            if index < len(rows[r]) and str(rows[r][index]).strip()}
