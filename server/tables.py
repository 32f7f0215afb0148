"""SQLAlchemy tables of the server's database (SQLite or PostgreSQL).

The Alembic migrations in ``migrations/versions`` create these; this module is what
the code queries. Keep the two in step (tests/server/test_schema.py compares them).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the server schema."""


class ServerMetaRow(Base):
    """The one row of server facts: the epoch id and the head of the change sequence.

    ``head_seq`` is the last change number handed out. Writers lock this row for the
    whole import transaction, so change numbers become visible in the order they were
    handed out (a database sequence would let a later import commit first, and a client
    whose cursor moved past its numbers would never see the earlier one).
    """

    __tablename__ = "server_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    head_seq: Mapped[int] = mapped_column(BigInteger)


class UserRow(Base):
    """A person who may use the API: an agent, a manager or an editor."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    team: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[str] = mapped_column(String(40))
    # The job role of the taxonomy whose targets the agent's profile measures against.
    learning_role: Mapped[str | None] = mapped_column(String(64))


class TokenRow(Base):
    """An API token; only its SHA-256 is stored, so a database leak reveals no token."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(40))
    revoked_at: Mapped[str | None] = mapped_column(String(40))


class ItemRow(Base):
    """One published content item: its record (JSON in the item schema), version and change.

    ``teams`` and ``seen_by`` hold team names each between two U+001F characters (so
    one ``LIKE`` tests membership): the teams that receive the item now, and
    every team that ever could (a team that could but no longer can is sent a deletion).
    NULL means every team (migration 0008).
    """

    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    record: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    teams: Mapped[str | None] = mapped_column(Text)
    seen_by: Mapped[str | None] = mapped_column(Text)


class ItemVectorRow(Base):
    """An item's sentence-encoder vector (int8 + scale), shipped with it in the feed.

    Migration 0010.

    ``text_digest`` names the text encoded (core/semantic/vector_job.item_text): an import
    encodes only items whose text or model changed.
    """

    __tablename__ = "item_vectors"

    item_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(96))
    text_digest: Mapped[str] = mapped_column(String(40))
    scale: Mapped[float] = mapped_column(Float)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class GapTextVectorRow(Base):
    """A gap signal text's sentence vector (int8 + scale), made once per text and model.

    Migration 0011. Keyed by the model and the SHA-1 of the text's normal form
    (server/gap_features.normal_form): the same query typed again is not encoded again,
    a restart re-encodes nothing, and a new model's vectors never meet an old one's.
    """

    __tablename__ = "gap_text_vectors"

    model_id: Mapped[str] = mapped_column(String(96), primary_key=True)
    text_digest: Mapped[str] = mapped_column(String(40), primary_key=True)
    scale: Mapped[float] = mapped_column(Float)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class DeletionRow(Base):
    """A tombstone: item ``id`` was deleted at change ``seq``.

    ``seen_by``: the teams that ever could receive the item (NULL: every team); only they
    are told of its deletion, so a team-limited item's id does not reach other teams.
    """

    __tablename__ = "deletions"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    seen_by: Mapped[str | None] = mapped_column(Text)


class EventRow(Base):
    """An uploaded consultation event, stored once per ``event_id``.

    ``payload`` is the event's upload format (JSON text); ``agent``, ``kind`` and
    ``occurred_at`` are copied out of it for the managers' queries.
    """

    __tablename__ = "events"

    event_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agent: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[str | None] = mapped_column(String(128))  # copied out for the profiles


Index("ix_events_agent_occurred", EventRow.agent, EventRow.occurred_at)
Index("ix_events_kind_received", EventRow.kind, EventRow.received_at)


class VocabularyRow(Base):
    """The one row of the search vocabulary of the imported packs (``GET /api/v1/vocabulary``).

    ``synonyms`` is JSON, a list of synonym groups (lists of words); ``skills`` is JSON, an
    object of skill code → display name: what ``deskmate import`` hands to
    ``KnowledgeBase.set_vocabulary``. ``version`` goes up by one whenever an import changes
    either of them (0: no pack with ``synonyms.txt`` or ``skills.yaml`` imported yet).
    """

    __tablename__ = "vocabulary"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    synonyms: Mapped[str] = mapped_column(Text)
    skills: Mapped[str] = mapped_column(Text)


# -- learning profiles and the knowledge-gap queue (migration 0003) ---------------------


class SkillRow(Base):
    """A skill of the content pack's taxonomy (``skills.yaml``)."""

    __tablename__ = "skills"

    code: Mapped[str] = mapped_column(String(128), primary_key=True)
    names: Mapped[str] = mapped_column(Text)  # JSON {"zh": ..., "en": ...}
    parent: Mapped[str | None] = mapped_column(String(128))


class LearningRoleRow(Base):
    """A job role of the taxonomy and the level it needs in each skill."""

    __tablename__ = "learning_roles"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    names: Mapped[str] = mapped_column(Text)  # JSON {"zh": ..., "en": ...}
    targets: Mapped[str] = mapped_column(Text)  # JSON {skill code: level 1-5}


class SelfAssessmentRow(Base):
    """An agent's own rating of a skill, 1 to 5 (the latest one counts)."""

    __tablename__ = "self_assessments"

    agent: Mapped[str] = mapped_column(String(128), primary_key=True)
    skill: Mapped[str] = mapped_column(String(128), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[str] = mapped_column(String(40))


class ManagerRatingRow(Base):
    """A manager's rating (1 to 5) and comment on an agent's skill (the latest counts)."""

    __tablename__ = "manager_ratings"

    agent: Mapped[str] = mapped_column(String(128), primary_key=True)
    skill: Mapped[str] = mapped_column(String(128), primary_key=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)
    rated_by: Mapped[str] = mapped_column(String(128))
    rated_at: Mapped[str] = mapped_column(String(40))


class ScoreRow(Base):
    """A test or QA score (0 to 100) imported from a QA or LMS export."""

    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent: Mapped[str] = mapped_column(String(128), index=True)
    skill: Mapped[str] = mapped_column(String(128))
    score: Mapped[float] = mapped_column(Float)
    taken_on: Mapped[str] = mapped_column(String(10))  # ISO date
    source: Mapped[str] = mapped_column(String(256))
    imported_at: Mapped[str] = mapped_column(String(40))


class AssignmentRow(Base):
    """Learning a manager pushed to an agent: an item or a resource, due by a date."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(500))
    skill: Mapped[str | None] = mapped_column(String(128))
    item_id: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str] = mapped_column(Text)
    due_on: Mapped[str] = mapped_column(String(10))  # ISO date
    window_start: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", local time
    window_end: Mapped[str | None] = mapped_column(String(5))
    assigned_by: Mapped[str] = mapped_column(String(128))
    assigned_at: Mapped[str] = mapped_column(String(40))
    done_at: Mapped[str | None] = mapped_column(String(40))


class GapTopicRow(Base):
    """A topic of the editors' gap queue: similar gap signals grouped together.

    ``status``: open, accepted, dismissed, merged (into ``merged_into``) or resolved (by
    ``resolution_item_id``).
    """

    __tablename__ = "gap_topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), index=True)
    merged_into: Mapped[int | None] = mapped_column(Integer)
    resolution_item_id: Mapped[str | None] = mapped_column(String(128))
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[str] = mapped_column(String(40))
    decision_note: Mapped[str | None] = mapped_column(Text)  # e.g. why it was dismissed


class GapSignalRow(Base):
    """One reason to think something is missing, in one topic.

    A gap flag, a search that found nothing or had nothing opened, an unhelpful vote,
    or an agent's proposal.
    """

    __tablename__ = "gap_signals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # event id, or "p<id>"
    topic_id: Mapped[int] = mapped_column(ForeignKey("gap_topics.id"), index=True)
    agent: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    query: Mapped[str] = mapped_column(Text)
    item_id: Mapped[str | None] = mapped_column(String(128))
    occurred_at: Mapped[str] = mapped_column(String(40))
    gap_type: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    case_ref: Mapped[str | None] = mapped_column(Text)  # the case number typed, cleaned
    owner: Mapped[str | None] = mapped_column(String(128))  # the item's owner, if any
    text_from: Mapped[str | None] = mapped_column(String(8))  # query, title, note or none


class ProposalRow(Base):
    """A new FAQ, or an edit of an item, that an agent proposed from the sidebar."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    skills: Mapped[str] = mapped_column(Text)  # JSON list of skill codes
    item_id: Mapped[str | None] = mapped_column(String(128))  # the item to edit, if any
    status: Mapped[str] = mapped_column(String(16))  # open, accepted, rejected
    created_at: Mapped[str] = mapped_column(String(40))
    # The sidebar's own id for it, so a re-sent proposal is stored once.
    client_id: Mapped[str | None] = mapped_column(String(64))


Index("ux_proposals_agent_client", ProposalRow.agent, ProposalRow.client_id, unique=True)


class NoticeRow(Base):
    """Something to tell one agent in the sidebar: a new assignment, a resolved gap."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)  # JSON, kind-specific
    created_at: Mapped[str] = mapped_column(String(40))


Index("ix_notices_agent_id", NoticeRow.agent, NoticeRow.id)


class ProfileCacheRow(Base):
    """An agent's last computed profile and the stamp of the inputs it was computed from."""

    __tablename__ = "profile_cache"

    agent: Mapped[str] = mapped_column(String(128), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)


class JobMarkRow(Base):
    """How far a background job got, e.g. the gap queue's last collected upload time."""

    __tablename__ = "job_marks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


# -- history of the learning profiles (migration 0005) ----------------------------------


class LevelHistoryRow(Base):
    """An agent's computed level in a skill for one ISO week (the week's last computation).

    Written whenever a profile is computed (on request or by the warmer, at least daily),
    so the row of the current week always holds the level shown now; the rows of past
    weeks are the trend.
    """

    __tablename__ = "level_history"

    agent: Mapped[str] = mapped_column(String(128), primary_key=True)
    week: Mapped[str] = mapped_column(String(8), primary_key=True)  # ISO week, "2026-W44"
    skill: Mapped[str] = mapped_column(String(128), primary_key=True)
    level: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[str] = mapped_column(String(40))


class AssessmentHistoryRow(Base):
    """Every manager rating and self-assessment ever given (their tables keep the latest).

    ``kind`` is ``rating`` or ``self``; ``given_by`` is the rating manager (None for ``self``).
    Scores need no copy here: the ``scores`` table keeps every imported score.
    """

    __tablename__ = "assessment_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent: Mapped[str] = mapped_column(String(128))
    skill: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)
    given_by: Mapped[str | None] = mapped_column(String(128))
    recorded_at: Mapped[str] = mapped_column(String(40))


Index("ix_assessment_history_agent", AssessmentHistoryRow.agent, AssessmentHistoryRow.skill)


# -- the editors' workbench: versions, lifecycle, verification, audit (migration 0008) ---


class ItemVersionRow(Base):
    """One version of an item: a draft, in review, published (now or once) or archived.

    ``record`` is the item in the item schema (its ``version`` is ``version_no``);
    ``based_on`` the version the editor started from (None for a first draft).
    """

    __tablename__ = "item_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(String(128))
    version_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    record: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text)
    based_on: Mapped[int | None] = mapped_column(Integer)


Index("ux_item_versions_item_no", ItemVersionRow.item_id, ItemVersionRow.version_no, unique=True)


class ItemStateRow(Base):
    """An item's authoring state: one row per item, what the editors' list pages read.

    ``status`` is the latest version's; ``published_no`` the version in the feed (None:
    not published, or archived). ``title_key`` is the lowercased title, for the list.
    ``source`` links a draft to what it answers (``topic:12`` or ``proposal:3``).
    """

    __tablename__ = "item_states"

    item_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    title_key: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))
    latest_no: Mapped[int] = mapped_column(Integer)
    published_no: Mapped[int | None] = mapped_column(Integer)
    owner: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[str] = mapped_column(String(40))
    updated_by: Mapped[str] = mapped_column(String(128))
    verify_days: Mapped[int | None] = mapped_column(Integer)  # None: the kind's default
    verified_by: Mapped[str | None] = mapped_column(String(128))
    verified_at: Mapped[str | None] = mapped_column(String(40))
    due_at: Mapped[str | None] = mapped_column(String(40))  # next verification, if published
    source: Mapped[str | None] = mapped_column(String(40))


Index("ix_item_states_status_id", ItemStateRow.status, ItemStateRow.item_id)
Index("ix_item_states_kind_id", ItemStateRow.kind, ItemStateRow.item_id)
Index("ix_item_states_title_key", ItemStateRow.title_key)
Index("ix_item_states_owner_due", ItemStateRow.owner, ItemStateRow.due_at)
Index("ix_item_states_due", ItemStateRow.due_at)


class AuditRow(Base):
    """Who changed what, when and from which address (every workbench change)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[str | None] = mapped_column(String(128))
    version_no: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)  # JSON


Index("ix_audit_log_item", AuditRow.item_id, AuditRow.id)


# -- server settings (migration 0009) ----------------------------------------------------


class ServerSettingRow(Base):
    """One server setting (``deskmate-server setting``), read by every server process."""

    __tablename__ = "server_settings"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[str] = mapped_column(String(40))
