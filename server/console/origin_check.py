"""Refusing console form posts that another website's page sent (cross-site requests).

Every console form also carries a CSRF token (session.py); this second, independent
check uses what browsers say about where a request comes from: ``Sec-Fetch-Site`` (all
current browsers), else ``Origin``. A post whose page was not the console's own site is
refused with 403. A request with neither header (a script, curl, an old browser) is let
through to the CSRF check, as before.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# "none": the user typed the address or used a bookmark; never another site's page.
_OWN_FETCH_SITES = frozenset({"same-origin", "none"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_and_port(netloc: str, scheme: str) -> tuple[str, int] | None:
    parts = urlsplit(f"//{netloc}")
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.hostname is None:
        return None
    return parts.hostname.lower(), port or _DEFAULT_PORTS.get(scheme, 0)


def same_origin(origin: str, host: str | None) -> bool:
    """Whether an ``Origin`` header names the site of the ``Host`` the request was sent to.

    The scheme is not compared: behind a TLS-terminating proxy the server sees http
    while the browser's origin is https; the host and port are what matter.
    """
    parts = urlsplit(origin)
    if parts.scheme not in _DEFAULT_PORTS or not parts.netloc or host is None:
        return False  # includes "null" (sandboxed frames, data: pages)
    theirs = _host_and_port(parts.netloc, parts.scheme)
    ours = _host_and_port(host, parts.scheme)
    return theirs is not None and theirs == ours


def is_cross_site(request: Request) -> bool:
    """Whether a state-changing request was sent by another site's page.

    True when ``Sec-Fetch-Site`` says another site (``same-site`` included: a sibling
    host may be someone else's), or, without it, ``Origin`` names another site than the
    ``Host`` asked. Safe methods (GET, HEAD, OPTIONS) are never refused.
    """
    if request.method in SAFE_METHODS:
        return False
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in _OWN_FETCH_SITES
    origin = request.headers.get("origin")
    return origin is not None and not same_origin(origin.strip(), request.headers.get("host"))
