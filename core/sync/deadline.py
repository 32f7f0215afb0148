"""A deadline for one whole request: connect, headers and body, retries included.

requests' ``timeout`` is per socket operation: a server (or proxy) that sends one byte
of a header or body every few seconds never trips a 30 s read timeout and can hold a
sync, and the sidebar's sync thread, for ever. Here each call of the sync client runs
under a :class:`RequestDeadline`: a watchdog thread shuts down the sockets the call uses
once its time is up, which wakes any blocking read in the calling thread; the call then
fails with a plain "did not answer within 60 s".

The sockets are found by :class:`WatchedAdapter`: its connections hand their socket to
the calling thread's deadline when they connect and before each response is read
(a pooled keep-alive connection only does the latter). The allowance grows with the
bytes received above a floor (at a minimum transfer rate), so a large page on a slow but
working line is not cut off, while a trickle of a few bytes a second is.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

#: Seconds a whole request may take (retries included) when the body is small.
DEFAULT_DEADLINE = 60.0
#: Bytes of a body that the base deadline covers; beyond it the allowance grows.
DEFAULT_FLOOR_BYTES = 1024 * 1024
#: The allowance grows by one second per this many bytes received beyond the floor
#: (32 KiB/s: a 64 MB page may take ~34 minutes on a line that slow, not for ever).
DEFAULT_MIN_RATE = 32 * 1024

_local = threading.local()


class RequestDeadline:
    """The time one request may take; shuts its sockets when the time is up.

    Args:
        seconds: The base allowance from the start.
        floor_bytes: Body bytes covered by the base allowance.
        min_rate: Bytes per second: each such amount received beyond ``floor_bytes``
            adds a second.
    """

    def __init__(
        self,
        seconds: float = DEFAULT_DEADLINE,
        floor_bytes: int = DEFAULT_FLOOR_BYTES,
        min_rate: float = DEFAULT_MIN_RATE,
    ) -> None:
        self.seconds = seconds
        self.floor_bytes = floor_bytes
        self.min_rate = min_rate
        self.started = time.monotonic()
        self.received = 0
        self._expired = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    @property
    def expired(self) -> bool:
        """The time is up (the sockets have been shut down)."""
        return self._expired.is_set()

    def limit(self) -> float:
        """The ``time.monotonic()`` by which the request must be complete."""
        extra = max(0, self.received - self.floor_bytes) / self.min_rate
        return self.started + self.seconds + extra

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.limit() - time.monotonic())

    def add_received(self, count: int) -> None:
        """Count body bytes that arrived (they extend the allowance above the floor)."""
        self.received += count

    def check(self) -> bool:
        """Whether the time is up; expires the deadline (shutting its sockets) if so."""
        if not self.expired and time.monotonic() >= self.limit():
            self._expire()
        return self.expired

    def adopt(self, sock: socket.socket | None) -> None:
        """Watch a socket of this request; one adopted after the time is up is shut at once."""
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    @contextlib.contextmanager
    def running(self) -> Iterator[RequestDeadline]:
        """Make this the calling thread's deadline and watch it until the block ends."""
        previous = getattr(_local, "deadline", None)
        _local.deadline = self
        watchdog = threading.Thread(target=self._watch, name="sync-deadline", daemon=True)
        watchdog.start()
        try:
            yield self
        finally:
            self._done.set()
            _local.deadline = previous
            with self._lock:
                self._sockets.clear()

    def _watch(self) -> None:
        # Re-reads the limit on each wake-up: bytes received meanwhile may have moved it.
        while not self._done.wait(self.remaining() + 0.01):
            if self.check():
                return

    def _expire(self) -> None:
        with self._lock:
            self._expired.set()
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def current() -> RequestDeadline | None:
    """The deadline of the request the calling thread is making, if any."""
    return getattr(_local, "deadline", None)


def _shut(sock: socket.socket) -> None:
    """Shut a socket down for both directions: a recv blocked on it returns at once.

    ``socket.socket.shutdown`` on purpose, also for TLS sockets: ``SSLSocket.shutdown``
    would drop its TLS state under the reading thread's feet. Closing alone does not
    wake a blocked recv on Linux.
    """
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _adopt(sock: socket.socket | None) -> None:
    deadline = current()
    if deadline is not None:
        deadline.adopt(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _adopt(sock)
        return sock

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _adopt(self.sock)  # a pooled connection made by an earlier request
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _adopt(sock)  # covers the proxy tunnel and the TLS handshake
        return sock

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _adopt(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections hand their sockets to the thread's deadline."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """The pool manager, with pools of watched connections."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        """The proxy's pool manager, with pools of watched connections."""
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager
