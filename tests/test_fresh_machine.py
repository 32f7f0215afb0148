"""`make run` and `make test` set up a fresh Debian machine themselves (issue #14).

A bare machine has only the packages of ../shared/machine/bare-debian-packages.tsv (python3,
venv, make, PostgreSQL 15 installed but not running, ...). Everything else the commands need
must be in tools/system_packages.py's lists, which the commands install; and `make test`
starts its own PostgreSQL (tools/private_postgres.py).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import psycopg
import PySide6
import pytest

from tests.x11.conftest import _REQUIRED_PROGRAMS
from tools import system_packages
from tools.private_postgres import private_postgres, run_with_postgres
from tools.system_packages import PURPOSES, RUN_PACKAGES, XCB_LIBRARY_PACKAGES

ROOT = Path(__file__).resolve().parents[1]
BARE_LIST_CANDIDATES = (
    ROOT.parent / "shared" / "machine" / "bare-debian-packages.tsv",
    Path("/work/shared/machine/bare-debian-packages.tsv"),
)
# Programs the tests and `make installer-cycle` run, beyond tests/x11's own list.
OTHER_PROGRAMS = (
    "import",
    "chromium",
    "wixl",
    "msiinfo",
    "objdump",
    "gnome-keyring-daemon",
    "dbus-run-session",
    "initdb",
    "pg_ctl",
)
needs_dpkg = pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian system")


def _bare_packages() -> set[str]:
    for candidate in BARE_LIST_CANDIDATES:
        if candidate.exists():
            lines = candidate.read_text(encoding="utf-8").splitlines()
            return {line.split("\t")[0].split(":")[0] for line in lines if line.strip()}
    pytest.skip(
        "no bare-debian-packages.tsv (../shared/machine/ next to the checkout): the "
        "list of what a bare machine has is needed to know what the commands must add"
    )


def _owning_package(path: str) -> str | None:
    """The Debian package that installed ``path`` (tried as given, /usr-merged and resolved)."""
    candidates = [
        path,
        "/usr" + path if path.startswith("/lib") else path,
        str(Path(path).resolve()),
    ]
    for candidate in dict.fromkeys(candidates):
        result = subprocess.run(
            ["dpkg", "-S", candidate], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            return result.stdout.split(":")[0].split(",")[0].strip()
    return None


def _direct_dependencies(packages: tuple[str, ...]) -> set[str]:
    """What ``packages`` depend on directly (e.g. imagemagick -> imagemagick-6.q16)."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Depends}\n", *packages],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        re.split(r"[ :(]", alternative.strip())[0]
        for line in out.splitlines()
        for part in line.split(",")
        for alternative in part.split("|")
        if alternative.strip()
    }


def _qt_xcb_plugin() -> Path:
    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


@needs_dpkg
def test_every_program_the_tests_run_comes_from_the_bare_machine_or_the_commands() -> None:
    bare = _bare_packages()
    programs = {*_REQUIRED_PROGRAMS, *OTHER_PROGRAMS}
    installed_by_commands = {*PURPOSES["test"], *_direct_dependencies(PURPOSES["test"])}
    uncovered = {}
    for program in sorted(programs):
        path = shutil.which(program) or shutil.which(program, path="/usr/lib/postgresql/15/bin")
        assert path is not None, f"{program} is not installed: `make test` should install it"
        package = _owning_package(path)
        assert package is not None, f"no Debian package owns {path}"
        if package not in bare and package not in installed_by_commands:
            uncovered[program] = package
    assert not uncovered, f"needed beyond the bare machine, installed by no command: {uncovered}"


@needs_dpkg
def test_the_qt_xcb_plugins_libraries_come_from_the_bare_machine_or_make_run() -> None:
    bare = _bare_packages()
    needs = system_packages.ldd(_qt_xcb_plugin())
    assert None not in needs.values(), f"libraries not found: {needs}"
    pyside = Path(PySide6.__file__).parent
    beyond_bare = {}
    for soname, path in needs.items():
        assert path is not None
        if Path(path).resolve().is_relative_to(pyside.resolve()):
            continue  # Qt's own libraries, in the wheel
        package = _owning_package(path)
        assert package is not None, f"no Debian package owns {path} ({soname})"
        if package not in bare:
            beyond_bare[soname] = package
    # The bare machine lacks some of them (libxcb-icccm4, libxcb-keysyms1, ...): make run must
    # install each, and the ldd fallback must map each soname to its real package.
    assert {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"} <= beyond_bare.keys()
    for soname, package in beyond_bare.items():
        assert package in RUN_PACKAGES, f"{soname} ({package}) is not installed by make run"
        assert XCB_LIBRARY_PACKAGES.get(soname) == package, soname


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to build a test library")
def test_ldd_finds_missing_libraries_and_maps_them_to_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real shared library needing two libraries that exist at link time only.
    for soname in ("libdeskmate-absent.so.1", "libdeskmate-unknown.so.2"):
        subprocess.run(
            [
                "gcc",
                "-shared",
                "-x",
                "c",
                "-",
                f"-Wl,-soname,{soname}",
                "-o",
                str(tmp_path / soname),
            ],
            input="int stub(void){return 0;}",
            text=True,
            check=True,
        )
    plugin = tmp_path / "plugin.so"
    subprocess.run(
        [
            "gcc",
            "-shared",
            "-x",
            "c",
            "-",
            "-o",
            str(plugin),
            "-Wl,--no-as-needed",
            f"-L{tmp_path}",
            "-l:libdeskmate-absent.so.1",
            "-l:libdeskmate-unknown.so.2",
        ],
        input="int f(void){return 1;}",
        text=True,
        check=True,
    )
    for soname in ("libdeskmate-absent.so.1", "libdeskmate-unknown.so.2"):
        (tmp_path / soname).unlink()
    monkeypatch.setitem(XCB_LIBRARY_PACKAGES, "libdeskmate-absent.so.1", "deskmate-absent-pkg")

    packages, unknown = system_packages.unmet_library_packages(plugin)

    assert packages == ["deskmate-absent-pkg"]
    assert unknown == ["libdeskmate-unknown.so.2"]


@needs_dpkg
def test_a_user_who_is_not_root_gets_the_one_sudo_command(monkeypatch: pytest.MonkeyPatch) -> None:
    assert system_packages.missing(["dpkg", "deskmate-no-such-package"]) == [
        "deskmate-no-such-package"
    ]
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # not root: print the command
    with pytest.raises(system_packages.MissingSystemPackagesError) as info:
        system_packages.install(["libxcb-icccm4", "libxcb-keysyms1"], "`make run` (the sidebar)")
    assert "    sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1\n" in str(info.value)


def test_make_run_installs_the_app_only_and_make_test_the_tools() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = " ".join(project["dependencies"]).lower()
    for tool in ("pytest", "ruff", "mypy", "pyinstaller", "playwright", "fastapi", "psycopg"):
        assert tool not in runtime, f"{tool} is installed by `make run`"
    assert "deskmate[desktop,server]" in project["optional-dependencies"]["dev"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^app:.*\n\t\$\(EDITABLE_INSTALL\) '\.\[desktop\]' ", makefile, re.M)
    assert re.search(r"^run: run-packages app\n", makefile, re.M)


def test_the_test_command_starts_its_own_postgres_and_ci_only_calls_it() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe is not None
    assert "tools.dev_setup with-postgres -- $(MAKE) --no-print-directory pytest" in recipe[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
    for leftover in ("pg_ctlcluster", "DESKMATE_TEST_POSTGRES_URL", 'apt-get install -y -qq "'):
        assert leftover not in ci


@needs_dpkg
def test_the_private_postgres_serves_the_tests_role_and_is_gone_afterwards(tmp_path: Path) -> None:
    with private_postgres(tmp_path / "pg") as url:
        port = int(url.split("@127.0.0.1:")[1].split("/")[0])
        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=5) as conn:
            row = conn.execute("SELECT current_user, current_database()").fetchone()
            conn.execute("CREATE SCHEMA t_private")
        assert row == ("deskmate", "deskmate_test")
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass
    assert not (tmp_path / "pg" / "data").exists()


@needs_dpkg
def test_a_failing_test_run_still_stops_postgres(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DESKMATE_TEST_POSTGRES_URL", raising=False)
    seen = tmp_path / "url.txt"
    child = (
        "import os, pathlib, sys; "
        f"pathlib.Path({str(seen)!r}).write_text(os.environ['DESKMATE_TEST_POSTGRES_URL']); "
        "sys.exit(3)"
    )

    assert run_with_postgres([sys.executable, "-c", child], tmp_path / "pg") == 3

    port = int(seen.read_text().split("@127.0.0.1:")[1].split("/")[0])
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass


def test_a_server_install_does_not_pull_qt_nor_a_desktop_install_the_server() -> None:
    # The installed metadata, as pip resolves it: Qt only with the desktop extra, FastAPI and
    # psycopg only with the server extra.
    requires = metadata.requires("deskmate") or []
    by_name = {re.split(r"[<>=!~; \[]", r, maxsplit=1)[0].lower(): r for r in requires}
    assert 'extra == "desktop"' in by_name["pyside6-essentials"]
    assert 'extra == "desktop"' in by_name["python-xlib"]
    for server_only in ("fastapi", "uvicorn", "psycopg"):
        assert 'extra == "server"' in by_name[server_only], by_name[server_only]


def test_the_deskmate_command_without_qt_says_how_to_get_the_sidebar(tmp_path: Path) -> None:
    # A server host has the `deskmate` command but no Qt: it must say so, not trace back.
    code = (
        "import sys; sys.modules['PySide6'] = None\n"
        "from deskmate.desktop.cli import main\n"
        f"sys.exit(main(['--data-dir', {str(tmp_path / 'd')!r},"
        f" '--config-dir', {str(tmp_path / 'c')!r}]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 3, done.stderr
    assert "pip install 'deskmate[desktop]'" in done.stderr
    assert "Traceback" not in done.stderr
