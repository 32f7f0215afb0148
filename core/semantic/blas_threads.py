"""One BLAS thread while the vectors are scanned: OpenBLAS's threads stall on a busy machine.

numpy's wheels bundle OpenBLAS, which splits a matrix-vector product over every core.
On a 2-core machine that is also running the sidebar, the encoder and the agent's other
programs, its threads wait for each other: scanning 100k int8 rows took 120 ms p50 and
270 ms p95 with two threads under load, 10 / 15 ms with one (docs/search.md). A
scan is memory-bound, so the second thread gains little even on a quiet machine.

:func:`single_blas_thread` sets OpenBLAS to one thread for the duration of a block and
restores the previous count when the last concurrent user leaves. OpenBLAS's count is
process-wide (its ``_local`` setter too, measured), so other numpy work running at that
moment also gets one thread: harmless, and better than a permanent change. Where no
OpenBLAS is found (numpy built on Accelerate, MKL, a system BLAS under another name)
nothing changes.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

# (getter, setter) symbol pairs: numpy's scipy-openblas builds (64-bit ints, then 32),
# then a plain OpenBLAS.
_SYMBOLS = (
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
    ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
    ("openblas_get_num_threads", "openblas_set_num_threads"),
)


@dataclass(frozen=True)
class _Control:
    get: Callable[[], int]
    set: Callable[[int], None]


def _candidate_paths() -> list[str]:
    """Shared libraries that may be numpy's OpenBLAS: its wheel's own, then loaded ones."""
    root = os.path.dirname(np.__file__)
    paths = glob.glob(os.path.join(root, "..", "numpy.libs", "*openblas*"))
    paths += glob.glob(os.path.join(root, ".dylibs", "*openblas*"))
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/maps", encoding="utf-8") as maps:
                paths += [line.split()[-1] for line in maps if "openblas" in line and "/" in line]
        except OSError:
            pass
    return list(dict.fromkeys(paths))


def _find_control() -> _Control | None:
    for path in _candidate_paths():
        try:
            lib = ctypes.CDLL(path)  # already loaded by numpy: the same handle
        except OSError:
            continue
        for getter, setter in _SYMBOLS:
            get, put = getattr(lib, getter, None), getattr(lib, setter, None)
            if get is not None and put is not None:
                get.restype, get.argtypes = ctypes.c_int, []
                put.restype, put.argtypes = None, [ctypes.c_int]
                return _Control(get, put)
    log.debug("no OpenBLAS thread control found; vector scans use the BLAS as it is")
    return None


_lock = threading.Lock()
_control: _Control | None = None
_looked = False
_users = 0
_saved = 0


def _control_once() -> _Control | None:
    global _control, _looked
    if not _looked:
        _looked = True
        _control = _find_control()
    return _control


def blas_threads() -> int | None:
    """OpenBLAS's current thread count, or None without an OpenBLAS to control."""
    with _lock:
        control = _control_once()
        return None if control is None else int(control.get())


@contextmanager
def single_blas_thread() -> Iterator[None]:
    """Run the block with one OpenBLAS thread (see the module doc); nests and is thread-safe."""
    global _users, _saved
    with _lock:
        control = _control_once()
        if control is not None:
            if _users == 0:
                _saved = int(control.get())
                if _saved != 1:
                    control.set(1)
            _users += 1
    try:
        yield
    finally:
        if control is not None:
            with _lock:
                _users -= 1
                if _users == 0 and _saved != 1:
                    control.set(_saved)
