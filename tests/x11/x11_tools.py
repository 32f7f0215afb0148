"""Small helpers for the X11 tests: X command-line tools, windows, screenshots."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from Xlib import X
from Xlib.display import Display
from Xlib.protocol import event, rq

SCREEN_WIDTH, SCREEN_HEIGHT = 1600, 900
SHOTS = Path("/tmp/x11-shots")  # noqa: S108 - screenshots for a human to look at, outside the repo


@dataclass(frozen=True)
class X11Session:
    """The test X server."""

    display: str
    number: int
    log_dir: Path


@dataclass(frozen=True)
class WindowBox:
    """A client window's position and size, and its window-manager frame."""

    x: int
    y: int
    width: int
    height: int
    frame_left: int
    frame_right: int
    frame_top: int
    frame_bottom: int

    @property
    def outer_left(self) -> int:
        return self.x - self.frame_left

    @property
    def outer_right(self) -> int:
        return self.x + self.width + self.frame_right

    @property
    def outer_width(self) -> int:
        return self.outer_right - self.outer_left


def run(*args: str) -> str:
    """Run an X tool, return its standard output."""
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=20).stdout


def cardinals(text: str) -> tuple[int, ...]:
    """The numbers after ``=`` in an ``xprop`` line."""
    _, _, values = text.partition("=")
    return tuple(int(value) for value in re.findall(r"-?\d+", values))


def workarea() -> tuple[int, int, int, int]:
    """The first desktop's ``_NET_WORKAREA`` (x, y, width, height)."""
    x, y, width, height = cardinals(run("xprop", "-root", "_NET_WORKAREA"))[:4]
    return x, y, width, height


def window_property(window_id: int, name: str) -> tuple[int, ...] | None:
    """A CARDINAL property of a window, or ``None`` when it is not set."""
    out = subprocess.run(
        ["xprop", "-id", str(window_id), name], capture_output=True, text=True, timeout=20
    ).stdout
    if "=" not in out:  # "_NET_WM_STRUT_PARTIAL:  not found."
        return None
    return cardinals(out)


def window_box(window_id: int) -> WindowBox:
    """Where a client window is (``xwininfo``) and its frame (``_NET_FRAME_EXTENTS``)."""
    info = run("xwininfo", "-id", str(window_id))

    def field(label: str) -> int:
        found = re.search(rf"{label}:\s+(-?\d+)", info)
        assert found, info
        return int(found.group(1))

    frame = window_property(window_id, "_NET_FRAME_EXTENTS") or (0, 0, 0, 0)
    return WindowBox(
        field("Absolute upper-left X"),
        field("Absolute upper-left Y"),
        field("Width"),
        field("Height"),
        *frame[:4],
    )


def find_window(title: str, timeout: float = 15.0, visible_only: bool = False) -> int:
    """The id of the (first) window called exactly ``title``, waiting for it to appear."""
    deadline = time.monotonic() + timeout
    only = ["--onlyvisible"] if visible_only else []
    while time.monotonic() < deadline:
        found = subprocess.run(
            ["xdotool", "search", *only, "--name", f"^{re.escape(title)}$"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        if found.returncode == 0 and found.stdout.split():
            return int(found.stdout.split()[0])
        time.sleep(0.05)
    raise AssertionError(f"no window titled {title!r} after {timeout} s")


def start_xterm(title: str, *options: str) -> subprocess.Popen[bytes]:
    """An xterm titled ``title`` that idles (stands in for the CRM)."""
    return subprocess.Popen(
        ["xterm", "-title", title, *options, "-e", "sleep", "300"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def active_window() -> int | None:
    """The window the window manager calls active (``_NET_ACTIVE_WINDOW``)."""
    found = subprocess.run(
        ["xdotool", "getactivewindow"], capture_output=True, text=True, timeout=20
    )
    return int(found.stdout) if found.returncode == 0 and found.stdout.strip() else None


def screenshot(name: str) -> Path | None:
    """Save the whole X screen to /tmp/x11-shots/``name`` (needs ImageMagick's ``import``)."""
    if shutil.which("import") is None:
        return None
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    run("import", "-window", "root", str(path))
    return path


def is_managed(window_id: int) -> bool:
    """Whether the window manager has framed the window (it sets ``_NET_FRAME_EXTENTS``)."""
    return window_property(window_id, "_NET_FRAME_EXTENTS") is not None


def wm_states(window_id: int) -> set[str]:
    """The window's ``_NET_WM_STATE`` atoms, e.g. ``{"_NET_WM_STATE_MAXIMIZED_HORZ"}``."""
    out = subprocess.run(
        ["xprop", "-id", str(window_id), "_NET_WM_STATE"],
        capture_output=True,
        text=True,
        timeout=20,
    ).stdout
    _, _, values = out.partition("=")
    return {value.strip() for value in values.split(",") if value.strip()}


def maximize(window_id: int) -> None:
    """Ask the window manager to maximise a window, as its maximise button would (EWMH)."""
    connection = Display()
    try:
        atom = connection.intern_atom
        message = event.ClientMessage(
            window=connection.create_resource_object("window", window_id),
            client_type=atom("_NET_WM_STATE"),
            # _NET_WM_STATE_ADD, both maximised states, source: a normal application.
            data=(
                32,
                [
                    1,
                    atom("_NET_WM_STATE_MAXIMIZED_VERT"),
                    atom("_NET_WM_STATE_MAXIMIZED_HORZ"),
                    1,
                    0,
                ],
            ),
        )
        connection.screen().root.send_event(
            message, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask
        )
        connection.sync()
    finally:
        connection.close()


class _SetMonitor(rq.Request):  # type: ignore[misc]  # python-xlib is untyped
    """RRSetMonitor (RandR 1.5) without CRTCs: python-xlib 0.33's own request cannot pack it."""

    _request = rq.Struct(
        rq.Card8("opcode"),
        rq.Opcode(43),
        rq.RequestLength(),
        rq.Window("window"),
        rq.Card32("name"),
        rq.Bool("primary"),
        rq.Bool("automatic"),
        rq.Card16("ncrtcs"),
        rq.Int16("x"),
        rq.Int16("y"),
        rq.Card16("width"),
        rq.Card16("height"),
        rq.Card32("mm_width"),
        rq.Card32("mm_height"),
    )


def add_monitor(name: str, x: int, width: int, primary: bool = False) -> None:
    """Plug in a virtual monitor (a RandR 1.5 monitor), full screen height, at ``x``."""
    connection = Display()
    try:
        _SetMonitor(
            display=connection.display,
            opcode=connection.display.get_extension_major("RANDR"),
            window=connection.screen().root,
            name=connection.intern_atom(name),
            primary=primary,
            automatic=False,
            ncrtcs=0,
            x=x,
            y=0,
            width=width,
            height=SCREEN_HEIGHT,
            mm_width=width // 4,
            mm_height=SCREEN_HEIGHT // 4,
        )
        connection.sync()
    finally:
        connection.close()


def remove_monitor(name: str) -> None:
    """Unplug a virtual monitor made by :func:`add_monitor` (no error if it is gone)."""
    connection = Display()
    try:
        root = connection.screen().root
        present = {
            connection.get_atom_name(monitor.name)
            for monitor in root.xrandr_get_monitors().monitors
        }
        if name in present:
            root.xrandr_delete_monitor(connection.intern_atom(name))
        connection.sync()
    finally:
        connection.close()
