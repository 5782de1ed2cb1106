"""The group-session record a facilitator uploads: the group export's report as plain JSON.

:func:`session_payload` is the one conversion from the group export's view
(``core.reporting.GroupReport``) to the upload; :func:`report_from_payload`
reads it back for the Course view and its PDF. A group session records votes,
not people; the facilitator's private notes are left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peerscenarios.core.reporting import GroupDecisionEntry, GroupReport, ScenarioState, VoteEntry
from peerscenarios.course import payload as p
from peerscenarios.course.payload import PayloadInvalid

SESSION_FORMAT = "peerscenarios.group-session"
SESSION_VERSION = 1


def session_payload(report: GroupReport, *, include_notes: bool = False) -> dict[str, Any]:
    """The JSON-able upload for one group session (notes only when ``include_notes``)."""
    r = report
    return {
        "format": SESSION_FORMAT, "version": SESSION_VERSION,
        "session": {
            # The laptop's own number for the session, as the group export prints it;
            # it names no one.
            "session_id": r.session_id, "scenario_id": r.scenario_id,
            "scenario_title": r.scenario_title, "content_hash": r.content_hash,
            "scenario_state": r.scenario_state.value,
            "started_at": p.iso(r.started_at), "finished_at": p.iso(r.finished_at),
            "ending_node_id": r.ending_node_id, "ending_title": r.ending_title,
            # The facilitator's own words about the room stay on the laptop unless asked for.
            "notes": r.notes if include_notes else "",
            "generated_at": p.iso(r.generated_at),
            "decisions": [
                {"seq": d.seq, "node_id": d.node_id, "revealed_all": d.revealed_all,
                 "decided_at": p.iso(d.decided_at),
                 "votes": [{"letter": v.letter, "choice_id": v.choice_id,
                            "choice_text": v.choice_text, "role_label": v.role_label,
                            "votes": v.votes, "chosen": v.chosen} for v in d.votes]}
                for d in r.decisions
            ],
        },
    }


def _decision(raw: Any, where: str) -> GroupDecisionEntry:
    d = p.obj(raw, where)
    votes = []
    for i, rv in enumerate(p.items(d, "votes", where)):
        w = f"{where}.votes[{i}]"
        v = p.obj(rv, w)
        # choice_text and role_label are None when the scenario had changed or gone before
        # the upload; the response is then shown by its stored id.
        votes.append(VoteEntry(
            letter=p.text(v, "letter", w), choice_id=p.text(v, "choice_id", w),
            choice_text=p.opt_text(v, "choice_text", w),
            role_label=p.opt_text(v, "role_label", w), votes=p.integer(v, "votes", w),
            chosen=p.boolean(v, "chosen", w)))
    return GroupDecisionEntry(seq=p.integer(d, "seq", where), node_id=p.text(d, "node_id", where),
                              votes=tuple(votes), revealed_all=p.boolean(d, "revealed_all", where),
                              decided_at=p.moment(d, "decided_at", where))


def report_from_payload(data: Any) -> GroupReport:
    """The group report an upload describes; PayloadInvalid naming the first wrong field."""
    top = p.obj(data, "payload")
    if top.get("format") != SESSION_FORMAT:
        raise PayloadInvalid("payload.format: not a PeerScenarios group session")
    version = p.integer(top, "version", "payload")
    # Refused rather than shown with the parts this version does not know left out.
    if version > SESSION_VERSION:
        raise PayloadInvalid(f"payload.version: {version} is newer than this version knows")
    w = "session"
    s = p.obj(top.get("session"), w)
    try:
        state = ScenarioState(p.text(s, "scenario_state", w))
    except ValueError as exc:
        raise PayloadInvalid(f"{w}.scenario_state: unknown value") from exc
    return GroupReport(
        session_id=p.integer(s, "session_id", w), scenario_id=p.text(s, "scenario_id", w),
        scenario_title=p.text(s, "scenario_title", w),
        content_hash=p.text(s, "content_hash", w), scenario_state=state,
        started_at=p.moment(s, "started_at", w), finished_at=p.opt_moment(s, "finished_at", w),
        ending_node_id=p.opt_text(s, "ending_node_id", w),
        ending_title=p.opt_text(s, "ending_title", w), notes=p.text(s, "notes", w),
        decisions=tuple(_decision(d, f"{w}.decisions[{i}]")
                        for i, d in enumerate(p.items(s, "decisions", w))),
        generated_at=p.moment(s, "generated_at", w),
    )


@dataclass(frozen=True, slots=True)
class SessionUpload:
    """A group session ready to upload, with the columns the Course view lists."""

    payload: Mapping[str, Any]
    report: GroupReport

    @classmethod
    def from_report(cls, report: GroupReport, *, include_notes: bool = False) -> SessionUpload:
        """The upload of ``report`` (read back, so what is shown is what is sent)."""
        data = session_payload(report, include_notes=include_notes)
        return cls(payload=data, report=report_from_payload(data))

    @property
    def started_at(self) -> datetime:
        """When the session started."""
        return self.report.started_at

    @property
    def decision_count(self) -> int:
        """Decisions the group made."""
        return len(self.report.decisions)

    @property
    def total_votes(self) -> int:
        """Votes over all decisions."""
        return sum(d.total_votes for d in self.report.decisions)
