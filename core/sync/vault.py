"""TokenVault: the agent's API token in the operating system's credential store.

The token is kept with :mod:`keyring` under the service ``deskmate`` with the server's
address as the user name (Windows Credential Manager, macOS Keychain, Secret Service
or KWallet on Linux). When the only keyring available is not a secure one (none at all,
the "null"/"fail" backends, or the file-based backends of ``keyrings.alt``), the vault
says so in :attr:`TokenVault.problem` and keeps the token in this process's memory
only: the agent signs in again after a restart, and the token is never written to a
file or a log.
"""

from __future__ import annotations

import logging
import threading

import keyring
from deskmate.core.sync.transport import check_token, normalise_server_url
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

log = logging.getLogger(__name__)

SERVICE = "deskmate"
# Third-party backends that keep secrets in files (plain or with a password the same
# user can read next to it): not a credential store.
_FILE_BACKEND_MODULES = ("keyrings.alt", "keyrings.cryptfile")

_memory: dict[tuple[str, str], str] = {}  # (service, server) -> token, this process only
_memory_lock = threading.Lock()


def insecurity(backend: KeyringBackend) -> str | None:
    """Why ``backend`` cannot keep a token safely, in words; None if it can."""
    if isinstance(backend, fail.Keyring):
        return "this computer has no credential store Deskmate can use"
    if isinstance(backend, null.Keyring):
        return "the credential store is switched off"
    if isinstance(backend, chainer.ChainerBackend):
        inner = list(backend.backends)
        if not inner:
            return "this computer has no credential store Deskmate can use"
        # A chain writes to its first backend that works: every one of them must be safe.
        for each in inner:
            reason = insecurity(each)
            if reason is not None:
                return reason
        return None
    module = type(backend).__module__ or ""
    name = type(backend).__name__
    if module.startswith(_FILE_BACKEND_MODULES) or "plaintext" in name.lower():
        return f"the only credential store available ({name}) keeps secrets in a file"
    return None


class TokenVault:
    """Saves, loads and forgets the token for one server.

    Args:
        server_url: The server the token belongs to (the keyring's user name).
        service: The keyring service name.
    """

    def __init__(self, server_url: str, service: str = SERVICE) -> None:
        self.server_url = normalise_server_url(server_url)
        self.service = service
        self._problem: str | None = None

    def __repr__(self) -> str:
        return f"TokenVault({self.server_url!r})"

    @property
    def problem(self) -> str | None:
        """A plain sentence when the token cannot be kept safely across restarts."""
        return self._problem

    @property
    def secure(self) -> bool:
        """Whether the current keyring backend is a real credential store."""
        return insecurity(keyring.get_keyring()) is None

    def save(self, token: str) -> bool:
        """Keep ``token`` for this server.

        Returns:
            True when it is in the credential store; False when only in memory (see
            :attr:`problem`).

        Raises:
            AuthError: the token is empty or has characters a token cannot have.
        """
        check_token(token)
        key = (self.service, self.server_url)
        reason = insecurity(keyring.get_keyring())
        if reason is None:
            try:
                keyring.set_password(self.service, self.server_url, token)
            except Exception as exc:  # noqa: BLE001 - backends raise dbus/OS/library errors
                reason = self._failed("save", exc)
            else:
                with _memory_lock:
                    _memory.pop(key, None)
                self._problem = None
                return True
        with _memory_lock:
            _memory[key] = token
        self._problem = (
            f"Your sign-in is kept only until Deskmate closes because {reason}; you will "
            "have to sign in again next time."
        )
        log.warning("token for %s kept in memory only: %s", self.server_url, reason)
        return False

    def load(self) -> str | None:
        """The token for this server, or None when there is none (or it cannot be read)."""
        with _memory_lock:
            token = _memory.get((self.service, self.server_url))
        if token is not None:
            return token
        reason = insecurity(keyring.get_keyring())
        if reason is not None:
            # Never read from an insecure store: a token found there was not put by us.
            self._problem = f"Sign in to sync: {reason}, so a sign-in is not remembered."
            return None
        try:
            return keyring.get_password(self.service, self.server_url)
        except Exception as exc:  # noqa: BLE001 - backends raise dbus/OS/library errors
            self._problem = f"Sign in to sync: {self._failed('read', exc)}."
            return None

    def forget(self) -> None:
        """Remove the token for this server from memory and the credential store."""
        with _memory_lock:
            _memory.pop((self.service, self.server_url), None)
        if insecurity(keyring.get_keyring()) is not None:
            return
        try:
            keyring.delete_password(self.service, self.server_url)
        except keyring.errors.PasswordDeleteError:
            pass  # there was none
        except Exception as exc:  # noqa: BLE001 - backends raise dbus/OS/library errors
            self._problem = f"Your sign-in could not be removed: {self._failed('delete', exc)}."

    def _failed(self, action: str, exc: Exception) -> str:
        # Only the type: a backend's message could quote what it was given.
        log.warning("credential store failed to %s the token: %s", action, type(exc).__name__)
        return f"the credential store failed ({type(exc).__name__})"


def clear_memory() -> None:
    """Drop every token kept in memory (sign-out of everything; used by tests)."""
    with _memory_lock:
        _memory.clear()
