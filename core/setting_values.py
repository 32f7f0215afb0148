"""The checks each setting's value passes, with the reason in plain words when it fails.

Each check returns the value to use (widths are clamped) or raises ``TypeError`` /
``ValueError`` whose text is the reason; :func:`check_value` turns that into a
:class:`SettingsError` naming the setting. Used by :mod:`deskmate.core.settings` for the
user's file, IT's file and policy key, and every value the UI saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from deskmate.core.errors import SettingsError

DOCK_WIDTH_MIN = 280
DOCK_WIDTH_MAX = 800
DOCK_EDGES = ("right", "left")
LANGUAGES = ("system", "zh_CN", "en")
THEMES = ("system", "light", "dark")
TEXT_ZOOM_MIN = 70  # percent of the system font; below this Chinese becomes unreadable
TEXT_ZOOM_MAX = 200  # a 380 px sidebar cannot show more than this usefully
_MAX_TEXT = 256
_MAX_AGENT_ID = 128  # the width of the agent_id column of the consultation record


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("it must be text")
    if len(value) > _MAX_TEXT:
        raise ValueError(f"it must be at most {_MAX_TEXT} characters long")
    return value


def _non_empty_text(value: Any) -> str:
    if not _text(value).strip():
        raise ValueError("it must not be empty")
    return str(value)


def _agent_id(value: Any) -> str:
    name = _non_empty_text(value)
    if len(name) > _MAX_AGENT_ID:
        raise ValueError(f"it must be at most {_MAX_AGENT_ID} characters long")
    return name


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("it must be true or false")
    return value


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError("it must be one of " + ", ".join(f'"{c}"' for c in choices))
        return str(value)

    return check


def _server_url(value: Any) -> str:
    url = _text(value).strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError('it must be empty or a web address starting with "https://"')
    return url


def _proxy_url(value: Any) -> str:
    url = _text(value).strip()
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        raise ValueError('it must be empty or a proxy address like "http://proxy.corp:3128"')
    return url


def _dock_width(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("it must be a whole number of pixels")
    # Out-of-range widths are not errors: they are clamped to what the dock can show.
    return max(DOCK_WIDTH_MIN, min(DOCK_WIDTH_MAX, value))


def _text_zoom(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("it must be a whole number (percent)")
    # Like the width: out of range is clamped, not refused (Ctrl+= past the top is harmless).
    return max(TEXT_ZOOM_MIN, min(TEXT_ZOOM_MAX, value))


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "server_url": _server_url,
    "proxy_url": _proxy_url,
    "agent_id": _agent_id,
    "dock_edge": _one_of(DOCK_EDGES),
    "dock_screen": _text,
    "dock_width": _dock_width,
    "docked": _flag,
    "always_on_top": _flag,
    "summon_hotkey": _non_empty_text,
    "gap_hotkey": _non_empty_text,
    "start_at_login": _flag,
    "language": _one_of(LANGUAGES),
    "theme": _one_of(THEMES),
    "hide_on_close": _flag,
    "text_zoom": _text_zoom,
    "suggest_from_clipboard": _flag,
    "suggest_hotkey": _non_empty_text,
}


def check_value(key: str, value: Any) -> Any:
    """The value to use for setting ``key`` (widths are clamped).

    Raises:
        SettingsError: ``key`` is not a setting or ``value`` is not valid for it; the
            ``reason`` field holds the reason in plain words.
    """
    check = _CHECKS.get(key)
    if check is None:
        raise SettingsError(f"'{key}' is not a setting.", key=key, reason="unknown setting")
    try:
        return check(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(
            f"The setting '{key}' is not valid: {exc}.", key=key, reason=str(exc)
        ) from None
