"""The self-contained app: PyInstaller (onedir) from the installed ``deskmate`` distribution.

The spec (``packaging/pyinstaller/deskmate.spec``) freezes what is installed in the
running environment: a strict editable install holds exactly the files the wheel would
(see the Makefile), so the bundle and the wheel cannot differ. The build ends with a
smoke start of the frozen app (``--version`` and ``--selftest`` offscreen in empty
directories) that fails on a non-zero exit or unexpected stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

SPEC = Path(__file__).resolve().parents[2] / "packaging" / "pyinstaller" / "deskmate.spec"


class BundleError(RuntimeError):
    """PyInstaller failed, or the frozen app did not start cleanly."""


def app_version() -> str:
    """The version of the installed ``deskmate`` distribution (the one source of truth)."""
    return version("deskmate")


def executable(bundle: Path) -> Path:
    """The app's executable inside the bundle."""
    return bundle / ("deskmate.exe" if sys.platform == "win32" else "deskmate")


def build_bundle(work: Path, dist: Path) -> Path:
    """Run PyInstaller; returns the bundle folder (``dist/deskmate``).

    Raises:
        BundleError: PyInstaller failed (its output is in the message).
    """
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(SPEC),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BundleError(f"PyInstaller failed:\n{result.stdout}\n{result.stderr}")
    return dist / "deskmate"


def smoke_start(bundle: Path) -> list[str]:
    """Start the frozen app as IT would after installing it; returns its selftest lines.

    Raises:
        BundleError: the app exited non-zero or wrote something unexpected to stderr.
    """
    with tempfile.TemporaryDirectory(prefix="deskmate-smoke-") as tmp:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": tmp,
            "DESKMATE_DATA_DIR": f"{tmp}/data",
            "DESKMATE_CONFIG_DIR": f"{tmp}/config",
            "DESKMATE_LOG_DIR": f"{tmp}/logs",
            "DESKMATE_SYSTEM_CONFIG": f"{tmp}/no-system-settings.json",
            "XDG_RUNTIME_DIR": tmp,
        }
        lines: list[str] = []
        for args in (["--version"], ["--selftest"]):
            result = subprocess.run(
                [str(executable(bundle)), *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )
            # A clean start prints nothing on stderr: a warning there (a Qt plugin that
            # failed to load, a missing data file) is a broken bundle.
            if result.returncode != 0 or result.stderr.strip():
                raise BundleError(
                    f"the frozen app failed `deskmate {' '.join(args)}` "
                    f"(exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
                )
            lines.extend(result.stdout.splitlines())
        return lines
