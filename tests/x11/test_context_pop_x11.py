"""A CTI screen-pop as the agent's desktop lives it (issue #18): ``xdg-open 'deskmate://…'``.

The real `deskmate` process on a real X server with a window manager. ``xdg-open`` routes
the link through a handler registered the freedesktop way, in a temporary
``XDG_DATA_HOME``/``XDG_CONFIG_HOME`` (what the .deb's desktop entry does system-wide),
and the handler is the venv's own ``deskmate %u``. What the agent sees is read from the
window (docked, viewable, a screenshot) and from the app's own record and log.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import ConsultationEvent, EventKind
from deskmate.core.settings import default_agent_id
from deskmate.desktop.context_pop import PAINTED_LOG
from Xlib import X
from Xlib.display import Display
from Xlib.protocol import event

from tests.x11.test_app_end_to_end_x11 import (
    app_log,
    deskmate,
    open_gap_dialog_over,
    wait_for_log,
)
from tests.x11.x11_tools import active_window, find_window, run, screenshot, start_xterm, window_box

pytestmark = pytest.mark.x11
SCREEN_WIDTH, SIDEBAR_WIDTH = 1600, 380
QUERY = "客户说：花呗还款日能改吗"
# The environment variables xdg-open reads to pick a desktop's own opener (kde-open, gio…);
# without them it uses the freedesktop x-scheme-handler lookup this test sets up.
_DESKTOP_HINTS = (
    "XDG_CURRENT_DESKTOP",
    "DESKTOP_SESSION",
    "KDE_FULL_SESSION",
    "GNOME_DESKTOP_SESSION_ID",
    "MATE_DESKTOP_SESSION_ID",
    "XDG_SESSION_DESKTOP",
    "BROWSER",
)


def register_url_handler(env: dict[str, str], home: Path) -> dict[str, str]:
    """``env`` with a ``deskmate://`` handler that runs this venv's ``deskmate %u``."""
    if shutil.which("xdg-open") is None or shutil.which("xdg-mime") is None:
        pytest.fail(
            "xdg-open and xdg-mime are missing: sudo apt-get install xdg-utils "
            "(tools/system_packages.py lists it for the tests).",
            pytrace=False,
        )
    data, config = home / "xdg-data", home / "xdg-config"
    (data / "applications").mkdir(parents=True, exist_ok=True)
    config.mkdir(parents=True, exist_ok=True)
    command = Path(sys.executable).with_name("deskmate")
    assert command.exists(), f"the venv has no deskmate command at {command}"
    (data / "applications" / "deskmate-test.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Deskmate (test)\n"
        f"Exec={command} %u\nMimeType=x-scheme-handler/deskmate;\nNoDisplay=true\n",
        "utf-8",
    )
    routed = {k: v for k, v in env.items() if k not in _DESKTOP_HINTS}
    routed.update(XDG_DATA_HOME=str(data), XDG_CONFIG_HOME=str(config))
    subprocess.run(
        ["xdg-mime", "default", "deskmate-test.desktop", "x-scheme-handler/deskmate"],
        env=routed,
        check=True,
        timeout=20,
    )
    return routed


def pop_url(query: str, case: str) -> str:
    """What a CTI toolbar builds from its template (UTF-8, percent-encoded)."""
    return f"deskmate://search?q={quote(query)}&case={quote(case)}&utm_source=cti"


def xdg_open(env: dict[str, str], url: str) -> None:
    opened = subprocess.run(
        ["xdg-open", url], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert opened.returncode == 0, f"xdg-open failed: {opened.stderr}\n{app_log(env)[-3000:]}"


def painted_lines(env: dict[str, str]) -> list[str]:
    return [line for line in app_log(env).splitlines() if PAINTED_LOG in line]


def wait_for_painted(env: dict[str, str], count: int, timeout: float = 60.0) -> str:
    """The ``count``-th "context pop painted" line of the app's log, once it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = painted_lines(env)
        if len(lines) >= count:
            return lines[count - 1]
        time.sleep(0.1)
    raise AssertionError(f"no painted pop #{count}; the app's log:\n{app_log(env)[-3000:]}")


def recorded(env: dict[str, str], kind: EventKind) -> list[ConsultationEvent]:
    with ConsultationLog.open(Path(env["DESKMATE_DATA_DIR"]), default_agent_id()) as record:
        return [e for e in record.recent(50) if e.kind == kind]


def wait_for_event(
    env: dict[str, str], kind: EventKind, case: str, timeout: float = 30.0
) -> ConsultationEvent:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in recorded(env, kind) if e.detail.get("case", "") == case]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no {kind} event with case {case!r}: {recorded(env, kind)}")


def keep_shot(name: str) -> None:
    """The whole screen, for a human to look at (under /tmp/x11-shots)."""
    screenshot(name)


def send_client_message(window_id: int, name: str, data: list[int]) -> None:
    """An EWMH request about ``window_id`` to the window manager, as a pager sends it."""
    connection = Display()
    try:
        message = event.ClientMessage(
            window=connection.create_resource_object("window", window_id),
            client_type=connection.intern_atom(name),
            data=(32, data),
        )
        connection.screen().root.send_event(
            message, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask
        )
        connection.sync()
    finally:
        connection.close()


def sidebar_visible() -> bool:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^Deskmate$"],
        capture_output=True,
        timeout=20,
        check=False,
    )
    return bool(found.stdout.strip())


def hide_sidebar(env: dict[str, str]) -> None:
    """Close the sidebar as a window manager's close does: it hides (hide_on_close)."""
    sidebar = find_window("Deskmate", visible_only=True)
    send_client_message(sidebar, "_NET_CLOSE_WINDOW", [0, 1, 0, 0, 0])
    deadline = time.monotonic() + 10
    while sidebar_visible():
        assert time.monotonic() < deadline, "closing did not hide it: " + app_log(env)[-2000:]
        time.sleep(0.05)


def start_app(app_env: dict[str, str], tmp_path: Path, language: str) -> subprocess.Popen[bytes]:
    config = Path(app_env["DESKMATE_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(f'{{"language": "{language}"}}', "utf-8")
    process = deskmate(app_env)
    find_window("Deskmate", timeout=30, visible_only=True)
    wait_for_log(app_env, "loaded the sample pack")  # the pop should find the sample's FAQs
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_xdg_open_pops_the_docked_sidebar_on_results_with_the_case(
    app_env: dict[str, str],
    tmp_path: Path,
    xterms: list[subprocess.Popen[bytes]],
    language: str,
) -> None:
    env = register_url_handler(app_env, tmp_path)
    process = start_app(env, tmp_path, language)
    try:
        hide_sidebar(env)  # the agent had put it away
        xterms.append(start_xterm("CRM"))
        crm = find_window("CRM")
        run("xdotool", "windowactivate", "--sync", str(crm))

        xdg_open(env, pop_url(QUERY, "CASE-4711"))

        line = wait_for_painted(env, 1)
        found = re.search(r": (\d+) results, case header (\w+)", line)
        assert found, line
        assert int(found.group(1)) > 0, line  # suggestions, not "nothing found"
        assert found.group(2) == "shown", line
        # The docked sidebar is back on screen at the right edge.
        shown = find_window("Deskmate", timeout=10, visible_only=True)
        box = window_box(shown)
        assert box.x >= SCREEN_WIDTH - SIDEBAR_WIDTH - 2
        assert box.height > 600
        keep_shot(f"pop-xdg-open-{language}.png")
        # The app searched exactly the customer's words, and linked the search to the case.
        search = wait_for_event(env, EventKind.SEARCH, "CASE-4711")
        assert search.query == QUERY
        # Nothing of the customer's text or the case went to the log.
        assert QUERY not in app_log(env)
        assert "CASE-4711" not in app_log(env)
    finally:
        stop(process)


def test_a_pop_during_the_gap_dialog_waits_until_the_note_is_done(
    app_env: dict[str, str], tmp_path: Path, xterms: list[subprocess.Popen[bytes]]
) -> None:
    """The agent is typing a gap note when the next call pops: the note keeps the keyboard.

    The pop is queued while any Deskmate dialog is open (the bad input "a URL arriving
    while a modal dialog is open"): it neither steals the focus mid-sentence nor slips the
    new case into the flag that belongs to the previous call; it shows once the dialog closes.
    """
    env = register_url_handler(app_env, tmp_path)
    process = start_app(env, tmp_path, "en")
    try:
        xterms.append(start_xterm("CRM"))
        crm = find_window("CRM")
        dialog = open_gap_dialog_over(crm, env)
        run("xdotool", "type", "--delay", "20", "no answer for ")

        xdg_open(env, pop_url("roaming abroad", "CASE-NEXT"))
        wait_for_log(env, "context pop queued until the dialog closes")
        time.sleep(0.5)
        assert active_window() == dialog  # the keyboard stayed with the note
        run("xdotool", "type", "--delay", "20", "eSIM abroad")
        keep_shot("pop-waits-for-gap-dialog.png")
        assert not painted_lines(env)
        run("xdotool", "key", "Return")

        line = wait_for_painted(env, 1)
        assert "case header shown" in line
        gap = wait_for_event(env, EventKind.GAP, "")
        assert gap.detail["note"] == "no answer for eSIM abroad"  # typed whole, in one place
        assert gap.detail["interaction_id"] == ""  # the next call's case stayed out of it
        search = wait_for_event(env, EventKind.SEARCH, "CASE-NEXT")
        assert search.query == "roaming abroad"
    finally:
        stop(process)


def test_refused_link_pops_nothing_and_logs_no_payload(
    app_env: dict[str, str], tmp_path: Path
) -> None:
    env = register_url_handler(app_env, tmp_path)
    process = start_app(env, tmp_path, "en")
    try:
        hide_sidebar(env)
        payload = "<script>alert(1)</script>"
        # A case with markup refuses the whole request: the handler exits 2, xdg-open says so.
        opened = subprocess.run(
            ["xdg-open", pop_url("花呗", payload)], env=env, capture_output=True, timeout=60
        )
        assert opened.returncode != 0
        time.sleep(1.0)
        assert not painted_lines(env)
        assert not sidebar_visible()
        assert "alert" not in app_log(env)
    finally:
        stop(process)
