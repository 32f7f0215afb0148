"""Reading whole posting lists and field lengths out of a Whoosh index as numpy arrays.

Whoosh's matcher protocol costs several Python calls per posting, which is what
makes a plain Whoosh query over a near-universal term (花呗, 怎么) take hundreds of
milliseconds. Here a posting list is read block by block (ids and term
frequencies as arrays), so scoring can be vectorised; the per-posting protocol is
kept as a fallback and the two are compared in the tests.

This is the only module that touches Whoosh internals (``W3LeafMatcher`` block
attributes and the length column's bytes); it is pinned to whoosh3 3.54.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

log = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def _block_arrays(matcher: Any) -> tuple[list[int], list[float]] | None:
    """Ids and weights of a raw W3 leaf matcher, block by block; None if not one."""
    needed = ("_read_ids", "_read_weights", "_next_block", "_atend")
    if not all(hasattr(matcher, name) for name in needed):
        return None
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.extend(matcher._ids)
        weights.extend(matcher._weights)
        matcher._next_block()
    return ids, weights


def _protocol_arrays(matcher: Any) -> tuple[list[int], list[float]]:
    """Ids and weights through the public matcher protocol (slow, always correct)."""
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def read_postings(
    leaf: Any, field: str, term: str, *, fast: bool = True
) -> tuple[IntArray, FloatArray]:
    """All postings of ``term`` in one segment reader, deleted documents included.

    Returns:
        Segment-local document numbers and term frequencies, as arrays.
    """
    try:
        matcher = leaf.postings(field, term)
    except TermNotFound:
        return np.empty(0, np.int32), np.empty(0, np.float32)
    # Deletions are applied by the caller's live-document mask, so read the raw list.
    raw = getattr(matcher, "child", matcher)
    found = _block_arrays(raw) if fast else None
    ids, weights = found if found is not None else _protocol_arrays(raw)
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)


def field_lengths(leaf: Any, field: str, *, fast: bool = True) -> FloatArray:
    """The length (term count) of ``field`` in every document of one segment."""
    count = leaf.doc_count_all()
    if fast:
        try:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

            # The column readers live on the segment's per-document reader.
            perdoc = getattr(leaf, "_perdoc", leaf)
            reader = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            if reader is None:
                return np.zeros(count, np.float32)
            raw = reader._dbfile.get(reader._basepos, reader._count)
            codes = np.zeros(count, np.uint8)
            codes[: reader._count] = np.frombuffer(raw, dtype=np.uint8)[:count]
        except (AttributeError, ImportError, ValueError) as exc:
            log.debug("length column fast path unavailable: %s", exc)
        else:
            lengths: FloatArray = _BYTE_TO_LENGTH[codes]
            return lengths
    return np.array([leaf.doc_field_length(d, field) or 0 for d in range(count)], np.float32)


def deleted_mask(leaf: Any) -> npt.NDArray[np.bool_]:
    """True for every deleted document of one segment."""
    mask = np.zeros(leaf.doc_count_all(), dtype=bool)
    if leaf.has_deletions():
        # whoosh3 3.54's SegmentReader exposes deletions as the deleted_docs_set property.
        gone_set = getattr(leaf, "deleted_docs_set", None)
        if gone_set is None:
            gone_set = [d for d in range(mask.size) if leaf.is_deleted(d)]
        gone = np.fromiter(gone_set, dtype=np.int64)
        mask[gone] = True
    return mask
