"""What the audience may see: frozen, audience-safe descriptions of one step on the projector.

Privacy by construction: these types have no field for facilitator notes,
discussion questions, live session notes, profile names, history or
reflections, so the audience window, which is only ever handed these
objects, has nothing private to show. Text fields hold inert HTML made by
``core.markup.to_html`` (or escaped plain text). No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    """The steps the group walks through; a decision node has four, others one."""

    SITUATION = "situation"
    CHOICES = "choices"
    TALLY = "tally"
    FEEDBACK = "feedback"
    ENDING = "ending"

    @property
    def label(self) -> str:
        """Plain name shown to the presenter."""
        return _STEP_LABELS[self]


_STEP_LABELS = {
    Step.SITUATION: "Situation",
    Step.CHOICES: "Choices (discussion and vote)",
    Step.TALLY: "Tally of the vote",
    Step.FEEDBACK: "Feedback",
    Step.ENDING: "Ending and debrief",
}


class Blank(StrEnum):
    """Whether the audience screen shows the stage or is blacked or whited out."""

    # Blanking hides the stage without leaving the step: the room looks at the
    # facilitator, and the same step comes back.

    NONE = "none"
    BLACK = "black"
    WHITE = "white"


@dataclass(frozen=True, slots=True)
class LineView:
    """Something a character in the scenario says (character names are fiction, not people)."""

    speaker: str
    text_html: str


@dataclass(frozen=True, slots=True)
class ChoiceView:
    """A response on offer, labelled with a letter; its role tag is deliberately absent."""

    letter: str
    text_html: str


@dataclass(frozen=True, slots=True)
class TallyView:
    """The room's show-of-hands counts per letter; ``chosen`` is the index followed, if any."""

    # Counts only: who raised a hand is never known, so it can never be shown.

    letters: tuple[str, ...]
    counts: tuple[int, ...]
    chosen: int | None = None

    @property
    def total(self) -> int:
        """All hands counted."""
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class FeedbackView:
    """Revealed feedback for one response: role symbol and words, why, and a better move."""

    letter: str
    choice_html: str
    role_symbol: str
    role_label: str
    # Drives the colour; the symbol and the label say the same in words.
    is_peer: bool
    why_html: str
    better_html: str
    chosen: bool


@dataclass(frozen=True, slots=True)
class PathItem:
    """One decision on the group's route, for the ending screen."""

    letter: str
    role_symbol: str
    role_label: str
    is_peer: bool
    choice_html: str


@dataclass(frozen=True, slots=True)
class TimerView:
    """The discussion countdown as the audience sees it."""

    visible: bool = False
    text: str = ""
    expired: bool = False


@dataclass(frozen=True, slots=True)
class StageState:
    """Everything the audience view shows for one step, and nothing else."""

    scenario_title: str
    step: Step
    progress: str = ""
    text_html: str = ""
    lines: tuple[LineView, ...] = ()
    prompt: str = ""
    choices: tuple[ChoiceView, ...] = ()
    tally: TallyView | None = None
    feedback: tuple[FeedbackView, ...] = ()
    ending_title: str = ""
    ending_html: str = ""
    group_path: tuple[PathItem, ...] = ()
