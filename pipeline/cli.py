"""Command line: parse options, call one library function, map typed errors to exit codes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path
from typing import NoReturn

import click

from pipeline import api
from pipeline.core.errors import PipelineError
from pipeline.core.names import BlankStatus, LedgerKind
from pipeline.core.outputs import VALIDATION_XLSX
from pipeline.core.startup import skip_numpy
from pipeline.core.values import printable

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
COMMAND = "dangjian-report"  # the console script of the installed package (pyproject.toml)
# Everything else was written but the PDFs asked for with --pdf were not (no LibreOffice, or it
# failed or hung): scripts collecting PDFs must not take the run for complete.
EXIT_NO_PDF = 4
# Stopped from outside, as shells report it (128 + the signal): Ctrl-C, and a polite kill.
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so every write in progress is undone on the way out."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated

_inputs = click.option("--inputs", "inputs", type=click.Path(path_type=Path), default=Path("inputs"),
                       show_default=True, help="台账所在文件夹")
_year = click.option("--year", type=click.IntRange(1949, 2100), default=None, help="报告年度，如 2023")
_jobs = click.option("--jobs", type=click.IntRange(1, 256), default=None, show_default="CPU 核数",
                     help="多支部时同时处理的支部数（进程数）")
_verbose = click.option("--verbose", is_flag=True, help="多支部时逐条列出每个支部的问题")
_previous = click.option("--previous", type=click.Path(path_type=Path), default=None,
                         help="上年度的输出文件夹（其中有 metrics.json）或台账文件夹，用于与上年比较")
_config = click.option("--config", "config", type=click.Path(path_type=Path), default=None,
                       help="规则设置文件（默认：当前文件夹中的 pipeline.toml，没有时用内置的默认设置）")
_pdf = click.option("--pdf", is_flag=True, help="同时生成 PDF（需要安装 LibreOffice）")
_force = click.option("--force", is_flag=True,
                      help="输出文件夹里已有不是本程序生成的文件时仍然写入（同名文件会被替换，修改过的报告仍另存）")


class _Cli(click.Group):
    """A click group whose every way out is a Chinese message and a documented exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            super().main(args=args, prog_name=prog_name or "python -m pipeline",
                         complete_var=complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else "")
            sys.exit(EXIT_OK)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("已中断（Ctrl-C），没有写出不完整的文件；下次运行会清理中断留下的临时文件。", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Terminated:
            click.echo("已被终止，没有写出不完整的文件；下次运行会清理中断留下的临时文件。", err=True)
            sys.exit(EXIT_TERMINATED)
        except click.ClickException as exc:
            click.echo(f"用法错误：{_usage_message(exc)}", err=True)
            sys.exit(EXIT_USAGE)
        except PipelineError as exc:
            click.echo(f"错误：{exc}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:  # a defect, not bad input: say so plainly, keep the details
            click.echo(f"程序内部错误（{type(exc).__name__}：{exc}）。输入文件没有被改动；输出文件夹中"
                       "本次可能只写出了一部分文件，请不要使用。请把输入文件和这段提示发给维护人员；"
                       "设置环境变量 PIPELINE_DEBUG=1 可显示详细信息。", err=True)
            if os.environ.get("PIPELINE_DEBUG"):
                raise
            sys.exit(EXIT_INTERNAL)
        sys.exit(EXIT_OK)


_HELP = {"help_option_names": ["-h", "--help"]}


@click.group(cls=_Cli, context_settings=_HELP, help="党支部书记抓党建工作述职报告生成工具。")
@click.help_option("-h", "--help", help="显示帮助并退出")
def cli() -> None:
    pass


@cli.command(help="读取台账、生成述职报告（Word）、指标和校验报告。")
@_inputs
@click.option("--outputs", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="输出文件夹")
@_year
@click.option("--template", type=click.Path(path_type=Path), default=None, help="自定义 Word 模板")
@click.option("--keep-going", is_flag=True, help="有错误时仍用无误的行生成报告")
@_config
@_pdf
@_previous
@_jobs
@_verbose
@_force
def report(inputs, outputs, year, template, keep_going, config, pdf, previous, jobs, verbose, force) -> None:
    console = _Console(report=True, verbose=verbose)
    runs = api.run_report(inputs, outputs, year, template, keep_going, config, previous, jobs=jobs,
                          listener=console, detail=verbose, pdf=pdf, force=force)
    if isinstance(runs, api.Batch):
        _finish_batch(runs, outputs, report=True, inputs=inputs, pdf=runs.pdf)
    _finish(runs, outputs, report=True, keep_going=keep_going, inputs=inputs,
            pdf=api.export_pdf(runs, report=True) if pdf else None)


@cli.command(help="只校验台账，列出全部问题（指定 --outputs 时写出校验报告）。")
@_inputs
@click.option("--outputs", type=click.Path(path_type=Path), default=None, help="校验报告的输出文件夹")
@_year
@_config
@_pdf
@_previous
@_jobs
@_verbose
@_force
def check(inputs, outputs, year, config, pdf, previous, jobs, verbose, force) -> None:
    if pdf and outputs is None:
        raise click.UsageError("--pdf 需要同时指定 --outputs（校验报告的 PDF 写在那里）")
    console = _Console(report=False, verbose=verbose)
    runs = api.run_check(inputs, outputs, year, config, previous, jobs=jobs, listener=console, detail=verbose,
                         pdf=pdf, force=force)
    if isinstance(runs, api.Batch):
        _finish_batch(runs, outputs, report=False, inputs=inputs, pdf=runs.pdf)
    _finish(runs, outputs, report=False, keep_going=False, inputs=inputs,
            pdf=api.export_pdf(runs, report=False) if pdf else None)


@cli.command(help="生成空白台账（每种台账一个 Excel 工作簿），已有的文件不会被覆盖。")
@_inputs
@click.option("--year", type=click.IntRange(1949, 2100), default=lambda: dt.date.today().year,
              show_default="今年", help="台账年度，如 2023")
@click.option("--previous", type=click.Path(path_type=Path), default=None,
              help="上年度的台账文件夹（或输出文件夹）：预填党员名册和整改台账")
def init(inputs, year, previous) -> None:

    prefilled: dict = {}
    files = api.run_init(inputs, year, previous, prefilled)
    written = [p for p, status in files if status == BlankStatus.WRITTEN]
    skipped = [p for p, status in files if status == BlankStatus.SKIPPED]
    others = [p for p, status in files if status == BlankStatus.OTHER]
    if written:
        click.echo(f"已生成 {len(written)} 个{year}年度空白台账：")
        for path in written:
            click.echo(f"  {path}")
    if prefilled:
        counts = "、".join(f"{kind} {prefilled[kind]} 行" for kind in (LedgerKind.ROSTER, LedgerKind.RECTIFY) if kind in prefilled)
        click.echo(f"已按上年度预填：基本信息（支部名称、书记、上级党组织）、{counts}（取自 {prefilled['来源']}）。"
                   "请核对：书记有变动的改正基本信息，党员名册删去已转出的党员、补上新党员；"
                   "整改台账逐条填写整改措施、责任人、完成时限和完成情况。")
    for path in skipped:
        click.echo(f"已存在，未覆盖：{path}")
    if others:
        click.echo(f"注意：{inputs} 中还有其他台账（{'、'.join(p.name for p in others)}），检查和生成报告时也会读取。"
                   "如果是样例，请移走，或换一个文件夹：make init INPUTS=新文件夹")
    click.echo(f"台账在 {inputs}。下一步：用 Excel 或 WPS 打开填写（第3行是示例，不会统计；"
               f"各表的“填表说明”页有填写要求），填好后运行 {_make('check', inputs)} 检查。")


@cli.command(name="diff", help="比较两个输出文件夹（两稿或两年），写出差异报告.md 和 差异报告.xlsx。"
                             "一致时退出码为 0，有差异时为 1。")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--outputs", type=click.Path(path_type=Path), default=None,
              help="差异报告的输出文件夹（默认写入 NEW 文件夹）")
def diff_command(old, new, outputs) -> None:

    results = api.run_diffs(old, new, outputs)
    for branch in results:
        label = f"【{branch.name}】" if branch.name else ""
        result = branch.diff
        if result is None:
            click.echo(f"{label}只在{branch.only_in}输出文件夹中有这个支部，无法比较。")
            continue
        if not result.differs:
            click.echo(f"{label}两份输出一致：数字、台账行、检查发现和报告段落都相同。")
        else:
            click.echo(f"{label}有差异：{api.diff_summary(result)}。")
            for change in result.numbers:
                click.echo(f"{label}  {change.name}：{api.show_value(change.old)} → {api.show_value(change.new)}")
        for note in result.notes:
            click.echo(f"{label}注意：{note}")
    click.echo("差异报告：")
    for path in (p for branch in results for p in branch.written):
        click.echo(f"  {path}")
    if any(branch.differs for branch in results):
        sys.exit(EXIT_DATA)


@cli.command(help="述职评议：对多支部的输出文件夹生成测评表、点评提纲、三张清单和测评结果表；"
                  "填好测评结果后再运行，生成评议结果和各支部的反馈意见。")
@click.option("--outputs", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="make report 生成的多支部输出文件夹")
@click.option("--results", type=click.Path(path_type=Path), default=None,
              help="填好的测评结果.xlsx（默认读取输出文件夹中已填写的测评结果.xlsx）")
@click.option("--config", type=click.Path(path_type=Path), default=None, help="述职评议设置文件（见 docs/述职评议.md）")
def evaluate(outputs, results, config) -> None:
    done = api.run_evaluate(outputs, results, config)
    for line in done.skipped:
        click.echo(f"未列入评议：{line}")
    for notice in done.notices:
        click.echo(notice)
    click.echo(f"共评议 {len(done.branches)} 个支部；共性问题 {len(done.common)} 项"
               + (f"；已读取测评结果 {done.results_source}（{len(done.results)} 名书记）。" if done.results else "。"))
    click.echo("已生成：")
    for path in done.written:
        click.echo(f"  {path}")
    if not done.results:
        click.echo(f"下一步：打印述职评议测评表；评议后把票数填入 {outputs / '测评结果.xlsx'}，再运行 make evaluate "
                   f"OUTPUTS={outputs}，生成评议结果和反馈意见。")


def _make(command: str, inputs: Path | None) -> str:
    """The make command to run next, naming the ledger folder unless it is the default."""
    return f"make {command}" + ("" if inputs in (None, Path("inputs")) else f" INPUTS={inputs}")


def _finish(runs: list[api.BranchRun], outputs: Path | None, *, report: bool, keep_going: bool,
            inputs: Path | None = None, pdf=None) -> None:
    """Print every problem, a one-line summary per branch, where outputs are, what to do next."""
    failed = False
    for run in runs:
        label = f"【{printable(run.name)}】" if run.name else ""
        for line in run.detail_lines(accounts=not report):
            click.echo(label + line)
        counts = run.log.counts()
        findings = f"，规则检查发现 {len(run.findings)} 项" if run.findings else ""
        hints = f"，{len(run.log.infos)} 条提示" if run.log.infos else ""
        click.echo(f"{label}校验完成：{counts['错误']} 个错误，{counts['警告']} 个警告{hints}{findings}。")
        if counts["错误"]:
            failed = True
            if report and run.report_written:
                click.echo(f"{label}已按 --keep-going 生成报告，出错的行未计入，详见校验报告。")
            elif report:
                click.echo(f"{label}因有错误，未生成报告。")
        elif report and run.report_written:
            click.echo(f"{label}报告已生成。")
        for notice in run.notices:
            click.echo(label + notice)
    written = [p for run in runs for p in run.written]
    if written:
        folder = outputs if outputs is not None else written[0].parent
        click.echo(f"输出文件在 {folder}：")
        for path in written:
            click.echo(f"  {path}")
    if pdf is not None and pdf.problem:
        click.echo(pdf.problem)
    click.echo(_next_step(runs, report=report, failed=failed, inputs=inputs))
    if failed:
        sys.exit(EXIT_DATA)
    if pdf is not None and pdf.problem:
        sys.exit(EXIT_NO_PDF)


def _next_step(runs: list[api.BranchRun], *, report: bool, failed: bool, inputs: Path | None) -> str:
    """The last console line: what to do now."""
    if not failed:
        return ("下一步：打开 .docx 报告审阅修改；校验报告列出了需要核对的警告。" if report
                else f"下一步：运行 {_make('report', inputs)} 生成述职报告。")
    again = _make("report" if report else "check", inputs)
    sheets = [p for run in runs if run.log.errors for p in run.written if p.name == VALIDATION_XLSX]
    if not sheets:
        return f"下一步：改正台账后重新运行 {again}（它会在 outputs 中写出标出问题单元格的 校验报告.xlsx）。"
    where = sheets[0] if len(sheets) == 1 else "各支部文件夹中的 校验报告.xlsx"
    return f"下一步：打开 {where}，看“全部问题”和标出的单元格，改正台账后重新运行 {again}。"


class _Console:
    """The console of a multi-branch run: on a terminal one progress line rewritten in place,
    otherwise (a log, a pipe) one line per branch; per-issue lines only with --verbose."""

    def __init__(self, *, report: bool, verbose: bool, tty: bool | None = None) -> None:
        self.report, self.verbose = report, verbose
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.shown = ""

    def started(self, total: int, jobs: int, notices: list[str]) -> None:
        for notice in notices:
            click.echo(notice)
        click.echo(f"共 {total} 个支部，" + (f"用 {jobs} 个进程同时处理。" if jobs > 1 else "逐个处理。"))

    def progress(self, done: int, total: int, with_errors: int) -> None:
        if self.tty:
            self._clear()
            self.shown = f"已完成 {done}/{total} 个支部，{with_errors} 个有错误" + (" ……" if done < total else "。")
            click.echo(self.shown, nl=False)

    def _clear(self) -> None:
        """Blank the progress line with spaces (no ANSI codes: old Windows consoles print them)."""
        if self.shown:
            width = sum(2 if ord(ch) > 0x7F else 1 for ch in self.shown)  # wide in CJK consoles
            click.echo("\r" + " " * width + "\r", nl=False)

    def branch(self, outcome: api.Outcome) -> None:
        label = f"【{printable(outcome.name)}】"
        lines = [label + line for line in outcome.detail]
        if not self.tty:
            lines.append(label + branch_line(outcome, self.report))
        lines += [label + notice for notice in outcome.notices]
        if not lines:
            return
        if self.tty:  # above the progress line, which is drawn again below them
            self._clear()
        for line in lines:
            click.echo(line)
        if self.tty:
            click.echo(self.shown, nl=False)

    def finished(self) -> None:
        if self.tty and self.shown:
            click.echo("")


def branch_line(outcome: api.Outcome, report: bool) -> str:
    """One branch in one line: its counts and whether its report was written."""
    row = outcome.row
    if outcome.failed:
        return f"未能处理：{row.reason}。"
    text = f"{row.errors} 个错误，{row.warnings} 个警告"
    if not row.errors:  # with errors the rules are not judged on the incomplete figures
        text += f"，规则检查发现 {len(row.findings)} 项"
    if row.errors and row.report_written:
        return text + "；已按 --keep-going 生成报告，出错的行未计入。"
    if report:
        return text + ("；报告已生成。" if row.report_written else "；因有错误，未生成报告。")
    return text + "。"


def _finish_batch(batch: api.Batch, outputs: Path | None, *, report: bool, inputs: Path | None, pdf=None) -> NoReturn:
    """The closing lines: the count, every branch that failed and where its 校验报告 is, next step."""
    outcomes = batch.outcomes
    bad = [o for o in outcomes if o.has_errors]
    failed = sum(1 for o in bad if o.failed)
    parts = [f"{sum(1 for o in outcomes if o.row.report_written)} 个已生成报告" if report
             else f"{len(outcomes) - len(bad)} 个没有错误"]
    parts += [f"{n} 个{what}" for n, what in ((len(bad) - failed, "有错误"), (failed, "未能处理")) if n]
    click.echo(f"共 {len(outcomes)} 个支部：{'，'.join(parts)}。")
    if bad:
        click.echo(f"有错误或未能处理的支部（{len(bad)} 个）：")
        for outcome in bad:
            what = (f"未能处理（{outcome.row.reason}）" if outcome.failed
                    else f"{outcome.row.errors} 个错误")
            where = outcome.validation_report()
            click.echo(f"  {printable(outcome.name)}：{what}" + (f"，校验报告在 {printable(str(where))}" if where else ""))
    for notice in batch.summary_notices:
        click.echo(notice)
    if batch.summary:
        click.echo(f"汇总在 {'、'.join(str(p) for p in batch.summary)}；各支部的文件在 {outputs} 中该支部的文件夹里。")
    elif outputs is not None:
        click.echo(f"各支部的校验报告在 {outputs} 中该支部的文件夹里。")
    if pdf is not None:
        click.echo(pdf.problem or f"已生成 PDF {len(pdf.written)} 份，与 Word 和 Excel 文件放在一起。")
    if not bad:
        click.echo("下一步：打开各支部汇总.xlsx 审阅，再打开各支部的 .docx 报告审阅修改。" if report
                   else f"下一步：运行 {_make('report', inputs)} 生成述职报告。")
        sys.exit(EXIT_NO_PDF if pdf is not None and pdf.problem else EXIT_OK)
    again = _make("report" if report else "check", inputs)
    if outputs is None:
        click.echo(f"下一步：改正上列支部的台账后重新运行 {again}（加 --outputs 可写出标出问题单元格的 校验报告.xlsx）。")
    else:
        click.echo(f"下一步：打开上列支部的 校验报告.xlsx，改正台账后重新运行 {again}。")
    sys.exit(EXIT_DATA)


_USAGE_HINT = "运行 python -m pipeline --help 查看用法。"
# What a parameter takes, in place of click's English explanation.
_EXPECTED = {"year": "应为 1949 至 2100 之间的四位年份，如 2023"}


def _usage_message(exc: click.ClickException) -> str:
    if isinstance(exc, click.NoSuchOption):
        return f"没有这个选项：{exc.option_name}。{_USAGE_HINT}"
    if isinstance(exc, click.MissingParameter):
        return f"缺少参数：{exc.param.name if exc.param else ''}。{_USAGE_HINT}"
    if isinstance(exc, click.BadParameter):
        name = exc.param.opts[0] if exc.param is not None and exc.param.opts else ""
        expected = _EXPECTED.get(exc.param.name if exc.param is not None else "", exc.message)
        return f"参数 {name} 的值无效（{expected}）。{_USAGE_HINT}"
    if isinstance(exc, click.UsageError) and "No such command" in exc.message:
        return f"没有这个命令（可用：report、check、init、diff）。{_USAGE_HINT}"
    return f"命令用法有误：{exc.format_message()}。{_USAGE_HINT}"




def main(argv: list[str] | None = None) -> None:
    """Entry point for `python -m pipeline` and the installed `dangjian-report` command; never
    shows a traceback for user mistakes."""
    installed = Path(sys.argv[0]).stem == COMMAND
    signal.signal(signal.SIGTERM, _on_sigterm)
    skip_numpy()
    cli.main(args=argv, prog_name=COMMAND if installed else None)


# The branch portal (pipeline/web, docs/portal.md): its own commands, parsed there; Django is
# imported only when this command runs (requirements-web.lock).
@cli.command(name="web", help="党建述职门户：serve、adduser、import 等（见 docs/portal.md）。",
             context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def web(args) -> None:
    try:
        from pipeline.web.__main__ import main as web_main
    except ImportError as exc:  # pragma: no cover - without the web lock installed
        from pipeline.core.errors import UsageError

        raise UsageError(f"门户需要的软件包没有安装（{exc.name}）：请用 make serve 启动") from None
    sys.exit(web_main(list(args)))
