"""Human labels for script placeholders: 退款日期 stays, customer_name is "Customer name".

A placeholder that is already words (Chinese, or English without underscores) is its
own label. Common snake_case keys have translated labels; any other key is turned into
words ("refund_date" → "Refund date") so the agent never reads a raw key.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

_KEY = re.compile(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+|[a-z]+[A-Z][A-Za-z0-9]*")


def _known() -> dict[str, str]:
    """Translated labels of the keys content packs use most (read at call time: language)."""
    # One literal QCoreApplication.translate call per string: lupdate sees only those.
    return {
        "customer_name": QCoreApplication.translate("PlaceholderLabels", "Customer name"),
        "agent_name": QCoreApplication.translate("PlaceholderLabels", "Your name"),
        "order_id": QCoreApplication.translate("PlaceholderLabels", "Order number"),
        "order_number": QCoreApplication.translate("PlaceholderLabels", "Order number"),
        "order_no": QCoreApplication.translate("PlaceholderLabels", "Order number"),
        "case_id": QCoreApplication.translate("PlaceholderLabels", "Case number"),
        "ticket_id": QCoreApplication.translate("PlaceholderLabels", "Ticket number"),
        "phone": QCoreApplication.translate("PlaceholderLabels", "Phone number"),
        "phone_number": QCoreApplication.translate("PlaceholderLabels", "Phone number"),
        "amount": QCoreApplication.translate("PlaceholderLabels", "Amount"),
        "refund_amount": QCoreApplication.translate("PlaceholderLabels", "Refund amount"),
        "date": QCoreApplication.translate("PlaceholderLabels", "Date"),
        "refund_date": QCoreApplication.translate("PlaceholderLabels", "Refund date"),
        "product": QCoreApplication.translate("PlaceholderLabels", "Product"),
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
