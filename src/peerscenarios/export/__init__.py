"""Learner portfolio and group session exports: PDF (Qt's QPdfWriter), Markdown and CSV.

Every writer replaces its file atomically and leaves it readable only by the
owner (0600). Expected failures raise ExportError with a plain message.
Qt is imported only when a PDF is made.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from peerscenarios.core.library import Library
from peerscenarios.export.csvout import write_csv
from peerscenarios.export.errors import ExportError
from peerscenarios.export.group import GroupReport, build_group_report, export_group_session
from peerscenarios.export.markdown import write_markdown
from peerscenarios.export.portfolio import (
    AttemptEntry,
    DecisionEntry,
    Portfolio,
    ReflectionEntry,
    RoleCount,
    ScenarioState,
    Totals,
    build_portfolio,
)
from peerscenarios.storage import Storage

Progress = Callable[[int, int], None]

FORMATS: dict[str, str] = {"pdf": ".pdf", "md": ".md", "csv": ".csv"}
# Share of the progress bar spent gathering data; PDF spends the rest laying out pages.
_GATHER_SHARE = {"pdf": 60, "md": 95, "csv": 95}
PROGRESS_TOTAL = 100


def write_pdf(portfolio: Portfolio, path: Path, *, progress: Progress | None = None) -> Path:
    """Write the portfolio as a PDF (see :func:`peerscenarios.export.pdf.write_pdf`)."""
    from peerscenarios.export import pdf

    return pdf.write_pdf(portfolio, path, progress=progress)


def export_portfolio(storage: Storage, library: Library, profile_id: int, fmt: str,
                     out_path: Path, *, since: date | None = None, until: date | None = None,
                     progress: Progress | None = None) -> Path:
    """Export one profile's portfolio as ``"pdf"``, ``"md"`` or ``"csv"`` to ``out_path``.

    ``since``/``until`` are inclusive local dates. ``progress(done, 100)``
    reports overall progress. Touches no widget, so it may run on a worker
    thread (a QGuiApplication must exist for PDF; the app always has one).
    Returns the absolute path written. Raises ExportError for an unknown
    format, an unwritable folder or a full disk (no partial file is left) and
    StorageError subclasses for database problems.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(f"Cannot export as “{fmt}”.", "Choose PDF, Markdown or CSV.")
    share = _GATHER_SHARE[fmt]

    def gathered(done: int, total: int) -> None:
        if progress is not None:
            progress(share * done // total if total else share, PROGRESS_TOTAL)

    def rendered(done: int, total: int) -> None:
        if progress is not None:
            progress(share + (PROGRESS_TOTAL - share) * done // max(total, 1), PROGRESS_TOTAL)

    portfolio = build_portfolio(storage, library, profile_id, since=since, until=until,
                                progress=gathered)
    if fmt == "md":
        path = write_markdown(portfolio, Path(out_path))
    elif fmt == "csv":
        path = write_csv(portfolio, Path(out_path))
    else:
        path = write_pdf(portfolio, Path(out_path), progress=rendered)
    if progress is not None:
        progress(PROGRESS_TOTAL, PROGRESS_TOTAL)
    return path


__all__ = [
    "FORMATS",
    "AttemptEntry",
    "DecisionEntry",
    "ExportError",
    "GroupReport",
    "Portfolio",
    "ReflectionEntry",
    "RoleCount",
    "ScenarioState",
    "Totals",
    "build_group_report",
    "build_portfolio",
    "export_group_session",
    "export_portfolio",
    "write_csv",
    "write_markdown",
    "write_pdf",
]
