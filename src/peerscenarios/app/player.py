"""The player's phase model: what the play page shows now, and what each action leads to.

A scenario page moves through phases: content warnings, then for each node
either a decision (responses in this attempt's order), the feedback on the
response chosen, a narrative with Continue, reflection prompts, or an ending;
finally the debrief. ``PlayerModel`` owns that sequence and returns a frozen
``PlayerView`` after every action; the Qt screen only draws the view and
turns clicks and keys into calls. Keeping it here means the rules ("after
the feedback come the decision's prompts, then the next node") are tested
without a window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum

from peerscenarios.app.training import PendingPrompt, Playthrough, Training
from peerscenarios.core.engine import Mode, Outcome, Summary
from peerscenarios.core.model import Choice, Node, NodeKind, Scenario, SpeakerLine


class Phase(Enum):
    """What the play page is showing."""

    WARNINGS = "warnings"
    DECISION = "decision"
    FEEDBACK = "feedback"
    NARRATIVE = "narrative"
    REFLECT = "reflect"
    ENDING = "ending"
    DONE = "done"


class _Then(Enum):
    """Where the player goes once the reflection on screen is saved or set aside."""

    SHOW_NODE = "show-node"  # the current node (after a decision's feedback, or a resume)
    ADVANCE = "advance"  # on past a narrative node
    FINISH = "finish"  # the debrief


@dataclass(frozen=True, slots=True)
class ShownChoice:
    """A response as listed: its number on screen (the key that picks it) and the choice."""

    number: int
    choice: Choice


@dataclass(frozen=True, slots=True)
class PlayerView:
    """Everything the play page draws for one phase."""

    phase: Phase
    scenario: Scenario
    mode: Mode
    node: Node | None = None
    show_story: bool = True
    context: tuple[SpeakerLine, ...] = ()
    choices: tuple[ShownChoice, ...] = ()
    outcome: Outcome | None = None
    can_step_back: bool = False
    prompts: tuple[PendingPrompt, ...] = ()
    prompt_button: str = ""
    continue_label: str = ""
    progress: str = ""
    warnings: tuple[str, ...] = ()
    summary: Summary | None = None
    attempt_id: int | None = None


@dataclass(frozen=True, slots=True)
class ReflectionAnswer:
    """What the trainee did with one prompt: the text, and whether to keep it."""

    prompt_id: str
    text: str
    keep: bool = True


def scenario_warnings(scenario: Scenario) -> tuple[str, ...]:
    """Every content warning of the scenario and its nodes, once each, in file order."""
    return tuple(dict.fromkeys(
        [*scenario.content_warnings,
         *(w for n in scenario.iter_nodes() for w in n.content_warnings)]))


def decisions_ahead(scenario: Scenario, node_id: str) -> int:
    """The most decisions any route from ``node_id`` (included) meets before an ending.

    Loops are cut at their first repeat: a route never counts a node twice.
    """
    memo: dict[str, int] = {}

    def walk(nid: str, seen: frozenset[str]) -> int:
        if nid in memo:
            return memo[nid]
        node = scenario.node(nid)
        here = 1 if node.kind is NodeKind.DECISION else 0
        nexts = [c.next for c in node.choices] or ([node.next] if node.next else [])
        best = max((walk(n, seen | {nid}) for n in nexts if n not in seen | {nid}), default=0)
        memo[nid] = here + best
        return here + best

    return walk(node_id, frozenset())


class PlayerModel:
    """One scenario page's state machine; every action returns the view to draw next."""

    def __init__(self) -> None:
        self.playthrough: Playthrough | None = None
        self.view: PlayerView | None = None
        self._pending: tuple[Scenario, Mode] | None = None
        self._then = _Then.SHOW_NODE
        self._decided: Node | None = None

    @property
    def active(self) -> bool:
        """True while an attempt is open here (playing or paused)."""
        return self.playthrough is not None

    @property
    def phase(self) -> Phase | None:
        """The phase on screen, or None before anything was opened."""
        return self.view.phase if self.view is not None else None

    # ------------------------------------------------------------ opening

    def open(self, training: Training, scenario: Scenario, mode: Mode) -> PlayerView:
        """A new attempt: the content warnings first if there are any, else its first node."""
        warnings = scenario_warnings(scenario)
        if warnings:
            # Nothing is stored yet: skipping at the warnings leaves no attempt behind.
            self._pending = (scenario, mode)
            return self._set(PlayerView(Phase.WARNINGS, scenario, mode, warnings=warnings))
        return self._begin(training, scenario, mode)

    def accept_warnings(self, training: Training) -> PlayerView:
        """The trainee chose to start after reading the warnings."""
        if self._pending is None:
            raise RuntimeError("no scenario is waiting behind its warnings")
        scenario, mode = self._pending
        return self._begin(training, scenario, mode)

    def skip(self) -> None:
        """The trainee skipped the scenario at its warnings: nothing was started."""
        self._pending = None
        self.view = None

    def resume(self, playthrough: Playthrough) -> PlayerView:
        """Show a paused attempt again: drafts left from a crash first, then its node."""
        self._pending = None
        self.playthrough = playthrough
        orphans = playthrough.orphan_drafts()
        if orphans:
            # Written at earlier nodes: the current node's story above them would put them
            # beside the wrong moment, so none is shown.
            return self._reflect(orphans, "Save and continue", _Then.SHOW_NODE, story=False)
        return self._show_node()

    def close(self) -> None:
        """Forget the attempt here (it stays paused in storage, or was finished)."""
        self.playthrough = None
        self.view = None
        self._pending = None

    def _begin(self, training: Training, scenario: Scenario, mode: Mode) -> PlayerView:
        self._pending = None
        self.playthrough = training.start(scenario, mode)
        return self._show_node()

    # ------------------------------------------------------------ actions

    def choose(self, choice_id: str) -> PlayerView:
        """Pick a response at a decision: it is recorded, and its feedback shown."""
        pt = self._playing()
        if self.phase is not Phase.DECISION:
            raise RuntimeError("responses can only be chosen at a decision")
        # Kept before the engine moves on: the feedback and the prompts that follow
        # belong to the decision just answered, not to the node it leads to.
        self._decided = pt.node
        outcome = pt.choose(choice_id)
        assert self.view is not None
        return self._set(PlayerView(
            Phase.FEEDBACK, pt.scenario, pt.mode, node=self._decided, outcome=outcome,
            can_step_back=pt.can_step_back, progress=self.view.progress,
            attempt_id=pt.attempt.id))

    def step_back(self) -> PlayerView:
        """Practice mode: back to the decision just answered."""
        self._playing().step_back()
        return self._show_node()

    def go_on(self) -> PlayerView:
        """Continue from feedback, a narrative or an ending (prompts come first if any)."""
        pt = self._playing()
        phase = self.phase
        if phase is Phase.FEEDBACK:
            # A decision's prompts come after its feedback, never with the responses: the
            # trainee reflects on a choice once they have seen what it meant.
            decided = self._decided
            prompts = pt.prompts_for(decided) if decided is not None else []
            if prompts:
                return self._reflect(prompts, "Save and continue", _Then.SHOW_NODE,
                                     node=decided)
            return self._show_node()
        if phase is Phase.NARRATIVE:
            prompts = pt.prompts_for(pt.node)
            if prompts:
                return self._reflect(prompts, "Save and continue", _Then.ADVANCE)
            pt.advance()
            return self._show_node()
        if phase is Phase.ENDING:
            return self._finish()
        raise RuntimeError(f"nothing to continue from in phase {phase}")

    def reflection_done(self, answers: Iterable[ReflectionAnswer]) -> PlayerView:
        """Keep (or drop) each answer, then go where the reflection was leading."""
        pt = self._playing()
        for a in answers:
            # An empty answer is no reflection: its draft goes, as with "don't keep".
            if a.keep and a.text.strip():
                pt.save_reflection(a.prompt_id, a.text)
            else:
                pt.discard_draft(a.prompt_id)
        # Used once: the next reflection names its own destination.
        then, self._then = self._then, _Then.SHOW_NODE
        if then is _Then.ADVANCE:
            pt.advance()
        if then is _Then.FINISH:
            return self._finish()
        return self._show_node()

    def save_draft(self, prompt_id: str, text: str) -> None:
        """Autosave a draft of the reflection on screen."""
        self._playing().save_draft(prompt_id, text)

    def discard_draft(self, prompt_id: str) -> None:
        """The trainee chose not to keep this reflection."""
        self._playing().discard_draft(prompt_id)

    # ------------------------------------------------------------ views

    def _playing(self) -> Playthrough:
        if self.playthrough is None:
            raise RuntimeError("no attempt is open")
        return self.playthrough

    def _set(self, view: PlayerView) -> PlayerView:
        self.view = view
        return view

    def _progress(self, pt: Playthrough) -> str:
        """``Decision 2 of 3`` at a decision, counting this route's decisions so far."""
        node = pt.node
        if node.kind is not NodeKind.DECISION:
            return ""
        sc = pt.scenario
        # The path ends at the current node; count the decisions passed on the way.
        before = sum(1 for nid in pt.state.path[:-1] if sc.node(nid).kind is NodeKind.DECISION)
        # The longest route ahead: "2 of 4" may end after three, but never becomes "5 of 4".
        return f"Decision {before + 1} of {before + decisions_ahead(sc, node.id)}"

    def _context(self, pt: Playthrough) -> tuple[SpeakerLine, ...]:
        """What the person said just before a decision that has no words of its own."""
        node = pt.node
        if node.kind is not NodeKind.DECISION or node.lines or len(pt.state.path) < 2:
            return ()
        previous = pt.scenario.node(pt.state.path[-2])
        return previous.lines[-1:] if previous.kind is not NodeKind.DECISION else ()

    def _show_node(self) -> PlayerView:
        pt = self._playing()
        node = pt.node
        base = PlayerView(Phase.NARRATIVE, pt.scenario, pt.mode, node=node,
                          attempt_id=pt.attempt.id)
        if node.kind is NodeKind.DECISION:
            # Keys 1-9 pick responses; a tenth (the validator warns of it) is not offered.
            shown = tuple(ShownChoice(i, c) for i, c in enumerate(pt.choices_shown()[:9], 1))
            return self._set(replace(base, phase=Phase.DECISION, choices=shown,
                                     context=self._context(pt), progress=self._progress(pt)))
        if node.kind is NodeKind.ENDING:
            prompts = pt.prompts_for(node)
            if prompts:
                # An ending's prompts come with its text, before the debrief sums it up.
                return self._reflect(prompts, "Save and see the debrief", _Then.FINISH)
            return self._set(replace(base, phase=Phase.ENDING,
                                     continue_label="See the debrief"))
        return self._set(replace(base, continue_label="Continue"))

    def _reflect(self, prompts: list[PendingPrompt], button: str, then: _Then, *,
                 story: bool = True, node: Node | None = None) -> PlayerView:
        """Prompts on screen; ``node`` is the node whose story stays above them."""
        pt = self._playing()
        self._then = then
        return self._set(PlayerView(Phase.REFLECT, pt.scenario, pt.mode, node=node or pt.node,
                                    show_story=story, prompts=tuple(prompts),
                                    prompt_button=button, attempt_id=pt.attempt.id))

    def _finish(self) -> PlayerView:
        pt = self._playing()
        summary = pt.finish()
        self.playthrough = None
        return self._set(PlayerView(Phase.DONE, pt.scenario, pt.mode, node=pt.node,
                                    summary=summary, attempt_id=pt.attempt.id))
