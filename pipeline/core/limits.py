"""How big a ledger file the pipeline reads: the one place the limits live.

A file past a limit is refused by name before it is read (pipeline/reading/readers.py), with its
own figure and the limit; a 组织部 that really keeps one huge workbook raises them in the
[limits] section of pipeline.toml (pipeline/rules/settings.py reads and checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one ledger file may be: its size, its size unpacked (an .xlsx or .ods is a zip), and
    how far a sheet's cells reach from A1 (the grid is allocated to its farthest cell)."""

    file_mb: int = 100
    unpacked_mb: int = 200
    rows: int = 1_000_000  # Excel's own limit is 1,048,576; no branch ledger comes near
    cells: int = 20_000_000  # rows x columns counted from A1

    @property
    def file_bytes(self) -> int:
        return self.file_mb * MB

    @property
    def unpacked_bytes(self) -> int:
        return self.unpacked_mb * MB


DEFAULT = Limits()

# The keys of [limits] in pipeline.toml: (lowest, highest, what it is). The highest values keep a
# run within what a 64-bit office PC can hold (a grid of 200 million cells is several GB).
SETTABLE: dict[str, tuple[int, int, str]] = {
    "file_mb": (1, 4096, "一个台账文件最大的大小（MB）"),
    "unpacked_mb": (1, 16384, "一个 .xlsx/.ods 台账解压后最大的大小（MB）"),
    "rows": (1, 1_048_576, "一张工作表最多的行数（从第1行算起）"),
    "cells": (1, 200_000_000, "一张工作表最多的单元格数（行数 × 列数，从 A1 算起）"),
}


def mb(size: int) -> str:
    """A size in bytes as people read it: 1.5 MB, 350 MB."""
    value = size / MB
    return f"{value:.1f} MB" if value < 10 else f"{value:,.0f} MB"
