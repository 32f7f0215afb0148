"""Screens that are missing, unplugged or plugged back in never lose (or crash) the sidebar."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from deskmate.desktop.docking import DockController
from deskmate.desktop.docking.native_window import native_window_id
from deskmate.desktop.docking.x11_strut import X11StrutReservation
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.x11.x11_tools import (
    SCREEN_HEIGHT,
    SCREEN_WIDTH,
    add_monitor,
    remove_monitor,
    screenshot,
    window_property,
    workarea,
)

pytestmark = pytest.mark.x11

WIDTH = 380


def _screen_names() -> set[str]:
    return {screen.name() for screen in QGuiApplication.screens()}


@pytest.fixture
def reservation() -> Iterator[X11StrutReservation]:
    strut = X11StrutReservation()
    yield strut
    strut.close()


def _right_strut(left_x: int) -> tuple[int, ...]:
    return (0, SCREEN_WIDTH - left_x, 0, 0, 0, 0, 0, SCREEN_HEIGHT - 1, 0, 0, 0, 0)


def test_an_unknown_screen_docks_on_the_primary_screen(
    qtbot: QtBot, sidebar: QWidget, reservation: X11StrutReservation
) -> None:
    controller = DockController(sidebar, reservation, screen_name="HDMI-9", width=WIDTH)
    controller.dock()
    qtbot.waitExposed(sidebar)
    primary = QGuiApplication.primaryScreen()
    assert controller.current_screen_name == primary.name()
    assert controller.screen_name == "HDMI-9"  # the agent's choice is kept for when it returns
    assert sidebar.geometry() == QRect(SCREEN_WIDTH - WIDTH, 0, WIDTH, SCREEN_HEIGHT)

    # The re-dock path that screen changes take, with another unknown name.
    controller.set_screen("DP-7")
    controller.redock()
    assert controller.current_screen_name == primary.name()
    assert sidebar.geometry() == QRect(SCREEN_WIDTH - WIDTH, 0, WIDTH, SCREEN_HEIGHT)
    assert window_property(native_window_id(sidebar), "_NET_WM_STRUT_PARTIAL") == _right_strut(
        SCREEN_WIDTH - WIDTH
    )
    assert controller.problem is None
    controller.release()


@pytest.fixture
def two_monitors(qtbot: QtBot, qapp: QApplication) -> Iterator[None]:
    """Two virtual monitors side by side, LEFT-MON (primary) and RIGHT-MON, 800 px each."""
    add_monitor("LEFT-MON", 0, 800, primary=True)
    add_monitor("RIGHT-MON", 800, 800)
    qtbot.waitUntil(lambda: {"LEFT-MON", "RIGHT-MON"} <= _screen_names())
    yield
    remove_monitor("RIGHT-MON")
    remove_monitor("LEFT-MON")
    qtbot.waitUntil(lambda: not {"LEFT-MON", "RIGHT-MON"} & _screen_names())


def test_unplugging_the_docked_monitor_moves_the_sidebar_to_the_primary_one(
    qtbot: QtBot, sidebar: QWidget, reservation: X11StrutReservation, two_monitors: None
) -> None:
    placements: list[tuple[str, str, int, bool]] = []
    controller = DockController(sidebar, reservation, screen_name="RIGHT-MON", width=WIDTH)
    controller.placement_changed.connect(lambda *args: placements.append(args))
    controller.dock()
    qtbot.waitExposed(sidebar)
    assert controller.current_screen_name == "RIGHT-MON"
    assert sidebar.geometry() == QRect(SCREEN_WIDTH - WIDTH, 0, WIDTH, SCREEN_HEIGHT)
    qtbot.wait(300)
    screenshot("monitors-right.png")

    remove_monitor("RIGHT-MON")
    qtbot.waitUntil(lambda: controller.current_screen_name == "LEFT-MON")
    # Docked at the right edge of the left monitor: the strut counts from the root's right
    # edge (1600), so it reserves 1600 - 420 = 1180 px on LEFT-MON's rows.
    left_x = 800 - WIDTH
    assert sidebar.geometry() == QRect(left_x, 0, WIDTH, SCREEN_HEIGHT)
    qtbot.waitUntil(
        lambda: (
            window_property(native_window_id(sidebar), "_NET_WM_STRUT_PARTIAL")
            == _right_strut(left_x)
        )
    )
    qtbot.wait(300)
    screenshot("monitors-unplugged.png")

    add_monitor("RIGHT-MON", 800, 800)  # plugged back in: the sidebar returns to it
    qtbot.waitUntil(lambda: controller.current_screen_name == "RIGHT-MON")
    assert sidebar.geometry() == QRect(SCREEN_WIDTH - WIDTH, 0, WIDTH, SCREEN_HEIGHT)
    qtbot.waitUntil(
        lambda: (
            window_property(native_window_id(sidebar), "_NET_WM_STRUT_PARTIAL")
            == _right_strut(SCREEN_WIDTH - WIDTH)
        )
    )
    # The saved placement never changed: the preferred screen is still RIGHT-MON.
    assert placements == [("right", "RIGHT-MON", WIDTH, True)]
    controller.release()
    qtbot.waitUntil(lambda: workarea()[2] == SCREEN_WIDTH)


def test_unplugging_every_extra_monitor_while_docked_never_crashes(
    qtbot: QtBot, sidebar: QWidget, reservation: X11StrutReservation, two_monitors: None
) -> None:
    controller = DockController(
        sidebar, reservation, edge="left", screen_name="RIGHT-MON", width=WIDTH
    )
    controller.dock()
    qtbot.waitExposed(sidebar)
    assert sidebar.geometry() == QRect(800, 0, WIDTH, SCREEN_HEIGHT)
    remove_monitor("RIGHT-MON")
    remove_monitor("LEFT-MON")
    qtbot.waitUntil(lambda: not {"LEFT-MON", "RIGHT-MON"} & _screen_names())
    qtbot.waitUntil(lambda: sidebar.geometry() == QRect(0, 0, WIDTH, SCREEN_HEIGHT))
    assert controller.current_screen_name == QGuiApplication.primaryScreen().name()
    qtbot.waitUntil(
        lambda: (
            window_property(native_window_id(sidebar), "_NET_WM_STRUT_PARTIAL")
            == (WIDTH, 0, 0, 0, 0, SCREEN_HEIGHT - 1, 0, 0, 0, 0, 0, 0)
        )
    )
    controller.release()
