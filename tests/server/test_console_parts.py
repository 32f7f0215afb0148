"""The console's parts without a server: session cookies, CSRF tokens, charts, words."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from deskmate.core.activity.events import CONTACT_CHANNELS, GapType
from deskmate.server.auth import Role
from deskmate.server.console.authoring_routes import DONE_MESSAGES, DUE_SCOPES
from deskmate.server.console.authoring_views import KINDS as ITEM_KINDS
from deskmate.server.console.charts import Series, bar_chart, line_chart, sparkline, y_scale
from deskmate.server.console.i18n import _STRINGS, Translator, known_keys
from deskmate.server.console.page_context import safe_next
from deskmate.server.console.session import (
    SESSION_SECONDS,
    csrf_token,
    csrf_valid,
    read_session_cookie,
    start_session,
)
from deskmate.server.learning.gap_details import OWNER_FILTERS
from deskmate.server.learning.gap_queue import STATUSES
from deskmate.server.workbench.lifecycle_state import STATUSES as ITEM_STATUSES

KEY = bytes(range(32))
HASH = "ab" * 32


def test_a_session_cookie_reads_back_until_it_is_twelve_hours_old() -> None:
    session, cookie = start_session(KEY, HASH, now=1_000_000)
    assert HASH in cookie
    assert read_session_cookie(KEY, cookie, now=1_000_000 + SESSION_SECONDS) == session
    assert read_session_cookie(KEY, cookie, now=1_000_000 + SESSION_SECONDS + 1) is None
    assert read_session_cookie(KEY, cookie, now=999_000) is None  # from the future
    assert read_session_cookie(bytes(32), cookie, now=1_000_000) is None  # another key
    for garbled in ("", "x", cookie + "0", "é" + cookie, cookie.replace(HASH, "cd" * 32)):
        assert read_session_cookie(KEY, garbled, now=1_000_000) is None
    other, _ = start_session(KEY, HASH, now=1_000_000)
    assert other.id != session.id  # two sign-ins in one second are still two sessions


def test_csrf_tokens_are_bound_to_the_session_and_the_purpose() -> None:
    token = csrf_token(KEY, "session-1", "assign")
    assert csrf_valid(KEY, "session-1", "assign", token)
    assert not csrf_valid(KEY, "session-2", "assign", token)
    assert not csrf_valid(KEY, "session-1", "gap", token)
    assert not csrf_valid(KEY, None, "assign", token)
    assert not csrf_valid(KEY, "session-1", "assign", None)
    assert not csrf_valid(KEY, "session-1", "assign", "令牌")  # not ASCII: refused, no error


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/console/team", "/console/team"),
        ("/console/agents/li.na?lang=en", "/console/agents/li.na?lang=en"),
        ("https://evil.example/", "/console/"),
        ("//evil.example/console/", "/console/"),
        ("/console//evil.example", "/console/"),
        ("/api/v1/me", "/console/"),
        (None, "/console/"),
    ],
)
def test_sign_in_returns_to_console_pages_only(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_chart_axes_have_round_ticks() -> None:
    assert y_scale(0) == (4.0, 1.0)
    assert y_scale(3) == (3.0, 1.0)
    assert y_scale(10) == (10.0, 5.0)
    assert y_scale(63) == (80.0, 20.0)
    assert y_scale(0.4, percent=True) == (1.0, 0.25)


def test_charts_are_svg_with_every_text_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    line = line_chart([Series(hostile, [1.0, None, 3.0])], ["a", "b", "c"], hostile)
    bars = bar_chart([1.0, 2.0], [hostile, "x"], hostile)
    spark = sparkline([0.0, 1.0], hostile)
    for svg in (line, bars, spark):
        assert svg.startswith("<svg")
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
    assert line.count("<circle") == 2  # no point for the missing value
    empty = line_chart([Series("none", [])], [], "empty")
    assert "<polyline" not in empty


def test_every_word_the_templates_use_exists_in_both_languages() -> None:
    templates = resources.files("deskmate.server.console").joinpath("templates")
    used = set()
    for template in templates.iterdir():
        used |= set(re.findall(r"\bt\('([a-z_]+)'", template.read_text(encoding="utf-8")))
    prefixes = {key for key in used if key.endswith("_")}  # t('status_' ~ topic.status)
    assert prefixes == {
        *("status_", "kind_", "channel_", "gap_type_", "owner_"),
        *("answers_", "due_scope_"),  # the authoring pages (issue #17)
        "audit_",  # the history page's audit trail: a known action's word, else the action
    }
    used -= prefixes
    used |= {f"status_{s}" for s in (*STATUSES, "all")}
    used |= {f"kind_{k}" for k in ("gap", "no_result", "unhelpful", "proposal")}
    used |= {f"gap_type_{g.value}" for g in GapType}
    used |= {f"owner_{o}" for o in OWNER_FILTERS}
    used |= {f"role_{r.value}" for r in Role}
    used |= {f"channel_{c}" for c in CONTACT_CHANNELS}
    used |= {f"status_{s}" for s in ITEM_STATUSES} | {f"kind_{k}" for k in ITEM_KINDS}
    used |= {"answers_topic", "answers_proposal"} | {f"due_scope_{s}" for s in DUE_SCOPES}
    used |= {f"item_{done}" for done in DONE_MESSAGES}
    assert used <= known_keys(), used - known_keys()
    for key, (zh, en) in _STRINGS.items():
        fields = set(re.findall(r"{(\w+)}", zh))
        assert fields == set(re.findall(r"{(\w+)}", en)), key
        for language in ("zh", "en"):
            assert Translator(language)(key, **dict.fromkeys(fields, "x")), (key, language)
