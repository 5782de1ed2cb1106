"""The playthrough engine: pure functions from one immutable play state to the next.

``start`` begins a scenario; ``choose`` returns the feedback for a response
and the state after it; ``advance`` moves past a node without choices;
``step_back`` (practice mode only) returns to the last decision, keeping the
choice in the history as stepped back; ``summarise`` explains an ending.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType

from peerscenarios.core.model import Choice, Feedback, Node, Scenario
from peerscenarios.core.taxonomy import Role
from peerscenarios.errors import PeerScenariosError


class Mode(StrEnum):
    """Practice lets the trainee step back and try another response; assessment does not."""

    PRACTICE = "practice"
    ASSESSMENT = "assessment"


class EngineError(PeerScenariosError):
    """An action that the current state does not allow (a programming error in callers)."""


@dataclass(frozen=True, slots=True)
class Decision:
    """A choice the trainee made at a node; ``stepped_back`` if they then tried another."""

    node_id: str
    choice_id: str
    stepped_back: bool = False


@dataclass(frozen=True, slots=True)
class PlayState:
    """Where a playthrough is: the current node, the route so far and every choice made."""

    scenario: Scenario
    mode: Mode
    node_id: str
    # Every node shown, narrative ones included, in order: the debrief's route.
    path: tuple[str, ...]
    # Only decisions, stepped-back ones kept and marked: a portfolio shows what was tried.
    history: tuple[Decision, ...] = ()

    @property
    def node(self) -> Node:
        """The node being shown."""
        return self.scenario.node(self.node_id)

    @property
    def choices(self) -> tuple[Choice, ...]:
        """The responses available here (empty unless this is a decision point)."""
        return self.node.choices

    @property
    def is_finished(self) -> bool:
        """True once an ending is reached."""
        return self.node.ending is not None

    @property
    def decisions(self) -> tuple[Decision, ...]:
        """The choices that stand (not stepped back), in order."""
        return tuple(d for d in self.history if not d.stepped_back)

    @property
    def can_step_back(self) -> bool:
        """Practice mode, with at least one standing decision to go back to."""
        return self.mode is Mode.PRACTICE and bool(self.decisions)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``choose`` returns: the choice, its feedback, and the state that follows."""

    choice: Choice
    state: PlayState

    @property
    def feedback(self) -> Feedback:
        """The boundary feedback to show at once."""
        return self.choice.feedback

    @property
    def role(self) -> Role:
        """The role this response reflects."""
        return self.choice.role


def start(scenario: Scenario, mode: Mode = Mode.PRACTICE) -> PlayState:
    """A new playthrough at the scenario's start node."""
    return PlayState(scenario, mode, scenario.start, (scenario.start,))


def choose(state: PlayState, choice_id: str) -> Outcome:
    """Pick a response at a decision point."""
    node = state.node
    if not node.choices:
        raise EngineError(f"node '{node.id}' is not a decision point")
    try:
        choice = node.choice(choice_id)
    except KeyError:
        raise EngineError(f"node '{node.id}' has no choice '{choice_id}'") from None
    # A new state; ``state`` is left as it was. The app records the choice first and
    # adopts this state only once storage has it, so a failed write changes nothing.
    new = replace(
        state,
        node_id=choice.next,
        path=(*state.path, choice.next),
        history=(*state.history, Decision(node.id, choice.id)),
    )
    return Outcome(choice, new)


def advance(state: PlayState) -> PlayState:
    """Move on from a node without choices."""
    node = state.node
    if node.next is None:
        raise EngineError(f"node '{node.id}' has no 'next' to advance to")
    return replace(state, node_id=node.next, path=(*state.path, node.next))


def step_back(state: PlayState) -> PlayState:
    """Return to the last decision (practice mode); that choice stays in history, marked."""
    if state.mode is not Mode.PRACTICE:
        raise EngineError("stepping back is only possible in practice mode")
    standing = [i for i, d in enumerate(state.history) if not d.stepped_back]
    if not standing:
        raise EngineError("there is no decision to step back to")
    last = standing[-1]
    decision = state.history[last]
    # Marked, not removed: the debrief shows it with its decision (``tried_first``).
    history = (*state.history[:last], replace(decision, stepped_back=True),
               *state.history[last + 1:])
    # The route is cut back to the most recent visit of the decision node.
    cut = len(state.path) - 1 - state.path[::-1].index(decision.node_id)
    return replace(state, node_id=decision.node_id, path=state.path[: cut + 1],
                   history=history)


def replay(scenario: Scenario, mode: Mode, events: Iterable[tuple[str, str, bool]]) -> PlayState:
    """Rebuild a state from stored (node id, choice id, stepped back) events, for resuming.

    Narrative nodes between decisions are passed through automatically.
    Raises EngineError if the events do not fit this scenario (it was edited).
    """
    try:
        return _replay(scenario, mode, events)
    except KeyError as exc:
        # A node the stored route passes through was removed from the file.
        raise EngineError(f"the stored route does not fit this scenario ({exc})") from None


def _replay(scenario: Scenario, mode: Mode,
            events: Iterable[tuple[str, str, bool]]) -> PlayState:
    state = start(scenario, mode)
    for node_id, choice_id, stepped_back in events:
        # A bound, not a rule: the validator refuses narrative cycles (they have no way
        # out), but a resume must never hang on a scenario that was built some other way.
        guard = 0
        while state.node_id != node_id and state.node.next is not None and guard < 1000:
            state = advance(state)
            guard += 1
        if state.node_id != node_id:
            raise EngineError(f"the stored route does not fit this scenario at '{node_id}'")
        state = choose(state, choice_id).state
        if stepped_back:
            state = step_back(state)
    return state


@dataclass(frozen=True, slots=True)
class DecisionReview:
    """One decision at an ending: what was chosen, what else was on offer, what was tried."""

    node: Node
    chosen: Choice
    alternatives: tuple[Choice, ...]
    tried_first: tuple[Choice, ...] = ()


@dataclass(frozen=True, slots=True)
class Summary:
    """The debrief of a finished playthrough."""

    scenario: Scenario
    ending: Node
    path: tuple[str, ...]
    decisions: tuple[DecisionReview, ...]
    role_tally: tuple[tuple[Role, int], ...]
    competency_totals: Mapping[int, int]
    stepped_back: tuple[Decision, ...]

    @property
    def drift_count(self) -> int:
        """How many standing choices drifted out of the peer role."""
        return sum(n for r, n in self.role_tally if r.is_drift)


def summarise(state: PlayState) -> Summary:
    """Explain a finished playthrough: path, each decision with its alternatives, tallies."""
    if not state.is_finished:
        raise EngineError("the scenario has not reached an ending yet")
    sc = state.scenario
    reviews = []
    tally: Counter[Role] = Counter()
    totals: Counter[int] = Counter()
    # Standing choices only: a stepped-back response was practice. It is listed with
    # the decision it belongs to (``tried_first``), never counted in the tallies.
    for d in state.decisions:
        node = sc.node(d.node_id)
        chosen = node.choice(d.choice_id)
        tried = tuple(node.choice(h.choice_id) for h in state.history
                      if h.stepped_back and h.node_id == d.node_id)
        reviews.append(DecisionReview(node, chosen,
                                      tuple(c for c in node.choices if c.id != chosen.id), tried))
        tally[chosen.role] += 1
        for comp, effect in chosen.effects.items():
            totals[comp] += effect
    # Taxonomy order rather than by count, so every debrief lists roles the same way.
    ordered = tuple((r, tally[r]) for r in Role if tally[r])
    return Summary(sc, state.node, state.path, tuple(reviews), ordered,
                   MappingProxyType(dict(sorted(totals.items()))),
                   tuple(h for h in state.history if h.stepped_back))
