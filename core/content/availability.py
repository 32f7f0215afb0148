"""Whether an expert can be reached now: their presence if the server set one, else hours.

The expert directory carries working hours as editors write them ("工作日 09:00-18:00",
"轮班 07:00-23:00", "Weekdays 09:00-18:00 (UTC+8)"). Those are read here into "in hours
now" or "outside hours", or "unknown" when the text is not a pattern we can read (then
the sidebar shows the text as it is). A ``presence`` the server set (available, busy,
away, offline) wins over the hours: it is what the expert's own status says. Qt-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from enum import StrEnum

from deskmate.core.content.model import Expert

PRESENCE_VALUES = ("available", "busy", "away", "offline")

_RANGE = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–~至到]\s*(\d{1,2})[:：](\d{2})")
_OFFSET = re.compile(r"(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_WEEKDAYS = ("工作日", "周一至周五", "周一到周五", "weekday", "mon-fri", "monday to friday")
_EVERY_DAY = ("每天", "每日", "轮班", "全天", "daily", "every day", "shift", "7x24", "24/7")


class Reach(StrEnum):
    """How reachable an expert is now."""

    AVAILABLE = "available"  # presence says so, or within their hours
    BUSY = "busy"  # presence: busy (on a call)
    AWAY = "away"  # presence: away
    OFF = "off"  # presence offline, or outside their hours
    UNKNOWN = "unknown"  # no presence and hours we cannot read


@dataclass(frozen=True)
class Availability:
    """The expert's reach now and where it came from.

    Attributes:
        reach: See :class:`Reach`.
        from_presence: True when the server's presence decided it, False for the hours.
    """

    reach: Reach
    from_presence: bool = False


def _days(text: str) -> tuple[int, ...] | None:
    lowered = text.lower()
    if any(w in lowered for w in _WEEKDAYS):
        return (0, 1, 2, 3, 4)
    if any(w in lowered for w in _EVERY_DAY):
        return tuple(range(7))
    return None


def _zone(text: str) -> timezone | None:
    match = _OFFSET.search(text)
    if match is None:
        return None
    sign = -1 if match.group(1) == "-" else 1
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    return timezone(sign * delta)


def in_hours(hours: str, now: datetime) -> bool | None:
    """Whether ``now`` falls in ``hours``; None when the text cannot be read.

    ``now`` should be aware; a ``(UTC+8)``-style note converts it to that zone, otherwise
    the hours are taken as the agent's local time (the directory's usual meaning).
    """
    found = _RANGE.search(hours)
    days = _days(hours)
    if found is None or days is None:
        return None
    zone = _zone(hours)
    local = now.astimezone(zone) if zone is not None and now.tzinfo is not None else now
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
        return None
    start, end = time(h1, m1), time(min(h2, 23), m2 if h2 < 24 else 59)
    clock = local.time().replace(second=0, microsecond=0)
    if start <= end:
        return local.weekday() in days and start <= clock < end
    # Over midnight (22:00-06:00): the evening of a working day or the morning after it.
    if clock >= start:
        return local.weekday() in days
    return (local.weekday() - 1) % 7 in days and clock < end


def availability(expert: Expert, now: datetime) -> Availability:
    """How reachable ``expert`` is at ``now`` (presence first, then hours)."""
    presence = expert.presence
    if presence in PRESENCE_VALUES:
        reach = Reach.OFF if presence == "offline" else Reach(presence)
        return Availability(reach, from_presence=True)
    inside = in_hours(expert.hours, now) if expert.hours else None
    if inside is None:
        return Availability(Reach.UNKNOWN)
    return Availability(Reach.AVAILABLE if inside else Reach.OFF)
