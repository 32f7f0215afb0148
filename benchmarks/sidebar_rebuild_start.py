"""Start-up with the search index to rebuild, at 100k items: window, progress, cancel.

Run from the repository root::

    python -m benchmarks.sidebar_rebuild_start --eval-dir ../shared/eval/atec   # 100k
    python -m benchmarks.sidebar_rebuild_start --size 10000

Each scenario launches a fresh ``deskmate`` sidebar process (offscreen) on a scratch copy
of the synced world of :mod:`benchmarks.session_world` and times it from process launch:

* ``deleted``: the index folder is deleted. Window visible (the time from launch until the
  window is shown with the progress row), the progress sentences seen, the rebuild's
  length, and "usable": a query typed while preparing is searched and painted how long
  after the rebuild ends. The GUI watchdog (50 ms) runs throughout.
* ``cancel-upgrade``: the index was built by an older version (its fingerprint differs);
  Cancel at 40 %: the old index must stay as it was and be searched.
* ``cancel-deleted``: no index at all; Cancel at 40 %: the store must be intact, no
  half-built index left, and search says it works after a restart.

Targets (issue #14): window visible <= 1.5 s, progress shown, search usable the moment
the rebuild ends, cancel leaves the old state intact.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deskmate.core.search.index_store import META_FILE

from benchmarks.corpus import resolve_eval_dir
from benchmarks.session_world import copy_world, prepare
from benchmarks.system import machine_line, print_table

_CHILD = r"""
import json, os, sys, time
t0 = float(sys.argv[1])
mode, data, config = sys.argv[2], sys.argv[3], sys.argv[4]
from pathlib import Path
from deskmate.core.paths import Paths
from deskmate.desktop.app import DeskmateApp
from deskmate.desktop.watchdog import MainThreadWatchdog
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
out = {}
app = QApplication(["deskmate"])
deskmate = DeskmateApp(app, Paths.resolve(Path(data), Path(config)), dock=False)
window, bar = deskmate.window, deskmate.window.index_progress
deskmate.start()
app.processEvents()
out["visible_s"] = time.time() - t0
out["visible"] = window.isVisible()
out["progress_visible"] = bar.isVisible()
out["first_label"] = bar.label.text()
watchdog = MainThreadWatchdog()
watchdog.start()
labels = []
bar.bar.valueChanged.connect(lambda v: labels.append((time.time() - t0, bar.label.text())))
window.search_box.setFocus()
for char in "退款":
    event = QInputMethodEvent()
    event.setCommitString(char)
    QApplication.sendEvent(window.search_box, event)
ready_at = []
cancelled = []
deadline = time.time() + 900
while time.time() < deadline:
    app.processEvents()
    time.sleep(0.002)
    if deskmate.kb.index_ready and not ready_at:
        ready_at.append(time.time() - t0)
        asked_before = window.runner.latest  # the typed query is searched again after
    if mode.startswith("cancel") and not cancelled and bar.bar.value() >= 40:
        bar.cancel_button.click()
        cancelled.append(time.time() - t0)
    if (
        mode == "deleted"
        and ready_at
        and window.runner.latest > asked_before
        and window.painted_request == window.runner.latest
    ):
        out["usable_s"] = time.time() - t0
        out["hits"] = window.model.rowCount()
        break
    if mode.startswith("cancel") and cancelled and not deskmate.jobs.busy:
        if deskmate.kb.index_ready and window.painted_request != window.runner.latest:
            continue  # the old index is searched: wait for the typed query's results
        out["hits"] = window.model.rowCount()
        break
out["ready_s"] = ready_at[0] if ready_at else None
out["cancelled_s"] = cancelled[0] if cancelled else None
out["index_ready"] = deskmate.kb.index_ready
out["status"] = window.status.text()
out["labels"] = labels
watchdog.stop()
out["stalls"] = [(s.ms, s.stack.splitlines()[-2:]) for s in watchdog.stalls]
quit_start = time.time()
deskmate.quit()
out["quit_s"] = time.time() - quit_start
print("RESULT " + json.dumps(out, ensure_ascii=False), flush=True)
"""


def _store_count(data: Path) -> int:
    import sqlite3

    with sqlite3.connect(data / "deskmate.db") as conn:
        return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])


def run(mode: str, cached: Path, scratch: Path) -> dict[str, object]:
    """One scenario in a fresh process; its figures and the checks after it."""
    world = copy_world(cached, scratch)
    (world.config_dir / "settings.json").write_text(json.dumps({"language": "en"}), "utf-8")
    index = world.data_dir / "index"
    meta = index / "current" / META_FILE
    if mode == "cancel-upgrade":
        state = json.loads(meta.read_text("utf-8"))
        state["fingerprint"] = "built-by-an-older-version"
        meta.write_text(json.dumps(state), "utf-8")
    else:
        shutil.rmtree(index)
    before = meta.read_text("utf-8") if meta.exists() else None
    count_before = _store_count(world.data_dir)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKMATE_LOG_DIR=str(scratch / "logs"))
    env.pop("DESKMATE_TOKEN", None)
    proc = subprocess.run(
        [
            *(sys.executable, "-c", _CHILD, repr(time.time()), mode),
            *(world.data_dir, world.config_dir),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
        check=False,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"{mode}: the sidebar process failed:\n{proc.stderr[-3000:]}")
    out: dict[str, object] = json.loads(line[len("RESULT ") :])
    out["meta_unchanged"] = (meta.read_text("utf-8") if meta.exists() else None) == before
    out["leftovers"] = sorted(p.name for p in index.iterdir() if p.name != "current")
    out["store_intact"] = _store_count(world.data_dir) == count_before
    return out


def main(argv: list[str] | None = None) -> None:
    """Run the three scenarios and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--eval-dir", type=Path, default=None)
    parser.add_argument("--modes", default="deleted,cancel-upgrade,cancel-deleted")
    args = parser.parse_args(argv)
    cached = prepare(args.size, resolve_eval_dir(args.eval_dir))
    print(machine_line())
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory(prefix=f"deskmate-rebuild-{mode}-") as tmp:
            f = run(mode, cached, Path(tmp))
        labels = f["labels"] if isinstance(f["labels"], list) else []
        shown = [text for _t, text in labels]
        rows = [
            ["window visible after launch", f"{f['visible_s']:.2f} s (target ≤ 1.5 s)"],
            ["progress row shown with the window", f"{f['progress_visible']}: {f['first_label']}"],
            ["progress sentences seen", f"{len(set(shown))}, e.g. {shown[len(shown) // 2 :][:1]}"],
            ["index ready after launch", f"{f['ready_s']}"],
            ["GUI stalls > 50 ms", f"{len(f['stalls'])} {f['stalls'][:3]}"],  # type: ignore[arg-type]
            ["quit took", f"{f['quit_s']:.2f} s"],
        ]
        if mode == "deleted":
            usable = float(f["usable_s"]) - float(f["ready_s"])  # type: ignore[arg-type]
            rows.append(
                [
                    "query typed while preparing: hits painted after the rebuild ended",
                    f"{usable * 1000:.0f} ms ({f['hits']} hits)",
                ]
            )
            rows.append(["rebuild length", f"{float(f['ready_s']) - float(f['visible_s']):.1f} s"])  # type: ignore[arg-type]
        else:
            rows.append(["cancelled at", f"{f['cancelled_s']} s; status: {f['status']}"])
            rows.append(["old index unchanged", f["meta_unchanged"]])
            rows.append(
                ["searching after cancel (hits, index ready)", f"{f['hits']}, {f['index_ready']}"]
            )
        rows.append(
            ["store intact / no building-* left", f"{f['store_intact']} / {not f['leftovers']}"]
        )
        print_table(["step", "figure"], rows, title=f"start-up, {args.size} items, index {mode}")


if __name__ == "__main__":
    main()
