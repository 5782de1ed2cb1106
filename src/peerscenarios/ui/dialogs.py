"""Small modal dialogs; each offers a classmethod (``ask``/``report``) that tests monkeypatch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerscenarios import paths
from peerscenarios.errors import PeerScenariosError

if TYPE_CHECKING:
    from peerscenarios.storage import ProfileRecord


class ProfileNameDialog(QDialog):
    """Asks for a new profile's name (first run, or "New profile…")."""

    def __init__(self, parent: QWidget | None, *, first_run: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to PeerScenarios" if first_run else "New profile")
        layout = QVBoxLayout(self)
        # A first name or initials is enough: the name heads every exported portfolio and
        # may sit on a computer others use.
        intro = QLabel(
            "Your practice history and reflections stay on this computer. "
            "Which name should they be kept under? A first name or initials is enough."
            if first_run else "Name for the new profile:")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("Profile name")
        self.name_edit.setMaxLength(80)  # the database's limit (storage PROFILE_NAME_MAX)
        self.name_edit.setPlaceholderText("e.g. Sam or S.R.")
        layout.addWidget(self.name_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setText("Create profile")
        self._ok.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(
            lambda text: self._ok.setEnabled(bool(text.strip())))
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    @classmethod
    def ask(cls, parent: QWidget | None, *, first_run: bool = True) -> str | None:
        """The name typed, or None if cancelled."""
        dialog = cls(parent, first_run=first_run)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.name_edit.text().strip() or None


@dataclass(frozen=True, slots=True)
class ProfileChoice:
    """What the profile picker returned: an existing profile's id, or a new name."""

    profile_id: int | None = None
    new_name: str | None = None


class ProfilePickerDialog(QDialog):
    """Switch to another profile on this computer, or create one."""

    # Stored profile ids start at 1, so this marker can never be one of them.
    _NEW = -1

    def __init__(self, parent: QWidget | None, profiles: list[ProfileRecord],
                 current_id: int | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Switch profile")
        form = QFormLayout(self)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName("Profile")
        for p in profiles:
            self.combo.addItem(p.name, p.id)
            if p.id == current_id:
                self.combo.setCurrentIndex(self.combo.count() - 1)
        self.combo.addItem("New profile…", self._NEW)
        form.addRow("&Profile:", self.combo)
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("New profile name")
        self.name_edit.setMaxLength(80)
        form.addRow("&Name for a new profile:", self.name_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.combo.currentIndexChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.name_edit.setEnabled(self.combo.currentData() == self._NEW)

    @classmethod
    def ask(cls, parent: QWidget | None, profiles: list[ProfileRecord],
            current_id: int | None) -> ProfileChoice | None:
        """The chosen profile or new name, or None if cancelled."""
        dialog = cls(parent, profiles, current_id)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        data = dialog.combo.currentData()
        if data == cls._NEW:
            name = dialog.name_edit.text().strip()
            return ProfileChoice(new_name=name) if name else None
        return ProfileChoice(profile_id=int(data))


class ResumeAnswer(Enum):
    """What to do with an unfinished attempt found at start-up."""

    RESUME = "resume"
    LATER = "later"
    DISCARD = "discard"


class ResumeDialog:
    """Offers an unfinished attempt back: resume, keep it for later, or set it aside."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, started_at: datetime,
            has_draft: bool) -> ResumeAnswer:
        """The trainee's answer (closing the box keeps the attempt for later)."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Pick up where you left off?")
        when = started_at.astimezone().strftime("%d %B at %H:%M")
        extra = " The reflection you were writing is kept too." if has_draft else ""
        box.setText(f"You were in the middle of “{title}” (started {when}).{extra}")
        box.setInformativeText(
            "Not now keeps it paused: the Library lists it with Resume and Start over. "
            "Set it aside ends it; what you chose stays in your history.")
        resume = box.addButton("Resume", QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        discard = box.addButton("Set it aside", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(resume)
        box.exec()
        clicked = box.clickedButton()
        if clicked is resume:
            return ResumeAnswer.RESUME
        if clicked is discard:
            return ResumeAnswer.DISCARD
        del later
        # Not now, Esc and the close button all keep it: nothing ends by accident.
        return ResumeAnswer.LATER


class PausedAnswer(Enum):
    """What becomes of the open attempt when the trainee opens another one."""

    KEEP = "keep"
    ABANDON = "abandon"
    CANCEL = "cancel"


class PausedDialog:
    """Asks before another scenario opens: keep the open attempt for later, or abandon it?"""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str) -> PausedAnswer:
        """The trainee's answer (closing the box cancels: nothing changes)."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Keep your place?")
        box.setText(f"You have not finished “{title}”.")
        box.setInformativeText(
            "Keep it for later and the Library lists it as paused, ready to resume. "
            "Abandon it and it ends here; what you chose stays in your history.")
        keep = box.addButton("Keep it for later", QMessageBox.ButtonRole.AcceptRole)
        abandon = box.addButton("Abandon it", QMessageBox.ButtonRole.DestructiveRole)
        # Cancel takes the reject role, so Esc and the close button change nothing; Enter
        # keeps the attempt, never ends it.
        box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        if clicked is keep:
            return PausedAnswer.KEEP
        if clicked is abandon:
            return PausedAnswer.ABANDON
        return PausedAnswer.CANCEL


class MessageDialog:
    """Plain-language messages: expected problems, and questions about them."""

    @classmethod
    def report(cls, parent: QWidget | None, title: str, message: str, hint: str = "") -> None:
        """Show an expected problem (disk full, a file that could not be written, ...)."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        box.setText(message)
        if hint:
            box.setInformativeText(hint)
        box.exec()

    @classmethod
    def where_is_my_data(cls, parent: QWidget | None, database: Path | None) -> None:
        """Say where the history, the user's scenarios, backups and logs are kept."""
        cls.report(
            parent, "Where your data is",
            f"Your history and reflections: {database or 'in memory'}\n"
            f"Your own scenarios: {paths.user_scenarios_dir()}\n"
            f"Backups: {paths.backups_dir()}\nLog files: {paths.log_dir()}",
            "Everything stays on this computer; nothing is sent anywhere.")

    @classmethod
    def about(cls, parent: QWidget | None) -> None:
        """The app's name, version and purpose."""
        from peerscenarios import __version__

        QMessageBox.about(parent, "About PeerScenarios",
                          f"PeerScenarios {__version__}\n\nOffline practice in staying in the "
                          "peer role, for peer support specialists.")

    @classmethod
    def report_error(cls, parent: QWidget | None, exc: PeerScenariosError,
                     title: str = "Something needs your attention") -> None:
        """Show an expected PeerScenarios error with its message and hint."""
        cls.report(parent, title, exc.message, exc.hint)

    @classmethod
    def ask_start_fresh(cls, parent: QWidget | None, exc: PeerScenariosError) -> bool:
        """For a damaged database: set it aside and start with an empty one? True for yes."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Your practice history could not be opened")
        box.setText(exc.message)
        box.setInformativeText(
            (exc.hint + "\n\n" if exc.hint else "")
            + "PeerScenarios can move the damaged file aside (it is kept, not deleted) "
              "and start with an empty history. Do that now?")
        fresh = box.addButton("Move it aside and start fresh",
                              QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        # The default may be the fresh start: moving aside deletes nothing.
        box.setDefaultButton(fresh)
        box.exec()
        return box.clickedButton() is fresh


class CrashDialog(QDialog):
    """Shown when the app hits a bug: says so plainly, keeps the window open, offers details."""

    def __init__(self, parent: QWidget | None, summary: str, details: str, log_file: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        layout = QVBoxLayout(self)
        text = QLabel(
            "PeerScenarios ran into a problem it did not expect. What you had already "
            "saved is safe, and you can keep working.\n\n"
            f"{summary}\n\nDetails were written to the log file:\n{log_file}")
        text.setWordWrap(True)
        # Selectable, so the log file's path can be copied into a request for help.
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setPlainText(details)
        self.details.setAccessibleName("Technical details")
        # Hidden at first: a traceback means nothing to most trainees, and alarms some.
        self.details.hide()
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        toggle = QPushButton("Show details", self)
        buttons.addButton(toggle, QDialogButtonBox.ButtonRole.ActionRole)
        toggle.clicked.connect(lambda: self.details.setVisible(not self.details.isVisible()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    @classmethod
    def report(cls, parent: QWidget | None, summary: str, details: str, log_file: str) -> None:
        """Show the crash dialog and wait for the user to close it."""
        cls(parent, summary, details, log_file).exec()
