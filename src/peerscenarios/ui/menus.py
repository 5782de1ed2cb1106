"""The main window's menu bar: every action once, with a unique mnemonic in each menu."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


@dataclass(slots=True)
class MenuActions:
    """The actions the window enables, checks and triggers (tests press them as a user would)."""

    new_profile: QAction
    switch_profile: QAction
    export: QAction
    quit: QAction
    reload: QAction
    open_folder: QAction
    present: QAction
    pause: QAction
    go_library: QAction
    go_play: QAction
    go_history: QAction
    larger: QAction
    smaller: QAction
    default_size: QAction
    contrast: QAction
    where: QAction
    about: QAction

    def needing_storage(self) -> tuple[QAction, ...]:
        """Actions that need the database (it opens just after the first paint)."""
        return (self.new_profile, self.switch_profile, self.export, self.go_history)


def _action(window: QMainWindow, text: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
            slot: Callable[..., object], *, extra: tuple[str, ...] = ()) -> QAction:
    action = QAction(text, window)
    keys = [QKeySequence(k) for k in ((shortcut,) if shortcut else ()) + extra]
    if keys:
        action.setShortcuts(keys)
    action.triggered.connect(slot)
    # Added to the window too, so the shortcut works while the menu bar is hidden.
    window.addAction(action)
    return action


def _fill(menu: QMenu, actions: tuple[QAction | None, ...]) -> None:
    for a in actions:
        if a is None:
            menu.addSeparator()
        else:
            menu.addAction(a)


def build_menus(window: QMainWindow, slots: dict[str, Callable[..., object]]) -> MenuActions:
    """Build File, Scenarios, View and Help; ``slots`` maps each action's key to its handler.

    Mnemonics are unique within each menu and among the menu titles (View once
    had History and High contrast both on H, so Alt+V, H only cycled between them).
    """
    a = MenuActions(
        new_profile=_action(window, "&New profile…", None, slots["new_profile"]),
        switch_profile=_action(window, "&Switch profile…", "Ctrl+Shift+P",
                               slots["switch_profile"]),
        export=_action(window, "&Export portfolio…", "Ctrl+E", slots["export"]),
        quit=_action(window, "&Quit", QKeySequence.StandardKey.Quit, slots["quit"]),
        reload=_action(window, "&Reload library", "F5", slots["reload"]),
        open_folder=_action(window, "&Open scenarios folder", None, slots["open_folder"]),
        present=_action(window, "&Present to a group…", None, slots["present"]),
        pause=_action(window, "P&ause", "Ctrl+P", slots["pause"]),
        go_library=_action(window, "&Library", "Ctrl+1", slots["go_library"]),
        go_play=_action(window, "&Scenario", "Ctrl+2", slots["go_play"]),
        go_history=_action(window, "&History", "Ctrl+3", slots["go_history"]),
        larger=_action(window, "La&rger text", "Ctrl+=", slots["larger"], extra=("Ctrl++",)),
        # M: in the View menu S is the Scenario page's.
        smaller=_action(window, "S&maller text", "Ctrl+-", slots["smaller"]),
        default_size=_action(window, "&Default text size", "Ctrl+0", slots["default_size"]),
        contrast=_action(window, "High &contrast", None, slots["contrast"]),
        where=_action(window, "&Where is my data?", None, slots["where"]),
        about=_action(window, "&About PeerScenarios", None, slots["about"]),
    )
    # Checkable, so a screen reader says whether it is on.
    a.contrast.setCheckable(True)
    bar = window.menuBar()
    _fill(bar.addMenu("&File"), (a.new_profile, a.switch_profile, None, a.export, None, a.quit))
    _fill(bar.addMenu("S&cenarios"), (a.reload, a.open_folder, a.present, a.pause))
    _fill(bar.addMenu("&View"), (a.go_library, a.go_play, a.go_history, None, a.larger,
                                 a.smaller, a.default_size, None, a.contrast))
    _fill(bar.addMenu("&Help"), (a.where, a.about))
    return a
