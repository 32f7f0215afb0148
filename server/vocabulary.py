"""The search vocabulary of the imported packs: synonym groups and skill code → name.

``deskmate import`` gives a pack's ``synonyms.txt`` and ``skills.yaml`` to
``KnowledgeBase.set_vocabulary``; ``deskmate-server import`` stores the same two things
in the one row of the ``vocabulary`` table, and ``GET /api/v1/vocabulary`` hands them to
sync clients, which apply them with that same method. As on the desktop, a pack without
``synonyms.txt`` (or ``skills.yaml``) leaves the stored synonyms (or skill names) alone.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass

from deskmate.core.search.synonyms import SynonymTable
from deskmate.server.auth import User, unknown_token_error, user_from_row, user_query
from deskmate.server.tables import VocabularyRow
from sqlalchemy import Connection, select, update


@dataclass(frozen=True)
class Vocabulary:
    """The stored vocabulary.

    Attributes:
        version: Goes up by one with every import that changes it (0: none imported).
        synonyms: Synonym groups, each a list of at least two words.
        skills: Skill code → display name.
    """

    version: int
    synonyms: list[list[str]]
    skills: dict[str, str]

    def to_json(self) -> bytes:
        """The response body: ``{"version", "synonyms", "skills"}``."""
        body = {"version": self.version, "synonyms": self.synonyms, "skills": self.skills}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def etag(self) -> str:
        """The ETag of the body: a digest of it, so equal content means an equal tag.

        A digest rather than the version: a database restored from a backup or
        re-created may reach the same version number with other content.
        """
        return '"' + hashlib.sha256(self.to_json()).hexdigest()[:32] + '"'


def _encode(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def read_vocabulary(conn: Connection) -> Vocabulary:
    """The stored vocabulary (one primary-key read)."""
    row = conn.execute(
        select(VocabularyRow.version, VocabularyRow.synonyms, VocabularyRow.skills).where(
            VocabularyRow.id == 1
        )
    ).one()
    return Vocabulary(int(row.version), json.loads(row.synonyms), json.loads(row.skills))


def authenticate_with_vocabulary(
    conn: Connection, authorization: str | None
) -> tuple[User, tuple[str, bytes]]:
    """The token's user and the vocabulary's (ETag, body), in one statement.

    Raises:
        UnauthorizedError: the header is missing or malformed, or the token is
            unknown or revoked.
    """
    query = (
        user_query(authorization)
        .add_columns(VocabularyRow.version, VocabularyRow.synonyms, VocabularyRow.skills)
        .join(VocabularyRow, VocabularyRow.id == 1)
    )
    row = conn.execute(query).one_or_none()
    if row is None:
        raise unknown_token_error()
    return user_from_row(row), vocabulary_answer(row.version, row.synonyms, row.skills)


def vocabulary_answer(version: int, synonyms: str, skills: str) -> tuple[str, bytes]:
    """(ETag, response body) of a stored vocabulary row (its columns as stored).

    Derived once per distinct stored content and remembered, so an idle poll, which only
    needs the ETag, parses, re-encodes and hashes nothing.
    """
    return _answer(int(version), synonyms, skills)


@functools.lru_cache(maxsize=8)
def _answer(version: int, synonyms: str, skills: str) -> tuple[str, bytes]:
    current = Vocabulary(version, json.loads(synonyms), json.loads(skills))
    return current.etag(), current.to_json()


def store_vocabulary(
    conn: Connection, synonyms: SynonymTable | None, skills: dict[str, str] | None
) -> bool:
    """Replace the synonyms and/or skill names (None: keep); bump the version on a change.

    Call it inside the import's transaction, after the sequence row is locked, so
    concurrent imports number their versions in order.

    Returns:
        True when the stored vocabulary changed.
    """
    if synonyms is None and skills is None:
        return False
    row = conn.execute(
        select(VocabularyRow.version, VocabularyRow.synonyms, VocabularyRow.skills)
        .where(VocabularyRow.id == 1)
        .with_for_update()
    ).one()
    new_synonyms = row.synonyms if synonyms is None else _encode([list(g) for g in synonyms.groups])
    new_skills = row.skills if skills is None else _encode(skills)
    if (new_synonyms, new_skills) == (row.synonyms, row.skills):
        return False
    conn.execute(
        update(VocabularyRow)
        .where(VocabularyRow.id == 1)
        .values(version=int(row.version) + 1, synonyms=new_synonyms, skills=new_skills)
    )
    return True
