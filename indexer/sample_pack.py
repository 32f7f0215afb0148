"""The bundled sample content pack: the default knowledge when no server is configured."""

from __future__ import annotations

import logging
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

from deskmate.core import KnowledgeBase
from deskmate.indexer.pack_import import ImportReport, import_pack

log = logging.getLogger(__name__)
FIRST_RUN_KEY = "sample_pack_loaded"


def sample_pack_path(stack: ExitStack) -> Path:
    """A filesystem path to the bundled pack (valid while ``stack`` is open)."""
    ref = resources.files("deskmate.resources").joinpath("sample_pack")
    return stack.enter_context(resources.as_file(ref))


def load_sample_pack_if_empty(kb: KnowledgeBase) -> ImportReport | None:
    """On first run (an empty knowledge base never seeded), import the sample pack."""
    if sum(kb.count().values()) or kb.get_meta(FIRST_RUN_KEY):
        return None
    with ExitStack() as stack:
        report = import_pack(kb, [sample_pack_path(stack)])
    kb.set_meta(FIRST_RUN_KEY, "1")
    log.info("first run: loaded the sample pack (%d items)", report.added)
    return report
