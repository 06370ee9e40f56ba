"""Project settings (pipeline.toml). Placeholder until the rule-check work lands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Settings:
    pass


def load(path: Path | None) -> Settings:
    return Settings()
