"""The docked sidebar really reserves its strip under an EWMH window manager (openbox)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from deskmate.desktop.docking import DockController, EdgeReservationError, edge_reservation_for
from deskmate.desktop.docking.native_window import native_window_id
from deskmate.desktop.docking.x11_strut import X11StrutReservation
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.x11.x11_tools import (
    SCREEN_HEIGHT,
    SCREEN_WIDTH,
    X11Session,
    find_window,
    is_managed,
    maximize,
    screenshot,
    start_xterm,
    window_box,
    window_property,
    wm_states,
    workarea,
)

pytestmark = pytest.mark.x11

REPO_ROOT = Path(__file__).resolve().parents[2]

WIDTH = 380
# openbox maximises to exactly 1600 - 380 (no side borders); window managers that honour
# xterm's size increments may stop short by less than one character cell.
CELL_SLACK = 12


def test_the_platform_gets_the_x11_strut(qapp: QApplication) -> None:
    reservation = edge_reservation_for(qapp)
    assert isinstance(reservation, X11StrutReservation)
    assert reservation.reserves_space
    reservation.close()


def test_strut_makes_a_maximised_window_shrink_beside_the_sidebar(
    qtbot: QtBot, sidebar: QWidget, xterms: list[subprocess.Popen[bytes]]
) -> None:
    reservation = X11StrutReservation()
    controller = DockController(sidebar, reservation, edge="right", width=WIDTH)
    controller.dock()
    qtbot.waitExposed(sidebar)
    assert controller.problem is None
    assert sidebar.geometry() == QRect(SCREEN_WIDTH - WIDTH, 0, WIDTH, SCREEN_HEIGHT)
    sidebar_id = native_window_id(sidebar)
    assert window_property(sidebar_id, "_NET_WM_STRUT_PARTIAL") == (
        0,
        WIDTH,
        0,
        0,
        0,
        0,
        0,
        SCREEN_HEIGHT - 1,
        0,
        0,
        0,
        0,
    )
    assert window_property(sidebar_id, "_NET_WM_STRUT") == (0, WIDTH, 0, 0)
    qtbot.waitUntil(lambda: workarea() == (0, 0, SCREEN_WIDTH - WIDTH, SCREEN_HEIGHT))

    xterms.append(start_xterm("deskmate-crm", "-geometry", "80x24+40+40"))
    crm = find_window("deskmate-crm")
    qtbot.waitUntil(lambda: is_managed(crm))
    maximize(crm)
    qtbot.waitUntil(
        lambda: {"_NET_WM_STATE_MAXIMIZED_VERT", "_NET_WM_STATE_MAXIMIZED_HORZ"} <= wm_states(crm)
    )
    reserved_edge = SCREEN_WIDTH - WIDTH

    def maximised_beside_the_sidebar() -> None:
        box = window_box(crm)
        assert box.outer_left == 0
        assert reserved_edge - CELL_SLACK <= box.outer_right <= reserved_edge

    qtbot.waitUntil(maximised_beside_the_sidebar, timeout=10_000)
    box = window_box(crm)
    # It shrank by the sidebar's width: 1600 - 380 wide, give or take the frame and a cell.
    assert SCREEN_WIDTH - WIDTH - CELL_SLACK <= box.outer_width <= SCREEN_WIDTH - WIDTH
    qtbot.wait(300)  # let Qt repaint the sidebar after the xterm's mapping exposed it
    screenshot("strut.png")

    controller.release()
    assert reservation.reserved_window_id is None
    assert window_property(sidebar_id, "_NET_WM_STRUT_PARTIAL") is None
    assert window_property(sidebar_id, "_NET_WM_STRUT") is None
    qtbot.waitUntil(lambda: workarea() == (0, 0, SCREEN_WIDTH, SCREEN_HEIGHT))
    # openbox re-fits maximised windows to the bigger work area: the xterm grows back.
    qtbot.waitUntil(
        lambda: window_box(crm).outer_right > reserved_edge + WIDTH // 2, timeout=10_000
    )
    qtbot.wait(300)
    screenshot("strut-released.png")
    reservation.close()


def test_left_edge_and_resizing_re_reserve(qtbot: QtBot, sidebar: QWidget) -> None:
    reservation = X11StrutReservation()
    placements: list[tuple[str, str, int, bool]] = []
    controller = DockController(sidebar, reservation, edge="left", width=300)
    controller.placement_changed.connect(lambda *args: placements.append(args))
    controller.dock()
    qtbot.waitExposed(sidebar)
    sidebar_id = native_window_id(sidebar)
    assert window_property(sidebar_id, "_NET_WM_STRUT_PARTIAL") == (
        300,
        0,
        0,
        0,
        0,
        SCREEN_HEIGHT - 1,
        0,
        0,
        0,
        0,
        0,
        0,
    )
    qtbot.waitUntil(lambda: workarea() == (300, 0, SCREEN_WIDTH - 300, SCREEN_HEIGHT))

    # The user drags the sidebar wider than allowed: clamped to 800 and re-reserved.
    sidebar.resize(900, sidebar.height())
    qtbot.waitUntil(lambda: controller.width == 800)
    qtbot.waitUntil(lambda: sidebar.width() == 800)
    qtbot.waitUntil(
        lambda: (
            window_property(native_window_id(sidebar), "_NET_WM_STRUT_PARTIAL")
            == (800, 0, 0, 0, 0, SCREEN_HEIGHT - 1, 0, 0, 0, 0, 0, 0)
        )
    )
    qtbot.waitUntil(lambda: workarea() == (800, 0, SCREEN_WIDTH - 800, SCREEN_HEIGHT))
    qtbot.wait(300)
    screenshot("strut-left-800.png")

    # Pinning changes the window flags (Qt may re-create the X window): the strut follows.
    controller.set_pinned(True)
    qtbot.waitUntil(lambda: "_NET_WM_STATE_ABOVE" in wm_states(native_window_id(sidebar)))
    assert window_property(native_window_id(sidebar), "_NET_WM_STRUT_PARTIAL") == (
        800,
        0,
        0,
        0,
        0,
        SCREEN_HEIGHT - 1,
        0,
        0,
        0,
        0,
        0,
        0,
    )
    assert workarea() == (800, 0, SCREEN_WIDTH - 800, SCREEN_HEIGHT)

    controller.set_edge("right")
    qtbot.waitUntil(lambda: workarea() == (0, 0, SCREEN_WIDTH - 800, SCREEN_HEIGHT))
    assert placements[0] == ("left", "", 300, True)
    assert placements[-1] == ("right", "", 800, True)

    controller.undock()
    assert window_property(native_window_id(sidebar), "_NET_WM_STRUT_PARTIAL") is None
    qtbot.waitUntil(lambda: workarea() == (0, 0, SCREEN_WIDTH, SCREEN_HEIGHT))
    assert placements[-1] == ("right", "", 800, False)
    controller.release()
    reservation.close()


class _RefusingReservation:
    """A desktop that will not reserve anything (like a window manager without struts)."""

    name = "refusing"
    reserves_space = True
    released = 0

    def reserve(
        self, window: QWidget, edge: str, width_px: int, *, screen: QScreen | None = None
    ) -> None:
        raise EdgeReservationError("This desktop refused the strip; it will stay on top instead.")

    def release(self) -> None:
        self.released += 1


@pytest.mark.logs_warnings(r"could not reserve the sidebar strip \(refusing\)")
def test_a_refused_reservation_keeps_the_sidebar_on_top(qtbot: QtBot, sidebar: QWidget) -> None:
    reservation = _RefusingReservation()
    controller = DockController(sidebar, reservation, edge="right", width=WIDTH)
    controller.dock()
    qtbot.waitExposed(sidebar)
    assert controller.problem == "This desktop refused the strip; it will stay on top instead."
    assert controller.reservation.name == "topmost"
    assert sidebar.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    qtbot.waitUntil(lambda: "_NET_WM_STATE_ABOVE" in wm_states(native_window_id(sidebar)))
    assert sidebar.geometry() == QRect(SCREEN_WIDTH - WIDTH, 0, WIDTH, SCREEN_HEIGHT)
    assert window_property(native_window_id(sidebar), "_NET_WM_STRUT_PARTIAL") is None
    assert workarea() == (0, 0, SCREEN_WIDTH, SCREEN_HEIGHT)
    controller.set_width(500)  # re-docking keeps the same explanation
    assert controller.problem == "This desktop refused the strip; it will stay on top instead."
    assert sidebar.geometry() == QRect(SCREEN_WIDTH - 500, 0, 500, SCREEN_HEIGHT)
    controller.release()
    assert reservation.released == 1


def test_hidpi_strut_is_in_physical_pixels(x11_session: X11Session) -> None:
    # Its own process: QT_SCALE_FACTOR=2 turns the 1600x900 screen into 800x450 logical.
    env = {
        **os.environ,
        "QT_SCALE_FACTOR": "2",
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": x11_session.display,
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.x11.hidpi_dock_child"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ratio"] == 2.0
    assert report["logical"] == [800 - WIDTH, 0, WIDTH, 450]
    assert report["x11"] == [SCREEN_WIDTH - 2 * WIDTH, 0, 2 * WIDTH, SCREEN_HEIGHT]
    assert report["strut"] == [0, 2 * WIDTH, 0, 0, 0, 0, 0, SCREEN_HEIGHT - 1, 0, 0, 0, 0]
