"""Human labels for script placeholders: 退款日期 stays, customer_name is "Customer name".

A placeholder that is already words (Chinese, or English without underscores) is its
own label. Common snake_case keys have translated labels; any other key is turned into
words ("refund_date" → "Refund date") so the agent never reads a raw key.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

_CONTEXT = "PlaceholderLabels"
_KEY = re.compile(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+|[a-z]+[A-Z][A-Za-z0-9]*")


def _known() -> dict[str, str]:
    """Translated labels of the keys content packs use most (read at call time: language)."""

    def tr(text: str) -> str:
        return QCoreApplication.translate(_CONTEXT, text)

    return {
        "customer_name": tr("Customer name"),
        "agent_name": tr("Your name"),
        "order_id": tr("Order number"),
        "order_number": tr("Order number"),
        "order_no": tr("Order number"),
        "case_id": tr("Case number"),
        "ticket_id": tr("Ticket number"),
        "phone": tr("Phone number"),
        "phone_number": tr("Phone number"),
        "amount": tr("Amount"),
        "refund_amount": tr("Refund amount"),
        "date": tr("Date"),
        "refund_date": tr("Refund date"),
        "product": tr("Product"),
    }


def placeholder_label(name: str) -> str:
    """The label shown next to a placeholder's field."""
    known = _known().get(name.lower())
    if known:
        return known
    if _KEY.fullmatch(name):
        # snake_case or camelCase: words, first one capitalised.
        spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower()
        return spaced[:1].upper() + spaced[1:]
    return name
