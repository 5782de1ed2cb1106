"""Spoken announcements for screen readers: feedback, page changes, search counts.

Qt 6.8 added ``QAccessibleAnnouncementEvent``: an app can ask the screen
reader to say something without moving focus (the AT-SPI "announcement"
on Linux, UIA notifications on Windows, NSAccessibility on macOS). Every
announcement also goes out on ``Announcements.said`` so tests and the log
can see exactly what was spoken, and how often.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent


class Announcements(QObject):
    """Relays each announcement (the text spoken) for anyone listening in-process."""

    said = Signal(str)


# One relay for the app, so any widget can announce without being handed it.
announcements = Announcements()


def announce(source: QObject, message: str, *, assertive: bool = False) -> None:
    """Ask the screen reader to say ``message`` (polite: after what it is saying now)."""
    message = " ".join(message.split())
    if not message:
        return
    event = QAccessibleAnnouncementEvent(source, message)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive if assertive
                        else QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)
    announcements.said.emit(message)
