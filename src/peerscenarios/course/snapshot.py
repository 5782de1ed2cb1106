"""The portfolio snapshot a trainee sends: built from the export's portfolio view, in ONE place.

:func:`portfolio_payload` is the only function that turns the portfolio the
exports use (``core.reporting.Portfolio``) into what goes to the server or
into a submission file.
:func:`portfolio_from_payload` reads it back (strictly), so the preview, the
facilitator's view and the PDF are all rendered from exactly what was sent.

Reflections are private: none is included unless its key is passed in
``include_reflections`` (the trainee ticks each one).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from peerscenarios.core.reporting import (
    AttemptEntry,
    DecisionEntry,
    Portfolio,
    ReflectionEntry,
    RoleCount,
    ScenarioState,
    Totals,
)
from peerscenarios.course import payload as p
from peerscenarios.course.payload import PayloadInvalid

PAYLOAD_FORMAT = "peerscenarios.portfolio"
PAYLOAD_VERSION = 1

# (attempt id, prompt id): one reflection, as the trainee's ticks name it.
ReflectionKey = tuple[int, str]


@dataclass(frozen=True, slots=True)
class ReflectionChoice:
    """One reflection the trainee may tick to include, with what the dialog shows for it."""

    key: ReflectionKey
    attempt_number: int
    scenario_title: str
    prompt: str
    text: str
    written_at: datetime


def reflection_choices(portfolio: Portfolio) -> tuple[ReflectionChoice, ...]:
    """Every reflection in the portfolio, in its order, for the tick list."""
    return tuple(
        ReflectionChoice(key=(a.id, r.prompt_id), attempt_number=a.number,
                         scenario_title=a.scenario_title, prompt=r.prompt_display,
                         text=r.text, written_at=r.written_at)
        for a in portfolio.attempts for r in a.reflections
    )


def _count(c: RoleCount) -> dict[str, Any]:
    return {"role": c.role, "label": c.label, "count": c.count}


def _attempt(a: AttemptEntry, reflections: tuple[ReflectionEntry, ...]) -> dict[str, Any]:
    return {
        "id": a.id, "number": a.number, "scenario_id": a.scenario_id,
        "scenario_title": a.scenario_title, "content_hash": a.content_hash,
        "scenario_state": a.scenario_state.value, "mode": a.mode, "status": a.status,
        "started_at": p.iso(a.started_at), "finished_at": p.iso(a.finished_at),
        "ending_node_id": a.ending_node_id, "ending_title": a.ending_title,
        "estimated_minutes": a.estimated_minutes,
        "decisions": [
            {"seq": d.seq, "node_id": d.node_id, "choice_id": d.choice_id,
             "choice_text": d.choice_text, "role": d.role, "role_label": d.role_label,
             "feedback": d.feedback, "stepped_back": d.stepped_back,
             "made_at": p.iso(d.made_at), "position": d.position, "options": d.options}
            for d in a.decisions
        ],
        "reflections": [
            {"prompt_id": r.prompt_id, "prompt_text": r.prompt_text, "text": r.text,
             "written_at": p.iso(r.written_at)}
            for r in reflections
        ],
        "role_tally": [_count(c) for c in a.role_tally],
    }


def portfolio_payload(portfolio: Portfolio, *,
                      include_reflections: Collection[ReflectionKey] = ()) -> dict[str, Any]:
    """The JSON-able payload for ``portfolio``, with only the ticked reflections.

    Everything else in the portfolio (attempts, choices with their feedback,
    role counts) is included as the exports show it. The reflection total is
    the number actually included, so nothing in the payload hints at the rest.
    """
    chosen = set(include_reflections)
    attempts = []
    sent = 0
    for a in portfolio.attempts:
        kept = tuple(r for r in a.reflections if (a.id, r.prompt_id) in chosen)
        sent += len(kept)
        attempts.append(_attempt(a, kept))
    # How many reflections were sent, not how many exist: that count is private too.
    t = replace(portfolio.totals, reflections=sent)
    return {
        "format": PAYLOAD_FORMAT,
        "version": PAYLOAD_VERSION,
        "portfolio": {
            "profile_id": portfolio.profile_id, "profile_name": portfolio.profile_name,
            "generated_at": p.iso(portfolio.generated_at),
            "since": p.iso(portfolio.since), "until": p.iso(portfolio.until),
            "totals": {"attempts": t.attempts, "finished": t.finished,
                       "in_progress": t.in_progress, "abandoned": t.abandoned,
                       "decisions": t.decisions, "stepped_back": t.stepped_back,
                       "reflections": t.reflections, "estimated_minutes": t.estimated_minutes,
                       "unestimated_finished": t.unestimated_finished},
            "attempts": attempts,
            "boundary_profile": [_count(c) for c in portfolio.boundary_profile],
        },
    }


def _counts(data: Mapping[str, Any], key: str, where: str) -> tuple[RoleCount, ...]:
    out = []
    for i, raw in enumerate(p.items(data, key, where)):
        w = f"{where}.{key}[{i}]"
        c = p.obj(raw, w)
        out.append(RoleCount(p.text(c, "role", w), p.text(c, "label", w),
                             p.integer(c, "count", w)))
    return tuple(out)


def _read_attempt(raw: Any, where: str) -> AttemptEntry:
    a = p.obj(raw, where)
    try:
        state = ScenarioState(p.text(a, "scenario_state", where))
    except ValueError as exc:
        raise PayloadInvalid(f"{where}.scenario_state: unknown value") from exc
    decisions = []
    for i, rd in enumerate(p.items(a, "decisions", where)):
        w = f"{where}.decisions[{i}]"
        d = p.obj(rd, w)
        decisions.append(DecisionEntry(
            seq=p.integer(d, "seq", w), node_id=p.text(d, "node_id", w),
            choice_id=p.text(d, "choice_id", w), choice_text=p.opt_text(d, "choice_text", w),
            role=p.text(d, "role", w), role_label=p.text(d, "role_label", w),
            feedback=p.text(d, "feedback", w), stepped_back=p.boolean(d, "stepped_back", w),
            made_at=p.moment(d, "made_at", w),
            # Absent from payloads made before responses were shuffled: unknown then.
            position=p.opt_integer(d, "position", w) if "position" in d else None,
            options=(p.opt_integer(d, "options", w) or 0) if "options" in d else 0))
    reflections = []
    for i, rr in enumerate(p.items(a, "reflections", where)):
        w = f"{where}.reflections[{i}]"
        r = p.obj(rr, w)
        reflections.append(ReflectionEntry(
            prompt_id=p.text(r, "prompt_id", w), prompt_text=p.opt_text(r, "prompt_text", w),
            text=p.text(r, "text", w), written_at=p.moment(r, "written_at", w)))
    return AttemptEntry(
        id=p.integer(a, "id", where), number=p.integer(a, "number", where),
        scenario_id=p.text(a, "scenario_id", where),
        scenario_title=p.text(a, "scenario_title", where),
        content_hash=p.text(a, "content_hash", where), scenario_state=state,
        mode=p.text(a, "mode", where), status=p.text(a, "status", where),
        started_at=p.moment(a, "started_at", where),
        finished_at=p.opt_moment(a, "finished_at", where),
        ending_node_id=p.opt_text(a, "ending_node_id", where),
        ending_title=p.opt_text(a, "ending_title", where),
        estimated_minutes=p.opt_integer(a, "estimated_minutes", where),
        decisions=tuple(decisions), reflections=tuple(reflections),
        role_tally=_counts(a, "role_tally", where),
    )


def portfolio_from_payload(data: Any) -> Portfolio:
    """The portfolio a payload describes; PayloadInvalid naming the first wrong field.

    A payload of a newer version than this program knows is refused (the
    caller says to update) rather than shown with parts missing.
    """
    top = p.obj(data, "payload")
    if top.get("format") != PAYLOAD_FORMAT:
        raise PayloadInvalid("payload.format: not a PeerScenarios portfolio")
    version = p.integer(top, "version", "payload")
    if version > PAYLOAD_VERSION:
        raise PayloadInvalid(f"payload.version: {version} is newer than this version knows")
    w = "portfolio"
    body = p.obj(top.get("portfolio"), w)
    t = p.obj(body.get("totals"), f"{w}.totals")
    # Every total is required: a payload missing one is damaged, not a zero.
    totals = Totals(**{k: p.integer(t, k, f"{w}.totals") for k in (
        "attempts", "finished", "in_progress", "abandoned", "decisions", "stepped_back",
        "reflections", "estimated_minutes", "unestimated_finished")})
    attempts = tuple(_read_attempt(a, f"{w}.attempts[{i}]")
                     for i, a in enumerate(p.items(body, "attempts", w)))
    return Portfolio(
        profile_id=p.integer(body, "profile_id", w),
        profile_name=p.text(body, "profile_name", w),
        generated_at=p.moment(body, "generated_at", w),
        since=p.opt_day(body, "since", w), until=p.opt_day(body, "until", w),
        totals=totals, attempts=attempts,
        boundary_profile=_counts(body, "boundary_profile", w),
    )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A portfolio payload ready to send or save, with the facts the lists show.

    Build one with :meth:`from_portfolio` (trainee side) or :meth:`from_payload`
    (what came back from the server or a file, checked).
    """

    payload: Mapping[str, Any]
    portfolio: Portfolio

    @classmethod
    def from_portfolio(cls, portfolio: Portfolio, *,
                       include_reflections: Collection[ReflectionKey] = ()) -> Snapshot:
        """The snapshot of ``portfolio`` with only the ticked reflections."""
        data = portfolio_payload(portfolio, include_reflections=include_reflections)
        # Read back what will be sent, so the preview shows the payload, not the source.
        return cls(payload=data, portfolio=portfolio_from_payload(data))

    @classmethod
    def from_payload(cls, data: Any) -> Snapshot:
        """A snapshot of a received payload; PayloadInvalid if it is not one."""
        return cls(payload=p.obj(data, "payload"), portfolio=portfolio_from_payload(data))

    @property
    def profile_name(self) -> str:
        """The trainee's profile name on their laptop."""
        return self.portfolio.profile_name

    @property
    def since(self) -> date | None:
        """First day of the chosen range (None: no limit)."""
        return self.portfolio.since

    @property
    def until(self) -> date | None:
        """Last day of the chosen range (None: no limit)."""
        return self.portfolio.until

    @property
    def attempt_count(self) -> int:
        """Attempts included."""
        return len(self.portfolio.attempts)

    @property
    def reflection_count(self) -> int:
        """Reflections included (only the ticked ones)."""
        return sum(len(a.reflections) for a in self.portfolio.attempts)

    def to_json(self) -> str:
        """The payload as compact JSON text (what is stored on the server)."""
        # Compact, as stored: this is also what the client's size cap measures.
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":"))
