"""Write a learner portfolio as a Markdown file a supervisor can read in any text editor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from peerscenarios.core.reporting import STATE_NOTES, AttemptEntry, Portfolio, RoleCount
from peerscenarios.export.atomic import atomic_text
from peerscenarios.export.text import fmt_time, md_escape, md_quote, plain

# Printed under every total: a supervisor must not read the figure as logged time.
ESTIMATE_NOTE = ("Practice time is an estimate: the stated length of each finished "
                 "scenario, added up. It is not measured.")



def percent(part: int, whole: int) -> str:
    """``"42%"`` (or an en dash when ``whole`` is zero)."""
    return f"{round(100 * part / whole)}%" if whole else "–"


def hours_text(minutes: int) -> str:
    """``"1.5 hours (90 minutes)"``."""
    return f"{minutes / 60:.1f} hours ({minutes} minutes)"


def tally_text(tally: tuple[RoleCount, ...]) -> str:
    """``"Peer-aligned 3, Clinical drift 1"`` (roles never chosen left out)."""
    return ", ".join(f"{r.label} {r.count}" for r in tally if r.count) or "no decisions"


def _summary(p: Portfolio) -> Iterator[str]:
    t = p.totals
    yield "## Summary"
    yield ""
    yield "| Measure | Total |"
    yield "|---|---|"
    yield (f"| Attempts | {t.attempts} ({t.finished} finished, {t.in_progress} in progress, "
           f"{t.abandoned} abandoned) |")
    yield f"| Decisions | {t.decisions} (plus {t.stepped_back} stepped back and retried) |"
    yield f"| Reflections written | {t.reflections} |"
    yield f"| Estimated practice time | {hours_text(t.estimated_minutes)} |"
    # A blank line ends each table and list: without it the next line would join them.
    yield ""
    note = ESTIMATE_NOTE
    if t.unestimated_finished:
        note += (f" {t.unestimated_finished} finished attempt(s) of scenarios no longer in the "
                 "library are not counted.")
    yield f"_{note}_"
    yield ""
    yield "## Boundary profile"
    yield ""
    yield "How often each role was chosen across these attempts (stepped-back choices left out)."
    yield ""
    yield "| Role | Choices | Share |"
    yield "|---|---:|---:|"
    whole = sum(r.count for r in p.boundary_profile)
    for r in p.boundary_profile:
        yield f"| {md_escape(r.label)} | {r.count} | {percent(r.count, whole)} |"
    yield ""


def _attempt(a: AttemptEntry) -> Iterator[str]:
    yield f"### Attempt {a.number}: {md_escape(plain(a.scenario_title))}"
    yield ""
    # Twelve hex digits name the scenario's version as a short Git hash does: enough to
    # tell the versions of one file apart, short enough to read out.
    yield f"- Scenario: `{a.scenario_id}` (version {a.content_hash[:12] or 'unknown'})"
    yield f"- Mode: {a.mode}; status: {a.status}"
    yield f"- Started: {fmt_time(a.started_at)}"
    if a.finished_at is not None:
        yield f"- Finished: {fmt_time(a.finished_at)}"
    if a.ending_node_id is not None:
        ending = a.ending_title or f"[{a.ending_node_id}]"
        yield f"- Ending: {md_escape(plain(ending))}"
    yield f"- Roles: {tally_text(a.role_tally)}"
    yield ""
    note = STATE_NOTES.get(a.scenario_state.value)
    if note:
        yield f"_{note}_"
        yield ""
    if a.decisions:
        yield "#### Decisions"
        yield ""
        for d in a.decisions:
            # A stepped-back choice stays in the record: trying, then rethinking, is practice.
            back = " (stepped back and tried another)" if d.stepped_back else ""
            marker = f"{d.seq}. "
            # The responses are shuffled per attempt: say where this one stood.
            place = f" ({d.place_text} on screen)" if d.place_text else ""
            yield f"{marker}**{md_escape(plain(d.choice_display))}**{place}"
            # Indented to sit under the numbered item's text: as wide as its marker ("1. "
            # is three, "10. " four); three under "10." ended the list at decision ten.
            pad = " " * len(marker)
            yield f"{pad}- Role: {md_escape(d.role_label)}{back}"
            if d.feedback.strip():
                yield f"{pad}- Feedback: {md_escape(plain(d.feedback))}"
        yield ""
    if a.reflections:
        yield "#### Reflections"
        yield ""
        for r in a.reflections:
            yield f"**{md_escape(plain(r.prompt_display))}**"
            yield ""
            # A block quote sets the trainee's own words apart from the app's, as typed.
            yield md_quote(r.text)
            yield ""


def portfolio_markdown(portfolio: Portfolio) -> Iterator[str]:
    """The portfolio as Markdown lines (without line endings)."""
    p = portfolio
    yield f"# Learner portfolio: {md_escape(p.profile_name)}"
    yield ""
    yield f"- Attempts: {p.range_text}"
    yield f"- Generated: {fmt_time(p.generated_at)} (times are local)"
    # For a supervisor who has never heard of the app and is handed this file.
    yield "- Made with PeerScenarios, an offline practice tool for peer support specialists."
    yield ""
    yield from _summary(p)
    yield "## Attempts"
    yield ""
    if not p.attempts:
        yield "_No attempts in this range._"
        yield ""
    for a in p.attempts:
        yield from _attempt(a)


def write_markdown(portfolio: Portfolio, path: Path) -> Path:
    """Write the portfolio as UTF-8 Markdown, atomically and readable only by the owner.

    Returns the absolute path; raises ExportError if it cannot be written.
    """
    # "\n" on every system: the same portfolio makes the same bytes on Windows too.
    with atomic_text(Path(path), newline="\n") as fh:
        for line in portfolio_markdown(portfolio):
            fh.write(line + "\n")
    return Path(path).expanduser().absolute()
