"""A real ``deskmate`` sidebar process (offscreen), and what is checked after it quit.

Quitting is sent the way the app receives it from outside: the word ``quit`` on the
single-instance channel (what a second launch, the installer or the tray's menu in
another session hands over), or SIGTERM (log-off, IT tooling), which the app handles.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.desktop.single_instance import send_to_running

READY_LINE = "search box ready at"


class SidebarProcess:
    """``python -m deskmate.desktop.cli --data-dir … --config-dir … --floating``."""

    def __init__(self, data_dir: Path, config_dir: Path, log_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.log_file = log_dir / "deskmate.log"
        environ = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "DESKMATE_LOG_DIR": str(log_dir),
            **env,
        }
        command = [sys.executable, "-m", "deskmate.desktop.cli", "--data-dir", str(data_dir)]
        command += ["--config-dir", str(config_dir), "--floating"]
        self._output = ""
        self.proc = subprocess.Popen(
            command,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def log(self) -> str:
        """The app's log so far."""
        return self.log_file.read_text("utf-8") if self.log_file.exists() else ""

    def wait_for_log(self, text: str, timeout: float = 60.0) -> None:
        """Wait until the app logged ``text`` (fails if the process ended first)."""
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if self.proc.poll() is not None:
                self.close()
                raise AssertionError(f"deskmate ended early:\n{self.output()}")
            assert time.monotonic() < deadline, f"no {text!r} in the log:\n{self.log()}"
            time.sleep(0.02)

    def quit(self, how: str = "channel") -> float:
        """Ask the app to quit; seconds until the process ended (killed after 15 s)."""
        begun = time.monotonic()
        if how == "channel":
            assert send_to_running(self.data_dir, "quit"), "the instance channel did not answer"
        else:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        seconds = time.monotonic() - begun
        self.close()
        return seconds

    def output(self) -> str:
        """stdout and stderr, once the process ended."""
        return self._output

    def close(self) -> None:
        """Kill the process if it still runs; keep its output."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        if self.proc.stdout is not None and not self.proc.stdout.closed:
            self._output = self.proc.stdout.read()
            self.proc.stdout.close()

    def __enter__(self) -> SidebarProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def assert_intact(data_dir: Path, min_items: int = 0, query: str = "退款") -> int:
    """Reopen the data: the store opens, the index opens (or rebuilds), search works.

    Returns:
        The number of items in the store.
    """
    index = data_dir / "index"
    if index.exists():
        leftovers = [p.name for p in index.iterdir() if p.name != "current"]
        assert not leftovers, f"half-written index folders left: {leftovers}"
    with KnowledgeBase.open(data_dir) as kb:
        assert kb.index_ready
        total = sum(kb.count().values())
        assert total >= min_items
        assert bool(kb.search(query, limit=1)) == bool(total)
    return total
