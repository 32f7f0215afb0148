"""Near-duplicates: existing items whose title or question reads like a draft's.

Lexical: the Dice coefficient of character bigrams (Chinese has no spaces; bigrams of
characters work for both scripts). Candidates come from the database (titles sharing one
of the draft's rarer bigrams, a bounded query) so a save never reads 100k titles.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from deskmate.server.database import Database
from deskmate.server.tables import ItemStateRow
from sqlalchemy import or_, select

THRESHOLD = 0.6
_CANDIDATES = 300


def bigrams(text: str) -> set[str]:
    """The character bigrams of ``text``, casefolded, spaces and punctuation dropped."""
    chars = [c for c in text.casefold() if c.isalnum()]
    return {a + b for a, b in pairwise(chars)} or set(chars)


def dice(a: str, b: str) -> float:
    """The Dice coefficient of two texts' bigram sets (0-1)."""
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def similar_items(db: Database, record: dict[str, Any], own_id: str) -> list[dict[str, Any]]:
    """Items whose title is close to the draft's title or questions (at most five).

    Not ``own_id``, not archived; best first.
    """
    texts = [str(record.get("title") or "")]
    texts += [str(q) for q in record.get("questions") or [] if isinstance(q, str)][:20]
    texts = [t for t in texts if t.strip()]
    if not texts:
        return []
    probes = sorted({g for t in texts for g in bigrams(t)}, key=lambda g: (-len(g), g))[:8]
    query = (
        select(ItemStateRow.item_id, ItemStateRow.title)
        .where(
            ItemStateRow.item_id != own_id,
            ItemStateRow.status != "archived",
            or_(*(ItemStateRow.title_key.contains(g, autoescape=True) for g in probes)),
        )
        .limit(_CANDIDATES)
    )
    with db.read() as conn:
        rows = conn.execute(query).all()
    found = []
    for row in rows:
        score = max(dice(t, row.title) for t in texts)
        if score >= THRESHOLD:
            found.append({"id": row.item_id, "title": row.title, "score": round(score, 2)})
    found.sort(key=lambda f: (-f["score"], f["id"]))
    return found[:5]
