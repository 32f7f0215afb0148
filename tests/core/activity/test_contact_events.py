"""Contacting an expert: ConsultationLog.record_contact and the contact event's format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from deskmate.core import Item
from deskmate.core.activity.consultation_log import ConsultationLog
from deskmate.core.activity.events import ConsultationEvent, EventKind
from deskmate.core.errors import ContentError

from tests.core.content.test_model import faq


@pytest.fixture
def record(tmp_path: Path) -> Iterator[ConsultationLog]:
    with ConsultationLog.open(tmp_path, "agent-7") as log:
        yield log


def expert(**contact: str) -> Item:
    record = faq(kind="expert", id="exp-wang", skills=["billing.refund"])
    del record["questions"]
    return Item.from_dict(record | {"name": "王芳", "team": "退款组", "contact": contact})


def test_a_contact_is_recorded_with_its_channel(record: ConsultationLog) -> None:
    wang = expert(phone="021-5555-0101", email="wang@example.com", im="im:corp/wang")
    called = record.record_contact(wang, "phone")
    mailed = record.record_contact(wang, "email", opened=False)
    assert called.kind is EventKind.CONTACT
    assert called.item_id == "exp-wang"
    assert called.query == ""
    assert dict(called.detail) == {"channel": "phone", "opened": True}
    assert dict(mailed.detail) == {"channel": "email", "opened": False}
    assert [e.event_id for e in record.recent(5)] == [mailed.event_id, called.event_id]
    assert [e.event_id for e in record.pending_upload()] == [called.event_id, mailed.event_id]
    assert ConsultationEvent.from_dict(called.to_dict()) == called
    # Only an extension counts as a phone channel too (the card dials tel:EXT).
    assert record.record_contact(expert(extension="6107"), "phone").item_id == "exp-wang"


@pytest.mark.parametrize(
    ("item", "channel", "message"),
    [
        (Item.from_dict(faq()), "phone", "Only an expert can be contacted; 'faq-1' is a faq."),
        (expert(phone="1"), "fax", "'fax' is not a way to contact an expert; choose one of: "),
        (expert(phone="1"), "", "'' is not a way to contact an expert"),
        (expert(phone="1"), "email", "王芳 has no email contact in the directory."),
    ],
)
def test_bad_contacts_are_refused_and_nothing_is_recorded(
    record: ConsultationLog, item: Item, channel: str, message: str
) -> None:
    with pytest.raises(ContentError, match="^" + message.replace("(", r"\(")) as refused:
        record.record_contact(item, channel)
    assert refused.value.message.startswith(message)
    assert record.recent(5) == []
    assert record.spooled() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"item_id": None}, "item_id"),
        ({"detail": {"channel": "pigeon"}}, "channel"),
        ({"detail": {}}, "channel"),
        ({"detail": {"channel": "im", "opened": "yes"}}, "opened"),
    ],
)
def test_an_uploaded_contact_event_must_name_the_expert_and_a_channel(
    record: ConsultationLog, change: dict[str, object], field: str
) -> None:
    good = record.record_contact(expert(im="im:corp/wang"), "im").to_dict()
    with pytest.raises(ContentError) as refused:
        ConsultationEvent.from_dict(good | change)
    assert refused.value.fields["field"] == field
