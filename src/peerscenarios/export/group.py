"""Export a facilitated group session (votes per decision, the path taken, notes) as PDF or CSV."""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.export.csvout import write_rows
from peerscenarios.export.errors import ExportError
from peerscenarios.export.markdown import STATE_NOTES, percent
from peerscenarios.export.portfolio import (
    ScenarioState,
    choice_text,
    ending_title,
    role_label,
)
from peerscenarios.export.text import fmt_time, h, h_inline, plain, text_bar
from peerscenarios.storage import GroupDecisionRecord, Storage


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
        """The route taken, e.g. ``"1B → 2A → Ending: ..."``."""
        steps = [f"{d.seq}{d.chosen.letter}" if d.chosen else f"{d.seq}?" for d in self.decisions]
        if self.ending_node_id is not None:
            steps.append(f"ending: {plain(self.ending_title or self.ending_node_id)}")
        return " → ".join(steps) or "no decisions recorded"


def _letter(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < len(letters) else f"#{index + 1}"


def _decision(d: GroupDecisionRecord, scenario: Scenario | None) -> GroupDecisionEntry:
    node = scenario.nodes.get(d.node_id) if scenario is not None else None
    # Letters follow the scenario's order, as the audience saw them; votes for
    # responses the scenario no longer has come after, lettered in id order.
    ids = [c.id for c in node.choices] if node is not None else []
    ids += sorted(set(d.votes) - set(ids))
    if d.chosen_choice_id not in ids:
        ids.append(d.chosen_choice_id)
    entries = []
    for i, cid in enumerate(ids):
        role = None
        if node is not None:
            try:
                role = role_label(node.choice(cid).role.value)
            except KeyError:
                role = None
        entries.append(VoteEntry(
            letter=_letter(i), choice_id=cid, choice_text=choice_text(scenario, d.node_id, cid),
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
    if scenario is None:
        state = ScenarioState.MISSING
    elif scenario.content_hash and scenario.content_hash != s.content_hash:
        state = ScenarioState.CHANGED
    else:
        state = ScenarioState.CURRENT
    return GroupReport(
        session_id=s.id, scenario_id=s.scenario_id,
        scenario_title=scenario.title if scenario is not None else s.scenario_id,
        content_hash=s.content_hash, scenario_state=state, started_at=s.started_at,
        finished_at=s.finished_at, ending_node_id=s.ending_node_id,
        ending_title=ending_title(scenario, s.ending_node_id), notes=s.notes,
        decisions=tuple(_decision(d, scenario) for d in detail.decisions),
        generated_at=(now or datetime.now()).astimezone(),
    )


# ------------------------------------------------------------------------ CSV

GROUP_COLUMNS: tuple[str, ...] = (
    "record", "session", "scenario_id", "scenario", "scenario_version", "started", "finished",
    "ending", "step", "node_id", "letter", "choice_id", "choice", "role_label", "votes",
    "share", "chosen", "revealed_all", "time", "notes",
)


def group_rows(report: GroupReport) -> Iterator[dict[str, object]]:
    """One ``session`` row (with the notes), then one ``vote`` row per response per decision."""
    r = report
    base: dict[str, object] = {
        "session": r.session_id, "scenario_id": r.scenario_id,
        "scenario": plain(r.scenario_title), "scenario_version": r.content_hash[:12],
        "started": fmt_time(r.started_at), "finished": fmt_time(r.finished_at),
        "ending": plain(r.ending_title or r.ending_node_id or ""),
    }
    yield {**base, "record": "session", "time": fmt_time(r.started_at), "notes": r.notes}
    for d in r.decisions:
        total = d.total_votes
        for v in d.votes:
            yield {**base, "record": "vote", "step": d.seq, "node_id": d.node_id,
                   "letter": v.letter, "choice_id": v.choice_id,
                   "choice": plain(v.choice_text or ""), "role_label": v.role_label or "",
                   "votes": v.votes, "share": percent(v.votes, total),
                   "chosen": "yes" if v.chosen else "no",
                   "revealed_all": "yes" if d.revealed_all else "no",
                   "time": fmt_time(d.decided_at)}


# ------------------------------------------------------------------------ PDF


def group_html(report: GroupReport) -> str:
    """The session as self-contained HTML (no external resources; all text escaped).

    It names classes of the shared PDF style sheet and holds no lengths of its own.
    """
    r = report
    meta = [f"started {h(fmt_time(r.started_at))}"]
    if r.finished_at is not None:
        meta.append(f"finished {h(fmt_time(r.finished_at))}")
    meta.append(f"scenario {h(r.scenario_id)} (version {h(r.content_hash[:12] or 'unknown')})")
    parts = [
        f"<h1>Group session: {h_inline(r.scenario_title)}</h1>",
        f"<p class='meta'>{' · '.join(meta)} · generated {h(fmt_time(r.generated_at))} "
        "(local time). A facilitated session: no names or personal data are recorded.</p>",
    ]
    note = STATE_NOTES.get(r.scenario_state.value)
    if note:
        parts.append(f"<p class='note'>{h(note)}</p>")
    parts.append(f"<p><b>Path taken:</b> {h(r.path_text)}</p>")
    if r.ending_node_id is not None:
        ending = h_inline(r.ending_title) if r.ending_title else h(f"[{r.ending_node_id}]")
        parts.append(f"<p><b>Ending:</b> {ending}</p>")
    for d in r.decisions:
        total = d.total_votes
        most = max((v.votes for v in d.votes), default=0)
        rows = "".join(
            f"<tr><td align='center'><b>{h(v.letter)}</b></td><td>{h_inline(v.choice_display)}"
            f"{'<br><b>Followed by the group</b>' if v.chosen else ''}</td>"
            f"<td>{h(v.role_label or '')}</td><td align='right'>{v.votes}</td>"
            f"<td align='right'>{percent(v.votes, total)}</td>"
            f"<td class='bar'>{text_bar(v.votes, most, 8)}</td></tr>"
            for v in d.votes
        )
        revealed = "all responses' feedback revealed" if d.revealed_all \
            else "feedback revealed for the chosen response"
        parts.append(
            f"<h3>Decision {d.seq}</h3>"
            f"<p class='meta'>{h(fmt_time(d.decided_at))} · {total} vote(s) · {revealed}</p>"
            # <thead>: the layout repeats the header row on every page the table continues on.
            "<table class='grid' width='100%'><thead><tr><th width='5%'></th>"
            "<th width='44%'>Response</th><th width='17%'>Role</th><th width='9%'>Votes</th>"
            f"<th width='9%'>Share</th><th width='16%'></th></tr></thead>{rows}</table>"
        )
    if not r.decisions:
        parts.append("<p>No decisions were recorded.</p>")
    parts.append("<h2>Facilitator notes</h2>")
    parts.append(f"<p>{h(r.notes)}</p>" if r.notes.strip() else "<p class='note'>No notes.</p>")
    return f"<html><body>{''.join(parts)}</body></html>"


def group_pdf(report: GroupReport, *, page_size: str | None = None) -> bytes:
    """The session record as PDF bytes (``page_size`` ``"a4"`` or ``"letter"``, default:
    the locale's)."""
    from peerscenarios.export.pdf_layout import default_page_size, render_pdf

    title = plain(report.scenario_title)
    return render_pdf(group_html(report), title=f"Group session: {title}",
                      footer=f"Group session · {title} · {fmt_time(report.started_at)}",
                      page_size=page_size or default_page_size())


def export_group_session(storage: Storage, library: Library, session_id: int, fmt: str,
                         out_path: Path, *, page_size: str | None = None) -> Path:
    """Export one group session as ``"pdf"`` or ``"csv"``, atomically (mode 0600).

    ``page_size`` (``"a4"`` or ``"letter"``, default: the locale's) applies to
    PDF. Returns the absolute path. Raises ExportError (unwritable folder, full
    disk, unknown format or page size) or NotFound if the session was deleted.
    """
    fmt = fmt.lower()
    if fmt not in ("pdf", "csv"):
        raise ExportError(f"A group session cannot be exported as “{fmt}”.",
                          "Choose PDF or CSV.")
    report = build_group_report(storage, library, session_id)
    if fmt == "csv":
        return write_rows(Path(out_path), GROUP_COLUMNS, group_rows(report))
    from peerscenarios.export.atomic import write_bytes

    return write_bytes(Path(out_path), group_pdf(report, page_size=page_size))
