"""The package as an office installs it: a wheel built from pyproject.toml, installed offline into
a fresh venv from the runtime lock's wheels only, runs a report from an unrelated folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# `make test` downloads this machine's runtime wheels here (Makefile, $(DEV)).
WHEELHOUSE = Path(sys.prefix) / "wheelhouse"
# Builds a wheel and a venv, among the longest modules: `heavy` has xdist start it first.
pytestmark = [pytest.mark.spawns, pytest.mark.heavy]


def _runtime_lock() -> dict[str, str]:
    """name -> version of the runtime lock's lines for this Python."""
    from packaging.requirements import Requirement

    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate():
                pins[req.name.lower().replace("_", "-")] = str(req.specifier).lstrip("=")
    return pins


def _offline_env() -> dict[str, str]:
    """No pip configuration (index URLs, find-links, constraints) and no checkout on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def _run(*args, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=_offline_env(), capture_output=True,
                          text=True, check=check, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed with --no-index; returns its bin folder."""
    if not any(WHEELHOUSE.glob("*.whl")):
        pytest.fail(f"{WHEELHOUSE} 中没有 wheel：请用 make test 运行测试（它会先下载本机的运行依赖）")
    work = tmp_path_factory.mktemp("pkg")
    # Built from a copy: setuptools leaves build/ beside the sources, and a build/ in the checkout
    # would put modules since deleted into the next wheel (and race a parallel run).
    source = work / "src"
    shutil.copytree(ROOT / "pipeline", source / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", source)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", work / "dist", source, cwd=work)
    wheels = list((work / "dist").glob("dangjian_report-*.whl"))
    assert len(wheels) == 1, wheels
    _run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    bin_dir = work / "venv" / ("Scripts" if os.name == "nt" else "bin")
    _run(bin_dir / "python", "-m", "pip", "install", "--quiet", "--no-index", "--find-links", WHEELHOUSE,
         wheels[0], cwd=work)
    return bin_dir


def test_wheel_carries_template_and_settings(installed):
    probe = ("from pipeline.api import DEFAULT_TEMPLATE; from pipeline.core.packaged import data_file;"
             "from pipeline.writing.pdf import FONTS_CONF;"
             "print(DEFAULT_TEMPLATE); print(data_file('pipeline.toml')); print(FONTS_CONF)")
    out = _run(installed / "python", "-c", probe, cwd=installed).stdout.split()
    assert [Path(p).name for p in out] == ["default.docx", "pipeline.toml", "fonts.conf"]
    assert all(str(ROOT) not in p and Path(p).is_file() for p in out)
    assert (Path(out[0]).read_bytes() == (ROOT / "pipeline" / "data" / "default.docx").read_bytes())


def test_only_runtime_packages_are_installed(installed):
    listed = _run(installed / "python", "-m", "pip", "list", "--format=freeze", cwd=installed).stdout
    found = dict(line.lower().replace("_", "-").split("==") for line in listed.splitlines())
    assert found.pop("dangjian-report") == "0.1.0"
    for tool in ("pip", "setuptools"):  # what `python -m venv` itself puts in
        found.pop(tool, None)
    assert found == _runtime_lock()  # no pandas, numpy, pytest …: exactly the runtime lock
    assert _run(installed / "python", "-m", "pip", "check", cwd=installed).returncode == 0


def test_command_runs_a_report_from_another_folder(installed, tmp_path):
    shutil.copytree(ROOT / "inputs", tmp_path / "台账")
    command = installed / "dangjian-report"
    result = _run(command, "report", "--inputs", "台账", "--outputs", "输出", cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "输出"
    for name in ("report.md", "metrics.json", "provenance.json", "校验报告.md"):
        assert (out / name).read_text(encoding="utf-8") == (ROOT / "outputs" / name).read_text(encoding="utf-8"), name
    assert len(list(out.glob("*.docx"))) == 1
    usage = _run(command, "--help", cwd=tmp_path).stdout
    assert usage.startswith("Usage: dangjian-report [OPTIONS] COMMAND")
    # python -m pipeline keeps working in the installed package
    assert _run(installed / "python", "-m", "pipeline", "--help", cwd=tmp_path).stdout.startswith(
        "Usage: python -m pipeline")
