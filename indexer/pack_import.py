"""PackImporter: reads a content pack and writes it into a KnowledgeBase.

A pack is a folder (or single files) of Markdown with front matter, CSV and JSON
Lines, plus optional ``synonyms.txt`` and ``skills.yaml``. Every record is
validated against the item schema; bad ones are reported with file, line and
reason and left out, never aborting the import or touching what is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from deskmate.core import ContentError, Item, KnowledgeBase
from deskmate.core.content.taxonomy import Taxonomy
from deskmate.core.search.synonyms import SynonymTable
from deskmate.indexer.csv_reader import read_csv
from deskmate.indexer.jsonl_reader import read_jsonl
from deskmate.indexer.markdown_reader import read_markdown
from deskmate.indexer.records import RecordProblem, SourceRecord
from deskmate.indexer.text_files import read_text

log = logging.getLogger(__name__)

READERS: dict[str, Callable[[Path], Iterator[SourceRecord | RecordProblem]]] = {
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".csv": read_csv,
    ".jsonl": read_jsonl,
}
SYNONYMS_FILE = "synonyms.txt"
SKILLS_FILE = "skills.yaml"


@dataclass
class ImportReport:
    """What an import read, changed and refused."""

    files: int = 0
    records: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    problems: list[RecordProblem] = field(default_factory=list)
    applied: bool = False


@dataclass
class PackContents:
    """A validated pack, ready to write."""

    items: dict[str, Item] = field(default_factory=dict)
    deletions: list[str] = field(default_factory=list)
    synonyms: SynonymTable | None = None
    skill_names: dict[str, str] | None = None
    taxonomy: Taxonomy | None = None
    files: int = 0
    records: int = 0
    problems: list[RecordProblem] = field(default_factory=list)


def pack_files(sources: Iterable[Path]) -> list[Path]:
    """The readable files of the given folders and files, in a stable order.

    Raises:
        ContentError: a source does not exist.
    """
    found: list[Path] = []
    for source in sources:
        if source.is_dir():
            found += sorted(
                p for p in source.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        elif source.is_file():
            found.append(source)
        else:
            raise ContentError(f"{source}: no such file or folder", file=str(source))
    return found


def _skill_names(data: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in data.get("skills", []) if isinstance(data, dict) else []:
        name = entry.get("name", "")
        if isinstance(name, dict):
            name = " ".join(str(v) for v in name.values())
        names[str(entry["code"])] = str(name)
    return names


def read_pack(
    sources: Iterable[Path], progress: Callable[[int, int], None] | None = None
) -> PackContents:
    """Read and validate every record of a pack (nothing is written)."""
    pack = PackContents()
    files = pack_files(sources)
    for n, path in enumerate(files, start=1):
        try:
            _read_file(pack, path)
        except (ContentError, yaml.YAMLError, KeyError, TypeError) as exc:
            reason = exc.message if isinstance(exc, ContentError) else f"unreadable: {exc}"
            pack.problems.append(RecordProblem(path, 0, reason))
        if progress is not None:
            progress(n, len(files))
    _check_skills(pack)
    return pack


def _read_file(pack: PackContents, path: Path) -> None:
    if path.name == SYNONYMS_FILE:
        pack.synonyms = SynonymTable.parse(read_text(path), source=str(path))
        pack.files += 1
        return
    if path.name == SKILLS_FILE:
        data = yaml.safe_load(read_text(path)) or {}
        pack.skill_names = _skill_names(data)
        pack.taxonomy = Taxonomy.from_data(data, source=str(path))
        pack.files += 1
        return
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return  # pack.yaml, READMEs, images: not content records
    pack.files += 1
    origin: dict[str, SourceRecord] = {}
    for entry in reader(path):
        if isinstance(entry, RecordProblem):
            pack.problems.append(entry)
            continue
        pack.records += 1
        _take(pack, entry, origin)


def _take(pack: PackContents, entry: SourceRecord, origin: dict[str, SourceRecord]) -> None:
    record = entry.data
    item_id = record.get("id")
    if not item_id:
        pack.problems.append(RecordProblem(entry.file, entry.line, "missing id"))
        return
    if item_id in pack.items or item_id in pack.deletions:
        pack.problems.append(
            RecordProblem(
                entry.file,
                entry.line,
                "duplicate id: this id appears earlier in the pack; the first one is kept",
                str(item_id),
            )
        )
        return
    if record.get("deleted") is True:
        pack.deletions.append(str(item_id))
        return
    try:
        pack.items[str(item_id)] = Item.from_dict(record)
    except ContentError as exc:
        pack.problems.append(RecordProblem(entry.file, entry.line, exc.message, str(item_id)))


def _check_skills(pack: PackContents) -> None:
    if not pack.skill_names:
        return
    for item in pack.items.values():
        unknown = [s for s in item.skills if s not in pack.skill_names]
        if unknown:
            log.warning(
                "item %s uses skill codes missing from skills.yaml: %s", item.id, ", ".join(unknown)
            )


def import_pack(
    kb: KnowledgeBase,
    sources: Iterable[Path],
    *,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Read a pack and write its valid records into ``kb``.

    With ``strict``, any problem means nothing is written (all or nothing).
    """
    pack = read_pack(sources, progress)
    report = ImportReport(files=pack.files, records=pack.records, problems=pack.problems)
    if strict and pack.problems:
        return report
    if pack.synonyms is not None or pack.skill_names is not None:
        kb.set_vocabulary(pack.synonyms, pack.skill_names)
    result = kb.upsert(pack.items.values(), pack.deletions)
    report.added, report.updated = result.added, result.updated
    report.unchanged, report.deleted = result.unchanged, result.deleted
    report.applied = True
    return report
