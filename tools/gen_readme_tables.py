"""Regenerate the generated parts of README.md from the code: ledgers, template variables,
filters, rule settings and the FAQ's real messages.

    python tools/gen_readme_tables.py          # rewrite README.md
    python tools/gen_readme_tables.py --check  # exit 1 when README.md is out of step

Each part sits between `<!-- 名称开始 -->` and `<!-- 名称结束 -->`; tests/test_readme.py checks them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import vocab  # noqa: E402
from pipeline.blank import blank_columns, describe, file_name, ledger_kinds  # noqa: E402

README = ROOT / "README.md"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


# ---------------------------------------------------------------- ledgers

def ledger_tables() -> list[str]:
    """What goes in each ledger: one overview row per kind, then every column."""
    files = {k.name: file_name(n, k) for n, k in enumerate(ledger_kinds(rectify=True), 1)}
    overview = [[k.name, (f"`{files[k.name]}`" + ("（make init PREVIOUS=上年文件夹 时生成）" if k.name == "整改台账" else ""))
                 if k.name in files else "（不生成，可自建）", k.help,
                 "、".join(k.required)] for k in vocab.KINDS]
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

_ACTIVITY_NAMES = [*vocab.ACTIVITY_TYPES, vocab.OTHER_ACTIVITY]
# metrics.json key -> what it holds. A new key needs a line here (tests/test_readme.py says which).
METRICS: dict[str, str] = {
    "年度": "报告年度，如 2023",
    "支部.名称": "党支部名称（基本信息）",
    "支部.书记": "支部书记姓名（基本信息）",
    "支部.上级党组织": "上级党组织（基本信息），没填为空",
    "支部.报告日期": "报告日期（基本信息），如 2023-01-10，没填为空；填了时报告末尾落款",
    "党员.总数": "年底在册的党员人数（党员名册中本年度转出、去世等的不计）",
    "党员.正式党员": "年底在册的正式党员人数（人员类别空白的按正式党员计）",
    "党员.预备党员": "年底在册的预备党员人数",
    "党员.增加": "本年度增加的党员人数（转入，或入党时间在本年度）",
    "党员.减少": "本年度减少的党员人数（转出、去世、停止党籍、出党）",
    "党员.变动": "本年度每一次增减：姓名、变动（转入、入党、转出、去世……）、年月",
    "党员.新发展党员": "本年度发展的党员人数（党员名册中入党时间在本年度的）",
    "党员.入党积极分子": "入党积极分子台账人数",
    "党员.本年确定积极分子": "本年度确定的入党积极分子人数（确定时间在本年度的）",
    **{f"组织生活.{t}": f"组织生活台账中“{t}”的次数" for t in vocab.ACTIVITY_TYPES},
    f"组织生活.{vocab.OTHER_ACTIVITY}": "类型不是标准名称的活动次数",
    "组织生活.按月": "各类型每月的次数：`组织生活.按月.支委会` 是1至12月的12个数",
    "主题党日.举办日": "每月主题党日在几日举办：12个月各一组日期",
    "主题党日.领学次数": "填了主讲人（领学人）的主题党日次数",
    "主题党日.每次一人领学": "真/假：每次主题党日都由1人领学",
    "党课.总数": "党课次数",
    **{f"党课.{s}": f"主讲人类别为“{s}”的党课次数" for s in vocab.SPEAKER_CATEGORIES},
    f"党课.{vocab.UNSPECIFIED_SPEAKER}": "没填主讲人类别的党课次数",
    "谈心谈话.次数": "谈心谈话次数（谈心谈话记录，加上组织生活台账中类型为“谈心谈话”的行）",
    "谈心谈话.覆盖党员": "被谈话的名册党员人数",
    "谈心谈话.未覆盖党员": "除书记外没有谈过话的党员姓名（列表）",
    "学习.笔记总字数": "学习笔记字数合计",
    "学习.人均笔记字数": "笔记总字数 ÷ 本年度在册过的党员人数（名册无变动时即党员总数），取整",
    "学习.心得体会总篇数": "心得体会篇数合计",
    "学习.人均心得体会篇数": "心得体会总篇数 ÷ 本年度在册过的党员人数，保留1位小数",
    "学习.检查次数": "学习笔记检查次数（不同的检查日期；没填日期的按季度）",
    "党费.实缴总额": "全年实缴党费（元）",
    "党费.应缴总额": "缴纳标准 × 应缴月数的合计（元；本年度入党的从入党当月算起）；没填标准时为空",
    "党费.按月": "每月实缴金额，1至12月的12个数",
    "党费.欠缴": "有缴纳标准但某月未缴（或缴0元）的 {姓名, 月份} 列表，本年度入党的从入党当月算起",
    "党费.少缴": "某月缴了但少于缴纳标准的 {姓名, 月份, 应缴, 实缴} 列表",
    "党费.未列入": "党员名册中有、党费台账中没有的党员姓名列表",
    "党费.足额": ("真/假：填了缴纳标准，名册中的党员都在党费台账中，且每名党员每个应缴月份实缴不少于标准"
                "（无欠缴、无少缴、无未列入）；报告据此写“按月足额缴纳党费”"),
    "党费.上缴总额": "党费台账记录的上缴金额（姓名写“上缴”的行，或“上缴”列中的金额）；没有时为 null",
    "党费.已全部上缴": "真/假：党费台账记录了上缴（凡有缴费的行“上缴”列都填了是/日期/金额，或上缴金额不少于实缴总额）；"
                 "报告据此写“已全部上缴”",
    "信息报送.报送篇数": "报送信息篇数",
    "信息报送.采用篇数": "被采用篇数（是否采用为“是”，或填了采用级别）",
    **{f"信息报送.按级别.{level}": f"被{level}级采用的篇数" for level in vocab.LEVELS},
    "帮扶": "帮扶事项列表，每项 {对象, 事项, 数量, 单位, 约数}，同一对象、事项、单位的合并",
    "工作举措.责任落实": "工作举措台账中板块为“责任落实”的各条内容（原文，按台账顺序）",
    "工作举措.理论学习": "同上，板块“理论学习”",
    "工作举措.组织建设": "同上，板块“组织建设”",
    "工作举措.中心工作": "同上，板块“中心工作”",
    "工作举措.作风建设": "同上，板块“作风建设”",
    "工作举措小标题.责任落实": "工作举措台账中板块“责任落实”第一次填写的小标题（报告中该部分的标题），没填为空",
    "工作举措小标题.理论学习": "同上，板块“理论学习”",
    "工作举措小标题.组织建设": "同上，板块“组织建设”",
    "工作举措小标题.中心工作": "同上，板块“中心工作”",
    "工作举措小标题.作风建设": "同上，板块“作风建设”",
    "其他事项": "其他事项：`其他事项.事项名.数量`、`其他事项.事项名.单位`，如 `其他事项.购买规定学习读本.数量`",
    "问题": "问题清单中类型为“问题”的各条 {标题, 内容}",
    "原因": "问题清单中类型为“原因”的各条 {标题, 内容}",
    "打算": "任务清单各条 {标题, 内容}",
    "检查发现": "规则检查发现的问题，每条 {规则, 规则编号, 说明, 涉及, 依据, 依据类别}（规则是显示的名称；"
            "规则编号是所属规则在 pipeline.toml 中的规则名，如“主题党日按时开展”的规则编号是“主题党日”，"
            "上年问题再次出现的规则编号是“上年问题再次出现”；依据类别：党章、条例、规定、本地规定）；"
            "关于某名党员的另有 姓名，党费另有 严重、少缴，党小组会另有 党小组",
    "检查规则": "本次检查使用的规则设置（来自 pipeline.toml，本支部基本信息中的设置列在“本支部设置”），"
            "如 `检查规则.主题党日.截止日`、`检查规则.党费.缴纳方式`、`检查规则.支委会.依据类别`",
    "校验.错误": "校验发现的错误个数",
    "校验.警告": "校验发现的警告个数",
}
# Keys whose children are data or settings rather than fixed names.
_STOP = {"组织生活.按月", "其他事项", "检查规则"}


def metric_keys(metrics: dict, prefix: str = "") -> list[str]:
    """Dotted keys of metrics.json down to the figures a template quotes."""
    out = []
    for key, value in metrics.items():
        path = prefix + key
        if isinstance(value, dict) and path not in _STOP:
            out += metric_keys(value, path + ".")
        else:
            out.append(path)
    return out


def sample_metrics() -> dict:
    """metrics.json of the sample ledgers in inputs/ (a real run, nothing written)."""
    from pipeline import api, settings

    return api.analyse(ROOT / "inputs", "", None, settings.load(None)).metrics


def variables_table(metrics: dict | None = None) -> list[str]:
    """Every name a Word template may use: metrics.json keys, then the derived sentences."""
    from pipeline.context import DERIVED

    keys = metric_keys(metrics if metrics is not None else sample_metrics())
    missing = [k for k in keys if k not in METRICS]
    stale = [k for k in METRICS if k not in keys]
    if missing or stale:
        raise SystemExit(f"tools/gen_readme_tables.py 的 METRICS 与 metrics.json 不一致：缺少说明 {missing}，"
                         f"多余 {stale}")
    rows = [[f"`{k}`", "指标", METRICS[k]] for k in keys]
    rows += [[f"`{name}`", "派生", text] for name, text in DERIVED.items()]
    return _table(["变量", "来源", "含义"], rows)


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
    """The formatting filters (`{{ 变量|过滤器 }}`) of pipeline.cnfmt."""
    from pipeline.cnfmt import FILTERS as CODE

    if set(CODE) != set(FILTERS):
        raise SystemExit(f"tools/gen_readme_tables.py 的 FILTERS 与 pipeline.cnfmt.FILTERS 不一致："
                         f"{sorted(set(CODE) ^ set(FILTERS))}")
    return _table(["过滤器", "作用", "例子"], [[f"`{name}`", *FILTERS[name]] for name in CODE])


# ---------------------------------------------------------------- rule settings

_PERIODS = {"month": "每月", "quarter": "每季度", "year": "全年"}


def rules_table() -> list[str]:
    """Every rule of pipeline.toml with its settable keys and defaults, and its source: the
    document with its article and whether it is the 党章, a 条例, a 规定 or local practice."""
    from pipeline.rules import RULES
    from pipeline.settings import CHOICES, NUMBERS, SWITCHES

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


# ---------------------------------------------------------------- FAQ from the real messages

def _workbook(path: Path, sheets: dict[str, list[list]]) -> None:
    from tests.builders import write_xlsx  # the same small workbooks the tests build

    write_xlsx(path, sheets)


_BASIC = [["党支部名称", "第一党支部"], ["支部书记", "王书记"], ["年度", 2023]]
_ROSTER = [["姓名"], ["王书记"], ["张三"], ["李四"]]


def _data_message(sheets: dict[str, list[list]], code: str, folder: Path) -> str:
    from pipeline import api, settings

    _workbook(folder / "台账.xlsx", {"基本信息": _BASIC, "党员名册": _ROSTER, **sheets})
    run = api.analyse(folder, "", 2023, settings.load(None))
    found = [i.message() for i in run.log.items if i.code == code]
    if not found:
        raise SystemExit(f"FAQ example for issue code {code!r} produced no such issue: update FAQ in this script")
    return found[0]


def _error_message(func: Callable[[Path], object], folder: Path) -> str:
    from pipeline.errors import PipelineError

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
    from pipeline import settings

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
     "程序靠表头认台账。如果这是台账，检查表头是否包含必填列（见上面的台账说明）；如果只是说明页，可忽略。"),
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
     "变量名写错了，或者是 Word 把 `{{ }}` 拆开了。对照上面的变量表改正；不确定时，把整个标签删掉重新输入一遍。"),
    ("规则设置文件写错", lambda f: _error_message(_bad_config, f),
     '中文规则名要加英文双引号：`[rules."党课"]`。true、false 和数字不加引号。'),
]


def faq() -> list[str]:
    """Each common problem: the message exactly as the program prints it, then the fix."""
    lines: list[str] = []
    for question, make, answer in FAQ:
        with tempfile.TemporaryDirectory() as folder:
            message = make(Path(folder)).replace(folder + "/", "").replace(folder, "inputs")
        lines += [f"**{question}**", "", f"> {message}", "", answer, ""]
    return lines[:-1]


# ---------------------------------------------------------------- README

SECTIONS: dict[str, Callable[[], list[str]]] = {
    "台账表": ledger_tables,
    "重复判断表": key_table,
    "变量表": variables_table,
    "过滤器表": filters_table,
    "规则表": rules_table,
    "常见问题": faq,
}


def render(text: str, parts: dict[str, list[str]] | None = None) -> str:
    """README text with every generated part replaced by its current content."""
    for name, make in SECTIONS.items():
        start, end = f"<!-- {name}开始 -->", f"<!-- {name}结束 -->"
        head, found, rest = text.partition(start)
        _, found_end, tail = rest.partition(end)
        if not (found and found_end):
            raise SystemExit(f"README.md 中找不到 {start} … {end}")
        body = (parts or {}).get(name) or make()
        text = head + start + "\n" + "\n".join(body) + "\n" + end + tail
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check, exit 1 when out of step")
    args = parser.parse_args()
    current = README.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if wanted != current:
            print("README.md 的生成部分已过期：请运行 python tools/gen_readme_tables.py")
            sys.exit(1)
        print("README.md 与代码一致。")
        return
    if wanted != current:
        README.write_text(wanted, encoding="utf-8")
        print("已更新 README.md。")
    else:
        print("README.md 无需更新。")


if __name__ == "__main__":
    main()
