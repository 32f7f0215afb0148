"""Screenshots of issue #18's sidebar features, zh_CN and en: favourites, filters, the
nothing-found message, the expert directory, back/forward and the text size.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/desktop/issue18_sidebarux_shots.py OUT``
(writes PNGs to OUT, default shots/; looked at, never committed). With an extra ``.qm``
as a second argument (the new strings' translations, until they are in the shipped
file) the zh_CN shots show them translated.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.desktop.activity_recorder import ActivityRecorder
from deskmate.desktop.i18n import install_translators, remove_translators
from deskmate.desktop.sidebar import SidebarWindow
from deskmate.indexer.sample_pack import load_sample_pack_if_empty
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

WEDNESDAY_19 = datetime(2026, 12, 2, 19, 0, tzinfo=timezone(timedelta(hours=8)))


def _wait(app: QApplication, done: Callable[[], bool], seconds: float = 10) -> None:
    deadline = datetime.now() + timedelta(seconds=seconds)
    while not done() and datetime.now() < deadline:
        app.processEvents()
    app.processEvents()


def shoot(app: QApplication, template: Path, work: Path, out: Path, language: str) -> None:
    """Every state of the branch in one language."""
    data = work / f"data-{language}"
    shutil.copytree(template, data)
    kb = KnowledgeBase.open(data)
    recorder = ActivityRecorder(ConsultationLog.open(data, "agent-007"))
    window = SidebarWindow(kb, recorder)
    window.resize(380, 760)
    window.show()

    def search(text: str) -> None:
        window.search_box.setText(text)
        _wait(app, lambda: window.painted_request == window.runner.latest)

    def save(name: str) -> None:
        app.processEvents()
        window.grab().save(str(out / f"{language}-{name}.png"))

    for item_id in ("faq-pay-012", "exp-006"):
        window.open_item(item_id)
        window.favourite_actions.toggle_current()
    window.open_item("script-regulator-threat")
    save("item-page-pin-back-forward")
    window.back()
    window.search_box.clear()
    _wait(app, lambda: window.model.rowCount() >= 3)
    save("favourites-home")
    search("组")
    window.favourites.toggle("exp-025")
    _wait(app, lambda: window.painted_request == window.runner.latest)
    save("favourites-results")
    search("退款")
    _wait(app, lambda: window.filter_bar.product_box.count() > 1)
    window.filter_bar.choose(product="商城订单", channel="chat")
    _wait(app, lambda: window.painted_request == window.runner.latest)
    save("filters")
    window.filter_bar.choose()
    search("zzqqxx 火星")
    save("nothing-found")
    window.search_box.clear()
    button = window.toolbar.filter_group.button(3)  # Experts
    button.click()
    _wait(app, lambda: window.expert_browser.tree.topLevelItemCount() > 0)
    window.expert_browser.refresh(now=WEDNESDAY_19)
    save("experts-by-team")
    window.expert_browser.by_skill.click()
    window.expert_browser.refresh(now=WEDNESDAY_19)
    save("experts-by-skill")
    window.open_item("exp-004")
    save("expert-card-now")
    window.toolbar.filter_group.button(0).click()
    window.zoom.set_percent(125)
    search("花呗")
    save("zoom-125")
    window.shutdown()
    recorder.close()
    kb.close()


def main() -> None:
    """Take the screenshots of both languages."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "shots")
    extra = sys.argv[2] if len(sys.argv) > 2 else ""
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(["deskmate"])
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
