"""JSON parsing with a nesting-depth limit, for answers and uploads from the network.

``json.loads`` recurses once per nested array or object: a document nested 200,000 deep
(a few hundred kilobytes of ``[``) ends in a ``RecursionError`` from deep inside the
parser. :func:`loads` measures the depth first, without recursion, and refuses anything
deeper than :data:`MAX_DEPTH` with :class:`JsonTooDeepError` (a ``ValueError``, so
callers that already catch "not valid JSON" catch it too).

The measurement is vectorised (numpy) and about as fast as ``json.loads`` itself on a
page of items: the quotes that open or close strings are found (a quote after an odd
run of backslashes is escaped), the brackets outside strings kept, and the running sum
of +1 per opener and -1 per closer gives the depth. For valid JSON this reads strings
exactly as the parser does; for broken JSON the parser stops at the first error, and up
to that point the two agree, so it never recurses deeper than the measured depth.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt

#: Deeper than any document of the protocol (items, profiles: under 8) by a wide margin.
MAX_DEPTH = 64
_QUOTE, _BACKSLASH = 0x22, 0x5C
_SIGN = np.zeros(256, dtype=np.int8)
_SIGN[[ord("["), ord("{")]] = 1
_SIGN[[ord("]"), ord("}")]] = -1


class JsonTooDeepError(ValueError):
    """The document nests arrays/objects deeper than allowed."""

    def __init__(self, depth_limit: int) -> None:
        super().__init__(f"JSON nested deeper than {depth_limit} levels")
        self.depth_limit = depth_limit


def nesting_depth(data: bytes | str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (0 for a scalar).

    Args:
        data: The JSON text; a str is measured as UTF-8 (brackets, quotes and
            backslashes are the same single bytes in it).
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    codes = np.frombuffer(raw, dtype=np.uint8)
    signs = _SIGN[codes]
    brackets = np.flatnonzero(signs)
    if not len(brackets):
        return 0
    # A bracket is outside strings when an even number of real quotes precede it.
    outside = brackets[(np.searchsorted(_string_quotes(codes), brackets) & 1) == 0]
    if not len(outside):
        return 0
    return max(0, int(np.cumsum(signs[outside], dtype=np.int64).max()))


def _string_quotes(codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.intp]:
    """The positions of the quotes that open or close strings (escaped ones left out)."""
    quotes = np.flatnonzero(codes == _QUOTE)
    slashes = np.flatnonzero(codes == _BACKSLASH)
    if not len(slashes) or not len(quotes):
        return quotes
    # Runs of consecutive backslashes, as (first, last) positions.
    firsts = np.flatnonzero(np.diff(slashes, prepend=-2) != 1)
    run_first = slashes[firsts]
    run_last = np.append(slashes[firsts[1:] - 1], slashes[-1])
    run = np.minimum(np.searchsorted(run_last, quotes - 1), len(run_last) - 1)
    right_after = run_last[run] == quotes - 1
    odd = ((run_last[run] - run_first[run] + 1) & 1) == 1
    real: npt.NDArray[np.intp] = quotes[~(right_after & odd)]
    return real


def loads(data: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` for untrusted text: at most ``max_depth`` levels of nesting.

    Raises:
        JsonTooDeepError: the document nests deeper than ``max_depth``.
        ValueError: it is not valid JSON (``json.JSONDecodeError``), or not UTF-8
            (``UnicodeDecodeError``).
    """
    if nesting_depth(data) > max_depth:
        raise JsonTooDeepError(max_depth)
    try:
        return json.loads(data)
    except RecursionError:  # pragma: no cover - the depth check makes this unreachable
        raise JsonTooDeepError(max_depth) from None
