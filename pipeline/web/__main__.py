"""`python -m pipeline.web COMMAND` (also `python -m pipeline web COMMAND`): serve, adduser,
import, and any Django management command (migrate, createsuperuser, …)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from pipeline.web.commands import main as run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
