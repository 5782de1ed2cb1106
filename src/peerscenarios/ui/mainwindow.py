"""The main window: builds the navigation, screens and menus, and wires them together.

It decides nothing about attempts (``app.training`` does, through the
``PlayController``) and draws nothing itself; it shows one screen at a time
and keeps the navigation, the menus and the theme in step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from peerscenarios import paths
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.course.menu import CourseMenu
from peerscenarios.ui.keys import enter_presses_buttons
from peerscenarios.ui.menus import build_menus
from peerscenarios.ui.profiles import ProfileController
from peerscenarios.ui.screens.library import LibraryScreen
from peerscenarios.ui.settings import THEME_HIGH_CONTRAST
from peerscenarios.ui.window_theme import ThemeMixin

if TYPE_CHECKING:
    from peerscenarios.core.engine import Summary
    from peerscenarios.core.library import Library
    from peerscenarios.core.model import Scenario
    from peerscenarios.storage import ProfileRecord
    from peerscenarios.ui.play_controller import PlayController
    from peerscenarios.ui.screens.debrief import DebriefScreen
    from peerscenarios.ui.screens.history import HistoryScreen
    from peerscenarios.ui.screens.player import PlayerScreen

# The screens that need storage (player, debrief, history) and the dialogs are imported
# where they are first built or shown: the app paints its library before storage is
# open, and importing them (and setting up their Qt classes) would only delay that.

log = logging.getLogger(__name__)

MIN_WIDTH = 900
MIN_HEIGHT = 560


class MainWindow(ThemeMixin, QMainWindow):
    """Navigation on the left (Library, Scenario, History), the current screen on the right."""

    player: PlayerScreen
    debrief: DebriefScreen
    history: HistoryScreen
    play: PlayController

    library_listed = Signal()  # the first loaded library has been painted
    startup_finished = Signal()  # library loaded and profile chosen (resume offered)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("PeerScenarios")
        self.profiles = ProfileController(ctx, self)
        self.library = LibraryScreen(ctx)
        self._screens_built = False
        self._library_requested = False
        self._library_loaded = False
        self._started = False
        self._build()
        self.menu_actions = build_menus(self, self._menu_slots())
        self.menu_actions.contrast.setChecked(ctx.settings.theme == THEME_HIGH_CONTRAST)
        self.course_menu = CourseMenu(self, ctx)
        enter_presses_buttons(self)
        self._connect_signals()
        self._enable_storage_actions(ctx.has_storage)
        if ctx.has_storage:
            self._build_screens()
        self.apply_theme()
        geometry = ctx.settings.window_geometry()
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(1280, 760)

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        nav = QWidget(central)
        nav.setObjectName("nav")
        col = QVBoxLayout(nav)
        col.setContentsMargins(10, 14, 10, 14)
        col.setSpacing(6)
        brand = QLabel("PeerScenarios", nav)
        brand.setObjectName("brand")
        brand.setWordWrap(True)
        col.addWidget(brand)
        # Mnemonics unique against the menu bar too (&Help owns Alt+H).
        self.nav_library = self._nav_button("&Library", "Choose a scenario", nav)
        self.nav_play = self._nav_button("&Scenario", "The scenario you are playing", nav)
        self.nav_history = self._nav_button("His&tory", "My history and boundary profile",
                                            nav)
        for b in (self.nav_library, self.nav_play, self.nav_history):
            col.addWidget(b)
        col.addStretch(1)
        self.profile_label = QLabel("", nav)
        self.profile_label.setObjectName("muted")
        self.profile_label.setWordWrap(True)
        col.addWidget(self.profile_label)
        self.switch_button = QPushButton("Switch profile…", nav)
        col.addWidget(self.switch_button)
        self._nav = nav
        self._fit_nav()
        row.addWidget(nav)

        self.pages = QStackedWidget(central)
        self.pages.setObjectName("pages")
        self.pages.addWidget(self.library)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        # A fixed minimum instead of one that follows the content: content changes
        # (choices, text size) then never resize the window under the trainee.
        layout = self.layout()
        if layout is not None:
            layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.nav_play.setEnabled(False)
        self._mark_current(self.nav_library)
        self.statusBar().setSizeGripEnabled(False)

    def _build_screens(self) -> None:
        """The screens that need storage: built once it is open (after the first paint)."""
        from peerscenarios.ui.play_controller import PlayController
        from peerscenarios.ui.screens.debrief import DebriefScreen
        from peerscenarios.ui.screens.history import HistoryScreen
        from peerscenarios.ui.screens.player import PlayerScreen

        self.player = PlayerScreen(self.ctx, lambda: self.play.training())
        self.play = PlayController(self.ctx, self.player, self)
        self.debrief = DebriefScreen(self.ctx)
        self.history = HistoryScreen(self.ctx)
        for page in (self.player, self.debrief, self.history):
            self.pages.addWidget(page)
        self.history.chart.colours = self.ctx.colours
        self.player.paused.connect(self.on_player_paused)
        self.player.skipped.connect(self.on_player_skipped)
        self.player.finished.connect(self.on_player_finished)
        self.player.attempt_started.connect(self.on_player_attempt_started)
        self.play.show_player.connect(lambda: self.show_page(self.player))
        self.debrief.play_again_requested.connect(self.on_library_start_requested)
        self.debrief.library_requested.connect(lambda: self.show_page(self.library))
        self.debrief.history_requested.connect(self.on_debrief_history_requested)
        self.history.export_finished.connect(self.on_history_export_finished)
        enter_presses_buttons(self)
        self._screens_built = True

    def _nav_button(self, text: str, description: str, parent: QWidget) -> QPushButton:
        # Plain push buttons (not checkable): a screen reader calls them buttons, not
        # check boxes; the current section is marked by a property and a description.
        button = QPushButton(text, parent)
        button.setObjectName("navButton")
        button.setAccessibleDescription(description)
        return button

    def _mark_current(self, current: QPushButton) -> None:
        for b in (self.nav_library, self.nav_play, self.nav_history):
            is_current = b is current
            if b.property("current") != is_current:
                b.setProperty("current", is_current)
                b.style().unpolish(b)
                b.style().polish(b)

    def _menu_slots(self) -> dict[str, Callable[..., object]]:
        return {
            "new_profile": self.on_new_profile_action_triggered,
            "switch_profile": self.on_switch_button_clicked,
            "export": self.on_export_action_triggered,
            "quit": self.close,
            "reload": self.ctx.reload_library,
            "open_folder": self.library.on_open_folder_button_clicked,
            "present": self.library.on_present_button_clicked,
            "pause": self.on_pause_action_triggered,
            "go_library": lambda: self.show_page(self.library),
            "go_play": self.on_nav_play_clicked,
            "go_history": self.on_nav_history_clicked,
            "larger": self.on_larger_action_triggered,
            "smaller": self.on_smaller_action_triggered,
            "default_size": self.on_default_size_action_triggered,
            "contrast": self.on_contrast_action_triggered,
            "where": self.on_where_action_triggered,
            "about": self.on_about_action_triggered,
        }

    def _connect_signals(self) -> None:
        self.nav_library.clicked.connect(lambda: self.show_page(self.library))
        self.nav_play.clicked.connect(self.on_nav_play_clicked)
        self.nav_history.clicked.connect(self.on_nav_history_clicked)
        self.switch_button.clicked.connect(self.on_switch_button_clicked)
        self.library.start_requested.connect(self.on_library_start_requested)
        self.library.resume_requested.connect(self.on_library_resume_requested)
        self.library.start_over_requested.connect(self.on_library_start_over_requested)
        self.library.present_requested.connect(self.on_library_present_requested)
        self.ctx.storage_opened.connect(self.on_ctx_storage_opened)
        self.ctx.profile_changed.connect(self.on_ctx_profile_changed)
        self.ctx.library_changed.connect(self.on_ctx_library_changed)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self.on_color_scheme_changed)

    # -------------------------------------------------------------- start-up

    def load_library(self) -> None:
        """Start loading the library in the background (it needs no storage)."""
        self._library_requested = True
        self.ctx.reload_library()

    def start(self) -> bool:
        """Once storage is open: pick the profile, and load the library unless it is already.

        ``startup_finished`` follows when both are there. Returns False if the
        trainee cancelled the first-run profile question.
        """
        if not self.profiles.choose_initial():
            return False
        if not self._library_requested:
            self.load_library()
        return True

    def _enable_storage_actions(self, enabled: bool) -> None:
        # History and profiles need the database, which opens just after the first paint.
        for widget in (self.nav_history, self.switch_button):
            widget.setEnabled(enabled)
        for action in self.menu_actions.needing_storage():
            action.setEnabled(enabled)

    def _finish_startup(self) -> None:
        if self._started or not self._library_loaded or self.ctx.profile is None:
            return
        self._started = True
        self.play.offer_resume()
        self.startup_finished.emit()

    def _not_ready(self) -> bool:
        """True (and says so) while the database is still being opened at start-up."""
        if self.ctx.profile is not None and self._screens_built:
            return False
        self.statusBar().showMessage("One moment: opening your history…", 3000)
        return True

    # ------------------------------------------------------------- navigation

    def show_page(self, page: QWidget) -> None:
        """Show a screen, mark its navigation button, and put focus on its first element."""
        if page is not self.library and not self._screens_built:
            return  # storage is still opening (its actions are disabled until then)
        self.statusBar().clearMessage()
        self.pages.setCurrentWidget(page)
        if page is self.library:
            self._mark_current(self.nav_library)
            self.library.focus_first()
        elif page is self.history:
            self._mark_current(self.nav_history)
            self.history.refresh()
        else:
            self._mark_current(self.nav_play)
            if page is self.player:
                self.player.focus_current()

    # ------------------------------------------------------------------ slots

    @Slot()
    def on_nav_history_clicked(self) -> None:
        if self._screens_built:
            self.show_page(self.history)

    @Slot()
    def on_nav_play_clicked(self) -> None:
        if not self._screens_built:
            return
        if self.player.active:
            self.show_page(self.player)
        elif self.debrief.summary is not None:
            self.show_page(self.debrief)
            self.debrief.focus_first()

    @Slot(object, str)
    def on_library_start_requested(self, scenario: Scenario, mode: str) -> None:
        if not self._not_ready():
            from peerscenarios.core.engine import Mode

            self.play.start(scenario, Mode(mode))

    @Slot(int)
    def on_library_resume_requested(self, attempt_id: int) -> None:
        if not self._not_ready():
            self.play.resume(attempt_id)

    @Slot(object, int)
    def on_library_start_over_requested(self, scenario: Scenario, attempt_id: int) -> None:
        if not self._not_ready():
            self.play.start_over(scenario, attempt_id)

    @Slot(object)
    def on_library_present_requested(self, scenario: Scenario) -> None:
        if self._not_ready():
            return
        try:
            from peerscenarios.ui.present import start_presentation
        except ImportError:
            from peerscenarios.ui.dialogs import MessageDialog

            log.exception("facilitator mode could not be loaded")
            MessageDialog.report(self, "Facilitator mode is not available",
                                 "This copy of PeerScenarios cannot present to a group.",
                                 "The log file has the details.")
            return
        start_presentation(self, scenario, self.ctx.storage)

    @Slot(int)
    def on_player_attempt_started(self, attempt_id: int) -> None:
        self.nav_play.setEnabled(True)
        # Offered back at the next start if the app stops while it is open.
        self.ctx.settings.open_attempt_id = attempt_id
        self.ctx.settings.sync()

    @Slot()
    def on_player_paused(self) -> None:
        self.play.forget_open_attempt()
        self.show_page(self.library)
        self.statusBar().showMessage(
            "Paused. Your place is kept: the Library lists it with Resume.", 8000)

    @Slot()
    def on_player_skipped(self) -> None:
        self.nav_play.setEnabled(self.player.active or self.debrief.summary is not None)
        self.show_page(self.library)

    @Slot(int, object)
    def on_player_finished(self, attempt_id: int, summary: Summary) -> None:
        self.play.forget_open_attempt()
        self.debrief.show_summary(attempt_id, summary)
        self.show_page(self.debrief)
        self.debrief.focus_first()

    @Slot(int)
    def on_debrief_history_requested(self, attempt_id: int) -> None:
        self.show_page(self.history)
        self.history.show_attempt(attempt_id)

    @Slot()
    def on_pause_action_triggered(self) -> None:
        if self._screens_built and self.player.active and self.pages.currentWidget() is self.player:
            self.player.on_pause_button_clicked()

    @Slot()
    def on_switch_button_clicked(self) -> None:
        if not self._screens_built:
            return
        self.player.pause()
        self.profiles.switch()

    @Slot()
    def on_new_profile_action_triggered(self) -> None:
        if not self._screens_built:
            return
        self.player.pause()
        self.profiles.new_profile()

    @Slot()
    def on_export_action_triggered(self) -> None:
        if not self._screens_built:
            return
        self.show_page(self.history)
        self.history.on_export_button_clicked()

    @Slot(str)
    def on_history_export_finished(self, path: str) -> None:
        self.statusBar().showMessage(f"Portfolio saved to {path}", 15000)

    @Slot(object)
    def on_ctx_profile_changed(self, profile: ProfileRecord) -> None:
        self.profile_label.setText(f"Profile: {profile.name}")
        # Qt adds the application's display name ("— PeerScenarios") itself.
        self.setWindowTitle(profile.name)
        # The accessibility bus reads the bare title: a screen reader announced the window
        # as "Ana, frame", which says nothing about which app it is.
        self.setAccessibleName(f"PeerScenarios, {profile.name}")
        # Another person's attempt must not stay on screen (it stays paused for them).
        pt = self.player.playthrough
        if pt is not None and pt.attempt.profile_id != profile.id:
            self.player.close_attempt()
        self.debrief.summary = None
        self.nav_play.setEnabled(self.player.active)
        self.show_page(self.library)
        if self._started:
            self.play.offer_resume()
        else:
            self._finish_startup()

    @Slot(object)
    def on_ctx_library_changed(self, _library: Library) -> None:
        if not self._library_loaded:
            self._library_loaded = True
            # Tell the app once the list has painted: it opens storage then.
            self.library.table.viewport().installEventFilter(self)
            self._finish_startup()

    @Slot(object)
    def on_ctx_storage_opened(self, _storage: object) -> None:
        if not self._screens_built:
            self._build_screens()
        self._enable_storage_actions(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.library.table.viewport():
            watched.removeEventFilter(self)
            # The filter runs before the paint; a zero timer fires once it is on screen.
            QTimer.singleShot(0, self.library_listed.emit)
        return super().eventFilter(watched, event)

    @Slot()
    def on_where_action_triggered(self) -> None:
        from peerscenarios.ui.dialogs import MessageDialog

        MessageDialog.where_is_my_data(self, self.ctx.storage.path if self.ctx.has_storage
                                       else paths.database_path())

    @Slot()
    def on_about_action_triggered(self) -> None:
        from peerscenarios.ui.dialogs import MessageDialog

        MessageDialog.about(self)

    def on_instance_activation_requested(self) -> None:
        """A second launch asked this window to come forward."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._screens_built:
            self.player.pause()
        self.ctx.settings.set_window_geometry(self.saveGeometry())
        self.ctx.settings.sync()
        super().closeEvent(event)
