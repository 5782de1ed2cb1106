"""The presenter view on the laptop: the step small, notes, timer, votes, reveal, and the keys.

``PresenterWindow`` only builds and wires its panels; the session itself
lives in :class:`PresentationController`, screen placement in
:class:`ScreenManager`. The audience window is handed stage states only.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.app.group.stage_state import Blank, StageState, Step
from peerscenarios.ui.present.audience import AudienceWindow
from peerscenarios.ui.present.controller import PresentationController
from peerscenarios.ui.present.dialogs import CheatSheet, LeaveDialog
from peerscenarios.ui.present.key_handler import PresenterKeys
from peerscenarios.ui.present.panels.aspect_box import AspectBox
from peerscenarios.ui.present.panels.audience_settings import AudienceSettings
from peerscenarios.ui.present.panels.decision import DecisionPanel
from peerscenarios.ui.present.panels.end import EndPanel
from peerscenarios.ui.present.panels.guide import GuidePanel
from peerscenarios.ui.present.panels.notes import SessionNotesPanel
from peerscenarios.ui.present.panels.screen_prompt import ScreenPrompt
from peerscenarios.ui.present.panels.timer import TimerPanel
from peerscenarios.ui.present.phones_panel import PhonesPanel
from peerscenarios.ui.present.screens import Placement, PresentSettings, ScreenManager
from peerscenarios.ui.present.stage import StageWidget
from peerscenarios.ui.present.theme import Theme
from peerscenarios.ui.widgets.common import comfortable_targets, read_in_order


class PresenterWindow(QMainWindow):
    """The facilitator's window; also handles the clicker and keyboard for both windows."""

    left = Signal()

    def __init__(self, controller: PresentationController, audience: AudienceWindow,
                 screens: ScreenManager, settings: PresentSettings,
                 parent: QWidget | None = None) -> None:
        # A main window, so screen readers announce it as a frame (a plain QWidget
        # top-level reads as a "filler").
        super().__init__(parent, Qt.WindowType.Window)
        self.controller = controller
        self.audience = audience
        self.screens = screens
        self.settings = settings
        self._leaving = False
        self._cheat_sheet: CheatSheet | None = None
        # Qt adds the application's name to the title itself.
        self.setWindowTitle(f"Presenting: {controller.scenario.title}")
        self._build()
        self._connect_signals()
        # The clicker and keyboard for both windows.
        self.keys = PresenterKeys(self)

    # ---------------------------------------------------------------- build

    def _build(self) -> None:
        self.back_button = QPushButton("◀ Back", self)
        self.back_button.setToolTip("Previous step (Page Up, ←)")
        self.next_button = QPushButton("Next ▶", self)
        self.next_button.setToolTip("Next step (Page Down, →, Space)")
        self.next_button.setDefault(True)
        self.step_label = QLabel(self)
        self.step_label.setTextFormat(Qt.TextFormat.RichText)
        self.black_button = QPushButton("Black (B)", self)
        self.black_button.setCheckable(True)
        self.white_button = QPushButton("White (W)", self)
        self.white_button.setCheckable(True)
        self.here_button = QPushButton("Show audience view (S)", self)
        self.here_button.setToolTip("With one screen: switch this screen to the audience view "
                                    "and back (S, or Esc to come back)")
        self.keys_button = QPushButton("Keys (?)", self)
        self.end_button = QPushButton("End session…", self)
        top = QHBoxLayout()
        for w in (self.back_button, self.next_button):
            top.addWidget(w)
        top.addWidget(self.step_label, 1)
        for w in (self.black_button, self.white_button, self.here_button, self.keys_button,
                  self.end_button):
            top.addWidget(w)

        self.prompt = ScreenPrompt(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleDescription("Status")
        self.status.hide()

        self.preview = StageWidget()  # the room's own renderer: the preview cannot differ
        self.preview.setAccessibleName("What the audience sees")
        self.preview_box = AspectBox(self.preview)
        self.preview_caption = QLabel(self)
        self.next_label = QLabel(self)
        self.next_label.setWordWrap(True)
        self.audience_settings = AudienceSettings(self.screens, self.settings.theme)
        # Kept as attributes: the presenter and its tests reach the two choosers directly.
        self.screen_combo = self.audience_settings.screen_combo
        self.theme_combo = self.audience_settings.theme_combo
        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.preview_caption)
        lv.addWidget(self.preview_box, 3)
        lv.addWidget(self.next_label)
        lv.addWidget(self.audience_settings)
        self.session_notes = SessionNotesPanel(left)
        lv.addWidget(self.session_notes)

        self.guide = GuidePanel()
        self.decision = DecisionPanel()
        self.timer_panel = TimerPanel(self.controller.timer.duration)
        # Phones as clickers: the panel owns the phone session and adds phone votes to the tally.
        self.phones = PhonesPanel(self.controller, self.audience)
        self.end_panel = EndPanel()
        self.end_panel.hide()
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.end_panel)
        rv.addWidget(self.guide)
        rv.addWidget(self.decision)
        rv.addWidget(self.phones)
        rv.addWidget(self.timer_panel)
        rv.addStretch(1)
        # Named panels_area, never scroll: that would hide QWidget.scroll().
        self.panels_area = QScrollArea(self)
        self.panels_area.setWidget(right)
        self.panels_area.setWidgetResizable(True)
        self.panels_area.setFrameShape(QFrame.Shape.NoFrame)
        # The area is no tab stop of its own (it had no name); its panels are.
        self.panels_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panels_area)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)  # neither side can be dragged shut
        read_in_order(self.splitter)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.prompt)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        comfortable_targets(self)
        self.resize(1280, 720)

    def _connect_signals(self) -> None:
        c = self.controller
        c.stage_changed.connect(self.on_controller_stage_changed)
        c.timer_changed.connect(self.on_controller_timer_changed)
        c.blank_changed.connect(self.on_controller_blank_changed)
        c.votes_changed.connect(self.on_controller_votes_changed)
        c.record_failed.connect(self.on_controller_record_failed)
        c.session_finished.connect(self.on_controller_session_finished)
        self.back_button.clicked.connect(self.on_back_button_clicked)
        self.next_button.clicked.connect(self.on_next_button_clicked)
        self.black_button.clicked.connect(self.on_black_button_clicked)
        self.white_button.clicked.connect(self.on_white_button_clicked)
        self.here_button.clicked.connect(self.on_here_button_clicked)
        self.keys_button.clicked.connect(self.on_keys_button_clicked)
        self.end_button.clicked.connect(self.on_end_button_clicked)
        self.decision.vote_edited.connect(self.on_decision_vote_edited)
        self.decision.path_picked.connect(self.on_decision_path_picked)
        self.decision.reveal_all_toggled.connect(self.on_decision_reveal_all_toggled)
        self.timer_panel.start_pause_clicked.connect(self.on_timer_panel_start_pause_clicked)
        self.timer_panel.reset_clicked.connect(self.on_timer_panel_reset_clicked)
        self.timer_panel.duration_changed.connect(self.on_timer_panel_duration_changed)
        self.timer_panel.shown_toggled.connect(self.on_timer_panel_shown_toggled)
        self.session_notes.notes_edited.connect(self.on_session_notes_notes_edited)
        self.end_panel.export_requested.connect(self.on_end_panel_export_requested)
        self.end_panel.close_requested.connect(self.on_end_panel_close_requested)
        self.end_panel.upload_requested.connect(self.on_end_panel_upload_requested)
        self.prompt.move_accepted.connect(self.on_prompt_move_accepted)
        self.audience_settings.screen_chosen.connect(self.on_audience_settings_screen_chosen)
        self.audience_settings.theme_chosen.connect(self.on_audience_settings_theme_chosen)
        self.screens.placement_changed.connect(self.on_screens_placement_changed)
        self.screens.screen_offered.connect(self.on_screens_screen_offered)
        self.screens.screen_lost.connect(self.on_screens_screen_lost)
        self.audience.close_requested.connect(self.on_audience_close_requested)
        c.notes_saved.connect(self.on_controller_notes_saved)

    # --------------------------------------------------------------- start

    def begin(self) -> None:
        """Show the first step in both views and put the audience view on its screen."""
        theme = self.settings.theme
        self.preview.set_theme(theme)
        self.audience.set_theme(theme)
        # Not remembered: only a screen the facilitator picks is kept for next time.
        self.screens.choose(self.screens.initial_screen(), remember=False)
        self._refresh_screens()
        self.on_controller_stage_changed(self.controller.stage_state())
        self.on_controller_timer_changed(self.controller.timer_view())
        if self.controller.last_error:
            self._say(self.controller.last_error)

    # ----------------------------------------------------------- rendering

    @Slot(object)
    def on_controller_stage_changed(self, state: StageState) -> None:
        self.preview.show_state(state)
        self.audience.show_state(state)
        self.audience.prepare(self.controller.upcoming_states())  # while the room reads
        self._refresh_controls()

    def _refresh_controls(self) -> None:
        flow = self.controller.flow
        entry = flow.current
        progress = f"Decision {entry.decision_number} · " if entry.visit else ""
        self.step_label.setText(f"<b>{html.escape(progress + entry.step.label)}</b>")
        self.back_button.setEnabled(flow.can_go_back)
        blocker = flow.forward_blocker()
        self.next_button.setEnabled(blocker is None)
        self.next_label.setText(flow.next_preview())
        self.guide.show_node(entry.node)
        if entry.visit is not None:
            self.decision.show_decision(entry.node, entry.visit, entry.step, flow.votes_open)
            self.decision.show()
        else:
            self.decision.hide()
        ended_early = self.controller.finished and not flow.finished  # left before an ending
        self.end_panel.setVisible(self.controller.finished
                                  and (entry.step is Step.ENDING or ended_early))
        if self.end_panel.isVisible():
            self.end_panel.show_summary(self.controller.session.summary())
        self._refresh_caption()

    def _refresh_caption(self) -> None:
        blank = self.controller.blank
        where = {
            Placement.PROJECTOR: "on the projector",
            Placement.SAME_SCREEN: ("on this screen now" if self.screens.showing_here
                                    else "hidden (one screen: press S to show it)"),
            Placement.WINDOW: "in a window on this screen",
        }[self.screens.placement]
        extra = {Blank.NONE: "", Blank.BLACK: " · blacked out (B or . to show)",
                 Blank.WHITE: " · whited out (W or , to show)"}[blank]
        self.preview_caption.setText(f"<b>Audience view</b>, {where}{extra}")
        self.black_button.setChecked(blank is Blank.BLACK)
        self.white_button.setChecked(blank is Blank.WHITE)
        self.here_button.setEnabled(self.screens.can_toggle)
        self.here_button.setText("Back to presenter (S)" if self.screens.showing_here
                                 else "Show audience view (S)")

    @Slot(object)
    def on_controller_timer_changed(self, _view: object) -> None:
        c = self.controller
        view = c.timer_view()
        self.preview.set_timer(view)
        self.audience.set_timer(view)
        self.timer_panel.show_timer(c.timer.text, c.timer.running, c.timer.expired,
                                    c.timer_shown)

    @Slot(object)
    def on_controller_blank_changed(self, blank: Blank) -> None:
        self.preview.set_blank(blank)
        self.audience.set_blank(blank)
        self._refresh_caption()

    @Slot()
    def on_controller_votes_changed(self) -> None:
        self._refresh_controls()
        # The tally and feedback to come depend on the votes: render them ahead again.
        self.audience.prepare(self.controller.upcoming_states())

    @Slot(str)
    def on_controller_record_failed(self, message: str) -> None:
        self._say(message)

    @Slot(int)
    def on_controller_session_finished(self, _session_id: int) -> None:
        self.session_notes.status.setText("Saved.")
        self._refresh_controls()

    def _say(self, message: str) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))

    # ------------------------------------------------------------- actions

    def go_forward(self) -> None:
        """Next step, or say why not."""
        blocker = self.controller.forward()
        self._say(blocker or "")

    def go_back(self) -> None:
        """Previous step."""
        self.controller.back()
        self._say("")

    @Slot()
    def on_back_button_clicked(self) -> None:
        self.go_back()

    @Slot()
    def on_next_button_clicked(self) -> None:
        self.go_forward()

    @Slot()
    def on_black_button_clicked(self) -> None:
        self.controller.toggle_blank(Blank.BLACK)

    @Slot()
    def on_white_button_clicked(self) -> None:
        self.controller.toggle_blank(Blank.WHITE)

    @Slot()
    def on_here_button_clicked(self) -> None:
        self.toggle_audience_here()

    def toggle_audience_here(self) -> None:
        """One screen: switch between this view and the full-screen audience view."""
        if not self.screens.toggle_here():
            self.activateWindow()
            self.raise_()

    @Slot()
    def on_keys_button_clicked(self) -> None:
        self.show_cheat_sheet()

    def show_cheat_sheet(self) -> CheatSheet:
        """Open (or bring forward) the list of keys; it does not block the session.

        With one screen showing the audience view, the presenter view comes back
        first: the facilitator's keys are never drawn over the projected step.
        """
        if self.screens.showing_here:
            self.toggle_audience_here()
        if self._cheat_sheet is None:
            self._cheat_sheet = CheatSheet(self)
        self._cheat_sheet.show()
        self._cheat_sheet.raise_()
        return self._cheat_sheet

    @Slot()
    def on_end_button_clicked(self) -> None:
        self.request_leave()

    def request_leave(self) -> bool:
        """Ask, then end the session; True if it ended (or closed, once already ended).

        Ending early works like reaching the ending: the record is closed and
        the session summary with its export buttons is shown; Close leaves.
        """
        if not LeaveDialog.ask(self, self.controller.finished):
            return False
        if self.controller.finished:
            self._leave()
            return True
        self.phones.shut_down()  # phones are told the session ended; the port closes
        self.controller.flush_notes()
        self.controller.leave()
        if self.screens.showing_here:
            self.toggle_audience_here()  # the end panel is on this view
        self._refresh_controls()
        self.end_panel.pdf.setFocus(Qt.FocusReason.OtherFocusReason)  # exporting comes next
        return True

    def _leave(self) -> None:
        if self._leaving:
            return
        self._leaving = True
        self.phones.shut_down()  # phones are told the session ended; the port closes
        self.controller.flush_notes()
        self.controller.leave()
        self.keys.detach()  # an application-wide filter must not outlive the session
        self.audience.dispose()
        if self._cheat_sheet is not None:
            self._cheat_sheet.close()
        self.close()
        self.left.emit()
        if self.parent() is not None:
            # Opened from the library window: free the session's windows now, not at exit.
            self.deleteLater()

    @Slot(int, int)
    def on_decision_vote_edited(self, index: int, count: int) -> None:
        self.controller.set_votes(index, count)

    @Slot(object)
    def on_decision_path_picked(self, choice_id: object) -> None:
        self.controller.set_path(choice_id if isinstance(choice_id, str) else None)

    @Slot(bool)
    def on_decision_reveal_all_toggled(self, checked: bool) -> None:
        self.controller.set_reveal_all(checked)

    @Slot()
    def on_timer_panel_start_pause_clicked(self) -> None:
        self.controller.timer.toggle()

    @Slot()
    def on_timer_panel_reset_clicked(self) -> None:
        self.controller.timer.reset()

    @Slot(int)
    def on_timer_panel_duration_changed(self, seconds: int) -> None:
        self.controller.timer.set_duration(seconds)
        self.settings.timer_seconds = seconds  # the next session starts with it

    @Slot(bool)
    def on_timer_panel_shown_toggled(self, shown: bool) -> None:
        self.controller.set_timer_shown(shown)

    @Slot(str)
    def on_session_notes_notes_edited(self, text: str) -> None:
        self.controller.set_notes(text)

    @Slot()
    def on_controller_notes_saved(self) -> None:
        self.session_notes.status.setText("Saved.")

    @Slot(str)
    def on_end_panel_export_requested(self, fmt: str) -> None:
        self.export_record(fmt)

    def export_record(self, fmt: str) -> Path | None:
        """Ask where, then write the session record as PDF or CSV; returns the file written."""
        self.controller.flush_notes()
        return self.end_panel.export(self.controller, fmt)

    @Slot()
    def on_end_panel_upload_requested(self) -> None:
        self.controller.flush_notes()
        self.end_panel.upload(self.controller)

    @Slot()
    def on_end_panel_close_requested(self) -> None:
        self._leave()

    # -------------------------------------------------------------- screens

    def _refresh_screens(self) -> None:
        self.audience_settings.refresh()

    @Slot()
    def on_audience_settings_screen_chosen(self) -> None:
        self.activateWindow()  # showing the audience view took the focus from here

    @Slot(object)
    def on_audience_settings_theme_chosen(self, theme: Theme) -> None:
        self.settings.theme = theme
        self.preview.set_theme(theme)
        self.audience.set_theme(theme)

    @Slot()
    def on_screens_placement_changed(self) -> None:
        self._refresh_screens()
        self._refresh_caption()

    @Slot(object)
    def on_screens_screen_offered(self, screen: object) -> None:
        self.prompt.offer(screen)

    @Slot(str)
    def on_screens_screen_lost(self, message: str) -> None:
        self.prompt.hide()
        self._say(message)

    @Slot(object)
    def on_prompt_move_accepted(self, screen: object) -> None:
        self.screens.choose(screen)
        self._say("")

    @Slot()
    def on_audience_close_requested(self) -> None:
        if self.screens.showing_here:
            self.toggle_audience_here()
        self.activateWindow()

    # -------------------------------------------------------------- closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._leaving:
            event.accept()
            return
        if LeaveDialog.ask(self, self.controller.finished):
            event.ignore()  # _leave() closes the window itself, once all is wound up
            self._leave()
        else:
            event.ignore()
