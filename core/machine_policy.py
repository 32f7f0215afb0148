r"""Windows machine policy: settings IT sets in ``HKLM\SOFTWARE\Policies\Deskmate``.

Group Policy (the ADMX template) and the MSI's public properties write there; one
value per setting, named like the setting (``server_url``, ``start_at_login``...), plus
``locked``: the settings agents may not change (``REG_MULTI_SZ``, or ``REG_SZ``
separated by commas). Booleans may be ``REG_DWORD`` 0/1 (Group Policy) or the strings
``0``/``1``/``true``/``false`` (MSI properties); an empty string means "not set", since
an MSI writes an empty value for a property that was not given.

This module only turns registry values into the shape of the system settings file
(``{"defaults": {...}, "locked": [...]}``); :mod:`deskmate.core.settings` validates
them like the file. ``winreg`` is imported on Windows only; tests pass a fake module.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any, Protocol, cast

log = logging.getLogger(__name__)

POLICY_KEY = r"SOFTWARE\Policies\Deskmate"
POLICY_LOCATION = rf"HKEY_LOCAL_MACHINE\{POLICY_KEY}"
LOCKED_VALUE = "locked"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_SEPARATORS = re.compile(r"[,;\s]+")


class RegistryApi(Protocol):
    """The part of :mod:`winreg` this module uses (a fake one in tests)."""

    HKEY_LOCAL_MACHINE: Any
    KEY_READ: int
    KEY_WOW64_64KEY: int

    def OpenKey(self, key: Any, sub_key: str, reserved: int, access: int) -> Any:  # noqa: N802, D102
        ...

    def EnumValue(self, key: Any, index: int) -> tuple[str, Any, int]:  # noqa: N802, D102
        ...

    def CloseKey(self, key: Any) -> None:  # noqa: N802, D102
        ...


def _system_registry() -> RegistryApi | None:
    """:mod:`winreg` on Windows, None elsewhere."""
    if sys.platform == "win32":
        import winreg

        return cast(RegistryApi, winreg)
    return None


def read_policy_values(api: RegistryApi | None = None) -> dict[str, Any]:
    """The raw values under :data:`POLICY_KEY` (names lower-cased); {} when there is none.

    Args:
        api: The registry module; default :mod:`winreg` (Windows only).
    """
    api = _system_registry() if api is None else api
    if api is None:
        return {}
    try:
        # The 64-bit view: where a 64-bit MSI and Group Policy write on 64-bit Windows.
        key = api.OpenKey(api.HKEY_LOCAL_MACHINE, POLICY_KEY, 0, api.KEY_READ | api.KEY_WOW64_64KEY)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        log.warning("cannot read the policy key %s: %s", POLICY_LOCATION, exc)
        return {}
    values: dict[str, Any] = {}
    try:
        index = 0
        while True:
            try:
                name, value, _kind = api.EnumValue(key, index)
            except OSError:  # ERROR_NO_MORE_ITEMS ends the enumeration
                break
            values[name.lower()] = value
            index += 1
    finally:
        api.CloseKey(key)
    return values


def _text(value: str) -> str:
    # "#1": an MSI's raw read of a DWORD, written back as text by an upgrade.
    return value.strip().removeprefix("#").lower()


def _as_bool(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and _text(value) in _TRUE | _FALSE:
        return _text(value) in _TRUE
    return value  # left as it is: validation names the setting and the problem


def _as_int(value: Any) -> Any:
    if isinstance(value, str) and _text(value).isdigit():
        return int(_text(value))
    return value


def policy_settings(values: Mapping[str, Any], kinds: Mapping[str, type]) -> dict[str, Any]:
    """Registry values as a system settings object ``{"defaults": {...}, "locked": [...]}``.

    Args:
        values: Value names (lower-case) to registry data, from :func:`read_policy_values`.
        kinds: Each setting's Python type (``bool``, ``int``, ``str``), to convert
            registry data: DWORDs and "1"/"true" strings to booleans, digit strings to
            numbers.
    """
    defaults: dict[str, Any] = {}
    locked: list[str] = []
    for name, value in values.items():
        if name == LOCKED_VALUE:
            items = value if isinstance(value, list) else _SEPARATORS.split(str(value or ""))
            locked.extend(str(item).strip() for item in items if str(item).strip())
            continue
        if name not in kinds:
            log.info("unknown value %r under %s ignored", name, POLICY_LOCATION)
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # an MSI property that was not given
        kind = kinds[name]
        if kind is bool:
            value = _as_bool(value)
        elif kind is int:
            value = _as_int(value)
        elif isinstance(value, str):
            value = value.strip()
        defaults[name] = value
    return {"defaults": defaults, "locked": locked}
