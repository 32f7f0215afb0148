"""VocabularyPull: the server's synonym groups and skill names into the knowledge base.

``GET /api/v1/vocabulary`` carries what ``deskmate import`` reads from a pack's
``synonyms.txt`` and ``skills.yaml``. The answer is validated whole, then applied with
:meth:`KnowledgeBase.set_vocabulary`, which rebuilds the search index when the analysis
changed (on the calling thread: the sync's worker, never the UI thread). Its ETag is
stored afterwards, so a crash in between only fetches and applies it again, which
changes nothing the second time.

The ETag is stored with a digest of the local vocabulary it was applied to: if that
changes locally (a ``deskmate import`` of a pack), the next sync asks without
``If-None-Match`` and the server's vocabulary is applied again, as with items, the server
is the source of truth once sync is configured.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass

from deskmate.core.errors import ContentError, OperationCancelledError
from deskmate.core.knowledge_base import KnowledgeBase
from deskmate.core.search.synonyms import SynonymTable
from deskmate.core.sync.errors import ProtocolError
from deskmate.core.sync.transport import SyncSession, VocabularyAnswer

log = logging.getLogger(__name__)

VOCABULARY_ETAG_KEY = "sync.vocabulary_etag"


@dataclass
class VocabularyResult:
    """What a vocabulary fetch did.

    Attributes:
        version: The server's vocabulary version (None: not fetched, 304 or 404).
        changed: The local synonyms or skill names changed.
        not_modified: The server answered 304: nothing changed since the last fetch.
        unsupported: The server has no vocabulary endpoint (404: an older server).
    """

    version: int | None = None
    changed: bool = False
    not_modified: bool = False
    unsupported: bool = False


def check_vocabulary(answer: VocabularyAnswer, host: str) -> tuple[SynonymTable, dict[str, str]]:
    """Validate a vocabulary answer; anything malformed rejects all of it.

    Raises:
        ProtocolError: a synonym group is not a list of at least two distinct words
            that survive the synonym file format, or a skill name is not a string.
    """

    def broken(what: str) -> ProtocolError:
        return ProtocolError(
            f"The server at {host} sent a vocabulary with {what}; it was refused and "
            "nothing local was changed.",
            host=host,
        )

    groups: list[list[str]] = []
    for n, group in enumerate(answer.synonyms, start=1):
        if not isinstance(group, list) or not all(isinstance(w, str) for w in group):
            raise broken(f"synonym group {n} that is not a list of words")
        if not _plain_group(group):
            raise broken(f"synonym group {n} that is not two or more plain words")
        groups.append(group)
    skills: dict[str, str] = {}
    for code, name in answer.skills.items():
        if not code:
            raise broken("a skill without a code")
        if not isinstance(name, str):
            raise broken(f"skill {code!r} whose name is not a string")
        skills[code] = name
    return SynonymTable(groups), skills


def _plain_group(group: list[str]) -> bool:
    """Two or more distinct words that read back the same from the synonym file format."""
    table = SynonymTable([group])
    if len(table.groups) != 1 or len(table.groups[0]) != len(group):
        return False
    try:
        return SynonymTable.parse(table.to_text()).groups == table.groups
    except ContentError:
        return False


def vocabulary_digest(kb: KnowledgeBase) -> str:
    """A digest of the knowledge base's synonyms and skill names."""
    names = json.dumps(kb.skill_names, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{kb.synonyms.to_text()}\0{names}".encode()).hexdigest()


class VocabularyPull:
    """Fetches and applies the server's vocabulary. See the module docstring.

    Args:
        kb: The local knowledge base.
        session: The HTTP session to the server.
    """

    def __init__(self, kb: KnowledgeBase, session: SyncSession) -> None:
        self.kb = kb
        self.session = session
        self.result = VocabularyResult()

    def run(self, cancel: threading.Event | None = None) -> VocabularyResult:
        """Fetch the vocabulary (with the stored ETag) and apply it if it is new.

        A 404 (a server older than the endpoint) is not an error: ``unsupported`` is set.

        Raises:
            SyncError: the server failed or sent something unusable; nothing local changed.
            OperationCancelledError: ``cancel`` was set (before the request or during a
                rebuild of the index).
            StoreError: the local database refused a write.
        """
        result = self.result = VocabularyResult()
        if cancel is not None and cancel.is_set():
            raise OperationCancelledError("The sync was cancelled; it continues next time.")
        try:
            answer = self.session.get_vocabulary(self._stored_etag())
        except ProtocolError as exc:
            if exc.fields.get("status") != 404:
                raise
            log.warning("the server at %s does not serve a vocabulary", self.session.host)
            result.unsupported = True
            return result
        if answer is None:
            result.not_modified = True
            return result
        synonyms, skills = check_vocabulary(answer, self.session.host)
        before = vocabulary_digest(self.kb)
        # Rebuilds the search index if the analysis changed: this runs on the sync's thread,
        # and the sync's cancel stops it (the old index stays; the etag is not yet stored).
        self.kb.set_vocabulary(synonyms, skills, cancel=cancel)
        after = vocabulary_digest(self.kb)
        result.version = answer.version
        result.changed = after != before
        if result.changed:
            log.info("applied the server's vocabulary, version %d", answer.version)
        stored = json.dumps({"etag": answer.etag, "local": after}) if answer.etag else ""
        self.kb.set_meta(VOCABULARY_ETAG_KEY, stored)
        return result

    def _stored_etag(self) -> str | None:
        """The stored ETag, if the local vocabulary is still the one it was applied as."""
        raw = self.kb.get_meta(VOCABULARY_ETAG_KEY)
        try:
            stored = json.loads(raw) if raw else None
        except ValueError:
            return None
        if (
            isinstance(stored, dict)
            and isinstance(stored.get("etag"), str)
            and stored.get("local") == vocabulary_digest(self.kb)
        ):
            return str(stored["etag"]) or None
        return None
