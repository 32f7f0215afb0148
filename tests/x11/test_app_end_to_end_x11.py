"""The real `deskmate` process on a real X server: docked, summoned and flagging gaps."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import ConsultationEvent, EventKind
from deskmate.core.settings import default_agent_id

from tests.x11.x11_tools import (
    active_window,
    find_window,
    is_managed,
    maximize,
    run,
    screenshot,
    start_xterm,
    window_box,
    workarea,
)

pytestmark = pytest.mark.x11
SCREEN_WIDTH = 1600
SIDEBAR_WIDTH = 380
GAP_TITLE = "Deskmate — flag a knowledge gap"


def app_log(env: dict[str, str]) -> str:
    """Everything the app logged so far (for waiting on it and for failure messages)."""
    return "".join(
        p.read_text("utf-8", "replace")
        for p in sorted(Path(env["DESKMATE_LOG_DIR"]).glob("*.log*"))
    )


def wait_for_log(env: dict[str, str], text: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in app_log(env):
            return
        time.sleep(0.2)
    raise AssertionError(f"the app never logged {text!r}; its log:\n{app_log(env)[-3000:]}")


def deskmate(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "deskmate.desktop.cli", *args]
    # Output goes to the log file in DESKMATE_LOG_DIR; pipes would be left unread.
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def open_gap_dialog_over(crm: int, env: dict[str, str]) -> int:
    """Press the gap hotkey with ``crm`` focused; the dialog's window, focused (note field)."""
    run("xdotool", "windowactivate", "--sync", str(crm))
    assert active_window() == crm
    run("xdotool", "key", "ctrl+alt+g")
    try:
        dialog = find_window(GAP_TITLE, timeout=30, visible_only=True)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the app's log:\n{app_log(env)[-3000:]}") from None
    time.sleep(0.3)
    run("xdotool", "windowactivate", "--sync", str(dialog))
    return dialog


@pytest.fixture
def running_app(app_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = deskmate(app_env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def test_sidebar_docks_beside_the_crm_and_the_gap_hotkey_records_a_gap(
    app_env: dict[str, str],
    running_app: subprocess.Popen[bytes],
    xterms: list[subprocess.Popen[bytes]],
) -> None:
    sidebar = find_window("Deskmate", timeout=30, visible_only=True)
    xterms.append(start_xterm("CRM"))
    crm = find_window("CRM")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not is_managed(crm):
        time.sleep(0.05)
    maximize(crm)
    beside = SCREEN_WIDTH - SIDEBAR_WIDTH
    while time.monotonic() < deadline and window_box(crm).outer_width != beside:
        time.sleep(0.1)
    assert window_box(crm).outer_width == SCREEN_WIDTH - SIDEBAR_WIDTH
    assert window_box(sidebar).x >= SCREEN_WIDTH - SIDEBAR_WIDTH - 2
    # First run loads the sample pack on a worker thread; under CPU load that can take a
    # while, so wait for it rather than racing the hotkey against it.
    wait_for_log(app_env, "loaded the sample pack")
    screenshot("app-docked-beside-crm.png")

    open_gap_dialog_over(crm, app_env)
    run("xdotool", "type", "--delay", "20", "no answer for eSIM transfer abroad")
    screenshot("app-gap-dialog.png")
    run("xdotool", "key", "Return")
    deadline = time.monotonic() + 10
    gaps: list[ConsultationEvent] = []
    while time.monotonic() < deadline and not gaps:
        time.sleep(0.2)
        data_dir = Path(app_env["DESKMATE_DATA_DIR"])
        with ConsultationLog.open(data_dir, default_agent_id()) as record:
            gaps = [e for e in record.recent(20) if e.kind == EventKind.GAP]
    assert gaps, "the gap was not recorded"
    assert gaps[0].detail["note"] == "no answer for eSIM transfer abroad"


def test_second_launch_summons_the_running_sidebar(
    app_env: dict[str, str], running_app: subprocess.Popen[bytes]
) -> None:
    find_window("Deskmate", timeout=30, visible_only=True)
    second = deskmate(app_env, "--summon")
    assert second.wait(20) == 0
    windows = run("xdotool", "search", "--onlyvisible", "--name", "^Deskmate$").split()
    assert len(windows) == 1
    assert running_app.poll() is None


def test_terminate_quits_cleanly_and_releases_the_strip(
    app_env: dict[str, str], running_app: subprocess.Popen[bytes]
) -> None:
    find_window("Deskmate", timeout=30, visible_only=True)
    time.sleep(0.5)
    assert workarea()[2] == SCREEN_WIDTH - SIDEBAR_WIDTH
    running_app.send_signal(signal.SIGTERM)
    assert running_app.wait(15) == 0
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and workarea()[2] != SCREEN_WIDTH:
        time.sleep(0.1)
    assert workarea()[2] == SCREEN_WIDTH
