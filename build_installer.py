"""Build Deskmate's installers: ``python3 build_installer.py`` (see docs/it-deployment.md).

Outputs in ``dist/``: the ``.deb`` (on Linux), the ``.wxs`` of the per-machine MSI, the
Group Policy templates, and the ``.msi`` where one can be made. Run from a clean
checkout with any Python 3.11+: it sets up ``.venv`` (``make setup``) and re-runs itself
there, since the bundle is frozen from that environment.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV_PYTHON = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _in_project_venv() -> bool:
    return Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument(
        "--revision",
        type=int,
        default=1,
        help="Debian package revision (deskmate_<version>-<revision>): raise it to ship a "
        "rebuild of the same version as an upgrade",
    )
    parser.add_argument(
        "--compression",
        choices=["fast", "best"],
        default="best",
        help="fast: gzip -1 (CI); best: xz (what you ship)",
    )
    parser.add_argument(  # set when `make setup` has just refreshed the install
        "--no-refresh", action="store_true", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--reuse-bundle",
        action="store_true",
        help="package the existing bundle in build/installer/dist instead of freezing again",
    )
    return parser


def main() -> int:
    """Parse the options, make sure we run in the project's venv, build, print a summary."""
    args = _parser().parse_args()
    if not _in_project_venv():
        # The bundle freezes the project's environment: set it up, then run there.
        subprocess.run(["make", "setup"], cwd=ROOT, check=True)
        argv = [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:], "--no-refresh"]
        os.execv(VENV_PYTHON, argv)  # noqa: S606 - this very script, in the project's venv
    # tools/ is found the ordinary way: `python build_installer.py` puts this folder (the
    # repository root) first on sys.path, as `python -m tools.dev_setup` does.
    from tools.installer_build.pipeline import Options, build

    report = build(
        Options(
            out=args.out.resolve(),
            revision=args.revision,
            compression=args.compression,
            reuse_bundle=args.reuse_bundle,
            refresh_install=not args.no_refresh,
        )
    )
    for note in report.notes:
        print(f"    {note}")
    for name, seconds in report.timings.items():
        print(f"    {name}: {seconds:.1f} s")
    for path in report.outputs:
        size = f"{path.stat().st_size / 2**20:.1f} MiB" if path.is_file() else "folder"
        print(f"built {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({size})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
