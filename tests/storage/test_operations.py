"""Tests for the operations API: profiles, attempts, choices, reflections, groups, listeners."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from peerscenarios.storage import (
    AttemptMode,
    AttemptStatus,
    Change,
    ChangeKind,
    InvalidName,
    NameTaken,
    NotFound,
    Storage,
    StorageError,
    UnsupportedDatabase,
)
from peerscenarios.storage.storage import iso_week

from .conftest import FakeClock

PEER = "peer-aligned"
CLINICAL = "clinical-drift"
BOUNDARY = "boundary-slip"


def _attempt_with_choices(storage: Storage, profile_id: int, roles: list[str],
                          scenario: str = "s1", mode: str = "practice") -> int:
    attempt = storage.start_attempt(profile_id, scenario, "hash1", mode)
    for i, role in enumerate(roles):
        storage.record_choice(attempt.id, f"n{i}", f"c{i}", role, {1: 1}, "feedback")
    return attempt.id


# ------------------------------------------------------------------ profiles


def test_profiles_create_list_rename_delete(storage: Storage) -> None:
    alex = storage.create_profile("  Alex   Kim ")
    assert alex.name == "Alex Kim"
    sam = storage.create_profile("sam")
    assert [p.name for p in storage.list_profiles()] == ["Alex Kim", "sam"]
    renamed = storage.rename_profile(sam.id, "Sam")
    assert renamed.name == "Sam"
    storage.delete_profile(alex.id)
    assert [p.id for p in storage.list_profiles()] == [sam.id]
    with pytest.raises(NotFound):
        storage.delete_profile(alex.id)


def test_profile_names_unique_ignoring_case(storage: Storage) -> None:
    storage.create_profile("Jo")
    with pytest.raises(NameTaken) as info:
        storage.create_profile(" jo ")
    assert "Jo" in info.value.message or "jo" in info.value.message
    assert info.value.hint
    other = storage.create_profile("Pat")
    with pytest.raises(NameTaken):
        storage.rename_profile(other.id, "JO")
    # The failed writes left nothing behind.
    assert [p.name for p in storage.list_profiles()] == ["Jo", "Pat"]


@pytest.mark.parametrize("bad", ["", "   ", "x" * 81])
def test_profile_name_invalid(storage: Storage, bad: str) -> None:
    with pytest.raises(InvalidName):
        storage.create_profile(bad)


def test_delete_profile_cascades_everything(storage: Storage) -> None:
    p = storage.create_profile("Gone")
    keep = storage.create_profile("Kept")
    aid = _attempt_with_choices(storage, p.id, [PEER, CLINICAL])
    storage.save_reflection(aid, "r1", "unicorn words")
    storage.save_draft(aid, "r2", "draft words")
    kid = _attempt_with_choices(storage, keep.id, [PEER])
    storage.save_reflection(kid, "r1", "unicorn too")
    storage.delete_profile(p.id)
    with storage.engine.connect() as conn:
        for table in ("attempt", "choice_event", "attempt_role_count", "reflection",
                      "reflection_draft"):
            rows = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
            assert rows == (0 if table == "reflection_draft" else 1), table
    assert storage.search_reflections(p.id, "unicorn") == []
    assert len(storage.search_reflections(keep.id, "unicorn")) == 1
    assert storage.integrity_check() == "ok"


# ------------------------------------------------------------------ attempts


def test_attempt_lifecycle(storage: Storage, clock: FakeClock) -> None:
    p = storage.create_profile("A")
    first = storage.start_attempt(p.id, "s1", "h", "practice")
    assert first.number == 1
    assert first.status is AttemptStatus.IN_PROGRESS
    assert first.mode is AttemptMode.PRACTICE
    assert first.started_at == clock.now
    assert storage.unfinished_attempt(p.id) == first
    clock.advance(minutes=5)
    done = storage.finish_attempt(first.id, "good-ending")
    assert done.status is AttemptStatus.COMPLETED
    assert done.finished_at == clock.now
    assert done.ending_node_id == "good-ending"
    assert storage.finish_attempt(first.id, "other") == done  # idempotent
    assert storage.unfinished_attempt(p.id) is None
    second = storage.start_attempt(p.id, "s2", "h", AttemptMode.ASSESSMENT)
    assert second.number == 2
    abandoned = storage.abandon_attempt(second.id)
    assert abandoned.status is AttemptStatus.ABANDONED
    assert storage.unfinished_attempt(p.id) is None
    with pytest.raises(StorageError, match="already ended"):
        storage.record_choice(second.id, "n", "c", PEER, {}, "f")
    with pytest.raises(NotFound):
        storage.record_choice(second.id + 100, "n", "c", PEER, {}, "f")
    assert storage.get_attempt(second.id).status is AttemptStatus.ABANDONED
    with pytest.raises(ValueError, match="practice"):
        storage.start_attempt(p.id, "s", "h", "exam")
    with pytest.raises(NotFound):
        storage.start_attempt(999, "s", "h", "practice")


def test_unfinished_attempt_is_most_recent(storage: Storage, clock: FakeClock) -> None:
    p = storage.create_profile("A")
    storage.start_attempt(p.id, "old", "h", "practice")
    clock.advance(hours=1)
    newer = storage.start_attempt(p.id, "new", "h", "practice")
    assert storage.unfinished_attempt(p.id) == newer


def test_choices_sequence_effects_and_step_back(storage: Storage) -> None:
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s1", "h", "practice")
    c1 = storage.record_choice(a.id, "n1", "c1", CLINICAL, {3: -1, 1: 2}, "Why it matters")
    c2 = storage.record_choice(a.id, "n1", "c2", PEER, {}, "Good")
    assert (c1.seq, c2.seq) == (1, 2)
    assert dict(c1.effects) == {1: 2, 3: -1}
    with pytest.raises(TypeError):
        c1.effects[1] = 5  # type: ignore[index]
    back = storage.mark_stepped_back(c1.id)
    assert back.stepped_back is True
    assert storage.mark_stepped_back(c1.id) == back  # idempotent, counted once
    replay = storage.attempt_choices(a.id)
    assert [(c.choice_id, c.stepped_back) for c in replay] == [("c1", True), ("c2", False)]
    summary = storage.list_attempts(p.id)[0]
    assert (summary.choice_count, summary.drift_count) == (1, 0)
    assert storage.boundary_profile(p.id)[0].counts == {PEER: 1}
    with pytest.raises(ValueError, match="role"):
        storage.record_choice(a.id, "n", "c", "made-up-role", {}, "f")


def test_step_back_refused_in_assessment(storage: Storage) -> None:
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s1", "h", "assessment")
    c = storage.record_choice(a.id, "n1", "c1", PEER, {}, "f")
    with pytest.raises(ValueError, match="practice"):
        storage.mark_stepped_back(c.id)


def test_list_and_count_attempts_paging_and_ranges(storage: Storage, clock: FakeClock) -> None:
    p = storage.create_profile("A")
    other = storage.create_profile("B")
    ids = []
    for day in range(30):
        ids.append(_attempt_with_choices(storage, p.id, [PEER, CLINICAL, BOUNDARY][: day % 3 + 1]))
        storage.start_attempt(other.id, "s1", "h", "practice")
        clock.advance(days=1)
    assert storage.count_attempts(p.id) == 30
    page1 = storage.list_attempts(p.id, offset=0, limit=10)
    page2 = storage.list_attempts(p.id, offset=10, limit=10)
    assert [s.id for s in page1 + page2] == list(reversed(ids))[:20]
    assert page1[0].choice_count == (29 % 3) + 1
    start = page1[-1].started_at
    since = storage.list_attempts(p.id, since=start)
    assert [s.id for s in since] == [s.id for s in page1]
    assert storage.count_attempts(p.id, since=start) == 10
    until = storage.list_attempts(p.id, until=start, limit=100)
    assert len(until) == 20
    assert storage.count_attempts(p.id, since=start, until=start + timedelta(days=1)) == 1


def test_attempt_detail(storage: Storage) -> None:
    p = storage.create_profile("A")
    aid = _attempt_with_choices(storage, p.id, [PEER, CLINICAL])
    storage.save_reflection(aid, "r1", "first")
    storage.save_reflection(aid, "r2", "second")
    detail = storage.attempt_detail(aid)
    assert detail.summary.reflection_count == 2
    assert detail.summary.drift_count == 1
    assert [c.role for c in detail.choices] == [PEER, CLINICAL]
    assert [r.text for r in detail.reflections] == ["first", "second"]
    with pytest.raises(NotFound):
        storage.attempt_detail(12345)


def test_last_results(storage: Storage, clock: FakeClock) -> None:
    p = storage.create_profile("A")
    a1 = _attempt_with_choices(storage, p.id, [CLINICAL, BOUNDARY], scenario="s1")
    clock.advance(minutes=1)
    storage.finish_attempt(a1, "end-a")
    clock.advance(minutes=1)
    a2 = _attempt_with_choices(storage, p.id, [PEER], scenario="s1")
    clock.advance(minutes=1)
    storage.finish_attempt(a2, "end-b")
    finished_at = clock.now
    clock.advance(minutes=1)
    _attempt_with_choices(storage, p.id, [CLINICAL], scenario="s1")  # in progress
    a4 = _attempt_with_choices(storage, p.id, [PEER], scenario="s2")
    storage.abandon_attempt(a4)
    a5 = _attempt_with_choices(storage, p.id, [PEER], scenario="s3")
    storage.finish_attempt(a5, "end-c")
    results = storage.last_results(p.id)
    assert set(results) == {"s1", "s3"}
    s1 = results["s1"]
    assert s1.status is AttemptStatus.IN_PROGRESS
    assert (s1.attempt_count, s1.completed_count) == (3, 2)
    assert (s1.ending_node_id, s1.drift_count, s1.last_finished_at) == ("end-b", 0, finished_at)
    assert results["s3"].status == "completed"


# --------------------------------------------------------------- reflections


def test_drafts_upsert_and_discard(storage: Storage) -> None:
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s1", "h", "practice")
    assert storage.get_draft(a.id, "r1") is None
    storage.save_draft(a.id, "r1", "one")
    storage.save_draft(a.id, "r1", "one two")
    storage.save_draft(a.id, "r2", "other")
    assert storage.get_draft(a.id, "r1") == "one two"
    assert storage.drafts_for_attempt(a.id) == {"r1": "one two", "r2": "other"}
    storage.discard_draft(a.id, "r2")
    storage.discard_draft(a.id, "never")
    assert storage.drafts_for_attempt(a.id) == {"r1": "one two"}
    with pytest.raises(NotFound):
        storage.save_draft(9999, "r1", "orphan")


def test_save_reflection_upserts_and_removes_draft(storage: Storage, clock: FakeClock) -> None:
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s1", "h", "practice")
    storage.save_draft(a.id, "r1", "typing")
    first = storage.save_reflection(a.id, "r1", "typed")
    assert storage.get_draft(a.id, "r1") is None
    clock.advance(minutes=2)
    second = storage.save_reflection(a.id, "r1", "typed again")
    assert second.id == first.id
    assert second.created_at == first.created_at
    assert second.updated_at == clock.now
    assert [r.text for r in storage.attempt_detail(a.id).reflections] == ["typed again"]
    assert storage.search_reflections(p.id, "again")[0].reflection_id == first.id
    assert storage.search_reflections(p.id, "typing") == []
    storage.delete_reflection(first.id)
    assert storage.search_reflections(p.id, "typed") == []
    with pytest.raises(NotFound):
        storage.delete_reflection(first.id)
    assert storage.integrity_check() == "ok"


def test_search_is_per_profile_newest_first_with_snippets(storage: Storage) -> None:
    p = storage.create_profile("A")
    q = storage.create_profile("B")
    a = storage.start_attempt(p.id, "scen", "h", "practice")
    b = storage.start_attempt(q.id, "scen", "h", "practice")
    storage.save_reflection(a.id, "r1", "I talked about my sponsor and the meeting.")
    storage.save_reflection(a.id, "r2", "Meetings helped; Café talk was hard.")
    storage.save_reflection(b.id, "r1", "Someone else's meeting")
    hits = storage.search_reflections(p.id, "meet")
    assert [h.prompt_id for h in hits] == ["r2", "r1"]
    assert hits[0].scenario_id == "scen"
    assert hits[0].attempt_id == a.id
    assert any(matched and text.lower().startswith("meet") for text, matched in
               hits[0].snippet_parts)
    assert "\x02" not in hits[0].snippet
    # Diacritics are folded: "cafe" finds "Café".
    assert [h.prompt_id for h in storage.search_reflections(p.id, "cafe")] == ["r2"]
    assert storage.search_reflections(p.id, "sponsor meeting")[0].prompt_id == "r1"
    assert storage.search_reflections(p.id, "meet", limit=1)[0].prompt_id == "r2"
    assert storage.search_reflections(p.id, "   ") == []


# ------------------------------------------------------------ boundary profile


def test_boundary_profile_weeks_and_tens(storage: Storage, clock: FakeClock) -> None:
    p = storage.create_profile("A")
    expected_weeks = []
    for i in range(12):
        roles = [PEER, CLINICAL] if i % 2 else [PEER, PEER, BOUNDARY]
        aid = _attempt_with_choices(storage, p.id, roles)
        if i == 0:
            # A stepped-back choice is not counted.
            back = storage.record_choice(aid, "x", "y", CLINICAL, {}, "f")
            storage.mark_stepped_back(back.id)
        week = iso_week(clock.now)
        if not expected_weeks or expected_weeks[-1] != week:
            expected_weeks.append(week)
        clock.advance(days=3)
    weeks = storage.boundary_profile(p.id, bucket="week")
    assert [b.label for b in weeks] == expected_weeks
    assert sum(b.attempt_count for b in weeks) == 12
    total: dict[str, int] = {}
    for b in weeks:
        for role, n in b.counts.items():
            total[role] = total.get(role, 0) + n
    assert total == {PEER: 6 * 2 + 6, BOUNDARY: 6, CLINICAL: 6}
    tens = storage.boundary_profile(p.id, bucket="ten")
    assert [b.label for b in tens] == ["Attempts 1–10", "Attempts 11–20"]
    assert [b.attempt_count for b in tens] == [10, 2]
    assert tens[1].counts == {PEER: 3, BOUNDARY: 1, CLINICAL: 1}
    assert tens[0].start < tens[1].start
    assert storage.boundary_profile(storage.create_profile("Empty").id) == []
    with pytest.raises(ValueError, match="bucket"):
        storage.boundary_profile(p.id, bucket="month")


# ------------------------------------------------------------ group sessions


def test_group_sessions(storage: Storage, clock: FakeClock) -> None:
    g = storage.start_group_session("s1", "h")
    d1 = storage.record_group_decision(g.id, "n1", {"a": 5, "b": 2}, "a", revealed_all=False)
    d2 = storage.record_group_decision(g.id, "n2", {"c": 1}, "c", revealed_all=True)
    assert (d1.seq, d2.seq) == (1, 2)
    assert dict(d1.votes) == {"a": 5, "b": 2}
    storage.set_group_notes(g.id, "Good discussion of boundaries")
    clock.advance(minutes=40)
    storage.finish_group_session(g.id, "end")
    clock.advance(minutes=1)
    g2 = storage.start_group_session("s2", "h")
    listed = storage.list_group_sessions(offset=0, limit=10)
    assert [s.id for s in listed] == [g2.id, g.id]
    assert listed[1].decision_count == 2
    assert listed[1].finished_at == clock.now - timedelta(minutes=1)
    detail = storage.group_session_detail(g.id)
    assert detail.session.notes == "Good discussion of boundaries"
    assert detail.session.ending_node_id == "end"
    assert [d.node_id for d in detail.decisions] == ["n1", "n2"]
    assert storage.list_group_sessions(offset=1, limit=10)[0].id == g.id
    with pytest.raises(NotFound):
        storage.set_group_notes(999, "x")
    with pytest.raises(NotFound):
        storage.record_group_decision(999, "n", {}, "a", revealed_all=False)


# ---------------------------------------------------------- records, listeners


def test_records_are_frozen(storage: Storage) -> None:
    p = storage.create_profile("A")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "B"  # type: ignore[misc]


def test_listeners_hear_every_write_after_commit(storage: Storage) -> None:
    seen: list[Change] = []

    def listener(change: Change) -> None:
        if not seen:
            # The first change is the new profile, already committed: a fresh read sees it.
            assert [p.id for p in storage.list_profiles()] == list(change.ids)
        seen.append(change)

    remove = storage.add_listener(listener)
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s", "h", "practice")
    c = storage.record_choice(a.id, "n", "c", PEER, {}, "f")
    storage.mark_stepped_back(c.id)
    storage.save_draft(a.id, "r", "d")
    storage.discard_draft(a.id, "r")
    r = storage.save_reflection(a.id, "r", "t")
    storage.delete_reflection(r.id)
    storage.finish_attempt(a.id, "end")
    storage.rename_profile(p.id, "B")
    g = storage.start_group_session("s", "h")
    storage.record_group_decision(g.id, "n", {"c": 1}, "c", revealed_all=False)
    storage.set_group_notes(g.id, "n")
    storage.finish_group_session(g.id, None)
    storage.delete_profile(p.id)
    kinds = [ch.kind for ch in seen]
    assert kinds == [
        ChangeKind.PROFILES, ChangeKind.ATTEMPTS, ChangeKind.CHOICES, ChangeKind.CHOICES,
        ChangeKind.DRAFTS, ChangeKind.DRAFTS, ChangeKind.REFLECTIONS, ChangeKind.REFLECTIONS,
        ChangeKind.ATTEMPTS, ChangeKind.PROFILES, ChangeKind.GROUP_SESSIONS,
        ChangeKind.GROUP_SESSIONS, ChangeKind.GROUP_SESSIONS, ChangeKind.GROUP_SESSIONS,
        ChangeKind.PROFILES,
    ]
    assert seen[2] == Change(ChangeKind.CHOICES, (c.id,), p.id, a.id)
    assert seen[6] == Change(ChangeKind.REFLECTIONS, (r.id,), p.id, a.id)
    remove()
    storage.create_profile("C")
    assert len(seen) == 15


def test_failed_write_notifies_nobody(storage: Storage) -> None:
    seen: list[Change] = []
    storage.add_listener(seen.append)
    storage.create_profile("A")
    with pytest.raises(NameTaken):
        storage.create_profile("a")
    assert len(seen) == 1


def test_failing_listener_is_logged_not_raised_to_the_caller(
    storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in a listener must not make a committed write look failed to its caller.

    Before, the listener's exception reached the caller after the commit, so
    the player never advanced past a choice that was already on disk.
    """
    seen: list[Change] = []

    def broken(change: Change) -> None:
        raise RuntimeError("bug in a listener")

    storage.add_listener(broken)
    storage.add_listener(seen.append)
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s", "h", "practice")
    choice = storage.record_choice(a.id, "n", "c", PEER, {}, "f")
    assert choice.seq == 1
    assert [c.kind for c in seen] == [ChangeKind.PROFILES, ChangeKind.ATTEMPTS, ChangeKind.CHOICES]
    assert [c.id for c in storage.attempt_choices(a.id)] == [choice.id]
    failures = [r for r in caplog.records if "listener" in r.getMessage()]
    assert len(failures) == 3
    assert all(r.levelname == "ERROR" and r.exc_info for r in failures)


# ----------------------------------------------------------------- open/close


def test_reopen_keeps_data(db_path: Path) -> None:
    with Storage.open(f"sqlite:///{db_path}") as s:
        p = s.create_profile("A")
        a = s.start_attempt(p.id, "s", "h", "practice")
        s.save_draft(a.id, "r1", "half a thought")
    with Storage.open(f"sqlite:///{db_path}") as s:
        resume = s.unfinished_attempt(p.id)
        assert resume is not None
        assert s.drafts_for_attempt(resume.id) == {"r1": "half a thought"}


def test_default_url_uses_data_dir(db_path: Path) -> None:
    with Storage.open() as s:
        assert s.path == db_path
        s.create_profile("A")
    assert db_path.exists()


def test_in_memory_database_works() -> None:
    with Storage.open("sqlite://") as s:
        assert s.path is None
        p = s.create_profile("A")
        a = s.start_attempt(p.id, "s", "h", "practice")
        s.save_reflection(a.id, "r", "hello world")
        assert len(s.search_reflections(p.id, "hello")) == 1


def test_non_sqlite_url_refused() -> None:
    with pytest.raises(UnsupportedDatabase):
        Storage.open("postgresql://localhost/x")
