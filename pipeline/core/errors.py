"""The one exception tree. Messages are Chinese because users read them verbatim; ContractError
(a defect of the program) stands outside it, so the CLI treats it as any other internal error."""


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


class ContractError(Exception):
    """A defect of the program, not of the input: a stage broke its contract with the next (a
    metrics key missing from pipeline/core/variables.py …). Deliberately not a PipelineError, so the
    CLI reports it as 程序内部错误 with exit 3."""
