"""What a process of the pipeline's own does once, when it starts (the command, each worker of a
multi-branch run): nothing a library calling the public API would want done to its process."""

from __future__ import annotations

import sys


def skip_numpy() -> None:
    """Tell Python numpy is not installed, unless something has imported it already.

    openpyxl imports numpy when it finds it (~0.1 s of CPU and ~12 MB in every process) only so
    that numpy numbers may be written into cells; the pipeline writes none, and its runtime lock
    has no numpy. An office whose Python carries numpy anyway (Anaconda, a shared venv) would pay
    for it in the command and in every worker.
    """
    sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]
