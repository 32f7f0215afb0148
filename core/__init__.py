"""Deskmate's Qt-free core: content model, local store, search and sync.

The public entry point is :class:`KnowledgeBase`::

    from deskmate.core import KnowledgeBase

    with KnowledgeBase.open(data_dir) as kb:
        for hit in kb.search("花呗还款"):
            print(hit.title)

The names below are imported on first use (PEP 562): importing a light module such as
``deskmate.core.context_request`` must not load the store and the search engine (about
2 s on a busy agent PC), or a ``deskmate://`` link would wait that long to hand its
query to the running sidebar (benchmarks/context_pop.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from deskmate.core.errors import ContentError, DeskmateError, SearchIndexError, StoreError

if TYPE_CHECKING:
    from deskmate.core.content.model import Expert, Item, ItemKind
    from deskmate.core.hybrid_search import Hit
    from deskmate.core.knowledge_base import KnowledgeBase, UpsertResult
    from deskmate.core.search.snippets import HighlightedText

_LAZY = {
    "Expert": "deskmate.core.content.model",
    "Item": "deskmate.core.content.model",
    "ItemKind": "deskmate.core.content.model",
    "Hit": "deskmate.core.hybrid_search",
    "KnowledgeBase": "deskmate.core.knowledge_base",
    "UpsertResult": "deskmate.core.knowledge_base",
    "HighlightedText": "deskmate.core.search.snippets",
}

__all__ = [
    "ContentError",
    "DeskmateError",
    "Expert",
    "HighlightedText",
    "Hit",
    "Item",
    "ItemKind",
    "KnowledgeBase",
    "SearchIndexError",
    "StoreError",
    "UpsertResult",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
