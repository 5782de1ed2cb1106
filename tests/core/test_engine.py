"""Playthrough engine: choices, feedback, stepping back, replay and the ending summary."""

from __future__ import annotations

import pytest

from peerscenarios.core import engine
from peerscenarios.core.engine import EngineError, Mode
from peerscenarios.core.taxonomy import Role
from peerscenarios.core.validator import validate_bytes
from scenario_samples import VALID


@pytest.fixture
def scenario():
    sc = validate_bytes(VALID.encode(), "s.yaml").scenario
    assert sc is not None
    return sc


def test_start_offers_the_first_decision(scenario) -> None:
    st = engine.start(scenario)
    assert st.node_id == "start"
    assert [c.id for c in st.choices] == ["plan", "do-it", "tell-her"]
    assert not st.is_finished
    assert not st.can_step_back


def test_choose_returns_feedback_and_next_state(scenario) -> None:
    out = engine.choose(engine.start(scenario), "do-it")
    assert out.role is Role.CASE_MANAGEMENT
    assert out.feedback.better == "Offer to sit with her while she calls."
    assert out.state.node_id == "waits"
    assert out.state.path == ("start", "waits")


def test_full_run_and_summary_lists_alternatives(scenario) -> None:
    st = engine.choose(engine.start(scenario), "tell-her").state
    st = engine.advance(st)
    assert st.is_finished
    s = engine.summarise(st)
    assert s.ending.id == "end"
    assert s.path == ("start", "waits", "end")
    (review,) = s.decisions
    assert review.chosen.id == "tell-her"
    assert [c.id for c in review.alternatives] == ["plan", "do-it"]
    assert s.role_tally == ((Role.DIRECTIVE, 1),)
    assert dict(s.competency_totals) == {}
    assert s.drift_count == 1


def test_step_back_in_practice_keeps_the_first_choice(scenario) -> None:
    st = engine.choose(engine.start(scenario, Mode.PRACTICE), "do-it").state
    assert st.can_step_back
    back = engine.step_back(st)
    assert back.node_id == "start"
    assert back.path == ("start",)
    assert back.history[0].stepped_back
    st2 = engine.advance(engine.choose(back, "plan").state)
    s = engine.summarise(st2)
    assert [h.choice_id for h in st2.history] == ["do-it", "plan"]
    assert s.stepped_back[0].choice_id == "do-it"
    assert [c.id for c in s.decisions[0].tried_first] == ["do-it"]
    assert dict(s.competency_totals) == {1: 1, 6: 2}
    assert s.role_tally == ((Role.PEER, 1),)


def test_assessment_mode_refuses_step_back(scenario) -> None:
    st = engine.choose(engine.start(scenario, Mode.ASSESSMENT), "plan").state
    assert not st.can_step_back
    with pytest.raises(EngineError, match="only possible in practice"):
        engine.step_back(st)


def test_step_back_with_nothing_to_go_back_to(scenario) -> None:
    with pytest.raises(EngineError, match="no decision"):
        engine.step_back(engine.start(scenario))


def test_invalid_actions_raise(scenario) -> None:
    st = engine.start(scenario)
    with pytest.raises(EngineError, match="no choice 'nope'"):
        engine.choose(st, "nope")
    with pytest.raises(EngineError, match="no 'next'"):
        engine.advance(st)
    with pytest.raises(EngineError, match="not reached an ending"):
        engine.summarise(st)
    calls = engine.choose(st, "plan").state
    with pytest.raises(EngineError, match="not a decision point"):
        engine.choose(calls, "plan")


def test_replay_rebuilds_the_state_from_stored_events(scenario) -> None:
    st = engine.replay(scenario, Mode.PRACTICE, [("start", "do-it", True), ("start", "plan", False)])
    assert st.node_id == "calls"
    assert [(h.choice_id, h.stepped_back) for h in st.history] == [("do-it", True), ("plan", False)]


def test_replay_that_no_longer_fits_raises(scenario) -> None:
    with pytest.raises(EngineError, match="does not fit"):
        engine.replay(scenario, Mode.PRACTICE, [("gone", "x", False)])


def test_replay_of_a_route_through_a_removed_node_is_an_engine_error() -> None:
    from dataclasses import replace
    from types import MappingProxyType

    from peerscenarios.core import engine
    from peerscenarios.core.validator import validate_bytes
    from scenario_samples import VALID

    sc = validate_bytes(VALID.encode(), "s.yaml").scenario
    assert sc is not None
    nodes = dict(sc.nodes)
    del nodes["start"]
    edited = replace(sc, nodes=MappingProxyType(nodes))
    with pytest.raises(engine.EngineError):
        engine.replay(edited, engine.Mode.PRACTICE, [("start", "plan", False)])
