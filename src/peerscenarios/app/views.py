"""Builds the one view of an attempt, a portfolio and a group session from storage and library.

The views themselves live in :mod:`peerscenarios.core.reporting`; this module
only reads what was stored and looks words up in the library. Every screen
and writer gets its attempts from here.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from peerscenarios.app.order import position_of, shown_choices
from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.core.reporting import (
    AttemptEntry,
    DecisionEntry,
    GroupDecisionEntry,
    GroupReport,
    Portfolio,
    ReflectionEntry,
    ScenarioState,
    Totals,
    VoteEntry,
    choice_text,
    ending_title,
    letter,
    local_bounds,
    prompt_text,
    role_label,
    scenario_state,
    tally,
)
from peerscenarios.storage import AttemptDetail, AttemptStatus, GroupDecisionRecord, Storage

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# Big enough that 500 attempts take ten round trips, small enough that a page
# never holds much in memory.
PAGE_SIZE = 50


def attempt_entry(detail: AttemptDetail, library: Library) -> AttemptEntry:
    """Build one portfolio entry from a stored attempt, looking up words in ``library``."""
    s = detail.summary
    scenario = library.by_id(s.scenario_id)
    state = scenario_state(scenario, s.content_hash)
    # Where a response sat, and among how many, only while the file is the one played:
    # an edited decision may offer other responses, and its order would be a guess.
    decisions = tuple(
        DecisionEntry(
            seq=c.seq, node_id=c.node_id, choice_id=c.choice_id,
            choice_text=choice_text(scenario, c.node_id, c.choice_id),
            role=c.role, role_label=role_label(c.role), feedback=c.feedback,
            stepped_back=c.stepped_back, made_at=c.created_at,
            position=_place(scenario if state is ScenarioState.CURRENT else None,
                            c.node_id, c.choice_id, s.order_seed),
            options=_options(scenario if state is ScenarioState.CURRENT else None, c.node_id),
        )
        for c in detail.choices
    )
    reflections = tuple(
        ReflectionEntry(prompt_id=r.prompt_id, prompt_text=prompt_text(scenario, r.prompt_id),
                        text=r.text, written_at=r.updated_at)
        for r in detail.reflections
    )
    finished = s.status is AttemptStatus.COMPLETED
    return AttemptEntry(
        id=s.id, number=s.number, scenario_id=s.scenario_id,
        scenario_title=scenario.title if scenario is not None else s.scenario_id,
        content_hash=s.content_hash, scenario_state=state,
        mode=s.mode.value, status=s.status.value, started_at=s.started_at,
        finished_at=s.finished_at, ending_node_id=s.ending_node_id,
        ending_title=ending_title(scenario, s.ending_node_id),
        estimated_minutes=scenario.minutes if finished and scenario is not None else None,
        decisions=decisions, reflections=reflections,
        # A stepped-back choice was rethought: it stays listed, but out of the tally.
        role_tally=tally(d.role for d in decisions if not d.stepped_back),
    )


def _place(scenario: Scenario | None, node_id: str, choice_id: str,
           order_seed: int | None) -> int | None:
    """Where a recorded response sat on screen; only knowable while the file is unchanged."""
    node = scenario.nodes.get(node_id) if scenario is not None else None
    return None if node is None else position_of(node, order_seed, choice_id)


def _options(scenario: Scenario | None, node_id: str) -> int:
    """How many responses the decision offered (0 when that is no longer known)."""
    node = scenario.nodes.get(node_id) if scenario is not None else None
    return 0 if node is None else len(node.choices)


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
                # Attempts started while paging can take "done" past the first count.
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


def _decision(d: GroupDecisionRecord, scenario: Scenario | None,
              order_seed: int | None) -> GroupDecisionEntry:
    node = scenario.nodes.get(d.node_id) if scenario is not None else None
    # Letters follow the order the room saw (the session's shuffle); votes for
    # responses the scenario no longer has come after, lettered in id order.
    ids = [c.id for c in shown_choices(node, order_seed)] if node is not None else []
    ids += sorted(set(d.votes) - set(ids))
    # The response followed may have had no votes (the facilitator chose the path) and be
    # gone from the file: it still gets a letter.
    if d.chosen_choice_id not in ids:
        ids.append(d.chosen_choice_id)
    entries = []
    for i, cid in enumerate(ids):
        role = None
        if node is not None:
            try:
                role = role_label(node.choice(cid).role.value)
            except KeyError:  # a response since removed from the file: its role is unknown
                role = None
        entries.append(VoteEntry(
            letter=letter(i), choice_id=cid, choice_text=choice_text(scenario, d.node_id, cid),
            role_label=role, votes=int(d.votes.get(cid, 0)), chosen=cid == d.chosen_choice_id,
        ))
    return GroupDecisionEntry(seq=d.seq, node_id=d.node_id, votes=tuple(entries),
                              revealed_all=d.revealed_all, decided_at=d.created_at)


def build_group_report(storage: Storage, library: Library, session_id: int, *,
                       now: datetime | None = None) -> GroupReport:
    """Collect a stored group session; words come from ``library`` where they still exist."""
    detail = storage.group_session_detail(session_id)
    s = detail.session
    scenario = library.by_id(s.scenario_id)
    state = scenario_state(scenario, s.content_hash)
    return GroupReport(
        session_id=s.id, scenario_id=s.scenario_id,
        scenario_title=scenario.title if scenario is not None else s.scenario_id,
        content_hash=s.content_hash, scenario_state=state, started_at=s.started_at,
        finished_at=s.finished_at, ending_node_id=s.ending_node_id,
        ending_title=ending_title(scenario, s.ending_node_id), notes=s.notes,
        decisions=tuple(_decision(d, scenario, s.order_seed) for d in detail.decisions),
        generated_at=(now or datetime.now()).astimezone(),
    )
