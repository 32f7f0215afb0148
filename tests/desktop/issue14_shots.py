"""Screenshots of issue #14's new states, zh_CN and en: start-up progress, a worded error.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/desktop/issue14_shots.py``
(writes shots/, which is looked at and never committed). The strings added
for issue #14 are not in resources/translations yet (the lead merges the .ts files), so
for zh_CN this builds a temporary .qm of them (the translations listed in the report)
and installs it next to the shipped one.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from xml.sax.saxutils import escape

from deskmate.core import KnowledgeBase
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.i18n import remove_translators
from deskmate.indexer.sample_pack import load_sample_pack_if_empty
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

HERE = Path(__file__).resolve().parents[2] / "shots"
NEW_STRINGS: dict[str, dict[str, str]] = {
    "IndexProgress": {
        "Preparing the search index…": "正在准备搜索索引…",
        "Preparing the search index… %1%": "正在准备搜索索引… %1%",
        "Cancel": "取消",
        "Cancelling…": "正在取消…",
    },
    "StartupPreparation": {"Loading the sample knowledge pack…": "正在载入示例知识包…"},
    "ActivityRecorder": {
        "%1 Your activity is kept aside and saved when this is fixed.": (
            "%1 您的活动记录已暂存，问题解决后会自动保存。"
        ),
    },
    "ErrorWording": {
        "The knowledge database is in use by another program (%1). Close other Deskmate "
        "windows and try again; nothing was lost.": (
            "知识数据库正被其他程序占用（%1）。请关闭其他 Deskmate 窗口后重试；没有丢失任何内容。"
        ),
    },
}


def _translator(work: Path) -> QTranslator:
    contexts = "".join(
        f"<context><name>{name}</name>"
        + "".join(
            f"<message><source>{escape(src)}</source><translation>{escape(zh)}</translation>"
            "</message>"
            for src, zh in strings.items()
        )
        + "</context>"
        for name, strings in NEW_STRINGS.items()
    )
    ts = work / "issue14_zh_CN.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" '
        f'language="zh_CN">{contexts}</TS>',
        "utf-8",
    )
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), str(ts), "-qm", str(work / "issue14.qm")], check=True)
    translator = QTranslator()
    assert translator.load(str(work / "issue14.qm"))
    return translator


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
    extra = _translator(work) if language == "zh_CN" else None
    if extra is not None:
        app.installTranslator(extra)
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
    if extra is not None:
        app.removeTranslator(extra)


def main() -> None:
    """Take the four screenshots into shots/."""
    app = QApplication(["deskmate"])
    HERE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template"
        with KnowledgeBase.open(template) as kb:
            load_sample_pack_if_empty(kb)
        for language in ("zh_CN", "en"):
            shoot(app, work, template, language)


if __name__ == "__main__":
    main()
