"""Training use cases without a window: starting, pausing several, resuming, setting aside."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import pytest

from peerscenarios.app.order import TURN_BITS
from peerscenarios.app.training import ScenarioChangedError, Training
from peerscenarios.core.engine import Mode
from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.storage import AttemptStatus, Storage


def _training(storage: Storage, *scenarios: Scenario) -> Training:
    profile = storage.create_profile("Sam")
    return Training(storage, Library(scenarios=scenarios), profile.id)


def test_several_attempts_stay_paused_until_the_trainee_says_otherwise(
        storage: Storage, typical: Scenario, crowded: Scenario) -> None:
    training = _training(storage, typical, crowded)
    first = training.start(typical, Mode.PRACTICE)
    first.choose(first.choices_shown()[0].id)
    second = training.start(crowded, Mode.ASSESSMENT)
    # Starting another scenario set nothing aside: both wait, newest first.
    paused = training.paused()
    assert [p.attempt.id for p in paused] == [second.attempt.id, first.attempt.id]
    assert paused[1].title == typical.title
    assert training.paused_attempt(typical.id) is not None
    training.abandon(second.attempt.id)
    assert [p.attempt.id for p in training.paused()] == [first.attempt.id]
    assert storage.get_attempt(second.attempt.id).status is AttemptStatus.ABANDONED


def test_resume_rebuilds_the_place_and_the_answer_order(storage: Storage,
                                                        typical: Scenario) -> None:
    training = _training(storage, typical)
    pt = training.start(typical, Mode.PRACTICE)
    shown = pt.choices_shown()
    pt.choose(shown[-1].id)
    again = training.resume(pt.attempt.id)
    assert again.state.node_id == pt.state.node_id
    assert again.order_seed == pt.order_seed
    assert again.choices_shown(typical.node("website")) == shown


def test_a_replay_takes_the_next_turn_of_the_trainees_order(storage: Storage,
                                                            typical: Scenario) -> None:
    training = _training(storage, typical)
    first = training.start(typical, Mode.PRACTICE)
    second = training.start(typical, Mode.PRACTICE)
    assert first.order_seed is not None
    assert second.order_seed is not None
    assert second.order_seed >> TURN_BITS == first.order_seed >> TURN_BITS
    assert second.order_seed == first.order_seed + 1


def test_resume_after_the_scenario_changed_sets_it_aside_and_says_why(
        storage: Storage, typical: Scenario) -> None:
    training = _training(storage, typical)
    pt = training.start(typical, Mode.PRACTICE)
    pt.choose(pt.choices_shown()[0].id)
    # The file is edited: the first decision no longer exists.
    nodes = dict(typical.nodes)
    del nodes["website"]
    edited = replace(typical, nodes=MappingProxyType(nodes), content_hash="edited")
    training.library = Library(scenarios=(edited,))
    with pytest.raises(ScenarioChangedError) as caught:
        training.resume(pt.attempt.id)
    assert "has changed since you started it" in caught.value.message
    assert storage.get_attempt(pt.attempt.id).status is AttemptStatus.ABANDONED
    # What was chosen stays in history.
    assert len(storage.attempt_choices(pt.attempt.id)) == 1


def test_resume_of_a_scenario_no_longer_in_the_library_is_explained(
        storage: Storage, typical: Scenario) -> None:
    training = _training(storage, typical)
    pt = training.start(typical, Mode.PRACTICE)
    training.library = Library()
    with pytest.raises(ScenarioChangedError) as caught:
        training.resume(pt.attempt.id)
    assert "no longer in your library" in caught.value.message
    # Nothing is set aside: the file may come back.
    assert storage.get_attempt(pt.attempt.id).status is AttemptStatus.IN_PROGRESS
