"""The course client the app calls: sign in, submit, list, withdraw, upload, read.

Each method is one user action: it opens one short transaction, returns
immutable records and never keeps the server waiting. What a person may see
or change is decided by the server's row-level security, not by this code:
a facilitator's list is simply what the server lets them read. Every failure
comes out as a :class:`~peerscenarios.course.errors.CourseError` with a plain
message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Select, and_, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from peerscenarios.core.reporting import local_bounds
from peerscenarios.course.connection import person_engine, translate
from peerscenarios.course.errors import (
    CourseError,
    NoPermission,
    NotFound,
    ServerNotReady,
    ServerTooNew,
)
from peerscenarios.course.payload import PayloadInvalid
from peerscenarios.course.records import (
    CourseRole,
    Identity,
    Session,
    SessionFilter,
    SessionSummary,
    Submission,
    SubmissionFilter,
    SubmissionSummary,
)
from peerscenarios.course.schema import (
    FACILITATOR_ROLE,
    PAYLOAD_VERSION,
    TRAINEE_ROLE,
    cohort_member,
    group_session_upload,
    schema_version,
    submission,
)
from peerscenarios.course.sessions import SessionUpload
from peerscenarios.course.settings import CourseSettings
from peerscenarios.course.snapshot import Snapshot

log = logging.getLogger(__name__)

# A portfolio of hundreds of attempts with reflections is a few MB of JSON;
# anything far beyond that is a mistake, not a portfolio.
MAX_PAYLOAD_BYTES = 20 * 1024 * 1024
# A page is a screenful; the cap keeps a caller's mistake from pulling a whole cohort.
PAGE_LIMIT_MAX = 500

# Lists never fetch the payload (JSONB, up to megabytes): a page of summaries stays
# small, and the content travels only when one submission is opened.
_SUMMARY_COLUMNS = (
    submission.c.id, submission.c.owner, submission.c.created_at, submission.c.withdrawn_at,
    submission.c.profile_name, submission.c.period_from, submission.c.period_to,
    submission.c.attempt_count, submission.c.reflection_count,
)
_SESSION_COLUMNS = (
    group_session_upload.c.id, group_session_upload.c.uploaded_by,
    group_session_upload.c.uploaded_at, group_session_upload.c.scenario_id,
    group_session_upload.c.scenario_title, group_session_upload.c.started_at,
    group_session_upload.c.finished_at, group_session_upload.c.decision_count,
    group_session_upload.c.total_votes,
)


def known_revisions() -> set[str]:
    """Every course-schema revision this version of PeerScenarios knows."""
    from peerscenarios.course.admin import script_directory

    return {rev.revision for rev in script_directory().walk_revisions()}


def _summary(row: Any) -> SubmissionSummary:
    return SubmissionSummary(
        id=row.id, owner=row.owner, created_at=row.created_at, withdrawn_at=row.withdrawn_at,
        profile_name=row.profile_name, period_from=row.period_from, period_to=row.period_to,
        attempt_count=row.attempt_count, reflection_count=row.reflection_count)


def _session_summary(row: Any) -> SessionSummary:
    return SessionSummary(
        id=row.id, uploaded_by=row.uploaded_by, uploaded_at=row.uploaded_at,
        scenario_id=row.scenario_id, scenario_title=row.scenario_title,
        started_at=row.started_at, finished_at=row.finished_at,
        decision_count=row.decision_count, total_votes=row.total_votes)


def _damaged(what: str, exc: PayloadInvalid) -> CourseError:
    log.warning("unreadable %s on the server: %s", what, exc)
    return CourseError(f"The {what} on the course server could not be read ({exc}).",
                       "It may have been sent by a newer version of PeerScenarios: "
                       "update this one and try again.")


def _page(offset: int, limit: int) -> tuple[int, int]:
    if offset < 0 or limit < 1:
        raise ValueError("offset must be >= 0 and limit >= 1")
    return offset, min(limit, PAGE_LIMIT_MAX)


class CourseClient:
    """A signed-in connection to the course server. Build it with :func:`connect`."""

    def __init__(self, engine: Engine, settings: CourseSettings, identity: Identity) -> None:
        self._engine = engine
        self.settings = settings
        self.identity = identity

    # ----------------------------------------------------------------- plumbing

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except CourseError:
            raise
        except SQLAlchemyError as exc:
            raise translate(exc) from exc

    def _require(self, role: CourseRole, doing: str) -> None:
        # Only for a clear message: the server's grants and policies are what refuse
        # (a trainee has no SELECT on group sessions at all).
        if self.identity.role is not role:
            raise NoPermission(f"Only a course {role.value} can {doing}.",
                               f"You are signed in as {self.identity.user}, "
                               f"a {self.identity.role.value}.")

    def close(self) -> None:
        """Close the connections; the client cannot be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> CourseClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def user(self) -> str:
        """The signed-in login name."""
        return self.identity.user

    @property
    def role(self) -> CourseRole:
        """Trainee or facilitator."""
        return self.identity.role

    def change_password(self, new_password: str) -> None:
        """Set a new password for the signed-in person (sent as a SCRAM hash, never as text)."""
        # The administrator's own minimum (admin.MIN_PASSWORD). PostgreSQL lets any login
        # role change its own password, so no administrator is involved.
        if len(new_password) < 8:
            raise CourseError("That password is too short.", "Use at least 8 characters.")
        from peerscenarios.course.admin import set_password

        with self._tx() as conn:
            set_password(conn, self.identity.user, new_password)

    # ------------------------------------------------------------------ trainee

    def submit_portfolio(self, snapshot: Snapshot) -> SubmissionSummary:
        """Send one portfolio snapshot; returns the new row as the server stored it."""
        self._require(CourseRole.TRAINEE, "submit a portfolio")
        # Checked before anything is sent, so an oversized portfolio gets advice instead.
        size = len(snapshot.to_json().encode("utf-8"))
        if size > MAX_PAYLOAD_BYTES:
            raise CourseError(
                f"This portfolio is too big to send ({size // (1024 * 1024)} MB).",
                "Choose a shorter date range, or fewer reflections.")
        # owner, created_at and withdrawn_at are not sent: the column grants refuse them,
        # and the server fills in session_user and now(), so no one can file as another.
        stmt = insert(submission).values(
            profile_name=snapshot.profile_name, period_from=snapshot.since,
            period_to=snapshot.until, attempt_count=snapshot.attempt_count,
            reflection_count=snapshot.reflection_count, payload_version=PAYLOAD_VERSION,
            payload=dict(snapshot.payload),
        ).returning(*_SUMMARY_COLUMNS)
        with self._tx() as conn:
            row = conn.execute(stmt).one()
        log.info("portfolio submitted to the course (submission %d)", row.id)
        return _summary(row)

    def list_my_submissions(self) -> list[SubmissionSummary]:
        """The signed-in trainee's own submissions, newest first (withdrawn ones too)."""
        # Row-level security already limits a trainee to their own rows; the filter says
        # so for anyone reading, and matches the (owner, created_at) index.
        stmt = (select(*_SUMMARY_COLUMNS)
                .where(submission.c.owner == self.identity.user)
                .order_by(submission.c.created_at.desc(), submission.c.id.desc()))
        with self._tx() as conn:
            return [_summary(r) for r in conn.execute(stmt)]

    def withdraw(self, submission_id: int) -> SubmissionSummary:
        """Withdraw one of your own submissions: its content is erased from the server."""
        self._require(CourseRole.TRAINEE, "withdraw a submission")
        with self._tx() as conn:
            # Trainees have no UPDATE grant: the SECURITY DEFINER function does the change,
            # and only to the caller's own row (see the course migration).
            conn.execute(text("SELECT ps_course.withdraw_submission(:id)"),
                         {"id": submission_id})
            row = conn.execute(select(*_SUMMARY_COLUMNS)
                               .where(submission.c.id == submission_id)).one()
        log.info("submission %d withdrawn", submission_id)
        return _summary(row)

    # -------------------------------------------------------------- facilitator

    def _cohort_where(self, filters: SubmissionFilter) -> list[Any]:
        where: list[Any] = []
        if filters.trainee:
            where.append(submission.c.owner == filters.trainee)
        start, end = local_bounds(filters.since, filters.until)
        if start is not None:
            where.append(submission.c.created_at >= start)
        if end is not None:
            where.append(submission.c.created_at < end)
        if not filters.include_withdrawn:
            where.append(submission.c.withdrawn_at.is_(None))
        return where

    def list_cohort_submissions(self, filters: SubmissionFilter | None = None, offset: int = 0,
                                limit: int = 50) -> list[SubmissionSummary]:
        """A page of the cohort's submissions, newest first (the server shows only your cohort)."""
        self._require(CourseRole.FACILITATOR, "list the cohort's submissions")
        offset, limit = _page(offset, limit)
        # OFFSET paging is enough: at 10,000 submissions through row-level security the
        # first page took 1.2 ms and the count 7.9 ms (bench_course). The id breaks ties,
        # so a page never repeats or skips a row sent in the same instant.
        # and_(True, ...) stays valid SQL when no filter is set.
        stmt: Select[Any] = (select(*_SUMMARY_COLUMNS)
                             .where(and_(True, *self._cohort_where(filters or SubmissionFilter())))
                             .order_by(submission.c.created_at.desc(), submission.c.id.desc())
                             .offset(offset).limit(limit))
        with self._tx() as conn:
            return [_summary(r) for r in conn.execute(stmt)]

    def count_cohort_submissions(self, filters: SubmissionFilter | None = None) -> int:
        """How many submissions :meth:`list_cohort_submissions` pages through."""
        self._require(CourseRole.FACILITATOR, "list the cohort's submissions")
        stmt = (select(func.count()).select_from(submission)
                .where(and_(True, *self._cohort_where(filters or SubmissionFilter()))))
        with self._tx() as conn:
            return int(conn.execute(stmt).scalar_one())

    def list_cohort_trainees(self) -> list[str]:
        """The login names of the trainees in your cohort, in order."""
        self._require(CourseRole.FACILITATOR, "list the cohort")
        # No filter: the policy shows a facilitator only the pairs they are part of.
        stmt = select(cohort_member.c.trainee).order_by(cohort_member.c.trainee)
        with self._tx() as conn:
            return list(conn.execute(stmt).scalars())

    def get_submission(self, submission_id: int) -> Submission:
        """One submission with its content; NotFound if it is not there or not yours to see."""
        # No role check: a trainee reads their own, a facilitator their cohort's. A row the
        # policies hide looks absent, so it is NotFound, never "forbidden".
        stmt = select(*_SUMMARY_COLUMNS, submission.c.payload).where(
            submission.c.id == submission_id)
        with self._tx() as conn:
            row = conn.execute(stmt).one_or_none()
        if row is None:
            raise NotFound("That submission is not on the course server, or you cannot see it.",
                           "Refresh the list.")
        snap = None
        if row.payload is not None:
            try:
                snap = Snapshot.from_payload(row.payload)
            except PayloadInvalid as exc:
                raise _damaged("submission", exc) from exc
        return Submission(summary=_summary(row), snapshot=snap)

    def upload_group_session(self, record: SessionUpload) -> SessionSummary:
        """Upload one facilitated group session; AlreadyUploaded if you sent it before."""
        self._require(CourseRole.FACILITATOR, "upload a group session")
        r = record.report
        # uploaded_by and uploaded_at come from the server; a second upload of one session
        # hits the unique constraint and comes back as AlreadyUploaded.
        stmt = insert(group_session_upload).values(
            scenario_id=r.scenario_id, scenario_title=r.scenario_title,
            started_at=r.started_at, finished_at=r.finished_at,
            decision_count=record.decision_count, total_votes=record.total_votes,
            payload_version=PAYLOAD_VERSION, payload=dict(record.payload),
        ).returning(*_SESSION_COLUMNS)
        with self._tx() as conn:
            row = conn.execute(stmt).one()
        log.info("group session uploaded to the course (upload %d)", row.id)
        return _session_summary(row)

    def list_sessions(self, filters: SessionFilter | None = None, offset: int = 0,
                      limit: int = 50) -> list[SessionSummary]:
        """A page of the course's uploaded group sessions, latest start first."""
        self._require(CourseRole.FACILITATOR, "list the course's group sessions")
        offset, limit = _page(offset, limit)
        f = filters or SessionFilter()
        where: list[Any] = []
        if f.uploaded_by:
            where.append(group_session_upload.c.uploaded_by == f.uploaded_by)
        if f.scenario_id:
            where.append(group_session_upload.c.scenario_id == f.scenario_id)
        start, end = local_bounds(f.since, f.until)
        if start is not None:
            where.append(group_session_upload.c.started_at >= start)
        if end is not None:
            where.append(group_session_upload.c.started_at < end)
        stmt = (select(*_SESSION_COLUMNS).where(and_(True, *where))
                .order_by(group_session_upload.c.started_at.desc(),
                          group_session_upload.c.id.desc())
                .offset(offset).limit(limit))
        with self._tx() as conn:
            return [_session_summary(r) for r in conn.execute(stmt)]

    def get_session(self, session_id: int) -> Session:
        """One uploaded group session with its votes; NotFound if it is not there."""
        self._require(CourseRole.FACILITATOR, "open a group session")
        stmt = select(*_SESSION_COLUMNS, group_session_upload.c.payload).where(
            group_session_upload.c.id == session_id)
        with self._tx() as conn:
            row = conn.execute(stmt).one_or_none()
        if row is None:
            raise NotFound("That group session is not on the course server.", "Refresh the list.")
        try:
            from peerscenarios.course.sessions import report_from_payload

            upload = SessionUpload(payload=row.payload, report=report_from_payload(row.payload))
        except PayloadInvalid as exc:
            raise _damaged("group session", exc) from exc
        return Session(summary=_session_summary(row), upload=upload)


def _identify(conn: Connection) -> Identity:
    # session_user (the login role), as the policies use: SET ROLE cannot change it.
    user = str(conn.execute(text("SELECT session_user")).scalar_one())
    groups: Sequence[str] = conn.execute(text(
        "SELECT g.rolname FROM pg_catalog.pg_auth_members m "
        "JOIN pg_catalog.pg_roles g ON g.oid = m.roleid "
        "JOIN pg_catalog.pg_roles u ON u.oid = m.member "
        "WHERE u.rolname = session_user AND g.rolname IN (:t, :f)"),
        {"t": TRAINEE_ROLE, "f": FACILITATOR_ROLE}).scalars().all()
    if FACILITATOR_ROLE in groups:
        role = CourseRole.FACILITATOR
    elif TRAINEE_ROLE in groups:
        role = CourseRole.TRAINEE
    else:
        raise NoPermission(f"“{user}” is not a trainee or facilitator of this course.",
                           "Ask whoever runs the course to add you.")
    # to_regclass gives NULL instead of failing, so an empty server gets a plain message.
    if conn.execute(text("SELECT to_regclass('ps_course.schema_version')")).scalar() is None:
        raise ServerNotReady("The course server has not been set up for PeerScenarios yet.",
                             "Whoever runs it should run: peerscenarios course init")
    revisions = set(conn.execute(select(schema_version.c.version_num)).scalars())
    # Refuse a newer schema before anything is sent: its tables may mean something else.
    unknown = revisions - known_revisions()
    if unknown:
        raise ServerTooNew(
            "The course server was set up by a newer version of PeerScenarios. "
            "Nothing was sent or changed.",
            f"Update PeerScenarios on this computer to use it. (server schema "
            f"{', '.join(sorted(unknown))})")
    if not revisions:
        raise ServerNotReady("The course server has not been set up for PeerScenarios yet.",
                             "Whoever runs it should run: peerscenarios course init")
    return Identity(user=user, role=role, schema_revision=sorted(revisions)[0])


def connect(settings: CourseSettings, password: str) -> CourseClient:
    """Sign in to the course server; the client is ready to use.

    Raises a CourseError subclass with a plain message: InsecureConnection,
    ServerUnreachable, WrongPassword, NoPermission (not in the course),
    ServerNotReady (no course schema) or ServerTooNew (a newer schema).
    """
    if not settings.configured:
        from peerscenarios.course.errors import NotConfigured

        raise NotConfigured("No course server has been set up in PeerScenarios yet.",
                            "Enter the server's details under Course connection settings.")
    engine = person_engine(settings, password)
    try:
        with engine.connect() as conn:
            identity = _identify(conn)
            conn.rollback()
    except CourseError:
        # Disposed at once: a refused sign-in must not keep a socket open until collected.
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise translate(exc) from exc
    log.info("signed in to the course server as a %s", identity.role.value)
    return CourseClient(engine, settings, identity)
