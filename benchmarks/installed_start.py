"""Cold start of an installed ``deskmate`` (the .deb's /usr/bin/deskmate, or any build).

Run after installing the package (issue #6's target: search-ready within 2 s)::

    python -m benchmarks.installed_start --exe /usr/bin/deskmate --runs 5 --drop-caches
    python -m benchmarks.installed_start --exe .venv/bin/deskmate        # the dev install

Each run starts the sidebar offscreen on a data directory that already holds the sample
pack (a first, unmeasured run imports it), waits for the log line the app writes when
the search box has focus ("search box ready at <epoch>"), and stops it. Printed: p50 /
p95 / max seconds from launch to that line; with ``--drop-caches`` (root) the page
cache is emptied before each run, so files come from disk as after a reboot.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.system import machine_line, print_table, summary_ms

READY = re.compile(r"search box ready at (\d+\.\d+)")


def _ready_at(log_dir: Path, deadline: float) -> float:
    while time.time() < deadline:
        for log in log_dir.glob("*.log"):
            match = READY.search(log.read_text(encoding="utf-8", errors="replace"))
            if match:
                return float(match.group(1))
        time.sleep(0.02)
    raise TimeoutError("the sidebar did not log 'search box ready' within the time limit")


def one_run(exe: str, root: Path, drop_caches: bool) -> float:
    logs = root / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        DESKMATE_DATA_DIR=str(root / "data"),
        DESKMATE_CONFIG_DIR=str(root / "config"),
        DESKMATE_LOG_DIR=str(logs),
    )
    if drop_caches:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    launched = time.time()
    proc = subprocess.Popen(
        [exe, "--floating"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        return _ready_at(logs, launched + 60) - launched
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exe", default="/usr/bin/deskmate")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--drop-caches", action="store_true", help="root: empty the page cache")
    args = parser.parse_args()
    print(machine_line())
    root = Path(tempfile.mkdtemp(prefix="deskmate-installed-"))
    try:
        one_run(args.exe, root, drop_caches=False)  # imports the sample pack: not start-up
        times = [one_run(args.exe, root, args.drop_caches) for _ in range(args.runs)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    p50, p95, worst, _mean = summary_ms(times)
    cache = "page cache dropped" if args.drop_caches else "warm page cache"
    print_table(
        ["executable", "runs", "p50 ms", "p95 ms", "max ms"],
        [[args.exe, len(times), p50, p95, worst]],
        title=f"launch to search box ready ({cache}; target <= 2000 ms)",
        digits=0,
    )


if __name__ == "__main__":
    main()
