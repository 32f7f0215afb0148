"""TokenVault: the token in the OS keyring, or only in memory when the keyring is not safe.

The OS keyring is the one thing faked here: an in-memory backend class set with
``keyring.set_keyring`` (the real store would need a desktop session's D-Bus).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from deskmate.core.sync.errors import AuthError
from deskmate.core.sync.vault import SERVICE, TokenVault, clear_memory, insecurity
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordDeleteError

TOKEN = "tok_3f9a8c1b2d4e5f60718293a4b5c6d7e8"  # noqa: S105 - made up for the tests
SERVER = "https://kb.example.com/"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict (the OS credential store stand-in)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


class PlaintextKeyring(MemoryKeyring):
    """Stands for keyrings.alt's file backend: it must never be written to."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


class LockedKeyring(MemoryKeyring):
    """A real credential store that is locked (the user dismissed the unlock prompt)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked(f"locked while reading {service}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"locked while writing {password}")  # a careless backend


@pytest.fixture(autouse=True)
def _restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    clear_memory()
    yield
    clear_memory()
    keyring.set_keyring(before)


@pytest.fixture
def memory() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def test_save_load_forget_in_the_keyring(memory: MemoryKeyring) -> None:
    vault = TokenVault(SERVER)
    assert vault.secure
    assert vault.load() is None
    assert vault.save(TOKEN) is True
    assert vault.problem is None
    # Service "deskmate", user name = the server address (normalised).
    assert memory.passwords == {(SERVICE, "https://kb.example.com"): TOKEN}
    assert TokenVault("https://kb.example.com").load() == TOKEN  # a new process would too
    vault.forget()
    assert memory.passwords == {}
    assert TokenVault(SERVER).load() is None
    vault.forget()  # forgetting twice is fine


def test_each_server_has_its_own_token(memory: MemoryKeyring) -> None:
    TokenVault("https://a.example.com").save(TOKEN)
    TokenVault("https://b.example.com").save(TOKEN[::-1])
    assert TokenVault("https://a.example.com").load() == TOKEN
    assert TokenVault("https://b.example.com").load() == TOKEN[::-1]


@pytest.mark.parametrize("token", ["", "two words", "line\nbreak", "tab\tx", "é" * 10])
def test_malformed_tokens_are_refused(memory: MemoryKeyring, token: str) -> None:
    with pytest.raises(AuthError, match="Sign in again"):
        TokenVault(SERVER).save(token)
    assert memory.passwords == {}


@pytest.mark.logs_warnings(r"kept in memory only")
@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), PlaintextKeyring()],
    ids=["no-keyring", "null", "keyrings.alt-file"],
)
def test_insecure_backend_keeps_the_token_in_memory_only(
    backend: KeyringBackend,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    keyring.set_keyring(backend)
    caplog.set_level(logging.DEBUG)
    vault = TokenVault(SERVER)
    assert not vault.secure
    assert vault.save(TOKEN) is False
    assert vault.problem is not None
    assert "only until Deskmate closes" in vault.problem
    # This process still has it, from memory...
    assert TokenVault(SERVER).load() == TOKEN
    # ...but it was written nowhere: not the backend, not a file, not the log.
    if isinstance(backend, MemoryKeyring):
        assert backend.passwords == {}
    assert list(tmp_path.rglob("*")) == []
    assert TOKEN not in caplog.text
    vault.forget()
    assert TokenVault(SERVER).load() is None


def test_insecure_backend_is_never_read_either(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = PlaintextKeyring()
    backend.passwords[(SERVICE, "https://kb.example.com")] = TOKEN  # put there by someone else
    keyring.set_keyring(backend)
    vault = TokenVault(SERVER)
    assert vault.load() is None
    assert vault.problem is not None
    assert "Sign in" in vault.problem


def test_chainer_is_as_safe_as_its_weakest_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [], raising=False)
    assert insecurity(chainer.ChainerBackend()) is not None  # empty: nothing to store in
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [MemoryKeyring()], raising=False)
    assert insecurity(chainer.ChainerBackend()) is None
    mixed = [MemoryKeyring(), PlaintextKeyring()]
    monkeypatch.setattr(chainer.ChainerBackend, "backends", mixed, raising=False)
    assert insecurity(chainer.ChainerBackend()) is not None


@pytest.mark.logs_warnings(r"credential store failed to", r"kept in memory only")
def test_a_failing_keyring_falls_back_to_memory_without_quoting_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    keyring.set_keyring(LockedKeyring())
    caplog.set_level(logging.DEBUG)
    vault = TokenVault(SERVER)
    assert vault.save(TOKEN) is False
    assert vault.problem is not None
    assert "KeyringLocked" in vault.problem
    assert TOKEN not in vault.problem
    assert TOKEN not in caplog.text
    assert vault.load() == TOKEN  # from memory, this process only
    clear_memory()
    fresh = TokenVault(SERVER)
    assert fresh.load() is None
    assert fresh.problem is not None


def test_repr_never_shows_the_token(memory: MemoryKeyring) -> None:
    vault = TokenVault(SERVER)
    vault.save(TOKEN)
    assert TOKEN not in repr(vault)
