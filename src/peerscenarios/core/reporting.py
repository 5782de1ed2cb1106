"""One view of an attempt, a portfolio and a group session: what a supervisor sees, decided once.

Plain frozen dataclasses and the pure rules behind them (is this still the
version of the scenario that was played? which letter did a response carry?
how is feedback worded?). ``app.views`` builds them from storage records and
the library; the History screen, the PDF, the Markdown, the CSV and the
course server all render these same objects, so no two places can disagree
about what a trainee did. No Qt, no storage here.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from peerscenarios.core.model import Choice, Scenario
from peerscenarios.core.taxonomy import Role

# Role tags as stored, in the taxonomy's order: every report lists roles in this order,
# so two portfolios can be compared line by line.
ROLE_ORDER: tuple[str, ...] = tuple(r.value for r in Role)


def role_label(tag: str) -> str:
    """The plain-language name of a role tag (the tag itself if it is not known)."""
    try:
        return Role(tag).label
    except ValueError:
        # A tag written by another version of the taxonomy: shown as stored, never an error.
        return tag


class ScenarioState(StrEnum):
    """How the stored attempt relates to the scenario as it is in the library today."""

    CURRENT = "current"   # same content hash: wording shown is what the trainee saw
    CHANGED = "changed"   # edited since: wording is today's, ids are what was stored
    MISSING = "missing"   # no longer in the library: only stored ids and feedback remain


# What a reader is told when the scenario is no longer the file that was played.
STATE_NOTES = {
    "changed": "The scenario has been edited since this attempt; responses are shown in "
               "today's wording where they still exist, otherwise by their stored id.",
    "missing": "This scenario is no longer in the library; responses are shown by their "
               "stored id, with the feedback recorded at the time.",
}


@dataclass(frozen=True, slots=True)
class RoleCount:
    """How many (not stepped-back) choices reflected one role."""

    role: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class DecisionEntry:
    """One choice made in an attempt, with the feedback that was shown."""

    seq: int
    node_id: str
    choice_id: str
    choice_text: str | None
    role: str
    role_label: str
    feedback: str
    stepped_back: bool
    made_at: datetime
    # Where the response was on screen (1-based) and how many there were; None and 0
    # when that is no longer known (the scenario changed or is gone).
    position: int | None = None
    options: int = 0

    @property
    def place_text(self) -> str:
        """``response 2 of 4`` as the trainee saw it, or an empty string when unknown."""
        return f"response {self.position} of {self.options}" if self.position else ""

    @property
    def choice_display(self) -> str:
        """The choice's words, or its stored id when the scenario no longer has it."""
        return self.choice_text if self.choice_text is not None else f"[{self.choice_id}]"


@dataclass(frozen=True, slots=True)
class ReflectionEntry:
    """A reflection the trainee wrote, with the prompt it answers."""

    prompt_id: str
    prompt_text: str | None
    text: str
    written_at: datetime

    @property
    def prompt_display(self) -> str:
        """The prompt's words, or its stored id when the scenario no longer has it."""
        return self.prompt_text if self.prompt_text is not None else f"[{self.prompt_id}]"


@dataclass(frozen=True, slots=True)
class AttemptEntry:
    """One attempt as the portfolio shows it."""

    id: int
    number: int
    scenario_id: str
    scenario_title: str
    content_hash: str
    scenario_state: ScenarioState
    mode: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    ending_node_id: str | None
    ending_title: str | None
    estimated_minutes: int | None
    decisions: tuple[DecisionEntry, ...]
    reflections: tuple[ReflectionEntry, ...]
    role_tally: tuple[RoleCount, ...]

    @property
    def finished(self) -> bool:
        """True when the attempt reached an ending."""
        return self.status == "completed"


@dataclass(frozen=True, slots=True)
class Totals:
    """Counts over the whole portfolio.

    ``estimated_minutes`` adds up the scenario lengths (their stated reading
    and thinking time) of finished attempts: an estimate of practice time, not
    a measurement. ``unestimated_finished`` counts finished attempts whose
    scenario is no longer in the library and so have no length.
    """

    attempts: int
    finished: int
    in_progress: int
    abandoned: int
    decisions: int
    stepped_back: int
    reflections: int
    estimated_minutes: int
    unestimated_finished: int

    @property
    def estimated_hours(self) -> float:
        """``estimated_minutes`` in hours."""
        return self.estimated_minutes / 60


@dataclass(frozen=True, slots=True)
class Portfolio:
    """A learner portfolio: one profile's attempts in a date range, oldest first.

    ``since`` and ``until`` are inclusive local dates (None: no limit).
    ``boundary_profile`` lists every role, in the taxonomy's order, with how
    often it was chosen over the whole range.
    """

    profile_id: int
    profile_name: str
    generated_at: datetime
    since: date | None
    until: date | None
    totals: Totals
    attempts: tuple[AttemptEntry, ...]
    boundary_profile: tuple[RoleCount, ...]

    @property
    def range_text(self) -> str:
        """The date range in words, e.g. ``"2026-03-01 to 2026-03-31"`` or ``"all dates"``."""
        return range_text(self.since, self.until)


def range_text(since: date | None, until: date | None) -> str:
    """A date range in words."""
    if since is None and until is None:
        return "all dates"
    if until is None:
        return f"from {since.isoformat() if since else ''}"
    if since is None:
        return f"up to {until.isoformat()}"
    return f"{since.isoformat()} to {until.isoformat()}"


def local_bounds(since: date | None,
                 until: date | None) -> tuple[datetime | None, datetime | None]:
    """Turn inclusive local dates into the [start, end) instants storage filters on."""
    # astimezone() reads a naive datetime as local time: the trainee's own days decide
    # what "until Friday" includes, not UTC's.
    start = None if since is None else datetime.combine(since, time.min).astimezone()
    end = None
    if until is not None:
        # Inclusive: everything started on ``until`` itself, up to the next local midnight.
        end = datetime.combine(until + timedelta(days=1), time.min).astimezone()
    return start, end


def tally(tags: Iterable[str]) -> tuple[RoleCount, ...]:
    """Role counts in the taxonomy's order; every known role appears, unknown tags follow."""
    counts = Counter(tags)
    # Unknown tags are kept, after the known ones: a count must never quietly shrink.
    known = [RoleCount(r, role_label(r), counts.pop(r, 0)) for r in ROLE_ORDER]
    extra = [RoleCount(t, t, n) for t, n in sorted(counts.items())]
    return (*known, *extra)


def scenario_state(scenario: Scenario | None, content_hash: str) -> ScenarioState:
    """Current when the library holds the very file that was played; changed; or missing."""
    if scenario is None:
        return ScenarioState.MISSING
    # A scenario built without a hash (not read from a file) cannot be compared: current.
    if scenario.content_hash and scenario.content_hash != content_hash:
        return ScenarioState.CHANGED
    return ScenarioState.CURRENT


def choice_text(scenario: Scenario | None, node_id: str, choice_id: str) -> str | None:
    """The choice's words in the library's version of the scenario, or None."""
    if scenario is None:
        return None
    try:
        return scenario.node(node_id).choice(choice_id).text
    except KeyError:
        return None


def ending_title(scenario: Scenario | None, node_id: str | None) -> str | None:
    """The title of an ending node, or None if unknown."""
    if scenario is None or node_id is None:
        return None
    node = scenario.nodes.get(node_id)
    return None if node is None or node.ending is None else node.ending.title


def prompt_text(scenario: Scenario | None, prompt_id: str) -> str | None:
    """A reflection prompt's words in the library's version of the scenario, or None."""
    if scenario is None:
        return None
    try:
        return scenario.prompt(prompt_id)[1].prompt
    except KeyError:
        return None


def letter(index: int) -> str:
    """The letter a response carries when shown at ``index`` (0-based): A, B, C ... then #27."""
    letters = string.ascii_uppercase
    # More than 26 responses only earns a warning from the validator, so numbering
    # takes over rather than repeating a letter.
    return letters[index] if index < len(letters) else f"#{index + 1}"


def feedback_text(choice: Choice) -> str:
    """The feedback recorded with a choice: why it matters, then the better move if any."""
    # This text is stored with the choice, so History shows the feedback as it was shown
    # even after the scenario has been edited or removed.
    text = choice.feedback.why.strip()
    if choice.feedback.better.strip():
        text += "\n\nBetter: " + choice.feedback.better.strip()
    return text


@dataclass(frozen=True, slots=True)
class VoteEntry:
    """The room's votes for one response at one decision."""

    letter: str
    choice_id: str
    choice_text: str | None
    role_label: str | None
    votes: int
    chosen: bool

    @property
    def choice_display(self) -> str:
        """The response's words, or its stored id when the scenario no longer has it."""
        return self.choice_text if self.choice_text is not None else f"[{self.choice_id}]"


@dataclass(frozen=True, slots=True)
class GroupDecisionEntry:
    """One decision of a group session: every response with its votes, and the one followed."""

    seq: int
    node_id: str
    votes: tuple[VoteEntry, ...]
    revealed_all: bool
    decided_at: datetime

    @property
    def total_votes(self) -> int:
        """Hands raised at this decision."""
        return sum(v.votes for v in self.votes)

    @property
    def chosen(self) -> VoteEntry | None:
        """The response the group followed."""
        return next((v for v in self.votes if v.chosen), None)


@dataclass(frozen=True, slots=True)
class GroupReport:
    """A group session as its export shows it. It holds no personal data."""

    session_id: int
    scenario_id: str
    scenario_title: str
    content_hash: str
    scenario_state: ScenarioState
    started_at: datetime
    finished_at: datetime | None
    ending_node_id: str | None
    ending_title: str | None
    notes: str
    decisions: tuple[GroupDecisionEntry, ...]
    generated_at: datetime

    @property
    def path_text(self) -> str:
        """The responses the room followed, e.g. ``"1B → 2A"``.

        The ending is not part of it: every record shows the ending on its own line, and
        naming it here as well printed it twice.
        """
        steps = [f"{d.seq}{d.chosen.letter}" if d.chosen else f"{d.seq}?" for d in self.decisions]
        return " → ".join(steps) or "no decisions recorded"
