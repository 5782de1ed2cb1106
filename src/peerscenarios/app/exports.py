"""Export use cases: gather a portfolio or a group session, then hand it to a writer.

Touches no widget, so it may run on the UI's worker thread (a QGuiApplication
must exist for PDF; the app always has one).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from peerscenarios.app.views import build_group_report, build_portfolio
from peerscenarios.core.library import Library
from peerscenarios.export import FORMATS, ExportError, write_group_session, write_portfolio
from peerscenarios.storage import Storage

Progress = Callable[[int, int], None]

# Share of the progress bar spent gathering data; PDF spends the rest laying out pages.
_GATHER_SHARE = {"pdf": 60, "md": 95, "csv": 95}
PROGRESS_TOTAL = 100


def export_portfolio(storage: Storage, library: Library, profile_id: int, fmt: str,
                     out_path: Path, *, since: date | None = None, until: date | None = None,
                     progress: Progress | None = None, page_size: str | None = None) -> Path:
    """Export one profile's portfolio as ``"pdf"``, ``"md"`` or ``"csv"`` to ``out_path``.

    ``since``/``until`` are inclusive local dates. ``progress(done, 100)``
    reports overall progress. ``page_size`` (``"a4"`` or ``"letter"``, default:
    the locale's) applies to PDF. Returns the absolute path written. Raises
    ExportError for an unknown format, an unwritable folder or a full disk
    (no partial file is left) and StorageError subclasses for database problems.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(f"Cannot export as “{fmt}”.", "Choose PDF, Markdown or CSV.")
    share = _GATHER_SHARE[fmt]

    def gathered(done: int, total: int) -> None:
        if progress is not None:
            # No attempts to gather: that part of the bar is done at once.
            progress(share * done // total if total else share, PROGRESS_TOTAL)

    def rendered(done: int, total: int) -> None:
        if progress is not None:
            progress(share + (PROGRESS_TOTAL - share) * done // max(total, 1), PROGRESS_TOTAL)

    portfolio = build_portfolio(storage, library, profile_id, since=since, until=until,
                                progress=gathered)
    path = write_portfolio(portfolio, fmt, Path(out_path), progress=rendered, page_size=page_size)
    # Markdown and CSV report no pages: their part of the bar is filled here.
    if progress is not None:
        progress(PROGRESS_TOTAL, PROGRESS_TOTAL)
    return path


def export_group_session(storage: Storage, library: Library, session_id: int, fmt: str,
                         out_path: Path, *, page_size: str | None = None) -> Path:
    """Export one stored group session as ``"pdf"`` or ``"csv"`` (NotFound if it was deleted).

    ``page_size`` (``"a4"`` or ``"letter"``, default: the locale's) applies to PDF.
    """
    return write_group_session(build_group_report(storage, library, session_id), fmt,
                               Path(out_path), page_size=page_size)
