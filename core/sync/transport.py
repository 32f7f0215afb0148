"""SyncSession: the HTTP side of the sync client (protocol v1), and nothing else.

One :class:`requests.Session` per client with connect/read timeouts, a deadline for
each whole request (:mod:`.deadline`: a server that trickles its answer cannot hold a
sync), TLS verification (with an optional CA bundle for company proxies that re-sign
traffic), proxies from the environment, and the retries of :mod:`.retry`. Every JSON
answer is parsed with a nesting-depth limit (:mod:`deskmate.core.bounded_json`).

Every failure becomes a :class:`~deskmate.core.sync.errors.SyncError` whose message an
agent can read (:mod:`.failures`); the token never appears in a message, a log line or
an object's repr.
Parsing stops at the envelope: validating item records is :mod:`.pull`'s job.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from deskmate.core import bounded_json
from deskmate.core.sync.deadline import (
    DEFAULT_DEADLINE,
    DEFAULT_FLOOR_BYTES,
    DEFAULT_MIN_RATE,
    RequestDeadline,
    WatchedAdapter,
)
from deskmate.core.sync.errors import AuthError, ProtocolError, SyncError
from deskmate.core.sync.failures import CA_BUNDLE_ENV, Failures, is_timeout
from deskmate.core.sync.retry import RetryPolicy

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
MAX_PAGE_BYTES = 64 * 1024 * 1024  # decoded; 1000 ordinary items are a few MB
MAX_SMALL_BYTES = 1024 * 1024  # acknowledgements, /me and problem documents
_READ_CHUNK = 64 * 1024  # small enough that the deadline sees progress often
_TOKEN = re.compile(r"[\x21-\x7e]{1,4096}")  # visible ASCII, as a header value must be


@dataclass(frozen=True)
class ChangesPage:
    """One page of ``GET /api/v1/changes``; records are raw and not yet validated."""

    items: list[Any]
    deleted: list[Any]
    next_cursor: str
    has_more: bool
    etag: str | None
    vectors: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class VocabularyAnswer:
    """``GET /api/v1/vocabulary``; the synonyms and skills are raw and not yet validated."""

    version: int
    synonyms: list[Any]
    skills: dict[str, Any]
    etag: str | None


@dataclass(frozen=True)
class JsonAnswer:
    """The answer to :meth:`SyncSession.call_json`.

    Attributes:
        status: The HTTP status (200, 201, ... or 304).
        data: The JSON object of the body; None for 304 (nothing new).
        etag: The ``ETag`` header, if any.
    """

    status: int
    data: dict[str, Any] | None
    etag: str | None


@dataclass(frozen=True)
class EventAck:
    """The server's answer to an events upload: both lists mean "stored"."""

    accepted: list[str]
    duplicates: list[str]


class _BearerAuth(requests.auth.AuthBase):
    """Adds the token; as ``session.auth`` it also stops requests from using ~/.netrc."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "<bearer token hidden>"


def check_token(token: str) -> str:
    """Return ``token`` if it can be sent in a header.

    Raises:
        AuthError: the token is empty or has spaces or control characters (a header
            with them would be refused, and the refusal would quote the token).
    """
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise AuthError("Sign in again: the token is empty or not a valid token.")
    return token


def normalise_server_url(url: str) -> str:
    """The server's base address without a trailing slash (the vault's user name too).

    Raises:
        SyncError: the address is not an http(s) address.
    """
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SyncError(
            f"The sync server address {url!r} is not valid; it must start with https://.",
            server=url,
        )
    return url


class SyncSession:
    """Talks protocol v1 to one server with one token.

    Args:
        server_url: The server's base address, e.g. ``https://kb.example.com``.
        token: The agent's API token (sent as ``Authorization: Bearer``).
        timeout: (connect, read) timeouts in seconds for each attempt.
        deadline: Seconds one whole request may take, retries included: connect,
            headers and a body of up to 1 MB; a larger body gets one more second per
            ``min_rate`` bytes beyond that.
        min_rate: Bytes per second a large body must at least arrive at.
        retry: The retry policy.
        ca_bundle: A PEM file of CA certificates to trust instead of the system's;
            default ``$DESKMATE_CA_BUNDLE``, else requests' own (``$REQUESTS_CA_BUNDLE``).
        max_page_bytes: A changes page larger than this (decoded) is refused.
    """

    def __init__(
        self,
        server_url: str,
        token: str,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy | None = None,
        ca_bundle: Path | str | None = None,
        max_page_bytes: int = MAX_PAGE_BYTES,
        proxy: str | None = None,
        deadline: float = DEFAULT_DEADLINE,
        min_rate: float = DEFAULT_MIN_RATE,
    ) -> None:
        self.server_url = normalise_server_url(server_url)
        self.host = urlsplit(self.server_url).netloc
        self.timeout = timeout
        self.max_page_bytes = max_page_bytes
        self.deadline = deadline
        self.min_rate = min_rate
        self.failures = Failures(self.host, self.server_url, timeout[1])
        bundle = ca_bundle or os.environ.get(CA_BUNDLE_ENV) or None
        self.ca_bundle = Path(bundle) if bundle else None
        # Never False: without a bundle, requests verifies against its default store.
        self._verify: bool | str = str(self.ca_bundle) if self.ca_bundle else True
        self._session = requests.Session()
        self._session.auth = _BearerAuth(check_token(token))
        self._session.headers["User-Agent"] = "deskmate-sync/1"
        self._session.headers["Accept"] = "application/json"
        if proxy:  # else requests takes the environment's (and Windows') proxy settings
            self._session.proxies.update({"http": proxy, "https": proxy})
        adapter = WatchedAdapter(max_retries=(retry or RetryPolicy()).to_urllib3())
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def __repr__(self) -> str:
        return f"SyncSession({self.server_url!r})"

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    # -- the calls of protocol v1 ------------------------------------------------------

    def get_changes(self, cursor: str, limit: int, etag: str | None = None) -> ChangesPage | None:
        """One page of changes after ``cursor`` ("" = from the beginning).

        Returns:
            The page, or None when the server answers 304 to ``etag`` (nothing new).

        Raises:
            ResyncRequired: the server no longer accepts the cursor (410).
            SyncError: any other failure (see the subclasses).
        """
        headers = {"If-None-Match": etag} if etag else {}
        params = {"cursor": cursor, "limit": str(limit)}
        status, body, response_headers = self._call(
            "GET", "/changes", params=params, headers=headers, cap=self.max_page_bytes
        )
        if status == 304:
            return None
        data = self._json_object(body)
        items, deleted = data.get("items"), data.get("deleted", [])
        next_cursor, has_more = data.get("next_cursor"), data.get("has_more")
        if not isinstance(items, list) or not isinstance(deleted, list):
            raise self.failures.broken("its changes page has no list of items or deleted ids")
        if not isinstance(next_cursor, str) or not isinstance(has_more, bool):
            raise self.failures.broken("its changes page lacks next_cursor or has_more")
        vectors = data.get("vectors")  # absent from servers before issue #16
        return ChangesPage(
            items,
            deleted,
            next_cursor,
            has_more,
            response_headers.get("ETag"),
            vectors if isinstance(vectors, dict) else {},
        )

    def get_vocabulary(self, etag: str | None = None) -> VocabularyAnswer | None:
        """The synonym groups and skill names the server's packs define.

        Returns:
            The answer, or None when the server answers 304 to ``etag`` (nothing new).

        Raises:
            ProtocolError: also for 404 (``fields["status"]``), a server older than the
                vocabulary endpoint.
            SyncError: any other failure (see the subclasses).
        """
        headers = {"If-None-Match": etag} if etag else {}
        status, body, response_headers = self._call(
            "GET", "/vocabulary", headers=headers, cap=MAX_SMALL_BYTES * 16
        )
        if status == 304:
            return None
        data = self._json_object(body)
        version, synonyms, skills = data.get("version"), data.get("synonyms"), data.get("skills")
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise self.failures.broken("its vocabulary has no version number")
        if not isinstance(synonyms, list) or not isinstance(skills, dict):
            raise self.failures.broken("its vocabulary lacks the synonyms list or skills map")
        return VocabularyAnswer(version, synonyms, skills, response_headers.get("ETag"))

    def post_events(self, events: Sequence[Mapping[str, Any]]) -> EventAck:
        """Upload consultation events (each in ``ConsultationEvent.to_dict`` form).

        Raises:
            PayloadTooLarge: the batch is too large for the server (413).
            RejectedUpload: the server found an event invalid (422).
            ForbiddenError: an event belongs to another agent than the token's (403).
            SyncError: any other failure.
        """
        payload = json.dumps({"events": list(events)}, ensure_ascii=False).encode("utf-8")
        _status, body, _headers = self._call(
            "POST",
            "/events",
            data=payload,
            headers={"Content-Type": "application/json"},
            cap=MAX_SMALL_BYTES * 16,
        )
        data = self._json_object(body)
        accepted = _string_list(data.get("accepted"))
        duplicates = _string_list(data.get("duplicates", []))
        if accepted is None or duplicates is None:
            raise self.failures.broken("its upload receipt lacks the lists of stored event ids")
        return EventAck(accepted, duplicates)

    def me(self) -> dict[str, Any]:
        """Who the token belongs to: ``{"name", "role", "team"}``."""
        _status, body, _headers = self._call("GET", "/me", cap=MAX_SMALL_BYTES)
        return self._json_object(body)

    def call_json(
        self,
        method: str,
        path: str,
        *,
        payload: Mapping[str, Any] | None = None,
        params: dict[str, str] | None = None,
        etag: str | None = None,
        cap: int = MAX_SMALL_BYTES,
    ) -> JsonAnswer:
        """Any other call of the API that sends and answers a JSON object.

        Args:
            method: ``GET``, ``PUT`` or ``POST``.
            path: Below ``/api/v1``, e.g. ``/me/profile``.
            payload: The JSON body, if any.
            params: Query parameters.
            etag: Sent as ``If-None-Match``; a 304 answer has ``data`` None.
            cap: The largest body accepted (decoded).

        Raises:
            ProtocolError: also for 404 (``fields["status"]``).
            SyncError: any other failure (see the subclasses).
        """
        headers = {"If-None-Match": etag} if etag else {}
        data = None
        if payload is not None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        status, body, response_headers = self._call(
            method, path, params=params, headers=headers, data=data, cap=cap
        )
        if status == 304:
            return JsonAnswer(status, None, etag)
        return JsonAnswer(status, self._json_object(body), response_headers.get("ETag"))

    # -- plumbing -----------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        cap: int,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        data: bytes | None = None,
    ) -> tuple[int, bytes, Mapping[str, str]]:
        """Send one request (with retries) and read its body, at most ``cap`` bytes."""
        if self.ca_bundle is not None and not self.ca_bundle.is_file():
            raise SyncError(
                f"The CA bundle {self.ca_bundle} does not exist; check {CA_BUNDLE_ENV} "
                "or the path IT gave you.",
                path=str(self.ca_bundle),
            )
        url = self.server_url + API_PREFIX + path
        watch = RequestDeadline(self.deadline, DEFAULT_FLOOR_BYTES, self.min_rate)
        with watch.running():
            try:
                return self._send(watch, method, url, cap, params, headers, data)
            except (SyncError, requests.RequestException):
                if watch.expired:
                    # Whatever broke (a shut socket reads as a cut connection), the
                    # cause was the deadline.
                    raise self.failures.too_slow(time.monotonic() - watch.started) from None
                raise

    def _send(
        self,
        watch: RequestDeadline,
        method: str,
        url: str,
        cap: int,
        params: dict[str, str] | None,
        headers: dict[str, str] | None,
        data: bytes | None,
    ) -> tuple[int, bytes, Mapping[str, str]]:
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                headers=headers,
                data=data,
                timeout=self.timeout,
                verify=self._verify,
                stream=True,
            )
        except requests.RequestException as exc:
            if watch.expired:
                raise
            raise self.failures.unreachable(exc) from None
        with response:
            body = self._read(response, cap, watch)
            status = response.status_code
            if 200 <= status < 300 or status == 304:
                return status, body, response.headers
            raise self.failures.status_error(status, body)

    def _read(self, response: requests.Response, cap: int, watch: RequestDeadline) -> bytes:
        if response.status_code == 304:
            return b""
        buffer = bytearray()
        try:
            for chunk in response.iter_content(chunk_size=_READ_CHUNK):
                buffer += chunk
                watch.add_received(len(chunk))
                if watch.check():
                    raise self.failures.too_slow(time.monotonic() - watch.started)
                if len(buffer) > cap:
                    raise ProtocolError(
                        f"The server at {self.host} sent an answer larger than "
                        f"{cap:,} bytes; it was refused and nothing local was changed.",
                        limit=cap,
                    )
        except requests.RequestException as exc:
            if watch.expired:
                raise
            if is_timeout(exc):
                raise self.failures.timeout() from None
            raise ProtocolError(
                f"The answer from {self.host} broke off or arrived garbled "
                f"({type(exc).__name__}); nothing local was changed. Try again later.",
            ) from None
        if watch.expired:
            # The watchdog shut the socket: what arrived reads as a complete (short or
            # empty) answer with cut-off headers, and must not be used.
            raise self.failures.too_slow(time.monotonic() - watch.started)
        return bytes(buffer)

    def _json_object(self, body: bytes) -> dict[str, Any]:
        try:
            data = bounded_json.loads(body)
        except bounded_json.JsonTooDeepError as exc:
            raise self.failures.broken(
                f"its JSON is nested deeper than {exc.depth_limit} levels"
            ) from None
        except ValueError:  # also UnicodeDecodeError
            raise self.failures.broken("it is not valid JSON, perhaps cut short") from None
        if not isinstance(data, dict):
            raise self.failures.broken("a JSON object was expected")
        return data


def _string_list(value: Any) -> list[str] | None:
    """``value`` if it is a list of strings, else None."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [str(v) for v in value]
    return None
