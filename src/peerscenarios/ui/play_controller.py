"""Starting, resuming and pausing attempts from the window: app-layer policy, asked in dialogs.

``Training`` (app layer) decides what starting, resuming and setting aside
mean; this controller only asks the trainee where a choice is theirs to make
(keep the open attempt for later, or abandon it?) and switches pages.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from peerscenarios.app.training import ScenarioChangedError, Training
from peerscenarios.core.engine import Mode
from peerscenarios.core.model import Scenario
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.screens.player import PlayerScreen

log = logging.getLogger(__name__)


class PlayController(QObject):
    """Opens scenarios in the player; never abandons an attempt the trainee did not set aside."""

    show_player = Signal()
    status_message = Signal(str)
    changed = Signal()  # an attempt was opened, paused, set aside or finished

    def __init__(self, ctx: AppContext, player: PlayerScreen, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.ctx = ctx
        self.player = player
        self.parent_widget = parent_widget

    def training(self) -> Training:
        """The attempt policy for the current profile."""
        return Training(self.ctx.storage, self.ctx.library, self.ctx.profile_id)

    # ------------------------------------------------------------- starting

    def start(self, scenario: Scenario, mode: Mode) -> None:
        """Start ``scenario`` afresh (asking first what becomes of an attempt open now)."""
        pt = self.player.playthrough
        if pt is not None and pt.scenario.id == scenario.id and pt.mode is mode:
            self.show_player.emit()  # the same attempt, merely paused: carry on
            return
        if not self._let_go_of_open_attempt():
            return
        self.player.begin(scenario, mode)
        self.show_player.emit()

    def start_over(self, scenario: Scenario, attempt_id: int) -> None:
        """Set a paused attempt aside (kept in history as abandoned) and start the scenario anew."""
        training = self.training()
        attempt = training.storage.get_attempt(attempt_id)
        pt = self.player.playthrough
        # The attempt set aside is the one open here: nothing to ask about it.
        if pt is not None and pt.attempt.id == attempt_id:
            self.player.close_attempt()
        elif not self._let_go_of_open_attempt():
            return
        training.abandon(attempt_id)
        self.player.begin(scenario, Mode(attempt.mode.value))
        self.changed.emit()
        self.show_player.emit()

    def resume(self, attempt_id: int) -> None:
        """Open a paused attempt again; explains when its scenario changed underneath it."""
        pt = self.player.playthrough
        if pt is not None and pt.attempt.id == attempt_id:
            self.show_player.emit()
            return
        if not self._let_go_of_open_attempt():
            return
        try:
            playthrough = self.training().resume(attempt_id)
        except ScenarioChangedError as exc:
            from peerscenarios.ui.dialogs import MessageDialog

            MessageDialog.report(self.parent_widget, "This attempt cannot be picked up again",
                                 exc.message, exc.hint)
            self.changed.emit()  # it may have been set aside: lists that show it refresh
            return
        self.player.resume(playthrough)
        self.show_player.emit()

    def offer_resume(self) -> None:
        """At start-up: offer back the attempt that was on screen when the app last closed."""
        if self.ctx.profile is None or self.player.active:
            return
        wanted = self.ctx.settings.open_attempt_id
        paused = next((p for p in self.training().paused() if p.attempt.id == wanted), None)
        # Only the attempt on screen at the last stop, and only while its file is here;
        # other paused attempts wait in the Library without a question at start-up.
        if paused is None or paused.scenario is None:
            return
        from peerscenarios.ui.dialogs import ResumeAnswer, ResumeDialog

        answer = ResumeDialog.ask(self.parent_widget, paused.title, paused.started_at,
                                  paused.has_draft)
        if answer is ResumeAnswer.RESUME:
            self.resume(paused.attempt.id)
        elif answer is ResumeAnswer.DISCARD:
            self.training().abandon(paused.attempt.id)
            self.ctx.settings.open_attempt_id = 0
            self.changed.emit()

    # -------------------------------------------------------------- pausing

    def pause(self) -> None:
        """Keep the open attempt for later (drafts are written first)."""
        self.player.pause()

    def forget_open_attempt(self) -> None:
        """The trainee left the attempt on purpose (paused it, finished it): no offer at start."""
        self.ctx.settings.open_attempt_id = 0

    def _let_go_of_open_attempt(self) -> bool:
        """Before opening another attempt: keep the open one for later, or abandon it?

        Returns False if the trainee cancelled (nothing changes then).
        """
        pt = self.player.playthrough
        if pt is None:
            return True
        from peerscenarios.ui.dialogs import PausedAnswer, PausedDialog

        answer = PausedDialog.ask(self.parent_widget, pt.scenario.title)
        if answer is PausedAnswer.CANCEL:
            return False
        attempt_id = pt.attempt.id
        self.player.close_attempt()
        if answer is PausedAnswer.ABANDON:
            self.training().abandon(attempt_id)
            log.info("attempt %d abandoned before starting another", attempt_id)
        self.changed.emit()
        return True

