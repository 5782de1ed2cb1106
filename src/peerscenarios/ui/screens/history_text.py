"""History's detail panes as inert HTML: one attempt, one group session.

Both render the same plain views (core/reporting.py) as the exports, so the
screen and the supervisor's PDF can never disagree about what happened.
"""

from __future__ import annotations

from peerscenarios.core.markup import to_plain
from peerscenarios.core.reporting import STATE_NOTES, AttemptEntry, GroupReport
from peerscenarios.core.taxonomy import Role, role_from_tag
from peerscenarios.ui.models.history import when
from peerscenarios.ui.widgets.richtext import esc, role_badge_html


def attempt_html(entry: AttemptEntry) -> str:
    """One attempt as inert HTML: what was chosen, its role and feedback, and the reflections.

    Renders the same view as the portfolio exports, so the screen and the
    supervisor's PDF can never disagree about what the trainee did.
    """
    e = entry
    out = [f"<h2>{esc(to_plain(e.scenario_title))}: attempt {e.number}</h2>",
           f"<p>{esc(e.mode.capitalize())} mode · {esc(e.status.replace('_', ' '))} · started "
           f"{esc(when(e.started_at))}"
           + (f" · finished {esc(when(e.finished_at))}" if e.finished_at else "") + "</p>"]
    note = STATE_NOTES.get(e.scenario_state.value)
    if note:
        out.append(f"<p><i>{esc(note)}</i></p>")
    if e.ending_title:
        out.append(f"<p><b>Ending:</b> {esc(to_plain(e.ending_title))}</p>")
    standing = [d for d in e.decisions if not d.stepped_back]
    drifted = sum(1 for d in standing if d.role != Role.PEER.value)
    out.append(f"<h3>Choices ({len(standing)}, {drifted} drifted)</h3>")
    for d in e.decisions:
        role = role_from_tag(d.role)
        badge = role_badge_html(role) if role is not None else esc(d.role_label)
        stepped = " <i>(stepped back, then tried another)</i>" if d.stepped_back else ""
        place = f" <i>({esc(d.place_text)} on screen)</i>" if d.place_text else ""
        feedback = "".join(f"<p>{esc(p)}</p>" for p in d.feedback.split("\n\n") if p.strip())
        said = esc(to_plain(d.choice_display))
        out.append(f"<p><b>{d.seq}.</b> “{said}”{place} — {badge}{stepped}</p>"
                   f"<blockquote>{feedback}</blockquote>")
    if e.reflections:
        out.append("<h3>Reflections</h3>")
        for r in e.reflections:
            body = "".join(f"<p>{esc(p)}</p>" for p in r.text.split("\n\n") if p.strip())
            out.append(f"<p><b>{esc(to_plain(r.prompt_display))}</b></p>{body}")
    return "".join(out)


def group_html(report: GroupReport) -> str:
    """A facilitated session: each decision with the room's votes (no personal data)."""
    r = report
    out = [f"<h2>Group session: {esc(to_plain(r.scenario_title))}</h2>",
           f"<p>Started {esc(when(r.started_at))}"
           + (f" · finished {esc(when(r.finished_at))}" if r.finished_at else "") + "</p>"]
    note = STATE_NOTES.get(r.scenario_state.value)
    if note:
        out.append(f"<p><i>{esc(note)}</i></p>")
    out.append(f"<p><b>Path taken:</b> {esc(r.path_text)}</p>")
    if r.ending_node_id is not None:
        out.append(f"<p><b>Ending:</b> {esc(to_plain(r.ending_title or r.ending_node_id))}</p>")
    for d in r.decisions:
        votes = ", ".join(f"{esc(v.letter)}: {v.votes}" for v in d.votes)
        chosen = d.chosen
        said = (f"{esc(chosen.letter)}, “{esc(to_plain(chosen.choice_display))}”"
                if chosen is not None else "no response")
        out.append(f"<p><b>{d.seq}.</b> The group chose {said}. Votes: {votes or 'none'}</p>")
    if r.notes.strip():
        out.append(f"<h3>Facilitator notes</h3><p>{esc(r.notes)}</p>")
    return "".join(out)
