"""Learner portfolio as PDF: the portfolio as HTML, paginated by :mod:`.pdf_layout`."""

from __future__ import annotations

from pathlib import Path

from peerscenarios.core.reporting import STATE_NOTES, AttemptEntry, Portfolio, RoleCount
from peerscenarios.export.atomic import write_bytes
from peerscenarios.export.markdown import ESTIMATE_NOTE, hours_text, percent
from peerscenarios.export.pdf_layout import (
    PAGE_SIZE_LABELS,
    PAGE_SIZES,
    Progress,
    default_page_size,
    ensure_gui_app,
    page_size_key,
    render_pdf,
)
from peerscenarios.export.pdf_style import html_document
from peerscenarios.export.text import fmt_time, h, h_inline, text_bar

# Numbers sit right; their column headings with them (a class: an inline style
# on a header cell loses the cell's borders in Qt's rich text).
RIGHT = " class='num'"
# Width of the boundary-profile bars, in block characters, for the most chosen role.
BAR_CELLS = 24


def _profile_table(profile: tuple[RoleCount, ...]) -> str:
    whole = sum(r.count for r in profile)
    most = max((r.count for r in profile), default=0)
    rows = "".join(
        f"<tr><td>{h(r.label)}</td><td align='right'>{r.count}</td>"
        f"<td align='right'>{percent(r.count, whole)}</td>"
        f"<td class='bar'>{text_bar(r.count, most, BAR_CELLS)}</td></tr>"
        for r in profile
    )
    return ("<table class='grid' width='100%'><thead><tr><th width='34%'>Role</th>"
            f"<th width='12%'{RIGHT}>Choices</th><th width='10%'{RIGHT}>Share</th>"
            f"<th width='44%'></th></tr></thead>{rows}</table>")


def _summary_html(p: Portfolio) -> str:
    t = p.totals
    note = ESTIMATE_NOTE
    if t.unestimated_finished:
        note += (f" {t.unestimated_finished} finished attempt(s) of scenarios no longer in the "
                 "library are not counted.")
    rows = [
        ("Attempts", f"{t.attempts} ({t.finished} finished, {t.in_progress} in progress, "
                     f"{t.abandoned} abandoned)"),
        ("Decisions", f"{t.decisions} (plus {t.stepped_back} stepped back and retried)"),
        ("Reflections written", str(t.reflections)),
        ("Estimated practice time", hours_text(t.estimated_minutes)),
    ]
    table = "".join(f"<tr><td><b>{h(k)}</b></td><td>{h(v)}</td></tr>" for k, v in rows)
    return (f"<h2>Summary</h2><table class='pairs'>{table}</table>"
            f"<p class='note'>{h(note)}</p>"
            "<h2>Boundary profile</h2>"
            "<p>How often each role was chosen across these attempts "
            "(stepped-back choices left out).</p>"
            f"{_profile_table(p.boundary_profile)}")


def _decisions_table(a: AttemptEntry) -> str:
    rows = []
    for d in a.decisions:
        role = h(d.role_label)
        choice = h_inline(d.choice_display)
        if d.stepped_back:
            # Kept in the table (trying, then rethinking, is practice) but read as set aside.
            role += "<br><span class='back'>stepped back</span>"
            choice = f"<span class='back'>{choice}</span>"
        if d.place_text:
            # Where it stood among the shuffled responses, as the trainee saw them: a
            # supervisor can tell a considered choice from the first one on the list.
            choice += f"<br><span class='back'>{h(d.place_text)} on screen</span>"
        rows.append(f"<tr><td align='right'>{d.seq}</td><td>{choice}</td>"
                    f"<td>{role}</td><td>{h_inline(d.feedback)}</td></tr>")
    # <thead>: the layout repeats the header row on every page the table continues on.
    return (f"<table class='grid' width='100%'><thead><tr><th width='5%'{RIGHT}>#</th>"
            "<th width='34%'>Response chosen</th><th width='16%'>Role</th>"
            f"<th width='45%'>Feedback shown</th></tr></thead>{''.join(rows)}</table>")


def _attempt_html(a: AttemptEntry) -> str:
    parts = [f"<h3>Attempt {a.number}: {h_inline(a.scenario_title)}</h3>"]
    meta = [f"{h(a.mode.capitalize())}, {h(a.status)}",
            f"started {h(fmt_time(a.started_at))}"]
    if a.finished_at is not None:
        meta.append(f"finished {h(fmt_time(a.finished_at))}")
    meta.append(f"scenario {h(a.scenario_id)} (version {h(a.content_hash[:12] or 'unknown')})")
    parts.append(f"<p class='meta'>{' · '.join(meta)}</p>")
    if a.ending_node_id is not None:
        ending = h_inline(a.ending_title) if a.ending_title else h(f"[{a.ending_node_id}]")
        parts.append(f"<p><b>Ending:</b> {ending}</p>")
    note = STATE_NOTES.get(a.scenario_state.value)
    if note:
        parts.append(f"<p class='note'>{h(note)}</p>")
    if a.decisions:
        parts.append(_decisions_table(a))
    tally = ", ".join(f"{h(r.label)} {r.count}" for r in a.role_tally if r.count)
    if tally:
        parts.append(f"<p class='meta'>Roles in this attempt: {tally}</p>")
    if a.reflections:
        parts.append("<h4>Reflections</h4>")
        for r in a.reflections:
            # The answer keeps the trainee's line breaks (h); the prompt is scenario text.
            # A shaded one-cell table: a paragraph's background would have no padding.
            parts.append(f"<p class='prompt'>{h_inline(r.prompt_display)}</p>"
                         f"<table class='quote' width='100%'><tr><td>{h(r.text)}</td></tr>"
                         "</table>")
    return "".join(parts)


def portfolio_html(portfolio: Portfolio) -> str:
    """The portfolio as self-contained HTML (no external resources; all text escaped).

    It names classes of the shared style sheet (:func:`.pdf_style.style_sheet`)
    and holds no lengths of its own.
    """
    p = portfolio
    head = (f"<h1>Learner portfolio: {h(p.profile_name)}</h1>"
            f"<p class='meta'>Attempts: {h(p.range_text)} · generated "
            f"{h(fmt_time(p.generated_at))} (local time) · PeerScenarios, offline practice "
            "for peer support specialists</p>")
    body = [head, _summary_html(p), "<h2>Attempts</h2>"]
    if not p.attempts:
        body.append("<p>No attempts in this range.</p>")
    body.extend(_attempt_html(a) for a in p.attempts)
    return html_document("".join(body))


def write_pdf(portfolio: Portfolio, path: Path, *, progress: Progress | None = None,
              page_size: str | None = None) -> Path:
    """Write the portfolio as a PDF, atomically, mode 0600.

    ``page_size`` is ``"a4"`` or ``"letter"`` (default: the locale's). Returns
    the absolute path; raises ExportError if it cannot be written.
    """
    # The footer names whose portfolio and which dates: a printed page that comes loose
    # from the rest still says where it belongs.
    data = render_pdf(portfolio_html(portfolio),
                      title=f"Learner portfolio: {portfolio.profile_name}",
                      footer=f"Learner portfolio · {portfolio.profile_name} · "
                             f"{portfolio.range_text}",
                      page_size=page_size or default_page_size(), progress=progress)
    return write_bytes(Path(path), data)


__all__ = [
    "PAGE_SIZES",
    "PAGE_SIZE_LABELS",
    "default_page_size",
    "ensure_gui_app",
    "page_size_key",
    "portfolio_html",
    "render_pdf",
    "write_pdf",
]
