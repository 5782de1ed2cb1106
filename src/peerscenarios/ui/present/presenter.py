"""The presenter view on the laptop: the step small, notes, timer, votes, reveal, and the keys.

``PresenterWindow`` only builds and wires its panels; the session itself
lives in :class:`PresentationController`, screen placement in
:class:`ScreenManager`. The audience window is handed stage states only.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.app.group.flow import Visit, letter
from peerscenarios.app.group.stage_state import Blank, StageState, Step
from peerscenarios.core.library import Library
from peerscenarios.core.markup import to_html, to_plain
from peerscenarios.core.model import Node
from peerscenarios.core.taxonomy import ROLE_INFO
from peerscenarios.errors import PeerScenariosError
from peerscenarios.ui.present.audience import AudienceWindow
from peerscenarios.ui.present.controller import PresentationController, format_seconds
from peerscenarios.ui.present.dialogs import CheatSheet, ExportPathDialog, LeaveDialog
from peerscenarios.ui.present.screens import (
    Placement,
    PresentSettings,
    ScreenManager,
    screen_name,
)
from peerscenarios.ui.present.stage import StageWidget
from peerscenarios.ui.present.theme import Theme

VOTE_KEYS = 9  # letters A-I count votes; the other letters stay free for commands


class AspectBox(QWidget):
    """Keeps one child at 16:9, centred, whatever the box's size (the small stage)."""

    def __init__(self, child: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.child = child
        child.setParent(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(480, 270)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 135)

    def resizeEvent(self, event: QResizeEvent) -> None:
        w, h = self.width(), self.height()
        cw = min(w, h * 16 // 9)
        ch = cw * 9 // 16
        self.child.setGeometry((w - cw) // 2, (h - ch) // 2, cw, ch)


class DurationSpin(QSpinBox):
    """Seconds shown and typed as m:ss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(10, 60 * 60)
        self.setSingleStep(30)
        self.setAccessibleName("Timer length")

    def textFromValue(self, value: int) -> str:
        return format_seconds(value)

    def valueFromText(self, text: str) -> int:
        parts = text.strip().split(":")
        try:
            if len(parts) == 2:
                return int(parts[0] or 0) * 60 + int(parts[1] or 0)
            return int(parts[0]) * 60
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        from PySide6.QtGui import QValidator

        ok = all(ch.isdigit() or ch == ":" for ch in text) and text.count(":") <= 1
        return (QValidator.State.Acceptable if ok else QValidator.State.Invalid, text, pos)


class GuidePanel(QGroupBox):
    """The facilitator's notes and discussion questions for the node (never on the projector)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Facilitator notes", parent)
        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)

    def show_node(self, node: Node) -> None:
        parts: list[str] = []
        if node.content_warnings:
            parts.append("<p><b>Content warning:</b> "
                         + html.escape(", ".join(node.content_warnings)) + "</p>")
        notes = node.facilitator.notes
        parts.append(to_html(notes) if notes else "<p><i>No notes for this step.</i></p>")
        if node.facilitator.discuss:
            items = "".join(f"<li>{html.escape(q)}</li>" for q in node.facilitator.discuss)
            parts.append(f"<p><b>Discussion questions</b></p><ul>{items}</ul>")
        self.text.setText("".join(parts))


class DecisionPanel(QGroupBox):
    """Vote counts per choice, the path the group follows, and revealing all feedback."""

    vote_edited = Signal(int, int)
    path_picked = Signal(object)
    reveal_all_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Vote", parent)
        self._visit: Visit | None = None
        self.rows: list[tuple[QLabel, QSpinBox]] = []
        self.grid = QGridLayout()
        self.total = QLabel(self)
        self.path = QComboBox(self)
        self.path.setAccessibleName("Path the group follows")
        self.reveal_all = QCheckBox("Reveal feedback for every response (R)", self)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid)
        layout.addWidget(self.total)
        row = QHBoxLayout()
        row.addWidget(QLabel("The group follows:", self))
        row.addWidget(self.path, 1)
        layout.addLayout(row)
        layout.addWidget(self.reveal_all)
        layout.addWidget(self.hint)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.path.activated.connect(self.on_path_activated)
        self.reveal_all.toggled.connect(self.on_reveal_all_toggled)

    def show_decision(self, node: Node, visit: Visit, step: Step, editable: bool) -> None:
        if visit is not self._visit:
            self._build(node, visit)
        for (_, spin), count in zip(self.rows, visit.votes, strict=True):
            spin.blockSignals(True)
            spin.setValue(count)
            spin.blockSignals(False)
            spin.setEnabled(editable)
        total = sum(visit.votes)
        self.total.setText(f"Total: {total} hand{'s' if total != 1 else ''}")
        self.path.blockSignals(True)
        self.path.clear()
        majority = visit.majority
        if majority is not None:
            first = f"Majority: {letter(visit.choice_ids.index(majority))}"
        elif max(visit.votes) == 0:
            first = "Majority (no votes yet): pick one"
        else:
            tied = ", ".join(letter(visit.choice_ids.index(c)) for c in visit.leaders)
            first = f"Tied ({tied}): pick one"
        self.path.addItem(first, None)
        for i, c in enumerate(node.choices):
            self.path.addItem(f"{letter(i)}: {_short(c.text, 50)}", c.id)
        self.path.setCurrentIndex(0 if visit.override is None
                                  else 1 + visit.choice_ids.index(visit.override))
        self.path.setEnabled(editable)
        self.path.blockSignals(False)
        self.reveal_all.blockSignals(True)
        self.reveal_all.setChecked(visit.revealed_all)
        self.reveal_all.setEnabled(step is Step.FEEDBACK and not visit.locked)
        self.reveal_all.blockSignals(False)
        if visit.locked:
            self.hint.setText("The group has moved on; this vote is saved.")
        elif step is Step.SITUATION:
            self.hint.setText("Votes open when the choices are on screen.")
        elif editable:
            self.hint.setText("Letter keys add a hand, Shift+letter takes one away, "
                              "or type the count.")
        else:
            self.hint.setText("Go back to the tally to change the vote.")

    def _build(self, node: Node, visit: Visit) -> None:
        self._visit = visit
        for label, spin in self.rows:
            self.grid.removeWidget(label)
            self.grid.removeWidget(spin)
            label.deleteLater()
            spin.deleteLater()
        self.rows = []
        for i, c in enumerate(node.choices):
            info = ROLE_INFO[c.role]
            label = QLabel(f"<b>{letter(i)}</b> {html.escape(_short(c.text, 70))}<br>"
                           f"<small>{html.escape(info.symbol)} {html.escape(info.label)}</small>",
                           self)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setToolTip(to_plain(c.text))
            spin = QSpinBox(self)
            spin.setRange(0, 999)
            spin.setAccessibleName(f"Votes for {letter(i)}")
            spin.valueChanged.connect(lambda value, index=i: self.vote_edited.emit(index, value))
            label.setBuddy(spin)
            self.grid.addWidget(label, i, 0)
            self.grid.addWidget(spin, i, 1)
            self.rows.append((label, spin))
        self.grid.setColumnStretch(0, 1)

    @Slot(int)
    def on_path_activated(self, index: int) -> None:
        self.path_picked.emit(self.path.itemData(index))

    @Slot(bool)
    def on_reveal_all_toggled(self, checked: bool) -> None:
        self.reveal_all_toggled.emit(checked)


class TimerPanel(QGroupBox):
    """The discussion countdown: start, pause, reset, length, and whether the room sees it."""

    start_pause_clicked = Signal()
    reset_clicked = Signal()
    duration_changed = Signal(int)
    shown_toggled = Signal(bool)

    def __init__(self, seconds: int, parent: QWidget | None = None) -> None:
        super().__init__("Discussion timer", parent)
        self.display = QLabel(format_seconds(seconds), self)
        font = self.display.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        self.display.setFont(font)
        self.display.setAccessibleName("Time left")
        self.start_pause = QPushButton("Start (T)", self)
        self.reset = QPushButton("Reset", self)
        self.length = DurationSpin(self)
        self.length.setValue(seconds)
        self.shown = QCheckBox("Show on the audience screen (V)", self)
        layout = QGridLayout(self)
        layout.addWidget(self.display, 0, 0, 1, 2)
        layout.addWidget(self.length, 0, 2)
        layout.addWidget(self.start_pause, 1, 0)
        layout.addWidget(self.reset, 1, 1)
        layout.addWidget(self.shown, 2, 0, 1, 3)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.start_pause.clicked.connect(self.start_pause_clicked)
        self.reset.clicked.connect(self.reset_clicked)
        self.length.valueChanged.connect(self.duration_changed)
        self.shown.toggled.connect(self.shown_toggled)

    def show_timer(self, text: str, running: bool, expired: bool, shown: bool) -> None:
        self.display.setText(text + ("  time is up" if expired else ""))
        self.start_pause.setText("Pause (T)" if running else "Start (T)")
        self.shown.blockSignals(True)
        self.shown.setChecked(shown)
        self.shown.blockSignals(False)


class SessionNotesPanel(QGroupBox):
    """Notes the facilitator types during the session; saved with the group record."""

    notes_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Session notes (saved with the record)", parent)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName("Session notes")
        self.editor.setPlaceholderText("What came up in the discussion… "
                                       "(no names: the record is about the group)")
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(70)
        self.editor.setMaximumHeight(160)
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addWidget(self.status)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.editor.textChanged.connect(self.on_editor_text_changed)

    @Slot()
    def on_editor_text_changed(self) -> None:
        self.status.setText("Saving…")
        self.notes_edited.emit(self.editor.toPlainText())


class EndPanel(QGroupBox):
    """Shown at the ending: the record is saved; export it for the class's records."""

    export_requested = Signal(str)
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Session record", parent)
        self.text = QLabel("The session is finished and saved. It is listed in History "
                           "under group sessions.", self)
        self.text.setWordWrap(True)
        self.pdf = QPushButton("Export PDF…", self)
        self.csv = QPushButton("Export CSV…", self)
        self.close_button = QPushButton("Close facilitator mode", self)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(self.pdf)
        row.addWidget(self.csv)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.pdf.clicked.connect(self.on_pdf_clicked)
        self.csv.clicked.connect(self.on_csv_clicked)
        self.close_button.clicked.connect(self.close_requested)

    @Slot()
    def on_pdf_clicked(self) -> None:
        self.export_requested.emit("pdf")

    @Slot()
    def on_csv_clicked(self) -> None:
        self.export_requested.emit("csv")


class ScreenPrompt(QFrame):
    """A non-modal offer, inside the presenter view, to move the audience view to a new screen."""

    move_accepted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.screen: object | None = None
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.move_button = QPushButton("Move the audience view there", self)
        self.dismiss = QPushButton("Not now", self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.move_button)
        layout.addWidget(self.dismiss)
        self.hide()
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.move_button.clicked.connect(self.on_move_button_clicked)
        self.dismiss.clicked.connect(self.hide)

    def offer(self, screen: object) -> None:
        self.screen = screen
        self.text.setText(f"A screen was connected: {html.escape(screen_name(screen))}. "
                          "Show the audience view on it?")
        self.show()

    @Slot()
    def on_move_button_clicked(self) -> None:
        screen = self.screen
        self.hide()
        if screen is not None:
            self.move_accepted.emit(screen)


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
        self.setWindowTitle(f"Presenting: {controller.scenario.title} — PeerScenarios")
        self._build()
        self._connect_signals()
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]

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
        self.end_panel = EndPanel()
        self.end_panel.hide()
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.end_panel)
        rv.addWidget(self.guide)
        rv.addWidget(self.decision)
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
        self.step_label.setText(f"<b>{html.escape(progress + entry.step.label)}</b>"
                                f" &nbsp; <span>node “{html.escape(entry.node.id)}”</span>")
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
        self.end_panel.setVisible(self.controller.finished and entry.step is Step.ENDING)
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
        """Open (or bring forward) the list of keys; it does not block the session."""
        if self._cheat_sheet is None:
            self._cheat_sheet = CheatSheet(self)
        self._cheat_sheet.show()
        self._cheat_sheet.raise_()
        return self._cheat_sheet

    @Slot()
    def on_end_button_clicked(self) -> None:
        self.request_leave()

    def request_leave(self) -> bool:
        """Ask, then end the session and close both windows. True if it left."""
        if not LeaveDialog.ask(self, self.controller.finished):
            return False
        self._leave()
        return True

    def _leave(self) -> None:
        if self._leaving:
            return
        self._leaving = True
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
        """Act on a presenter key; False if the key is not one (it then goes to the widget)."""
        key = event.key()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        typing = isinstance(target, QAbstractSpinBox | QLineEdit | QPlainTextEdit | QTextEdit)
        if key == Qt.Key.Key_PageDown:
            self.go_forward()
            return True
        if key == Qt.Key.Key_PageUp:
            self.go_back()
            return True
        if key == Qt.Key.Key_Escape:
            if self.screens.showing_here:
                self.toggle_audience_here()
            elif typing:
                self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            else:
                self.request_leave()
            return True
        if typing:
            return False
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                | Qt.KeyboardModifier.AltModifier
                                | Qt.KeyboardModifier.MetaModifier):
            return False
        flow = self.controller.flow
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Space):
            self.go_forward()
            return True
        if key == Qt.Key.Key_Left:
            self.go_back()
            return True
        if key in (Qt.Key.Key_Question, Qt.Key.Key_F1) or (key == Qt.Key.Key_Slash and shift):
            self.show_cheat_sheet()
            return True
        if Qt.Key.Key_A.value <= _key_value(key) <= Qt.Key.Key_Z.value:
            index = _key_value(key) - Qt.Key.Key_A.value
            visit = flow.current.visit
            if (flow.votes_open and visit is not None
                    and index < min(VOTE_KEYS, len(visit.choice_ids))):
                self.controller.bump_votes(index, -1 if shift else 1)
                return True
        if key in (Qt.Key.Key_B, Qt.Key.Key_Period):
            self.controller.toggle_blank(Blank.BLACK)
            return True
        if key in (Qt.Key.Key_W, Qt.Key.Key_Comma):
            self.controller.toggle_blank(Blank.WHITE)
            return True
        if key == Qt.Key.Key_T:
            if shift:
                self.controller.timer.reset()
            else:
                self.controller.timer.toggle()
            return True
        if key == Qt.Key.Key_V:
            self.controller.set_timer_shown(not self.controller.timer_shown)
            return True
        if key == Qt.Key.Key_R:
            entry = flow.current
            if entry.visit is not None:
                self.controller.set_reveal_all(not entry.visit.revealed_all)
            return True
        if key == Qt.Key.Key_S:
            self.toggle_audience_here()
            return True
        return False

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


def _key_value(key: object) -> int:
    return int(key.value) if hasattr(key, "value") else int(key)  # type: ignore[arg-type]


def _short(text: str, limit: int) -> str:
    flat = " ".join(to_plain(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
