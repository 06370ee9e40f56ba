"""Regenerate the generated parts of the user documentation (docs/*.md) from the code: ledgers,
duplicate keys, template variables, filters, rule settings, command-line options and the FAQ's
real messages.

    python tools/gen_readme_tables.py          # rewrite the docs files whose parts are out of step
    python tools/gen_readme_tables.py --check  # exit 1 when any part is out of step

Each part sits between `<!-- 名称开始 -->` and `<!-- 名称结束 -->` in the file PARTS names for it;
tests/test_readme.py checks them (and the README that links to those files).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.core import vocab  # noqa: E402
from pipeline.writing.blank import blank_columns, describe, file_name, ledger_kinds  # noqa: E402

README = ROOT / "README.md"
DOCS = ROOT / "docs"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


# ---------------------------------------------------------------- ledgers

def _init_files() -> dict[str, str]:
    """The file `make init` writes for each kind, as the docs say it: a kind after 整改台账 is
    numbered one higher when init writes the 整改台账 too (with PREVIOUS=)."""
    plain = {k.name: file_name(n, k) for n, k in enumerate(ledger_kinds(rectify=False), 1)}
    full = {k.name: file_name(n, k) for n, k in enumerate(ledger_kinds(rectify=True), 1)}
    out = {}
    for name, path in full.items():
        if name not in plain:
            out[name] = f"`{path}`（只在 make init 加 PREVIOUS=上年文件夹 时生成）"
        elif plain[name] != path:
            out[name] = f"`{plain[name]}`（加 PREVIOUS= 时为 `{path}`）"
        else:
            out[name] = f"`{path}`"
    return out


def ledger_tables() -> list[str]:
    """What goes in each ledger: one overview row per kind, then every column."""
    files = _init_files()
    overview = [[k.name, files.get(k.name, "（不生成，可自建）"), k.help, "、".join(k.required)] for k in vocab.KINDS]
    lines = _table(["台账", "`make init` 生成的文件", "填什么", "必填列"], overview)
    lines += ["", "各列的填写要求（表头也可以用“也可写作”中的名称，程序同样认得）：", ""]
    rows = []
    for kind in vocab.KINDS:
        synonyms = {c.name: c.synonyms for c in kind.columns}
        months = []
        for column in blank_columns(kind):
            if column.name not in synonyms:  # 党费 1月…12月: one row for the twelve
                months.append(column)
                if len(months) == 12:
                    rows.append([kind.name, "1月 … 12月", "选填", describe(column), "一月、01月、2023年1月、2023-01"])
                continue
            rows.append([kind.name, column.name, "**必填**" if column.required else "选填", describe(column),
                         "、".join(synonyms[column.name])])
    return lines + _table(["台账", "列", "必填", "填写要求", "也可写作"], rows)


def key_table() -> list[str]:
    """What makes two rows the same record, per ledger (vocab.Kind.key, vocab.KEY_FIELDS)."""
    always = "、".join(vocab.ALWAYS_KEY)
    rows = []
    for kind in vocab.KINDS:
        if kind.name == "基本信息":
            continue
        fields = [f"{k}（{vocab.KEY_FIELDS[k]}）" if k in vocab.KEY_FIELDS else k for k in kind.key]
        rows.append([kind.name, "、".join(fields)])
    lines = _table(["台账", "这些内容全都相同，才是同一条记录"], rows)
    return lines + ["", f"此外，每种台账都要比较“{always}”（{vocab.KEY_FIELDS['期间']}）：不同期间的表中的行不是同一条记录。"]


# ---------------------------------------------------------------- template variables

def variables_table() -> list[str]:
    """Every name a Word template may use (pipeline/core/variables.py): metrics.json keys, then the
    derived sentences; a run's metrics are checked against the same table."""
    from pipeline.core.variables import VARIABLES

    rows = [[f"`{v.name}`", "派生" if v.derived else "指标", v.kind, v.text + (f"；{v.when}" if v.when else "")]
            for v in VARIABLES]
    return _table(["变量", "来源", "类型", "含义"], rows)


FILTERS: dict[str, tuple[str, str]] = {
    "数字": ("整数不带“.0”，小数最多2位", "`{{ 学习.人均心得体会篇数|数字 }}` → 3"),
    "约数": ("取整并加“余”", "`{{ 学习.人均笔记字数|约数 }}` → 3万余"),
    "万": ("1万以上用“万”表示", "`{{ 学习.笔记总字数|万 }}` → 30.51万"),
    "金额": ("元，有角分时保留2位小数", "`{{ 党费.实缴总额|金额 }}` → 5760"),
    "万元": ("金额带单位，1万元以上用“万元”", "`{{ 党费.实缴总额|万元 }}` → 5760元"),
    "数量": ("台账数量带单位和“余”", "`{{ 其他事项.购买规定学习读本|数量 }}` → 100本"),
    "序号": ("中文数字", "`{{ loop.index|序号 }}` → 一"),
    "大标题": ("一级标题序号", "`{{ loop.index|大标题 }}` → 一、"),
    "小标题": ("二级标题序号", "`{{ loop.index|小标题 }}` → （一）"),
    "一是": ("段内列举", "`{{ loop.index|一是 }}` → 一是"),
    "日期": ("中文日期", "`{{ 日期|日期 }}` → 2023年3月5日"),
    "月份": ("月份", "`{{ 3|月份 }}` → 3月"),
    "顿号": ("用“、”连接", "`{{ 名单|顿号 }}` → 张三、李四"),
}


def filters_table() -> list[str]:
    """The formatting filters (`{{ 变量|过滤器 }}`) of pipeline.core.cnfmt."""
    from pipeline.core.cnfmt import FILTERS as CODE

    if set(CODE) != set(FILTERS):
        raise SystemExit(f"tools/gen_readme_tables.py 的 FILTERS 与 pipeline.core.cnfmt.FILTERS 不一致："
                         f"{sorted(set(CODE) ^ set(FILTERS))}")
    return _table(["过滤器", "作用", "例子"], [[f"`{name}`", *FILTERS[name]] for name in CODE])


# ---------------------------------------------------------------- rule settings

_PERIODS = {"month": "每月", "quarter": "每季度", "year": "全年"}


def rules_table() -> list[str]:
    """Every rule of pipeline.toml with its settable keys and defaults, and its source: the
    document with its article and whether it is the 党章, a 条例, a 规定 or local practice."""
    from pipeline.rules.settings import CHOICES, NUMBERS, SWITCHES
    from pipeline.rules.table import RULES

    def meaning(key: str) -> str:
        if key in NUMBERS:
            return NUMBERS[key][2]
        return SWITCHES[key] if key in SWITCHES else CHOICES[key][1]

    def shown(value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return f'"{value}"' if isinstance(value, str) else str(value)

    rows = []
    for rule in RULES:
        keys = ["`enabled = true`"]
        if rule.threshold is not None:
            keys.append(f"`threshold = {rule.threshold}`（{_PERIODS[rule.period]}最少次数）")
        keys += [f"`{k} = {shown(v)}`（{meaning(k)}）" for k, v in rule.options.items()]
        keys.append("`source`（依据）、`source_kind`（依据类别）")
        rows.append([f'`[rules."{rule.id}"]`', rule.name, "<br>".join(keys), rule.source, rule.kind])
    return _table(["节名", "检查什么", "可设置项（默认值）", "默认依据", "依据类别"], rows)


# ---------------------------------------------------------------- command-line options

# What each positional argument is (click keeps no help text for arguments).
ARGUMENTS: dict[str, str] = {
    "old": "旧的输出文件夹（第一稿，或上一年度的输出）",
    "new": "新的输出文件夹",
    "args": "门户的子命令及其参数：serve、adduser、import、migrate（见 docs/portal.md）",
}


def options_table() -> list[str]:
    """Every command of `python -m pipeline` with every option, from the click commands."""
    import click

    from pipeline.cli import cli

    rows = []
    for name, command in cli.commands.items():
        rows.append([f"**`{name}`**", "", (command.help or "").strip(), ""])
        for param in command.params:
            if isinstance(param, click.Argument):
                if param.name not in ARGUMENTS:
                    raise SystemExit(f"tools/gen_readme_tables.py 的 ARGUMENTS 缺少命令 {name} 的参数 {param.name}")
                rows.append(["", f"`{(param.name or '').upper()}`", ARGUMENTS[param.name or ""], "必须写"])
                continue
            assert isinstance(param, click.Option)
            if isinstance(param.show_default, str):
                default = param.show_default
            elif param.is_flag:
                default = "不加"
            elif param.show_default and param.default is not None:
                default = f"`{param.default}`"
            else:
                default = "无"
            rows.append(["", f"`{param.opts[0]}`", param.help or "", default])
    return _table(["命令", "选项", "作用", "默认"], rows)


# ---------------------------------------------------------------- FAQ from the real messages

def _workbook(path: Path, sheets: dict[str, list[list]]) -> None:
    from tests.builders import write_xlsx  # the same small workbooks the tests build

    write_xlsx(path, sheets)


_BASIC = [["党支部名称", "第一党支部"], ["支部书记", "王书记"], ["年度", 2023]]
_ROSTER = [["姓名"], ["王书记"], ["张三"], ["李四"]]


def _data_message(sheets: dict[str, list[list]], code: str, folder: Path) -> str:
    from pipeline import api
    from pipeline.rules import settings

    _workbook(folder / "台账.xlsx", {"基本信息": _BASIC, "党员名册": _ROSTER, **sheets})
    run = api.analyse(folder, "", 2023, settings.load(None))
    found = [i.message() for i in run.log.items if i.code == code]
    if not found:
        raise SystemExit(f"FAQ example for issue code {code!r} produced no such issue: update FAQ in this script")
    return found[0]


def _error_message(func: Callable[[Path], object], folder: Path) -> str:
    from pipeline.core.errors import PipelineError

    try:
        func(folder)
    except PipelineError as exc:
        return f"错误：{exc}"
    raise AssertionError("expected an error")


def _no_year(folder: Path):
    from pipeline import api

    _workbook(folder / "名册.xlsx", {"党员名册": _ROSTER})
    return api.run_check(folder, None, None)


def _wrong_year(folder: Path):
    from pipeline import api

    _workbook(folder / "台账.xlsx", {"基本信息": _BASIC[:2], "党员名册": _ROSTER,
                                     **_activities(["2022-03-05", "支委会", "学习", 5], ["2022-04-05", "党课", "学习", 5])})
    return api.run_check(folder, None, 2023)


def _bad_template(folder: Path):
    import docx

    from pipeline import api

    (folder / "in").mkdir()
    _workbook(folder / "in" / "台账.xlsx", {"基本信息": _BASIC, "党员名册": _ROSTER})
    document = docx.Document()
    document.add_paragraph("{{ 组织生活.支委 }}")
    document.save(folder / "我的模板.docx")
    return api.run_report(folder / "in", folder / "out", None, folder / "我的模板.docx")


def _bad_config(folder: Path):
    from pipeline.rules import settings

    (folder / "pipeline.toml").write_text("[rules.党课]\nthreshold = 3\n", encoding="utf-8")
    return settings.load(folder / "pipeline.toml")


def _activities(*rows) -> dict[str, list[list]]:
    return {"组织生活": [["日期", "类型", "主题", "实到人数"], *rows]}


# (question, how to make the message, the answer)
FAQ: list[tuple[str, Callable[[Path], str], str]] = [
    ("日期无法识别或不存在",
     lambda f: _data_message(_activities(["2023-02-30", "支委会", "学习", 5]), "bad-date", f),
     "按提示改成真实的日期。最稳妥的写法是 2023-03-05 或 2023年3月5日；空白台账的日期列已设好格式。"),
    ("缺少必填内容",
     lambda f: _data_message(_activities([None, "党课", "学习", 5]), "missing-value", f),
     "必填列（空白台账中红色表头）不能空着。补填；如果这一行本来就不该有，整行删除。"),
    ("数字无法识别",
     lambda f: _data_message(_activities(["2023-03-01", "支委会", "学习", "五人"]), "bad-int", f),
     "人数、字数、金额等列只填数字（可带单位，如 50元、1500棵），不要写汉字数字。"),
    ("活动类型不认识",
     lambda f: _data_message(_activities(["2023-03-01", "读书会", "学习", 5]), "unknown-activity", f),
     "这是警告，不影响生成报告，这一行按“其他”统计。如果属于标准类型，请从下拉列表中选标准名称。"),
    ("日期不在报告年度内",
     lambda f: _data_message(_activities(["2023-01-05", "支委会", "学习", 5], ["2022-12-30", "支委会", "学习", 5]),
                             "out-of-year", f),
     "如果是年份写错，改正即可；如果确实是往年的记录，可以忽略，它不会计入本年度的数字。"),
    ("同一条记录出现两次",
     lambda f: _data_message(_activities(["2023-05-06", "支委会", "学习", 5], ["2023-05-06", "支委会", "学习", 5]),
                             "duplicate", f),
     "同一次活动只计一次。常见原因是把旧版本的台账也放进了文件夹，或复制粘贴时重复了，删除多余的即可。"),
    ("姓名不在党员名册中",
     lambda f: _data_message({"谈心谈话": [["谈话人", "谈话对象"], ["王书记", "张三、李四四"]]}, "not-in-roster", f),
     "多半是错别字或多了空格。改成与党员名册完全一致的姓名；新党员请补入党员名册。"),
    ("工作表没有被识别",
     lambda f: _data_message({"说明": [["请按要求填写"]]}, "unknown-sheet", f),
     "程序靠表头认台账。如果这是台账，检查表头是否包含必填列（见[台账说明](台账.md)）；如果只是说明页，可忽略。"),
    ("公式没有计算结果",
     lambda f: _data_message({"其他事项": [["事项", "数量", "单位"], ["购买读本", "=40+60", "本"]]},
                             "formula-no-value", f),
     "用 Excel 或 WPS 打开这个文件，保存一次再运行；或者把公式改成数值。"),
    ("基本信息不全",
     lambda f: _data_message({"基本信息": [["党支部名称", "第一党支部"], ["年度", 2023]]}, "missing-value", f),
     "在“基本信息”表（`01-基本信息.xlsx`）的右列填写党支部名称和支部书记。"),
    ("无法确定报告年度", lambda f: _error_message(_no_year, f),
     "在基本信息的“年度”一行填写年度，或者运行时指定，如 `make report YEAR=2023`。"),
    ("台账是另一年度的", lambda f: _error_message(_wrong_year, f),
     "多数有日期的记录不在报告年度内时，程序不生成报告（以免把往年的台账当成今年的）。按提示用 `YEAR=` 指定台账所属的年度，"
     "或改正基本信息中的“年度”；每个年度的台账放在各自的文件夹里，用 `make init INPUTS=台账2024 YEAR=2024` 生成新年度的空白台账。"),
    ("Word 模板用了不存在的变量", lambda f: _error_message(_bad_template, f),
     "变量名写错了（提示中“是不是”后面是变量表中与它最接近的名称），或者是 Word 把 `{{ }}` 拆开了。"
     "对照[变量表](模板.md#可以使用的变量)改正；不确定时，把整个标签删掉重新输入一遍。"),
    ("规则设置文件写错", lambda f: _error_message(_bad_config, f),
     '中文规则名要加英文双引号：`[rules."党课"]`。true、false 和数字不加引号。写法见[规则设置](命令与设置.md#规则设置pipelinetoml)。'),
]


def faq() -> list[str]:
    """Each common problem: the message exactly as the program prints it, then the fix."""
    lines: list[str] = []
    for question, make, answer in FAQ:
        with tempfile.TemporaryDirectory() as folder:
            message = make(Path(folder)).replace(folder + "/", "").replace(folder, "inputs")
        lines += [f"**{question}**", "", f"> {message}", "", answer, ""]
    return lines[:-1]


# ---------------------------------------------------------------- the docs files

# Each generated part: the file it lives in (under docs/) and how to make it.
PARTS: dict[str, tuple[str, Callable[[], list[str]]]] = {
    "台账表": ("台账.md", ledger_tables),
    "重复判断表": ("台账.md", key_table),
    "变量表": ("模板.md", variables_table),
    "过滤器表": ("模板.md", filters_table),
    "规则表": ("规则.md", rules_table),
    "命令行选项表": ("命令与设置.md", options_table),
    "常见问题": ("常见问题.md", faq),
}
SECTIONS: dict[str, Callable[[], list[str]]] = {name: make for name, (_, make) in PARTS.items()}
FILES: dict[str, Path] = {name: DOCS / file for name, (file, _) in PARTS.items()}


def render(text: str, names: list[str], parts: dict[str, list[str]] | None = None) -> str:
    """A docs file's text with each of its generated parts (`names`) replaced by its current content."""
    for name in names:
        start, end = f"<!-- {name}开始 -->", f"<!-- {name}结束 -->"
        head, found, rest = text.partition(start)
        _, found_end, tail = rest.partition(end)
        if not (found and found_end):
            raise SystemExit(f"{FILES[name].relative_to(ROOT)} 中找不到 {start} … {end}")
        body = (parts or {}).get(name) or SECTIONS[name]()
        text = head + start + "\n" + "\n".join(body) + "\n" + end + tail
    return text


def files() -> dict[Path, list[str]]:
    """Each docs file with generated parts -> the names of its parts, in PARTS order."""
    out: dict[Path, list[str]] = {}
    for name, path in FILES.items():
        out.setdefault(path, []).append(name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check, exit 1 when out of step")
    args = parser.parse_args()
    stale = []
    for path, names in files().items():
        current = path.read_text(encoding="utf-8")
        wanted = render(current, names)
        if wanted == current:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.write_text(wanted, encoding="utf-8")
    if args.check:
        if stale:
            print(f"{'、'.join(map(str, stale))} 的生成部分已过期：请运行 python tools/gen_readme_tables.py")
            sys.exit(1)
        print("文档的生成部分与代码一致。")
    elif stale:
        print(f"已更新 {'、'.join(map(str, stale))}。")
    else:
        print("文档无需更新。")


if __name__ == "__main__":
    main()
