"""``deskmate --selftest``: what IT runs after deploying, one printed line per check.

The checks: the settings (IT's machine-wide ones included) can be read; the agent's
data opens; the bundled sample pack imports into a scratch folder and answers a Chinese,
a pinyin and an English search; the sentence encoder of semantic search loads (a damaged
or missing model fails this check; search then stays lexical); the sidebar starts
offscreen (translations, icons) and paints results; and the configured sync server, if
any, answers. The exit status is 0 only when nothing failed, so deployment tools can act
on it.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

from deskmate.core import DeskmateError, KnowledgeBase
from deskmate.core.paths import Paths
from deskmate.core.search.encoder import EncoderSlot, shared_encoder
from deskmate.core.settings import SettingsStore
from deskmate.indexer.pack_import import import_pack
from deskmate.indexer.sample_pack import sample_pack_path

log = logging.getLogger(__name__)

# Queries the sample pack must answer: Chinese words, pinyin initials, English words.
SAMPLE_QUERIES = (("Chinese", "花呗还款"), ("pinyin", "hbhk"), ("English", "refund iphone"))
UI_TIMEOUT_MS = 15_000


class CheckFailedError(DeskmateError):
    """A self-test check found a problem (the message says which and what to do)."""

    code = "selftest.failed"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: ``status`` is ``ok``, ``skip`` or ``FAIL``."""

    name: str
    status: str
    detail: str
    elapsed_ms: float

    def line(self) -> str:
        """The printed line."""
        return f"  {self.status:<4}  {self.name}: {self.detail} ({self.elapsed_ms:.0f} ms)"


def process_age_ms() -> float | None:
    """Milliseconds since this process started (Linux only; None elsewhere)."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        started = int(stat[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return max(0.0, (uptime - started) * 1000)


class CheckSkippedError(DeskmateError):
    """A check that does not apply here (e.g. no server configured)."""

    code = "selftest.skipped"


def _run(name: str, check: Callable[[], str]) -> CheckResult:
    """Run one check and time it."""
    start = time.perf_counter()
    try:
        status, detail = "ok", check()
    except CheckSkippedError as exc:
        status, detail = "skip", exc.message
    except DeskmateError as exc:
        status, detail = "FAIL", exc.message
    except Exception as exc:  # a check is a boundary: report it, log it, go on
        log.exception("selftest check %s crashed", name)
        status, detail = "FAIL", f"unexpected error: {exc!r} (the log has the details)"
    return CheckResult(name, status, detail, (time.perf_counter() - start) * 1000)


class SelfTest:
    """The checks, in order; each stores what the next ones need."""

    def __init__(self, paths: Paths, server: str | None, scratch: Path) -> None:
        self.paths = paths
        self.server = server
        self.scratch = scratch
        self.sample: KnowledgeBase | None = None

    def settings(self) -> str:
        """IT's machine-wide settings and the agent's own can be read and are valid."""
        store = SettingsStore(self.paths.config_dir)
        settings = store.load()
        if self.server is None:
            self.server = os.environ.get("DESKMATE_SERVER") or settings.server_url
        system = store.system_problems()
        if system:
            raise CheckFailedError(" ".join(system))
        locked = sorted(store.locked_keys())
        where = store.system_path if store.system_path.exists() else f"{store.system_path} (none)"
        return (
            f"machine-wide {where}, locked: {', '.join(locked) or 'nothing'}; "
            f"user {store.path}; server: {self.server or 'none (offline)'}"
        )

    def data(self) -> str:
        """The agent's knowledge base opens (created on first use)."""
        with KnowledgeBase.open(self.paths.data_dir) as kb:
            counts = kb.count()
        return f"{self.paths.data_dir}: {sum(counts.values())} items; logs in {self.paths.log_dir}"

    def search(self) -> str:
        """The bundled sample pack imports and answers Chinese, pinyin and English."""
        with ExitStack() as stack:
            report = import_pack(
                kb := KnowledgeBase.open(self.scratch / "sample"), [sample_pack_path(stack)]
            )
        self.sample = kb
        if report.problems or not report.added:
            raise CheckFailedError(f"the sample pack did not import: {report.problems[:3]}")
        found = []
        for label, query in SAMPLE_QUERIES:
            hits = kb.search(query, limit=1)
            if not hits:
                raise CheckFailedError(f"the {label} search {query!r} found nothing in the sample")
            found.append(f"{query} → {hits[0].id}")
        return f"{report.added} sample items; " + "; ".join(found)

    def semantic(self, slot: EncoderSlot | None = None) -> str:
        """The sentence encoder loads (model file checked) and encodes a question."""
        slot = shared_encoder if slot is None else slot
        encoder = slot()
        if encoder is None:
            raise CheckFailedError(f"semantic search is off, search stays lexical: {slot.problem}")
        started = time.perf_counter()
        encoder.encode(["手机进水了还能保修吗"])
        took = (time.perf_counter() - started) * 1000
        return f"loaded {encoder.model_id}, {encoder.dimension}-d; one question in {took:.0f} ms"

    def ui(self) -> str:
        """The sidebar starts offscreen, loads its translations and icons, paints results."""
        if self.sample is None:
            raise CheckFailedError("skipped because the sample search failed")
        from deskmate.desktop.selftest_ui import sidebar_search_ready

        painted_ms = sidebar_search_ready(self.sample, self.scratch, UI_TIMEOUT_MS)
        age = process_age_ms()
        since_start = f", {age / 1000:.1f} s after the process started" if age else ""
        return f"sidebar painted results {painted_ms:.0f} ms after it was created{since_start}"

    def reach_server(self) -> str:
        """The configured sync server answers ``GET /api/v1/health``."""
        if not self.server:
            raise CheckSkippedError("no server configured (offline use)")
        from deskmate.core.sync import RetryPolicy, SyncError, SyncSession

        # /health needs no token; SyncSession wants one to send, so it gets a dummy one.
        session = SyncSession(
            self.server,
            "deskmate-selftest",
            timeout=(5.0, 10.0),
            retry=RetryPolicy(retries=0),
            deadline=15.0,
        )
        try:
            answer = session.call_json("GET", "/health")
        except SyncError as exc:
            raise CheckFailedError(exc.message) from exc
        finally:
            session.close()
        return f"{session.server_url} answered (HTTP {answer.status})"

    def close(self) -> None:
        """Close the scratch knowledge base."""
        if self.sample is not None:
            self.sample.close()


def run_selftest(paths: Paths, out: TextIO | None = None, server: str | None = None) -> int:
    """Run every check, print a line each; returns the exit status (0: all passed).

    Args:
        paths: The agent's directories (data, config, logs) to check.
        out: Where the lines go (default: standard output).
        server: The server to reach (default: ``$DESKMATE_SERVER``, else the settings).
    """
    out = sys.stdout if out is None else out
    start = time.perf_counter()
    print(f"deskmate {version('deskmate')} selftest ({sys.platform})", file=out)
    with tempfile.TemporaryDirectory(prefix="deskmate-selftest-") as tmp:
        test = SelfTest(paths, server, Path(tmp))
        try:
            results = []
            for name, check in (
                ("settings", test.settings),
                ("data", test.data),
                ("search", test.search),
                ("semantic", test.semantic),
                ("ui", test.ui),
                ("server", test.reach_server),
            ):
                results.append(_run(name, check))
                print(results[-1].line(), file=out, flush=True)
        finally:
            test.close()
    failed = [r.name for r in results if r.status == "FAIL"]
    took = time.perf_counter() - start
    if failed:
        print(f"selftest FAILED ({', '.join(failed)}) in {took:.1f} s", file=out)
        return 1
    print(f"selftest passed in {took:.1f} s", file=out)
    return 0
