"""The brute-force vector scan: exact against a float64 reference, on one BLAS thread."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from deskmate.core import KnowledgeBase
from deskmate.core.semantic import blas_threads
from deskmate.core.semantic.blas_threads import single_blas_thread
from deskmate.core.semantic.vectors import (
    BLOCK_ROWS,
    FloatArray,
    VectorMatrix,
    dequantize,
    quantize,
    scan,
    top_k,
)
from deskmate.core.store.vector_store import StoredVector

DIMENSION = 32
MODEL = "test-model"


def _unit(rng: np.random.Generator, n: int) -> FloatArray:
    vectors: FloatArray = rng.standard_normal((n, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def test_the_blocked_scan_ranks_exactly_like_a_float64_product(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 2 * BLOCK_ROWS + 123  # three blocks, the last one partial
    rows = []
    for i, vector in enumerate(_unit(rng, n)):
        data, scale = quantize(vector)
        rows.append(StoredVector(f"item-{i:05d}", "digest", scale, data))
    with KnowledgeBase.open(tmp_path / "kb", lambda: None) as kb:
        kb.semantic.vectors.put(MODEL, rows)
        matrix = VectorMatrix(kb.semantic.vectors, MODEL, DIMENSION)
        matrix.refresh()
        assert len(matrix) == n
        reference = np.stack([dequantize(r.vector, r.scale) for r in rows]).astype(np.float64)
        for query in _unit(rng, 5):
            exact = reference @ query.astype(np.float64)
            want = [rows[i].item_id for i in np.argsort(-exact)[:20]]
            got = matrix.nearest(query, 20)
            assert [item_id for item_id, _ in got] == want
            scores = {r.item_id: s for r, s in zip(rows, exact, strict=True)}
            assert all(abs(score - scores[i]) < 1e-4 for i, score in got)


def test_the_scan_leaves_the_blas_thread_count_as_it_found_it(tmp_path: Path) -> None:
    if blas_threads.blas_threads() is None:
        pytest.skip("numpy here has no OpenBLAS to control")
    before = blas_threads.blas_threads()
    data, scale = quantize(_unit(np.random.default_rng(1), 1)[0])
    rows = [StoredVector("a", "d", scale, data)]
    with KnowledgeBase.open(tmp_path / "kb", lambda: None) as kb:
        kb.semantic.vectors.put(MODEL, rows)
        matrix = VectorMatrix(kb.semantic.vectors, MODEL, DIMENSION)
        matrix.refresh()
        assert matrix.nearest(_unit(np.random.default_rng(2), 1)[0], 1)[0][0] == "a"
    assert blas_threads.blas_threads() == before


def test_one_blas_thread_inside_nested_and_concurrent_blocks() -> None:
    before = blas_threads.blas_threads()
    if before is None:
        pytest.skip("numpy here has no OpenBLAS to control")
    blas_threads._control_once().set(2)  # type: ignore[union-attr]  # as on a 2-core machine
    try:
        inside, release = threading.Event(), threading.Event()
        seen: list[int | None] = []

        def other_scan() -> None:
            with single_blas_thread():
                inside.set()
                release.wait(5)
                seen.append(blas_threads.blas_threads())

        worker = threading.Thread(target=other_scan)
        worker.start()
        assert inside.wait(5)
        with single_blas_thread():
            assert blas_threads.blas_threads() == 1
            with single_blas_thread():
                assert blas_threads.blas_threads() == 1
        # The other scan is still running: it keeps its one thread.
        assert blas_threads.blas_threads() == 1
        release.set()
        worker.join(5)
        assert seen == [1]
        assert blas_threads.blas_threads() == 2  # the last one out restores the count
        with pytest.raises(RuntimeError), single_blas_thread():
            raise RuntimeError("a failed scan")
        assert blas_threads.blas_threads() == 2
    finally:
        blas_threads._control_once().set(before)  # type: ignore[union-attr]


def test_one_scan_of_several_queries_equals_a_scan_per_query() -> None:
    # The server's duplicate hints scan all of a save's texts at once (columns), the
    # client one query at a time: the same function, the same scores.
    rng = np.random.default_rng(5)
    n = BLOCK_ROWS + 77  # two blocks, the last one partial
    packed = [quantize(vector) for vector in _unit(rng, n)]
    data = np.frombuffer(b"".join(d for d, _s in packed), np.int8).reshape(n, DIMENSION)
    scales = np.array([s for _d, s in packed], np.float32)
    queries = _unit(rng, 3)
    together = scan(data, scales, queries.T)
    assert together.shape == (n, 3)
    for j, query in enumerate(queries):
        alone = scan(data, scales, query)
        assert alone.shape == (n,)
        np.testing.assert_allclose(together[:, j], alone, rtol=1e-5, atol=1e-6)
        reference = data.astype(np.float64) @ query.astype(np.float64) * scales
        np.testing.assert_allclose(alone, reference, rtol=1e-4, atol=1e-5)
    ids = [f"item-{i}" for i in range(n)]
    best = top_k(ids, together[:, 0], 5)
    assert [s for _i, s in best] == sorted((s for _i, s in best), reverse=True)
    assert best[0][0] == ids[int(np.argmax(together[:, 0]))]
    assert top_k(ids[:2], together[:2, 0], 5) == top_k(ids[:2], together[:2, 0], 2)
