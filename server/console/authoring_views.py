"""What the authoring pages show: the item list (keyset pages), forms ↔ records, previews."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from deskmate.core.content.presentation import script_text
from deskmate.core.search.snippets import HighlightedText
from deskmate.server.console.markdown_view import render_markdown
from deskmate.server.database import Database
from deskmate.server.tables import ItemStateRow, ItemVersionRow
from deskmate.server.workbench.authorship import gone_owners
from deskmate.server.workbench.lifecycle_state import STATUSES
from deskmate.server.workbench.server_settings import Intervals
from markupsafe import Markup
from sqlalchemy import or_, select

PAGE_SIZE = 50
KINDS = ("faq", "script", "expert")
#: Form fields holding one entry per line.
LIST_FIELDS = ("questions", "tags", "skills", "teams", "languages")
TEXT_FIELDS = (
    "id", "kind", "title", "body", "guidance", "product", "channel", "language", "owner",
    "name", "team", "role", "hours",
)  # fmt: skip
CONTACT_FIELDS = ("phone", "extension", "email", "im")


@dataclass
class ItemList:
    """One page of the item list and the id the next page starts after."""

    rows: list[dict[str, Any]]
    next_after: str | None


def list_items(db: Database, query: str, kind: str, status: str, after: str, now: str) -> ItemList:
    """A page of items by id, filtered; keyset paging (``id > after``), never OFFSET.

    ``query`` matches an id prefix or a title substring (casefolded).
    """
    select_page = select(ItemStateRow).order_by(ItemStateRow.item_id).limit(PAGE_SIZE + 1)
    if after:
        select_page = select_page.where(ItemStateRow.item_id > after)
    if kind in KINDS:
        select_page = select_page.where(ItemStateRow.kind == kind)
    if status in STATUSES:
        select_page = select_page.where(ItemStateRow.status == status)
    if query:
        select_page = select_page.where(
            or_(
                ItemStateRow.item_id.startswith(query, autoescape=True),
                ItemStateRow.title_key.contains(query.casefold(), autoescape=True),
            )
        )
    with db.read() as conn:
        rows = conn.execute(select_page).all()
        gone = gone_owners(conn, (r.owner for r in rows))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return ItemList(
        [
            {
                "id": r.item_id,
                "title": r.title,
                # The matched part of the title; the template marks it (autoescaped).
                "title_marked": HighlightedText.of_substring(r.title, query),
                "kind": r.kind,
                "status": r.status,
                "live": r.published_no,
                "latest": r.latest_no,
                "owner": r.owner,
                "owner_gone": r.owner in gone,
                "updated_at": r.updated_at,
                "updated_by": r.updated_by,
                "overdue": bool(r.due_at and r.due_at < now),
            }
            for r in rows
        ],
        rows[-1].item_id if more else None,
    )


def default_days(db: Database, form: dict[str, str]) -> int:
    """The interval an item of the form's kind and tags gets without its own."""
    tags = [t.strip() for t in form.get("tags", "").splitlines() if t.strip()]
    with db.read() as conn:
        return Intervals.read(conn).days(form.get("kind", "faq"), tags)


def owner_is_gone(db: Database, owner: str | None) -> bool:
    """Whether ``owner`` is set but no longer a user or team (the editor group has it)."""
    with db.read() as conn:
        return bool(gone_owners(conn, [owner]))


def latest_record(db: Database, item_id: str) -> tuple[dict[str, Any], Any] | None:
    """The latest version's record of an item and its state row (None: no such item)."""
    with db.read() as conn:
        state = conn.execute(
            select(ItemStateRow).where(ItemStateRow.item_id == item_id)
        ).one_or_none()
        if state is None:
            return None
        record = conn.execute(
            select(ItemVersionRow.record).where(
                ItemVersionRow.item_id == item_id, ItemVersionRow.version_no == state.latest_no
            )
        ).scalar_one()
    return json.loads(record), state


def record_from_form(form: dict[str, str]) -> dict[str, Any]:
    """An item record from the editor's form (empty fields left out)."""
    record: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        value = form.get(key, "").replace("\r\n", "\n")
        if key not in ("body", "guidance"):
            value = value.strip()
        if value.strip():
            record[key] = value
    for key in LIST_FIELDS:
        lines = [line.strip() for line in form.get(key, "").splitlines() if line.strip()]
        if lines:
            record[key] = lines
    contact = {k: form[k].strip() for k in CONTACT_FIELDS if form.get(k, "").strip()}
    if contact:
        record["contact"] = contact
    return record


def form_from_record(record: dict[str, Any]) -> dict[str, str]:
    """The editor form's field values for a record."""
    form = {k: str(record.get(k) or "") for k in TEXT_FIELDS}
    for key in LIST_FIELDS:
        form[key] = "\n".join(str(v) for v in record.get(key) or [])
    for key in CONTACT_FIELDS:
        form[key] = str((record.get("contact") or {}).get(key, ""))
    form["kind"] = form["kind"] or "faq"
    form["language"] = form["language"] or "zh"
    return form


@dataclass
class Preview:
    """The body as the sidebar shows it (safe HTML), and (scripts) the words an agent pastes."""

    html: Markup
    cut: bool
    pasted: str = ""
    placeholders: list[str] = field(default_factory=list)


def preview(form: dict[str, str]) -> Preview:
    """The sidebar's rendering rules applied to the form's body (no HTML, no remote images)."""
    from deskmate.core.content.model import find_placeholders

    body = form.get("body", "")
    html, cut = render_markdown(body)
    if form.get("kind") == "script":
        return Preview(html, cut, script_text(body), list(find_placeholders(body)))
    return Preview(html, cut)
