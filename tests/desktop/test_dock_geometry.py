"""Where the docked sidebar goes and the _NET_WM_STRUT_PARTIAL it reserves (pure arithmetic)."""

from __future__ import annotations

import pytest
from deskmate.desktop.docking.errors import DockingError
from deskmate.desktop.docking.geometry import (
    Rect,
    StrutPartial,
    desktop_size_px,
    dock_layout,
    floating_rect,
    to_physical_rect,
)

FULL_HD = Rect(0, 0, 1920, 1080)
ABOVE_TASKBAR = Rect(0, 0, 1920, 1040)  # a 40 px taskbar at the bottom


def test_single_screen_right_edge() -> None:
    layout = dock_layout(FULL_HD, ABOVE_TASKBAR, 1.0, (1920, 1080), "right", 380)
    assert layout.window == Rect(1540, 0, 380, 1040)
    assert layout.window_px == layout.window
    assert layout.strut == StrutPartial(right=380, right_start_y=0, right_end_y=1039)
    assert layout.strut.values() == (0, 380, 0, 0, 0, 0, 0, 1039, 0, 0, 0, 0)
    assert layout.strut.legacy_values() == (0, 380, 0, 0)


def test_single_screen_left_edge() -> None:
    layout = dock_layout(FULL_HD, ABOVE_TASKBAR, 1.0, (1920, 1080), "left", 380)
    assert layout.window == Rect(0, 0, 380, 1040)
    assert layout.strut == StrutPartial(left=380, left_start_y=0, left_end_y=1039)
    assert layout.strut.values() == (380, 0, 0, 0, 0, 1039, 0, 0, 0, 0, 0, 0)


def test_top_panel_pushes_the_sidebar_down() -> None:
    layout = dock_layout(FULL_HD, Rect(0, 28, 1920, 1052), 1.0, (1920, 1080), "right", 400)
    assert layout.window == Rect(1520, 28, 400, 1052)
    assert (layout.strut.right_start_y, layout.strut.right_end_y) == (28, 1079)


# Two monitors side by side: A 1920x1080 on the left, B 2560x1440 on the right.
MONITOR_A = Rect(0, 0, 1920, 1080)
MONITOR_B = Rect(1920, 0, 2560, 1440)
DESKTOP_AB = (4480, 1440)


def test_two_monitors_right_edge_of_the_left_monitor_counts_from_the_root_edge() -> None:
    layout = dock_layout(MONITOR_A, MONITOR_A, 1.0, DESKTOP_AB, "right", 380)
    assert layout.window == Rect(1540, 0, 380, 1080)
    # The right strut is measured from the right edge of the whole root window (4480),
    # and only covers monitor A's rows.
    assert layout.strut == StrutPartial(right=4480 - 1540, right_start_y=0, right_end_y=1079)


def test_two_monitors_right_edge_of_the_right_monitor() -> None:
    layout = dock_layout(MONITOR_B, MONITOR_B, 1.0, DESKTOP_AB, "right", 380)
    assert layout.window == Rect(4100, 0, 380, 1440)
    assert layout.strut == StrutPartial(right=380, right_start_y=0, right_end_y=1439)


def test_two_monitors_left_edge_of_the_right_monitor_counts_from_the_root_edge() -> None:
    layout = dock_layout(MONITOR_B, MONITOR_B, 1.0, DESKTOP_AB, "left", 380)
    assert layout.window == Rect(1920, 0, 380, 1440)
    assert layout.strut == StrutPartial(left=1920 + 380, left_start_y=0, left_end_y=1439)


def test_hidpi_ratio_2_strut_is_in_physical_pixels() -> None:
    # A 3840x2160 panel at 200 %: Qt reports 1920x1080 logical pixels.
    screen = Rect(0, 0, 1920, 1080)
    available = Rect(0, 32, 1920, 1048)  # a 32 px (logical) top panel
    layout = dock_layout(screen, available, 2.0, (3840, 2160), "right", 380)
    assert layout.window == Rect(1540, 32, 380, 1048)
    assert layout.window_px == Rect(3080, 64, 760, 2096)
    assert layout.strut == StrutPartial(right=760, right_start_y=64, right_end_y=2159)


def test_hidpi_second_monitor_keeps_its_origin_and_scales_the_rest() -> None:
    # A at 100 % (1920x1080) and, to its right, a 4K B at 200 %: Qt keeps B's top-left at
    # x=1920 in logical pixels too, and B is 1920x1080 logical.
    a, b = Rect(0, 0, 1920, 1080), Rect(1920, 0, 1920, 1080)
    desktop = desktop_size_px([(a, 1.0), (b, 2.0)])
    assert desktop == (1920 + 3840, 2160)

    right_b = dock_layout(b, b, 2.0, desktop, "right", 380)
    assert right_b.window == Rect(3460, 0, 380, 1080)
    assert right_b.window_px == Rect(5000, 0, 760, 2160)
    assert right_b.strut == StrutPartial(right=760, right_start_y=0, right_end_y=2159)

    left_b = dock_layout(b, b, 2.0, desktop, "left", 380)
    assert left_b.window_px == Rect(1920, 0, 760, 2160)
    assert left_b.strut == StrutPartial(left=2680, left_start_y=0, left_end_y=2159)

    right_a = dock_layout(a, a, 1.0, desktop, "right", 380)
    assert right_a.strut == StrutPartial(right=5760 - 1540, right_start_y=0, right_end_y=1079)


def test_fractional_ratio_never_reserves_past_the_screen() -> None:
    # 2560x1440 at 150 %: Qt rounds the logical size to 1707x960.
    screen = Rect(0, 0, 1707, 960)
    layout = dock_layout(screen, screen, 1.5, (2560, 1440), "right", 380)
    assert layout.window_px.right <= 2560
    assert layout.window_px.bottom <= 1440
    assert layout.strut.right == 2560 - layout.window_px.x
    assert abs(layout.strut.right - 570) <= 1


def test_width_is_capped_at_the_screen_width() -> None:
    small = Rect(0, 0, 300, 600)
    layout = dock_layout(small, small, 1.0, (300, 600), "right", 380)
    assert layout.window == Rect(0, 0, 300, 600)
    assert layout.strut.right == 300


def test_a_work_area_outside_the_screen_falls_back_to_the_whole_screen() -> None:
    layout = dock_layout(MONITOR_B, MONITOR_A, 1.0, DESKTOP_AB, "right", 380)
    assert layout.window == Rect(4100, 0, 380, 1440)


@pytest.mark.parametrize(
    ("edge", "width", "ratio"), [("top", 380, 1.0), ("right", 0, 1.0), ("left", 380, 0.0)]
)
def test_nonsense_is_rejected(edge: str, width: int, ratio: float) -> None:
    with pytest.raises(DockingError):
        dock_layout(FULL_HD, FULL_HD, ratio, (1920, 1080), edge, width)


def test_to_physical_rect_scales_from_the_screen_origin() -> None:
    assert to_physical_rect(Rect(2000, 10, 100, 50), (1920, 0), 2.0) == Rect(2080, 20, 200, 100)


def test_floating_rect_stays_near_its_edge() -> None:
    right = floating_rect(ABOVE_TASKBAR, "right", 380)
    assert right == Rect(1920 - 380 - 48, 104, 380, 832)
    left = floating_rect(ABOVE_TASKBAR, "left", 380)
    assert (left.x, left.width) == (48, 380)
