"""The sidebar follows the agent across virtual desktops (issue #18), on openbox's four.

The real `deskmate` process; desktops are switched as a pager does (a ``_NET_CURRENT_DESKTOP``
client message), and what is on screen is read with ``xdotool --onlyvisible`` (openbox
unmaps the windows of the other desktops).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from deskmate.desktop.docking.all_desktops import ALL_DESKTOPS
from Xlib import X
from Xlib.display import Display

from tests.x11.test_app_end_to_end_x11 import app_log, deskmate
from tests.x11.test_context_pop_x11 import (
    hide_sidebar,
    keep_shot,
    send_client_message,
    sidebar_visible,
    stop,
)
from tests.x11.x11_tools import cardinals, find_window, run, start_xterm, window_property

pytestmark = pytest.mark.x11
SCREEN_WIDTH, SIDEBAR_WIDTH = 1600, 380


def current_desktop() -> int:
    return cardinals(run("xprop", "-root", "_NET_CURRENT_DESKTOP"))[0]


def switch_desktop(number: int) -> None:
    connection = Display()
    try:
        root = connection.screen().root.id
    finally:
        connection.close()
    send_client_message(root, "_NET_CURRENT_DESKTOP", [number, X.CurrentTime, 0, 0, 0])
    deadline = time.monotonic() + 10
    while current_desktop() != number:
        assert time.monotonic() < deadline, f"openbox did not switch to desktop {number}"
        time.sleep(0.05)
    time.sleep(0.2)  # openbox maps and unmaps the windows right after


def is_viewable(window_id: int) -> bool:
    return "IsViewable" in run("xwininfo", "-id", str(window_id))


def work_width(desktop: int) -> int:
    """The work area's width on ``desktop`` (openbox sets one per desktop)."""
    values = cardinals(run("xprop", "-root", "_NET_WORKAREA"))
    return values[4 * desktop + 2]


def test_the_sidebar_is_on_every_desktop_and_summons_on_the_current_one(
    app_env: dict[str, str], tmp_path: Path, xterms: list[subprocess.Popen[bytes]]
) -> None:
    assert len(cardinals(run("xprop", "-root", "_NET_WORKAREA"))) >= 12  # 3+ desktops
    switch_desktop(0)
    process = deskmate(app_env)
    try:
        sidebar = find_window("Deskmate", timeout=30, visible_only=True)
        deadline = time.monotonic() + 10
        while window_property(sidebar, "_NET_WM_DESKTOP") != (ALL_DESKTOPS,):
            assert time.monotonic() < deadline, (
                f"not on all desktops: {window_property(sidebar, '_NET_WM_DESKTOP')}"
            )
            time.sleep(0.05)
        xterms.append(start_xterm("CRM"))
        crm = find_window("CRM", visible_only=True)

        switch_desktop(1)
        assert not is_viewable(crm)  # the switch really happened: the CRM stayed behind
        assert is_viewable(sidebar)
        # And its strip is reserved there too (a strut counts only where its window is).
        assert work_width(1) == SCREEN_WIDTH - SIDEBAR_WIDTH
        keep_shot("sticky-desktop-2.png")

        # Put away on desktop 2, summoned on desktop 3: it comes up there, the agent stays.
        hide_sidebar(app_env)
        switch_desktop(2)
        run("xdotool", "key", "ctrl+alt+space")
        deadline = time.monotonic() + 15
        while not sidebar_visible():
            assert time.monotonic() < deadline, f"not summoned:\n{app_log(app_env)[-2000:]}"
            time.sleep(0.05)
        time.sleep(0.5)
        assert current_desktop() == 2
        shown = find_window("Deskmate", visible_only=True)
        assert is_viewable(shown)
        assert window_property(shown, "_NET_WM_DESKTOP") == (ALL_DESKTOPS,)
    finally:
        stop(process)
        switch_desktop(0)  # the session's other tests expect the first desktop
