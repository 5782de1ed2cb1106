"""Immutable records the course client returns, and the filters its lists take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from peerscenarios.course.sessions import SessionUpload
from peerscenarios.course.snapshot import Snapshot


class CourseRole(StrEnum):
    """What a signed-in person is on the course server."""

    TRAINEE = "trainee"
    FACILITATOR = "facilitator"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is signed in: the login name and their role in the course."""

    user: str
    role: CourseRole
    # The server's course-schema revision, as read at sign-in.
    schema_revision: str


@dataclass(frozen=True, slots=True)
class SubmissionSummary:
    """One row of a submission list; a withdrawn one keeps these facts but no content."""

    # No payload here: lists are built from these, and the content is fetched only
    # when one submission is opened.

    id: int
    owner: str
    created_at: datetime
    withdrawn_at: datetime | None
    profile_name: str
    period_from: date | None
    period_to: date | None
    attempt_count: int
    reflection_count: int

    @property
    def withdrawn(self) -> bool:
        """True once the trainee has withdrawn it."""
        return self.withdrawn_at is not None


@dataclass(frozen=True, slots=True)
class Submission:
    """A submission with its content (``snapshot`` is None once withdrawn)."""

    summary: SubmissionSummary
    snapshot: Snapshot | None


@dataclass(frozen=True, slots=True)
class SubmissionFilter:
    """Which cohort submissions to list: one trainee, a date range (inclusive local
    days on which they were sent), and whether withdrawn ones are shown."""

    trainee: str | None = None
    since: date | None = None
    until: date | None = None
    include_withdrawn: bool = True


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One row of the course's uploaded group sessions."""

    id: int
    uploaded_by: str
    uploaded_at: datetime
    scenario_id: str
    scenario_title: str
    started_at: datetime
    finished_at: datetime | None
    decision_count: int
    total_votes: int


@dataclass(frozen=True, slots=True)
class Session:
    """An uploaded group session with its decisions and votes."""

    summary: SessionSummary
    upload: SessionUpload


@dataclass(frozen=True, slots=True)
class SessionFilter:
    """Which uploaded sessions to list: one facilitator, one scenario, a date range
    (inclusive local days on which the session started)."""

    uploaded_by: str | None = None
    scenario_id: str | None = None
    since: date | None = None
    until: date | None = None
