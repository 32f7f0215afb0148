"""Suggestions for copied and selected text while the CRM keeps the keyboard (issue #18).

The real `deskmate` process on a real X server with openbox, suggestions from copies on.
An xterm stands in for the CRM and has the focus; another X client takes the CLIPBOARD
(a copy) or the PRIMARY selection (a mouse selection, then the suggest hotkey). The
sidebar, hidden before, shows the suggestions docked while the xterm stays the active
window, and the customer's words never reach the log.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.desktop.clipboard_suggest import PAINTED_LOG

from tests.x11.test_app_end_to_end_x11 import app_log, deskmate, wait_for_log
from tests.x11.test_context_pop_x11 import hide_sidebar, keep_shot, sidebar_visible, stop
from tests.x11.x11_tools import active_window, find_window, run, start_xterm

pytestmark = pytest.mark.x11
COPIED = "客户说：花呗还款日能改吗"
SELECTED = "refund to the original card"
ROOT = Path(__file__).resolve().parents[2]


def painted(env: dict[str, str], count: int, timeout: float = 60.0) -> str:
    """The ``count``-th "clipboard suggestions painted" line of the app's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [line for line in app_log(env).splitlines() if PAINTED_LOG in line]
        if len(lines) >= count:
            return lines[count - 1]
        time.sleep(0.1)
    raise AssertionError(f"no suggestions #{count}; the app's log:\n{app_log(env)[-3000:]}")


@pytest.fixture
def owners() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def own(env: dict[str, str], owners: list[subprocess.Popen[str]], mode: str, text: str) -> None:
    """Another program copies (``clipboard``) or selects (``selection``) ``text``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.x11.clipboard_owner", mode, text],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    owners.append(process)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "owned"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_copy_and_a_selection_show_suggestions_while_the_crm_keeps_the_focus(
    app_env: dict[str, str],
    xterms: list[subprocess.Popen[bytes]],
    owners: list[subprocess.Popen[str]],
    language: str,
) -> None:
    config = Path(app_env["DESKMATE_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(
        f'{{"language": "{language}", "suggest_from_clipboard": true}}', "utf-8"
    )
    process = deskmate(app_env)
    try:
        find_window("Deskmate", timeout=30, visible_only=True)
        wait_for_log(app_env, "loaded the sample pack")
        hide_sidebar(app_env)  # put away: the copy must bring it back, quietly
        xterms.append(start_xterm("CRM"))
        crm = find_window("CRM")
        run("xdotool", "windowactivate", "--sync", str(crm))
        assert active_window() == crm

        own(app_env, owners, "clipboard", COPIED)  # the agent copies in the CRM
        line = painted(app_env, 1)
        assert sidebar_visible()
        assert "Deskmate active: False" in line
        time.sleep(0.5)  # a late activation by the window manager would show by now
        assert active_window() == crm
        assert int(line.split(PAINTED_LOG)[1].split()[0]) > 0  # results on screen
        keep_shot(f"clipboard-suggestions-{language}.png")

        own(app_env, owners, "selection", SELECTED)  # a mouse selection in the CRM
        run("xdotool", "key", "ctrl+alt+s")  # the suggest hotkey
        line = painted(app_env, 2)
        assert "Deskmate active: False" in line
        time.sleep(0.5)
        assert active_window() == crm
        keep_shot(f"selection-suggestions-{language}.png")

        log = app_log(app_env)
        assert COPIED not in log
        assert SELECTED not in log
    finally:
        stop(process)
