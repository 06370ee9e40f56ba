"""Benchmark (`make bench`): the pipeline against bare library calls on the same files.

1. `check` on a 200,000-row x 8-column ledger vs a bare python-calamine read of the same file
   vs pandas.read_excel(engine="openpyxl"). Target: check within 2x of the bare read, also
   when writing the validation reports and when one row in 200,000 is bad (stretch: 1.5x).
2. The whole `report` run on the sample vs a bare docxtpl render of the same template and
   context. Target: the pipeline's own work (ingest to context) costs less than the render.
The big workbook is built once and cached in .bench/ (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = ROOT / ".bench"
ROWS = 200_000
TYPES = ["支委会", "党员大会", "党课", "主题党日", "专题研讨", "固定党日", "支部委员会", "讲党课"]


def build_big(folder: Path, rows: int, bad_row: int | None = None) -> Path:
    """One 组织生活台账 of `rows` x 8 columns (dates as cells and as text), plus 基本信息;
    `bad_row` (0-based data row) gets an impossible date."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "big.xlsx"
    if path.exists():
        return path
    wb = openpyxl.Workbook(write_only=True)
    info = wb.create_sheet("基本信息")
    for row in (["党支部名称", "基准测试党支部"], ["支部书记", "测试"], ["年度", 2023]):
        info.append(row)
    ws = wb.create_sheet("组织生活")
    ws.append(["序号", "日期", "类型", "主题", "主讲人", "主讲人类别", "应到人数", "实到人数"])
    start = dt.date(2023, 1, 1)
    for i in range(rows):
        day = start + dt.timedelta(days=i % 365)
        date = day if i % 3 else f"{day.year}年{day.month}月{day.day}日"
        if i == bad_row:
            date = "2023年2月30日"
        ws.append([i + 1, date, TYPES[i % len(TYPES)], f"第{i + 1}次学习", "张三",
                   "书记" if i % 2 else "", 10, "9"])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.rename(path)
    return path


def timed(label: str, func, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    print(f"  {label:<44} {best:8.3f} s")
    return best


def bench_check(rows: int, skip_pandas: bool) -> None:
    import python_calamine

    from pipeline import api

    folder = CACHE / f"check-{rows}"
    bad_folder = CACHE / f"check-{rows}-one-bad"
    print(f"构建/读取缓存的基准工作簿：{rows} 行 x 8 列 ……")
    path = build_big(folder, rows)
    build_big(bad_folder, rows, bad_row=rows // 2)
    print(f"1) check 对比裸读取（{path.relative_to(ROOT)}）")

    def bare():
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python(skip_empty_area=False)

    def check():
        runs = api.run_check(folder, None, None)
        assert runs[0].metrics["组织生活"]["支委会"] > 0

    def check_written(inputs: Path, errors: int):
        def run():
            with tempfile.TemporaryDirectory() as out:
                runs = api.run_check(inputs, Path(out), None)
                assert runs[0].log.counts()["错误"] == errors
        return run

    t_bare = timed("python-calamine 裸读取", bare, repeat=3)
    t_check = timed("pipeline check（读取+识别+规范化+汇总+规则）", check, repeat=3)
    t_clean = timed("check --outputs（另写出校验报告），无错误", check_written(folder, 0), repeat=3)
    t_bad = timed(f"check --outputs，{rows} 行中 1 行有错", check_written(bad_folder, 1), repeat=3)
    for label, t in (("check", t_check), ("check --outputs，无错误", t_clean), ("check --outputs，1 行有错", t_bad)):
        print(f"  {label} / 裸读取 = {t / t_bare:.2f} 倍（目标 ≤ 2 倍，争取 ≤ 1.5 倍）")
    if not skip_pandas:
        import pandas

        timed("pandas.read_excel(engine='openpyxl')",
              lambda: pandas.read_excel(path, sheet_name=None, engine="openpyxl"))


def bench_report() -> None:
    from docxtpl import DocxTemplate
    from jinja2 import Environment, StrictUndefined

    from pipeline import api
    from pipeline.cnfmt import FILTERS
    from pipeline.context import build_context
    from pipeline.settings import load

    print("2) 样例 report 全流程对比裸 docxtpl 渲染")
    inputs = ROOT / "inputs"
    holder = {}

    def pipeline_work():
        run = api.analyse(inputs, "", None, load(None))
        holder["context"] = build_context(run.metrics)

    def bare_render():
        env = Environment(undefined=StrictUndefined, autoescape=True)
        env.filters.update(FILTERS)
        tpl = DocxTemplate(str(api.DEFAULT_TEMPLATE))
        tpl.render(holder["context"], env, autoescape=True)

    def whole_report():
        with tempfile.TemporaryDirectory() as out:
            api.run_report(inputs, Path(out), None)

    t_work = timed("读取到上下文（ingest → context）", pipeline_work, repeat=5)
    t_render = timed("裸 docxtpl 渲染（同一模板和上下文）", bare_render, repeat=5)
    timed("report 全流程（含渲染与写出全部文件）", whole_report, repeat=3)
    print(f"  读取到上下文 / 裸渲染 = {t_work / t_render:.2f}（目标 < 1）")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--skip-pandas", action="store_true", help="skip the slow openpyxl read")
    args = parser.parse_args()
    bench_check(args.rows, args.skip_pandas)
    bench_report()


if __name__ == "__main__":
    main()
