"""Splitting a stream of values into lists of at most a given size.

Bounded lists keep each SQL ``IN (...)`` under the database's bound-parameter limit
(SQLite's is 999 on older builds) and bound the memory a batch holds. Python 3.12's
``itertools.batched`` does the same with tuples; this project supports 3.11.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

_T = TypeVar("_T")

#: Values per ``IN (...)`` list: under SQLite's historical limit of 999 parameters, with
#: room for the statement's other parameters.
IN_LIST_SIZE = 900


def batches(values: Iterable[_T], size: int = IN_LIST_SIZE) -> Iterator[list[_T]]:
    """Consecutive lists of at most ``size`` values, in order; none when empty."""
    if size < 1:
        raise ValueError("a batch holds at least one value")
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch
