"""Deskmate's Qt-free core: content model, local store, search and sync.

The public entry point is :class:`KnowledgeBase`::

    from deskmate.core import KnowledgeBase

    with KnowledgeBase.open(data_dir) as kb:
        for hit in kb.search("花呗还款"):
            print(hit.title)
"""

from deskmate.core.content.model import Expert, Item, ItemKind
from deskmate.core.errors import ContentError, DeskmateError, SearchIndexError, StoreError
from deskmate.core.knowledge_base import Hit, KnowledgeBase, UpsertResult
from deskmate.core.search.snippets import HighlightedText

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
