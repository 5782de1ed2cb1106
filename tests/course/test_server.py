"""A whole course on a real PostgreSQL, and its row-level security proven by failing reads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg import errors as pgerr

from peerscenarios.core.reporting import (
    GroupDecisionEntry,
    GroupReport,
    Portfolio,
    ScenarioState,
    VoteEntry,
)
from peerscenarios.course import admin
from peerscenarios.course.client import CourseClient
from peerscenarios.course.errors import AlreadyUploaded, NoPermission, NotFound
from peerscenarios.course.records import CourseRole, SessionFilter, SubmissionFilter
from peerscenarios.course.sessions import SessionUpload
from peerscenarios.course.snapshot import Snapshot, reflection_choices

from .conftest import Course


def _client(course: Course, user: str) -> CourseClient:
    client = course.connect(user)
    assert isinstance(client, CourseClient)
    return client


def _raw(course: Course, user: str) -> psycopg.Connection[Any]:
    """A plain psycopg connection as ``user``, to try what the client never would."""
    return psycopg.connect(host=course.cluster.socket_dir, port=course.cluster.port,
                           dbname=course.database, user=user, password=course.password(user),
                           autocommit=True)


def report(started: datetime, *, title: str = "Coffee after group",
           notes: str = "Room felt tense") -> GroupReport:
    """A small group session as the group export builds it."""
    votes = (VoteEntry("A", "listen", "Ask what they want", "Peer-aligned", 7, True),
             VoteEntry("B", "advise", "Tell them to taper", "Clinical drift", 3, False))
    return GroupReport(
        session_id=4, scenario_id="coffee", scenario_title=title, content_hash="abc123",
        scenario_state=ScenarioState.CURRENT, started_at=started, finished_at=None,
        ending_node_id=None, ending_title=None, notes=notes,
        decisions=(GroupDecisionEntry(1, "start", votes, False, started),),
        generated_at=started)


@pytest.fixture
def people(course: Course) -> dict[str, str]:
    """Two trainees with one facilitator each, and a facilitator with no cohort."""
    names = {k: course.add(k, g) for k, g in (
        ("ana", "trainee"), ("ben", "trainee"), ("fay", "facilitator"),
        ("gus", "facilitator"), ("hal", "facilitator"))}
    assert admin.assign(course.url, names["ana"], names["fay"])
    assert admin.assign(course.url, names["ben"], names["gus"])
    return names


def test_a_whole_course_from_scratch(course: Course, people: dict[str, str],
                                     portfolio: Portfolio) -> None:
    ana = _client(course, people["ana"])
    fay = _client(course, people["fay"])
    assert ana.role is CourseRole.TRAINEE
    assert fay.role is CourseRole.FACILITATOR

    # The trainee sends one reflection of several.
    pick = reflection_choices(portfolio)[0]
    sent = ana.submit_portfolio(Snapshot.from_portfolio(portfolio,
                                                        include_reflections=[pick.key]))
    assert sent.owner == people["ana"]
    assert sent.reflection_count == 1
    assert sent.attempt_count == 2
    assert not sent.withdrawn
    assert [s.id for s in ana.list_my_submissions()] == [sent.id]

    # The facilitator uploads a session and reads the cohort.
    upload = fay.upload_group_session(SessionUpload.from_report(
        report(datetime(2026, 3, 4, 10, tzinfo=UTC))))
    assert upload.uploaded_by == people["fay"]
    assert upload.total_votes == 10
    assert [s.id for s in fay.list_sessions()] == [upload.id]
    session = fay.get_session(upload.id)
    assert session.upload.report.decisions[0].votes[0].votes == 7
    assert session.upload.report.notes == ""  # private notes stay on the laptop by default

    assert fay.list_cohort_trainees() == [people["ana"]]
    assert fay.count_cohort_submissions() == 1
    listed = fay.list_cohort_submissions(SubmissionFilter(trainee=people["ana"]))
    assert [s.id for s in listed] == [sent.id]
    got = fay.get_submission(sent.id)
    assert got.snapshot is not None
    assert got.snapshot.portfolio == Snapshot.from_portfolio(
        portfolio, include_reflections=[pick.key]).portfolio

    # The trainee withdraws: the content is gone from the server, the row stays.
    gone = ana.withdraw(sent.id)
    assert gone.withdrawn
    after = fay.get_submission(sent.id)
    assert after.summary.withdrawn
    assert after.snapshot is None
    assert fay.list_cohort_submissions(SubmissionFilter(include_withdrawn=False)) == []
    with _raw(course, people["ana"]) as raw:
        assert raw.execute("SELECT payload FROM ps_course.submission").fetchall() == [(None,)]
    ana.close()
    fay.close()


def test_a_trainee_reads_only_their_own_rows(course: Course, people: dict[str, str],
                                             portfolio: Portfolio) -> None:
    with _client(course, people["ana"]) as ana, _client(course, people["ben"]) as ben:
        mine = ana.submit_portfolio(Snapshot.from_portfolio(portfolio))
        ben.submit_portfolio(Snapshot.from_portfolio(portfolio))
        assert [s.owner for s in ana.list_my_submissions()] == [people["ana"]]
        with pytest.raises(NotFound):
            ben.get_submission(mine.id)
    # Straight SQL, no client filter: the server itself returns only Ben's row.
    with _raw(course, people["ben"]) as raw:
        owners = raw.execute("SELECT owner FROM ps_course.submission").fetchall()
        assert owners == [(people["ben"],)]
        assert raw.execute("SELECT count(*) FROM ps_course.submission WHERE id = %s",
                           (mine.id,)).fetchone() == (0,)
        # Pretending to be the group does not widen the view either.
        raw.execute("SET ROLE ps_trainee")
        assert raw.execute("SELECT owner FROM ps_course.submission").fetchall() == owners


def test_a_facilitator_reads_only_their_cohort(course: Course, people: dict[str, str],
                                               portfolio: Portfolio) -> None:
    with _client(course, people["ana"]) as ana, _client(course, people["ben"]) as ben:
        anas = ana.submit_portfolio(Snapshot.from_portfolio(portfolio))
        bens = ben.submit_portfolio(Snapshot.from_portfolio(portfolio))
    with _client(course, people["fay"]) as fay:
        assert [s.id for s in fay.list_cohort_submissions()] == [anas.id]
        with pytest.raises(NotFound):
            fay.get_submission(bens.id)
        # Asking for Ben by name returns nothing rather than his rows.
        assert fay.list_cohort_submissions(SubmissionFilter(trainee=people["ben"])) == []
    with _client(course, people["hal"]) as hal:
        assert hal.list_cohort_submissions() == []
        assert hal.count_cohort_submissions() == 0
        assert hal.list_cohort_trainees() == []
    with _raw(course, people["hal"]) as raw:
        assert raw.execute("SELECT count(*) FROM ps_course.submission").fetchone() == (0,)
        assert raw.execute("SELECT count(*) FROM ps_course.cohort_member").fetchone() == (0,)


def test_nobody_changes_or_deletes_rows_directly(course: Course, people: dict[str, str],
                                                 portfolio: Portfolio) -> None:
    with _client(course, people["ana"]) as ana:
        mine = ana.submit_portfolio(Snapshot.from_portfolio(portfolio))
    for who in ("ana", "fay"):
        with _raw(course, people[who]) as raw:
            for sql in ("UPDATE ps_course.submission SET profile_name = 'x'",
                        "DELETE FROM ps_course.submission",
                        "UPDATE ps_course.submission SET withdrawn_at = now(), payload = NULL",
                        "INSERT INTO ps_course.cohort_member (facilitator, trainee) "
                        "VALUES ('x', 'y')"):
                with pytest.raises(pgerr.InsufficientPrivilege):
                    raw.execute(sql)
    with _raw(course, people["ana"]) as raw:
        # The owner column is the server's: a trainee cannot file a row as someone else.
        with pytest.raises(pgerr.InsufficientPrivilege):
            raw.execute("INSERT INTO ps_course.submission (owner, profile_name, attempt_count, "
                        "reflection_count, payload_version, payload) "
                        "VALUES (%s, 'x', 0, 0, 1, '{}')", (people["ben"],))
        # Trainees never see group-session uploads.
        with pytest.raises(pgerr.InsufficientPrivilege):
            raw.execute("SELECT * FROM ps_course.group_session_upload")
    with _client(course, people["ana"]) as ana:
        assert not ana.get_submission(mine.id).summary.withdrawn


def test_withdrawal_works_only_for_the_owner(course: Course, people: dict[str, str],
                                             portfolio: Portfolio) -> None:
    with _client(course, people["ana"]) as ana:
        mine = ana.submit_portfolio(Snapshot.from_portfolio(portfolio))
    with _client(course, people["ben"]) as ben, pytest.raises(NotFound):
        ben.withdraw(mine.id)
    with _client(course, people["fay"]) as fay, pytest.raises(NoPermission):
        fay.withdraw(mine.id)
    with _raw(course, people["fay"]) as raw, pytest.raises(pgerr.InsufficientPrivilege):
        raw.execute("SELECT ps_course.withdraw_submission(%s)", (mine.id,))
    with _client(course, people["ana"]) as ana:
        assert not ana.get_submission(mine.id).summary.withdrawn
        assert ana.withdraw(mine.id).withdrawn
        with pytest.raises(NotFound, match="already be withdrawn"):
            ana.withdraw(mine.id)


def test_two_facilitators_upload_at_once(course: Course, people: dict[str, str]) -> None:
    per_person = 15
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def upload(who: str, hour: int) -> None:
        try:
            with _client(course, people[who]) as client:
                barrier.wait(timeout=30)
                for i in range(per_person):
                    client.upload_group_session(SessionUpload.from_report(
                        report(datetime(2026, 3, 5, hour, i, tzinfo=UTC), title=f"{who} {i}")))
        except BaseException as exc:  # reported below, in the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=upload, args=("fay", 9)),
               threading.Thread(target=upload, args=("gus", 14))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    with _client(course, people["hal"]) as hal:
        listed = hal.list_sessions(limit=100)
        assert len(listed) == 2 * per_person
        assert len({s.id for s in listed}) == 2 * per_person
        by_fay = hal.list_sessions(SessionFilter(uploaded_by=people["fay"]), limit=100)
        assert {s.uploaded_by for s in by_fay} == {people["fay"]}
        assert len(by_fay) == per_person
        # Paging: two pages cover the list with no overlap.
        first, second = hal.list_sessions(limit=20), hal.list_sessions(offset=20, limit=20)
        assert {s.id for s in first} | {s.id for s in second} == {s.id for s in listed}


def test_the_same_session_uploaded_twice_is_refused(course: Course,
                                                    people: dict[str, str]) -> None:
    record = SessionUpload.from_report(report(datetime(2026, 3, 6, 9, tzinfo=UTC)),
                                       include_notes=True)
    with _client(course, people["fay"]) as fay:
        first = fay.upload_group_session(record)
        assert fay.get_session(first.id).upload.report.notes == "Room felt tense"
        with pytest.raises(AlreadyUploaded):
            fay.upload_group_session(record)
        assert len(fay.list_sessions()) == 1
    # Another facilitator who ran the same scenario at the same time is a different record.
    with _client(course, people["gus"]) as gus:
        gus.upload_group_session(record)


def test_trainees_cannot_use_facilitator_actions(course: Course, people: dict[str, str],
                                                 portfolio: Portfolio) -> None:
    with _client(course, people["ana"]) as ana:
        for action in (ana.list_cohort_submissions, ana.list_sessions, ana.list_cohort_trainees,
                       lambda: ana.upload_group_session(SessionUpload.from_report(
                           report(datetime(2026, 3, 6, tzinfo=UTC))))):
            with pytest.raises(NoPermission, match="Only a course facilitator"):
                action()
    with _client(course, people["fay"]) as fay, pytest.raises(NoPermission):
        fay.submit_portfolio(Snapshot.from_portfolio(portfolio))


def test_date_filters_and_paging_of_the_cohort_list(course: Course, people: dict[str, str],
                                                    portfolio: Portfolio) -> None:
    with _client(course, people["ana"]) as ana:
        ids = [ana.submit_portfolio(Snapshot.from_portfolio(portfolio)).id for _ in range(5)]
    with _superuser(course) as su:
        # Spread them over five days, as if sent over a week.
        for day, sid in enumerate(ids, start=1):
            su.execute("UPDATE ps_course.submission SET created_at = %s WHERE id = %s",
                       (datetime(2026, 4, day, 12, tzinfo=UTC), sid))
    with _client(course, people["fay"]) as fay:
        newest_first = [s.id for s in fay.list_cohort_submissions()]
        assert newest_first == ids[::-1]
        page = fay.list_cohort_submissions(offset=1, limit=2)
        assert [s.id for s in page] == ids[::-1][1:3]
        from datetime import date

        window = SubmissionFilter(since=date(2026, 4, 2), until=date(2026, 4, 3))
        assert [s.id for s in fay.list_cohort_submissions(window)] == [ids[2], ids[1]]
        assert fay.count_cohort_submissions(window) == 2
        with pytest.raises(ValueError, match="offset"):
            fay.list_cohort_submissions(offset=-1)


def _superuser(course: Course) -> psycopg.Connection[Any]:
    return psycopg.connect(host=course.cluster.socket_dir, port=course.cluster.port,
                           dbname=course.database, user="postgres",
                           password=course.cluster.password, autocommit=True)


def test_a_trainee_may_change_their_password(course: Course, people: dict[str, str]) -> None:
    from peerscenarios.course.client import connect
    from peerscenarios.course.errors import CourseError, WrongPassword

    name = people["ana"]
    with _client(course, name) as ana:
        with pytest.raises(CourseError, match="too short"):
            ana.change_password("short")
        ana.change_password("a brand new passphrase")
    settings: Any = course.settings(name)
    with pytest.raises(WrongPassword):
        connect(settings, course.password(name))
    connect(settings, "a brand new passphrase").close()
