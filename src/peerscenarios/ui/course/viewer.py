"""Read-only views of what was sent: a portfolio submission or a group session, with PDF saving.

Both render with the export's own HTML (``export.pdf.portfolio_html``,
``export.group.group_html``), from the payload as received, so a facilitator
sees exactly the document the trainee previewed, and "Save as PDF…" writes
the same PDF the trainee's own export would.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.core.reporting import GroupReport, Portfolio
from peerscenarios.course.bundle import SUFFIX, read_bundle
from peerscenarios.course.errors import BundleError
from peerscenarios.course.snapshot import Snapshot
from peerscenarios.errors import PeerScenariosError
from peerscenarios.export.group import group_html
from peerscenarios.export.text import plain


class DocumentPreview(QTextBrowser):
    """The portfolio or group session as its PDF shows it, in a scrolling, read-only page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The HTML comes from a payload another computer wrote. The export escapes its
        # text, and links are not followed either, so nothing in it can navigate the view.
        self.setOpenLinks(False)
        self.setAccessibleName("Preview of exactly what is sent")

    def show_portfolio(self, portfolio: Portfolio) -> None:
        """Render a portfolio."""
        from peerscenarios.export.pdf import portfolio_html

        self.setHtml(portfolio_html(portfolio))

    def show_group(self, report: GroupReport) -> None:
        """Render a group session."""
        self.setHtml(group_html(report))


def _save_pdf(parent: QWidget, suggested: str, write: object) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Save as PDF", suggested, "PDF (*.pdf)")
    if not name:
        return None
    try:
        path = write(Path(name))  # type: ignore[operator]
    except PeerScenariosError as exc:
        QMessageBox.warning(parent, "Save as PDF", str(exc))
        return None
    assert isinstance(path, Path)
    return path


class DocumentViewer(QDialog):
    """A submitted portfolio or an uploaded session, read-only, with "Save as PDF…"."""

    def __init__(self, parent: QWidget | None, heading: str, *,
                 portfolio: Portfolio | None = None, report: GroupReport | None = None) -> None:
        super().__init__(parent)
        self.portfolio = portfolio
        self.report = report
        self.setWindowTitle(heading)
        layout = QVBoxLayout(self)
        self.heading = QLabel(heading, self)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.preview = DocumentPreview(self)
        layout.addWidget(self.preview, 1)
        if portfolio is not None:
            self.preview.show_portfolio(portfolio)
        elif report is not None:
            self.preview.show_group(report)
        else:
            self.preview.setPlainText("The trainee withdrew this submission; its content is no "
                                      "longer on the course server.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = QPushButton("Save as &PDF…", self)
        self.save_button.setEnabled(portfolio is not None or report is not None)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.resize(820, 680)

    def on_save_clicked(self) -> Path | None:
        """Ask for a file name and write the PDF (0600); returns the path or None."""
        if self.portfolio is not None:
            from peerscenarios.export.pdf import write_pdf

            portfolio = self.portfolio
            # Letters and digits only: a profile name may hold characters a file system refuses.
            safe = "".join(c if c.isalnum() else "-" for c in portfolio.profile_name)
            return _save_pdf(self, f"{safe.strip('-') or 'portfolio'}-portfolio.pdf",
                             lambda p: write_pdf(portfolio, p))
        if self.report is not None:
            from peerscenarios.export.atomic import write_bytes
            from peerscenarios.export.pdf import default_page_size, render_pdf

            report = self.report
            title = plain(report.scenario_title)

            # The group export's own HTML and page setup: the same PDF as one made on the
            # facilitator's laptop.
            def write(path: Path) -> Path:
                data = render_pdf(group_html(report), title=f"Group session: {title}",
                                  footer=f"Group session · {title}",
                                  page_size=default_page_size())
                return write_bytes(path, data)

            return _save_pdf(self, "group-session.pdf", write)
        return None

    @classmethod
    def ask(cls, parent: QWidget | None, heading: str, *, portfolio: Portfolio | None = None,
            report: GroupReport | None = None) -> None:
        """Show the viewer until it is closed."""
        cls(parent, heading, portfolio=portfolio, report=report).exec()


def submission_heading(snapshot: Snapshot, source: str) -> str:
    """The line above a submission: whose, which dates, what is in it, where it came from."""
    p = snapshot.portfolio
    return (f"Portfolio of {p.profile_name} · attempts {p.range_text} · "
            f"{snapshot.attempt_count} attempt(s), {snapshot.reflection_count} reflection(s) "
            f"shared · {source}")


def import_submission(parent: QWidget | None, path: Path | None = None) -> Snapshot | None:
    """"Import submission…": pick a submission file, check it, show it; the snapshot or None.

    A file that cannot be used gets a plain message naming it.
    """
    if path is None:
        name, _ = QFileDialog.getOpenFileName(parent, "Import submission", "",
                                              f"PeerScenarios submission (*{SUFFIX})")
        if not name:
            return None
        path = Path(name)
    try:
        snapshot = read_bundle(path)
    except BundleError as exc:
        QMessageBox.warning(parent, "Import submission", str(exc))
        return None
    DocumentViewer.ask(parent, submission_heading(snapshot, f"from the file {path.name}"),
                       portfolio=snapshot.portfolio)
    return snapshot
