"""Screenshots of issue #18's suggestions from copied text, zh_CN and en.

The sidebar showing suggestions for a copied customer message, the paste box with a
chat message, the paste box refusing a card number, and the Settings dialog's opt-in
(free, then locked by IT).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.desktop.issue18_clipboard_shots OUT``
(writes PNGs to OUT; looked at, never committed).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.settings import Settings
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.clipboard_suggest import ClipboardSuggest
from deskmate.desktop.i18n import install_translators, remove_translators
from deskmate.desktop.paste_box import PasteBox
from deskmate.desktop.settings_dialog import SettingsDialog
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.indexer.sample_pack import load_sample_pack_if_empty
from PySide6.QtWidgets import QApplication

CHAT = "您好，我上周申请的退款到现在还没到账，\n请问退款一般多久能到？订单是花呗付的。"


def _wait(app: QApplication, done: Callable[[], bool], seconds: float = 10) -> None:
    deadline = datetime.now() + timedelta(seconds=seconds)
    while not done() and datetime.now() < deadline:
        app.processEvents()
    app.processEvents()


def shoot(app: QApplication, template: Path, work: Path, out: Path, language: str) -> None:
    """Every state in one language."""
    data = work / f"data-{language}"
    shutil.copytree(template, data)
    kb = KnowledgeBase.open(data)
    recorder = ActivityRecorder(ConsultationLog.open(data, "agent-007"))
    window = SidebarWindow(kb, recorder)
    window.resize(380, 760)
    window.show()
    suggest = ClipboardSuggest(window, recorder, window.show, parent=window)
    box = PasteBox(window, suggest)

    def save(widget: object, name: str) -> None:
        app.processEvents()
        widget.grab().save(str(out / f"{language}-{name}.png"))  # type: ignore[attr-defined]

    suggest.suggest("客户说：花呗还款日能改吗", "clipboard")
    _wait(app, lambda: window.painted_request == window.runner.latest)
    save(window, "clipboard-suggestions")
    window.search_box.clear()
    box.toggle()
    box.edit.setPlainText(CHAT)
    box.submit()
    _wait(app, lambda: window.painted_request == window.runner.latest)
    save(window, "paste-box-suggestions")
    box.edit.setPlainText("客户发来：卡号 4111 1111 1111 1111，帮我查一下")
    box.submit()
    save(window, "paste-box-refused-card-number")
    for locked, name in (
        ((), "settings-suggest-opt-in"),
        (("suggest_from_clipboard",), "settings-suggest-locked"),
    ):
        dialog = SettingsDialog(Settings(agent_id="a1"), locked=locked)
        dialog.show()
        save(dialog, name)
        dialog.close()
    window.shutdown()
    recorder.close()
    kb.close()


def main() -> None:
    """Take the screenshots of both languages."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "shots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(["deskmate"])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template"
        with KnowledgeBase.open(template) as kb:
            load_sample_pack_if_empty(kb)
        for language in ("zh_CN", "en"):
            translators = install_translators(app, language)
            shoot(app, template, work, out, language)
            remove_translators(app, translators)


if __name__ == "__main__":
    main()
