from __future__ import annotations

import json
import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from deskmate.core.errors import DeskmateError, SettingsError
from deskmate.core.settings import (
    SETTINGS_FILE,
    Settings,
    SettingsStore,
    default_agent_id,
    system_settings_path,
)


@pytest.fixture
def system_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "system" / SETTINGS_FILE
    monkeypatch.setenv("DESKMATE_SYSTEM_CONFIG", str(path))
    return path


@pytest.fixture
def store(system_file: Path) -> SettingsStore:
    # Both files come from the environment, as in the app.
    return SettingsStore()


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")


def test_built_in_defaults(store: SettingsStore, tmp_path: Path) -> None:
    assert store.path == tmp_path / "env-config" / SETTINGS_FILE  # DESKMATE_CONFIG_DIR
    settings = store.load()
    assert settings == Settings()
    assert settings.server_url == ""
    assert settings.agent_id == default_agent_id() != ""
    assert (settings.dock_edge, settings.dock_screen, settings.dock_width) == ("right", "", 380)
    assert (settings.docked, settings.always_on_top, settings.hide_on_close) == (True, False, True)
    assert (settings.summon_hotkey, settings.gap_hotkey) == ("Ctrl+Alt+Space", "Ctrl+Alt+G")
    assert (settings.start_at_login, settings.language, settings.theme) == (
        False,
        "system",
        "system",
    )
    assert store.problems == []
    assert store.locked_keys() == frozenset()


def test_save_then_load_round_trips(store: SettingsStore) -> None:
    chosen = replace(
        Settings(),
        server_url="https://kb.example.com",
        agent_id="张三-007",
        dock_edge="left",
        dock_width=500,
        always_on_top=True,
        language="zh_CN",
        theme="dark",
    )
    store.save(chosen)
    assert store.load() == chosen
    assert store.problems == []
    written = json.loads(store.path.read_text(encoding="utf-8"))
    assert written["agent_id"] == "张三-007"
    assert "docked" not in written  # defaults are not written: IT may change them later
    assert not list(store.config_dir.glob("*.tmp"))


def test_save_replaces_the_file_atomically(store: SettingsStore) -> None:
    store.save(replace(Settings(), theme="dark"))
    inode_before = store.path.stat().st_ino
    store.save(replace(Settings(), theme="light"))
    assert store.path.stat().st_ino != inode_before  # a new file renamed over the old one
    assert store.load().theme == "light"
    assert sorted(p.name for p in store.config_dir.iterdir()) == [SETTINGS_FILE]


def test_dock_width_is_clamped() -> None:
    assert Settings(dock_width=100).dock_width == 280
    assert Settings(dock_width=5000).dock_width == 800
    assert replace(Settings(), dock_width=9000).dock_width == 800


def test_invalid_values_are_refused_when_constructed() -> None:
    with pytest.raises(SettingsError, match="'dock_edge' is not valid: it must be one of"):
        Settings(dock_edge="top")
    with pytest.raises(SettingsError, match="'docked' is not valid: it must be true or false"):
        Settings(docked="yes")  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="'server_url'"):
        Settings(server_url="kb.example.com")
    with pytest.raises(SettingsError, match="'agent_id' is not valid: it must not be empty"):
        Settings(agent_id="  ")


def test_system_defaults_override_built_ins_and_user_overrides_them(
    store: SettingsStore, system_file: Path
) -> None:
    _write(system_file, {"defaults": {"theme": "dark", "dock_width": 420, "docked": False}})
    _write(store.path, {"theme": "light"})
    settings = store.load()
    assert (settings.theme, settings.dock_width, settings.docked) == ("light", 420, False)
    assert store.problems == []


def test_locked_keys_always_take_the_system_value(store: SettingsStore, system_file: Path) -> None:
    _write(
        system_file,
        {
            "defaults": {"server_url": "https://kb.corp.example", "theme": "dark"},
            "locked": ["server_url", "start_at_login", "no_such_setting"],
        },
    )
    _write(
        store.path,
        {"server_url": "https://evil.example", "start_at_login": True, "theme": "light"},
    )
    assert store.locked_keys() == frozenset({"server_url", "start_at_login"})
    settings = store.load()
    assert settings.server_url == "https://kb.corp.example"
    assert settings.start_at_login is False  # locked without a system value: the built-in one
    assert settings.theme == "light"  # not locked: the user's choice wins
    store.save(replace(settings, server_url="https://other.example", theme="system"))
    written = json.loads(store.path.read_text(encoding="utf-8"))
    assert "server_url" not in written
    assert "start_at_login" not in written
    assert written == {"theme": "system"}  # differs from IT's default "dark"
    assert store.load().server_url == "https://kb.corp.example"


@pytest.mark.logs_warnings(r"settings file .* is unusable")
def test_corrupt_user_file_is_moved_aside(store: SettingsStore) -> None:
    _write(store.path, '{"theme": "dark",')
    settings = store.load()
    assert settings == Settings()
    [kept] = store.config_dir.glob(f"{SETTINGS_FILE}.corrupt-*")
    assert kept.read_text(encoding="utf-8") == '{"theme": "dark",'
    assert not store.path.exists()
    assert store.problems == [
        f"Your settings file was damaged and has been reset; the old file was kept as {kept}."
    ]


@pytest.mark.logs_warnings(r"does not hold a JSON object", r"settings file .* is unusable")
@pytest.mark.parametrize(
    "content",
    [b"[1, 2, 3]", b'"just text"', b"\xff\xfe\x00garbage", b""],
    ids=["list", "string", "undecodable", "empty"],
)
def test_user_file_that_is_not_a_settings_object_is_reset(
    store: SettingsStore, content: bytes
) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    assert store.load() == Settings()
    assert len(list(store.config_dir.glob(f"{SETTINGS_FILE}.corrupt-*"))) == 1
    assert "damaged and has been reset" in store.problems[0]


@pytest.mark.logs_warnings(r"settings file .* is unusable")
def test_unreadable_user_file_is_moved_aside(store: SettingsStore) -> None:
    store.path.mkdir(parents=True)  # a folder where the file should be: unreadable, even as root
    assert store.load() == Settings()
    assert "damaged and has been reset" in store.problems[0]
    store.save(replace(Settings(), theme="dark"))
    assert store.load().theme == "dark"


@pytest.mark.logs_warnings(r"settings file .* is unusable")
def test_two_damaged_files_in_the_same_second_are_both_kept(store: SettingsStore) -> None:
    for _ in range(2):
        _write(store.path, "not json")
        store.load()
    assert len(list(store.config_dir.glob(f"{SETTINGS_FILE}.corrupt-*"))) == 2


def test_wrong_values_fall_back_to_defaults_one_by_one(
    store: SettingsStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="deskmate.core.settings")
    _write(
        store.path,
        {
            "dock_edge": "top",
            "dock_width": "wide",
            "docked": "yes",
            "theme": "dark",
            "language": "fr",
            "server_url": "ftp://kb",
            "dock_screen": 3,
            "some_future_option": 1,  # unknown: ignored, no problem shown
        },
    )
    settings = store.load()
    assert settings == replace(Settings(), theme="dark")
    problems = store.problems
    assert len(problems) == 6
    named = {p.split("'")[1] for p in problems}
    assert named == {"dock_edge", "dock_width", "docked", "language", "server_url", "dock_screen"}
    assert (
        "The setting 'dock_edge' in your settings file was not valid "
        '(it must be one of "right", "left"); the default, "right", is used instead.'
    ) in problems
    assert store.path.exists()  # the file is not damaged, only some values
    assert "unknown setting 'some_future_option'" in caplog.text


def test_out_of_range_width_in_the_file_is_clamped_silently(store: SettingsStore) -> None:
    _write(store.path, {"dock_width": 2000})
    assert store.load().dock_width == 800
    assert store.problems == []


@pytest.mark.logs_warnings(r"cannot use")
def test_problems_of_the_system_file_are_reported_not_fatal(
    store: SettingsStore, system_file: Path
) -> None:
    _write(system_file, "{not json")
    assert store.load() == Settings()
    assert store.problems == [
        f"The system-wide settings file {system_file} provided by IT could not be read, "
        "so Deskmate's own defaults are used. Please tell IT."
    ]
    assert system_file.exists()  # IT's file is never moved
    _write(system_file, {"defaults": {"theme": "neon", "docked": False}, "locked": "theme"})
    settings = store.load()
    assert settings.docked is False
    assert settings.theme == "system"
    assert len(store.problems) == 2
    assert "invalid default for 'theme'" in store.problems[0]
    assert "no valid 'locked' list" in store.problems[1]
    assert store.locked_keys() == frozenset()


def test_save_into_an_unwritable_folder_is_a_plain_error(tmp_path: Path, system_file: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the config folder should be")
    store = SettingsStore(blocker / "deskmate")
    with pytest.raises(SettingsError, match="could not be saved because the folder") as caught:
        store.save(Settings())
    assert isinstance(caught.value, DeskmateError)
    assert caught.value.code == "settings.failed"


def test_save_into_a_read_only_folder_is_a_plain_error(tmp_path: Path, system_file: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("folder permissions do not apply to root; see the file-in-the-way test")
        with pytest.raises(SettingsError, match="could not be saved"):
            SettingsStore(folder).save(replace(Settings(), theme="dark"))
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_system_settings_path_per_platform() -> None:
    env = {"DESKMATE_SYSTEM_CONFIG": "/opt/it/deskmate.json"}
    assert system_settings_path("linux", env) == Path("/opt/it/deskmate.json")
    assert system_settings_path("linux", {}) == Path("/etc/deskmate/settings.json")
    assert system_settings_path("darwin", {}) == Path(
        "/Library/Application Support/Deskmate/settings.json"
    )
    assert system_settings_path("win32", {"ProgramData": "D:\\PD"}) == Path(
        "D:\\PD", "Deskmate", "settings.json"
    )
    assert system_settings_path("win32", {}).parts[-2:] == ("Deskmate", "settings.json")


def test_explicit_folders_win_over_the_environment(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "cfg", system_file=tmp_path / "it.json")
    _write(tmp_path / "it.json", {"defaults": {"theme": "light"}, "locked": ["theme"]})
    assert store.path == tmp_path / "cfg" / SETTINGS_FILE
    assert store.load().theme == "light"
    assert store.locked_keys() == {"theme"}


def test_suggest_from_clipboard_is_off_by_default_and_lockable(
    store: SettingsStore, system_file: Path
) -> None:
    """Issue #18: opt-in per agent; IT can lock it off (or on) by file or by policy."""
    assert store.load().suggest_from_clipboard is False
    assert store.load().suggest_hotkey == "Ctrl+Alt+S"
    _write(store.path, {"suggest_from_clipboard": True})
    assert store.load().suggest_from_clipboard is True  # the agent opted in
    _write(system_file, {"locked": ["suggest_from_clipboard"]})
    assert store.load().suggest_from_clipboard is False  # IT locked it at the default: off
    assert "suggest_from_clipboard" in store.locked_keys()
    policy = SettingsStore(
        store.config_dir,
        system_file,
        policy=lambda: {"suggest_from_clipboard": 1, "locked": "suggest_from_clipboard"},
    )
    assert policy.load().suggest_from_clipboard is True  # a Group Policy DWORD, locked on
    _write(system_file, {"locked": []})
    _write(store.path, {"suggest_from_clipboard": "yes"})
    assert store.load().suggest_from_clipboard is False  # not a boolean: the default
    assert any("suggest_from_clipboard" in p for p in store.problems)
