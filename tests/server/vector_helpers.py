"""Shared by the server's encoding tests (``deskmate-server encode``, serve's backfill).

Their ``encoder`` fixture (the real encoder) is in tests/server/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

from deskmate.server.content_import import import_packs

from tests.server.conftest import RunningServer
from tests.server.helpers import item_record, write_pack

#: Short FAQ titles: a handful of texts the real encoder does in about a second.
TITLES = [
    "话费怎么查",
    "流量包怎么退订",
    "宽带报修电话",
    "国际漫游怎么开",
    "积分兑换话费",
    "副卡怎么办理",
]


def import_without_vectors(server: RunningServer, tmp_path: Path, titles: list[str]) -> None:
    """Import FAQs ``faq-0``… with these titles as a server without an encoder would."""
    records = [item_record(f"faq-{n}", title) for n, title in enumerate(titles)]
    report = import_packs(server.db, [write_pack(tmp_path / "pack", records)], encoder=lambda: None)
    assert report.added == len(titles)
