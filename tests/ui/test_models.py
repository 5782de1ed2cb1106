"""Every item model passes Qt's model tester; paging, names, labels and column plans are right."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from peerscenarios.core.library import load_library
from peerscenarios.core.taxonomy import COMPETENCIES, Role
from peerscenarios.storage import AttemptStatus, LastResult, ProfileBucket, Storage
from peerscenarios.ui.models.history import (
    PAGE_SIZE,
    AttemptListModel,
    BoundaryProfileModel,
    GroupSessionModel,
    ReflectionListModel,
    period_label,
    role_header,
    when,
)
from peerscenarios.ui.models.library import (
    COMPETENCY_SHORT,
    STATUS_COMPLETED,
    STATUS_NEW,
    Column,
    ProblemFilesModel,
    ScenarioFilterProxy,
    ScenarioTableModel,
    competency_name,
    competency_title,
    short_date,
)
from peerscenarios.ui.models.reflections import excerpt
from peerscenarios.ui.widgets.chart import nice_ticks
from peerscenarios.ui.widgets.columns import ColumnPlan, plan_widths

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
    # The setting's and the competencies' plain names are searchable too.
    proxy.set_search("recovery community")
    assert proxy.rowCount() == 1
    proxy.set_search("lived experience")
    assert proxy.rowCount() == 1
    proxy.set_search("")
    proxy.set_competency(3)
    assert proxy.rowCount() == 1
    proxy.set_competency(11)
    assert proxy.rowCount() == 0
    proxy.set_competency(None)
    proxy.set_tag("medication")
    assert proxy.rowCount() == 1
    proxy.set_tag(None)
    proxy.set_setting("peer-center")
    assert proxy.rowCount() == 1
    proxy.set_setting("warmline")
    assert proxy.rowCount() == 0
    proxy.set_setting(None)
    proxy.set_population("veterans")
    assert proxy.rowCount() == 0
    proxy.set_population(None)
    proxy.set_status(STATUS_NEW)
    assert proxy.rowCount() == 1
    model.set_results({SCENARIO_ID: LastResult(SCENARIO_ID, AttemptStatus.COMPLETED, 1, 1,
                                               datetime(2026, 3, 2, tzinfo=UTC), "end", 2)})
    assert proxy.rowCount() == 0
    proxy.set_status(STATUS_COMPLETED)
    assert proxy.rowCount() == 1
    assert "2 drifts" in str(model.index(0, Column.LAST_RESULT).data())
    qtmodeltester.check(proxy)


def test_competencies_are_listed_by_number_and_name_with_the_full_title_as_tooltip() -> None:
    library = load_library([], builtin=[GOOD])
    model = ScenarioTableModel()
    model.set_scenarios(library.scenarios)
    cell = model.index(0, Column.COMPETENCIES)
    assert cell.data() == "1 Relationships, 2 Support, 3 Lived experience"
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines() == [competency_title(1), competency_title(2), competency_title(3)]
    assert competency_title(8) == "8. Helps peers to manage crises"
    # Every competency has a short name, short enough to share a cell with three others.
    assert set(COMPETENCY_SHORT) == set(COMPETENCIES)
    assert all(len(competency_name(n)) <= 20 for n in COMPETENCIES)


def test_dates_in_cells_are_short_and_local() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert short_date(datetime(2026, 11, 23, 12, tzinfo=UTC), now) == "23 Nov"
    assert short_date(datetime(2025, 12, 29, 12, tzinfo=UTC), now) == "29 Dec 2025"
    moment = datetime(2026, 11, 23, 12, 5, tzinfo=UTC)
    local = moment.astimezone()
    assert when(moment) == f"{local.day} {local:%b %Y, %H:%M}"
    assert when(None) == ""


def test_problem_files_model(qtmodeltester: ModelTester) -> None:
    library = load_library([BAD], builtin=[GOOD])
    model = ProblemFilesModel()
    model.set_problems(library.problems)
    qtmodeltester.check(model)
    assert model.file_count == 1
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert any("broken.yaml:10:11" in r and "nowhere" in r for r in rows)


class Clock:
    """A clock the test moves: one attempt an hour, from a fixed Monday."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def storage() -> Iterator[Storage]:
    store = Storage.open(clock=Clock())
    yield store
    store.close()


def _attempts(storage: Storage, n: int, *, reflect_every: int = 2) -> int:
    profile = storage.create_profile("Pat")
    for i in range(n):
        a = storage.start_attempt(profile.id, SCENARIO_ID, "hash", "practice")
        storage.record_choice(a.id, "coffee", "ask-her", "peer-aligned", {1: 1}, "why")
        if i % reflect_every == reflect_every - 1:
            storage.save_reflection(a.id, "reflect-advice", f"note {i} about listening")
            storage.finish_attempt(a.id, "end-good")
    return profile.id


def test_attempt_model_pages_lazily(qtmodeltester: ModelTester, storage: Storage) -> None:
    profile_id = _attempts(storage, PAGE_SIZE + 7)
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


def test_recent_reflections_page_newest_first_and_a_search_narrows_them(
        qtmodeltester: ModelTester, storage: Storage) -> None:
    # 130 attempts, a reflection on every third: 43 reflections over three attempt pages.
    profile_id = _attempts(storage, 130, reflect_every=3)
    model = ReflectionListModel(storage, lambda sid: sid)
    model.show_recent(profile_id)
    assert model.rowCount() == 0
    assert model.canFetchMore()
    model.fetchMore()
    first_page = model.rowCount()
    assert 0 < first_page < 43  # one page of attempts, not the whole history
    qtmodeltester.check(model)
    model.fetch_all()
    assert model.rowCount() == 43
    notes = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert notes[0] == "note 128 about listening"
    assert notes[-1] == "note 2 about listening"
    written = [model.hit(r).updated_at for r in range(model.rowCount())]
    assert written == sorted(written, reverse=True)
    assert not model.searching

    # Qt's tester, once attached, runs its checks (fetchMore included) inside every later
    # reset before it records the reset itself; the resets are exercised on a fresh model.
    model = ReflectionListModel(storage, lambda sid: sid)
    model.set_hits(storage.search_reflections(profile_id, "128"))
    assert model.searching
    assert model.rowCount() == 1
    assert not model.canFetchMore()
    model.show_recent(profile_id)
    model.fetch_all()
    assert model.rowCount() == 43


def test_an_empty_history_lists_no_reflection(storage: Storage) -> None:
    profile = storage.create_profile("New")
    model = ReflectionListModel(storage, lambda sid: sid)
    model.show_recent(profile.id)
    model.fetch_all()
    assert model.rowCount() == 0
    assert not model.canFetchMore()


def test_excerpt_keeps_one_line_and_cuts_at_a_word() -> None:
    assert excerpt("short\n\nnote") == "short note"
    long = "word " * 100
    cut = excerpt(long, 23)
    assert cut == "word word word word…"


def test_hits_profile_and_group_models(qtmodeltester: ModelTester, storage: Storage) -> None:
    profile_id = _attempts(storage, 4)
    hits = ReflectionListModel(storage, lambda sid: sid)
    hits.set_hits(storage.search_reflections(profile_id, "listening"))
    assert hits.rowCount() == 2
    qtmodeltester.check(hits)

    profile = BoundaryProfileModel()
    profile.set_buckets(storage.boundary_profile(profile_id, bucket="ten"))
    qtmodeltester.check(profile)
    assert profile.rowCount() == 1
    assert profile.index(0, 0).data() == 4  # attempts
    assert profile.index(0, 1).data() == 4  # peer-aligned choices
    rows = Qt.Orientation.Vertical
    assert profile.headerData(0, rows, Qt.ItemDataRole.DisplayRole) == "Attempts 1–10"
    profile.set_buckets([ProfileBucket("2026-W10", datetime(2026, 3, 2, tzinfo=UTC), 1,
                                       {"clinical-drift": 1})])
    qtmodeltester.check(profile)
    week = period_label("2026-W10")
    assert week.startswith("Week of 2 Mar")
    assert profile.headerData(0, rows, Qt.ItemDataRole.DisplayRole) == week
    # Each number is read out with its period and its kind of response.
    assert profile.index(0, 2).data(Qt.ItemDataRole.AccessibleTextRole) == \
        f"{week}, Clinical drift: 1"
    assert profile.headerData(2, Qt.Orientation.Horizontal,
                              Qt.ItemDataRole.ToolTipRole) == "Clinical drift"

    session = storage.start_group_session(SCENARIO_ID, "hash")
    storage.record_group_decision(session.id, "coffee", {"ask-her": 5}, "ask-her", True)
    groups = GroupSessionModel(storage, lambda sid: sid)
    groups.reload()
    qtmodeltester.check(groups)
    assert groups.rowCount() == 1
    assert groups.index(0, 2).data() == 1


def test_periods_read_as_weeks_in_local_time() -> None:
    today = date(2026, 11, 28)
    assert period_label("2026-W48", today) == "Week of 23 Nov"
    assert period_label("2026-W01", today) == "Week of 29 Dec 2025"  # ISO week 1 starts then
    assert period_label("2025-W48", today) == "Week of 24 Nov 2025"
    assert period_label("Attempts 11–20", today) == "Attempts 11–20"
    assert period_label("2026-W60", today) == "2026-W60"


def test_role_headers_stack_two_word_names() -> None:
    assert role_header(Role.PEER) == "✓\nPeer"
    assert role_header(Role.CASE_MANAGEMENT) == "▣ Case\nmanagement"
    assert role_header(Role.SELF_DISCLOSURE) == "◉ Self-\ndisclosure"


@pytest.mark.parametrize(("top", "ticks"), [
    (0, [0, 1]), (1, [0, 1]), (3, [0, 1, 2, 3]), (5, [0, 1, 2, 3, 4, 5]),
    (6, [0, 2, 4, 6]), (10, [0, 2, 4, 6, 8, 10]), (11, [0, 5, 10, 15]),
    (23, [0, 5, 10, 15, 20, 25]), (40, [0, 10, 20, 30, 40]), (120, [0, 25, 50, 75, 100, 125]),
    (900, [0, 200, 400, 600, 800, 1000]),
])
def test_chart_ticks_are_whole_numbers_at_round_steps(top: int, ticks: list[int]) -> None:
    assert nice_ticks(top) == ticks
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    assert ticks[-1] >= top


def test_column_plan_keeps_required_columns_and_adds_others_while_they_fit() -> None:
    plan = ColumnPlan(required=(0, 5, 6), optional=(3, 2, 4), stretch=0, flexible=1,
                      flexible_min=200)
    needs = {0: 300, 1: 2000, 2: 100, 3: 480, 4: 350, 5: 100, 6: 140}
    # Wide: everything but the summary, then the summary takes what is left.
    wide = plan_widths(plan, needs, 1700)
    assert set(wide) == {0, 1, 2, 3, 4, 5, 6}
    assert wide[1] == 1700 - 1470
    # Laptop: the summary and warnings give way; the title takes the spare.
    laptop = plan_widths(plan, needs, 1120)
    assert set(laptop) == {0, 2, 3, 5, 6}
    assert sum(laptop.values()) == 1120
    # Too narrow for the required ones: they stay, the title gives up width.
    tiny = plan_widths(plan, needs, 500)
    assert set(tiny) == {0, 5, 6}
    assert tiny[0] == 260


def test_a_capped_column_leaves_the_rest_to_the_text() -> None:
    plan = ColumnPlan(required=(0, 1, 2), stretch=2, max_share=((1, 0.3),))
    widths = plan_widths(plan, {0: 100, 1: 450, 2: 900}, 1000)
    assert widths == {0: 100, 1: 300, 2: 600}
