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

from deskmate.core import ContentError, Item, KnowledgeBase
from deskmate.core.content.taxonomy import Taxonomy
from deskmate.core.search.synonyms import SynonymTable
from deskmate.indexer.csv_reader import read_csv
from deskmate.indexer.jsonl_reader import read_jsonl
from deskmate.indexer.markdown_reader import read_markdown
from deskmate.indexer.records import RecordProblem, SourceRecord
from deskmate.indexer.skills_file import read_skills
from deskmate.indexer.text_files import MAX_SINGLE_ITEM_FILE_BYTES, read_text

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


def read_pack(
    sources: Iterable[Path], progress: Callable[[int, int], None] | None = None
) -> PackContents:
    """Read and validate every record of a pack (nothing is written)."""
    pack = PackContents()
    files = pack_files(sources)
    for n, path in enumerate(files, start=1):
        try:
            _read_file(pack, path)
        except ContentError as exc:
            pack.problems.append(_file_problem(path, exc))
        except Exception as exc:  # one file's failure must not stop the others
            # A reader bug, or the machine's limits (MemoryError): the details go to the
            # log file (INFO stays off the console), the user gets a sentence.
            log.info("reading %s failed", path, exc_info=True)
            reason = f"could not be read ({type(exc).__name__}); the log file has the details"
            pack.problems.append(RecordProblem(path, 0, reason))
        if progress is not None:
            progress(n, len(files))
    _check_skills(pack)
    return pack


def _file_problem(path: Path, exc: ContentError) -> RecordProblem:
    """The problem of a whole file, without repeating its name and line in the reason."""
    line = exc.fields.get("line", 0)
    reason = exc.message
    for prefix in (f"{path}: ", f"{path}, line {line}: ", f"{path}, "):
        reason = reason.removeprefix(prefix)
    return RecordProblem(path, line if isinstance(line, int) else 0, reason)


def _read_file(pack: PackContents, path: Path) -> None:
    if path.name == SYNONYMS_FILE:
        pack.files += 1
        text = read_text(path, MAX_SINGLE_ITEM_FILE_BYTES)
        pack.synonyms = SynonymTable.parse(text, source=str(path))
        return
    if path.name == SKILLS_FILE:
        pack.files += 1
        # Checked whole before anything is kept: a bad file leaves the stored taxonomy be.
        pack.skill_names, pack.taxonomy = read_skills(path)
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
    if not isinstance(item_id, str):
        reason = (
            f"id: {item_id!r} is not text; write the id as letters, digits, '.', '_', ':' or '-'"
        )
        pack.problems.append(RecordProblem(entry.file, entry.line, reason))
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
