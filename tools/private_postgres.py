"""A private PostgreSQL for the test run: its own data directory, a free loopback port.

`make test` starts one (initdb, pg_ctl start), creates the role ``deskmate`` (password
``deskmate``) and the database ``deskmate_test``, runs the tests with
``DESKMATE_TEST_POSTGRES_URL`` pointing at it, and stops and removes it afterwards, also
when the tests fail or are interrupted. No system service is started or touched.

PostgreSQL refuses to run as root: as root the cluster belongs to the ``postgres`` user
(which Debian's postgresql package creates).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

ROLE = "deskmate"
PASSWORD = "deskmate"  # noqa: S105 (a throw-away test cluster on loopback)
DATABASE = "deskmate_test"
_START_ATTEMPTS = 3


class PostgresError(Exception):
    """The private PostgreSQL could not be set up; the message says why."""


def server_bin_dir() -> Path:
    """The newest installed PostgreSQL server's bin directory (Debian's layout first)."""
    for candidate in sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    ):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    raise PostgresError(
        "No PostgreSQL server is installed (initdb and pg_ctl not found): "
        "sudo apt-get install postgresql"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _owner() -> str | None:
    """The user the cluster runs as: None for the current user, ``postgres`` as root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresError(
            "PostgreSQL cannot run as root and there is no 'postgres' user: "
            "apt-get install postgresql creates it"
        ) from None
    return "postgres"


def _as_owner(owner: str | None, command: Sequence[str]) -> None:
    prefix = ["runuser", "-u", owner, "--"] if owner else []
    result = subprocess.run(
        [*prefix, *command], capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        raise PostgresError(f"{command[0]} failed:\n{result.stdout}{result.stderr}")


def _data_parent(preferred: Path, owner: str | None) -> Path:
    """Where the cluster goes: ``preferred``, or a temporary folder the owner can reach."""
    preferred.mkdir(parents=True, exist_ok=True)
    if owner is None:
        return preferred
    # As root: the postgres user must be able to reach the folder (a checkout under /root
    # is not reachable), so fall back to a folder of its own under /tmp.
    shutil.chown(preferred, owner)
    reachable = (
        subprocess.run(
            ["runuser", "-u", owner, "--", "test", "-w", str(preferred)], check=False
        ).returncode
        == 0
    )
    return preferred if reachable else Path(tempfile.mkdtemp(prefix="deskmate-pg-"))


@contextmanager
def private_postgres(where: Path) -> Iterator[str]:
    """Run a fresh PostgreSQL cluster under ``where`` for the duration; yields its URL.

    Args:
        where: a folder for the cluster (its contents are replaced), e.g. build/pg.

    Raises:
        PostgresError: PostgreSQL is not installed, or the cluster did not start.
    """
    bin_dir = server_bin_dir()
    owner = _owner()
    parent = _data_parent(where, owner)
    data = parent / "data"
    shutil.rmtree(data, ignore_errors=True)
    pwfile = parent / "pwfile"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if owner:
        shutil.chown(parent, owner)
        shutil.chown(pwfile, owner)
    # The bootstrap superuser is the tests' role itself, with a password, over TCP only
    # (no Unix socket: no socket-path length limit, nothing in /var/run/postgresql).
    _as_owner(
        owner,
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            ROLE,
            "-E",
            "UTF8",
            "--locale=C",
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
        ],
    )
    pwfile.unlink()
    port = _start(bin_dir, owner, data, parent / "server.log")
    try:
        url = f"postgresql://{ROLE}:{PASSWORD}@127.0.0.1:{port}"
        _as_owner(
            owner,
            [
                str(bin_dir.parent / "bin" / "psql"),
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                f"{url}/postgres",
                "-c",
                f"CREATE DATABASE {DATABASE}",
            ],
        )
        yield f"postgresql+psycopg://{ROLE}:{PASSWORD}@127.0.0.1:{port}/{DATABASE}"
    finally:
        _as_owner(owner, [str(bin_dir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w"])
        shutil.rmtree(data, ignore_errors=True)
        if parent != where:
            shutil.rmtree(parent, ignore_errors=True)


def _start(bin_dir: Path, owner: str | None, data: Path, log: Path) -> int:
    """Start the cluster on a free port (another may take the port first: retry); the port."""
    for attempt in range(_START_ATTEMPTS):
        port = free_port()
        options = f"-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -p {port}"
        try:
            _as_owner(
                owner,
                [
                    str(bin_dir / "pg_ctl"),
                    "start",
                    "-D",
                    str(data),
                    "-w",
                    "-t",
                    "60",
                    "-l",
                    str(log),
                    "-o",
                    options,
                ],
            )
        except PostgresError:
            if attempt == _START_ATTEMPTS - 1:
                tail = (
                    log.read_text(encoding="utf-8", errors="replace")[-2000:]
                    if log.exists()
                    else ""
                )
                raise PostgresError(f"PostgreSQL did not start on port {port}:\n{tail}") from None
            time.sleep(1)
            continue
        return port
    raise AssertionError("unreachable")


def _stop_on_signal(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (a CI timeout, say) unwinds like Ctrl+C so the cluster is stopped.
    raise KeyboardInterrupt


def run_with_postgres(command: Sequence[str], where: Path) -> int:
    """Run ``command`` with ``DESKMATE_TEST_POSTGRES_URL`` set; its exit status.

    An existing ``DESKMATE_TEST_POSTGRES_URL`` is used as it is (no cluster is started).
    """
    if os.environ.get("DESKMATE_TEST_POSTGRES_URL"):
        print("Using DESKMATE_TEST_POSTGRES_URL from the environment", flush=True)
        return subprocess.run(command, check=False).returncode
    previous = signal.signal(signal.SIGTERM, _stop_on_signal)
    start = time.monotonic()
    try:
        with private_postgres(where) as url:
            print(
                f"PostgreSQL for the tests: {url} (started in "
                f"{time.monotonic() - start:.1f} s; stopped afterwards)",
                flush=True,
            )
            env = {**os.environ, "DESKMATE_TEST_POSTGRES_URL": url}
            try:
                return subprocess.run(command, check=False, env=env).returncode
            except KeyboardInterrupt:
                return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
