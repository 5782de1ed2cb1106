"""The group's walk through a scenario, without Qt: steps, votes, majority, locking, peeking."""

from __future__ import annotations

import pytest

from peerscenarios.app.group.flow import GroupFlow, Visit, inline_html
from peerscenarios.app.group.stage_state import Step
from peerscenarios.core.model import Scenario


def test_a_decision_has_four_steps_and_role_tags_stay_hidden_until_feedback(
        crowded: Scenario) -> None:
    flow = GroupFlow(crowded)
    assert flow.current.step is Step.SITUATION
    assert not flow.votes_open
    assert flow.forward().locked is None
    state = flow.stage_state()
    assert state.step is Step.CHOICES
    assert [c.letter for c in state.choices] == ["A", "B", "C"]
    assert state.feedback == ()
    assert "peer-aligned" not in repr(state).lower()
    assert flow.votes_open


def test_majority_decides_and_a_tie_blocks_until_the_presenter_picks(crowded: Scenario) -> None:
    flow = GroupFlow(crowded)
    flow.forward()
    flow.forward()  # tally
    assert "No votes yet" in (flow.forward_blocker() or "")
    flow.set_votes(0, 4)
    flow.set_votes(1, 4)
    assert "tied (A, B)" in (flow.forward_blocker() or "")
    with pytest.raises(ValueError, match="tied"):
        flow.forward()
    flow.set_override("my-family-story")
    assert flow.forward_blocker() is None
    flow.set_override(None)
    flow.bump_votes(1, 1)
    assert flow.current.visit is not None
    assert flow.current.visit.chosen == "my-family-story"
    flow.forward()
    state = flow.stage_state()
    assert state.step is Step.FEEDBACK
    assert [f.letter for f in state.feedback] == ["B"]
    assert state.feedback[0].chosen
    assert state.prompt == "The group chose B"
    assert not flow.set_votes(0, 9), "votes close once the feedback is up"
    assert flow.set_revealed_all(True)
    assert [f.letter for f in flow.stage_state().feedback] == ["A", "B", "C"]


def test_moving_on_locks_the_decision_and_back_does_not_reopen_it(crowded: Scenario) -> None:
    flow = GroupFlow(crowded)
    for _ in range(2):
        flow.forward()
    flow.set_votes(2, 3)
    flow.forward()
    assert flow.pending_visit() is not None
    moved = flow.forward()
    assert moved.locked is not None
    assert moved.locked.vote_map() == {"ask-what-she-wants": 0, "my-family-story": 0,
                                       "go-home": 3}
    assert flow.current.node.id == "six-choices"
    assert flow.current.decision_number == 2
    flow.back()
    assert flow.current.step is Step.FEEDBACK
    assert not flow.set_votes(0, 1)
    assert not flow.set_revealed_all(True), "the stored record says what the room saw"
    flow.forward()
    assert flow.current.node.id == "six-choices"
    assert len(flow.locked_visits()) == 1


def test_peek_forward_is_exactly_the_next_step(crowded: Scenario) -> None:
    flow = GroupFlow(crowded)
    seen = 0
    while not flow.finished:
        if flow.current.step is Step.CHOICES:
            flow.set_votes(len(flow.current.node.choices) - 1, 2)
        peeked = flow.peek_forward()
        flow.forward()
        assert peeked == flow.stage_state()
        seen += 1
    assert flow.stage_state().step is Step.ENDING
    assert [p.letter for p in flow.stage_state().group_path] == ["C", "F"]
    assert flow.peek_forward() is None
    assert seen == 8  # 4 steps at each of two decisions


def test_ending_shows_title_debrief_and_the_rooms_path(typical: Scenario) -> None:
    flow = GroupFlow(typical)
    while not flow.finished:
        if flow.current.step is Step.CHOICES:
            flow.set_votes(0, 1)
        flow.forward()
    state = flow.stage_state()
    assert state.ending_title
    assert state.ending_html
    assert all(p.letter == "A" and p.is_peer for p in state.group_path)
    assert "end of the scenario" in flow.next_preview()


def test_visit_majority_needs_a_single_leader() -> None:
    v = Visit("n", ("a", "b", "c"))
    assert v.majority is None
    assert v.leaders == ("a", "b", "c")
    v.votes[:] = [1, 3, 3]
    assert v.majority is None
    v.votes[1] = 4
    assert v.majority == "b"
    v.override = "c"
    assert v.chosen == "c"


def test_inline_html_reflows_author_line_breaks_and_stays_inert() -> None:
    assert inline_html("one\ntwo") == "one two"
    assert inline_html("<img src=x>") == "&lt;img src=x&gt;"
    assert inline_html("a\n\nb").count("<p>") == 2


def test_a_decision_visited_twice_and_voted_alike_is_listed_twice() -> None:
    from peerscenarios.app.group.flow import Visit

    first = Visit("ask", ("a", "b"), votes=[2, 1], locked=True)
    again = Visit("ask", ("a", "b"), votes=[2, 1], locked=True)
    assert first == again  # equal by value: the identity check below is what matters
    flow = GroupFlow.__new__(GroupFlow)
    flow._entries = [type("E", (), {"visit": v})() for v in (first, first, again)]  # type: ignore[misc]
    assert flow.locked_visits() == [first, again]
    assert flow.locked_visits()[1] is again
