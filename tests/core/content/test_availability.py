"""Expert availability from the server's presence or the directory's hours (issue #18)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from deskmate.core.content.availability import Reach, availability, in_hours
from deskmate.core.content.model import Expert, Item
from deskmate.core.errors import ContentError

CST = timezone(timedelta(hours=8))
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=CST)
WEDNESDAY_20 = datetime(2026, 12, 2, 20, 0, tzinfo=CST)
SATURDAY_10 = datetime(2026, 12, 5, 10, 0, tzinfo=CST)


@pytest.mark.parametrize(
    ("hours", "now", "expected"),
    [
        ("工作日 09:00-18:00", WEDNESDAY_10, True),
        ("工作日 09:00-18:00", WEDNESDAY_20, False),
        ("工作日 09:00-18:00", SATURDAY_10, False),
        ("轮班 07:00-23:00", SATURDAY_10, True),
        ("每天 08:00-22:00", WEDNESDAY_20, True),
        ("Weekdays 09:00-18:00 (UTC+8)", WEDNESDAY_10.astimezone(UTC), True),
        ("Weekdays 09:00-18:00 (UTC+8)", WEDNESDAY_20.astimezone(UTC), False),
        ("Daily 22:00-06:00", datetime(2026, 12, 3, 2, 0, tzinfo=CST), True),  # over midnight
        ("Daily 22:00-06:00", WEDNESDAY_10, False),
        ("看情况", WEDNESDAY_10, None),  # not a pattern: shown as written
        ("工作日", WEDNESDAY_10, None),
    ],
)
def test_hours_are_read(hours: str, now: datetime, expected: bool | None) -> None:
    assert in_hours(hours, now) is expected


def test_presence_wins_over_hours() -> None:
    expert = Expert(name="张伟", team="账单与退款组", hours="工作日 09:00-18:00")
    assert availability(expert, WEDNESDAY_10).reach is Reach.AVAILABLE
    assert availability(expert, WEDNESDAY_20).reach is Reach.OFF
    busy = dataclasses.replace(expert, presence="busy")
    assert availability(busy, WEDNESDAY_10) == availability(busy, WEDNESDAY_20)
    assert availability(busy, WEDNESDAY_10).reach is Reach.BUSY
    assert availability(busy, WEDNESDAY_10).from_presence
    offline = dataclasses.replace(expert, presence="offline")
    assert availability(offline, WEDNESDAY_10).reach is Reach.OFF
    assert availability(Expert(name="x", team="y"), WEDNESDAY_10).reach is Reach.UNKNOWN


def _expert_record(**extra: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": "exp-x",
        "kind": "expert",
        "title": "张伟",
        "body": "",
        "language": "zh",
        "updated_at": "2026-12-01T00:00:00+00:00",
        "version": 1,
        "name": "张伟",
        "team": "账单与退款组",
    }
    return record | extra


def test_presence_is_an_expert_field_of_the_schema_and_round_trips() -> None:
    item = Item.from_dict(_expert_record(presence="away"))
    assert item.expert is not None
    assert item.expert.presence == "away"
    assert item.to_dict()["presence"] == "away"
    assert "presence" not in Item.from_dict(_expert_record()).to_dict()
    with pytest.raises(ContentError):
        Item.from_dict(_expert_record(presence="on the moon"))
    faq = _expert_record(kind="faq", presence="busy")
    for key in ("name", "team"):
        faq.pop(key)
    with pytest.raises(ContentError):
        Item.from_dict(faq)  # experts only
