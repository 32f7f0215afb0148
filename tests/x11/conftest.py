"""A real X server (Xvfb, 1600x900) with a window manager (openbox) for the X11 tests.

These tests need their own pytest run, because one process holds one Qt platform and the rest
of the suite runs offscreen::

    .venv/bin/pytest -m x11 tests/x11

The session fixture picks a free display number from :91 upwards, starts Xvfb and openbox on
it, points ``DISPLAY`` at it and makes Qt use the xcb platform *before* the QApplication
exists (tests/conftest.py has already defaulted ``QT_QPA_PLATFORM`` to offscreen).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from Xlib.display import Display

from tests.x11.x11_tools import SCREEN_HEIGHT, SCREEN_WIDTH, X11Session

# Which Debian package brings each program the tests run.
_REQUIRED_PROGRAMS = {
    "Xvfb": "xvfb",
    "openbox": "openbox",
    "xterm": "xterm",
    "xdotool": "xdotool",
    "xprop": "x11-utils",
    "xwininfo": "x11-utils",
    "xdg-open": "xdg-utils",
}
_FIRST_DISPLAY = 91
_LAST_DISPLAY = 160
_START_TIMEOUT = 15.0


def _check_programs() -> None:
    missing = sorted(
        {
            package
            for program, package in _REQUIRED_PROGRAMS.items()
            if shutil.which(program) is None
        }
    )
    if missing:
        pytest.fail(
            "The X11 tests need a virtual X server, a window manager and X tools that are not "
            f"installed. On Debian/Ubuntu: sudo apt-get install {' '.join(missing)} "
            "(.ci/run installs them).",
            pytrace=False,
        )


def _display_is_free(number: int) -> bool:
    # Where every X server puts its socket and lock file; fixed paths, not temporary files.
    return not (
        Path(f"/tmp/.X11-unix/X{number}").exists()  # noqa: S108
        or Path(f"/tmp/.X{number}-lock").exists()  # noqa: S108
    )


def _wait_for_connection(number: int, server: subprocess.Popen[bytes]) -> bool:
    # A plain socket rather than python-xlib: a refused Xlib connection leaks its sockets.
    path = f"/tmp/.X11-unix/X{number}"  # noqa: S108 - the X server's socket
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False  # lost a race for the display number, or Xvfb failed
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            try:
                probe.connect(path)
            except OSError:
                pass
            else:
                return True
        time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _start_xvfb(stack: ExitStack, log_dir: Path) -> tuple[int, str]:
    for number in range(_FIRST_DISPLAY, _LAST_DISPLAY):
        if not _display_is_free(number):
            continue
        display = f":{number}"
        log = stack.enter_context((log_dir / f"xvfb-{number}.log").open("wb"))
        server = subprocess.Popen(
            [
                "Xvfb",
                display,
                "-screen",
                "0",
                f"{SCREEN_WIDTH}x{SCREEN_HEIGHT}x24",
                "-nolisten",
                "tcp",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if _wait_for_connection(number, server):
            stack.callback(_stop, server)
            return number, display
        _stop(server)
    pytest.fail(
        f"No free X display between :{_FIRST_DISPLAY} and :{_LAST_DISPLAY}, or Xvfb "
        f"would not start (see {log_dir}).",
        pytrace=False,
    )


def _start_openbox(stack: ExitStack, display: str, log_dir: Path) -> None:
    log = stack.enter_context((log_dir / "openbox.log").open("wb"))
    window_manager = subprocess.Popen(
        ["openbox", "--sm-disable"],
        env={**os.environ, "DISPLAY": display},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    stack.callback(_stop, window_manager)  # ExitStack: openbox is stopped before Xvfb
    connection = Display(display)
    try:
        root = connection.screen().root
        check = connection.intern_atom("_NET_SUPPORTING_WM_CHECK")
        deadline = time.monotonic() + _START_TIMEOUT
        while root.get_full_property(check, 0) is None:
            if window_manager.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"openbox did not start on {display} (see {log_dir}/openbox.log).",
                    pytrace=False,
                )
            time.sleep(0.05)
    finally:
        connection.close()


@pytest.fixture(scope="session")
def x11_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[X11Session]:
    """Xvfb + openbox on a free display; ``DISPLAY`` points there for the whole session."""
    _check_programs()
    log_dir = tmp_path_factory.mktemp("x11-logs")
    saved = {
        name: os.environ.get(name)
        for name in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE")
    }
    with ExitStack() as stack:
        number, display = _start_xvfb(stack, log_dir)
        _start_openbox(stack, display, log_dir)
        os.environ["DISPLAY"] = display
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        os.environ["XDG_SESSION_TYPE"] = "x11"  # a desktop session, not XWayland
        os.environ.pop("WAYLAND_DISPLAY", None)
        try:
            yield X11Session(display=display, number=number, log_dir=log_dir)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@pytest.fixture(scope="session")
def qapp(x11_session: X11Session) -> Iterator[QApplication]:
    """pytest-qt's application, on the xcb platform of the test X server."""
    existing = QApplication.instance()
    if existing is not None:
        if isinstance(existing, QApplication) and existing.platformName() == "xcb":
            yield existing
            return
        pytest.skip("The X11 tests need their own pytest run: pytest -m x11 tests/x11")
    app = QApplication(["deskmate-x11-tests", "-platform", "xcb"])
    yield app
    # Close Qt's X connection before the fixture above kills Xvfb: an xcb application whose
    # server dies under it exits the whole process.
    for widget in app.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    app.processEvents()
    app.shutdown()


@pytest.fixture
def sidebar(qapp: QApplication) -> Iterator[QWidget]:
    """A stand-in for the sidebar: a blue window titled "Deskmate test"."""
    window = QWidget()
    window.setWindowTitle("Deskmate test")
    window.setStyleSheet("background: #1f5fbf; color: white; font-size: 28px;")
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("Deskmate\nsidebar"))
    yield window
    window.close()
    window.deleteLater()
    qapp.processEvents()


@pytest.fixture
def xterms() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Collects the xterms a test starts and stops them afterwards."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        _stop(process)


@pytest.fixture
def app_env(x11_session: X11Session, tmp_path: Path) -> dict[str, str]:
    """The environment of a real `deskmate` process on the test X server, in tmp_path."""
    env = dict(os.environ)
    env.update(
        DISPLAY=x11_session.display,
        QT_QPA_PLATFORM="xcb",
        XDG_SESSION_TYPE="x11",
        DESKMATE_DATA_DIR=str(tmp_path / "data"),
        DESKMATE_CONFIG_DIR=str(tmp_path / "config"),
        DESKMATE_LOG_DIR=str(tmp_path / "logs"),
        DESKMATE_SYSTEM_CONFIG=str(tmp_path / "no-system-settings.json"),
    )
    return env
