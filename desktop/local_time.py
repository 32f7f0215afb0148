"""Times from the server and the record, as the agent reads them in the sidebar."""

from __future__ import annotations

from datetime import date, datetime


def local_time(stamp: str) -> str:
    """An ISO time as the agent's local "11-23 18:05" (the stamp itself if unreadable)."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%m-%d %H:%M")
    except ValueError:
        return stamp


def short_date(iso_date: str) -> str:
    """``2026-12-05`` as "12-05" (the text itself if it is not a date)."""
    try:
        return date.fromisoformat(iso_date).strftime("%m-%d")
    except ValueError:
        return iso_date
