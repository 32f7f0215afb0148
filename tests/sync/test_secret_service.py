"""TokenVault against a real Secret Service: gnome-keyring-daemon on a private D-Bus session.

Nothing is mocked: ``dbus-run-session`` starts a session bus, ``gnome-keyring-daemon
--unlock`` (a throw-away login password, keyrings under ``tmp_path``) registers
``org.freedesktop.secrets`` on it, and two separate Python processes on that bus use the
``keyring`` package's SecretService backend (it talks D-Bus through ``secretstorage``):
the first saves the token, the second loads it (so it came from the daemon, not from
process memory) and then forgets it. Skipped only when ``dbus-run-session`` or
``gnome-keyring-daemon`` is not installed (Debian packages ``dbus`` and ``gnome-keyring``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-run-session") is None or shutil.which("gnome-keyring-daemon") is None,
    reason="needs a real Secret Service: install the Debian packages 'dbus' (dbus-run-session)"
    " and 'gnome-keyring' (gnome-keyring-daemon)",
)

SERVER = "https://kb.example.test:8443/"
TOKEN = "dm_Zx9-secret_TOKEN_for_the_keyring_test_0123456789"  # noqa: S105 - a test token

CHILD = textwrap.dedent(
    """
    import sys

    import keyring
    from keyring.backends import SecretService
    from deskmate.core.sync.vault import TokenVault

    backend = keyring.get_keyring()
    assert isinstance(backend, SecretService.Keyring), f"backend is {backend!r}"
    step, server, token = sys.argv[1:4]
    vault = TokenVault(server)
    assert vault.secure, "the SecretService backend was judged insecure"
    if step == "save":
        assert vault.save(token) is True, vault.problem
        assert vault.problem is None
        print("saved")
    elif step == "load":
        # A new process: the vault's in-memory fallback is empty, so this reads the daemon.
        loaded = vault.load()
        assert loaded == token, f"loaded {loaded!r}"
        assert keyring.get_password("deskmate", vault.server_url) == token
        vault.forget()
        assert vault.problem is None, vault.problem
        assert vault.load() is None
        assert keyring.get_password("deskmate", vault.server_url) is None
        print("loaded and forgotten")
    """
)


def test_token_round_trips_through_gnome_keyring(tmp_path: Path) -> None:
    pytest.importorskip("secretstorage", reason="keyring's SecretService backend needs it")
    child = tmp_path / "vault_child.py"
    child.write_text(CHILD, encoding="utf-8")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DBUS_", "GNOME_KEYRING", "KEYRING", "PYTHON_KEYRING"))
    }
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # no keyringrc.cfg from the user
        XDG_RUNTIME_DIR=str(runtime),
        PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring",
    )
    python = f'"{sys.executable}" "{child}"'
    script = (
        # --unlock reads a login password on stdin and creates the unlocked login keyring
        # (with an empty one the daemon asks a GUI prompter instead, which cannot run here).
        "printf 'deskmate-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        " || exit 90\n"
        f"{python} save '{SERVER}' '{TOKEN}' || exit 91\n"
        f"{python} load '{SERVER}' '{TOKEN}' || exit 92\n"
    )
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"exit {done.returncode}:\n{output}"
    assert "saved" in done.stdout, output
    assert "loaded and forgotten" in done.stdout, output
    assert TOKEN not in output  # the vault never prints or logs the token
