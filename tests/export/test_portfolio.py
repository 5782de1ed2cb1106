"""Portfolio assembly: what build_portfolio collects from storage and the library."""

from __future__ import annotations

from datetime import date

import pytest

from peerscenarios.app import views as portfolio_mod
from peerscenarios.app.views import build_portfolio
from peerscenarios.core.library import Library
from peerscenarios.core.reporting import ScenarioState, local_bounds
from peerscenarios.storage import NotFound, Storage

from ._helpers import FakeClock, first_prompts, play


def test_attempts_decisions_and_reflections(storage: Storage, library: Library,
                                            clock: FakeClock) -> None:
    walt = library.by_id("benefits-form")
    assert walt is not None
    profile = storage.create_profile("Robin")
    prompts = first_prompts(walt, (1,))
    first = play(storage, walt, profile.id, picks=(1,), step_back_first=True, clock=clock,
                 reflections={prompts[0]: "I felt small.\nThen proud."})
    clock.advance(days=1)
    second = play(storage, walt, profile.id, picks=(0,), mode="assessment", clock=clock,
                  finish=False)

    p = build_portfolio(storage, library, profile.id)

    assert p.profile_name == "Robin"
    assert [a.id for a in p.attempts] == [first.id, second.id]  # oldest first
    a = p.attempts[0]
    assert a.scenario_title == walt.title
    assert a.scenario_state is ScenarioState.CURRENT
    assert a.finished
    assert a.ending_title == walt.node(first.ending_node_id or "").ending.title
    stored = storage.attempt_detail(first.id).choices
    assert [(d.node_id, d.choice_id, d.role, d.stepped_back, d.feedback) for d in a.decisions] \
        == [(c.node_id, c.choice_id, c.role, c.stepped_back, c.feedback) for c in stored]
    assert a.decisions[0].stepped_back
    assert not a.decisions[1].stepped_back
    for d in a.decisions:
        assert d.choice_text == walt.node(d.node_id).choice(d.choice_id).text
    assert a.decisions[1].role_label == "Case-management drift"
    assert a.reflections[0].text == "I felt small.\nThen proud."
    assert a.reflections[0].prompt_text == walt.prompt(prompts[0])[1].prompt
    assert sum(r.count for r in a.role_tally) == len(a.decisions) - 1
    t = p.totals
    assert (t.attempts, t.finished, t.in_progress, t.stepped_back, t.reflections) == \
        (2, 1, 1, 1, 1)
    assert t.estimated_minutes == walt.minutes  # only the finished attempt counts
    assert t.estimated_hours == pytest.approx(walt.minutes / 60)
    profile_total = sum(r.count for r in p.boundary_profile)
    assert profile_total == t.decisions
    assert [r.role for r in p.boundary_profile][:1] == ["peer-aligned"]
    assert p.attempts[1].estimated_minutes is None


def test_missing_and_edited_scenarios_fall_back_to_stored_ids(storage: Storage,
                                                               library: Library) -> None:
    profile = storage.create_profile("Ash")
    gone = storage.start_attempt(profile.id, "retired-scenario", "abc123", "practice")
    storage.record_choice(gone.id, "n1", "old-choice", "boundary-slip", {}, "Stored feedback.")
    storage.save_reflection(gone.id, "old-prompt", "Still mine.")
    storage.finish_attempt(gone.id, "the-end")
    walt = library.by_id("benefits-form")
    assert walt is not None
    edited = storage.start_attempt(profile.id, walt.id, "an-older-hash", "practice")
    storage.record_choice(edited.id, walt.start, "a-removed-choice", "peer-aligned", {}, "fb")

    p = build_portfolio(storage, library, profile.id)

    missing, changed = p.attempts
    assert missing.scenario_state is ScenarioState.MISSING
    assert missing.scenario_title == "retired-scenario"
    assert missing.decisions[0].choice_text is None
    assert missing.decisions[0].choice_display == "[old-choice]"
    assert missing.decisions[0].feedback == "Stored feedback."
    assert missing.reflections[0].prompt_display == "[old-prompt]"
    assert missing.ending_title is None
    assert missing.estimated_minutes is None
    assert p.totals.unestimated_finished == 1
    assert changed.scenario_state is ScenarioState.CHANGED
    assert changed.decisions[0].choice_display == "[a-removed-choice]"


def test_pages_through_long_histories_with_progress(storage: Storage, library: Library,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portfolio_mod, "PAGE_SIZE", 7)
    profile = storage.create_profile("Many")
    ids = [storage.start_attempt(profile.id, "x", "h", "practice").id for _ in range(30)]
    calls: list[tuple[int, int]] = []

    p = build_portfolio(storage, library, profile.id, progress=lambda d, t: calls.append((d, t)))

    assert sorted(a.id for a in p.attempts) == ids
    assert len({a.id for a in p.attempts}) == 30
    assert calls[0] == (0, 30)
    assert calls[-1] == (30, 30)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_date_range_is_inclusive_local_days(storage: Storage, library: Library,
                                            clock: FakeClock) -> None:
    profile = storage.create_profile("Dates")
    for _ in range(5):  # 2026-03-02 .. 2026-03-06, noon each day
        storage.start_attempt(profile.id, "x", "h", "practice")
        clock.advance(days=1)
    p = build_portfolio(storage, library, profile.id, since=date(2026, 3, 3),
                        until=date(2026, 3, 5))
    assert [a.started_at.day for a in p.attempts] == [3, 4, 5]
    assert p.range_text == "2026-03-03 to 2026-03-05"
    assert build_portfolio(storage, library, profile.id, since=date(2026, 3, 6)).totals.attempts == 1
    assert build_portfolio(storage, library, profile.id, until=date(2026, 3, 2)).totals.attempts == 1
    assert local_bounds(None, None) == (None, None)


def test_unknown_profile_raises_not_found(storage: Storage, library: Library) -> None:
    with pytest.raises(NotFound):
        build_portfolio(storage, library, 999)
