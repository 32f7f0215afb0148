"""Screenshots of the sidebar's features, zh_CN and en, for looking at after UI changes.

Scenes: ``features`` (favourites, filters, nothing found, the expert directory,
back/forward, text size) and ``clipboard`` (suggestions from copied text, the paste box
and its refusal, the Settings opt-in free and locked by IT).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.desktop.sidebar_shots OUT
[SCENE ...]`` (writes OUT/<language>-<name>.png, default shots/, every scene without
names; looked at, never committed). With ``DESKMATE_EXTRA_QM=file.qm`` the zh_CN shots
also load that translation (new strings, until they are in the shipped file).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
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
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication, QWidget

WEDNESDAY_19 = datetime(2026, 12, 2, 19, 0, tzinfo=timezone(timedelta(hours=8)))
CHAT = "您好，我上周申请的退款到现在还没到账，\n请问退款一般多久能到？订单是花呗付的。"


@dataclass
class Stage:
    """One language's sidebar on its own copy of the sample pack."""

    app: QApplication
    window: SidebarWindow
    out: Path
    language: str

    def wait(self, done: Callable[[], bool], seconds: float = 10) -> None:
        """Process events until ``done()`` or ``seconds`` pass."""
        deadline = datetime.now() + timedelta(seconds=seconds)
        while not done() and datetime.now() < deadline:
            self.app.processEvents()
        self.app.processEvents()

    def painted(self) -> None:
        """Wait until the newest search's rows are painted."""
        window = self.window
        self.wait(lambda: window.painted_request == window.runner.latest)

    def search(self, text: str) -> None:
        """Type ``text`` (set at once) and wait for its rows."""
        self.window.search_box.setText(text)
        self.painted()

    def save(self, name: str, widget: QWidget | None = None) -> None:
        """Save ``widget`` (the sidebar by default) as <language>-<name>.png."""
        self.app.processEvents()
        (widget or self.window).grab().save(str(self.out / f"{self.language}-{name}.png"))


def features(stage: Stage) -> None:
    """Favourites, filters, nothing found, the expert directory, back/forward, zoom."""
    window = stage.window
    for item_id in ("faq-pay-012", "exp-006"):
        window.open_item(item_id)
        window.favourite_actions.toggle_current()
    window.open_item("script-regulator-threat")
    stage.save("item-page-pin-back-forward")
    window.back()
    window.search_box.clear()
    stage.wait(lambda: window.model.rowCount() >= 3)
    stage.save("favourites-home")
    stage.search("组")
    window.favourites.toggle("exp-025")
    stage.painted()
    stage.save("favourites-results")
    stage.search("退款")
    stage.wait(lambda: window.filter_bar.product_box.count() > 1)
    window.filter_bar.choose(product="商城订单", channel="chat")
    stage.painted()
    stage.save("filters")
    window.filter_bar.choose()
    stage.search("zzqqxx 火星")
    stage.save("nothing-found")
    window.search_box.clear()
    window.toolbar.filter_group.button(3).click()  # Experts
    stage.wait(lambda: window.expert_browser.tree.topLevelItemCount() > 0)
    window.expert_browser.refresh(now=WEDNESDAY_19)
    stage.save("experts-by-team")
    window.expert_browser.by_skill.click()
    window.expert_browser.refresh(now=WEDNESDAY_19)
    stage.save("experts-by-skill")
    window.open_item("exp-004")
    stage.save("expert-card-now")
    window.toolbar.filter_group.button(0).click()
    window.zoom.set_percent(125)
    stage.search("花呗")
    stage.save("zoom-125")


def clipboard(stage: Stage) -> None:
    """Suggestions from copied text, the paste box and its refusal, the Settings opt-in."""
    window = stage.window
    suggest = ClipboardSuggest(window, window.recorder, window.show, parent=window)
    box = PasteBox(window, suggest)
    suggest.suggest("客户说：花呗还款日能改吗", "clipboard")
    stage.painted()
    stage.save("clipboard-suggestions")
    window.search_box.clear()
    box.toggle()
    box.edit.setPlainText(CHAT)
    box.submit()
    stage.painted()
    stage.save("paste-box-suggestions")
    box.edit.setPlainText("客户发来：卡号 4111 1111 1111 1111，帮我查一下")
    box.submit()
    stage.save("paste-box-refused-card-number")
    for locked, name in (
        ((), "settings-suggest-opt-in"),
        (("suggest_from_clipboard",), "settings-suggest-locked"),
    ):
        dialog = SettingsDialog(Settings(agent_id="a1"), locked=locked)
        dialog.show()
        stage.save(name, dialog)
        dialog.close()


SCENES: dict[str, Callable[[Stage], None]] = {"features": features, "clipboard": clipboard}


def shoot(app: QApplication, template: Path, work: Path, out: Path, language: str) -> None:
    """Every chosen scene in one language, each on a fresh copy of the pack."""
    for name in sys.argv[2:] or list(SCENES):
        data = work / f"data-{language}-{name}"
        shutil.copytree(template, data)
        kb = KnowledgeBase.open(data)
        recorder = ActivityRecorder(ConsultationLog.open(data, "agent-007"))
        window = SidebarWindow(kb, recorder)
        window.resize(380, 760)
        window.show()
        SCENES[name](Stage(app, window, out, language))
        window.shutdown()
        recorder.close()
        kb.close()


def main() -> None:
    """Take the screenshots of both languages."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "shots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(["deskmate"])
    extra = os.environ.get("DESKMATE_EXTRA_QM", "")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template"
        with KnowledgeBase.open(template) as kb:
            load_sample_pack_if_empty(kb)
        for language in ("zh_CN", "en"):
            translators = install_translators(app, language)
            if extra and language == "zh_CN":
                added = QTranslator(app)
                if added.load(extra):
                    app.installTranslator(added)
                    translators.append(added)
            shoot(app, template, work, out, language)
            remove_translators(app, translators)


if __name__ == "__main__":
    main()
