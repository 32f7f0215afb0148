"""The semantic half of search: an encoder, the stored item vectors and their fusion.

:class:`SemanticSearch` owns what the knowledge base needs for it: the encoder (asked
for lazily: loading checks the model file), the vector table and the in-memory matrix
derived from it. When the encoder cannot run, :meth:`SemanticSearch.nearest` returns
nothing and search stays lexical.

Fusion (:func:`fuse`): the lexical and the dense ranking are each normalised per query
(z-scores over each one's top :data:`DEPTH`), and combined as ``DENSE_WEIGHT × z_dense +
(1 − DENSE_WEIGHT) × z_lexical``; a candidate missing from one list takes that list's
lowest z-score. Measured on ATEC (docs/search.md): recall@5 is flat for weights 0.6–0.8.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from deskmate.core.content.model import Item, ItemKind
from deskmate.core.search.analysis import han_count
from deskmate.core.search.encoder import EncoderUnavailableError, TextEncoder, shared_encoder
from deskmate.core.search.encoder_guard import EncoderGuard, guard_for
from deskmate.core.semantic.vector_job import (
    EncodeReport,
    EncodeTask,
    Progress,
    encode_missing,
    encode_tasks,
    plan_encoding,
)
from deskmate.core.semantic.vectors import VectorMatrix
from deskmate.core.store.item_store import ItemStore
from deskmate.core.store.sync_status_keys import SERVER_VECTOR_MODEL_KEY
from deskmate.core.store.vector_store import VectorStore

log = logging.getLogger(__name__)

DEPTH = 100  # candidates taken from each ranking and normalised over
DENSE_WEIGHT = 0.7
MIN_HAN = 6  # shorter queries are type-ahead: the lexical ranking serves them

_K = TypeVar("_K")

EncoderFactory = Callable[[], TextEncoder | None]


def is_question_like(text: str) -> bool:
    """Whether a query is a question in words (enough Chinese characters) worth encoding."""
    return han_count(text) >= MIN_HAN


def _z_scores(scores: Sequence[float]) -> list[float]:
    values = np.asarray(scores, dtype=np.float64)
    spread = float(values.std())
    if len(values) < 2 or spread < 1e-9:
        return [0.0] * len(values)
    return list((values - values.mean()) / spread)


def fuse(
    lexical: Sequence[tuple[_K, float]],
    dense: Sequence[tuple[_K, float]],
    dense_weight: float | None = None,
    has_vector: Callable[[_K], bool] | None = None,
) -> list[tuple[_K, float]]:
    """Combine two rankings of (key, score), best first; returns (key, fused score).

    Args:
        lexical: The lexical ranking.
        dense: The nearest vectors.
        dense_weight: Share of the dense z-score (default :data:`DENSE_WEIGHT`, read at
            each call).
        has_vector: Whether a key has a vector at all. One without (an item not encoded
            yet) is ranked by its lexical z-score alone instead of taking the dense floor.
    """
    if dense_weight is None:
        dense_weight = DENSE_WEIGHT
    if not dense:
        return list(lexical)
    if not lexical:
        return list(dense)
    z_lex = dict(zip((k for k, _ in lexical), _z_scores([s for _, s in lexical]), strict=True))
    z_dense = dict(zip((k for k, _ in dense), _z_scores([s for _, s in dense]), strict=True))
    floor_lex, floor_dense = min(z_lex.values()), min(z_dense.values())
    fused = []
    for key in dict.fromkeys([*z_lex, *z_dense]):
        lex = z_lex.get(key, floor_lex)
        known = key in z_dense or has_vector is None or has_vector(key)
        semantic = z_dense.get(key, floor_dense) if known else lex
        fused.append((key, dense_weight * semantic + (1 - dense_weight) * lex))
    fused.sort(key=lambda pair: -pair[1])
    return fused


def accepts(item: Item, kinds: Sequence[str] | None, wanted: dict[str, str | None]) -> bool:
    """Whether an item passes the search's filters (None or empty: no filter)."""
    if kinds and item.kind not in {ItemKind(k) for k in kinds}:
        return False
    return all(not value or getattr(item, field) == value for field, value in wanted.items())


class SemanticSearch:
    """Item vectors of one knowledge base and the encoder that makes them."""

    def __init__(self, store: ItemStore, encoder: EncoderFactory = shared_encoder) -> None:
        self._store = store
        self._factory = encoder
        self.vectors = VectorStore(store.engine, store.path)
        self._matrix: VectorMatrix | None = None
        self._guard: EncoderGuard | None = None  # the encoder of the last search, once loaded
        self._lock = threading.Lock()
        self._left_to_server = False  # plan_encoding said it leaves the work to the server

    def encoder(self) -> EncoderGuard | None:
        """The encoder behind its deadline guard, or None when it cannot run here.

        (Why it cannot run is said once in the log.)
        """
        inner = self._factory()
        if inner is None:
            return None
        return guard_for(inner)

    def _current_matrix(self, encoder: TextEncoder) -> VectorMatrix:
        with self._lock:
            if self._matrix is None or self._matrix.model_id != encoder.model_id:
                self._matrix = VectorMatrix(self.vectors, encoder.model_id, encoder.dimension)
            matrix = self._matrix
        matrix.refresh()
        return matrix

    def nearest(self, text: str, k: int = DEPTH) -> list[tuple[str, float]]:
        """Item ids closest in meaning to ``text`` (cosine), best first; [] if unavailable."""
        encoder = self.encoder()
        if encoder is None:
            return []
        matrix = self._current_matrix(encoder)
        if not len(matrix):
            return []
        self._guard = encoder
        try:
            query = encoder.encode([text])[0]
        except EncoderUnavailableError as exc:
            log.warning("query not encoded (%s); lexical results only", exc.message)
            return []
        return matrix.nearest(query, k)

    def start_encoding(self, text: str, newest: bool = True) -> bool:
        """Begin encoding a question whose fused search will follow; returns at once.

        The sidebar calls it per keystroke (GUI thread, ``newest``: the previous keystroke's
        text is dropped if not begun), so the encoder runs while the lexical search does;
        the knowledge base calls it before ranking the lexical side (``newest=False``).
        :meth:`nearest` then takes the vector made or under way. It never loads the
        encoder (that takes a second): before the first fused search, or without vectors,
        it does nothing.

        Returns:
            Whether the text is being encoded, i.e. a fused ranking is expected.
        """
        guard, matrix = self._guard, self._matrix
        if guard is None or matrix is None or not len(matrix) or not is_question_like(text):
            return False
        return guard.model_id == matrix.model_id and guard.start([text], newest)

    def has_vector(self, item_id: str) -> bool:
        """Whether the item has a vector of the current model (as of the last search)."""
        matrix = self._matrix
        return matrix is not None and item_id in matrix

    def related(self, item_id: str, k: int) -> list[tuple[str, float]]:
        """Items closest in meaning to an item (itself excluded); [] without its vector."""
        encoder = self.encoder()
        if encoder is None:
            return []
        matrix = self._current_matrix(encoder)
        vector = matrix.vector_of(item_id)
        if vector is None:
            return []
        return [pair for pair in matrix.nearest(vector, k + 1) if pair[0] != item_id][:k]

    def encode_items(
        self, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> EncodeReport:
        """Encode the items that lack a vector of the current model (see vector_job).

        Raises:
            EncoderUnavailableError: no encoder here.
            OperationCancelledError: cancelled; what was finished stays.
        """
        encoder = self.encoder()
        if encoder is None:
            raise EncoderUnavailableError("semantic search is off: the encoder cannot run here")
        return encode_missing(self._store, self.vectors, encoder, progress, cancel)

    def plan_encoding(self) -> list[EncodeTask]:
        """The items the background job should encode here, lacking a current vector.

        Empty when the encoder cannot run here, and when the server the items are synced
        from encodes with this very model: it ships every vector, including those of items
        it has not encoded yet (after a model change it re-encodes everything, server-side
        first), so encoding them here too would only repeat its work on the agent's
        machine. A client whose server sends no vectors, or another model's, encodes here.
        """
        encoder = self.encoder()
        if encoder is None:
            return []
        if self._store.get_meta(SERVER_VECTOR_MODEL_KEY) == encoder.model_id:
            # Checked before planning: the plan reads and digests every item (a second or
            # more at 100k), and the job asks after every sync.
            if not self._left_to_server:
                self._left_to_server = True
                log.info(
                    "the server encodes with %s: its vectors come with the sync", encoder.model_id
                )
            return []
        return plan_encoding(self._store, self.vectors, encoder.model_id, encoder.dimension)[0]

    def encode_slice(
        self, tasks: list[EncodeTask], cancel: threading.Event | None = None
    ) -> tuple[int, int]:
        """Encode some planned items (a background job's step); (encoded, failed).

        Raises:
            EncoderUnavailableError: no encoder here.
            EncoderBusyError: the encoder is stuck on an earlier text; try later.
            OperationCancelledError: cancelled; what was finished stays.
        """
        encoder = self.encoder()
        if encoder is None:
            raise EncoderUnavailableError("semantic search is off: the encoder cannot run here")
        return encode_tasks(self.vectors, encoder, tasks, cancel, suspects=encoder.suspects)

    def status(self) -> str:
        """One line for the self-test and the log: on (how many vectors) or off (why)."""
        encoder = self.encoder()
        if encoder is None:
            why = getattr(self._factory, "problem", None) or "no encoder"
            return f"off, search is lexical: {why}"
        total = sum(self._store.count().values())
        have = self.vectors.count(encoder.model_id)
        return f"on ({encoder.model_id}): {have} of {total} items have vectors"
