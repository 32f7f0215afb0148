"""Structured access logs: one JSON line per request, without tokens or bodies.

Logged: method, path (no query string), status, duration, response size, client
address and the authenticated user's name. Never logged: headers (the token), query
strings, request or response bodies (what agents typed).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("deskmate.server.access")


class AccessLogMiddleware:
    """ASGI middleware writing one ``deskmate.server.access`` INFO record per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request and log it once the response has started."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = scope.setdefault("state", {})
        status, size = 500, 0

        async def send_logged(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            client = scope.get("client")
            fields = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "bytes": size,
                "user": state.get("user"),
                "client": client[0] if client else None,
            }
            log.info("%s", json.dumps(fields, ensure_ascii=False), extra={"access": fields})
