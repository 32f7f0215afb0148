"""Shared fixtures: isolated data directories and a knowledge base with the sample pack."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The tests share one encoder between in-process servers and clients: keep it at one thread
# (the CLI would give the server process two; tests run side by side on two cores).
os.environ.setdefault("DESKMATE_SERVER_ENCODER_THREADS", "1")

from deskmate.core import KnowledgeBase
from deskmate.indexer.pack_import import import_pack
from deskmate.indexer.sample_pack import sample_pack_path

# The autouse guards (unexpected warnings, leaked threads, Qt timers and windows).
pytest_plugins = ["tests.guards", "pytester"]


@pytest.fixture(scope="session")
def sample_pack() -> Iterator[Path]:
    """The bundled sample pack folder."""
    with ExitStack() as stack:
        yield sample_pack_path(stack)


@pytest.fixture(scope="session")
def _sample_kb_template(tmp_path_factory: pytest.TempPathFactory, sample_pack: Path) -> Path:
    """A data directory with the sample pack imported, built once per session."""
    root = tmp_path_factory.mktemp("sample-kb")
    with KnowledgeBase.open(root) as kb:
        report = import_pack(kb, [sample_pack])
    assert not report.problems, report.problems
    return root


@pytest.fixture
def sample_kb(_sample_kb_template: Path, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """A private copy of the sample knowledge base, opened."""
    data = tmp_path / "data"
    shutil.copytree(_sample_kb_template, data)
    with KnowledgeBase.open(data) as kb:
        yield kb


@pytest.fixture(scope="session")
def _semantic_kb_template(
    _sample_kb_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The sample knowledge base with every item encoded (real encoder), built once."""
    root = tmp_path_factory.mktemp("semantic-kb")
    shutil.rmtree(root)
    shutil.copytree(_sample_kb_template, root)
    with KnowledgeBase.open(root) as kb:
        report = kb.semantic.encode_items()
    assert report.failed == 0
    return root


@pytest.fixture
def empty_kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    """A new, empty knowledge base."""
    with KnowledgeBase.open(tmp_path / "empty") as kb:
        yield kb


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the real user directories."""
    monkeypatch.setenv("DESKMATE_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.setenv("DESKMATE_CONFIG_DIR", str(tmp_path / "env-config"))
    monkeypatch.setenv("DESKMATE_LOG_DIR", str(tmp_path / "env-logs"))
    # Nor the machine's IT settings (/etc/deskmate/ of an installed package, say): tests
    # that need a system file write their own and point this at it.
    monkeypatch.setenv("DESKMATE_SYSTEM_CONFIG", str(tmp_path / "no-system-settings.json"))


#: A stall of the app's code on the GUI thread longer than this fails the test. The
#: watchdog logs every stall over 50 ms; failing starts higher because CI machines
#: (2 cores shared by several runs) pause threads for tens of milliseconds on their own.
WATCHDOG_FAIL_MS = float(os.environ.get("DESKMATE_WATCHDOG_FAIL_MS", "400"))


def pytest_configure(config: pytest.Config) -> None:
    """Register this conftest's marker (strict markers are on)."""
    config.addinivalue_line(
        "markers",
        "gui_stalls_allowed(reason): the code under test blocks the main thread by design "
        "(a command-line check, not the sidebar); the GUI watchdog does not fail it",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Count GUI stalls of the test's body only (building the app in a fixture is start-up)."""
    # By when each stall began (its unanswered ping): a stall that began while a fixture
    # built the app is only noticed once the test's body runs the event loop.
    begin = time.monotonic()
    yield
    item._watchdog_call = (begin, time.monotonic())  # type: ignore[attr-defined]


def _quit_wait(stack: str) -> bool:
    """Whether a stall is quit's bounded wait for the job lanes (by design, at most 2 s)."""
    return "desktop/jobs.py" in stack and ", in shutdown\n" in stack


@pytest.fixture(autouse=True)
def _gui_watchdog(request: pytest.FixtureRequest) -> Iterator[object]:
    """In every Qt test: watch the GUI thread; fail the test on a stall in the app's code."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield None
        return
    request.getfixturevalue("qapp")
    from deskmate.desktop.watchdog import MainThreadWatchdog

    watchdog = MainThreadWatchdog()
    watchdog.start()
    yield watchdog
    watchdog.stop()
    begin, end = getattr(request.node, "_watchdog_call", (0.0, 0.0))
    stalls = [
        s
        for s in watchdog.stalls
        if begin <= s.sent <= end
        and s.in_app()
        and s.ms > WATCHDOG_FAIL_MS
        and not _quit_wait(s.stack)
    ]
    if request.node.get_closest_marker("gui_stalls_allowed") is not None:
        stalls = []
    if stalls:
        worst = max(stalls, key=lambda s: s.ms)
        pytest.fail(
            f"the GUI thread was blocked {len(stalls)} time(s), worst {worst.ms:.0f} ms, "
            f"at:\n{worst.stack}",
            pytrace=False,
        )
