"""The player's controller: one playthrough, moving the engine and recording each step."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peerscenarios.core import engine
from peerscenarios.core.engine import Mode, Outcome, PlayState, Summary
from peerscenarios.core.model import Node, ReflectionPrompt, Scenario

if TYPE_CHECKING:
    from peerscenarios.storage import AttemptRecord, Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PendingPrompt:
    """A reflection prompt to show now, with any text kept from before (draft or saved)."""

    node_id: str
    prompt: ReflectionPrompt
    text: str = ""


class Playthrough:
    """One attempt at one scenario: the engine's state plus the stored attempt.

    Every method is a user action; each write goes through Storage, so the
    widgets never see a Session. Pausing needs nothing: the attempt simply
    stays in progress until it is finished or abandoned.
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
    def begin(cls, storage: Storage, profile_id: int, scenario: Scenario,
              mode: Mode) -> Playthrough:
        """Start a new attempt at the scenario's first node."""
        attempt = storage.start_attempt(profile_id, scenario.id, scenario.content_hash,
                                        mode.value)
        log.info("attempt %d started (%s, %s)", attempt.id, scenario.id, mode.value)
        return cls(storage, attempt, engine.start(scenario, mode), [])

    @classmethod
    def resume(cls, storage: Storage, attempt: AttemptRecord, scenario: Scenario) -> Playthrough:
        """Rebuild an unfinished attempt from its recorded choices.

        Raises engine.EngineError if the scenario was edited so that the
        recorded route no longer fits it.
        """
        events = storage.attempt_choices(attempt.id)
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
        return [PendingPrompt(node.id, p, drafts.get(p.id, saved.get(p.id, "")))
                for p in node.reflect]

    def orphan_drafts(self) -> list[PendingPrompt]:
        """Drafts for prompts on nodes already passed (a crash while writing, before resuming).

        The current node's own prompts are left out: they come up in their place.
        """
        drafts = self.storage.drafts_for_attempt(self.attempt.id)
        out = []
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
        feedback = choice.feedback.why.strip()
        if choice.feedback.better.strip():
            feedback += "\n\nBetter: " + choice.feedback.better.strip()
        record = self.storage.record_choice(self.attempt.id, self.state.node_id, choice.id,
                                            choice.role, choice.effects, feedback)
        self._standing.append(record.id)
        self.state = outcome.state
        self.last_outcome = outcome
        return outcome

    def step_back(self) -> None:
        """Practice mode: return to the last decision; the choice stays recorded as stepped back."""
        if not self.can_step_back:
            raise engine.EngineError("there is no choice to step back from")
        event_id = self._standing.pop()
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
