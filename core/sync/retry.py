"""RetryPolicy: how the sync client retries (urllib3 Retry with backoff and jitter).

Retrying is safe for every call the client makes: the GETs change nothing, the events
POST is idempotent because the server stores each ``event_id`` once, the self-assessment
is a PUT, marking an assignment done twice keeps the first time, and a proposal carries
a ``client_id`` the server stores once (docs/learning.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deskmate.core.sync import deadline
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before a request is reported as failed.

    Attributes:
        retries: Retries after the first attempt (connection errors, read timeouts,
            HTTP 429/500/502/503/504).
        backoff: The first backoff step in seconds; it doubles on each retry.
        jitter: Up to this many random seconds added to each backoff, so that a
            contact centre's hundreds of desktops do not retry in lockstep.
        backoff_max: No single wait is longer than this (Retry-After included).
    """

    retries: int = 3
    backoff: float = 0.5
    jitter: float = 0.5
    backoff_max: float = 30.0

    def to_urllib3(self) -> Retry:
        """The urllib3 ``Retry`` object implementing this policy."""
        return _CappedRetry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=0,
            redirect=5,
            backoff_factor=self.backoff,
            backoff_jitter=self.jitter,
            backoff_max=self.backoff_max,
            status_forcelist=_RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "PUT", "POST"}),
            raise_on_status=False,
            respect_retry_after_header=True,
        )


class _CappedRetry(Retry):
    """A Retry whose waits stop at ``backoff_max`` and at the request's deadline.

    The deadline is :mod:`.deadline`'s, for the calling thread. urllib3's own cap
    defaults to six hours, which would freeze a sync.
    """

    def get_retry_after(self, response: Any) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, self.backoff_max, _time_left())

    def get_backoff_time(self) -> float:
        return min(super().get_backoff_time(), _time_left())

    def increment(self, *args: Any, **kwargs: Any) -> Any:
        new_retry = super().increment(*args, **kwargs)
        watch = deadline.current()
        if watch is not None and watch.check():
            # The time is up: no further attempt (its socket would be shut at once).
            error = kwargs.get("error") or (args[3] if len(args) > 3 else None)
            url = kwargs.get("url") or (args[1] if len(args) > 1 else None)
            pool = kwargs.get("_pool") or (args[4] if len(args) > 4 else None)
            reason = error if isinstance(error, Exception) else TimeoutError("deadline")
            raise MaxRetryError(pool, url, reason) from reason  # type: ignore[arg-type]
        return new_retry


def _time_left() -> float:
    watch = deadline.current()
    return watch.remaining() if watch is not None else float("inf")
