"""The one exception tree. Messages are Chinese because users read them verbatim."""


class PipelineError(Exception):
    """Base of every error the CLI maps to an exit code."""

    exit_code = 1


class UsageError(PipelineError):
    """Bad command-line usage or a missing/invalid input folder or template (exit 2)."""

    exit_code = 2


class TemplateError(UsageError):
    """A Word template that cannot be used: unknown variable, broken tags, unreadable file."""


class ConfigError(UsageError):
    """The project file (pipeline.toml) is invalid."""


class WrongYearError(PipelineError):
    """The ledgers are for another year than the one asked for (exit 1: the data says so)."""


class OutputError(UsageError):
    """An output folder or file that cannot be written: not a folder, no permission, or a file
    held open by Word/Excel/WPS (exit 2, with what to do)."""
