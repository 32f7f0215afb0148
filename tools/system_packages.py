"""The Debian packages `make run` and `make test` need, found missing and installed.

`make run` needs what Qt's xcb platform plugin links against (Qt's own message names the
wrong library when one is missing) and a CJK font for the sample pack. `make test` also
needs a virtual X server with a window manager and X tools (tests/x11), chromium (the
console's browser test), the installer tools (tests/packaging, `make installer-cycle`),
the OS credential store (tests/sync) and a PostgreSQL server (tests/server).

As root the missing packages are installed with apt-get; otherwise the one ``sudo apt-get
install`` command that would install them is printed and the command stops.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

# The shared libraries Qt's xcb platform plugin (libqxcb.so and the Qt libraries it loads)
# needs from the system, and the Debian package of each. `make run` installs the packages;
# `ldd` on the plugin finds any library this table lacks (tests/test_fresh_machine.py
# checks the table against `ldd` and `dpkg -S`).
XCB_LIBRARY_PACKAGES: dict[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}

# `make run`: the xcb libraries above and a font with the sample pack's Chinese characters.
RUN_PACKAGES: tuple[str, ...] = (*sorted(set(XCB_LIBRARY_PACKAGES.values())), "fonts-noto-cjk")

# `make test`, on top of RUN_PACKAGES.
TEST_PACKAGES: tuple[str, ...] = (
    # tests/x11: a virtual X server, a window manager, X tools; screenshots (ImageMagick).
    "xvfb",
    "xauth",
    "xdotool",
    "openbox",
    "xterm",
    "x11-utils",
    "imagemagick",
    # tests/x11/test_context_pop_x11.py: xdg-open and xdg-mime route deskmate:// links.
    "xdg-utils",
    # tests/server/test_console_browser.py drives Debian's chromium (never `playwright install`).
    "chromium",
    # tests/sync: keyring's Secret Service on a session bus.
    "dbus",
    "gnome-keyring",
    # tests/packaging and `make installer-cycle`: wixl and msitools build and read the MSI;
    # binutils gives PyInstaller objdump, libpython3-dev the shared libpython it freezes.
    "wixl",
    "msitools",
    "binutils",
    "libpython3-dev",
    # tests/server: the PostgreSQL server that tools/private_postgres.py starts.
    "postgresql",
)

PURPOSES: dict[str, tuple[str, ...]] = {
    "run": RUN_PACKAGES,
    "test": (*RUN_PACKAGES, *TEST_PACKAGES),
}


class MissingSystemPackagesError(Exception):
    """Packages are missing and this user cannot install them; the message says how."""


def installed(packages: Iterable[str]) -> set[str]:
    """The ones of ``packages`` dpkg reports as installed."""
    names = list(packages)
    if not names:
        return set()
    # One dpkg-query for all: unknown names go to stderr, the rest print their status.
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Status}\n", *names],
        capture_output=True,
        text=True,
        check=False,
    )
    found = set()
    for line in result.stdout.splitlines():
        name, _, status = line.partition(" ")
        if status.endswith("install ok installed"):
            found.add(name.split(":")[0])
    return found


def missing(packages: Iterable[str]) -> list[str]:
    """The ones of ``packages`` that are not installed, in order, without duplicates."""
    wanted = list(dict.fromkeys(packages))
    have = installed(wanted)
    return [name for name in wanted if name not in have]


def qt_xcb_plugin(venv: Path) -> Path | None:
    """PySide6's xcb platform plugin in ``venv``, or None before PySide6 is installed."""
    found = sorted(venv.glob("lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so"))
    return found[0] if found else None


def ldd(library: Path) -> dict[str, str | None]:
    """Every shared library ``library`` loads (transitively): soname -> path, None if not found."""
    out = subprocess.run(["ldd", str(library)], capture_output=True, text=True, check=True).stdout
    needs: dict[str, str | None] = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+) => (not found|(\S+) \(0x)", line)
        if match:
            needs[match.group(1)] = match.group(3)
    return needs


def unmet_library_packages(plugin: Path) -> tuple[list[str], list[str]]:
    """The packages of the plugin's missing libraries, and the missing sonames with none known."""
    packages: list[str] = []
    unknown: list[str] = []
    for soname, path in ldd(plugin).items():
        if path is None:
            if soname in XCB_LIBRARY_PACKAGES:
                packages.append(XCB_LIBRARY_PACKAGES[soname])
            else:
                unknown.append(soname)
    return list(dict.fromkeys(packages)), unknown


def install(packages: Sequence[str], why: str) -> None:
    """Install ``packages`` with apt-get as root, or raise with the command to run."""
    if not packages:
        return
    command = ["apt-get", "install", "-y", *packages]
    if os.geteuid() != 0:
        raise MissingSystemPackagesError(
            f"{why} needs these Debian packages, which are not installed: "
            f"{' '.join(packages)}.\nInstall them, then run the command again:\n\n"
            f"    sudo {' '.join(command)}\n"
        )
    if shutil.which("apt-get") is None:
        raise MissingSystemPackagesError(
            f"{why} needs {' '.join(packages)} (Debian package names) and there is no apt-get "
            "here: install their equivalents with this system's package manager."
        )
    print(f"{why}: installing {' '.join(packages)} (apt-get)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*command[:2], "-qq", *command[2:]], check=True, env=env, stdin=subprocess.DEVNULL
    )


def ensure(purpose: str, venv: Path) -> None:
    """Make sure the system packages of ``purpose`` ("run" or "test") are installed.

    Checks the package list with dpkg, then, once PySide6 is in ``venv``, which libraries
    of Qt's xcb plugin the dynamic loader cannot find.

    Raises:
        MissingSystemPackagesError: packages are missing and cannot be installed from here.
    """
    why = {"run": "`make run` (the sidebar)", "test": "`make test`"}[purpose]
    if shutil.which("dpkg-query") is None:
        print(
            f"{why}: not a Debian system; make sure these (Debian names) are installed: "
            f"{' '.join(PURPOSES[purpose])}",
            file=sys.stderr,
        )
    else:
        install(missing(PURPOSES[purpose]), why)
    plugin = qt_xcb_plugin(venv)
    if plugin is None:
        return
    packages, unknown = unmet_library_packages(plugin)
    if unknown:
        raise MissingSystemPackagesError(
            f"Qt's xcb platform plugin ({plugin}) needs shared libraries that are not "
            f"installed: {' '.join(unknown)}. Find their packages with `apt-file search NAME`."
        )
    install(packages, why)
