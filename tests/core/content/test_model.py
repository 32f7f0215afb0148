from __future__ import annotations

from typing import Any

import pytest
from deskmate.core import ContentError, Item, ItemKind


def faq(**overrides: Any) -> dict[str, Any]:
    record = {
        "id": "faq-1",
        "kind": "faq",
        "title": "花呗还款日是哪天",
        "body": "每月 9 日。",
        "language": "zh",
        "updated_at": "2026-10-01T09:00:00+08:00",
        "version": 1,
        "questions": ["花呗什么时候还"],
        "skills": ["billing.charges"],
    }
    record.update(overrides)
    return record


def test_round_trip_keeps_every_field() -> None:
    item = Item.from_dict(faq(tags=["花呗"], product="支付", channel="voice", owner="知识组"))
    again = Item.from_dict({k: v for k, v in item.to_dict().items()})
    assert again == item
    assert item.kind is ItemKind.FAQ


def test_script_lists_both_placeholder_styles_in_order() -> None:
    body = "您好 {customer_name}，订单 {{订单号}} 已退款 {{ 订单号 }}，{agent_name} 为您服务"
    record = faq(id="s-1", kind="script", body=body)
    del record["questions"]
    item = Item.from_dict(record)
    assert item.placeholders == ("customer_name", "订单号", "agent_name")


def test_expert_needs_name_and_team() -> None:
    record = faq(kind="expert", id="exp-1")
    del record["questions"]
    with pytest.raises(ContentError, match="name"):
        Item.from_dict(record)
    expert = Item.from_dict(record | {"name": "张伟", "team": "退款组", "contact": {"phone": "1"}})
    assert expert.expert is not None
    assert expert.expert.contact_dict() == {"phone": "1"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "question"}, "kind"),
        ({"id": "has space"}, "id"),
        ({"version": 0}, "version"),
        ({"updated_at": "yesterday"}, "ISO 8601"),
        ({"updated_at": "2026-10-01T09:00:00"}, "time zone"),
        ({"language": "fr"}, "language"),
        ({"colour": "red"}, "colour"),
        ({"skills": ["Billing Refund"]}, "skills"),
    ],
)
def test_invalid_records_say_what_is_wrong(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ContentError, match=message):
        Item.from_dict(faq(**change))


def test_missing_id_is_reported() -> None:
    record = faq()
    del record["id"]
    with pytest.raises(ContentError, match="id"):
        Item.from_dict(record)


def test_ten_megabyte_body_is_refused_with_advice() -> None:
    with pytest.raises(ContentError, match="Split the article"):
        Item.from_dict(faq(body="长" * 10_000_000))


def test_questions_only_on_faqs() -> None:
    with pytest.raises(ContentError, match="kind"):
        Item.from_dict(faq(kind="script"))


MUTATIONS: list[dict[str, Any]] = [
    {},
    {"kind": "question"},
    {"id": "has space"},
    {"id": ""},
    {"version": 0},
    {"version": "2"},
    {"language": "fr"},
    {"colour": "red"},
    {"skills": ["Billing Refund"]},
    {"tags": [1]},
    {"title": ""},
    {"title": None},
    {"questions": "not a list"},
    {"kind": "script"},
    {"kind": "expert"},
    {"kind": "expert", "name": "张伟", "team": "退款组", "questions": []},
    {"channel": "fax"},
    {"product": 3},
    {"body": "长" * 1_000_001},
    {"deleted": True},
    {"deleted": False},
    {"kind": "expert", "name": "张伟", "team": "退款组", "contact": {"fax": 1}},
]


@pytest.mark.parametrize("change", MUTATIONS)
def test_fast_validator_agrees_with_the_reference_validator(change: dict[str, Any]) -> None:
    """The compiled hot-path check must accept and refuse exactly what jsonschema does."""
    import fastjsonschema
    from deskmate.core.content.validation import _fast_check, _validator

    record = faq(**change)
    if change.get("kind") in ("script", "expert") and "questions" not in change:
        del record["questions"]
    branch = "deletion" if "deleted" in record else "item"
    try:
        _fast_check(branch)(record)
        fast_ok = True
    except fastjsonschema.JsonSchemaException:
        fast_ok = False
    assert fast_ok == _validator(branch).is_valid(record)
