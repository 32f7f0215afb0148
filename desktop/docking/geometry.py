"""Where a docked sidebar goes and which strip of the desktop it reserves (pure arithmetic).

Nothing here needs Qt, so the numbers can be tested without a display.

Two coordinate systems meet here:

* **Logical pixels** are what Qt widgets use (``QScreen.geometry()``, ``QWidget.setGeometry``).
* **Physical pixels** are what the X server and Win32 use (``_NET_WM_STRUT_PARTIAL``,
  ``SHAppBarMessage``).

Qt's high-DPI scaling keeps each screen's top-left corner at the same number in both systems
and scales only the distance from that corner (``QHighDpi::fromNativePixels``). A point
``p`` on a screen whose origin is ``o`` and whose device pixel ratio is ``r`` is therefore at
``o + (p - o) * r`` in physical pixels, which is what :func:`to_physical_rect` computes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass
from typing import Literal, TypeGuard

from deskmate.desktop.docking.errors import DockingError

Edge = Literal["left", "right"]
EDGES: tuple[Edge, ...] = ("left", "right")


def is_edge(value: str) -> TypeGuard[Edge]:
    """Whether ``value`` names a screen edge a sidebar can dock to."""
    return value in EDGES


def check_edge(value: str) -> Edge:
    """Return ``value`` as an :data:`Edge`.

    Raises:
        DockingError: ``value`` is neither ``"left"`` nor ``"right"``.
    """
    if not is_edge(value):
        raise DockingError(
            f"Deskmate can dock to the left or the right edge of a screen, not {value!r}.",
            edge=value,
        )
    return value


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle; ``right`` and ``bottom`` are exclusive."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """The first column to the right of the rectangle."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        """The first row below the rectangle."""
        return self.y + self.height

    def is_empty(self) -> bool:
        """Whether the rectangle covers no pixel."""
        return self.width <= 0 or self.height <= 0

    def intersected(self, other: Rect) -> Rect:
        """The overlap of two rectangles (empty, with zero size, when they do not meet)."""
        x, y = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        return Rect(x, y, max(0, right - x), max(0, bottom - y))


@dataclass(frozen=True)
class StrutPartial:
    """The twelve ``_NET_WM_STRUT_PARTIAL`` cardinals, in physical pixels.

    ``left``/``right``/``top``/``bottom`` are measured from the matching edge of the whole
    X root window (all monitors together), not from the edge of one monitor; the
    ``*_start_*``/``*_end_*`` pairs say which rows or columns the strip covers (inclusive).
    """

    left: int = 0
    right: int = 0
    top: int = 0
    bottom: int = 0
    left_start_y: int = 0
    left_end_y: int = 0
    right_start_y: int = 0
    right_end_y: int = 0
    top_start_x: int = 0
    top_end_x: int = 0
    bottom_start_x: int = 0
    bottom_end_x: int = 0

    def values(self) -> tuple[int, ...]:
        """All twelve values in EWMH order, for ``_NET_WM_STRUT_PARTIAL``."""
        return astuple(self)

    def legacy_values(self) -> tuple[int, int, int, int]:
        """The first four values, for the older ``_NET_WM_STRUT``."""
        return (self.left, self.right, self.top, self.bottom)


@dataclass(frozen=True)
class DockLayout:
    """Where a docked window goes and what it reserves.

    Attributes:
        window: The window's rectangle in logical pixels, for ``QWidget.setGeometry``.
        window_px: The same rectangle in physical pixels of the whole desktop.
        strut: The strip to reserve, for ``_NET_WM_STRUT_PARTIAL``.
    """

    window: Rect
    window_px: Rect
    strut: StrutPartial


def to_physical_rect(rect: Rect, screen_origin: tuple[int, int], device_pixel_ratio: float) -> Rect:
    """Convert a logical rectangle on a screen to physical pixels of the desktop.

    Args:
        rect: The rectangle in logical pixels.
        screen_origin: The top-left corner of the screen it is on (the same in both systems).
        device_pixel_ratio: The screen's ``QScreen.devicePixelRatio()``.
    """
    ox, oy = screen_origin
    # Convert the two corners, not the size, so neighbouring rectangles stay adjacent.
    left = ox + round((rect.x - ox) * device_pixel_ratio)
    top = oy + round((rect.y - oy) * device_pixel_ratio)
    right = ox + round((rect.right - ox) * device_pixel_ratio)
    bottom = oy + round((rect.bottom - oy) * device_pixel_ratio)
    return Rect(left, top, right - left, bottom - top)


def desktop_size_px(screens: Iterable[tuple[Rect, float]]) -> tuple[int, int]:
    """The size of the whole virtual desktop in physical pixels.

    Args:
        screens: Each screen's logical geometry and device pixel ratio.

    Returns:
        ``(width, height)`` of the smallest root window holding every screen.
    """
    width = height = 0
    for geometry, ratio in screens:
        native = to_physical_rect(geometry, (geometry.x, geometry.y), ratio)
        width, height = max(width, native.right), max(height, native.bottom)
    return width, height


def dock_layout(
    screen: Rect,
    available: Rect,
    device_pixel_ratio: float,
    desktop_size: tuple[int, int],
    edge: str,
    width: int,
) -> DockLayout:
    """Compute the docked window's rectangle and the strut that reserves its strip.

    The window sits flush against the screen's own edge (a strut is measured from there) and
    spans the available height, so it stays clear of top and bottom panels.

    Args:
        screen: The screen's full geometry, logical pixels (``QScreen.geometry()``).
        available: The screen's available geometry, logical pixels
            (``QScreen.availableGeometry()``).
        device_pixel_ratio: The screen's ``QScreen.devicePixelRatio()``.
        desktop_size: ``(width, height)`` of the whole X root window, physical pixels.
        edge: ``"left"`` or ``"right"``.
        width: The sidebar's width in logical pixels; capped at the screen's width.

    Returns:
        The window rectangle (logical and physical) and the strut.

    Raises:
        DockingError: An unknown edge, or a non-positive width or pixel ratio.
    """
    side = check_edge(edge)
    if width <= 0 or device_pixel_ratio <= 0:
        raise DockingError(
            f"A docked sidebar needs a positive width and pixel ratio "
            f"(got width {width}, ratio {device_pixel_ratio})."
        )
    width = min(width, screen.width)
    usable = available.intersected(screen)
    if usable.is_empty():
        usable = screen  # a bogus work area must not collapse the sidebar to nothing
    x = screen.x if side == "left" else screen.right - width
    window = Rect(x, usable.y, width, usable.height)

    origin = (screen.x, screen.y)
    px = to_physical_rect(window, origin, device_pixel_ratio)
    screen_px = to_physical_rect(screen, origin, device_pixel_ratio)
    root_width, root_height = desktop_size
    # Rounding at fractional ratios can overshoot by a pixel; never reserve past the screen.
    px = px.intersected(screen_px).intersected(Rect(0, 0, root_width, root_height))
    first_row, last_row = px.y, px.bottom - 1
    if side == "left":
        strut = StrutPartial(left=px.right, left_start_y=first_row, left_end_y=last_row)
    else:
        strut = StrutPartial(right=root_width - px.x, right_start_y=first_row, right_end_y=last_row)
    return DockLayout(window=window, window_px=px, strut=strut)


FLOATING_MARGIN = 48
FLOATING_HEIGHT_SHARE = 0.8


def floating_rect(available: Rect, edge: str, width: int) -> Rect:
    """Where an undocked sidebar floats: near its old edge, 80 % of the available height.

    Args:
        available: The screen's available geometry, logical pixels.
        edge: The edge it was docked to, ``"left"`` or ``"right"``.
        width: The sidebar's width in logical pixels.
    """
    side = check_edge(edge)
    width = max(1, min(width, available.width))
    height = max(1, round(available.height * FLOATING_HEIGHT_SHARE))
    margin = min(FLOATING_MARGIN, max(0, available.width - width))
    x = available.x + margin if side == "left" else available.right - width - margin
    return Rect(x, available.y + (available.height - height) // 2, width, height)
