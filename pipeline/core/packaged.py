"""Files shipped inside the package (pipeline/data): the default template and default settings.

Found with importlib.resources, so an installed wheel finds them wherever it is run from.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from importlib.resources import as_file, files
from pathlib import Path

_extracted = ExitStack()
atexit.register(_extracted.close)


def data_file(name: str) -> Path:
    """A real path to pipeline/data/<name> (extracted to a temporary file for a zipped install)."""
    resource = files("pipeline").joinpath("data").joinpath(name)
    if isinstance(resource, Path):
        return resource
    return _extracted.enter_context(as_file(resource))


DEFAULT_TEMPLATE_NAME = "default.docx"
DEFAULT_SETTINGS_NAME = "pipeline.toml"
DEFAULT_TEMPLATE = data_file(DEFAULT_TEMPLATE_NAME)  # built by tools/build_template.py
