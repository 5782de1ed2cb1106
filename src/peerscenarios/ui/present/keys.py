"""The presenter's keys: one table that both the key handler and the cheat sheet read.

Clickers send Page Up/Down (some send arrows or Space); the letter keys count
a show of hands. Each binding names an action; the presenter maps actions to
what they do, so the cheat sheet can never disagree with the keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Qt

# Letters A-I count votes; the other letters stay free for commands.
VOTE_KEYS = 9


class Action(Enum):
    """What a presenter key does."""

    NEXT = "next"
    BACK = "back"
    VOTE = "vote"
    BLACK = "black"
    WHITE = "white"
    TIMER = "timer"
    TIMER_RESET = "timer-reset"
    TIMER_SHOWN = "timer-shown"
    REVEAL = "reveal"
    SWITCH_VIEW = "switch-view"
    KEYS = "keys"
    ESCAPE = "escape"


@dataclass(frozen=True, slots=True)
class Binding:
    """Keys, whether Shift must be held (None: either way), the action, and its description."""

    keys: tuple[Qt.Key, ...]
    action: Action
    label: str
    description: str
    shift: bool | None = None
    while_typing: bool = False  # also acts while focus is in a text box


K = Qt.Key
# Page Up/Down act while typing too: the facilitator holding a clicker may be nowhere
# near the keyboard to move focus out of the notes.
KEYMAP: tuple[Binding, ...] = (
    Binding((K.Key_PageDown,), Action.NEXT, "Page Down", "next step (clicker forward)",
            while_typing=True),
    Binding((K.Key_Right, K.Key_Space), Action.NEXT, "→, Space", "next step"),
    Binding((K.Key_PageUp,), Action.BACK, "Page Up", "previous step (clicker back)",
            while_typing=True),
    Binding((K.Key_Left,), Action.BACK, "←", "previous step"),
    # No keys of its own: vote_index() reads the letters before this table is looked at;
    # the entry is here for the cheat sheet.
    Binding((), Action.VOTE, "A – I", "one more vote for that choice (while the choices or "
            "tally are up); Shift + letter: one vote fewer"),
    Binding((K.Key_B, K.Key_Period), Action.BLACK, "B or .",
            "black out the audience screen (again to show it); while votes are open B "
            "counts votes, use ."),
    Binding((K.Key_W, K.Key_Comma), Action.WHITE, "W or ,",
            "white out the audience screen (again to show it)"),
    # Shift + T before T: lookup() takes the first match, and plain T matches either way.
    Binding((K.Key_T,), Action.TIMER_RESET, "Shift + T", "reset the timer", shift=True),
    Binding((K.Key_T,), Action.TIMER, "T", "start or pause the discussion timer"),
    Binding((K.Key_V,), Action.TIMER_SHOWN, "V", "show or hide the timer on the audience screen"),
    Binding((K.Key_R,), Action.REVEAL, "R",
            "reveal the feedback for every response (at the feedback step)"),
    Binding((K.Key_S,), Action.SWITCH_VIEW, "S",
            "one screen: switch between this view and the audience view"),
    Binding((K.Key_Question, K.Key_F1), Action.KEYS, "? or F1",
            "this list of keys (always on the presenter's screen)"),
    Binding((K.Key_Escape,), Action.ESCAPE, "Esc",
            "leave a text box; in the audience view, back to this view; otherwise end the "
            "session (asks first, then shows the record to export)", while_typing=True),
)


def vote_index(key: int) -> int | None:
    """0 for A, 1 for B ... for the letters that count votes; None for any other key."""
    index = key - K.Key_A.value
    return index if 0 <= index < VOTE_KEYS else None


def lookup(key: int, shift: bool, *, typing: bool) -> Action | None:
    """The action of a key press (``typing``: focus is in a text box), or None."""
    for binding in KEYMAP:
        if key not in [k.value for k in binding.keys]:
            continue
        if typing and not binding.while_typing:
            return None
        if binding.shift is not None and binding.shift != shift:
            continue
        return binding.action
    if key == K.Key_Slash.value and shift and not typing:
        return Action.KEYS  # "?" on layouts that report Shift + /
    return None


def cheat_sheet_rows() -> tuple[tuple[str, str], ...]:
    """(keys, what they do) for each binding, in the table's order."""
    return tuple((b.label, b.description) for b in KEYMAP)
