"""The build: refresh the install, freeze the bundle, then the platform packages.

Outputs go to ``dist/``: on Linux the ``.deb``; everywhere the ``.wxs`` generated from the
bundle, the Group Policy templates, and the ``.msi`` where it can be made (a Windows
bundle and WiX or wixl). From a Linux bundle the ``.wxs`` is still built with wixl as a
check, into ``build/installer/wixl-check/``: that MSI holds Linux files and is no
installer for Windows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tools.installer_build.bundle import app_version, build_bundle, executable, smoke_start
from tools.installer_build.deb import build_deb
from tools.installer_build.wxs import build_with_wixl, generate_wxs

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
POLICY_TEMPLATES = ROOT / "packaging" / "windows"


@dataclass
class Options:
    """What to build (see ``build_installer.py --help``)."""

    out: Path = ROOT / "dist"
    work: Path = ROOT / "build" / "installer"
    revision: int = 1
    compression: str = "best"
    reuse_bundle: bool = False
    refresh_install: bool = True


@dataclass
class Report:
    """What was built, and how long each step took (printed at the end)."""

    outputs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def step(self, name: str, action: Callable[[], T]) -> T:
        """Run and time one step; returns what it returned."""
        start = time.perf_counter()
        print(f"==> {name}", flush=True)
        result = action()
        self.timings[name] = time.perf_counter() - start
        return result


def project_version() -> str:
    """``[project].version`` of pyproject.toml: the one place the version is written."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(data["project"]["version"])


def refresh_install() -> None:
    """Re-run the strict editable install so new modules and the version are current."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "-e",
            str(ROOT),
            "--config-settings",
            "editable_mode=strict",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:  # setuptools' chatter is shown only when it matters
        raise RuntimeError(f"pip install -e failed:\n{result.stdout}\n{result.stderr}")


def _tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _windows_outputs(bundle: Path, version: str, options: Options, report: Report) -> None:
    wxs = options.out / f"Deskmate-{version}-x64.wxs"
    wxs.write_text(generate_wxs(bundle, version), encoding="utf-8")
    report.outputs.append(wxs)
    policy = options.out / "group-policy"
    shutil.rmtree(policy, ignore_errors=True)
    shutil.copytree(POLICY_TEMPLATES, policy)
    report.outputs.append(policy)
    if shutil.which("wixl") is None:
        report.notes.append("wixl is not installed: no MSI built (apt-get install wixl)")
        return
    windows_bundle = executable(bundle).suffix == ".exe"
    msi = (options.out if windows_bundle else options.work / "wixl-check") / wxs.with_suffix(
        ".msi"
    ).name
    report.step("MSI (wixl)", lambda: build_with_wixl(wxs, bundle, msi))
    if windows_bundle:
        report.outputs.append(msi)
    else:
        report.notes.append(
            f"{msi}: the .wxs builds with wixl (a check only: it holds this Linux bundle; "
            "build the MSI from a Windows bundle, see docs/it-deployment.md)"
        )


def build(options: Options) -> Report:
    """Build everything this platform can; returns what was made.

    Raises:
        RuntimeError: the installed version is not pyproject's (run ``make setup``).
    """
    report = Report()
    if options.refresh_install:
        report.step("refresh the editable install", refresh_install)
    version = app_version()
    if version != project_version():
        raise RuntimeError(
            f"the installed deskmate is {version} but pyproject.toml says "
            f"{project_version()}: run `make setup`"
        )
    bundle = options.work / "dist" / "deskmate"
    if not (options.reuse_bundle and executable(bundle).exists()):
        report.step(
            "bundle (PyInstaller)",
            lambda: build_bundle(options.work / "pyinstaller", options.work / "dist"),
        )
    report.notes.extend(report.step("smoke start of the bundle", lambda: smoke_start(bundle)))
    report.notes.append(f"bundle: {_tree_size(bundle) / 2**20:.0f} MiB unpacked")
    options.out.mkdir(parents=True, exist_ok=True)
    if sys.platform.startswith("linux"):
        deb = report.step(
            "Debian package",
            lambda: build_deb(
                bundle,
                options.work / "deb-root",
                options.out,
                version=version,
                revision=options.revision,
                icon=ROOT / "resources" / "icons" / "deskmate.svg",
                compression=options.compression,
            ),
        )
        report.outputs.append(deb)
    report.step("WiX source", lambda: _windows_outputs(bundle, version, options, report))
    return report
