"""Failures: every way a request can fail, turned into one sentence an agent can read.

The token is never part of a message: requests' own errors are reported by type only.
"""

from __future__ import annotations

import logging

import requests
from deskmate.core import bounded_json
from deskmate.core.sync.errors import (
    AuthError,
    ForbiddenError,
    OfflineError,
    PayloadTooLarge,
    ProtocolError,
    RejectedUpload,
    ResyncRequired,
    SyncError,
    TooSlowError,
)
from urllib3.exceptions import ReadTimeoutError

log = logging.getLogger(__name__)

CA_BUNDLE_ENV = "DESKMATE_CA_BUNDLE"
PROBLEM_TYPE_PREFIX = "https://deskmate.example/problems/"
_MAX_DETAIL_CHARS = 300  # a server's detail text is shown to agents: keep it short


class Failures:
    """Builds the errors for one server.

    Args:
        host: The server's host[:port], named in messages.
        server_url: The server's base address.
        read_timeout: The read timeout in seconds, named in timeout messages.
    """

    def __init__(self, host: str, server_url: str, read_timeout: float) -> None:
        self.host = host
        self.server_url = server_url
        self.read_timeout = read_timeout

    def unreachable(self, exc: requests.RequestException) -> SyncError:
        """The error for a request that got no answer."""
        log.info("request to %s failed: %s", self.host, type(exc).__name__)
        if isinstance(exc, requests.exceptions.SSLError):
            return SyncError(
                f"The identity of {self.host} could not be verified (TLS certificate "
                f"problem). If your company re-signs web traffic, ask IT for its CA "
                f"bundle and set {CA_BUNDLE_ENV}; working from the local copy.",
                host=self.host,
            )
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return self.offline()
        if is_timeout(exc):
            return self.timeout()
        if isinstance(exc, requests.exceptions.ProxyError):
            return OfflineError(
                f"Offline: cannot reach {self.host} through the proxy; working from the "
                "local copy.",
                host=self.host,
            )
        if isinstance(exc, requests.exceptions.ConnectionError):
            return self.offline()
        if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
            return SyncError(f"The sync server address {self.server_url!r} is not valid.")
        return SyncError(
            f"The request to {self.host} failed ({type(exc).__name__}); working from the "
            "local copy.",
            host=self.host,
        )

    def offline(self) -> OfflineError:
        """The server cannot be reached."""
        return OfflineError(
            f"Offline: cannot reach {self.host}; working from the local copy.", host=self.host
        )

    def timeout(self) -> SyncError:
        """The server did not answer in time."""
        return SyncError(
            f"The server at {self.host} did not answer within {self.read_timeout:g} s; "
            "working from the local copy. Try again later.",
            host=self.host,
        )

    def too_slow(self, seconds: float) -> TooSlowError:
        """The whole answer did not arrive within the request's deadline."""
        return TooSlowError(
            f"The server at {self.host} did not answer within {seconds:.0f} s; working "
            "from the local copy, nothing local was changed. Try again later (if it "
            "keeps happening, a proxy may be holding the connection).",
            host=self.host,
            seconds=round(seconds),
        )

    def broken(self, what: str) -> ProtocolError:
        """The answer is unusable; ``what`` says how."""
        return ProtocolError(
            f"The server at {self.host} sent an answer Deskmate cannot use ({what}); "
            "nothing local was changed.",
            host=self.host,
        )

    def status_error(self, status: int, body: bytes) -> SyncError:
        """The error for an HTTP status other than 200/304."""
        slug, detail = problem_of(body)
        said = f": {detail}" if detail else ""
        if status == 401:
            return AuthError("Sign in again: the server refused the token.", status=status)
        if status == 410 and slug == "resync-required":
            return ResyncRequired(
                f"The server asks for a full resync{said}.", status=status, slug=slug
            )
        if status == 403:
            return ForbiddenError(f"The server refused the request{said}.", status=status)
        if status == 413:
            return PayloadTooLarge(f"The server found the upload too large{said}.", status=status)
        if status == 422:
            return RejectedUpload(
                f"The server refused the upload as invalid{said}.", status=status, detail=detail
            )
        if status >= 500 or status == 429:
            return SyncError(
                f"The server at {self.host} has a problem (HTTP {status}{said}); working "
                "from the local copy. Try again later.",
                status=status,
            )
        return ProtocolError(
            f"The server at {self.host} answered HTTP {status}{said}; nothing local was changed.",
            status=status,
            slug=slug,
            detail=detail,
        )


def is_timeout(exc: BaseException) -> bool:
    """Whether a requests error is, at its root, a read timeout (also after retries)."""
    if isinstance(exc, requests.exceptions.Timeout):
        return True
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        if isinstance(current, ReadTimeoutError | TimeoutError):
            return True
        todo.extend([*current.args, getattr(current, "reason", None), current.__context__])
    return False


def problem_of(body: bytes) -> tuple[str, str]:
    """The slug and detail of an RFC 9457 problem document, or ("", "")."""
    try:
        data = bounded_json.loads(body)
    except ValueError:  # also not UTF-8, or nested too deep
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    kind = data.get("type")
    slug = kind.removeprefix(PROBLEM_TYPE_PREFIX) if isinstance(kind, str) else ""
    detail = data.get("detail") or data.get("title") or ""
    text = " ".join(str(detail).split())
    if len(text) > _MAX_DETAIL_CHARS:
        text = text[: _MAX_DETAIL_CHARS - 1] + "…"
    return slug, text
