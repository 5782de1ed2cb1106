"""Training use cases: start, resume, pause, abandon, choose, step back, reflect and finish.

``Playthrough`` is one attempt: the engine's state plus the stored attempt,
with the answer order the trainee sees. ``Training`` holds the policy around
attempts (which are paused, what starting another one means, what happens
when a scenario changed under a paused attempt). Neither imports Qt; each
write goes through Storage's operations, so the screens never see a Session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from peerscenarios.app.order import next_seed, shown_choices
from peerscenarios.core import engine
from peerscenarios.core.engine import Mode, Outcome, PlayState, Summary
from peerscenarios.core.library import Library
from peerscenarios.core.model import Choice, Node, ReflectionPrompt, Scenario
from peerscenarios.core.reporting import feedback_text
from peerscenarios.errors import PeerScenariosError
from peerscenarios.storage import AttemptRecord, Storage

log = logging.getLogger(__name__)


class ScenarioChangedError(PeerScenariosError):
    """A paused attempt no longer fits its scenario (the file was edited); it was set aside."""


@dataclass(frozen=True, slots=True)
class PendingPrompt:
    """A reflection prompt to show now, with any text kept from before (draft or saved)."""

    node_id: str
    prompt: ReflectionPrompt
    text: str = ""


@dataclass(frozen=True, slots=True)
class PausedAttempt:
    """An attempt still in progress, as the Library and the start-up question describe it."""

    attempt: AttemptRecord
    scenario: Scenario | None
    has_draft: bool

    @property
    def title(self) -> str:
        """The scenario's title, or its id when the file is gone."""
        return self.scenario.title if self.scenario is not None else self.attempt.scenario_id

    @property
    def started_at(self) -> datetime:
        """When the attempt began."""
        return self.attempt.started_at


class Playthrough:
    """One attempt at one scenario: the engine's state plus the stored attempt.

    Every method is a user action. Pausing needs nothing: the attempt simply
    stays in progress until it is finished or abandoned, and drafts are
    already saved as the trainee types.
    """

    def __init__(self, storage: Storage, attempt: AttemptRecord, state: PlayState,
                 standing: list[int]) -> None:
        self.storage = storage
        self.attempt = attempt
        self.state = state
        # Ids of recorded choices that still stand, newest last (to step back from).
        self._standing = standing
        self.last_outcome: Outcome | None = None

    # ---------------------------------------------------------------- creation

    @classmethod
    def begin(cls, storage: Storage, profile_id: int, scenario: Scenario, mode: Mode, *,
              order_seed: int | None = None) -> Playthrough:
        """Start a new attempt at the scenario's first node.

        Its answer order continues from the trainee's last attempt at this
        scenario (the next turn), unless ``order_seed`` is given.
        """
        seed = order_seed
        if seed is None:
            # The next turn of this trainee's order for the scenario: over replays each
            # response takes every place once (see app.order).
            seed = next_seed(storage.last_order_seed(profile_id, scenario.id))
        attempt = storage.start_attempt(profile_id, scenario.id, scenario.content_hash,
                                        mode.value, order_seed=seed)
        log.info("attempt %d started (%s, %s)", attempt.id, scenario.id, mode.value)
        return cls(storage, attempt, engine.start(scenario, mode), [])

    @classmethod
    def resume(cls, storage: Storage, attempt: AttemptRecord, scenario: Scenario) -> Playthrough:
        """Rebuild an unfinished attempt from its recorded choices.

        Raises engine.EngineError if the scenario was edited so that the
        recorded route no longer fits it.
        """
        events = storage.attempt_choices(attempt.id)
        # Replayed through the engine rather than read back as a saved state, so an
        # edited scenario is caught here and not played from a place it no longer has.
        state = engine.replay(scenario, Mode(attempt.mode.value),
                              [(e.node_id, e.choice_id, e.stepped_back) for e in events])
        standing = [e.id for e in events if not e.stepped_back]
        log.info("attempt %d resumed after %d recorded choices", attempt.id, len(events))
        return cls(storage, attempt, state, standing)

    # ----------------------------------------------------------------- queries

    @property
    def scenario(self) -> Scenario:
        """The scenario being played."""
        return self.state.scenario

    @property
    def mode(self) -> Mode:
        """Practice or assessment."""
        return self.state.mode

    @property
    def node(self) -> Node:
        """The node currently shown."""
        return self.state.node

    @property
    def order_seed(self) -> int | None:
        """The seed of this attempt's answer order (None: the file's order, old attempts)."""
        return self.attempt.order_seed

    def choices_shown(self, node: Node | None = None) -> tuple[Choice, ...]:
        """A node's responses (the current one's by default) in the order this attempt shows."""
        return shown_choices(node or self.node, self.order_seed)

    @property
    def can_step_back(self) -> bool:
        """Practice mode with a recorded choice to step back from."""
        return self.state.can_step_back and bool(self._standing)

    def prompts_for(self, node: Node) -> list[PendingPrompt]:
        """A node's reflection prompts with their draft (or already saved) text."""
        if not node.reflect:
            return []
        drafts = self.storage.drafts_for_attempt(self.attempt.id)
        saved = {r.prompt_id: r.text
                 for r in self.storage.attempt_detail(self.attempt.id).reflections}
        # A draft is always newer than the saved text (saving deletes the draft): it wins.
        return [PendingPrompt(node.id, p, drafts.get(p.id, saved.get(p.id, "")))
                for p in node.reflect]

    def orphan_drafts(self) -> list[PendingPrompt]:
        """Drafts for prompts on nodes already passed (a crash while writing, before resuming).

        The current node's own prompts are left out: they come up in their place.
        """
        drafts = self.storage.drafts_for_attempt(self.attempt.id)
        out: list[PendingPrompt] = []
        # Each node once, in the order passed: a loop may have visited one twice.
        for node_id in dict.fromkeys(self.state.path[:-1]):
            node = self.scenario.node(node_id)
            out.extend(PendingPrompt(node_id, p, drafts[p.id])
                       for p in node.reflect if p.id in drafts)
        return out

    # ----------------------------------------------------------------- actions

    def choose(self, choice_id: str) -> Outcome:
        """Pick a response: the engine moves on and the choice is recorded at once."""
        outcome = engine.choose(self.state, choice_id)
        choice = outcome.choice
        # Stored before the feedback is shown, so a crash right after the click keeps the
        # choice; the feedback goes with it, readable in history after the file changes.
        record = self.storage.record_choice(self.attempt.id, self.state.node_id, choice.id,
                                            choice.role, choice.effects, feedback_text(choice))
        self._standing.append(record.id)
        self.state = outcome.state
        self.last_outcome = outcome
        return outcome

    def step_back(self) -> None:
        """Practice mode: return to the last decision; the choice stays recorded as stepped back."""
        if not self.can_step_back:
            raise engine.EngineError("there is no choice to step back from")
        event_id = self._standing.pop()
        # Marked, never deleted: the first try stays in the record, shown as stepped back.
        self.storage.mark_stepped_back(event_id)
        self.state = engine.step_back(self.state)
        self.last_outcome = None

    def advance(self) -> None:
        """Go on from a node without choices."""
        self.state = engine.advance(self.state)

    def save_draft(self, prompt_id: str, text: str) -> None:
        """Autosave a reflection draft."""
        self.storage.save_draft(self.attempt.id, prompt_id, text)

    def discard_draft(self, prompt_id: str) -> None:
        """Forget a draft (the trainee chose not to keep this reflection)."""
        self.storage.discard_draft(self.attempt.id, prompt_id)

    def save_reflection(self, prompt_id: str, text: str) -> None:
        """Keep a finished reflection (its draft goes in the same transaction)."""
        self.storage.save_reflection(self.attempt.id, prompt_id, text)

    def finish(self) -> Summary:
        """Mark the attempt completed at its ending and return the debrief summary."""
        summary = engine.summarise(self.state)
        self.attempt = self.storage.finish_attempt(self.attempt.id, self.state.node_id)
        log.info("attempt %d finished at %s", self.attempt.id, self.state.node_id)
        return summary

    def abandon(self) -> None:
        """Set the attempt aside (it stays in history as abandoned)."""
        self.attempt = self.storage.abandon_attempt(self.attempt.id)
        log.info("attempt %d abandoned", self.attempt.id)


class Training:
    """The attempt policy of one profile: what is paused, starting, resuming, setting aside.

    Several attempts may be paused at once; nothing is ever abandoned except
    when the trainee says so (or when a paused attempt's scenario changed so
    that its place no longer exists, which the caller is told about).
    """

    def __init__(self, storage: Storage, library: Library, profile_id: int) -> None:
        self.storage = storage
        self.library = library
        self.profile_id = profile_id

    def paused(self) -> list[PausedAttempt]:
        """Every attempt of this profile still in progress, newest first."""
        out: list[PausedAttempt] = []
        for attempt in self.storage.paused_attempts(self.profile_id):
            scenario = self.library.by_id(attempt.scenario_id)
            out.append(PausedAttempt(attempt, scenario,
                                     bool(self.storage.drafts_for_attempt(attempt.id))))
        return out

    def paused_attempt(self, scenario_id: str) -> PausedAttempt | None:
        """The newest paused attempt of one scenario, if any."""
        return next((p for p in self.paused() if p.attempt.scenario_id == scenario_id), None)

    def start(self, scenario: Scenario, mode: Mode) -> Playthrough:
        """A new attempt (other paused attempts stay as they are)."""
        return Playthrough.begin(self.storage, self.profile_id, scenario, mode)

    def resume(self, attempt_id: int) -> Playthrough:
        """Pick a paused attempt up again.

        Raises ScenarioChangedError when its scenario is gone from the library
        (the attempt stays paused) or was edited so that the recorded route no
        longer fits (the attempt is set aside, its choices kept in history).
        """
        attempt = self.storage.get_attempt(attempt_id)
        scenario = self.library.by_id(attempt.scenario_id)
        if scenario is None:
            # Left paused: the file may only have been moved, or be on a drive that is
            # not plugged in, and come back.
            raise ScenarioChangedError(
                f"“{attempt.scenario_id}” is no longer in your library, so this attempt "
                "cannot be picked up again.",
                "What you chose is kept in your history.")
        try:
            return Playthrough.resume(self.storage, attempt, scenario)
        except engine.EngineError:
            # Set aside, so the Library stops offering a place that no longer exists.
            self.storage.abandon_attempt(attempt_id)
            log.info("attempt %d set aside: its scenario changed", attempt_id)
            raise ScenarioChangedError(
                f"“{scenario.title}” has changed since you started it, so your place in it "
                "no longer exists.",
                "What you chose is kept in your history. Start the scenario again to play "
                "the new version.") from None

    def abandon(self, attempt_id: int) -> None:
        """Set a paused attempt aside on the trainee's word (it stays in history)."""
        self.storage.abandon_attempt(attempt_id)
        log.info("attempt %d abandoned", attempt_id)
