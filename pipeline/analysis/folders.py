"""Which branches an input folder holds, and the checks on input and output folders made
before any work starts."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.errors import UsageError
from pipeline.core.manifest import MANIFEST
from pipeline.core.outputs import check_folder
from pipeline.core.values import natural_key
from pipeline.reading.readers import is_spreadsheet, leaves_folder, list_input_files


def branches(inputs: Path) -> list[tuple[str, Path]]:
    """One branch per sub-folder holding spreadsheets (multi-branch mode), else the folder."""
    if inputs.is_file():
        raise UsageError(f"{inputs} 是一个文件，不是文件夹。请指定台账所在的文件夹，如 INPUTS=台账2023")
    if not inputs.is_dir():
        raise UsageError(f"找不到输入文件夹：{inputs}。请把台账文件放进该文件夹，或用 INPUTS=文件夹 指定")
    subs = [p for p in sorted(inputs.iterdir(), key=lambda p: (natural_key(p.name), p.name))
            if p.is_dir() and not p.name.startswith(".") and not leaves_folder(p)
            and any(map(is_spreadsheet, list_input_files(p)))]
    if subs:
        loose = [p.name for p in list_input_files(inputs) if is_spreadsheet(p)]
        if loose:
            raise UsageError(f"输入文件夹 {inputs} 中既有支部子文件夹，又有台账文件（{'、'.join(sorted(loose))}）。"
                             "多支部时，请把每个支部的台账放进该支部自己的子文件夹")
        return [(p.name, p) for p in subs]
    if not list_input_files(inputs):
        raise UsageError(f"输入文件夹 {inputs} 中没有台账文件。可先运行 make init 生成空白台账")
    return [("", inputs)]


def check_folders(inputs: Path, outputs: Path | None) -> None:
    if outputs is None:
        return
    i, o = inputs.resolve(), outputs.resolve()
    if o == i or i in o.parents:
        raise UsageError("输出文件夹不能是输入文件夹或位于其中（程序从不改动输入文件夹）。请换一个输出文件夹")
    sample = Path(__file__).resolve().parents[2]  # a checkout: its outputs/ are the sample's, committed
    if (o == sample / "outputs" and i != (sample / "inputs").resolve()
            and (sample / "tools" / "make_sample.py").is_file()):
        raise UsageError(f"{outputs} 存放的是样例台账的输出（已纳入版本管理），不能写入其他台账的输出。"
                         f"请指定另一个输出文件夹，如：make report INPUTS={inputs} OUTPUTS=输出-{inputs.name}")
    check_folder(outputs)  # a file in its place or no permission: said now, before any work


def found_branches(inputs: Path, outputs: Path | None, year: int | None = None,
           previous: Path | None = None) -> list[tuple[str, Path]]:
    """The branches, after checking no output folder lies inside the inputs (nor is last year's)."""
    check_folders(inputs, outputs)
    found = branches(inputs)
    for name, _ in found:
        check_folders(inputs, outputs / name if outputs is not None and name else outputs)
    if previous is not None and outputs is not None and previous.resolve() == outputs.resolve():
        raise UsageError(f"上年度文件夹 {previous} 就是本次的输出文件夹，上年的输出会被覆盖。"
                         "请把本年度输出到另一个文件夹，如 OUTPUTS=输出" + str(year or "本年度"))
    if previous is not None and not previous.exists():  # once, not as a failure of every branch
        raise UsageError(f"找不到上年度文件夹：{previous}。PREVIOUS 应为上年度的输出文件夹（其中有 metrics.json）"
                         "或台账文件夹")
    return found


def check_ours(outputs: Path) -> None:
    """Refuse an output folder that holds files this tool never wrote (a home folder, another
    program's folder): same-named files there would be replaced. --force overrides."""
    if not outputs.is_dir():
        return
    entries = [p for p in outputs.iterdir() if not p.name.startswith((".", "~$"))]
    if not entries:
        return
    places = [outputs, *(p for p in entries if p.is_dir())]
    if any((place / MANIFEST).is_file() for place in places):
        return
    shown = "、".join(sorted(p.name for p in entries)[:5]) + ("等" if len(entries) > 5 else "")
    raise UsageError(f"输出文件夹 {outputs} 中已有不是本程序生成的文件（{shown}），为免覆盖，没有写入。"
                     f"请换一个新的或空的输出文件夹，如 OUTPUTS=输出；确认可以写入时加 --force（如 ARGS=--force）")

