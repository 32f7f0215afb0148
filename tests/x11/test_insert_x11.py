"""Insert into CRM (issue #18): the open answer is typed into the agent's previous window.

The "CRM" is an xterm running ``cat > file``, so what arrives is read back byte for byte.
The agent is in the CRM, summons the sidebar with the hotkey, a CTI pop shows the
customer's question, Enter opens the first answer and Ctrl+Shift+Enter inserts it: the
Chinese text arrives in the CRM (XTEST with a remapped spare keycode), and the clipboard
still holds what was on it before.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from deskmate.core import KnowledgeBase
from deskmate.desktop.safe_browser import SafeTextBrowser
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tests.x11.test_app_end_to_end_x11 import app_log, deskmate, wait_for_log
from tests.x11.test_context_pop_x11 import keep_shot, stop, wait_for_painted
from tests.x11.x11_tools import active_window, find_window, run

pytestmark = pytest.mark.x11
QUERY = "花呗还款日能改吗"
ITEM = "faq-pay-012"  # the sample pack's answer the query finds first
CLIPBOARD = "the agent's own copied text"


def _crm(typed: Path) -> subprocess.Popen[bytes]:
    """An xterm titled "CRM" that writes what is typed into it to ``typed`` (UTF-8)."""
    return subprocess.Popen(
        ["xterm", "-u8", "-title", "CRM", "-e", "sh", "-c", f"stty -echo; cat > '{typed}'"],
        env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_insert_types_the_chinese_answer_into_the_crm_and_leaves_the_clipboard(
    app_env: dict[str, str],
    tmp_path: Path,
    xterms: list[subprocess.Popen[bytes]],
    qapp: QApplication,
) -> None:
    config = Path(app_env["DESKMATE_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text('{"language": "zh_CN"}', "utf-8")
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(CLIPBOARD)
    process = deskmate(app_env)
    try:
        find_window("Deskmate", timeout=30, visible_only=True)
        wait_for_log(app_env, "loaded the sample pack")
        typed = tmp_path / "typed.txt"
        xterms.append(_crm(typed))
        crm = find_window("CRM", visible_only=True)
        run("xdotool", "windowactivate", "--sync", str(crm))
        assert active_window() == crm
        run("xdotool", "key", "ctrl+alt+space")  # the agent turns to the sidebar
        deadline = time.monotonic() + 10
        while active_window() == crm:
            assert time.monotonic() < deadline, "the hotkey did not summon the sidebar"
            time.sleep(0.05)
        # The question arrives as a CTI pop; Enter opens the first answer.
        link = f"deskmate://search?q={quote(QUERY)}"
        assert deskmate(app_env, link).wait(30) == 0
        wait_for_painted(app_env, 1)
        run("xdotool", "key", "Return")
        time.sleep(0.5)
        keep_shot("insert-answer-open.png")
        run("xdotool", "key", "ctrl+shift+Return")

        wait_for_log(app_env, "typed ", timeout=60)
        assert active_window() == crm  # the CRM was brought forward to type into
        run("xdotool", "key", "Return")  # the last line reaches cat
        with KnowledgeBase.open(Path(app_env["DESKMATE_DATA_DIR"])) as kb:
            item = kb.get(ITEM)
        assert item is not None
        deadline = time.monotonic() + 10
        text = ""
        while time.monotonic() < deadline and "征信" not in text:
            time.sleep(0.2)
            text = typed.read_text("utf-8", "replace") if typed.exists() else ""
        keep_shot("insert-typed-into-crm.png")
        # Exactly the answer as the sidebar shows it, every character in order, then the
        # Return pressed above.
        shown = SafeTextBrowser()
        shown.show_markdown(item.body)
        expected = shown.toPlainText()
        assert "支付宝" in expected
        assert text == expected + "\n", f"log:\n{app_log(app_env)[-2000:]}"
        # The clipboard was never used.
        qapp.processEvents()
        assert clipboard.text() == CLIPBOARD
    finally:
        stop(process)
