"""Loading the segmenter's dictionary without the copy ``rjieba`` makes for itself.

``import rjieba`` runs the package's ``__init__``, which builds a module-level
``Jieba()`` for its convenience functions (``rjieba.cut``...). Deskmate never uses them:
each :class:`~deskmate.core.search.analysis.Segmenter` has its own instance with the
content pack's words. That unused default dictionary held ~30 MB of the sidebar's
resident set (measured with ``benchmarks/idle_rss.py``) and took ~0.2 s to build.
:func:`new_jieba` loads the extension module itself, so only the instances Deskmate
makes exist.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import logging
import sys
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
