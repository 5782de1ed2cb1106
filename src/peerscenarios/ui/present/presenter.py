"""The presenter view on the laptop: the step small, notes, timer, votes, reveal, and the keys.

``PresenterWindow`` only builds and wires its panels; the session itself
lives in :class:`PresentationController`, screen placement in
:class:`ScreenManager`. The audience window is handed stage states only.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.app.group.stage_state import Blank, StageState, Step
from peerscenarios.core.library import Library
from peerscenarios.core.reporting import letter
from peerscenarios.errors import PeerScenariosError
from peerscenarios.ui.present.audience import AudienceWindow
from peerscenarios.ui.present.controller import PresentationController
from peerscenarios.ui.present.dialogs import CheatSheet, ExportPathDialog, LeaveDialog
from peerscenarios.ui.present.keys import Action, lookup, vote_index
from peerscenarios.ui.present.panels.aspect_box import AspectBox
from peerscenarios.ui.present.panels.decision import DecisionPanel
from peerscenarios.ui.present.panels.end import EndPanel
from peerscenarios.ui.present.panels.guide import GuidePanel
from peerscenarios.ui.present.panels.notes import SessionNotesPanel
from peerscenarios.ui.present.panels.screen_prompt import ScreenPrompt
from peerscenarios.ui.present.panels.timer import TimerPanel
from peerscenarios.ui.present.phones_panel import PhonesPanel
from peerscenarios.ui.present.screens import Placement, PresentSettings, ScreenManager, screen_name
from peerscenarios.ui.present.stage import StageWidget
from peerscenarios.ui.present.theme import Theme


class PresenterWindow(QWidget):
    """The facilitator's window; also handles the clicker and keyboard for both windows."""

    left = Signal()

    def __init__(self, controller: PresentationController, audience: AudienceWindow,
                 screens: ScreenManager, settings: PresentSettings,
                 parent: QWidget | None = None) -> None:
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
        c = controller
        self._actions = {
            Action.NEXT: self.go_forward,
            Action.BACK: self.go_back,
            Action.BLACK: lambda: c.toggle_blank(Blank.BLACK),
            Action.WHITE: lambda: c.toggle_blank(Blank.WHITE),
            Action.TIMER: c.timer.toggle,
            Action.TIMER_RESET: c.timer.reset,
            Action.TIMER_SHOWN: lambda: c.set_timer_shown(not c.timer_shown),
            Action.SWITCH_VIEW: self.toggle_audience_here,
            Action.KEYS: self.show_cheat_sheet,
        }
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

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
        self.status.setAccessibleName("Status")
        self.status.hide()

        self.preview = StageWidget()
        self.preview.setAccessibleName("What the audience sees")
        self.preview_box = AspectBox(self.preview)
        self.preview_caption = QLabel(self)
        self.next_label = QLabel(self)
        self.next_label.setWordWrap(True)
        self.screen_combo = QComboBox(self)
        self.screen_combo.setAccessibleName("Screen for the audience view")
        self.theme_combo = QComboBox(self)
        self.theme_combo.setAccessibleName("Audience view colours")
        for theme in Theme:
            self.theme_combo.addItem(theme.label, theme.value)
        self.theme_combo.setCurrentIndex(list(Theme).index(self.settings.theme))
        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.preview_caption)
        lv.addWidget(self.preview_box, 3)
        lv.addWidget(self.next_label)
        form = QGridLayout()
        form.addWidget(QLabel("Audience screen:", left), 0, 0)
        form.addWidget(self.screen_combo, 0, 1)
        form.addWidget(QLabel("Colours:", left), 1, 0)
        form.addWidget(self.theme_combo, 1, 1)
        form.setColumnStretch(1, 1)
        lv.addLayout(form)
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
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(right)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.scroll)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.prompt)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)
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
        self.prompt.move_accepted.connect(self.on_prompt_move_accepted)
        self.screen_combo.activated.connect(self.on_screen_combo_activated)
        self.theme_combo.activated.connect(self.on_theme_combo_activated)
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
        self.audience.prepare(self.controller.upcoming_states())
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
        ended_early = self.controller.finished and not self.controller.flow.finished
        self.end_panel.setVisible(self.controller.finished
                                  and (entry.step is Step.ENDING or ended_early))
        if self.end_panel.isVisible():
            self.end_panel.show_summary(self._summary_text(ended_early))
        self._refresh_caption()

    def _summary_text(self, ended_early: bool) -> str:
        flow = self.controller.flow
        visits = flow.locked_visits()
        said = ("The session was ended early and is saved." if ended_early
                else "The session is finished and saved.")
        if not visits:
            return f"{said} No decision was recorded."
        path = " → ".join(f"{i}{letter(v.choice_ids.index(v.chosen))}"
                          for i, v in enumerate(visits, 1) if v.chosen is not None)
        count = len(visits)
        return (f"{said} {count} decision{'s' if count != 1 else ''} recorded; the group's "
                f"path: {path}. It is listed in History under group sessions.")

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
            self.toggle_audience_here()
        self._refresh_controls()
        self.end_panel.pdf.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _leave(self) -> None:
        if self._leaving:
            return
        self._leaving = True
        self.phones.shut_down()  # phones are told the session ended; the port closes
        self.controller.flush_notes()
        self.controller.leave()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
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
        self.settings.timer_seconds = seconds

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
        c = self.controller
        if c.session_id is None:
            self.end_panel.result.setText("This session could not be saved, so there is "
                                          "nothing to export.")
            return None
        try:
            from peerscenarios.app.exports import export_group_session
        except ImportError:
            self.end_panel.result.setText("Exporting is not available in this copy.")
            return None
        stamp = c.scenario.id
        path = ExportPathDialog.ask(self, fmt, f"group-session-{stamp}-{c.session_id}.{fmt}")
        if path is None:
            return None
        c.flush_notes()
        try:
            written = export_group_session(c.storage, Library(scenarios=(c.scenario,)),
                                           c.session_id, fmt, path)
        except PeerScenariosError as exc:
            self.end_panel.result.setText(f"Not exported: {exc.message} {exc.hint}".strip())
            return None
        self.end_panel.result.setText(f"Saved {written}")
        return Path(written)

    @Slot()
    def on_end_panel_close_requested(self) -> None:
        self._leave()

    # -------------------------------------------------------------- screens

    def _refresh_screens(self) -> None:
        self.screen_combo.blockSignals(True)
        self.screen_combo.clear()
        laptop = self.screens.laptop()
        current = self.screens.chosen
        for s in self.screens.screens():
            label = screen_name(s) + ("  (this screen)" if s is laptop else "")
            self.screen_combo.addItem(label)
            if s is current:
                self.screen_combo.setCurrentIndex(self.screen_combo.count() - 1)
        self.screen_combo.blockSignals(False)

    @Slot(int)
    def on_screen_combo_activated(self, index: int) -> None:
        screens = self.screens.screens()
        if 0 <= index < len(screens):
            self.screens.choose(screens[index])
            self.activateWindow()

    @Slot(int)
    def on_theme_combo_activated(self, index: int) -> None:
        theme = Theme(self.theme_combo.itemData(index))
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

    # ----------------------------------------------------------------- keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        window = watched.window()
        if window is not self and window is not self.audience:
            return False
        assert isinstance(event, QKeyEvent)
        return self.handle_key(event, watched)

    def handle_key(self, event: QKeyEvent, target: QWidget | None = None) -> bool:
        """Act on a presenter key (see :data:`keys.KEYMAP`); False if it is not one."""
        key = int(event.key())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        typing = isinstance(target, QAbstractSpinBox | QLineEdit | QPlainTextEdit | QTextEdit)
        if not typing and event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                               | Qt.KeyboardModifier.AltModifier
                                               | Qt.KeyboardModifier.MetaModifier):
            return False
        flow = self.controller.flow
        index = None if typing else vote_index(key)
        visit = flow.current.visit
        if (index is not None and flow.votes_open and visit is not None
                and index < len(visit.choice_ids)):
            # While votes are open a letter counts a hand, B included (. still blacks out).
            self.controller.bump_votes(index, -1 if shift else 1)
            return True
        action = lookup(key, shift, typing=typing)
        if action is None:
            return False
        if action is Action.ESCAPE:
            if self.screens.showing_here:
                self.toggle_audience_here()
            elif typing:
                self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            else:
                self.request_leave()
            return True
        if action is Action.REVEAL:
            if visit is not None:
                self.controller.set_reveal_all(not visit.revealed_all)
            return True
        self._actions[action]()
        return True

    # -------------------------------------------------------------- closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._leaving:
            event.accept()
            return
        if LeaveDialog.ask(self, self.controller.finished):
            event.ignore()
            self._leave()
        else:
            event.ignore()
