"""Near-duplicates: existing items that read like a draft, by wording or by meaning.

Wording: the Dice coefficient of character bigrams (Chinese has no spaces; bigrams of
characters work for both scripts). Candidates come from the database (titles sharing one
of the draft's rarer bigrams, a bounded query) so a save never reads 100k titles.
Meaning: the items' sentence vectors (:mod:`.similar_vectors`); without an encoder the
hint is by wording only, as before. Each hint says which kind found it.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from deskmate.core.search.encoder import TextEncoder
from deskmate.server.auth import User
from deskmate.server.database import Database
from deskmate.server.tables import ItemStateRow
from deskmate.server.workbench.similar_vectors import draft_text, lookalikes, viewable
from sqlalchemy import or_, select

THRESHOLD = 0.6
_CANDIDATES = 300
#: At most this many items are named in one hint.
SHOWN = 5


def bigrams(text: str) -> set[str]:
    """The character bigrams of ``text``, casefolded, spaces and punctuation dropped."""
    chars = [c for c in text.casefold() if c.isalnum()]
    return {a + b for a, b in pairwise(chars)} or set(chars)


def dice(a: str, b: str) -> float:
    """The Dice coefficient of two texts' bigram sets (0-1)."""
    x, y = bigrams(a), bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def similar_items(
    db: Database,
    record: dict[str, Any],
    own_id: str,
    user: User | None = None,
    encoder: TextEncoder | None = None,
) -> list[dict[str, Any]]:
    """Items that read like the draft, by wording or meaning (at most five).

    Not ``own_id``, not archived, only items ``user`` may see (None: every item). Each
    is ``{"id", "title", "kind", "score", "meaning", "status"}``: ``kind`` "wording" (``score``
    the Dice of the titles) or "meaning" (``score`` the cosine); ``meaning`` is the
    cosine when the vectors also named a "wording" item, else None. Found by both
    first, then by wording, then by meaning.
    """
    return merge(
        db,
        wording_items(db, record, own_id),
        lookalikes(db, [draft_text(record)], {own_id}, encoder)[0],
        user,
    )


def topic_items(
    db: Database,
    texts: list[str],
    user: User | None,
    encoder: TextEncoder | None = None,
    wording_for: int = 10,
) -> list[list[dict[str, Any]]]:
    """Per text (a gap topic's words, a proposal), the items that read like it.

    By meaning for every text (one encoder call, one scan); by wording for the first
    ``wording_for`` only: each is a database query, and a queue page must stay fast.
    """
    meanings = lookalikes(db, texts, (), encoder)
    return [
        merge(
            db,
            wording_items(db, {"title": text}, "") if n < wording_for else [],
            meaning,
            user,
        )
        if text.strip()
        else []
        for n, (text, meaning) in enumerate(zip(texts, meanings, strict=True))
    ]


def merge(
    db: Database, wording: list[dict[str, Any]], meaning: list[Any], user: User | None
) -> list[dict[str, Any]]:
    """One hint from the two kinds (see :func:`similar_items`), visibility applied."""
    cosines = {m.item_id: m.cosine for m in meaning}
    shown = viewable(db, {w["id"] for w in wording} | set(cosines), user)
    found = [
        w
        | {
            "kind": "wording",
            "meaning": round(cosines[w["id"]], 3) if w["id"] in cosines else None,
            "status": shown[w["id"]][1],
        }
        for w in wording
        if w["id"] in shown
    ]
    named = {f["id"] for f in found}
    found += [
        {
            "id": i,
            "title": shown[i][0],
            "kind": "meaning",
            "score": round(c, 3),
            "meaning": None,
            "status": shown[i][1],
        }
        for i, c in cosines.items()
        if i in shown and i not in named
    ]
    found.sort(key=lambda f: (f["meaning"] is None, f["kind"] != "wording", -f["score"], f["id"]))
    return found[:SHOWN]


def wording_items(db: Database, record: dict[str, Any], own_id: str) -> list[dict[str, Any]]:
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
    return found[:SHOWN]
