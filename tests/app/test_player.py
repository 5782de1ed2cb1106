"""The player's phase model, without a window: what each action shows next."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerscenarios.app.player import (
    Phase,
    PlayerModel,
    ReflectionAnswer,
    decisions_ahead,
    scenario_warnings,
)
from peerscenarios.app.training import Training
from peerscenarios.core.engine import Mode
from peerscenarios.core.library import Library, check_file
from peerscenarios.core.model import Scenario
from peerscenarios.storage import AttemptStatus, Storage

COFFEE = Path(__file__).resolve().parents[1] / "ui" / "data" / "good" / "coffee-after-group.yaml"


@pytest.fixture
def coffee() -> Scenario:
    sc = check_file(COFFEE, with_lint=False).scenario
    assert sc is not None
    return sc


@pytest.fixture
def training(storage: Storage, coffee: Scenario) -> Training:
    return Training(storage, Library(scenarios=(coffee,)), storage.create_profile("Sam").id)


def test_a_whole_attempt_phase_by_phase(training: Training, coffee: Scenario,
                                        storage: Storage) -> None:
    model = PlayerModel()
    view = model.open(training, coffee, Mode.PRACTICE)
    assert view.phase is Phase.WARNINGS
    assert view.warnings == ("relapse",)
    assert storage.count_attempts(training.profile_id) == 0  # nothing starts behind warnings

    view = model.accept_warnings(training)
    assert view.phase is Phase.DECISION
    assert view.progress == "Decision 1 of 2"
    assert [c.number for c in view.choices] == [1, 2, 3]
    assert {c.choice.id for c in view.choices} == {"ask-her", "advise-dose", "tell-story"}

    view = model.choose("advise-dose")
    assert view.phase is Phase.FEEDBACK
    assert view.outcome is not None
    assert view.can_step_back

    view = model.go_on()  # the decision's reflection prompt comes before the next node
    assert view.phase is Phase.REFLECT
    assert view.node is not None
    assert view.node.id == "coffee"  # the story it asks about stays above it
    assert [p.prompt.id for p in view.prompts] == ["reflect-advice"]

    view = model.reflection_done([ReflectionAnswer("reflect-advice", "A thought.")])
    assert view.phase is Phase.NARRATIVE
    assert view.continue_label == "Continue"

    view = model.go_on()
    assert view.phase is Phase.DECISION
    assert view.progress == "Decision 2 of 2"
    assert view.context == ()  # this decision carries Dana's words itself

    view = model.choose("reflect-fear")
    view = model.go_on()
    assert view.phase is Phase.REFLECT  # the ending's own prompt, the ending shown with it
    assert view.node is not None
    assert view.node.ending is not None
    assert view.prompt_button == "Save and see the debrief"

    view = model.reflection_done([ReflectionAnswer("reflect-ending", "x", keep=False)])
    assert view.phase is Phase.DONE
    assert view.summary is not None
    assert not model.active
    attempt = storage.get_attempt(view.attempt_id or 0)
    assert attempt.status is AttemptStatus.COMPLETED
    texts = {r.prompt_id: r.text for r in storage.attempt_detail(attempt.id).reflections}
    assert texts == {"reflect-advice": "A thought."}  # "don't keep" kept nothing


def test_step_back_returns_to_the_same_order(training: Training, coffee: Scenario) -> None:
    model = PlayerModel()
    model.open(training, coffee, Mode.PRACTICE)
    first = model.accept_warnings(training)
    model.choose("tell-story")
    again = model.step_back()
    assert again.phase is Phase.DECISION
    assert again.choices == first.choices


def test_actions_out_of_turn_are_refused(training: Training, coffee: Scenario) -> None:
    model = PlayerModel()
    with pytest.raises(RuntimeError):
        model.choose("ask-her")  # nothing is open
    model.open(training, coffee, Mode.ASSESSMENT)
    model.accept_warnings(training)
    model.choose("ask-her")
    with pytest.raises(RuntimeError):
        model.choose("ask-her")  # the feedback is up: one key press, one answer


def test_counting_decisions_ahead_and_gathering_warnings(coffee: Scenario,
                                                         typical: Scenario) -> None:
    assert decisions_ahead(coffee, "coffee") == 2
    assert decisions_ahead(coffee, "end-good") == 0
    assert scenario_warnings(coffee) == ("relapse",)
    assert decisions_ahead(typical, typical.start) >= 2


WORDS_BEFORE = """\
format: 1
id: words-before
title: "Words before"
summary: "Someone speaks, then the story asks what you say."
minutes: 3
setting: peer-center
competencies: [1]
nodes:
  - id: asks
    lines:
      - speaker: Renee
        text: "Am I getting kicked out?"
    next: decide
  - id: decide
    text: "Everyone in the room looks at you."
    choices:
      - id: ask
        text: "What are you most worried about?"
        role: peer-aligned
        feedback: {why: "You ask before you answer."}
        next: end
      - id: rules
        text: "Rules are rules."
        role: authority-drift
        feedback: {why: "You speak for the program.", better: "Ask what she fears."}
        next: end
  - id: end
    text: "She breathes out."
    ending: {title: "Breathing out", debrief: "Asking first helped."}
"""


def test_what_the_person_just_said_stays_above_the_responses(storage: Storage) -> None:
    from peerscenarios.core.validator import validate_bytes

    sc = validate_bytes(WORDS_BEFORE.encode(), "words-before.yaml").scenario
    assert sc is not None
    training = Training(storage, Library(scenarios=(sc,)), storage.create_profile("Ana").id)
    model = PlayerModel()
    view = model.open(training, sc, Mode.PRACTICE)
    assert view.phase is Phase.NARRATIVE
    view = model.go_on()
    assert view.phase is Phase.DECISION
    assert [(ln.speaker, ln.text) for ln in view.context] == [
        ("Renee", "Am I getting kicked out?")]

