"""Serving the API: the listening socket, one process or ``--workers N``, and what runs beside.

``deskmate-server serve`` (and ``demo``) bind the socket first, so the real port is
known, then serve until SIGINT/SIGTERM. Beside the requests, the serving process warms
the learning profiles (``ProfileWarmer``) and encodes, once per start, the items lacking
a vector of the current model (``VectorBackfill``); with ``--workers N`` those run in this
process only, and each worker is a fresh interpreter opening the database itself.
"""

from __future__ import annotations

import os
import socket
from typing import Any

import uvicorn
from deskmate.core.errors import DeskmateError
from deskmate.core.logging_config import configure_logging
from deskmate.core.paths import Paths
from deskmate.server.app import build_app
from deskmate.server.database import Database
from deskmate.server.item_vectors import configure_encoder_threads
from deskmate.server.learning.profile_warmer import ProfileWarmer
from deskmate.server.server_secret import console_key
from deskmate.server.vector_backfill import VectorBackfill, background_encode_enabled
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

MAX_WORKERS = 64
_VERBOSE_ENV = "DESKMATE_SERVER_VERBOSE"


def default_db_url() -> str:
    """``$DESKMATE_SERVER_DB``, else a SQLite file in the per-user data directory."""
    return os.environ.get("DESKMATE_SERVER_DB") or (
        f"sqlite:///{Paths.resolve().data_dir / 'server.db'}"
    )


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket, bound before serving so the real port is known."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio switches Nagle off (TCP_NODELAY) only on sockets whose
    # proto says TCP, and with proto 0 every response whose body follows its headers in a
    # second write waited for the client's delayed ACK (~40 ms per request on Linux).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted ones
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise DeskmateError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    return sock


def worker_app() -> FastAPI:
    """The app of one ``serve --workers N`` process, on ``$DESKMATE_SERVER_DB``.

    Each worker is a fresh interpreter: it sets up its own logging (into the same log
    directory) and opens its own connections.
    """
    configure_logging(Paths.resolve().log_dir, os.environ.get(_VERBOSE_ENV) == "1")
    configure_encoder_threads()
    return build_app(Database.open(default_db_url()))


def serve(db: Database, sock: socket.socket, workers: int = 1, verbose: bool = False) -> None:
    """Serve the API on ``sock`` until interrupted (SIGINT/SIGTERM).

    With ``workers`` > 1, that many processes accept on the socket (uvicorn's supervisor
    restarts any that dies); each opens the database itself, so ``db`` is closed here.
    """
    options: dict[str, Any] = {
        "log_config": None,
        "access_log": False,
        "proxy_headers": False,
        "lifespan": "on",
    }
    console_key(db.url)  # read or create the secret once, before any worker needs it
    encode_in_background = background_encode_enabled()  # a bad value: refused before serving
    url = db.url.render_as_string(hide_password=False)
    warmer = ProfileWarmer(url)
    warmer.start()
    # Items lacking a current vector (a model upgrade) are encoded beside the requests, once
    # per start, by this process only (not by each of the --workers).
    backfill = VectorBackfill(url) if encode_in_background else None
    if backfill is not None:
        backfill.start()
    try:
        _serve(db, sock, workers, verbose, options)
    finally:
        if backfill is not None:
            backfill.stop()
        warmer.stop()


def _serve(
    db: Database, sock: socket.socket, workers: int, verbose: bool, options: dict[str, Any]
) -> None:
    if workers <= 1:
        uvicorn.Server(uvicorn.Config(build_app(db), **options)).run(sockets=[sock])
        return
    if workers > MAX_WORKERS:
        raise DeskmateError(f"--workers takes 1 to {MAX_WORKERS}, not {workers}")
    os.environ["DESKMATE_SERVER_DB"] = db.url.render_as_string(hide_password=False)
    os.environ[_VERBOSE_ENV] = "1" if verbose else "0"
    db.close()
    config = uvicorn.Config(
        "deskmate.server.serving:worker_app", factory=True, workers=workers, **options
    )
    Multiprocess(config, sockets=[sock]).run()
