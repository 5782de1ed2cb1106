"""The discussion countdown, Qt-free: a clock you can start, pause, reset and read as m:ss."""

from __future__ import annotations

import time
from collections.abc import Callable


def format_seconds(seconds: float) -> str:
    """``m:ss`` for a countdown, rounding up so it shows 0:00 only when time is up."""
    # -(-x // 1) is the ceiling: 0.4 s left still reads 0:01.
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


class Countdown:
    """Time left for the room's discussion; ``clock`` is a seam for tests (seconds, monotonic).

    The UI polls it a few times a second and redraws when ``text`` changes;
    nothing here schedules anything.
    """

    def __init__(self, seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        # Monotonic, not wall time: a clock change during class must not make it jump.
        self._clock = clock
        self.duration = max(1, int(seconds))
        self._spent = 0.0
        self._since: float | None = None

    @property
    def running(self) -> bool:
        """True while counting down."""
        return self._since is not None

    @property
    def remaining(self) -> float:
        """Seconds left (0 when time is up)."""
        spent = self._spent + (self._clock() - self._since if self._since is not None else 0.0)
        return max(0.0, self.duration - spent)

    @property
    def expired(self) -> bool:
        """True once the countdown reached zero."""
        return self.remaining <= 0

    @property
    def text(self) -> str:
        """The countdown as ``m:ss``."""
        return format_seconds(self.remaining)

    def start(self) -> None:
        """Start or resume counting down (from the full time again if it had run out)."""
        if self.running:
            return
        if self.expired:
            self._spent = 0.0
        self._since = self._clock()

    def pause(self) -> None:
        """Stop counting, keeping the time left."""
        if self._since is not None:
            self._spent += self._clock() - self._since
            self._since = None

    def toggle(self) -> None:
        """Start if paused, pause if running."""
        if self.running:
            self.pause()
        else:
            self.start()

    def reset(self) -> None:
        """Back to the full time, paused."""
        self._since = None
        self._spent = 0.0

    def set_duration(self, seconds: int) -> None:
        """A new length for the countdown (resets it)."""
        self.duration = max(1, int(seconds))
        self.reset()

    def settle(self) -> bool:
        """Stop at zero once time is up; True if it just stopped."""
        if self.running and self.expired:
            # Spent pinned to the duration: it stays at 0:00 however long the panel stays open.
            self._spent = float(self.duration)
            self._since = None
            return True
        return False
