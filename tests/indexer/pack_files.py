"""Building content-pack files for the reader tests: good records and hostile ones."""

from __future__ import annotations

import json
from pathlib import Path

CSV_HEADER = (
    "id,title,questions,body,tags,skills,product,channel,language,owner,updated_at,version\n"
)
STAMP = "2026-10-01T09:00:00+08:00"

# "Billion laughs": nine levels, each a list of ten aliases of the level before.
ALIAS_BOMB = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 10)
)


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def record(item_id: str, title: str = "好的标题", body: str = "答案") -> dict[str, object]:
    return {
        "id": item_id,
        "kind": "faq",
        "title": title,
        "body": body,
        "language": "zh",
        "updated_at": STAMP,
        "version": 1,
    }


def jsonl(*records: dict[str, object]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def csv_row(item_id: str, title: str = "好的标题", body: str = "答案正文") -> str:
    return (
        f"{item_id},{title},问法一|问法二,{body},标签,billing.refund,支付,voice,zh,组,{STAMP},1\n"
    )


def markdown(item_id: str, extra: str = "", title: str = "好的标题") -> str:
    return (
        f"---\nid: {item_id}\nkind: faq\ntitle: {title}\nlanguage: zh\n"
        f"updated_at: {STAMP}\nversion: 1\n{extra}---\n答案正文\n"
    )
