"""Small builders shared by the server tests: packs and events."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from deskmate.core.activity.events import ConsultationEvent, EventKind


def item_record(item_id: str, title: str = "标题", **extra: Any) -> dict[str, Any]:
    """A valid FAQ record of the item schema."""
    return {
        "id": item_id,
        "kind": "faq",
        "title": title,
        "body": f"{title}的答案",
        "language": "zh",
        "updated_at": "2026-10-01T09:00:00+08:00",
        "version": 1,
        **extra,
    }


def write_pack(folder: Path, records: list[dict[str, Any]], name: str = "items.jsonl") -> Path:
    """Write records as a JSON Lines pack file; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def event(agent: str, kind: EventKind = EventKind.SEARCH, **extra: Any) -> dict[str, Any]:
    """One event in its upload format."""
    return ConsultationEvent(
        event_id=uuid.uuid4().hex,
        agent_id=agent,
        kind=kind,
        occurred_at=extra.pop("occurred_at", "2026-11-23T09:30:12.345678+08:00"),
        query=extra.pop("query", "花呗还款"),
        result_count=extra.pop("result_count", 3),
        **extra,
    ).to_dict()
