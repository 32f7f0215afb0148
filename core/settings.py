"""Settings: the agent's preferences, on top of the defaults and locks IT sets per machine.

Three layers, last one wins except for locked keys:

1. the built-in defaults (:class:`Settings`),
2. what IT sets per machine: the system-wide file (``{"defaults": {...}, "locked":
   [...]}``; its path comes from ``DESKMATE_SYSTEM_CONFIG`` or
   :func:`system_settings_path`) and, on Windows, the policy key that Group Policy and
   the MSI write (:mod:`deskmate.core.machine_policy`; it wins over the file),
3. the user's ``<config_dir>/settings.json`` (a flat JSON object).

A locked key always takes the system value (or the built-in default if IT locked it
without giving one). Reading never fails: a damaged user file is moved aside, wrong
values fall back to their defaults, and :attr:`SettingsStore.problems` says so in
plain sentences the UI can show. Qt-free: the desktop turns these into widgets.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from deskmate.core.durable_files import write_atomically
from deskmate.core.errors import SettingsError
from deskmate.core.machine_policy import POLICY_LOCATION, policy_settings, read_policy_values
from deskmate.core.paths import Paths
from deskmate.core.setting_values import check_value

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
SYSTEM_CONFIG_ENV = "DESKMATE_SYSTEM_CONFIG"


def default_agent_id() -> str:
    """The operating-system user name, the agent id until one is set."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in the environment or pwd
        name = ""
    return name or "agent"


def system_settings_path(
    platform: str | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    r"""Where the system-wide settings file IT provides lives.

    ``DESKMATE_SYSTEM_CONFIG`` wins; otherwise ``%ProgramData%\Deskmate\settings.json``
    on Windows, ``/Library/Application Support/Deskmate/settings.json`` on macOS and
    ``/etc/deskmate/settings.json`` elsewhere.
    """
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if env.get(SYSTEM_CONFIG_ENV):
        return Path(env[SYSTEM_CONFIG_ENV])
    if platform == "win32":
        return Path(env.get("ProgramData") or "C:\\ProgramData", "Deskmate", SETTINGS_FILE)
    if platform == "darwin":
        return Path("/Library/Application Support/Deskmate", SETTINGS_FILE)
    return Path("/etc/deskmate", SETTINGS_FILE)


@dataclass(frozen=True)
class Settings:
    """Everything the agent (or IT) can set.

    Attributes:
        server_url: The sync server ("" = offline only).
        proxy_url: The HTTP(S) proxy for the sync ("" = the system's: the
            ``HTTPS_PROXY``/``NO_PROXY`` environment, or Windows' Internet settings).
        agent_id: Who is using Deskmate (default: the operating-system user name).
        dock_edge: The screen edge the sidebar docks to: "right" or "left".
        dock_screen: The name of the screen to dock on ("" = the primary screen).
        dock_width: The sidebar width in pixels, clamped to 280-800.
        docked: Docked to the edge (True) or a floating window.
        always_on_top: Keep the sidebar above other windows.
        summon_hotkey: The global shortcut that shows the sidebar and focuses search.
        gap_hotkey: The global shortcut that opens the knowledge-gap form.
        start_at_login: Start Deskmate when the agent logs in.
        language: The interface language: "system", "zh_CN" or "en".
        theme: "system", "light" or "dark".
        hide_on_close: Closing the window hides it to the tray instead of quitting.
        text_zoom: The sidebar's text size in percent of the system font, clamped to
            70-200 (Ctrl+= / Ctrl+- / Ctrl+0 in the sidebar).
        suggest_from_clipboard: Show suggestions for text the agent copies, and let the
            suggest hotkey search the selection (off by default; IT may lock it).
        suggest_hotkey: The global shortcut that searches the selected (or copied) text.

    Raises:
        SettingsError: a value is not valid (the message names the setting).
    """

    server_url: str = ""
    proxy_url: str = ""
    agent_id: str = field(default_factory=default_agent_id)
    dock_edge: str = "right"
    dock_screen: str = ""
    dock_width: int = 380
    docked: bool = True
    always_on_top: bool = False
    summon_hotkey: str = "Ctrl+Alt+Space"
    gap_hotkey: str = "Ctrl+Alt+G"
    start_at_login: bool = False
    language: str = "system"
    theme: str = "system"
    hide_on_close: bool = True
    text_zoom: int = 100
    suggest_from_clipboard: bool = False
    suggest_hotkey: str = "Ctrl+Alt+S"

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, check_value(f.name, getattr(self, f.name)))

    def to_dict(self) -> dict[str, Any]:
        """Every setting by name, JSON-ready."""
        return asdict(self)


SETTING_NAMES: frozenset[str] = frozenset(f.name for f in fields(Settings))


def _corrupt_name(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    return candidate


class SettingsStore:
    """Reads and writes the user's settings, applying IT's system-wide defaults and locks."""

    def __init__(
        self,
        config_dir: Path | None = None,
        system_file: Path | None = None,
        policy: Callable[[], Mapping[str, Any]] | None = None,
    ) -> None:
        """Use ``config_dir`` (default: :meth:`Paths.resolve`) and ``system_file``.

        Args:
            config_dir: The per-user configuration folder holding ``settings.json``.
            system_file: IT's system-wide file (default: :func:`system_settings_path`).
            policy: Returns the Windows policy values (default: the registry on Windows,
                nothing elsewhere; see :func:`~deskmate.core.machine_policy.read_policy_values`).
        """
        self.config_dir = Paths.resolve().config_dir if config_dir is None else config_dir
        self.path = self.config_dir / SETTINGS_FILE
        self.system_path = system_settings_path() if system_file is None else system_file
        self._policy = read_policy_values if policy is None else policy
        self._problems: list[str] = []

    @property
    def problems(self) -> list[str]:
        """Plain sentences about what :meth:`load` had to repair or ignore."""
        return list(self._problems)

    def locked_keys(self) -> frozenset[str]:
        """The settings IT has locked: the agent cannot change them."""
        return self._read_system([])[1]

    def system_problems(self) -> list[str]:
        """What is wrong in IT's machine-wide settings (file and policy), in sentences."""
        problems: list[str] = []
        self._read_system(problems)
        return problems

    def load(self) -> Settings:
        """The effective settings. Never raises; see :attr:`problems` afterwards."""
        problems: list[str] = []
        system_defaults, locked = self._read_system(problems)
        defaults = {**Settings().to_dict(), **system_defaults}
        values = dict(defaults)
        for key, value in self._read_user(problems).items():
            if key not in SETTING_NAMES:
                log.info("unknown setting %r in %s ignored", key, self.path)
            elif key in locked:
                log.info(
                    "setting %r is locked by %s; the user value is ignored", key, self.system_path
                )
            else:
                try:
                    values[key] = check_value(key, value)
                except SettingsError as exc:
                    problems.append(
                        f"The setting '{key}' in your settings file was not valid "
                        f"({exc.fields['reason']}); the default, {json.dumps(defaults[key])}, "
                        "is used instead."
                    )
        self._problems = problems
        return Settings(**values)

    def save(self, settings: Settings) -> None:
        """Write the settings the agent chose, atomically.

        Only values that differ from the current defaults (built-in, then IT's) are
        written, so a default IT changes later still reaches agents who never touched
        it. Locked keys are never written.

        Raises:
            SettingsError: the settings folder cannot be written.
        """
        system_defaults, locked = self._read_system([])
        defaults = {**Settings().to_dict(), **system_defaults}
        chosen = {
            key: value
            for key, value in settings.to_dict().items()
            if key not in locked and value != defaults[key]
        }
        text = json.dumps(chosen, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        try:
            self.config_dir.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, text.encode("utf-8"))
        except OSError as exc:
            raise SettingsError(
                f"Your settings could not be saved because the folder {self.config_dir} "
                f"cannot be written ({exc.strerror or exc}). Ask IT to check its permissions.",
                path=str(self.path),
            ) from exc
        log.info("settings saved to %s", self.path)

    # -- reading the two files ------------------------------------------------------------

    def _read_system(self, problems: list[str]) -> tuple[dict[str, Any], frozenset[str]]:
        """IT's valid defaults and locked keys: the file, then the policy over it."""
        defaults, locked = self._read_system_file(problems)
        values = self._policy()
        if not values:
            return defaults, locked
        raw = policy_settings(values, {k: type(v) for k, v in Settings().to_dict().items()})
        where = f"The Group Policy settings in {POLICY_LOCATION} set by IT"
        policy_defaults = self._system_defaults(raw["defaults"], where, problems)
        policy_locked = self._system_locks(raw["locked"], where, problems)
        return {**defaults, **policy_defaults}, locked | policy_locked

    def _read_system_file(self, problems: list[str]) -> tuple[dict[str, Any], frozenset[str]]:
        """The file's valid defaults and locked keys; what is wrong goes to ``problems``."""
        where = f"The system-wide settings file {self.system_path} provided by IT"
        try:
            raw = json.loads(self.system_path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            return {}, frozenset()
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning("cannot use %s: %s", self.system_path, exc)
            problems.append(
                f"{where} could not be read, so Deskmate's own defaults are used. Please tell IT."
            )
            return {}, frozenset()
        if not isinstance(raw, dict):
            problems.append(f"{where} is not a settings object, so it is ignored. Please tell IT.")
            return {}, frozenset()
        for key in raw.keys() - {"defaults", "locked"}:
            log.info("unknown entry %r in %s ignored", key, self.system_path)
        defaults = self._system_defaults(raw.get("defaults", {}), where, problems)
        return defaults, self._system_locks(raw.get("locked", []), where, problems)

    def _system_defaults(self, raw: Any, where: str, problems: list[str]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            problems.append(f"{where} has no valid 'defaults' object; it is ignored.")
            return {}
        defaults: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in SETTING_NAMES:
                log.info("unknown setting %r in %s ignored", key, self.system_path)
                continue
            try:
                defaults[key] = check_value(key, value)
            except SettingsError as exc:
                problems.append(
                    f"{where} has an invalid default for '{key}' ({exc.fields['reason']}); "
                    "Deskmate's own default is used."
                )
        return defaults

    def _system_locks(self, raw: Any, where: str, problems: list[str]) -> frozenset[str]:
        if not isinstance(raw, list):
            problems.append(f"{where} has no valid 'locked' list; nothing is locked.")
            return frozenset()
        for key in {str(k) for k in raw} - SETTING_NAMES:
            log.info("unknown locked setting %r in %s ignored", key, self.system_path)
        return frozenset(k for k in raw if isinstance(k, str) and k in SETTING_NAMES)

    def _read_user(self, problems: list[str]) -> dict[str, Any]:
        """The user's raw values; a damaged file is moved aside (see :meth:`load`)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning("settings file %s is unusable: %s", self.path, exc)
            problems.append(self._move_aside())
            return {}
        if not isinstance(raw, dict):
            log.warning("settings file %s does not hold a JSON object", self.path)
            problems.append(self._move_aside())
            return {}
        return raw

    def _move_aside(self) -> str:
        """Rename the damaged user file; returns the sentence that tells the agent."""
        target = _corrupt_name(self.path)
        try:
            self.path.rename(target)
        except OSError as exc:
            log.warning("cannot move %s aside: %s", self.path, exc)
            return (
                f"Your settings file {self.path} was damaged, so the default settings are "
                f"used; it could not be moved aside ({exc.strerror or exc}) and will be "
                "replaced when you next save your settings."
            )
        return (
            f"Your settings file was damaged and has been reset; the old file was kept as {target}."
        )
