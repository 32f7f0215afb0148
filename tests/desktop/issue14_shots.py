"""Screenshots of issue #14's new states, zh_CN and en: start-up progress, a worded error.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/desktop/issue14_shots.py``
(writes shots/, which is looked at and never committed), with the shipped translations.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import threading
from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.i18n import remove_translators
from deskmate.indexer.sample_pack import load_sample_pack_if_empty
from PySide6.QtWidgets import QApplication

# DESKMATE_SHOTS: where to write them (default: shots/ in the checkout, never committed).
HERE = Path(os.environ.get("DESKMATE_SHOTS") or Path(__file__).resolve().parents[2] / "shots")


def _paths(work: Path, template: Path, language: str) -> Paths:
    data = work / f"data-{language}"
    shutil.copytree(template, data)
    shutil.rmtree(data / "index")  # the index must be rebuilt: start-up shows progress
    config = work / f"config-{language}"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"language": language}), "utf-8")
    return Paths.resolve(data, config)


def shoot(app: QApplication, work: Path, template: Path, language: str) -> None:
    """Start-up progress at 40 % (writer lane held), then a locked database's message."""
    deskmate = DeskmateApp(app, _paths(work, template, language), dock=False)
    gate = threading.Event()
    deskmate.jobs.submit("gate", lambda _ctx: gate.wait(30))  # hold the rebuild back
    deskmate.window.resize(380, 640)
    deskmate.start()
    deskmate.window.index_progress.set_progress(102, 253)  # as the rebuild reports it
    app.processEvents()
    deskmate.window.grab().save(str(HERE / f"{language}-startup-progress.png"))
    gate.set()
    deskmate.jobs.wait_until_idle(60)
    # Another program holds the database's write lock: the next event waits out the busy
    # timeout, goes to the side file, and the agent is told why, in their language.
    other = sqlite3.connect(deskmate.kb.data_dir / "deskmate.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    deskmate.recorder.search("花呗还款", 3)
    deskmate.recorder.flush()
    deskmate.jobs.wait_until_idle(10)
    app.processEvents()
    deskmate.window.grab().save(str(HERE / f"{language}-locked-database.png"))
    other.execute("ROLLBACK")
    other.close()
    deskmate.quit()
    remove_translators(app, deskmate._translators)  # one language per process in the app


def main() -> None:
    """Take the four screenshots into shots/."""
    app = QApplication(["deskmate"])
    HERE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template"
        with KnowledgeBase.open(template) as kb:
            load_sample_pack_if_empty(kb)
        for language in ("zh_CN", "en"):
            shoot(app, work, template, language)


if __name__ == "__main__":
    main()
