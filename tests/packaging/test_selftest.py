"""`deskmate --selftest` on the development install: each check, and the exit status."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core.paths import Paths
from deskmate.desktop import cli
from deskmate.desktop.selftest import run_selftest
from PySide6.QtWidgets import QApplication

from tests.sync.conftest import LiveServer


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    monkeypatch.setenv("DESKMATE_SYSTEM_CONFIG", str(tmp_path / "it" / "settings.json"))
    monkeypatch.delenv("DESKMATE_SERVER", raising=False)
    return Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")


# `deskmate --selftest` runs its checks one after another on the main thread and exits: a
# command-line check with nothing to keep responsive.
pytestmark = pytest.mark.gui_stalls_allowed("a command-line check, not the sidebar")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(f"sqlite:///{tmp_path / 'server.db'}")
    live.start()
    try:
        yield live
    finally:
        live.close()


def _run(paths: Paths, server: str | None = None) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = run_selftest(paths, out, server)
    return status, out.getvalue().splitlines()


def _status(lines: list[str]) -> dict[str, str]:
    return {line.split()[1].rstrip(":"): line.split()[0] for line in lines[1:-1]}


@pytest.mark.usefixtures("qapp")
def test_offline_install_passes(paths: Paths) -> None:
    status, lines = _run(paths)
    assert status == 0, lines
    assert lines[0].startswith("deskmate ")
    assert lines[0].endswith("selftest (linux)")
    assert _status(lines) == {
        "settings": "ok",
        "data": "ok",
        "search": "ok",
        "semantic": "ok",
        "ui": "ok",
        "server": "skip",
    }
    assert "multilingual-e5-small" in next(line for line in lines if "semantic:" in line)
    search = next(line for line in lines if "search:" in line)
    assert "花呗还款 → " in search
    assert "refund iphone → " in search
    assert lines[-1].startswith("selftest passed")
    assert (paths.data_dir).is_dir()  # the agent's data opened (created on first use)


@pytest.mark.usefixtures("qapp")
def test_configured_server_is_reached(paths: Paths, server: LiveServer) -> None:
    paths.config_dir.mkdir(parents=True)
    (paths.config_dir / "settings.json").write_text(f'{{"server_url": "{server.url}"}}')
    status, lines = _run(paths)
    assert status == 0, lines
    assert f"ok    server: {server.url} answered (HTTP 200)" in "\n".join(lines)


@pytest.mark.usefixtures("qapp")
def test_unreachable_server_fails_with_a_reason(paths: Paths) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    status, lines = _run(paths, f"http://127.0.0.1:{port}")
    assert status == 1
    assert _status(lines)["server"] == "FAIL"
    assert lines[-1].startswith("selftest FAILED (server)")


@pytest.mark.logs_warnings(r"cannot use")
@pytest.mark.usefixtures("qapp")
def test_broken_it_settings_fail(paths: Paths, tmp_path: Path) -> None:
    (tmp_path / "it").mkdir()
    (tmp_path / "it" / "settings.json").write_text("{not json")
    status, lines = _run(paths)
    assert status == 1
    assert _status(lines)["settings"] == "FAIL"
    assert "provided by IT could not be read" in lines[1]


@pytest.mark.usefixtures("qapp")
def test_cli_flag_runs_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DESKMATE_SYSTEM_CONFIG", str(tmp_path / "none.json"))
    monkeypatch.delenv("DESKMATE_SERVER", raising=False)
    assert cli.main(["--selftest"]) == 0
    assert "selftest passed" in capsys.readouterr().out
    assert QApplication.instance() is not None


def test_autostart_respects_start_at_login(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    started: list[str] = []

    def run_sidebar(_paths: object, _args: object) -> int:
        started.append("x")
        return 0

    monkeypatch.setattr(cli, "_run_sidebar", run_sidebar)
    system = tmp_path / "it.json"
    monkeypatch.setenv("DESKMATE_SYSTEM_CONFIG", str(system))
    assert cli.main(["--autostart"]) == 0
    assert started == []  # start_at_login is off by default: IT's entry starts nothing
    system.write_text('{"defaults": {"start_at_login": true}}')
    assert cli.main(["--autostart"]) == 0
    assert started == ["x"]


def test_info_log_holds_no_query_text(tmp_path: Path) -> None:
    """Logs rotate in the log directory and keep the agent's searches out at info level."""
    assert cli.main(["search", "客户私密问题", "zebracode"]) == 0
    log_files = list((tmp_path / "env-logs").glob("deskmate.log*"))
    assert log_files
    text = "".join(f.read_text(encoding="utf-8") for f in log_files)
    assert "opened knowledge base" in text
    assert "zebracode" not in text
    assert "客户私密问题" not in text


@pytest.mark.logs_warnings(
    r"^semantic search is off, search stays lexical: the model file .* is damaged \(checksum"
)
def test_a_damaged_encoder_fails_its_check_only(paths: Paths, tmp_path: Path) -> None:
    from deskmate.core.search.encoder import BUNDLED_SHA256, EncoderSlot, ModelFile
    from deskmate.desktop.selftest import SelfTest

    damaged = tmp_path / "model.bin"
    damaged.write_bytes(b"E5S1" + bytes(100))
    test = SelfTest(paths, None, tmp_path / "scratch")
    result = _run_check(lambda: test.semantic(EncoderSlot(ModelFile(damaged, 104, BUNDLED_SHA256))))
    assert result.status == "FAIL"
    assert "search stays lexical" in result.detail
    assert "damaged" in result.detail


def _run_check(check):  # type: ignore[no-untyped-def]
    from deskmate.desktop.selftest import _run as run_check

    return run_check("semantic", check)
