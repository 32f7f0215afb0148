"""Favourites: the items an agent pinned, kept locally per agent, and pinned-first ranking.

An agent pins the handful of answers they give on every call; the sidebar lists them on
the home screen and puts them first among hits the search scored the same. The list is
small per-agent state, so it lives in the local store's ``meta`` table under
``favourites.<agent id>`` (the same place the signed-in account is kept), one JSON list
of item ids, newest pin first. A shared PC keeps each agent's own list. Qt-free.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Protocol

from deskmate.core.knowledge_base import Hit

log = logging.getLogger(__name__)

KEY_PREFIX = "favourites."
MAX_FAVOURITES = 50  # a home screen, not a library; the oldest pin goes past this
_MAX_ID_CHARS = 128


class MetaStore(Protocol):
    """Where small facts are kept (:class:`~deskmate.core.KnowledgeBase` is one)."""

    def get_meta(self, key: str) -> str | None:
        """The fact stored under ``key``, or None."""

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``."""


def favourites_key(agent_id: str) -> str:
    """The meta key of ``agent_id``'s favourites."""
    return KEY_PREFIX + agent_id


def parse_favourites(text: str | None) -> list[str]:
    """The ids in a stored list; anything damaged is dropped (never raises)."""
    if not text:
        return []
    try:
        raw = json.loads(text)
    except ValueError:
        log.warning("the stored favourites are not JSON; starting an empty list")
        return []
    if not isinstance(raw, list):
        return []
    ids = [i for i in raw if isinstance(i, str) and 0 < len(i) <= _MAX_ID_CHARS]
    return list(dict.fromkeys(ids))[:MAX_FAVOURITES]


def load_favourites(store: MetaStore, agent_id: str) -> list[str]:
    """``agent_id``'s pinned item ids, newest pin first."""
    return parse_favourites(store.get_meta(favourites_key(agent_id)))


def save_favourites(store: MetaStore, agent_id: str, ids: Sequence[str]) -> None:
    """Replace ``agent_id``'s pinned ids (at most :data:`MAX_FAVOURITES` are kept)."""
    kept = list(dict.fromkeys(ids))[:MAX_FAVOURITES]
    store.set_meta(favourites_key(agent_id), json.dumps(kept, ensure_ascii=False))


def toggled(ids: Sequence[str], item_id: str) -> list[str]:
    """``ids`` with ``item_id`` unpinned if it was pinned, else pinned first."""
    if item_id in ids:
        return [i for i in ids if i != item_id]
    return [item_id, *ids][:MAX_FAVOURITES]


def pinned_first(hits: Iterable[Hit], pinned: Iterable[str]) -> list[Hit]:
    """Hits in the same order, except that among equal scores pinned items come first.

    Only ties move: a pinned item never jumps over a better answer.
    """
    wanted = set(pinned)
    ordered = list(hits)
    if not wanted:
        return ordered
    out: list[Hit] = []
    run: list[Hit] = []
    for hit in ordered:
        if run and hit.score != run[0].score:
            out.extend(sorted(run, key=lambda h: h.id not in wanted))  # stable
            run = []
        run.append(hit)
    out.extend(sorted(run, key=lambda h: h.id not in wanted))
    return out
