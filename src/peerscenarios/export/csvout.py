"""Write a learner portfolio as one CSV sheet: a row per attempt, choice and reflection."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

from peerscenarios.core.reporting import AttemptEntry, Portfolio
from peerscenarios.export.atomic import atomic_text
from peerscenarios.export.text import csv_cell, fmt_time, plain

# One flat sheet, so a supervisor can filter by the "record" column in any
# spreadsheet; attempt columns repeat on every row so a filtered row still
# says which attempt it belongs to.
COLUMNS: tuple[str, ...] = (
    "record", "profile", "attempt", "scenario_id", "scenario", "scenario_version",
    "scenario_changed", "mode", "status", "started", "finished", "ending",
    "estimated_minutes", "step", "node_id", "choice_id", "choice", "shown_position",
    "shown_of", "role", "role_label", "stepped_back", "feedback", "prompt_id", "prompt",
    "reflection", "time",
)

# Excel only reads a CSV as UTF-8 when it starts with a byte-order mark.
ENCODING = "utf-8-sig"


def _attempt_cells(profile: str, a: AttemptEntry) -> dict[str, object]:
    return {
        "profile": profile, "attempt": a.number, "scenario_id": a.scenario_id,
        "scenario": plain(a.scenario_title), "scenario_version": a.content_hash[:12],
        "scenario_changed": a.scenario_state.value, "mode": a.mode, "status": a.status,
        "started": fmt_time(a.started_at), "finished": fmt_time(a.finished_at),
        "ending": plain(a.ending_title or a.ending_node_id or ""),
    }


def portfolio_rows(portfolio: Portfolio) -> Iterator[dict[str, object]]:
    """Every data row of the sheet (header not included), attempts oldest first."""
    for a in portfolio.attempts:
        base = _attempt_cells(portfolio.profile_name, a)
        yield {**base, "record": "attempt", "estimated_minutes": a.estimated_minutes or "",
               "time": fmt_time(a.started_at)}
        for d in a.decisions:
            yield {**base, "record": "choice", "step": d.seq, "node_id": d.node_id,
                   "choice_id": d.choice_id, "choice": plain(d.choice_text or ""),
                   # Its place among the responses as shown (blank for attempts recorded
                   # before the order was kept).
                   "shown_position": d.position or "", "shown_of": d.options or "",
                   "role": d.role, "role_label": d.role_label,
                   "stepped_back": "yes" if d.stepped_back else "no",
                   "feedback": plain(d.feedback), "time": fmt_time(d.made_at)}
        for r in a.reflections:
            yield {**base, "record": "reflection", "prompt_id": r.prompt_id,
                   "prompt": plain(r.prompt_text or ""), "reflection": r.text,
                   "time": fmt_time(r.written_at)}


def write_rows(path: Path, columns: Sequence[str], rows: Iterator[dict[str, object]]) -> Path:
    """Write a header and ``rows`` as CSV, atomically (0600), every cell formula-safe."""
    with atomic_text(Path(path), encoding=ENCODING, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row.get(c, "")) for c in columns])
    return Path(path).expanduser().absolute()


def write_csv(portfolio: Portfolio, path: Path) -> Path:
    """Write the portfolio as CSV (UTF-8 with BOM, header row first).

    ``record`` is ``attempt``, ``choice`` or ``reflection``. Returns the
    absolute path; raises ExportError if it cannot be written.
    """
    return write_rows(path, COLUMNS, portfolio_rows(portfolio))
