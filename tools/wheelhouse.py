"""Gather every wheel an offline machine needs into one folder (`make wheelhouse`).

For each target Python and platform, the runtime lock's markers are evaluated for that target
(pip would evaluate them for the Python running it), and the pinned wheels are downloaded.
Pure-Python wheels (py3-none-any) are shared by every target; lxml, MarkupSafe and
python-calamine are binary and come once per Python and platform. The package's own wheel is
built last. README: 离线安装.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
# Target -> (wheel platform tags pip may take, marker environment). pip matches the tags given
# exactly, so Linux names each glibc baseline the pinned wheels are built for (2.17 = manylinux2014,
# 2.28); a machine with glibc 2.28 or newer installs them.
PLATFORMS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "windows": (("win_amd64",), {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"}),
    "linux": (("manylinux_2_28_x86_64", "manylinux_2_26_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"),
              {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}),
}


def pins(python: str, platform: str, lock: Path = LOCK) -> list[str]:
    """The lock's `name==version` lines that apply to one target Python and platform."""
    env = {**default_environment(), **PLATFORMS[platform][1], "python_version": python,
           "python_full_version": f"{python}.0"}
    out = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(env):
            out.append(f"{req.name}{req.specifier}")
    return out


def download(target: Path, pythons: tuple[str, ...] = PYTHONS, platforms: tuple[str, ...] = tuple(PLATFORMS)) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for python in pythons:
        for platform in platforms:
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
                handle.write("\n".join(pins(python, platform)) + "\n")
            print(f"Python {python} / {platform}", flush=True)
            tags = [arg for tag in PLATFORMS[platform][0] for arg in ("--platform", tag)]
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--only-binary", ":all:", "--python-version", python, *tags,
                            "--implementation", "cp", "-d", str(target), "-r", handle.name], check=True)
            Path(handle.name).unlink()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(target), str(ROOT)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, nargs="?", default=ROOT / "wheelhouse")
    parser.add_argument("--python", action="append", help="only this Python (repeatable), e.g. 3.11")
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS), help="only this platform")
    args = parser.parse_args()
    download(args.target, tuple(args.python or PYTHONS), tuple(args.platform or PLATFORMS))
    wheels = sorted(p.name for p in args.target.glob("*.whl"))
    print(f"{len(wheels)} wheels in {args.target}")


if __name__ == "__main__":
    main()
