"""Writers for portfolios and group session records: PDF (Qt's QPdfWriter), Markdown, CSV.

Each writer renders a view from :mod:`peerscenarios.core.reporting`, replaces
its file atomically and leaves it readable only by the owner (0600).
Expected failures raise ExportError with a plain message. Qt is imported
only when a PDF is made. Gathering the data is the app layer's job
(``app.exports``), so nothing here reads storage.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from peerscenarios.core.reporting import Portfolio
from peerscenarios.export.csvout import write_csv
from peerscenarios.export.errors import ExportError
from peerscenarios.export.group import write_group_session
from peerscenarios.export.markdown import write_markdown

Progress = Callable[[int, int], None]

FORMATS: dict[str, str] = {"pdf": ".pdf", "md": ".md", "csv": ".csv"}


def write_pdf(portfolio: Portfolio, path: Path, *, progress: Progress | None = None,
              page_size: str | None = None) -> Path:
    """Write the portfolio as a PDF (see :func:`peerscenarios.export.pdf.write_pdf`)."""
    # Imported here: Qt's GUI module costs about 80 ms to import, which a Markdown or
    # CSV export (and the command line that makes one) need not pay.
    from peerscenarios.export import pdf

    return pdf.write_pdf(portfolio, path, progress=progress, page_size=page_size)


def write_portfolio(portfolio: Portfolio, fmt: str, path: Path, *,
                    progress: Progress | None = None, page_size: str | None = None) -> Path:
    """Write ``portfolio`` as ``"pdf"``, ``"md"`` or ``"csv"``; ExportError for another format.

    ``page_size`` (``"a4"`` or ``"letter"``, default: the locale's) applies to PDF.
    """
    fmt = fmt.lower()
    if fmt == "md":
        return write_markdown(portfolio, Path(path))
    if fmt == "csv":
        return write_csv(portfolio, Path(path))
    if fmt == "pdf":
        return write_pdf(portfolio, Path(path), progress=progress, page_size=page_size)
    raise ExportError(f"Cannot export as “{fmt}”.", "Choose PDF, Markdown or CSV.")


__all__ = [
    "FORMATS",
    "ExportError",
    "write_csv",
    "write_group_session",
    "write_markdown",
    "write_pdf",
    "write_portfolio",
]
