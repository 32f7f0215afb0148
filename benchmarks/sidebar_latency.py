"""The sidebar, driven for real (offscreen): keystroke-to-paint latency, cold start, idle RSS.

Run from the repository root::

    python -m benchmarks.sidebar_latency                 # 10k and 100k items
    python -m benchmarks.sidebar_latency --sizes 10000 --queries 20

Keystroke-to-paint: a query is typed character by character into the search box
(Chinese characters as input-method commits, as an IME delivers them, Latin letters as
key presses); for each keystroke the time runs from the key event until the result list
for that text has been repainted (the lexical ranking). Every item has a vector (from
benchmarks/semantic.py's cache, else random: the time does not depend on the values), so
a keystroke whose text is question-like (6+ Chinese characters) is also timed until the
fused ranking (the encoder and the vector scan, desktop/search_refine.py) has been
handled on the GUI thread: "refined" rows. The agent's next keystroke is sent after that
(agents type at 150-300 ms per key, slower than any search here).

Cold start: a fresh process imports Deskmate, opens the knowledge base (the bundled sample
pack) and shows the sidebar; the time runs from process launch until the search box has
focus. Idle RSS is that process's resident memory after two idle seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.corpus import ENGLISH_QUERIES, build_corpus, queries, resolve_eval_dir
from benchmarks.system import machine_line, print_table, summary_ms

HEADERS = ["items", "typing", "rows", "keys", "p50 ms", "p95 ms", "max ms", "mean ms", "target p95"]
CACHE = Path(__file__).resolve().parent.parent / "build" / "bench-cache"


def knowledge_base_dir(size: int, eval_dir: Path | None) -> Path:
    """A data directory with ``size`` corpus items, built once and cached under build/."""
    from deskmate.core import Item, KnowledgeBase

    target = CACHE / f"sidebar-{size}"
    if (target / "ready").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    print(f"... building the {size}-item knowledge base (cached in {target})", file=sys.stderr)
    with KnowledgeBase.open(target) as kb:
        kb.upsert([Item.from_dict(r) for r in build_corpus(size, eval_dir)])
    (target / "ready").write_text("ok")
    return target


def add_vectors(data_dir: Path, size: int, eval_dir: Path | None) -> None:
    """Give every item of the cached knowledge base a vector (once; marked "vectors")."""
    from deskmate.core import Item, KnowledgeBase

    from benchmarks.search_latency import _live_encoder, store_item_vectors

    if (data_dir / "vectors").exists():
        return
    encoder = _live_encoder()
    with KnowledgeBase.open(data_dir, lambda: encoder) as kb:
        items = [Item.from_dict(r) for r in build_corpus(size, eval_dir)]
        store_item_vectors(kb, items, encoder)
    (data_dir / "vectors").write_text("ok")


def type_and_time(texts: list[str], data_dir: Path) -> tuple[list[float], list[float]]:
    """Type each text into a real SidebarWindow; keystroke-to-paint seconds.

    Returns:
        (lexical rows painted, for every keystroke; fused rows handled, for the keystrokes
        whose text is question-like).
    """
    from deskmate.core import KnowledgeBase
    from deskmate.core.activity.consultation_log import ConsultationLog
    from deskmate.core.semantic.search import is_question_like
    from deskmate.desktop.activity_recorder import ActivityRecorder
    from deskmate.desktop.sidebar import SidebarWindow
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtGui import QInputMethodEvent, QKeyEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["bench"])
    scratch = Path(tempfile.mkdtemp(prefix="deskmate-bench-"))
    kb = KnowledgeBase.open(data_dir)
    recorder = ActivityRecorder(ConsultationLog.open(scratch, "bench"))
    window = SidebarWindow(kb, recorder)
    window.resize(380, 900)
    window.show()
    kb.search("预热", limit=1)  # the first search after open loads the posting caches
    kb.search("预热一下向量和编码器", limit=1)  # and the vector matrix, the encoder
    timings: list[float] = []
    refined: list[float] = []
    box = window.search_box
    loop = QEventLoop()
    window.results_painted.connect(
        lambda request: loop.quit() if request == window.runner.latest else None
    )
    answered: list[int] = []

    def fused_handled(result: Any) -> None:
        # Connected after the sidebar's own slot: the fused rows are applied by now.
        if result.request == window.runner.latest:
            answered.append(result.request)
            loop.quit()

    window.refiner.answered.connect(fused_handled)
    guard = QTimer(singleShot=True)
    guard.timeout.connect(loop.quit)
    for text in texts:
        box.clear()
        app.processEvents()
        for char in text:
            start = time.perf_counter()
            if char.isascii():
                key = Qt.Key.Key_Space if char == " " else Qt.Key(ord(char.upper()))
                for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
                    QApplication.sendEvent(
                        box, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
                    )
            else:
                event = QInputMethodEvent()
                event.setCommitString(char)
                QApplication.sendEvent(box, event)
            if window.painted_request != window.runner.latest:
                # Wait the way the app does: idle in Qt's event loop (the GIL released),
                # not spinning, which would slow the search thread down.
                guard.start(30_000)
                loop.exec()
            timings.append(time.perf_counter() - start)
            if is_question_like(box.text()):
                if window.runner.latest not in answered:
                    guard.start(30_000)  # (a timeout shows as a 30 s keystroke)
                    loop.exec()
                refined.append(time.perf_counter() - start)
    window.shutdown()
    recorder.close()
    kb.close()
    window.deleteLater()
    shutil.rmtree(scratch, ignore_errors=True)
    return timings, refined


_CHILD = r"""
import os, sys, time
t0 = float(sys.argv[1])
from pathlib import Path
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from PySide6.QtWidgets import QApplication
app = QApplication(["deskmate"])
paths = Paths.resolve(Path(sys.argv[2]), Path(sys.argv[3]))
deskmate = DeskmateApp(app, paths, dock=False)
deskmate.start()
while not deskmate.window.search_box.hasFocus() or deskmate.window.search_box.isHidden():
    app.processEvents()
ready = time.time() - t0
end = time.time() + 2.0
while time.time() < end:
    app.processEvents()
    time.sleep(0.01)
rss = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
print(f"READY {ready:.4f} {rss:.1f}", flush=True)
deskmate.quit()
"""


def cold_start(runs: int) -> tuple[list[float], list[float]]:
    """Launch the sidebar ``runs`` times on the sample pack; (seconds to ready, idle RSS MiB)."""
    from deskmate.core import KnowledgeBase
    from deskmate.indexer.sample_pack import load_sample_pack_if_empty

    template = Path(tempfile.mkdtemp(prefix="deskmate-cold-"))
    with KnowledgeBase.open(template / "data") as kb:  # first run's import is not start-up
        load_sample_pack_if_empty(kb)
    ready, rss = [], []
    for _ in range(runs):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKMATE_LOG_DIR=str(template / "logs"))
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                _CHILD,
                repr(time.time()),
                str(template / "data"),
                str(template / "config"),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=True,
        ).stdout
        line = next(x for x in out.splitlines() if x.startswith("READY"))
        ready.append(float(line.split()[1]))
        rss.append(float(line.split()[2]))
    shutil.rmtree(template, ignore_errors=True)
    return ready, rss


def main(argv: list[str] | None = None) -> None:
    """Print the sidebar tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=30, help="Chinese queries typed per size")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--eval-dir", type=Path, default=None)
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-start runs")
    args = parser.parse_args(argv)
    eval_dir = resolve_eval_dir(args.eval_dir)
    print(machine_line())
    zh = queries(eval_dir, args.queries) if eval_dir else ["花呗怎么还款", "退款多久到账"]
    en = ENGLISH_QUERIES[:10]
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        data_dir = knowledge_base_dir(size, eval_dir)
        add_vectors(data_dir, size, eval_dir)
        big = size >= 100_000
        for label, texts in (("zh (IME commits)", zh), ("en (key presses)", en)):
            lexical, fused = type_and_time(texts, data_dir)
            for what, values, target in (
                ("lexical painted", lexical, "≤ 50"),
                ("refined (fused)", fused, "≤ 150"),
            ):
                if values:
                    p50, p95, worst, mean = summary_ms(values)
                    rows.append(
                        [
                            size,
                            label,
                            what,
                            len(values),
                            p50,
                            p95,
                            worst,
                            mean,
                            target if big else "",
                        ]
                    )
    print_table(
        HEADERS,
        rows,
        title=f"keystroke to results painted (offscreen); {machine_line()}",
    )
    if args.no_cold:
        return
    ready, rss = cold_start(args.cold_runs)
    r50, r95, rmax, _ = summary_ms(ready)
    print_table(
        ["runs", "p50 ms", "p95 ms", "max ms", "idle RSS MiB (max)", "targets"],
        [[len(ready), r50, r95, rmax, max(rss), "start ≤ 1500 ms, RSS ≤ 200 MiB"]],
        title="cold start to search box ready (sample pack)",
    )


if __name__ == "__main__":
    main()
