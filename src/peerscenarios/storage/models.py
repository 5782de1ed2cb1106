"""SQLAlchemy 2 tables for profiles, attempts, choices, reflections and group sessions."""

# These classes never leave the storage package: operations convert rows to
# the frozen records of records.py inside the transaction (mappers.py). The
# schema itself is created by the Alembic migrations, not by ``create_all``;
# tests/storage/test_schema.py checks that the two agree.

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints let Alembic's batch mode (which rebuilds SQLite tables)
# find and alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PROFILE_NAME_MAX = 80


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC text and reads them back as aware UTC.

    SQLite has no time zones; keeping everything in UTC makes ordering and
    range filters correct across daylight-saving changes and travel.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("storage only accepts timezone-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Profile(Base):
    """A trainee profile."""

    __tablename__ = "profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NOCASE: "Sam" and "sam" on one shared laptop are the same person.
    name: Mapped[str] = mapped_column(String(PROFILE_NAME_MAX, collation="NOCASE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="profile", lazy="raise", passive_deletes=True
    )


class Attempt(Base):
    """One play-through. ``choice_count``/``drift_count`` are kept in step by record_choice."""

    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("profile_id", "number"),
        CheckConstraint("mode IN ('practice', 'assessment')", name="mode"),
        CheckConstraint("status IN ('in progress', 'completed', 'abandoned')", name="status"),
        # History list: newest first within a profile, optionally within a date range.
        Index(None, "profile_id", "started_at", "id"),
        # Library status column: latest attempt per scenario.
        Index(None, "profile_id", "scenario_id", "started_at"),
        # Weekly boundary profile: attempts grouped by ISO week.
        Index(None, "profile_id", "week", "started_at"),
        # Resume offer at start-up: only unfinished attempts, so this stays tiny.
        Index(
            "ix_attempt_open",
            "profile_id",
            "started_at",
            sqlite_where=text("status = 'in progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profile.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    scenario_id: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(128))
    mode: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ending_node_id: Mapped[str | None] = mapped_column(String(200))
    # ISO week of the local start time ("2026-W47"): SQLite before 3.46 cannot
    # compute ISO weeks, and the trainee's week is the local one.
    week: Mapped[str] = mapped_column(String(10))
    choice_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    drift_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # Seed of the answer order the trainee saw; NULL (attempts from before
    # revision 0002) means the scenario file's own order.
    order_seed: Mapped[int | None] = mapped_column(Integer)

    profile: Mapped[Profile] = relationship(back_populates="attempts", lazy="raise")
    choices: Mapped[list[ChoiceEvent]] = relationship(
        back_populates="attempt", lazy="raise", passive_deletes=True
    )


class ChoiceEvent(Base):
    """A choice made in an attempt, with its role tag and the feedback shown."""

    __tablename__ = "choice_event"
    __table_args__ = (UniqueConstraint("attempt_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    node_id: Mapped[str] = mapped_column(String(200))
    choice_id: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(60))
    # JSON object {"competency number": effect}; small, read back whole.
    effects: Mapped[str] = mapped_column(Text)
    feedback: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stepped_back: Mapped[bool] = mapped_column(Boolean, server_default=text("0"))

    attempt: Mapped[Attempt] = relationship(back_populates="choices", lazy="raise")


class AttemptRoleCount(Base):
    """Per-attempt count of non-stepped-back choices per role.

    Denormalised on purpose: the boundary profile sums these few rows per
    attempt instead of scanning every choice event.
    """

    __tablename__ = "attempt_role_count"
    __table_args__ = (
        PrimaryKeyConstraint("attempt_id", "role"),
        {"sqlite_with_rowid": False},
    )

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(60))
    n: Mapped[int] = mapped_column(Integer)


class Reflection(Base):
    """A saved reflection: one per attempt and prompt."""

    __tablename__ = "reflection"
    __table_args__ = (UniqueConstraint("attempt_id", "prompt_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    prompt_id: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReflectionDraft(Base):
    """Autosaved, not yet saved reflection text; removed when the reflection is saved."""

    __tablename__ = "reflection_draft"
    __table_args__ = (
        PrimaryKeyConstraint("attempt_id", "prompt_id"),
        {"sqlite_with_rowid": False},
    )

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    prompt_id: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GroupSession(Base):
    """A facilitated group run. Deliberately has no column for any person."""

    __tablename__ = "group_session"
    __table_args__ = (Index(None, "started_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ending_node_id: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, server_default=text("''"))
    # Seed of the answer order the room saw; NULL means the file's own order.
    order_seed: Mapped[int | None] = mapped_column(Integer)

    decisions: Mapped[list[GroupDecision]] = relationship(
        back_populates="session", lazy="raise", passive_deletes=True
    )


class GroupDecision(Base):
    """Anonymous vote counts at one decision point of a group session."""

    __tablename__ = "group_decision"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    node_id: Mapped[str] = mapped_column(String(200))
    # JSON object {"choice id": votes}.
    votes: Mapped[str] = mapped_column(Text)
    chosen_choice_id: Mapped[str] = mapped_column(String(200))
    revealed_all: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    session: Mapped[GroupSession] = relationship(back_populates="decisions", lazy="raise")
