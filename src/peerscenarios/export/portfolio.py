"""Assemble a learner portfolio from stored history and the scenario library (no Qt)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.core.taxonomy import Role
from peerscenarios.storage import AttemptDetail, AttemptStatus, Storage

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# Big enough that 500 attempts take ten round trips, small enough that a page
# never holds much in memory.
PAGE_SIZE = 50

ROLE_ORDER: tuple[str, ...] = tuple(r.value for r in Role)


def role_label(tag: str) -> str:
    """The plain-language name of a role tag (the tag itself if it is not known)."""
    try:
        return Role(tag).label
    except ValueError:
        return tag


class ScenarioState(StrEnum):
    """How the stored attempt relates to the scenario as it is in the library today."""

    CURRENT = "current"   # same content hash: wording shown is what the trainee saw
    CHANGED = "changed"   # edited since: wording is today's, ids are what was stored
    MISSING = "missing"   # no longer in the library: only stored ids and feedback remain


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
        return self.status == AttemptStatus.COMPLETED.value


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
    start = None if since is None else datetime.combine(since, time.min).astimezone()
    end = None
    if until is not None:
        # Inclusive: everything started on ``until`` itself, up to the next local midnight.
        end = datetime.combine(until + timedelta(days=1), time.min).astimezone()
    return start, end


def tally(tags: Iterable[str]) -> tuple[RoleCount, ...]:
    """Role counts in the taxonomy's order; every known role appears, unknown tags follow."""
    counts = Counter(tags)
    known = [RoleCount(r, role_label(r), counts.pop(r, 0)) for r in ROLE_ORDER]
    extra = [RoleCount(t, t, n) for t, n in sorted(counts.items())]
    return (*known, *extra)


def _state(scenario: Scenario | None, content_hash: str) -> ScenarioState:
    if scenario is None:
        return ScenarioState.MISSING
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


def _prompt_text(scenario: Scenario | None, prompt_id: str) -> str | None:
    if scenario is None:
        return None
    try:
        return scenario.prompt(prompt_id)[1].prompt
    except KeyError:
        return None


def attempt_entry(detail: AttemptDetail, library: Library) -> AttemptEntry:
    """Build one portfolio entry from a stored attempt, looking up words in ``library``."""
    s = detail.summary
    scenario = library.by_id(s.scenario_id)
    decisions = tuple(
        DecisionEntry(
            seq=c.seq, node_id=c.node_id, choice_id=c.choice_id,
            choice_text=choice_text(scenario, c.node_id, c.choice_id),
            role=c.role, role_label=role_label(c.role), feedback=c.feedback,
            stepped_back=c.stepped_back, made_at=c.created_at,
        )
        for c in detail.choices
    )
    reflections = tuple(
        ReflectionEntry(prompt_id=r.prompt_id, prompt_text=_prompt_text(scenario, r.prompt_id),
                        text=r.text, written_at=r.updated_at)
        for r in detail.reflections
    )
    finished = s.status is AttemptStatus.COMPLETED
    return AttemptEntry(
        id=s.id, number=s.number, scenario_id=s.scenario_id,
        scenario_title=scenario.title if scenario is not None else s.scenario_id,
        content_hash=s.content_hash, scenario_state=_state(scenario, s.content_hash),
        mode=s.mode.value, status=s.status.value, started_at=s.started_at,
        finished_at=s.finished_at, ending_node_id=s.ending_node_id,
        ending_title=ending_title(scenario, s.ending_node_id),
        estimated_minutes=scenario.minutes if finished and scenario is not None else None,
        decisions=decisions, reflections=reflections,
        role_tally=tally(d.role for d in decisions if not d.stepped_back),
    )


def _totals(attempts: tuple[AttemptEntry, ...]) -> Totals:
    status = Counter(a.status for a in attempts)
    finished = [a for a in attempts if a.finished]
    return Totals(
        attempts=len(attempts),
        finished=len(finished),
        in_progress=status[AttemptStatus.IN_PROGRESS.value],
        abandoned=status[AttemptStatus.ABANDONED.value],
        decisions=sum(1 for a in attempts for d in a.decisions if not d.stepped_back),
        stepped_back=sum(1 for a in attempts for d in a.decisions if d.stepped_back),
        reflections=sum(len(a.reflections) for a in attempts),
        estimated_minutes=sum(a.estimated_minutes or 0 for a in finished),
        unestimated_finished=sum(1 for a in finished if a.estimated_minutes is None),
    )


def build_portfolio(storage: Storage, library: Library, profile_id: int, *,
                    since: date | None = None, until: date | None = None,
                    progress: Progress | None = None,
                    now: datetime | None = None) -> Portfolio:
    """Collect one profile's attempts started between ``since`` and ``until`` (inclusive dates).

    Pages through the history so any number of attempts works, calling
    ``progress(done, total)`` after each attempt. Scenarios missing from the
    library or edited since an attempt fall back to the stored ids and the
    feedback text recorded at the time. Raises StorageError subclasses
    (e.g. NotFound for a deleted profile).
    """
    profile = storage.get_profile(profile_id)
    start, end = local_bounds(since, until)
    total = storage.count_attempts(profile_id, start, end)
    if progress is not None:
        progress(0, total)
    entries: list[AttemptEntry] = []
    seen: set[int] = set()
    offset = 0
    while True:
        page = storage.list_attempts(profile_id, offset=offset, limit=PAGE_SIZE,
                                     since=start, until=end)
        if not page:
            break
        offset += len(page)
        for summary in page:
            # An attempt started while we page shifts the offsets by one; the
            # id check keeps an attempt from being listed twice.
            if summary.id in seen:
                continue
            seen.add(summary.id)
            entries.append(attempt_entry(storage.attempt_detail(summary.id), library))
            if progress is not None:
                progress(len(entries), max(total, len(entries)))
    # Storage pages newest first; a portfolio reads as a story, oldest first.
    entries.sort(key=lambda a: (a.started_at, a.id))
    attempts = tuple(entries)
    log.debug("portfolio assembled: %d attempts", len(attempts))
    return Portfolio(
        profile_id=profile.id, profile_name=profile.name,
        generated_at=(now or datetime.now()).astimezone(),
        since=since, until=until, totals=_totals(attempts), attempts=attempts,
        boundary_profile=tally(d.role for a in attempts for d in a.decisions
                               if not d.stepped_back),
    )
