"""The read limits: a file past one is named with its own figure and the limit before anything is
read, the missing year it causes is said as that, and a 组织部 can raise the limits in
pipeline.toml (checked, with Chinese messages naming the setting)."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.analysis.analyse import analyse
from pipeline.cli import cli
from pipeline.core.errors import ConfigError, UsageError
from pipeline.core.limits import Limits
from pipeline.core.packaged import DEFAULT_SETTINGS_NAME, data_file
from pipeline.rules.settings import load
from tests.builders import BASIC, EMPTY_LEDGERS, ROSTER, branch, write_csv, write_xlsx
from tests.ledger_builders import write_config


def bomb(path: Path, unpacked_mb: int = 3, year: bool = True) -> Path:
    """A small real workbook (基本信息 with 年度 when `year`) plus a part of zeros that unpacks to
    `unpacked_mb` MB: a few KB on disk."""
    info = BASIC if year else [row for row in BASIC if row[0] != "年度"]
    write_xlsx(path, {"基本信息": info, "党员名册": ROSTER, **EMPTY_LEDGERS})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(unpacked_mb * 1024 * 1024))
    assert path.stat().st_size < 100_000
    return path


def with_limits(**limits) -> object:
    return replace(load(None), limits=Limits(**limits))


def test_the_file_its_figure_and_the_limit_come_before_anything_else(tmp_path):
    # 台账.xlsx sorts first and has a bad date; the huge workbook's message still comes first.
    branch(tmp_path, [["2023-02-30", "支委会", "学习"]])
    bomb(tmp_path / "大台账.xlsx")
    run = analyse(tmp_path, "", 2023, with_limits(unpacked_mb=2))
    first = run.log.items[0].message()
    assert first.startswith("[错误] 大台账.xlsx：文件解压后 3.0 MB，超过读取上限 2 MB"), first
    assert "整个文件没有读取" in first and "pipeline.toml 的 [limits] 中把 unpacked_mb 调高到 4 以上" in first
    assert any("2023-02-30" in issue.message() for issue in run.log.items[1:])  # the other file was read


def test_a_file_too_large_on_disk_is_named_with_its_size(tmp_path):
    branch(tmp_path)
    write_csv(tmp_path / "信息报送.csv", [["标题", "是否采用"], *[[f"第{i}篇" + "很长的标题" * 20, "是"] for i in range(6000)]])
    size = (tmp_path / "信息报送.csv").stat().st_size
    assert 1024 * 1024 < size < 2 * 1024 * 1024
    run = analyse(tmp_path, "", 2023, with_limits(file_mb=1))
    first = run.log.items[0].message()
    assert first.startswith(f"[错误] 信息报送.csv：文件大小 {size / 1024 / 1024:.1f} MB，超过读取上限 1 MB，整个文件没有读取。")
    assert "把 file_mb 调高到 2 以上" in first


def test_the_missing_year_is_said_as_the_file_that_was_too_large(tmp_path):
    bomb(tmp_path / "大台账.xlsx")  # the only ledger, and 年度 is in it
    with pytest.raises(UsageError) as err:
        analyse(tmp_path, "", None, with_limits(unpacked_mb=2))
    message = str(err.value)
    assert message.startswith("大台账.xlsx：文件解压后 3.0 MB，超过读取上限 2 MB"), message
    assert message.endswith(f"没有读取这个文件，也就无法确定报告年度（{tmp_path}）")
    assert "请在“基本信息”表中填写“年度”" not in message
    # A year that is really missing is still said as before.
    bomb(tmp_path / "大台账.xlsx", year=False)
    with pytest.raises(UsageError, match="无法确定报告年度.*请在“基本信息”表中填写“年度”"):
        analyse(tmp_path, "", None, with_limits(unpacked_mb=4))


def test_the_command_says_the_size_not_the_year(tmp_path, monkeypatch):
    bomb(tmp_path / "in" / "大台账.xlsx")
    config = write_config(tmp_path / "pipeline.toml", "[limits]\nunpacked_mb = 2\n")
    result = CliRunner().invoke(cli, ["check", "--inputs", str(tmp_path / "in"), "--config", str(config)])
    assert result.exit_code == 2
    assert result.output.startswith("错误：大台账.xlsx：文件解压后 3.0 MB，超过读取上限 2 MB")


def test_raised_limits_read_the_huge_workbook(tmp_path):
    bomb(tmp_path / "大台账.xlsx")
    config = load(write_config(tmp_path / "pipeline.toml", "[limits]\nunpacked_mb = 4\nfile_mb = 1\n"))
    assert config.limits == Limits(file_mb=1, unpacked_mb=4)
    run = analyse(tmp_path, "", None, config)
    assert not [i for i in run.log.items if i.code == "too-large"] and run.ledgers.year == 2023


def test_a_lowered_row_limit_is_checked_exactly(tmp_path):
    branch(tmp_path, [["2023-05-06", "支委会", "学习"]] * 5)
    run = analyse(tmp_path, "", 2023, with_limits(rows=4))
    said = [i.message() for i in run.log.items if i.code == "too-large"]
    assert len(said) == 1 and said[0].startswith(
        "[错误] 台账.xlsx，工作表「组织生活」：工作表的单元格一直延伸到第 6 行、第 3 列（18 个单元格），"
        "超过程序能读取的上限（4 行、20,000,000 个单元格），整个文件没有读取。"), said
    assert said[0].endswith("pipeline.toml 的 [limits] 中把 rows 调高到 6 以上。")


def test_the_packaged_settings_spell_out_the_default_limits():
    text = data_file(DEFAULT_SETTINGS_NAME).read_text(encoding="utf-8")
    assert "[limits]" in text and load(None).limits == Limits()


@pytest.mark.parametrize("text, said", [
    ("[limits]\nunpacked_mb = 0\n", "[limits] 的 unpacked_mb 的值 0 无效：unpacked_mb 表示一个 .xlsx/.ods 台账解压后最大的大小（MB），"
                                    "应为1至16,384的整数，不加引号"),
    ("[limits]\nrows = 2000000\n", "[limits] 的 rows 的值 2000000 无效：rows 表示一张工作表最多的行数（从第1行算起），"
                                    "应为1至1,048,576的整数"),
    ('[limits]\nfile_mb = "200"\n', "[limits] 的 file_mb 的值 '200' 无效：file_mb 表示一个台账文件最大的大小（MB）"),
    ("[limits]\nfile_mb = 1.5\n", "[limits] 的 file_mb 的值 1.5 无效"),
    ("[limits]\nsize = 5\n", "[limits] 的“size”不是可设置项。可设置：file_mb、unpacked_mb、rows、cells"),
    ("limits = 5\n", "中的 limits 应写成一节：[limits]"),
    ("[limit]\nfile_mb = 5\n", "中的“limit”不是可设置的项目：只能包含 [rules.\"规则名\"] 各节"),
])
def test_a_wrong_limit_is_refused_naming_the_setting(tmp_path, text, said):
    path = write_config(tmp_path / "pipeline.toml", text)
    with pytest.raises(ConfigError) as err:
        load(path)
    assert f"规则设置文件 {path}" in str(err.value) and said in str(err.value), str(err.value)
