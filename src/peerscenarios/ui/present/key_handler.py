"""The presenter's keyboard and clicker: one event filter for both windows, driven by the key map.

Installed on the application while a session runs, it sees key presses in
the presenter and the audience window alike (a clicker sends them to
whichever has focus) and turns them into presenter actions through
:data:`peerscenarios.ui.present.keys.KEYMAP`. Keys typed into a text box
stay there, except the few that must always work (Page Up/Down, Esc).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from peerscenarios.app.group.stage_state import Blank
from peerscenarios.ui.present.keys import Action, lookup, vote_index

if TYPE_CHECKING:
    from peerscenarios.ui.present.presenter import PresenterWindow

# Where letters are text (notes, vote counts, the timer's length): keys typed there stay.
_TYPING = (QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit)
# With these held a key is a shortcut of a menu or of the system, never a presenter key.
_COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                      | Qt.KeyboardModifier.MetaModifier)


class PresenterKeys(QObject):
    """Turns key presses in either session window into presenter actions."""

    def __init__(self, presenter: PresenterWindow) -> None:
        super().__init__(presenter)
        self.presenter = presenter
        c = presenter.controller
        self._actions: dict[Action, Callable[[], object]] = {
            Action.NEXT: presenter.go_forward,
            Action.BACK: presenter.go_back,
            Action.BLACK: lambda: c.toggle_blank(Blank.BLACK),
            Action.WHITE: lambda: c.toggle_blank(Blank.WHITE),
            Action.TIMER: c.timer.toggle,
            Action.TIMER_RESET: c.timer.reset,
            Action.TIMER_SHOWN: lambda: c.set_timer_shown(not c.timer_shown),
            Action.SWITCH_VIEW: presenter.toggle_audience_here,
            Action.KEYS: presenter.show_cheat_sheet,
        }
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def detach(self) -> None:
        """Stop listening (the session is over)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        # The filter sees the whole application: only the two session windows' keys are
        # ours, never a dialog's or the library window's.
        window = watched.window()
        if window is not self.presenter and window is not self.presenter.audience:
            return False
        assert isinstance(event, QKeyEvent)
        return self.handle_key(event, watched)

    def handle_key(self, event: QKeyEvent, target: QWidget | None = None) -> bool:
        """Act on a presenter key (see :data:`keys.KEYMAP`); False if it is not one."""
        p = self.presenter
        key = int(event.key())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        typing = isinstance(target, _TYPING)
        if not typing and event.modifiers() & _COMMAND_MODIFIERS:
            return False
        flow = p.controller.flow
        index = None if typing else vote_index(key)
        visit = flow.current.visit
        if (index is not None and flow.votes_open and visit is not None
                and index < len(visit.choice_ids)):
            # While votes are open a letter counts a hand, B included (. still blacks out).
            p.controller.bump_votes(index, -1 if shift else 1)
            return True
        action = lookup(key, shift, typing=typing)
        if action is None:
            return False
        if action is Action.ESCAPE:
            # The nearest thing first: the audience view on the laptop, then the text box,
            # and only then the session (which asks before it ends).
            if p.screens.showing_here:
                p.toggle_audience_here()
            elif typing:
                p.setFocus(Qt.FocusReason.ShortcutFocusReason)
            else:
                p.request_leave()
            return True
        if action is Action.REVEAL:
            if visit is not None:
                p.controller.set_reveal_all(not visit.revealed_all)
            return True
        self._actions[action]()
        return True
