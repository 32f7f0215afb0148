"""Item vectors on the wire: the sync feed carries each item's vector with its model id.

On the wire a vector is ``{"model": id, "digest": sha1 of the encoded text, "scale":
float, "data": base64 of the int8 values}``. The client stores one only when it fits:
the model id and dimension are the ones its encoder makes, the scale is a finite
positive number, and the digest names the text of the item as it arrived (else the
vector was made from another version of the item). A refused vector leaves its item
searchable lexically; the background job encodes it locally.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Mapping, Sequence
from typing import Any

from deskmate.core.content.model import Item
from deskmate.core.semantic.vector_job import item_text, text_digest
from deskmate.core.store.vector_store import StoredVector, VectorStore


def to_wire(model_id: str, digest: str, scale: float, data: bytes) -> dict[str, Any]:
    """A stored vector as the feed sends it."""
    return {
        "model": model_id,
        "digest": digest,
        "scale": scale,
        "data": base64.b64encode(data).decode("ascii"),
    }


def _checked(item: Item, wire: object, model_id: str, dimension: int) -> StoredVector:
    """The stored form of one wire vector.

    Raises:
        ValueError: the vector does not fit (the message says why).
        TypeError: the vector or its scale has the wrong type.
    """
    if not isinstance(wire, Mapping):
        raise TypeError("not an object")
    if wire.get("model") != model_id:
        raise ValueError(f"model {wire.get('model')!r}, expected {model_id!r}")
    scale = wire.get("scale")
    if not isinstance(scale, int | float) or isinstance(scale, bool):
        raise TypeError("no numeric scale")
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale {scale!r} is not a finite positive number")
    try:
        data = base64.b64decode(str(wire.get("data", "")), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("data is not base64") from None
    if len(data) != dimension:
        raise ValueError(f"{len(data)} values, expected {dimension}")
    digest = text_digest(item_text(item))
    if wire.get("digest") != digest:
        raise ValueError("made from another text of the item")
    return StoredVector(item.id, digest, float(scale), data)


def accept_feed_vectors(
    vectors: VectorStore,
    items: Sequence[Item],
    wire: Mapping[str, object],
    model_id: str,
    dimension: int,
) -> tuple[int, list[str]]:
    """Store the vectors of a feed page that fit; returns (stored, problems).

    Only vectors of the page's own items are considered; each problem names the item.
    """
    rows: list[StoredVector] = []
    problems: list[str] = []
    for item in items:
        if item.id not in wire:
            continue
        try:
            rows.append(_checked(item, wire[item.id], model_id, dimension))
        except (ValueError, TypeError) as exc:
            problems.append(f"{item.id}: {exc}")
    if rows:
        vectors.put(model_id, rows)
    return len(rows), problems
