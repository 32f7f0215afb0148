"""IdleMemory: what only bulk work needed is given back once the sidebar is idle.

A first-run import, a sync that brought items or a rebuild loads pypinyin's phrase
dictionary (~35 MB freed by a release) and leaves free pages in the C heap (~8 MB);
nothing else needs them until the next indexing job, which loads pypinyin again in the
background (~0.4 s). Encoding many items maps nearly all of the model file (~68 MB);
a typed question needs a third of it, faulted back from the page cache (no slower).
:meth:`soon` is called after such work; :data:`DELAY_MS` later, when no other work
asked again, a writer-lane job releases them (the writer lane is
where indexing runs, so nothing is using the dictionary then). Measured with
``benchmarks/idle_rss.py`` (docs/search.md, Cost).
"""

from __future__ import annotations

from deskmate.core.search.dictionaries import release_pinyin, trim_malloc
from deskmate.core.search.encoder import shared_encoder
from deskmate.desktop.jobs import JobContext, JobRunner
from PySide6.QtCore import QObject, QTimer

DELAY_MS = 20_000  # after the last bulk work: a sync or import often comes in parts


def release_idle_memory(_ctx: JobContext | None = None) -> bool:
    """Free pypinyin's dictionaries, the C heap's free pages and the model's mapped pages.

    Returns:
        Whether pypinyin was loaded.
    """
    released = release_pinyin()
    trim_malloc()
    shared_encoder.drop_model_pages()
    return released


class IdleMemory(QObject):
    """See the module docstring."""

    def __init__(
        self, jobs: JobRunner, delay_ms: int = DELAY_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._release)

    def soon(self, *_args: object) -> None:
        """Release after the delay (restarted by each call); takes any signal's arguments."""
        self._timer.start()

    def stop(self) -> None:
        """No release planned any more (quitting)."""
        self._timer.stop()

    def _release(self) -> None:
        self._jobs.submit("release-memory", release_idle_memory, on_error=lambda _exc: None)
