"""The context pop through the real single-instance channel and the real sidebar (issue #18).

A CRM or CTI toolbar runs ``deskmate search --show …`` or opens a ``deskmate://`` link:
the running sidebar shows the query's results with the case in its header, and what
the agent then does carries the case until they clear it.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from deskmate.core.context_request import ContextRequest
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.single_instance import instance_name, send_to_running
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

QUERY = "客户说：花呗还款日能改吗"


@pytest.fixture
def deskmate(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, sample_pack: Path
) -> Iterator[DeskmateApp]:
    """The real sidebar application, offline, on the sample pack, floating."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"language": "en"}), "utf-8")
    paths = Paths.resolve(tmp_path / "data", config)
    app = DeskmateApp(qapp, paths, dock=False)
    with qtbot.waitSignal(app.startup.prepared, timeout=30_000):
        app.start()
    try:
        yield app
    finally:
        app.quit()
        app.window.deleteLater()


def _send(app: DeskmateApp, request: ContextRequest) -> None:
    assert send_to_running(app.paths.data_dir, request.to_message())


def _painted(qtbot: QtBot, app: DeskmateApp, text: str) -> None:
    qtbot.waitUntil(lambda: app.window.search_box.text() == text, timeout=5_000)
    runner = app.window.runner
    qtbot.waitUntil(lambda: app.window.painted_request == runner.latest, timeout=10_000)


def test_pop_shows_results_and_case_and_events_carry_it_until_cleared(
    qtbot: QtBot, deskmate: DeskmateApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    window = deskmate.window
    _send(deskmate, ContextRequest.build(QUERY, "CASE-123", "zh"))
    _painted(qtbot, deskmate, QUERY)
    assert window.model.rowCount() > 0
    assert deskmate.context.header.isVisible()
    assert deskmate.context.header.label.text() == "Case: CASE-123"
    assert QUERY not in caplog.text
    assert "CASE-123" not in caplog.text
    assert f"query of {len(QUERY)} chars" in caplog.text

    window.open_row(0)
    window.copy_current()
    deskmate.recorder.flush()
    with_case = deskmate.recorder.recent(10)
    opened = next(e for e in with_case if e.kind.value == "open")
    copied = next(e for e in with_case if e.kind.value == "copy")
    assert opened.detail["case"] == "CASE-123"
    assert copied.detail["case"] == "CASE-123"
    assert opened.query == QUERY  # the local record keeps the query, as for typed searches

    # The gap dialog is pre-filled with the case.
    deskmate.flag_gap()
    dialog = deskmate._gap_dialog
    assert dialog is not None
    assert dialog.case_edit.text() == "CASE-123"
    dialog.reject()

    window.back()
    qtbot.mouseClick(deskmate.context.header.clear_button, qtbot_left())
    assert not deskmate.context.header.isVisible()
    assert deskmate.context.case == ""
    window.open_row(0)
    window.copy_current()
    deskmate.recorder.flush()
    newest = deskmate.recorder.recent(2)
    assert {e.kind.value for e in newest} == {"open", "copy"}
    assert all("case" not in e.detail for e in newest)


def qtbot_left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_a_new_case_replaces_the_old_one(qtbot: QtBot, deskmate: DeskmateApp) -> None:
    _send(deskmate, ContextRequest.build("花呗", "CASE-1"))
    _painted(qtbot, deskmate, "花呗")
    _send(deskmate, ContextRequest.build("退款", "CASE-2"))
    _painted(qtbot, deskmate, "退款")
    assert deskmate.context.header.label.text() == "Case: CASE-2"
    deskmate.window.open_row(0)
    deskmate.recorder.flush()
    assert deskmate.recorder.recent(1)[0].detail["case"] == "CASE-2"


def test_pop_while_a_modal_dialog_is_open_waits_for_it(qtbot: QtBot, deskmate: DeskmateApp) -> None:
    dialog = QDialog(deskmate.window)
    dialog.setModal(True)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    _send(deskmate, ContextRequest.build("花呗", "CASE-7"))
    qtbot.waitUntil(lambda: deskmate.context.pending is not None, timeout=5_000)
    qtbot.wait(300)
    assert deskmate.window.search_box.text() != "花呗"  # nothing typed behind the dialog
    assert dialog.isVisible()  # and the dialog was not closed
    dialog.accept()
    _painted(qtbot, deskmate, "花呗")
    assert deskmate.context.case == "CASE-7"
    assert deskmate.context.pending is None


@pytest.mark.logs_warnings(r"dropped an overlong message \(over", r"refused a context message")
def test_channel_drops_bad_messages_and_keeps_serving(qtbot: QtBot, deskmate: DeskmateApp) -> None:
    data_dir = deskmate.paths.data_dir
    for bad in (
        '{"kind":"search","q":"x","case":"<b>"}',
        '{"kind":"search","q":5}',
        "{not json",
        '{"kind":"open","q":"x"}',
        "javascript:alert(1)",
    ):
        assert send_to_running(data_dir, bad)
    # A megabyte without a line end: the connection is dropped, the app lives on.
    socket = QLocalSocket()
    socket.connectToServer(instance_name(data_dir))
    assert socket.waitForConnected(1000)
    socket.write(b"{" + b"a" * 1_000_000)
    socket.flush()
    socket.waitForBytesWritten(1000)
    qtbot.wait(300)
    socket.abort()
    assert deskmate.context.case == ""
    assert deskmate.window.search_box.text() == ""
    _send(deskmate, ContextRequest.build("花呗", "C-2"))
    _painted(qtbot, deskmate, "花呗")


def test_second_process_with_a_url_reaches_the_running_sidebar(
    qtbot: QtBot, deskmate: DeskmateApp
) -> None:
    url = f"deskmate://search?q={quote(QUERY)}&case=CASE-9&utm=1"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    paths = deskmate.paths
    argv = [
        sys.executable,
        "-m",
        "deskmate.desktop.cli",
        url,
        "--data-dir",
        str(paths.data_dir),
        "--config-dir",
        str(paths.config_dir),
    ]
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    qtbot.waitUntil(lambda: child.poll() is not None, timeout=30_000)
    _out, err = child.communicate()
    assert child.returncode == 0, err.decode()
    _painted(qtbot, deskmate, QUERY)
    assert deskmate.context.case == "CASE-9"


@pytest.mark.logs_warnings(r"context refused")
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "deskmate://search?q=x&case=a%20b"]
)
def test_refused_urls_exit_2_without_echoing_the_payload(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from deskmate.desktop.cli import main

    assert main([url, "--data-dir", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "refused" in err
    assert "alert" not in err
    assert "passwd" not in err


@pytest.mark.logs_warnings(r"context refused")
def test_search_show_on_the_command_line_pops_the_running_sidebar(
    qtbot: QtBot, deskmate: DeskmateApp
) -> None:
    from deskmate.desktop.cli import main

    paths = deskmate.paths
    argv = [
        "search",
        "--show",
        QUERY,
        "--case",
        "CASE-5",
        "--customer-lang",
        "zh",
        "--data-dir",
        str(paths.data_dir),
        "--config-dir",
        str(paths.config_dir),
    ]
    assert main(argv) == 0
    _painted(qtbot, deskmate, QUERY)
    assert deskmate.context.case == "CASE-5"
    assert main([*argv[:4], "a b", *argv[5:]]) == 2  # a malformed case: refused, no pop
    assert deskmate.context.case == "CASE-5"


_HANDOVER = """
import sys
from deskmate.desktop.cli import main
code = main(sys.argv[1:])
heavy = ("sqlalchemy", "whoosh", "jieba", "rjieba", "PySide6", "importlib.metadata")
print(sorted({m.split(".")[0] for m in sys.modules if m.startswith(heavy)}))
sys.exit(code)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="a named pipe there: through QLocalSocket")
def test_a_link_is_handed_over_without_loading_the_store_or_qt(
    qtbot: QtBot, deskmate: DeskmateApp
) -> None:
    """The link's process only talks to the running sidebar: light imports, fast (#18).

    Loading the store and the search engine took ~2 s of the pop on a busy PC, Qt's
    network module a further ~0.1 s (benchmarks/context_pop.py). Options before the
    link (``--data-dir X URL``) work too.
    """
    paths = deskmate.paths
    url = f"deskmate://search?q={quote('花呗')}&case=CASE-11"
    argv = [sys.executable, "-c", _HANDOVER, "--data-dir", str(paths.data_dir)]
    argv += ["--config-dir", str(paths.config_dir), url]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    qtbot.waitUntil(lambda: child.poll() is not None, timeout=30_000)
    out, err = child.communicate()
    assert child.returncode == 0, err.decode()
    assert out.decode().strip() == "[]"
    _painted(qtbot, deskmate, "花呗")
    assert deskmate.context.case == "CASE-11"
