"""Every item model passes Qt's model tester; the attempts model pages lazily."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.modeltest import ModelTester

from peerscenarios.core.library import load_library
from peerscenarios.storage import AttemptStatus, LastResult, ProfileBucket, Storage
from peerscenarios.ui.models.history import (
    PAGE_SIZE,
    AttemptListModel,
    BoundaryProfileModel,
    GroupSessionModel,
    ReflectionHitModel,
)
from peerscenarios.ui.models.library import (
    STATUS_COMPLETED,
    STATUS_NEW,
    ProblemFilesModel,
    ScenarioFilterProxy,
    ScenarioTableModel,
)

from .conftest import BAD, GOOD, SCENARIO_ID


def test_scenario_model_and_filters(qtmodeltester: ModelTester) -> None:
    library = load_library([BAD], builtin=[GOOD])
    model = ScenarioTableModel()
    model.set_scenarios(library.scenarios)
    proxy = ScenarioFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1
    proxy.set_search("dana medication")
    assert proxy.rowCount() == 1
    proxy.set_search("nobody")
    assert proxy.rowCount() == 0
    proxy.set_search("")
    proxy.set_competency(3)
    assert proxy.rowCount() == 1
    proxy.set_competency(11)
    assert proxy.rowCount() == 0
    proxy.set_competency(None)
    proxy.set_tag("medication")
    assert proxy.rowCount() == 1
    proxy.set_tag(None)
    proxy.set_status(STATUS_NEW)
    assert proxy.rowCount() == 1
    model.set_results({SCENARIO_ID: LastResult(SCENARIO_ID, AttemptStatus.COMPLETED, 1, 1,
                                               datetime(2026, 3, 2, tzinfo=UTC), "end", 2)})
    assert proxy.rowCount() == 0
    proxy.set_status(STATUS_COMPLETED)
    assert proxy.rowCount() == 1
    assert "2 drifts" in str(model.index(0, 6).data())
    qtmodeltester.check(proxy)


def test_problem_files_model(qtmodeltester: ModelTester) -> None:
    library = load_library([BAD], builtin=[GOOD])
    model = ProblemFilesModel()
    model.set_problems(library.problems)
    qtmodeltester.check(model)
    assert model.file_count == 1
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert any("broken.yaml:10:11" in r and "nowhere" in r for r in rows)


def _storage_with_attempts(n: int) -> tuple[Storage, int]:
    storage = Storage.open()
    profile = storage.create_profile("Pat")
    for i in range(n):
        a = storage.start_attempt(profile.id, SCENARIO_ID, "hash", "practice")
        storage.record_choice(a.id, "coffee", "ask-her", "peer-aligned", {1: 1}, "why")
        if i % 2:
            storage.save_reflection(a.id, "reflect-advice", f"note {i} about listening")
            storage.finish_attempt(a.id, "end-good")
    return storage, profile.id


def test_attempt_model_pages_lazily(qtmodeltester: ModelTester) -> None:
    storage, profile_id = _storage_with_attempts(PAGE_SIZE + 7)
    try:
        model = AttemptListModel(storage, lambda sid: sid.upper())
        model.set_profile(profile_id)
        assert model.rowCount() == 0
        assert model.canFetchMore()
        model.fetchMore()
        assert model.rowCount() == PAGE_SIZE
        qtmodeltester.check(model)  # the tester fetches the rest
        while model.canFetchMore():
            model.fetchMore()
        assert model.rowCount() == PAGE_SIZE + 7
        assert model.index(0, 0).data() == PAGE_SIZE + 7  # newest first
        assert model.index(0, 2).data() == SCENARIO_ID.upper()
        assert model.row_of(model.summary(PAGE_SIZE + 6).id) == PAGE_SIZE + 6
    finally:
        storage.close()


def test_hits_profile_and_group_models(qtmodeltester: ModelTester) -> None:
    storage, profile_id = _storage_with_attempts(4)
    try:
        hits = ReflectionHitModel(lambda sid: sid)
        hits.set_hits(storage.search_reflections(profile_id, "listening"))
        assert hits.rowCount() == 2
        qtmodeltester.check(hits)

        profile = BoundaryProfileModel()
        profile.set_buckets(storage.boundary_profile(profile_id, bucket="ten"))
        qtmodeltester.check(profile)
        assert profile.rowCount() == 1
        assert profile.index(0, 2).data() == 4  # peer-aligned column
        profile.set_buckets([ProfileBucket("2026-W10", datetime(2026, 3, 2, tzinfo=UTC), 1,
                                           {"clinical-drift": 1})])
        qtmodeltester.check(profile)

        session = storage.start_group_session(SCENARIO_ID, "hash")
        storage.record_group_decision(session.id, "coffee", {"ask-her": 5}, "ask-her", True)
        groups = GroupSessionModel(storage, lambda sid: sid)
        groups.reload()
        qtmodeltester.check(groups)
        assert groups.rowCount() == 1
        assert groups.index(0, 2).data() == 1
    finally:
        storage.close()
