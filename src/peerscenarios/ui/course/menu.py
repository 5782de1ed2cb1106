"""The Course menu: connection settings, submitting and withdrawing, the facilitators' view.

Nothing here runs unless the person picks an entry: no connection is made at
start-up and nothing syncs in the background. Without a server (none set up,
unreachable, or the server extra not installed) submitting says so and offers
the file route instead.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QDialog, QMainWindow, QVBoxLayout, QWidget

from peerscenarios.errors import PeerScenariosError

if TYPE_CHECKING:
    from peerscenarios.core.model import Scenario
    from peerscenarios.course.client import CourseClient
    from peerscenarios.course.settings import CourseSettings
    from peerscenarios.storage import Storage
    from peerscenarios.ui.context import AppContext
    from peerscenarios.ui.settings import Settings

log = logging.getLogger(__name__)

SETTINGS_KEY = "course/connection"


class CourseAccess(QObject):
    """The saved connection settings, the keyring password, and signing in when asked."""

    def __init__(self, parent: QWidget, settings: Settings) -> None:
        super().__init__(parent)
        self.window = parent
        self.settings = settings

    def course_settings(self) -> CourseSettings:
        """The saved connection settings (never a password: that is in the keyring)."""
        from peerscenarios.course.settings import CourseSettings

        raw = self.settings.value(SETTINGS_KEY, "")
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}  # a hand-edited settings file must never stop the app
        return CourseSettings.from_dict(data if isinstance(data, dict) else {})

    def save(self, settings: CourseSettings, password: str = "") -> None:
        """Keep the settings (and the password in the keyring, when there is one)."""
        self.settings.set_value(SETTINGS_KEY, json.dumps(settings.to_dict()))
        self.settings.sync()
        if password:
            from peerscenarios.course.settings import save_password

            try:
                save_password(settings, password)
            except PeerScenariosError as exc:
                # No keyring (a minimal desktop): the password is asked again next time.
                log.warning("course password not kept: %s", type(exc).__name__)

    def edit(self) -> None:
        """Enter host, database and user once; the password goes to the system keyring."""
        from peerscenarios.ui.course.settings_dialog import CourseSettingsDialog

        choice = CourseSettingsDialog.ask(self.window, self.course_settings())
        if choice is not None:
            self.save(choice.settings, choice.password)

    def client(self) -> CourseClient | None:
        """A signed-in course client, asking for what is missing; None if it cannot be had."""
        from peerscenarios.ui.dialogs import MessageDialog

        settings = self.course_settings()
        password: str | None = None
        if settings.configured:
            try:
                from peerscenarios.course.settings import load_password

                password = load_password(settings)
            except PeerScenariosError:
                password = None
        if not settings.configured or not password:
            from peerscenarios.ui.course.settings_dialog import CourseSettingsDialog

            choice = CourseSettingsDialog.ask(self.window, settings)
            if choice is None:
                return None
            settings, password = choice.settings, choice.password
            self.save(settings, password)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            from peerscenarios.course.client import connect

            return connect(settings, password or "")
        except PeerScenariosError as exc:
            MessageDialog.report(self.window, "The course server cannot be reached",
                                 exc.message, exc.hint)
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()


class CourseMenu(QObject):
    """Builds the Course menu on the main window and carries out its entries."""

    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.access = CourseAccess(window, ctx.settings)
        bar = window.menuBar()
        menu = bar.addMenu("C&ourse")
        # Before Help, where people look for it; Help stays last.
        help_action = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_action is not None:
            bar.insertMenu(help_action, menu)
        self.settings_action = self._add(menu, "Connection &settings…", self.on_settings)
        menu.addSeparator()
        self.submit_action = self._add(menu, "S&ubmit my portfolio…", self.on_submit)
        self.mine_action = self._add(menu, "&My submissions…", self.on_mine)
        menu.addSeparator()
        self.view_action = self._add(menu, "Course &view (facilitators)…", self.on_view)
        self.import_action = self._add(menu, "&Import a submission file…", self.on_import)
        self.menu = menu
        # Submitting reads the history, which opens just after the first paint.
        self.submit_action.setEnabled(ctx.has_storage)
        ctx.storage_opened.connect(lambda _storage: self.submit_action.setEnabled(True))

    def _add(self, menu: Any, text: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    @Slot()
    def on_settings(self) -> None:
        """Connection settings."""
        self.access.edit()

    # --------------------------------------------------------- trainees

    @Slot()
    def on_submit(self) -> None:
        """Choose what to send, see exactly what it is, then send it or save it to a file."""
        if not self.ctx.has_storage or self.ctx.profile is None:
            return
        from peerscenarios.app.views import build_portfolio
        from peerscenarios.ui.course.submit_dialog import SubmitPortfolioDialog

        storage, library, profile_id = self.ctx.storage, self.ctx.library, self.ctx.profile_id

        def build(since: date | None, until: date | None) -> Any:
            return build_portfolio(storage, library, profile_id, since=since, until=until)

        settings = self.access.course_settings()
        client = self.access.client() if settings.configured else None
        send = client.submit_portfolio if client is not None else None
        SubmitPortfolioDialog.ask(self.window, build, send,
                                  server_text=settings.describe() if client else "")

    @Slot()
    def on_mine(self) -> None:
        """What I have sent to the course, with Withdraw."""
        from peerscenarios.ui.course.my_submissions import MySubmissionsDialog

        client = self.access.client()
        if client is not None:
            MySubmissionsDialog.ask(self.window, client)

    # ------------------------------------------------------- facilitators

    @Slot()
    def on_view(self) -> None:
        """The cohort's submissions and the course's uploaded sessions, read-only."""
        from peerscenarios.ui.course.course_view import CourseView

        client = self.access.client()
        if client is None:
            return
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Course")
        layout = QVBoxLayout(dialog)
        layout.addWidget(CourseView(client, dialog))
        dialog.resize(1000, 640)
        dialog.exec()

    @Slot()
    def on_import(self) -> None:
        """Open a submission file a trainee sent (the offline route), as the trainee saw it."""
        from peerscenarios.ui.course.viewer import import_submission

        import_submission(self.window)


def upload_session(parent: QWidget, storage: Storage, scenario: Scenario,
                   session_id: int) -> None:
    """"Upload this session": send a finished group session's record (counts only)."""
    from peerscenarios.app.views import build_group_report
    from peerscenarios.core.library import Library
    from peerscenarios.ui.course.upload_dialog import UploadSessionDialog
    from peerscenarios.ui.settings import Settings

    client = CourseAccess(parent, Settings()).client()
    if client is None:
        return
    report = build_group_report(storage, Library(scenarios=(scenario,)), session_id)
    UploadSessionDialog.ask(parent, report, client.upload_group_session)
