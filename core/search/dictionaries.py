"""The segmenter's and pinyin's dictionaries: loaded when needed, released when idle.

**rjieba.**
``import rjieba`` runs the package's ``__init__``, which builds a module-level
``Jieba()`` for its convenience functions (``rjieba.cut``...). Deskmate never uses them:
each :class:`~deskmate.core.search.analysis.Segmenter` has its own instance with the
content pack's words. That unused default dictionary held ~30 MB of the sidebar's
resident set (measured with ``benchmarks/idle_rss.py``) and took ~0.2 s to build.
:func:`new_jieba` loads the extension module itself, so only the instances Deskmate
makes exist.

**pypinyin.** Only indexing needs it (the pinyin keys of titles), and importing it
builds ~50 MB of Python objects (its phrase dictionary) that stayed for the life of
the sidebar after a first-run import or a sync that brought items. The sidebar calls
:func:`release_pinyin` once it has been idle a while (desktop/idle_memory.py): the
dictionaries are emptied in place (their memory is freed at once, without waiting for
a garbage collection of the frozen start-up objects), and the next indexing job imports
pypinyin again (~0.4 s, in the background). Every use goes through
:func:`pinyin_module`, whose lock keeps a release from emptying a dictionary in use.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.machinery
import importlib.util
import logging
import mmap
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import rjieba

log = logging.getLogger(__name__)

_EXTENSION = "rjieba.rjieba"


def _engine_module() -> Any:
    """The ``rjieba.rjieba`` extension module, loaded without running ``rjieba/__init__``."""
    loaded = sys.modules.get(_EXTENSION)
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("rjieba")  # finds it; does not import it
    folders = package.submodule_search_locations if package else None
    for folder in folders or ():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"rjieba{suffix}"
            if path.is_file():
                loader = importlib.machinery.ExtensionFileLoader(_EXTENSION, str(path))
                spec = importlib.machinery.ModuleSpec(_EXTENSION, loader, origin=str(path))
                module = importlib.util.module_from_spec(spec)
                # Registered first: the engine (PyO3) can be initialised once per process,
                # and a later ``import rjieba`` then reuses this module.
                sys.modules[_EXTENSION] = module
                try:
                    loader.exec_module(module)
                except BaseException:
                    del sys.modules[_EXTENSION]
                    raise
                return module
    return None


def new_jieba() -> rjieba.Jieba:
    """A new ``rjieba.Jieba`` with the bundled dictionary (~0.2 s, ~25 MB)."""
    try:
        module = _engine_module()
    except ImportError:  # an unusual layout (a frozen build): the package's own way
        log.debug("rjieba's engine not loadable on its own; importing the package")
        module = None
    if module is None:
        import rjieba

        return rjieba.Jieba()
    jieba: rjieba.Jieba = module.Jieba()
    return jieba


_PINYIN_LOCK = threading.RLock()
_pinyin: Any = None
#: Entries emptied between two yields of the GIL (~2 ms): a release never stalls the GUI.
_CHUNK = 4096


@contextmanager
def pinyin_module() -> Iterator[Any]:
    """The ``pypinyin`` module, imported on first use; hold it only inside the block."""
    global _pinyin
    with _PINYIN_LOCK:
        if _pinyin is None:
            # Without it pypinyin copies both dictionaries, for custom words we never add.
            os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
            import pypinyin

            _pinyin = pypinyin
        yield _pinyin


def _empty(container: Any) -> None:
    """Empty a dict or set a chunk at a time, letting other threads run in between."""
    while container:
        drop = container.popitem if isinstance(container, dict) else container.pop
        for _ in range(min(_CHUNK, len(container))):
            drop()
        time.sleep(0)


def release_pinyin() -> bool:
    """Free pypinyin's dictionaries (the next use imports it again); whether it was loaded.

    Call from a background thread: it takes ~30 ms, in slices.
    """
    global _pinyin
    with _PINYIN_LOCK:
        if _pinyin is None:
            return False
        modules = {name: sys.modules.get(f"pypinyin.{name}") for name in _PINYIN_TABLES}
        _pinyin = None
        for name in [m for m in sys.modules if m == "pypinyin" or m.startswith("pypinyin.")]:
            del sys.modules[name]
        for name, attributes in _PINYIN_TABLES.items():
            for attribute in attributes:
                table = _attribute(modules[name], attribute)
                if isinstance(table, dict | set):
                    _empty(table)
    return True


#: Where pypinyin keeps its tables (0.55): module -> attribute paths. Whatever is not
#: found (another version) is left alone; it is then freed with its module, later.
_PINYIN_TABLES = {
    "constants": ("PHRASES_DICT", "PINYIN_DICT"),
    "phrases_dict": ("phrases_dict",),
    "pinyin_dict": ("pinyin_dict",),
    "seg.mmseg": ("p_set._set",),
}


def _attribute(module: Any, path: str) -> Any:
    value = module
    for part in path.split("."):
        value = getattr(value, part, None)
    return value


def trim_malloc() -> None:
    """Give the C heap's free pages back to the system (glibc; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # musl has no malloc_trim
        return
    trim(0)  # ctypes releases the GIL during the call


def drop_mapped_pages(path: Path) -> int:
    """Unmap the resident pages of read-only mappings of ``path`` (Linux); bytes advised.

    The encoder's model file is mapped by its C engine. Encoding many items touches
    nearly all of it (~68 MB resident: the token table is most of the file and
    fault-around brings neighbouring rows), while a typed question needs the layers
    and a few rows. ``MADV_DONTNEED`` drops the pages from this process only (they
    stay in the page cache, so the next use is a minor fault), and ``MADV_RANDOM`` asks
    the kernel not to read around later faults. Only mappings without write access
    and without private (copied) pages are touched: their content is the file's.
    """
    if not sys.platform.startswith("linux"):
        return 0
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        smaps = Path("/proc/self/smaps").read_text()
    except OSError:
        return 0
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    target = str(path.resolve())
    advised = 0
    for start, end in _clean_mappings(smaps, target):
        libc.madvise(start, end - start, mmap.MADV_RANDOM)
        if libc.madvise(start, end - start, mmap.MADV_DONTNEED) == 0:
            advised += end - start
    return advised


def _clean_mappings(smaps: str, target: str) -> list[tuple[int, int]]:
    """(start, end) of the read-only mappings of ``target`` holding no private pages."""
    found: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for line in smaps.splitlines():
        head = line.split(maxsplit=5)
        if head and "-" in head[0] and len(head) >= 5 and ":" in head[3]:  # a mapping's line
            low, high = (int(part, 16) for part in head[0].split("-"))
            readonly = "w" not in head[1]
            current = (low, high) if readonly and len(head) == 6 and head[5] == target else None
        elif current is not None and line.startswith("Anonymous:"):
            if int(line.split()[1]) == 0:
                found.append(current)
            current = None
    return found
