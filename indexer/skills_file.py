"""Reading ``skills.yaml``: the pack's skills taxonomy, its shape checked before use.

The expected shape::

    skills:
      - code: billing.refund          # a skill code, as items use them
        parent: billing               # optional
        name: {zh: 退款处理, en: Refunds}   # or one string
    roles:
      - code: new_agent
        name: {zh: 新员工, en: New agent}
        targets: {billing.refund: 2}  # skill code -> level 1 to 5

Anything else (``skills: [billing]``, a role whose targets are a list...) is refused
with a sentence saying where and what was expected, never half-read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from deskmate.core.content.taxonomy import Taxonomy
from deskmate.core.errors import ContentError
from deskmate.indexer.records import clip
from deskmate.indexer.safe_yaml import load_yaml
from deskmate.indexer.text_files import MAX_SINGLE_ITEM_FILE_BYTES, read_text

# The item schema's skillCode: items can only refer to skills spelt like this.
_SKILL_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")


def _fail(source: str, where: str, what: str) -> ContentError:
    return ContentError(f"{source}: {where}: {what}", file=source)


def _check_name(source: str, where: str, entry: Mapping[Any, Any]) -> None:
    name = entry.get("name")
    if name is None or isinstance(name, str):
        return
    if not isinstance(name, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str | None) for k, v in name.items()
    ):
        raise _fail(source, where, "'name' must be text, or {zh: 中文名, en: English name}")


def _entries(source: str, data: Mapping[Any, Any], key: str, example: str) -> list[Any]:
    entries = data.get(key)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise _fail(source, f"'{key}'", f"must be a list of entries like {example}")
    return entries


def _check_skills(source: str, data: Mapping[Any, Any]) -> None:
    example = "'- code: billing.refund'"
    for n, entry in enumerate(_entries(source, data, "skills", example), start=1):
        where = f"skill {n}"
        if not isinstance(entry, Mapping):
            raise _fail(source, where, f"{clip(repr(entry), 60)} is not an entry like {example}")
        code = entry.get("code")
        if not isinstance(code, str) or not _SKILL_CODE.fullmatch(code):
            raise _fail(
                source,
                where,
                f"the code {clip(repr(code), 60)} is not a skill code (lower-case letters, "
                "digits and _, parts separated by dots, e.g. billing.refund)",
            )
        parent = entry.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise _fail(source, f"skill '{code}'", "'parent' must be a skill code")
        _check_name(source, f"skill '{code}'", entry)


def _check_roles(source: str, data: Mapping[Any, Any]) -> None:
    example = "'- code: new_agent' with 'targets: {billing.refund: 2}'"
    for n, entry in enumerate(_entries(source, data, "roles", example), start=1):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("code"), str | int):
            raise _fail(source, f"role {n}", f"is not an entry like {example}")
        where = f"role '{clip(str(entry['code']), 60)}'"
        _check_name(source, where, entry)
        targets = entry.get("targets")
        if targets is not None and not isinstance(targets, Mapping):
            raise _fail(
                source, where, "'targets' must map skill codes to levels, e.g. {billing.refund: 2}"
            )


def parse_skills(text: str, source: str) -> tuple[dict[str, str], Taxonomy]:
    """The skill names (code → display name) and the taxonomy of a skills.yaml text.

    Raises:
        ContentError: the YAML is invalid or not of the expected shape; the message
            says where and what was expected.
    """
    data = load_yaml(text, source)
    if data is None:
        return {}, Taxonomy()
    if not isinstance(data, Mapping):
        raise _fail(source, "the file", "must hold 'skills:' and 'roles:' lists")
    _check_skills(source, data)
    _check_roles(source, data)
    taxonomy = Taxonomy.from_data(data, source=source)
    return _skill_names(data), taxonomy


def _skill_names(data: Mapping[Any, Any]) -> dict[str, str]:
    """Code → the names as searched (every language's, space-separated)."""
    names: dict[str, str] = {}
    for entry in data.get("skills") or []:
        name = entry.get("name", "")
        if isinstance(name, Mapping):
            name = " ".join(str(v) for v in name.values())
        names[str(entry["code"])] = str(name)
    return names


def read_skills(path: Path) -> tuple[dict[str, str], Taxonomy]:
    """Read a pack's skills.yaml (see :func:`parse_skills`).

    Raises:
        ContentError: unreadable, too large, invalid YAML or the wrong shape.
    """
    return parse_skills(read_text(path, MAX_SINGLE_ITEM_FILE_BYTES), str(path))
