r"""Windows machine policy (HKLM\SOFTWARE\Policies\Deskmate), read through a fake winreg."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from deskmate.core.machine_policy import (
    POLICY_KEY,
    policy_settings,
    read_policy_values,
)
from deskmate.core.settings import Settings, SettingsStore

REG_SZ, REG_DWORD, REG_MULTI_SZ = 1, 4, 7
KINDS = {k: type(v) for k, v in Settings().to_dict().items()}


class FakeWinreg:
    """The slice of winreg that machine_policy uses, over a dict of HKLM keys."""

    HKEY_LOCAL_MACHINE = "HKLM"
    KEY_READ = 0x20019
    KEY_WOW64_64KEY = 0x0100

    def __init__(self, keys: dict[str, list[tuple[str, Any, int]]]) -> None:
        self.keys = keys
        self.opened: list[tuple[str, str, int]] = []
        self.closed = 0

    def OpenKey(self, key: Any, sub_key: str, reserved: int, access: int) -> Any:  # noqa: N802
        self.opened.append((key, sub_key, access))
        if sub_key not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return sub_key

    def EnumValue(self, key: Any, index: int) -> tuple[str, Any, int]:  # noqa: N802
        values = self.keys[key]
        if index >= len(values):
            raise OSError(259, "No more data is available")
        return values[index]

    def CloseKey(self, key: Any) -> None:  # noqa: N802
        self.closed += 1


def test_values_are_read_from_the_64_bit_policy_key() -> None:
    fake = FakeWinreg(
        {
            POLICY_KEY: [
                ("Server_URL", "https://kb.example.com", REG_SZ),
                ("start_at_login", 1, REG_DWORD),
            ]
        }
    )
    assert read_policy_values(fake) == {"server_url": "https://kb.example.com", "start_at_login": 1}
    assert fake.opened == [("HKLM", POLICY_KEY, fake.KEY_READ | fake.KEY_WOW64_64KEY)]
    assert fake.closed == 1


def test_no_key_means_no_policy() -> None:
    assert read_policy_values(FakeWinreg({})) == {}


def test_not_windows_reads_nothing_without_a_fake() -> None:
    assert read_policy_values() == {}  # the tests run on Linux: winreg is never imported


def test_msi_and_group_policy_values_become_settings(caplog: pytest.LogCaptureFixture) -> None:
    values = {
        "server_url": " https://kb.example.com ",  # typed with a space in a GPO box
        "start_at_login": "1",  # an MSI property
        "hide_on_close": 0,  # a Group Policy DWORD
        "dock_width": "420",
        "always_on_top": "#1",  # an MSI upgrade's raw copy of a Group Policy DWORD
        "summon_hotkey": "",  # MSI property not given: not set
        "gap_hotkey": None,
        "locked": "server_url, summon_hotkey;theme",
        "colour": "red",
    }
    with caplog.at_level(logging.INFO):
        raw = policy_settings(values, KINDS)
    assert raw == {
        "defaults": {
            "server_url": "https://kb.example.com",
            "start_at_login": True,
            "hide_on_close": False,
            "dock_width": 420,
            "always_on_top": True,
        },
        "locked": ["server_url", "summon_hotkey", "theme"],
    }
    assert "unknown value 'colour'" in caplog.text


def test_multi_string_locks_and_odd_values_are_left_for_validation() -> None:
    raw = policy_settings({"locked": ["server_url", " theme "], "docked": "maybe"}, KINDS)
    assert raw == {"defaults": {"docked": "maybe"}, "locked": ["server_url", "theme"]}


def test_policy_wins_over_the_file_and_locks_add_up(tmp_path: Path) -> None:
    system = tmp_path / "system.json"
    system.write_text(
        json.dumps(
            {
                "defaults": {"server_url": "https://file.example.com", "theme": "dark"},
                "locked": ["theme"],
            }
        )
    )
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / "settings.json").write_text(
        json.dumps({"server_url": "https://mine.example.com", "theme": "light", "language": "en"})
    )
    policy = {"server_url": "https://gpo.example.com", "locked": "server_url"}
    store = SettingsStore(tmp_path / "user", system, policy=lambda: policy)
    settings = store.load()
    assert settings.server_url == "https://gpo.example.com"  # locked by policy
    assert settings.theme == "dark"  # locked by the file
    assert settings.language == "en"  # the agent's own choice
    assert store.locked_keys() == {"server_url", "theme"}
    assert store.problems == []
    assert store.system_problems() == []


def test_invalid_policy_values_are_reported_for_it(tmp_path: Path) -> None:
    store = SettingsStore(
        tmp_path,
        tmp_path / "none.json",
        policy=lambda: {"dock_edge": "top", "server_url": "ftp://x"},
    )
    settings = store.load()
    assert settings.dock_edge == "right"
    assert settings.server_url == ""
    assert len(store.system_problems()) == 2
    assert all("Group Policy" in p and "IT" in p for p in store.system_problems())
