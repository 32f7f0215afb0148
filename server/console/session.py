"""Console sessions and CSRF tokens: HMAC-signed cookies over the API tokens.

Signing in takes a user's API token. The session cookie holds no token: it holds the
token's SHA-256 (what the tokens table stores) and the sign-in time, signed with an
HMAC key derived from the server secret (server/server_secret.py), which lives outside
the database: a copy of the database, token hashes and all, forges no cookie. Every
server process given the same secret accepts the cookies of the others. Each request
looks the hash up among the live tokens, so revoking the token ends the session at
once; a session also ends 12 hours after sign-in.

Every console form carries a CSRF token: an HMAC of the session and the form's purpose.
The sign-in form, which has no session yet, is bound the same way to a random
pre-session cookie, so another site cannot sign a browser into an account of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from deskmate.server.auth import User, user_by_token_hash, user_from_row
from sqlalchemy import Connection

SESSION_COOKIE = "deskmate_console"
PRESESSION_COOKIE = "deskmate_console_pre"
SESSION_SECONDS = 12 * 3600
PRESESSION_SECONDS = 3600
COOKIE_PATH = "/console"


def _sign(key: bytes, purpose: str, text: str) -> str:
    return hmac.new(key, f"{purpose}|{text}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Session:
    """A verified session cookie: whose token, when they signed in, and a random nonce.

    The nonce tells two sign-ins of one token apart, so each has its own CSRF tokens.
    """

    token_hash: str
    issued_at: int
    nonce: str

    @property
    def id(self) -> str:
        """The signed part of the cookie; what the CSRF tokens are bound to."""
        return f"{self.token_hash}.{self.issued_at}.{self.nonce}"


def start_session(key: bytes, token_hash: str, now: float | None = None) -> tuple[Session, str]:
    """A session for the token with this hash, starting now, and its cookie value."""
    issued = int(now if now is not None else time.time())
    session = Session(token_hash, issued, secrets.token_hex(8))
    return session, f"{session.id}.{_sign(key, 'session', session.id)}"


def read_session_cookie(key: bytes, cookie: str | None, now: float | None = None) -> Session | None:
    """The session of a cookie, or None when it is missing, forged or over 12 hours old."""
    if not cookie:
        return None
    payload, _, signature = cookie.rpartition(".")
    # Bytes: compare_digest refuses str with characters outside ASCII.
    if not hmac.compare_digest(signature.encode(), _sign(key, "session", payload).encode()):
        return None
    token_hash, _, rest = payload.partition(".")
    issued, _, nonce = rest.partition(".")
    if not issued.isdigit() or len(token_hash) != 64 or not nonce:
        return None
    age = (now if now is not None else time.time()) - int(issued)
    if not 0 <= age <= SESSION_SECONDS:
        return None
    return Session(token_hash, int(issued), nonce)


def session_user(conn: Connection, session: Session) -> User | None:
    """The user of a session's token, or None once the token is revoked."""
    row = conn.execute(user_by_token_hash(session.token_hash)).one_or_none()
    return None if row is None else user_from_row(row)


def csrf_token(key: bytes, bound_to: str, purpose: str) -> str:
    """The CSRF token of a form: an HMAC of the session (or pre-session) and the purpose."""
    return _sign(key, f"csrf:{purpose}", bound_to)


def csrf_valid(key: bytes, bound_to: str | None, purpose: str, sent: str | None) -> bool:
    """Whether ``sent`` is the CSRF token of this session and purpose."""
    if not bound_to or not sent:
        return False
    return hmac.compare_digest(sent.encode(), csrf_token(key, bound_to, purpose).encode())


def new_presession() -> str:
    """A random value for the pre-session cookie of the sign-in form."""
    return secrets.token_urlsafe(24)
