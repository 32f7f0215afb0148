"""batches(): bounded lists for IN (...) statements and pipelines."""

from __future__ import annotations

import pytest
from deskmate.core.batching import IN_LIST_SIZE, batches


def test_splits_in_order_with_a_short_last_batch() -> None:
    assert list(batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_reads_a_one_pass_iterator_lazily() -> None:
    source = iter(range(2 * IN_LIST_SIZE + 1))
    first = next(batches(source))
    assert first == list(range(IN_LIST_SIZE))
    assert next(source) == IN_LIST_SIZE  # nothing beyond the first batch was taken


def test_nothing_for_nothing_and_no_empty_batches() -> None:
    assert list(batches([], 5)) == []
    assert list(batches(range(4), 2)) == [[0, 1], [2, 3]]


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        list(batches([1], 0))
