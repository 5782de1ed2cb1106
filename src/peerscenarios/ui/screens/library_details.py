"""The Library's details card (the scenario in full, start buttons) and its problems panel."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.core.model import Scenario
from peerscenarios.core.taxonomy import COMPETENCIES
from peerscenarios.ui.models.library import (
    ProblemFilesModel,
    competency_name,
    population_label,
    setting_label,
)
from peerscenarios.ui.widgets.richtext import InertBrowser, esc, md


def details_html(sc: Scenario, result_text: str) -> str:
    """The details pane for a scenario: summary, facts, setting, people and competencies."""
    # The short name first (as in the table and the filter), then SAMHSA's own words.
    comps = "".join(f"<li><b>{esc(competency_name(n))}</b>: {esc(COMPETENCIES[n].title)}</li>"
                    for n in sc.competencies if n in COMPETENCIES)
    # Every field says "none" rather than vanishing: an absent warning line could be read
    # as "not checked" by someone who needs to know before starting.
    warnings = ", ".join(esc(w) for w in sc.content_warnings) or "none"
    tags = ", ".join(esc(t) for t in sc.tags) or "none"
    where = (f"<b>Setting:</b> {esc(setting_label(sc.setting))}" if sc.setting else "")
    who = ", ".join(esc(population_label(p)) for p in sc.population)
    people = f"<b>Population:</b> {who}" if who else ""
    context = " · ".join(part for part in (where, people) if part)
    # The summary is author Markdown: md() renders it and the view never follows links.
    return (f"<h2>{esc(sc.title)}</h2>{md(sc.summary)}"
            f"<p><b>About {sc.minutes} minutes</b> · {sc.decision_count} decisions</p>"
            + (f"<p>{context}</p>" if context else "")
            + f"<p><b>Content warnings:</b> {warnings} · <b>Tags:</b> {tags}</p>"
            f"<p><b>Your last result:</b> {esc(result_text)}</p>"
            f"<p><b>Competencies practised:</b></p><ul>{comps}</ul>")


class DetailsCard(QFrame):
    """The selected scenario in full (a readable text view) beside its start buttons.

    Resume and Start over replace the two Start buttons for a paused scenario;
    the Library screen decides which are shown and what they do.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        # A text view, not labels: a screen reader can move through it line by line and
        # nothing in it is a link that could leave the app.
        self.view = InertBrowser(self)
        self.view.setAccessibleName("Scenario details")
        row.addWidget(self.view, 1)
        buttons = QVBoxLayout()
        self.practice_button = QPushButton("Start in practice mode", self)
        self.practice_button.setObjectName("primary")
        self.practice_button.setAccessibleName("Start in practice mode")
        self.practice_button.setToolTip("You can step back and try another response.")
        self.assessment_button = QPushButton("Start in assessment mode", self)
        self.assessment_button.setAccessibleName("Start in assessment mode")
        self.assessment_button.setToolTip("Every choice stands; no stepping back.")
        self.resume_button = QPushButton("Resume", self)
        self.resume_button.setObjectName("primary")
        self.resume_button.setAccessibleName("Resume the paused attempt")
        self.resume_button.setToolTip("Carry on where you paused, reflection drafts included.")
        self.start_over_button = QPushButton("Start over", self)
        self.start_over_button.setAccessibleName("Start over from the beginning")
        self.start_over_button.setToolTip("Set the paused attempt aside (it stays in your "
                                          "history) and begin again.")
        self.present_button = QPushButton("Present to a group…", self)
        self.present_button.setAccessibleName("Present to a group")
        self.present_button.setToolTip("Facilitator mode for a projector and a room.")
        # In this order so that Tab reaches the primary action first, whichever is shown.
        for b in (self.resume_button, self.start_over_button, self.practice_button,
                  self.assessment_button, self.present_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        row.addLayout(buttons)


class ProblemsPanel(QFrame):
    """Scenario files that could not be loaded, one line per problem; hidden when none."""

    def __init__(self, model: ProblemFilesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems")
        self.model = model
        col = QVBoxLayout(self)
        col.setContentsMargins(12, 8, 12, 8)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        col.addWidget(self.label)
        self.view = QListView(self)
        self.view.setAccessibleName("Scenario files that could not be loaded")
        self.view.setModel(model)
        self.view.setWordWrap(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # A few problems show at once; more scroll, so a bad folder never pushes the
        # scenarios that did load off the screen.
        self.view.setMaximumHeight(140)
        col.addWidget(self.view)
        self.hide()

    def refresh(self) -> None:
        """Show the panel with a count if any file failed, hide it otherwise."""
        files = self.model.file_count
        self.setVisible(files > 0)
        if files:
            noun = "file" if files == 1 else "files"
            self.label.setText(
                f"⚠ {files} scenario {noun} could not be loaded. The rest of the library "
                "works; fix the lines below and press Reload.")
