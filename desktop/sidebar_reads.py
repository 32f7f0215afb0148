"""The sidebar's reads, as plain functions the job runner runs on its reader lane.

Each takes the knowledge base (and the record) and returns plain data; none touches a
widget. At 100k items the related-items search took 51 ms (max 282 ms) and the history
page 87 ms on the GUI thread; here they run off it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from deskmate.core import KnowledgeBase
from deskmate.core.activity.events import ConsultationEvent
from deskmate.core.content.model import Item
from deskmate.core.knowledge_base import Hit
from deskmate.core.search.snippets import HighlightedText
from deskmate.core.store.sync_status_keys import LAST_ERROR_CODE_KEY, LAST_SYNC_KEY


def related_hits(kb: KnowledgeBase, item: Item, skill_names: dict[str, str]) -> list[Hit]:
    """Up to four items closest in meaning (by vectors); else sharing its tags and skills."""
    near = kb.related(item.id, 4)
    if near:
        return near
    words = [*item.tags, *(skill_names.get(s, s) for s in item.skills)]
    if not words:
        return []
    hits = kb.search(" ".join(words[:6]) + " ", limit=6)
    return [h for h in hits if h.id != item.id][:4]


STAR = "★"
HOME_PINNED = 20  # pinned items listed on the home screen (then recent and frequent ones)
HOME_OTHERS = 10


def starred(hit: Hit) -> Hit:
    """``hit`` with a ★ before its title (the delegate paints ``marked_title``)."""
    marks = hit.marked_title
    shift = len(STAR) + 1
    spans = tuple((start + shift, end + shift) for start, end in marks.spans)
    return dataclasses.replace(hit, title_marks=HighlightedText(f"{STAR} {marks.text}", spans))


def home_hits(
    kb: KnowledgeBase,
    pinned: Sequence[str],
    others: Sequence[str],
    kind: str | None,
    product: str | None = None,
    channel: str | None = None,
) -> list[Hit]:
    """The home list: pinned items (★) first, then recent and frequent ones (reader lane).

    Only items of ``kind``, ``product`` and ``channel`` when given (the filters on show).
    """
    hits: list[Hit] = []
    shown: set[str] = set()

    def add(item_id: str, is_pinned: bool) -> None:
        item = kb.get(item_id)
        if item is None or item_id in shown:
            return
        wanted = ((kind, item.kind.value), (product, item.product), (channel, item.channel))
        if any(want is not None and have != want for want, have in wanted):
            return
        hit = kb.hit_of(item)
        hits.append(starred(hit) if is_pinned else hit)
        shown.add(item_id)

    for item_id in pinned[:HOME_PINNED]:
        add(item_id, True)
    pinned_count = len(hits)
    for item_id in others:
        if len(hits) - pinned_count >= HOME_OTHERS:
            break
        add(item_id, False)
    return hits


@dataclass(frozen=True)
class History:
    """The history page's events and the items they name (None: no longer there)."""

    events: list[ConsultationEvent]
    items: dict[str, Item | None]


def history(kb: KnowledgeBase, events: list[ConsultationEvent]) -> History:
    """Look up the items the events name, once each."""
    items: dict[str, Item | None] = {}
    for event in events:
        if event.item_id and event.item_id not in items:
            items[event.item_id] = kb.get(event.item_id)
    return History(events, items)


@dataclass(frozen=True)
class StatusFacts:
    """What the status line says: item counts, last sync and its error code."""

    counts: dict[str, int]
    last_sync: str | None
    error_code: str


def status_facts(kb: KnowledgeBase) -> StatusFacts:
    """Read the status line's facts from the knowledge base."""
    return StatusFacts(
        kb.count(), kb.get_meta(LAST_SYNC_KEY), kb.get_meta(LAST_ERROR_CODE_KEY) or ""
    )
