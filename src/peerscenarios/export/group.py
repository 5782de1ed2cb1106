"""Write a facilitated group session (votes per decision, the path taken, notes) as PDF or CSV.

Renders the :class:`~peerscenarios.core.reporting.GroupReport` view that
``app.views.build_group_report`` builds; nothing here reads storage.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from peerscenarios.core.reporting import STATE_NOTES, GroupReport
from peerscenarios.export.csvout import write_rows
from peerscenarios.export.errors import ExportError
from peerscenarios.export.markdown import percent
from peerscenarios.export.pdf_style import html_document
from peerscenarios.export.text import fmt_time, h, h_inline, plain, text_bar

# ------------------------------------------------------------------------ CSV

# One flat sheet, like the portfolio's: the session's columns repeat on every vote row,
# so a row filtered out in a spreadsheet still says which session it belongs to.
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
    # The notes once, on the session row: repeated on every vote row they would swamp it.
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

# Numbers sit right; their column headings with them (a class: an inline style
# on a header cell loses the cell's borders in Qt's rich text).
RIGHT = " class='num'"


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
            # Eight cells: the bar shares its row with the response's words, so it stays short.
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
            "<th width='44%'>Response</th><th width='17%'>Role</th>"
            f"<th width='9%'{RIGHT}>Votes</th><th width='9%'{RIGHT}>Share</th>"
            f"<th width='16%'></th></tr></thead>{rows}</table>"
        )
    if not r.decisions:
        parts.append("<p>No decisions were recorded.</p>")
    parts.append("<h2>Facilitator notes</h2>")
    parts.append(f"<p>{h(r.notes)}</p>" if r.notes.strip() else "<p class='note'>No notes.</p>")
    return html_document("".join(parts))


def group_pdf(report: GroupReport, *, page_size: str | None = None) -> bytes:
    """The session record as PDF bytes (``page_size`` ``"a4"`` or ``"letter"``, default:
    the locale's)."""
    # Imported here: pdf_layout loads Qt's GUI module, which a CSV record never needs.
    from peerscenarios.export.pdf_layout import default_page_size, render_pdf

    title = plain(report.scenario_title)
    return render_pdf(group_html(report), title=f"Group session: {title}",
                      footer=f"Group session · {title} · {fmt_time(report.started_at)}",
                      page_size=page_size or default_page_size())


def write_group_session(report: GroupReport, fmt: str, out_path: Path, *,
                        page_size: str | None = None) -> Path:
    """Write one group session as ``"pdf"`` or ``"csv"``, atomically (mode 0600).

    ``page_size`` (``"a4"`` or ``"letter"``, default: the locale's) applies to
    PDF. Returns the absolute path. Raises ExportError (unwritable folder, full
    disk, unknown format or page size).
    """
    fmt = fmt.lower()
    if fmt == "csv":
        return write_rows(Path(out_path), GROUP_COLUMNS, group_rows(report))
    if fmt == "pdf":
        from peerscenarios.export.atomic import write_bytes

        return write_bytes(Path(out_path), group_pdf(report, page_size=page_size))
    raise ExportError(f"A group session cannot be exported as “{fmt}”.", "Choose PDF or CSV.")
