"""Immutable records that storage operations return, and the change notices they emit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum
from pathlib import Path
from types import MappingProxyType

# Every record is frozen (with slots): records are read on the UI thread while
# a worker may be fetching the next page, so none may change under its
# reader, and mappings inside them are read-only proxies for the same reason.
# No SQLAlchemy here: the layers above import these types freely.


def _empty_mapping() -> Mapping[str, int]:
    return MappingProxyType({})


class AttemptMode(StrEnum):
    """How a scenario is played: practice allows stepping back, assessment does not."""

    PRACTICE = "practice"
    ASSESSMENT = "assessment"


# The enum values are what the database stores (see the CHECK constraints in
# models.py): renaming one needs a migration, not just an edit here.
class AttemptStatus(StrEnum):
    """Where an attempt stands. The values are what the library's status column shows."""

    IN_PROGRESS = "in progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class ChangeKind(Enum):
    """Which kind of stored data a write operation changed."""

    PROFILES = "profiles"
    ATTEMPTS = "attempts"
    CHOICES = "choices"
    REFLECTIONS = "reflections"
    DRAFTS = "drafts"
    GROUP_SESSIONS = "group_sessions"


@dataclass(frozen=True, slots=True)
class Change:
    """What a committed write changed, so the UI refreshes only that.

    ``ids`` are the ids of the changed rows of ``kind`` (for DRAFTS, the attempt id).
    ``attempt_id`` is set when the change belongs to one attempt: a new choice
    also changes that attempt's summary counts.
    """

    kind: ChangeKind
    ids: tuple[int, ...]
    profile_id: int | None = None
    attempt_id: int | None = None


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """A trainee profile: several people may share one laptop."""

    id: int
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One play-through of a scenario by one profile.

    ``number`` counts the profile's attempts from 1 in the order they were started.
    """

    id: int
    profile_id: int
    number: int
    scenario_id: str
    # Which version of the scenario file was played: an edited scenario may
    # no longer have the nodes an old attempt went through.
    content_hash: str
    mode: AttemptMode
    status: AttemptStatus
    started_at: datetime
    finished_at: datetime | None
    ending_node_id: str | None
    # Seed of the answer order shown in this attempt; None for attempts recorded
    # before orders were shuffled, which were shown in the file's order.
    order_seed: int | None = None


@dataclass(frozen=True, slots=True)
class ChoiceEventRecord:
    """One choice made during an attempt, with the feedback that was shown.

    ``seq`` numbers the attempt's choices from 1. A choice the trainee stepped
    back from (practice mode) stays recorded with ``stepped_back=True`` and is
    left out of counts.
    """

    id: int
    attempt_id: int
    seq: int
    node_id: str
    choice_id: str
    # The role tag as stored (a taxonomy value), so an old record stays
    # readable even if the taxonomy's labels change.
    role: str
    effects: Mapping[int, int]
    # The feedback exactly as it was shown, kept even if the scenario is edited later.
    feedback: str
    created_at: datetime
    stepped_back: bool


@dataclass(frozen=True, slots=True)
class ReflectionRecord:
    """A saved answer to one reflection prompt of one attempt."""

    id: int
    attempt_id: int
    prompt_id: str
    text: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    """One row of the history list.

    ``choice_count`` and ``drift_count`` leave out stepped-back choices; a
    drift is any role other than peer-aligned.
    """

    id: int
    profile_id: int
    number: int
    scenario_id: str
    content_hash: str
    mode: AttemptMode
    status: AttemptStatus
    started_at: datetime
    finished_at: datetime | None
    ending_node_id: str | None
    choice_count: int
    drift_count: int
    reflection_count: int
    # As AttemptRecord.order_seed: None means the file's order.
    order_seed: int | None = None


@dataclass(frozen=True, slots=True)
class AttemptDetail:
    """Everything recorded for one attempt, for the history detail view and exports."""

    summary: AttemptSummary
    choices: tuple[ChoiceEventRecord, ...]
    reflections: tuple[ReflectionRecord, ...]


@dataclass(frozen=True, slots=True)
class LastResult:
    """A profile's standing on one scenario, for the library's status column.

    ``status`` is IN_PROGRESS when the most recent attempt is unfinished, else
    COMPLETED. ``last_finished_at``, ``ending_node_id`` and ``drift_count``
    describe the most recent completed attempt (None/0 if there is none yet).
    ``paused_attempt_id`` is the newest attempt of this scenario still in
    progress (to Resume or Start over), or None; it is set even when a later
    attempt of the same scenario was completed.
    """

    scenario_id: str
    status: AttemptStatus
    attempt_count: int
    completed_count: int
    last_finished_at: datetime | None
    ending_node_id: str | None
    drift_count: int
    paused_attempt_id: int | None = None


@dataclass(frozen=True, slots=True)
class ProfileBucket:
    """Role counts over a week, or over ten consecutive attempts.

    ``counts`` maps a role tag (e.g. ``"peer-aligned"``) to the number of
    choices with that role, stepped-back choices excluded; roles with no
    choices are absent. ``start`` is when the bucket's first attempt started.
    """

    label: str
    start: datetime
    attempt_count: int
    counts: Mapping[str, int] = field(default_factory=_empty_mapping)


@dataclass(frozen=True, slots=True)
class ReflectionHit:
    """A reflection matching a search.

    ``snippet`` is plain text around the match; ``snippet_parts`` is the same
    text split into (text, is_match) pieces so the UI can highlight without
    parsing markup.
    """

    reflection_id: int
    attempt_id: int
    scenario_id: str
    prompt_id: str
    snippet: str
    snippet_parts: tuple[tuple[str, bool], ...]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class GroupSessionRecord:
    """A facilitated group run of a scenario. It holds no personal identities."""

    id: int
    scenario_id: str
    content_hash: str
    started_at: datetime
    finished_at: datetime | None
    ending_node_id: str | None
    notes: str
    # Seed of the answer order the room saw; None means the file's order.
    order_seed: int | None = None


@dataclass(frozen=True, slots=True)
class GroupDecisionRecord:
    """The room's vote at one decision point and the choice the group went with."""

    id: int
    session_id: int
    seq: int
    node_id: str
    votes: Mapping[str, int]
    chosen_choice_id: str
    revealed_all: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GroupSessionSummary:
    """One row of the facilitator's session list."""

    id: int
    scenario_id: str
    content_hash: str
    started_at: datetime
    finished_at: datetime | None
    ending_node_id: str | None
    decision_count: int


@dataclass(frozen=True, slots=True)
class GroupSessionDetail:
    """A group session with its decisions in order."""

    session: GroupSessionRecord
    decisions: tuple[GroupDecisionRecord, ...]


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """A backup file of the database."""

    path: Path
    created_at: datetime
    size: int
